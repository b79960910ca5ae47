//! The core's signature algorithms as rustls-webpki's
//! [`SignatureVerificationAlgorithm`]s, so that chain verification checks
//! signatures with the same RustCrypto code that checks every CSR and every
//! certificate certkit signs ([`PublicKey::verify`]), and webpki brings no
//! crypto backend (ring, aws-lc) of its own.
//!
//! webpki hands over the subjectPublicKey BIT STRING's bytes and the
//! algorithm identifiers it matched; the key is rebuilt into a
//! SubjectPublicKeyInfo and read by [`PublicKey::from_spki`], with its
//! checks (RSA 2048–8192 bits, points on their curves).

use core::fmt;

use const_oid::db::{rfc5912, rfc8410};
use der::asn1::BitString;
use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::pki::key::{PublicKey, SignatureAlgorithm};

/// The key types certkit verifies.
#[derive(Clone, Copy, Debug)]
enum KeyType {
    P256,
    P384,
    Rsa,
    Ed25519,
}

/// One (key type, signature algorithm) pair.
struct Algorithm {
    key: KeyType,
    signature: SignatureAlgorithm,
}

impl fmt::Debug for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certkit {:?} {:?}", self.key, self.signature)
    }
}

impl SignatureVerificationAlgorithm for Algorithm {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let (oid, parameters) = match self.key {
            KeyType::P256 => (rfc5912::ID_EC_PUBLIC_KEY, Some(der::asn1::Any::from(rfc5912::SECP_256_R_1))),
            KeyType::P384 => (rfc5912::ID_EC_PUBLIC_KEY, Some(der::asn1::Any::from(rfc5912::SECP_384_R_1))),
            KeyType::Rsa => (rfc5912::RSA_ENCRYPTION, Some(der::asn1::Any::from(der::asn1::Null))),
            KeyType::Ed25519 => (rfc8410::ID_ED_25519, None),
        };
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned { oid, parameters },
            subject_public_key: BitString::from_bytes(public_key).map_err(|_| InvalidSignature)?,
        };
        let key = PublicKey::from_spki(&spki, "issuer").map_err(|_| InvalidSignature)?;
        key.verify(self.signature, message, signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        match self.key {
            KeyType::P256 => alg_id::ECDSA_P256,
            KeyType::P384 => alg_id::ECDSA_P384,
            KeyType::Rsa => alg_id::RSA_ENCRYPTION,
            KeyType::Ed25519 => alg_id::ED25519,
        }
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        match self.signature {
            SignatureAlgorithm::RsaSha256 => alg_id::RSA_PKCS1_SHA256,
            SignatureAlgorithm::RsaSha384 => alg_id::RSA_PKCS1_SHA384,
            SignatureAlgorithm::RsaSha512 => alg_id::RSA_PKCS1_SHA512,
            SignatureAlgorithm::EcdsaSha256 => alg_id::ECDSA_SHA256,
            SignatureAlgorithm::EcdsaSha384 => alg_id::ECDSA_SHA384,
            SignatureAlgorithm::EcdsaSha512 => alg_id::ECDSA_SHA512,
            SignatureAlgorithm::Ed25519 => alg_id::ED25519,
        }
    }
}

macro_rules! algorithm {
    ($name:ident, $key:ident, $sig:ident) => {
        static $name: Algorithm = Algorithm { key: KeyType::$key, signature: SignatureAlgorithm::$sig };
    };
}

algorithm!(P256_SHA256, P256, EcdsaSha256);
algorithm!(P256_SHA384, P256, EcdsaSha384);
algorithm!(P256_SHA512, P256, EcdsaSha512);
algorithm!(P384_SHA256, P384, EcdsaSha256);
algorithm!(P384_SHA384, P384, EcdsaSha384);
algorithm!(P384_SHA512, P384, EcdsaSha512);
algorithm!(RSA_SHA256, Rsa, RsaSha256);
algorithm!(RSA_SHA384, Rsa, RsaSha384);
algorithm!(RSA_SHA512, Rsa, RsaSha512);
algorithm!(ED25519, Ed25519, Ed25519);

/// Every algorithm certkit verifies: ECDSA P-256 and P-384 with SHA-256,
/// -384 and -512 (RFC 5758), RSA PKCS#1 v1.5 with SHA-256, -384 and -512
/// (RFC 4055; RSA-PSS is not supported by the core), Ed25519 (RFC 8410).
/// A certificate signed otherwise fails with "unsupported signature
/// algorithm", naming the certificate.
pub static ALL: &[&dyn SignatureVerificationAlgorithm] = &[
    &P256_SHA256,
    &P256_SHA384,
    &P256_SHA512,
    &P384_SHA256,
    &P384_SHA384,
    &P384_SHA512,
    &RSA_SHA256,
    &RSA_SHA384,
    &RSA_SHA512,
    &ED25519,
];
