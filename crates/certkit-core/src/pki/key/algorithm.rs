//! Key and signature algorithms: what certkit supports, cfssl's names for
//! them, and the signature algorithm each key signs with.

use alloc::string::ToString;
use core::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5912, rfc8410};
use spki::AlgorithmIdentifierOwned;

use crate::{Error, Result};

/// A key type and size, as cfssl's `key{algo,size}` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256 (secp256r1).
    EcdsaP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EcdsaP384,
    /// RSA with a modulus of this many bits.
    Rsa(u32),
    /// Ed25519 (RFC 8032).
    Ed25519,
}

impl Default for KeyAlgorithm {
    /// cfssl's default: ECDSA P-256.
    fn default() -> Self {
        KeyAlgorithm::EcdsaP256
    }
}

/// RSA modulus sizes certkit generates.
pub const RSA_SIZES: [u32; 3] = [2048, 3072, 4096];
/// Smallest RSA modulus certkit accepts in a CSR or CA key.
pub const RSA_MIN_BITS: u32 = 2048;
/// Largest RSA modulus certkit accepts (bounds the work a hostile key can cause).
pub const RSA_MAX_BITS: u32 = 8192;

impl KeyAlgorithm {
    /// The key type a named curve's DER names: the OBJECT IDENTIFIER of
    /// P-256, P-384 (RFC 5480 §2.1.1.1) or Ed25519 (RFC 8410 §3), or the
    /// PrintableString `edwards25519` some key stores use for the latter.
    pub fn from_curve_der(der: &[u8]) -> Option<Self> {
        use der::Decode;
        if der == b"\x13\x0cedwards25519" {
            return Some(KeyAlgorithm::Ed25519);
        }
        let oid = ObjectIdentifier::from_der(der).ok()?;
        match oid {
            o if o == rfc5912::SECP_256_R_1 => Some(KeyAlgorithm::EcdsaP256),
            o if o == rfc5912::SECP_384_R_1 => Some(KeyAlgorithm::EcdsaP384),
            o if o == rfc8410::ID_ED_25519 => Some(KeyAlgorithm::Ed25519),
            _ => None,
        }
    }

    /// DER of the OBJECT IDENTIFIER naming this key's curve (`None` for RSA).
    pub fn curve_der(self) -> Option<alloc::vec::Vec<u8>> {
        use der::Encode;
        let oid = match self {
            KeyAlgorithm::EcdsaP256 => rfc5912::SECP_256_R_1,
            KeyAlgorithm::EcdsaP384 => rfc5912::SECP_384_R_1,
            KeyAlgorithm::Ed25519 => rfc8410::ID_ED_25519,
            KeyAlgorithm::Rsa(_) => return None,
        };
        oid.to_der().ok()
    }

    /// Reads cfssl's `key{algo,size}`. `size` 0 means the algorithm's default
    /// (256 for ecdsa, 2048 for rsa), as in cfssl.
    pub fn from_cfssl(algo: &str, size: u32) -> Result<Self> {
        match algo.to_ascii_lowercase().as_str() {
            "ecdsa" | "ec" | "" => match size {
                0 | 256 => Ok(KeyAlgorithm::EcdsaP256),
                384 => Ok(KeyAlgorithm::EcdsaP384),
                _ => Err(Error::KeySize { algo: "ecdsa".into(), size, allowed: "256 or 384 (P-521 is not supported)" }),
            },
            "rsa" => match size {
                0 => Ok(KeyAlgorithm::Rsa(2048)),
                s if RSA_SIZES.contains(&s) => Ok(KeyAlgorithm::Rsa(s)),
                _ => Err(Error::KeySize { algo: "rsa".into(), size, allowed: "2048, 3072 or 4096" }),
            },
            "ed25519" => match size {
                0 | 256 => Ok(KeyAlgorithm::Ed25519),
                _ => Err(Error::KeySize { algo: "ed25519".into(), size, allowed: "0 (or leave it out)" }),
            },
            other => Err(Error::KeyAlgo { algo: other.to_string() }),
        }
    }

    /// cfssl's name for the algorithm (`ecdsa`, `rsa`, `ed25519`).
    pub fn cfssl_algo(self) -> &'static str {
        match self {
            KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 => "ecdsa",
            KeyAlgorithm::Rsa(_) => "rsa",
            KeyAlgorithm::Ed25519 => "ed25519",
        }
    }

    /// cfssl's size for the algorithm.
    pub fn cfssl_size(self) -> u32 {
        match self {
            KeyAlgorithm::EcdsaP256 => 256,
            KeyAlgorithm::EcdsaP384 => 384,
            KeyAlgorithm::Rsa(bits) => bits,
            KeyAlgorithm::Ed25519 => 0,
        }
    }

    /// Whether RFC 5280's keyEncipherment / dataEncipherment can apply to
    /// this key: only RSA keys encrypt. RFC 8813 §3 forbids them for EC keys
    /// and RFC 8410 §5 for Ed25519.
    pub fn can_encipher(self) -> bool {
        matches!(self, KeyAlgorithm::Rsa(_))
    }

    /// Whether keyAgreement applies: EC keys (ECDH); not RSA or Ed25519.
    pub fn can_agree(self) -> bool {
        matches!(self, KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384)
    }

    /// The signature algorithm this key signs with.
    pub fn signature_algorithm(self) -> SignatureAlgorithm {
        match self {
            KeyAlgorithm::EcdsaP256 => SignatureAlgorithm::EcdsaSha256,
            KeyAlgorithm::EcdsaP384 => SignatureAlgorithm::EcdsaSha384,
            KeyAlgorithm::Rsa(bits) if bits >= 4096 => SignatureAlgorithm::RsaSha512,
            KeyAlgorithm::Rsa(bits) if bits >= 3072 => SignatureAlgorithm::RsaSha384,
            KeyAlgorithm::Rsa(_) => SignatureAlgorithm::RsaSha256,
            KeyAlgorithm::Ed25519 => SignatureAlgorithm::Ed25519,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::EcdsaP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::EcdsaP384 => f.write_str("ECDSA P-384"),
            KeyAlgorithm::Rsa(bits) => write!(f, "RSA {bits}"),
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// A signature algorithm certkit signs or verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// sha256WithRSAEncryption (RFC 4055).
    RsaSha256,
    /// sha384WithRSAEncryption.
    RsaSha384,
    /// sha512WithRSAEncryption.
    RsaSha512,
    /// ecdsa-with-SHA256 (RFC 5758).
    EcdsaSha256,
    /// ecdsa-with-SHA384.
    EcdsaSha384,
    /// ecdsa-with-SHA512.
    EcdsaSha512,
    /// Ed25519 (RFC 8410).
    Ed25519,
}

impl SignatureAlgorithm {
    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            SignatureAlgorithm::RsaSha256 => rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
            SignatureAlgorithm::RsaSha384 => rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
            SignatureAlgorithm::RsaSha512 => rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            SignatureAlgorithm::EcdsaSha256 => rfc5912::ECDSA_WITH_SHA_256,
            SignatureAlgorithm::EcdsaSha384 => rfc5912::ECDSA_WITH_SHA_384,
            SignatureAlgorithm::EcdsaSha512 => rfc5912::ECDSA_WITH_SHA_512,
            SignatureAlgorithm::Ed25519 => rfc8410::ID_ED_25519,
        }
    }

    /// The AlgorithmIdentifier: RSA PKCS#1 v1.5 carries a NULL parameter
    /// (RFC 4055 §5); ECDSA and Ed25519 carry none (RFC 5758 §3.2, RFC 8410 §3).
    pub fn identifier(self) -> AlgorithmIdentifierOwned {
        let parameters = match self {
            SignatureAlgorithm::RsaSha256 | SignatureAlgorithm::RsaSha384 | SignatureAlgorithm::RsaSha512 => {
                Some(der::asn1::Null.into())
            }
            _ => None,
        };
        AlgorithmIdentifierOwned { oid: self.oid(), parameters }
    }

    /// Recognises a signature AlgorithmIdentifier, refusing weak or unknown ones.
    pub fn from_identifier(alg: &AlgorithmIdentifierOwned) -> Result<Self> {
        let oid = alg.oid;
        let known = [
            SignatureAlgorithm::RsaSha256,
            SignatureAlgorithm::RsaSha384,
            SignatureAlgorithm::RsaSha512,
            SignatureAlgorithm::EcdsaSha256,
            SignatureAlgorithm::EcdsaSha384,
            SignatureAlgorithm::EcdsaSha512,
            SignatureAlgorithm::Ed25519,
        ];
        if let Some(a) = known.into_iter().find(|a| a.oid() == oid) {
            return Ok(a);
        }
        let weak = match oid {
            o if o == rfc5912::MD_5_WITH_RSA_ENCRYPTION => Some("md5WithRSAEncryption"),
            o if o == rfc5912::MD_2_WITH_RSA_ENCRYPTION => Some("md2WithRSAEncryption"),
            o if o == ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.3") => Some("md4WithRSAEncryption"),
            o if o == rfc5912::SHA_1_WITH_RSA_ENCRYPTION => Some("sha1WithRSAEncryption"),
            o if o == ObjectIdentifier::new_unwrap("1.2.840.10045.4.1") => Some("ecdsa-with-SHA1"),
            o if o == rfc5912::DSA_WITH_SHA_1 => Some("dsa-with-SHA1"),
            o if o == rfc5912::DSA_WITH_SHA_224 => Some("dsa-with-SHA224"),
            o if o == rfc5912::DSA_WITH_SHA_256 => Some("dsa-with-SHA256"),
            o if o == rfc5912::SHA_224_WITH_RSA_ENCRYPTION => None,
            _ => None,
        };
        match weak {
            Some(name) => Err(Error::WeakSignatureAlgorithm { name }),
            None => Err(Error::UnsupportedSignatureAlgorithm { oid: oid.to_string() }),
        }
    }

    /// cfssl's (Go's `x509.SignatureAlgorithm.String()`) name.
    pub fn go_name(self) -> &'static str {
        match self {
            SignatureAlgorithm::RsaSha256 => "SHA256WithRSA",
            SignatureAlgorithm::RsaSha384 => "SHA384WithRSA",
            SignatureAlgorithm::RsaSha512 => "SHA512WithRSA",
            SignatureAlgorithm::EcdsaSha256 => "ECDSAWithSHA256",
            SignatureAlgorithm::EcdsaSha384 => "ECDSAWithSHA384",
            SignatureAlgorithm::EcdsaSha512 => "ECDSAWithSHA512",
            SignatureAlgorithm::Ed25519 => "Ed25519",
        }
    }
}
