//! Public keys: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, RFC 5480, RFC
//! 8410), key identifiers, and signature verification.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5912, rfc8410};
use der::asn1::BitString;
use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};

use super::{KeyAlgorithm, RSA_MAX_BITS, RSA_MIN_BITS, SignatureAlgorithm, modulus_bits};
use crate::{Error, Result};

/// A public key, kept as its SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub(super) spki: SubjectPublicKeyInfoOwned,
    pub(super) algorithm: KeyAlgorithm,
}

impl PublicKey {
    /// Recognises a SubjectPublicKeyInfo, refusing unsupported algorithms
    /// and RSA keys outside 2048–8192 bits. `what` names the input in errors.
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned, what: &str) -> Result<Self> {
        let oid = spki.algorithm.oid;
        let bad = |e: &dyn fmt::Display| Error::BadKey { detail: e.to_string() }.in_input(what);
        let der = spki.to_der().map_err(|e| bad(&e))?;
        let spki_ref = SubjectPublicKeyInfoRef::from_der(&der).map_err(|e| bad(&e))?;
        let algorithm = if oid == rfc5912::RSA_ENCRYPTION {
            let key = rsa::PublicKey::try_from(spki_ref).map_err(|e| bad(&e))?;
            let bits = rsa::traits::PublicKeyParts::n(&key).bit_width();
            if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) || bits % 8 != 0 {
                return Err(Error::RsaKeySize { bits }.in_input(what));
            }
            if spki.algorithm.parameters.as_ref().is_none_or(|p| der::Tagged::tag(p) != der::Tag::Null) {
                return Err(Error::BadKey { detail: "rsaEncryption parameters must be NULL (RFC 3279 2.3.1)".into() }
                    .in_input(what));
            }
            KeyAlgorithm::Rsa(bits)
        } else if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            let point = spki.subject_public_key.raw_bytes();
            if point.first() != Some(&0x04) {
                return Err(Error::BadKey {
                    detail: "the EC public key must be an uncompressed point (RFC 5480 2.2)".into(),
                }
                .in_input(what));
            }
            match curve {
                Some(c) if c == rfc5912::SECP_256_R_1 => {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|e| bad(&e))?;
                    KeyAlgorithm::EcdsaP256
                }
                Some(c) if c == rfc5912::SECP_384_R_1 => {
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|e| bad(&e))?;
                    KeyAlgorithm::EcdsaP384
                }
                Some(c) => {
                    return Err(Error::UnsupportedKey { detail: alloc::format!("EC curve {c}; use P-256 or P-384") }
                        .in_input(what));
                }
                None => {
                    return Err(Error::BadKey { detail: "the EC key does not name its curve".into() }.in_input(what));
                }
            }
        } else if oid == rfc8410::ID_ED_25519 {
            if spki.algorithm.parameters.is_some() {
                return Err(
                    Error::BadKey { detail: "Ed25519 parameters must be absent (RFC 8410 3)".into() }.in_input(what)
                );
            }
            let bytes: [u8; 32] = spki.subject_public_key.raw_bytes().try_into().map_err(|_| {
                Error::BadKey { detail: "an Ed25519 public key must be 32 bytes".into() }.in_input(what)
            })?;
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|e| bad(&e))?;
            KeyAlgorithm::Ed25519
        } else if oid == rfc5912::ID_DSA {
            return Err(
                Error::UnsupportedKey { detail: "DSA keys are obsolete; use ECDSA P-256".into() }.in_input(what)
            );
        } else {
            return Err(Error::UnsupportedKey {
                detail: alloc::format!("key algorithm {oid}; use ECDSA P-256/P-384, RSA or Ed25519"),
            }
            .in_input(what));
        };
        Ok(PublicKey { spki: spki.clone(), algorithm })
    }

    /// Recognises the DER of a SubjectPublicKeyInfo (what Web Crypto's
    /// `exportKey("spki")` returns), with the checks of [`Self::from_spki`].
    pub fn from_der(der: &[u8], what: &str) -> Result<Self> {
        let spki = SubjectPublicKeyInfoOwned::from_der(der)
            .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        Self::from_spki(&spki, what)
    }

    /// A public key from its parts as key stores keep them apart from any
    /// SubjectPublicKeyInfo: the named curve (DER of the curve's OBJECT
    /// IDENTIFIER, RFC 5480 §2.1.1.1, or of id-Ed25519, RFC 8410 §3; the
    /// PrintableString `edwards25519` is taken for the latter) and the point
    /// (RFC 5480 §2.2's uncompressed point, or Ed25519's 32 bytes), bare or
    /// wrapped in a DER OCTET STRING. Checked as [`Self::from_spki`] checks.
    pub fn from_curve_point(curve: &[u8], point: &[u8], what: &str) -> Result<Self> {
        let algorithm = KeyAlgorithm::from_curve_der(curve).ok_or_else(|| {
            Error::UnsupportedKey { detail: "the key's curve is not P-256, P-384 or Ed25519".into() }.in_input(what)
        })?;
        let size = match algorithm {
            KeyAlgorithm::EcdsaP256 => 65,
            KeyAlgorithm::EcdsaP384 => 97,
            _ => 32,
        };
        let point = match <&der::asn1::OctetStringRef>::from_der(point) {
            Ok(inner) if inner.as_bytes().len() == size => inner.as_bytes(),
            _ => point,
        };
        let (oid, parameters) = match algorithm {
            KeyAlgorithm::Ed25519 => (rfc8410::ID_ED_25519, None),
            _ => (
                rfc5912::ID_EC_PUBLIC_KEY,
                Some(der::asn1::Any::from_der(curve).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?),
            ),
        };
        let bad = |e: der::Error| Error::BadKey { detail: e.to_string() }.in_input(what);
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned { oid, parameters },
            subject_public_key: BitString::from_bytes(point).map_err(bad)?,
        };
        Self::from_spki(&spki, what)
    }

    /// An RSA public key from its modulus and public exponent (big-endian
    /// unsigned integers), checked as [`Self::from_spki`] checks.
    pub fn from_rsa_parts(modulus: &[u8], exponent: &[u8], what: &str) -> Result<Self> {
        let bad = |e: der::Error| Error::BadKey { detail: e.to_string() }.in_input(what);
        let key = pkcs1::RsaPublicKey {
            modulus: der::asn1::UintRef::new(modulus).map_err(bad)?,
            public_exponent: der::asn1::UintRef::new(exponent).map_err(bad)?,
        };
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: rfc5912::RSA_ENCRYPTION,
                parameters: Some(der::asn1::Any::from(der::asn1::Null)),
            },
            subject_public_key: BitString::from_bytes(&key.to_der().map_err(bad)?).map_err(bad)?,
        };
        Self::from_spki(&spki, what)
    }

    /// The key's type and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The SubjectPublicKeyInfo.
    pub fn spki(&self) -> &SubjectPublicKeyInfoOwned {
        &self.spki
    }

    /// Recognises the DER of a SubjectPublicKeyInfo by its structure alone:
    /// algorithm, curve, point encoding and lengths, RSA modulus size. It
    /// skips [`Self::from_spki`]'s arithmetic (that an EC point lies on its
    /// curve, that an Ed25519 point decompresses), so it is only for a key
    /// the caller has just made with an implementation it trusts — the wasm
    /// package's lite module takes Web Crypto's keys this way, and leaves
    /// every curve's arithmetic out. Keys read from outside go through
    /// [`Self::from_spki`]; a CA checks a CSR's key in full.
    pub fn from_trusted_der(der: &[u8], what: &str) -> Result<Self> {
        let bad = |detail: String| Error::BadKey { detail }.in_input(what);
        let malformed = |e: der::Error| Error::Der { detail: e.to_string() }.in_input(what);
        // Read element by element (super::elements): the typed decoder of
        // SubjectPublicKeyInfo costs the page's download more than this.
        let spki = super::elements(der::asn1::AnyRef::from_der(der).map_err(malformed)?, what)?;
        let [algorithm, key] = spki.as_slice() else {
            return Err(bad("a SubjectPublicKeyInfo has two elements".into()));
        };
        let algorithm = super::elements(*algorithm, what)?;
        let (oid, parameters) = match algorithm.as_slice() {
            [oid] => (oid, None),
            [oid, parameters] => (oid, Some(der::asn1::Any::from(*parameters))),
            _ => return Err(bad("an AlgorithmIdentifier has one or two elements".into())),
        };
        let oid = oid.decode_as::<ObjectIdentifier>().map_err(malformed)?;
        Self::from_trusted_parts(oid, parameters, key.decode_as::<BitString>().map_err(malformed)?, what)
    }

    /// As [`Self::from_trusted_der`], from the SubjectPublicKeyInfo's
    /// parts: the algorithm and its parameters, and the key's BIT STRING.
    pub(super) fn from_trusted_parts(
        oid: ObjectIdentifier,
        parameters: Option<der::asn1::Any>,
        subject_public_key: BitString,
        what: &str,
    ) -> Result<Self> {
        let bad = |detail: String| Error::BadKey { detail }.in_input(what);
        let spki =
            SubjectPublicKeyInfoOwned { algorithm: AlgorithmIdentifierOwned { oid, parameters }, subject_public_key };
        let key = spki.subject_public_key.raw_bytes();
        let algorithm = if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match (curve, key.len(), key.first()) {
                (Some(c), 65, Some(4)) if c == rfc5912::SECP_256_R_1 => KeyAlgorithm::EcdsaP256,
                (Some(c), 97, Some(4)) if c == rfc5912::SECP_384_R_1 => KeyAlgorithm::EcdsaP384,
                _ => return Err(bad("not an uncompressed P-256 or P-384 point".into())),
            }
        } else if oid == rfc5912::RSA_ENCRYPTION {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
            let rsa = der::asn1::AnyRef::from_der(key).map_err(|e| bad(e.to_string()))?;
            let [modulus, _exponent] = super::elements(rsa, what)?[..] else {
                return Err(bad("an RSA public key has two elements".into()));
            };
            // A leading zero byte counts 8 bits fewer: the INTEGER's
            // contents give the modulus's size as they are.
            let bits = modulus_bits(modulus.value());
            if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) || !bits.is_multiple_of(8) {
                return Err(Error::RsaKeySize { bits }.in_input(what));
            }
            KeyAlgorithm::Rsa(bits)
        } else if oid == rfc8410::ID_ED_25519 && key.len() == 32 && spki.algorithm.parameters.is_none() {
            KeyAlgorithm::Ed25519
        } else {
            return Err(bad(alloc::format!("unexpected key algorithm {oid}")));
        };
        Ok(PublicKey { spki, algorithm })
    }

    /// DER of the SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> Vec<u8> {
        self.spki.to_der().unwrap_or_default()
    }

    /// Key identifier, RFC 5280 §4.2.1.2 method (1): the SHA-1 hash of the
    /// subjectPublicKey BIT STRING's bytes, as cfssl, Go and OpenSSL compute it.
    pub fn key_id(&self) -> Vec<u8> {
        use sha1::Sha1;
        Sha1::digest(self.spki.subject_public_key.raw_bytes()).to_vec()
    }

    /// Verifies `sig` over `msg` made with `alg`. The algorithm must suit the
    /// key: RSA PKCS#1 v1.5 with SHA-2 for RSA, ECDSA with SHA-2 for EC keys,
    /// Ed25519 for Ed25519.
    pub fn verify(&self, alg: SignatureAlgorithm, msg: &[u8], sig: &[u8]) -> Result<()> {
        use signature::hazmat::PrehashVerifier;
        let invalid = || Error::BadSignature;
        let point = self.spki.subject_public_key.raw_bytes();
        let hash = |a: SignatureAlgorithm| -> Vec<u8> {
            match a {
                SignatureAlgorithm::RsaSha384 | SignatureAlgorithm::EcdsaSha384 => Sha384::digest(msg).to_vec(),
                SignatureAlgorithm::RsaSha512 | SignatureAlgorithm::EcdsaSha512 => Sha512::digest(msg).to_vec(),
                _ => Sha256::digest(msg).to_vec(),
            }
        };
        match (self.algorithm, alg) {
            (
                KeyAlgorithm::Rsa(_),
                SignatureAlgorithm::RsaSha256 | SignatureAlgorithm::RsaSha384 | SignatureAlgorithm::RsaSha512,
            ) => {
                let der = self.spki.to_der().map_err(|_| invalid())?;
                let spki_ref = SubjectPublicKeyInfoRef::from_der(&der).map_err(|_| invalid())?;
                let key = rsa::PublicKey::try_from(spki_ref).map_err(|_| invalid())?;
                let scheme = match alg {
                    SignatureAlgorithm::RsaSha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                    SignatureAlgorithm::RsaSha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
                    _ => rsa::Pkcs1v15Sign::new::<Sha256>(),
                };
                key.verify(scheme, &hash(alg), sig).map_err(|_| invalid())
            }
            (
                KeyAlgorithm::EcdsaP256,
                SignatureAlgorithm::EcdsaSha256 | SignatureAlgorithm::EcdsaSha384 | SignatureAlgorithm::EcdsaSha512,
            ) => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| invalid())?;
                let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| invalid())?;
                key.verify_prehash(&hash(alg), &s).map_err(|_| invalid())
            }
            (
                KeyAlgorithm::EcdsaP384,
                SignatureAlgorithm::EcdsaSha256 | SignatureAlgorithm::EcdsaSha384 | SignatureAlgorithm::EcdsaSha512,
            ) => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| invalid())?;
                let s = p384::ecdsa::Signature::from_der(sig).map_err(|_| invalid())?;
                key.verify_prehash(&hash(alg), &s).map_err(|_| invalid())
            }
            (KeyAlgorithm::Ed25519, SignatureAlgorithm::Ed25519) => {
                let bytes: [u8; 32] = point.try_into().map_err(|_| invalid())?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| invalid())?;
                let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| invalid())?;
                key.verify_strict(msg, &s).map_err(|_| invalid())
            }
            (key, alg) => Err(Error::SignatureKeyMismatch { key: key.to_string(), alg: alg.go_name() }),
        }
    }

    /// Bit string for a signature (helper for assembling signed structures).
    pub(crate) fn bit_string(sig: &[u8]) -> Result<BitString> {
        BitString::from_bytes(sig).map_err(|e| Error::Crypto { op: "signature encoding", detail: e.to_string() })
    }
}
