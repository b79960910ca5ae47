//! Signing of X.509 structures, with the key inside certkit or outside it.
//!
//! A certificate, a CSR and a CRL share one shape (RFC 5280 §4.1.1.1,
//! RFC 2986 §4.2):
//!
//! ```text
//! Signed ::= SEQUENCE {
//!     toBeSigned          ANY,            -- TBSCertificate, CertificationRequestInfo
//!     signatureAlgorithm  AlgorithmIdentifier,
//!     signature           BIT STRING }
//! ```
//!
//! certkit builds the to-be-signed bytes, hands them to a [`Signer`] — a key
//! certkit holds ([`KeySigner`]), or an HSM, a cloud KMS or the browser's
//! Web Crypto, which see only those bytes — and assembles the result with
//! [`ToBeSigned::assemble`]. An asynchronous signer takes
//! [`ToBeSigned::bytes`] out and brings the signature back to `assemble`.
//! Every signature is verified against the signer's public key before the
//! structure is returned, so a faulty signer (or a fault attack on RSA-CRT)
//! never produces a certificate.

use alloc::vec::Vec;

use der::asn1::{AnyRef, BitString, UintRef};
use der::{Decode, Encode, Sequence};
use rand_core::CryptoRng;
use spki::AlgorithmIdentifierOwned;

use crate::pki::key::{KeyAlgorithm, PrivateKey, PublicKey, SignatureAlgorithm};
use crate::{Error, Result};

/// Something that signs to-be-signed bytes.
pub trait Signer {
    /// The public key the signatures verify with.
    fn public_key(&self) -> &PublicKey;
    /// The algorithm the signatures are made with.
    fn signature_algorithm(&self) -> SignatureAlgorithm;
    /// Signs `tbs`, returning the signature BIT STRING's contents.
    fn sign(&mut self, tbs: &[u8]) -> Result<Vec<u8>>;
}

/// A [`PrivateKey`] and the random generator its signatures use: ECDSA's
/// hedged nonces, and, for a [`KeySigner::blinded`] signer, RSA blinding.
pub struct KeySigner<'a, R: CryptoRng + ?Sized> {
    key: &'a PrivateKey,
    rng: &'a mut R,
    blinded: bool,
}

impl<R: CryptoRng + ?Sized> core::fmt::Debug for KeySigner<'_, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeySigner").field("key", &self.key).finish()
    }
}

impl<'a, R: CryptoRng + ?Sized> KeySigner<'a, R> {
    /// Signs with `key` (RSA unblinded: see [`PrivateKey::sign`]).
    pub fn new(key: &'a PrivateKey, rng: &'a mut R) -> Self {
        KeySigner { key, rng, blinded: false }
    }

    /// Signs with `key`, RSA blinded ([`PrivateKey::sign_blinded`]): for a
    /// signer whose timing a remote caller may observe.
    pub fn blinded(key: &'a PrivateKey, rng: &'a mut R) -> Self {
        KeySigner { key, rng, blinded: true }
    }
}

impl<R: CryptoRng + ?Sized> Signer for KeySigner<'_, R> {
    fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }
    fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.key.signature_algorithm()
    }
    fn sign(&mut self, tbs: &[u8]) -> Result<Vec<u8>> {
        if self.blinded { self.key.sign_blinded(tbs, self.rng) } else { self.key.sign(tbs, self.rng) }
    }
}

/// To-be-signed bytes, waiting for their signature.
#[derive(Debug, Clone)]
pub struct ToBeSigned {
    tbs: Vec<u8>,
    alg: SignatureAlgorithm,
    key: PublicKey,
}

#[derive(Sequence)]
struct Signed<'a> {
    tbs: AnyRef<'a>,
    alg: AlgorithmIdentifierOwned,
    sig: BitString,
}

impl ToBeSigned {
    pub(crate) fn new(tbs: Vec<u8>, alg: SignatureAlgorithm, key: PublicKey) -> Self {
        ToBeSigned { tbs, alg, key }
    }

    /// The DER bytes to sign.
    pub fn bytes(&self) -> &[u8] {
        &self.tbs
    }

    /// The algorithm the signature must be made with.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    /// Verifies `signature` with the signer's public key and returns the DER
    /// of the signed structure.
    pub fn assemble(self, signature: &[u8]) -> Result<Vec<u8>> {
        self.key.verify(self.alg, &self.tbs, signature).map_err(|_| Error::Crypto {
            op: "signing",
            detail: "the signer's signature does not verify with its public key (wrong key or faulty signer)".into(),
        })?;
        self.assemble_verified_elsewhere(signature)
    }

    /// Returns the DER of the signed structure for a `signature` the caller
    /// has already verified against the signer's public key with a verifier
    /// of its own. The wasm package uses this for Web Crypto's signatures,
    /// which it checks with Web Crypto's native `verify`: the same check in
    /// wasm would cost more than making the key and the CSR together.
    pub fn assemble_verified_elsewhere(self, signature: &[u8]) -> Result<Vec<u8>> {
        let enc = |e: der::Error| Error::Crypto {
            op: "encoding the signed structure",
            detail: alloc::string::ToString::to_string(&e),
        };
        let signed = Signed {
            tbs: AnyRef::from_der(&self.tbs).map_err(enc)?,
            alg: self.alg.identifier(),
            sig: PublicKey::bit_string(signature)?,
        };
        signed.to_der().map_err(enc)
    }

    /// Signs with `signer` and assembles.
    pub fn sign_with<S: Signer + ?Sized>(self, signer: &mut S) -> Result<Vec<u8>> {
        let sig = signer.sign(&self.tbs)?;
        self.assemble(&sig)
    }
}

/// Converts an ECDSA signature from the fixed-width `r ‖ s` form (IEEE
/// P1363) that Web Crypto, PKCS#11 and most cloud KMS return into the DER
/// `ECDSA-Sig-Value` X.509 carries (RFC 5480 §2.2.3). Other signatures are
/// the same in both forms and pass through.
///
/// Only the form is checked here (two halves of the curve's size, neither
/// zero); whether `r` and `s` make a valid signature is for the
/// verification every assembled structure goes through. Written with
/// [`UintRef`] rather than `ecdsa::Signature<C>`, whose generic code (one
/// copy per curve) the npm package's first module need not carry.
pub fn signature_from_fixed(key: KeyAlgorithm, raw: &[u8]) -> Result<Vec<u8>> {
    let half = match key {
        KeyAlgorithm::EcdsaP256 => 32,
        KeyAlgorithm::EcdsaP384 => 48,
        KeyAlgorithm::Rsa(_) | KeyAlgorithm::Ed25519 => return Ok(raw.to_vec()),
    };
    let bad = || Error::Crypto {
        op: "signing",
        detail: alloc::format!("the external signer returned a {}-byte ECDSA signature that is not r ‖ s", raw.len()),
    };
    if raw.len() != 2 * half {
        return Err(bad());
    }
    let (r, s) = raw.split_at(half);
    if r.iter().all(|b| *b == 0) || s.iter().all(|b| *b == 0) {
        return Err(bad());
    }
    let value = EcdsaSigValue { r: UintRef::new(r).map_err(|_| bad())?, s: UintRef::new(s).map_err(|_| bad())? };
    value.to_der().map_err(|_| bad())
}

/// The other way: a signature as X.509 carries it, in the form Web Crypto's
/// `verify` takes — an ECDSA `ECDSA-Sig-Value` as `r ‖ s`; other
/// signatures as they are. `None` for an ECDSA signature that
/// [`PublicKey::verify`] would refuse by its encoding alone (not strict
/// DER, `r` or `s` zero or not below the curve's order), which the caller
/// then leaves to `verify`.
pub fn signature_to_fixed(key: KeyAlgorithm, der: &[u8]) -> Option<Vec<u8>> {
    match key {
        KeyAlgorithm::EcdsaP256 => p256::ecdsa::Signature::from_der(der).ok().map(|s| s.to_bytes().to_vec()),
        KeyAlgorithm::EcdsaP384 => p384::ecdsa::Signature::from_der(der).ok().map(|s| s.to_bytes().to_vec()),
        KeyAlgorithm::Rsa(_) | KeyAlgorithm::Ed25519 => Some(der.to_vec()),
    }
}

/// RFC 3279 §2.2.3: `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`.
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// The raw parts of a signed structure, before its contents are trusted.
#[derive(Clone, Debug)]
pub(crate) struct RawSigned {
    pub tbs: Vec<u8>,
    pub alg: AlgorithmIdentifierOwned,
    pub sig: Vec<u8>,
}

/// Splits DER of a signed structure into its to-be-signed bytes, algorithm
/// and signature, refusing trailing data and non-DER encodings. DER has one
/// encoding per value, so the to-be-signed element re-encodes to exactly the
/// bytes of the input.
pub(crate) fn split_signed(der: &[u8], what: &str) -> Result<RawSigned> {
    let bad = |e: der::Error| Error::Der { detail: alloc::string::ToString::to_string(&e) }.in_input(what);
    let signed = Signed::from_der(der).map_err(bad)?;
    let sig = signed
        .sig
        .as_bytes()
        .ok_or_else(|| Error::Der { detail: "the signature BIT STRING has unused bits".into() }.in_input(what))?;
    Ok(RawSigned { tbs: signed.tbs.to_der().map_err(bad)?, alg: signed.alg, sig: sig.to_vec() })
}

/// Whether `parent` issued `child` (`child_der` parsed): `child` names
/// `parent`'s subject as its issuer and `parent`'s key verifies its
/// signature. `what` names the parent in an error about its key.
pub(crate) fn issued_by(
    child_der: &[u8],
    child: &x509_cert::Certificate,
    parent: &x509_cert::Certificate,
    what: &str,
) -> Result<bool> {
    if child.tbs_certificate().issuer() != parent.tbs_certificate().subject() {
        return Ok(false);
    }
    let key = crate::pki::key::PublicKey::from_spki(parent.tbs_certificate().subject_public_key_info(), what)?;
    let raw = split_signed(child_der, "the certificate")?;
    let Ok(alg) = crate::pki::key::SignatureAlgorithm::from_identifier(&raw.alg) else { return Ok(false) };
    Ok(key.verify(alg, &raw.tbs, &raw.sig).is_ok())
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    type SignFn = alloc::boxed::Box<dyn FnMut(&[u8]) -> Vec<u8>>;

    /// A signer whose key certkit never sees: only bytes go in and out, as
    /// with an HSM, a cloud KMS or Web Crypto.
    struct Hsm {
        public: PublicKey,
        sign: SignFn,
    }

    impl Signer for Hsm {
        fn public_key(&self) -> &PublicKey {
            &self.public
        }
        fn signature_algorithm(&self) -> SignatureAlgorithm {
            self.public.algorithm().signature_algorithm()
        }
        fn sign(&mut self, tbs: &[u8]) -> Result<Vec<u8>> {
            Ok((self.sign)(tbs))
        }
    }

    fn hsm(alg: KeyAlgorithm) -> Hsm {
        let key = PrivateKey::generate(alg, &mut rng()).unwrap();
        let public = key.public_key().clone();
        Hsm { public, sign: alloc::boxed::Box::new(move |tbs| key.sign(tbs, &mut rng()).unwrap()) }
    }

    #[test]
    fn an_external_signer_makes_a_valid_csr_and_certificate() {
        let mut ext = hsm(KeyAlgorithm::EcdsaP384);
        let subject = crate::pki::name::build("hsm.example", &[], "").unwrap();
        let csr_der = crate::pki::csr::build(&subject, &[], Some(None), &mut ext).unwrap();
        let csr = crate::pki::csr::Csr::from_der(&csr_der, "csr").unwrap();
        assert_eq!(csr.public_key(), &ext.public);
        // Self-signed root through the two-phase (asynchronous) path.
        let policy = crate::cfssl::profile::Policy::root_ca(
            core::time::Duration::from_secs(3600),
            core::time::Duration::ZERO,
            None,
        );
        let s = crate::issue::certificate::Subject::from_csr(&csr);
        let (tbs, _) = crate::issue::certificate::prepare(
            &s,
            &policy,
            crate::issue::certificate::Issuer::SelfSigned,
            &ext.public,
            crate::pki::time::UnixTime(1_800_000_000),
            &mut rng(),
        )
        .unwrap();
        let sig = ext.sign(tbs.bytes()).unwrap();
        let der = tbs.assemble(&sig).unwrap();
        crate::issue::certificate::verify_signature(&der, &ext.public).unwrap();
    }

    #[test]
    fn fixed_width_ecdsa_signatures_become_der() {
        let msg = b"to be signed";
        let p256 = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let der = p256.sign(msg, &mut rng()).unwrap();
        let fixed = p256::ecdsa::Signature::from_der(&der).unwrap().to_bytes();
        assert_eq!(signature_from_fixed(KeyAlgorithm::EcdsaP256, &fixed).unwrap(), der);
        assert_eq!(signature_to_fixed(KeyAlgorithm::EcdsaP256, &der).unwrap(), fixed.to_vec());
        let p384 = PrivateKey::generate(KeyAlgorithm::EcdsaP384, &mut rng()).unwrap();
        let der = p384.sign(msg, &mut rng()).unwrap();
        let fixed = p384::ecdsa::Signature::from_der(&der).unwrap().to_bytes();
        assert_eq!(signature_from_fixed(KeyAlgorithm::EcdsaP384, &fixed).unwrap(), der);
        assert_eq!(signature_to_fixed(KeyAlgorithm::EcdsaP384, &der).unwrap(), fixed.to_vec());
        // What verify refuses by its encoding: r = 0, trailing bytes, the other curve's size.
        assert!(
            signature_to_fixed(KeyAlgorithm::EcdsaP256, &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]).is_none()
        );
        let mut long = der.clone();
        long.push(0);
        assert!(signature_to_fixed(KeyAlgorithm::EcdsaP384, &long).is_none());
        assert!(signature_to_fixed(KeyAlgorithm::EcdsaP256, &der).is_none());
        // Halves with leading zeros or the top bit set encode as the ecdsa
        // crate encodes them.
        for (r0, s0) in [(0x00, 0x80), (0x80, 0x00), (0x00, 0x00), (0x7f, 0xff)] {
            let mut fixed = [0x11u8; 64];
            fixed[0] = r0;
            fixed[1] = r0;
            fixed[32] = s0;
            let ours = signature_from_fixed(KeyAlgorithm::EcdsaP256, &fixed).unwrap();
            let theirs = p256::ecdsa::Signature::from_slice(&fixed).unwrap().to_der();
            assert_eq!(ours, theirs.as_bytes(), "{r0:02x} {s0:02x}");
        }
        // The wrong width, or zero r and s, is refused; RSA passes through.
        assert!(signature_from_fixed(KeyAlgorithm::EcdsaP256, &fixed).is_err());
        assert!(signature_from_fixed(KeyAlgorithm::EcdsaP256, &[0u8; 64]).is_err());
        assert_eq!(signature_from_fixed(KeyAlgorithm::Rsa(2048), &[7u8; 256]).unwrap(), alloc::vec![7u8; 256]);
    }

    #[test]
    fn a_faulty_signer_is_caught_before_anything_is_returned() {
        let mut bad = hsm(KeyAlgorithm::EcdsaP256);
        bad.sign = alloc::boxed::Box::new(|_| alloc::vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);
        let subject = crate::pki::name::build("x", &[], "").unwrap();
        let e = crate::pki::csr::build(&subject, &[], None, &mut bad).unwrap_err();
        assert!(e.to_string().contains("does not verify"), "{e}");
    }
}
