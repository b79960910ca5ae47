//! PKCS#10 certification requests, RFC 2986.
//!
//! ```text
//! CertificationRequest ::= SEQUENCE {
//!     certificationRequestInfo CertificationRequestInfo,
//!     signatureAlgorithm       AlgorithmIdentifier,
//!     signature                BIT STRING }
//! CertificationRequestInfo ::= SEQUENCE {
//!     version       INTEGER { v1(0) },
//!     subject       Name,
//!     subjectPKInfo SubjectPublicKeyInfo,
//!     attributes    [0] Attributes }
//! ```
//!
//! Building: the subject, and the SANs in an extensionRequest attribute
//! (RFC 2985 §5.4.2); a CA request also asks for basicConstraints cA=TRUE,
//! as cfssl's `-initca` does.
//!
//! Parsing fails closed: the input is size-checked, split into its exact
//! to-be-signed bytes, algorithm and signature, and the signature is
//! verified against the embedded key before anything else is read. Weak
//! algorithms (MD2/MD4/MD5/SHA-1, DSA) and RSA keys under 2048 bits are
//! refused. Requested extensions are checked: a duplicate is refused, and so
//! is a critical one certkit does not understand; SANs are validated by the
//! same rules as `hosts`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::asn1::{Any, SetOfVec};
use der::{Decode, Encode};
use x509_cert::attr::Attribute;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::request::{CertReqInfo, Version};

use crate::pki::key::{PublicKey, SignatureAlgorithm};
use crate::pki::san::San;
use crate::pki::signer::{Signer, ToBeSigned};
use crate::pki::{oid, pem};
use crate::{Error, Result};

/// Most extensions a CSR may request.
pub const MAX_EXTENSIONS: usize = 64;

/// Builds the to-be-signed CertificationRequestInfo for `subject` and
/// `sans`, with the key `public_key`; `ca` adds a basicConstraints request.
pub fn prepare(
    subject: &Name,
    sans: &[San],
    ca: Option<Option<u8>>,
    public_key: &PublicKey,
    alg: SignatureAlgorithm,
) -> Result<ToBeSigned> {
    let enc = |e: der::Error| Error::Crypto { op: "CSR encoding", detail: e.to_string() };
    let mut extensions: Vec<Extension> = Vec::new();
    if let Some(path_len) = ca {
        let bc = BasicConstraints { ca: true, path_len_constraint: path_len };
        extensions.push(Extension {
            extn_id: oid::BASIC_CONSTRAINTS,
            critical: true,
            extn_value: der::asn1::OctetString::new(bc.to_der().map_err(enc)?).map_err(enc)?,
        });
    }
    if !sans.is_empty() {
        let names = sans.iter().map(San::to_general_name).collect::<Result<Vec<_>>>()?;
        let value = SubjectAltName(names).to_der().map_err(enc)?;
        extensions.push(Extension {
            extn_id: oid::SAN,
            critical: subject.is_empty(),
            extn_value: der::asn1::OctetString::new(value).map_err(enc)?,
        });
    }
    // One attribute with one value: nothing to sort (`insert_ordered`
    // leaves out the SET OF sort, and its code, that `insert` brings).
    let mut attributes = SetOfVec::new();
    if !extensions.is_empty() {
        let mut values = SetOfVec::new();
        values.insert_ordered(Any::encode_from(&extensions).map_err(enc)?).map_err(enc)?;
        attributes.insert_ordered(Attribute { oid: oid::EXTENSION_REQUEST, values }).map_err(enc)?;
    }
    let info = CertReqInfo {
        version: Version::V1,
        subject: subject.clone(),
        public_key: public_key.spki().clone(),
        attributes,
    };
    Ok(ToBeSigned::new(info.to_der().map_err(enc)?, alg, public_key.clone()))
}

/// Builds and signs a CSR with `signer` (whose key the CSR is for); returns DER.
pub fn build<S: Signer + ?Sized>(
    subject: &Name,
    sans: &[San],
    ca: Option<Option<u8>>,
    signer: &mut S,
) -> Result<Vec<u8>> {
    let key = signer.public_key().clone();
    prepare(subject, sans, ca, &key, signer.signature_algorithm())?.sign_with(signer)
}

/// A CSR split into its parts whose signature is not yet verified
/// ([`Csr::parse_unverified`]): only its algorithm and key have been read,
/// and nothing else is until the signature over the exact signed bytes
/// verifies — with certkit's arithmetic ([`UnverifiedCsr::verify`]) or a
/// verifier the caller trusts ([`UnverifiedCsr::verified_elsewhere`]; the
/// npm package's Web Crypto).
#[derive(Clone, Debug)]
pub struct UnverifiedCsr {
    der: Vec<u8>,
    raw: crate::pki::signer::RawSigned,
    alg: SignatureAlgorithm,
    info: CertReqInfo,
    public_key: PublicKey,
    what: String,
}

impl UnverifiedCsr {
    /// Splits a DER CSR and reads its algorithm and key.
    fn from_der(der: &[u8], what: &str) -> Result<UnverifiedCsr> {
        let bad = |e: Error| e.in_input(what);
        let raw = crate::pki::signer::split_signed(der, what).map_err(bad)?;
        // The CSR's name goes with the algorithm's refusal.
        let alg = SignatureAlgorithm::from_identifier(&raw.alg)
            .map_err(|e| Error::Csr { detail: e.to_string() }.in_input(what))?;
        // The request info is decoded structurally (DER only, no meaning
        // taken from it) so the key can be read; nothing else is used until
        // the signature over the exact bytes has verified.
        let info = CertReqInfo::from_der(&raw.tbs).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        let public_key = PublicKey::from_spki(&info.public_key, what).map_err(bad)?;
        Ok(UnverifiedCsr { der: der.to_vec(), raw, alg, info, public_key, what: what.into() })
    }

    /// The signed bytes (the CertificationRequestInfo's DER).
    pub fn signed_bytes(&self) -> &[u8] {
        &self.raw.tbs
    }

    /// The signature, as the CSR carries it (an `ECDSA-Sig-Value` for ECDSA).
    pub fn signature(&self) -> &[u8] {
        &self.raw.sig
    }

    /// The algorithm the CSR says it is signed with, checked to be one
    /// certkit takes.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    /// The key the signature must verify with.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Verifies the signature with the CSR's key, then reads the rest.
    pub fn verify(self) -> Result<Csr> {
        if self.public_key.verify(self.alg, &self.raw.tbs, &self.raw.sig).is_err() {
            return Err(self.refused_elsewhere());
        }
        self.verified_elsewhere()
    }

    /// Reads the rest of a CSR whose signature the caller has verified
    /// against [`UnverifiedCsr::public_key`] with a verifier of its own.
    pub fn verified_elsewhere(self) -> Result<Csr> {
        let UnverifiedCsr { der, info, public_key, alg, what, .. } = self;
        let rest = || -> Result<(Vec<Extension>, Vec<San>, Option<BasicConstraints>)> {
            if info.version != Version::V1 {
                return Err(Error::Csr { detail: "the CSR version is not v1 (0)".into() });
            }
            crate::pki::name::check(&info.subject, "subject", &what)?;
            let extensions = requested_extensions(&info)?;
            let (sans, basic_constraints) = read_extensions(&extensions)?;
            Ok((extensions, sans, basic_constraints))
        };
        let (extensions, sans, basic_constraints) = rest().map_err(|e| e.in_input(&what))?;
        Ok(Csr { der, info, public_key, signature_algorithm: alg, sans, basic_constraints, extensions })
    }

    /// The error for a CSR whose signature a verifier of the caller's own
    /// refused: the one [`UnverifiedCsr::verify`] gives.
    pub fn refused_elsewhere(self) -> Error {
        Error::CsrSignature.in_input(self.what)
    }
}

/// A CSR whose signature has been verified.
#[derive(Clone, Debug)]
pub struct Csr {
    der: Vec<u8>,
    info: CertReqInfo,
    public_key: PublicKey,
    signature_algorithm: SignatureAlgorithm,
    sans: Vec<San>,
    basic_constraints: Option<BasicConstraints>,
    extensions: Vec<Extension>,
}

impl Csr {
    /// Reads a CSR from PEM (`CERTIFICATE REQUEST`) or DER and verifies it.
    /// `what` names the input in errors.
    pub fn parse(input: &[u8], what: &str) -> Result<Csr> {
        Self::parse_unverified(input, what)?.verify()
    }

    /// [`Csr::parse`]'s first half: the CSR split into its signed bytes,
    /// algorithm, key and signature, to be verified by
    /// [`UnverifiedCsr::verify`] or by a verifier of the caller's own
    /// ([`UnverifiedCsr::verified_elsewhere`]). Its errors are `parse`'s.
    pub fn parse_unverified(input: &[u8], what: &str) -> Result<UnverifiedCsr> {
        crate::error::within_limit(input, what)?;
        if pem::is_pem(input) {
            let blocks = pem::blocks(input, what)?;
            let mut csrs = blocks
                .iter()
                .filter(|b| b.label == pem::CERTIFICATE_REQUEST || b.label == pem::NEW_CERTIFICATE_REQUEST);
            let block = csrs.next().ok_or_else(|| {
                Error::PemLabel { found: pem::label_list(&blocks), expected: pem::CERTIFICATE_REQUEST }.in_input(what)
            })?;
            // Signing the first of several would leave the others unsigned
            // without a word.
            let more = csrs.count();
            if more > 0 {
                return Err(Error::Csr {
                    detail: alloc::format!("it holds {} CSRs; give each CSR in a file of its own", more + 1),
                }
                .in_input(what));
            }
            UnverifiedCsr::from_der(&block.der, what)
        } else {
            UnverifiedCsr::from_der(pem::as_der(input, what)?, what)
        }
    }

    /// Reads and verifies a DER CSR.
    pub fn from_der(der: &[u8], what: &str) -> Result<Csr> {
        UnverifiedCsr::from_der(der, what)?.verify()
    }

    /// The CSR's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The CSR as PEM.
    pub fn to_pem(&self) -> String {
        pem::encode(pem::CERTIFICATE_REQUEST, &self.der)
    }

    /// The subject.
    pub fn subject(&self) -> &Name {
        &self.info.subject
    }

    /// The requested SANs.
    pub fn sans(&self) -> &[San] {
        &self.sans
    }

    /// The subject's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The algorithm the CSR is signed with.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }

    /// Whether the CSR asks to be a CA, and with which path length.
    pub fn requested_ca(&self) -> Option<&BasicConstraints> {
        self.basic_constraints.as_ref().filter(|bc| bc.ca)
    }

    /// All requested extensions.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }
}

/// The extensions of the one extensionRequest attribute (PKCS#9), at most
/// [`MAX_EXTENSIONS`] of them.
fn requested_extensions(info: &CertReqInfo) -> Result<Vec<Extension>> {
    let mut extensions: Vec<Extension> = Vec::new();
    let mut seen_request = false;
    for attr in info.attributes.iter().filter(|a| a.oid == oid::EXTENSION_REQUEST) {
        if seen_request || attr.values.len() != 1 {
            return Err(Error::Csr { detail: "the CSR has more than one extensionRequest; make it again".into() });
        }
        seen_request = true;
        for v in attr.values.iter() {
            extensions = v
                .decode_as::<Vec<Extension>>()
                .map_err(|e| Error::Der { detail: alloc::format!("extensionRequest: {e}") })?;
        }
    }
    if extensions.len() > MAX_EXTENSIONS {
        return Err(Error::Csr {
            detail: alloc::format!(
                "the CSR requests {} extensions; at most {MAX_EXTENSIONS} are accepted",
                extensions.len()
            ),
        });
    }
    Ok(extensions)
}

/// What certkit reads of the requested extensions: each once (RFC 5280
/// §4.2), the SANs and basicConstraints; keyUsage, extKeyUsage and the key
/// identifier checked to be what they claim (the profile decides those);
/// any other critical extension refused.
fn read_extensions(extensions: &[Extension]) -> Result<(Vec<San>, Option<BasicConstraints>)> {
    let mut sans = Vec::new();
    let mut basic_constraints = None;
    let mut seen = alloc::collections::BTreeSet::new();
    for ext in extensions {
        if !seen.insert(ext.extn_id) {
            return Err(Error::DuplicateExtension { oid: ext.extn_id.to_string() });
        }
        let bad = |e: der::Error| Error::Der { detail: alloc::format!("extension {}: {e}", ext.extn_id) };
        let value = ext.extn_value.as_bytes();
        match ext.extn_id {
            o if o == oid::SAN => sans = requested_sans(&SubjectAltName::from_der(value).map_err(bad)?)?,
            o if o == oid::BASIC_CONSTRAINTS => {
                basic_constraints = Some(BasicConstraints::from_der(value).map_err(bad)?);
            }
            o if o == oid::KEY_USAGE => drop(KeyUsage::from_der(value).map_err(bad)?),
            o if o == oid::EXT_KEY_USAGE => drop(ExtendedKeyUsage::from_der(value).map_err(bad)?),
            o if o == oid::SKI => drop(SubjectKeyIdentifier::from_der(value).map_err(bad)?),
            o if ext.critical => return Err(Error::UnknownCriticalExtension { oid: o.to_string() }),
            _ => {}
        }
    }
    Ok((sans, basic_constraints))
}

/// The requested subjectAltName: at least one name, at most
/// [`crate::pki::san::MAX_SANS`], each a DNS name, IP address, email or
/// URI that certkit would accept in `hosts`, encoded as its own type.
fn requested_sans(san: &SubjectAltName) -> Result<Vec<San>> {
    if san.0.is_empty() {
        return Err(Error::Csr { detail: "the CSR's subjectAltName lists no names (RFC 5280 §4.2.1.6 wants at least one); make the CSR with hosts or without the extension".into() });
    }
    if san.0.len() > crate::pki::san::MAX_SANS {
        return Err(Error::Csr {
            detail: alloc::format!(
                "the CSR names {} SANs; at most {} are accepted",
                san.0.len(),
                crate::pki::san::MAX_SANS
            ),
        });
    }
    let mut sans = Vec::with_capacity(san.0.len());
    for (j, gn) in san.0.iter().enumerate() {
        let s = San::from_general_name(gn).ok_or_else(|| Error::Csr { detail: alloc::format!("subjectAltName[{j}] is of a type certkit does not issue (only DNS, IP, email and URI); make the CSR without it") })?;
        let checked = San::from_host(j, &s.value())
            .map_err(|e| Error::Csr { detail: alloc::format!("the CSR's subjectAltName: {e}") })?;
        if checked != s {
            return Err(Error::Csr {
                detail: alloc::format!("subjectAltName[{j}] `{}` is encoded as the wrong type", s.value()),
            });
        }
        sans.push(s);
    }
    Ok(sans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::key::{KeyAlgorithm, PrivateKey};
    use crate::pki::signer::KeySigner;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    #[test]
    fn build_parse_round_trip_for_every_key_type() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Ed25519, KeyAlgorithm::Rsa(2048)] {
            let key = PrivateKey::generate(alg, &mut rng()).unwrap();
            let subject = crate::pki::name::build("web", &[], "").unwrap();
            let sans = crate::pki::san::from_hosts(&["web.example.com", "10.0.0.1"]).unwrap();
            let mut r = rng();
            let der = build(&subject, &sans, None, &mut KeySigner::new(&key, &mut r)).unwrap();
            let csr = Csr::parse(pem::encode("CERTIFICATE REQUEST", &der).as_bytes(), "server.csr").unwrap();
            assert_eq!(csr.sans(), &sans[..]);
            assert_eq!(csr.public_key(), key.public_key());
            assert_eq!(csr.der(), &der[..]);
            assert!(csr.requested_ca().is_none());
        }
    }

    #[test]
    fn one_csr_per_input() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = crate::pki::name::build("web", &[], "").unwrap();
        let mut r = rng();
        let der = build(&subject, &[], None, &mut KeySigner::new(&key, &mut r)).unwrap();
        let pem = pem::encode("CERTIFICATE REQUEST", &der);
        // A key beside its CSR is fine; a second CSR is not.
        let key_pem = key.to_pkcs8_pem().unwrap();
        assert!(Csr::parse(alloc::format!("{}{pem}", key_pem.as_str()).as_bytes(), "web.csr").is_ok());
        let e = Csr::parse(alloc::format!("{pem}{pem}").as_bytes(), "-").unwrap_err();
        assert_eq!(e.to_string(), "-: it holds 2 CSRs; give each CSR in a file of its own");
    }

    #[test]
    fn tampered_csr_is_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = crate::pki::name::build("web", &[], "").unwrap();
        let mut r = rng();
        let mut der = build(&subject, &[], None, &mut KeySigner::new(&key, &mut r)).unwrap();
        // Flip a byte of the CN ("web" -> "wfb").
        let pos = der.windows(3).position(|w| w == b"web").unwrap();
        der[pos + 1] ^= 0x03;
        let e = Csr::from_der(&der, "server.csr").unwrap_err();
        assert!(matches!(e.kind(), Error::CsrSignature), "{e}");
        // A verifier outside certkit that refuses it gets the same error;
        // one that (wrongly) accepts it still gets every later check.
        let split = Csr::parse_unverified(&der, "server.csr").unwrap();
        assert!(
            split.public_key().verify(split.signature_algorithm(), split.signed_bytes(), split.signature()).is_err()
        );
        assert_eq!(split.clone().refused_elsewhere(), e);
        assert_eq!(split.verified_elsewhere().unwrap().subject().to_string(), "CN=wfb");
    }

    /// Signs a hand-made CertificationRequestInfo with `key`.
    fn sign_info(info: &CertReqInfo, key: &PrivateKey) -> Vec<u8> {
        let tbs = ToBeSigned::new(info.to_der().unwrap(), key.signature_algorithm(), key.public_key().clone());
        let mut r = rng();
        tbs.sign_with(&mut KeySigner::new(key, &mut r)).unwrap()
    }

    #[test]
    fn duplicate_extensions_are_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let san = |h: &str| {
            let v =
                SubjectAltName(alloc::vec![San::from_host(0, h).unwrap().to_general_name().unwrap()]).to_der().unwrap();
            Extension { extn_id: oid::SAN, critical: false, extn_value: der::asn1::OctetString::new(v).unwrap() }
        };
        let mut values = SetOfVec::new();
        values.insert(Any::encode_from(&alloc::vec![san("a.example"), san("b.example")]).unwrap()).unwrap();
        let mut attributes = SetOfVec::new();
        attributes.insert(Attribute { oid: oid::EXTENSION_REQUEST, values }).unwrap();
        let info = CertReqInfo {
            version: Version::V1,
            subject: crate::pki::name::build("dup", &[], "").unwrap(),
            public_key: key.public_key().spki().clone(),
            attributes,
        };
        let e = Csr::from_der(&sign_info(&info, &key), "dup.csr").unwrap_err();
        assert!(matches!(e.kind(), Error::DuplicateExtension { .. }), "{e}");
    }

    #[test]
    fn mutated_csrs_never_panic_and_never_verify_wrongly() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = crate::pki::name::build("web", &[], "").unwrap();
        let sans = crate::pki::san::from_hosts(&["web.example.com", "10.0.0.1"]).unwrap();
        let mut r = rng();
        let der = build(&subject, &sans, None, &mut KeySigner::new(&key, &mut r)).unwrap();
        // A small xorshift generator: reproducible mutations without a dependency.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut accepted = 0;
        for _ in 0..3000 {
            let mut m = der.clone();
            for _ in 0..1 + next() % 3 {
                let i = (next() as usize) % m.len();
                match next() % 3 {
                    0 => m[i] ^= 1 << (next() % 8),
                    1 => m[i] = next() as u8,
                    _ => m.truncate(i),
                }
                if m.is_empty() {
                    break;
                }
            }
            if let Ok(csr) = Csr::from_der(&m, "mutant") {
                // Only a mutation that leaves the signed bytes and the key intact may pass.
                accepted += 1;
                assert_eq!(csr.public_key(), key.public_key());
                assert_eq!(csr.subject(), &subject);
            }
        }
        assert!(accepted < 3000);
    }

    #[test]
    fn trailing_garbage_and_wrong_label_are_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = crate::pki::name::build("web", &[], "").unwrap();
        let mut r = rng();
        let mut der = build(&subject, &[], None, &mut KeySigner::new(&key, &mut r)).unwrap();
        der.push(0);
        assert!(matches!(Csr::from_der(&der, "x").unwrap_err().kind(), Error::Der { .. }));
        let e = Csr::parse(pem::encode("CERTIFICATE", b"abc").as_bytes(), "x.pem").unwrap_err().to_string();
        assert!(e.contains("CERTIFICATE REQUEST"), "{e}");
    }
}
