//! Keys: generation, PKCS#8 (plain and encrypted), the legacy SEC1 and PKCS#1
//! forms, signatures and their verification.
//!
//! Supported key types are the ones a Kubernetes TLS deployment meets:
//! ECDSA on P-256 and P-384 (RFC 5480), RSA with 2048, 3072 or 4096-bit
//! moduli (RFC 8017; smaller keys are refused as the CA/B Forum Baseline
//! Requirements §6.1.5 do), and Ed25519 (RFC 8410).
//!
//! New keys are always written as PKCS#8 (RFC 5958). Reading also accepts
//! `EC PRIVATE KEY` (SEC1, RFC 5915) and `RSA PRIVATE KEY` (PKCS#1), the forms
//! cfssl and OpenSSL's traditional mode write, and `ENCRYPTED PRIVATE KEY`
//! (PKCS#8 with PBES2, RFC 8018).
//!
//! Signature algorithms follow the key, as cfssl's `signer.DefaultSigAlgo`:
//! RSA < 3072 bits → sha256WithRSAEncryption, < 4096 → SHA-384, else SHA-512;
//! P-256 → ecdsa-with-SHA256; P-384 → ecdsa-with-SHA384; Ed25519 → Ed25519.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::{rfc5912, rfc8410};
use der::asn1::BitString;
use der::{Decode, Encode};
use p256::elliptic_curve::Generate;
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand_core::CryptoRng;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use crate::pki::pem;
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

enum Inner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A private key. The secret is wiped from memory when the key is dropped
/// (each backing type zeroizes itself), and `Debug` never shows it.
pub struct PrivateKey {
    inner: Inner,
    public: PublicKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, secret redacted)", self.public.algorithm)
    }
}

/// How an encrypted PKCS#8 key derives its AES-256-CBC key from the passphrase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kdf {
    /// scrypt, N=2^14, r=8, p=1 (RFC 7914; OpenSSL 3 reads it).
    #[default]
    Scrypt,
    /// PBKDF2-HMAC-SHA256 with 600,000 iterations (OWASP 2023), for readers
    /// that lack scrypt.
    Pbkdf2,
}

impl PrivateKey {
    /// Generates a new key.
    pub fn generate<R: CryptoRng + ?Sized>(algorithm: KeyAlgorithm, rng: &mut R) -> Result<Self> {
        let inner = match algorithm {
            KeyAlgorithm::EcdsaP256 => Inner::P256(p256::ecdsa::SigningKey::generate_from_rng(rng)),
            KeyAlgorithm::EcdsaP384 => Inner::P384(p384::ecdsa::SigningKey::generate_from_rng(rng)),
            KeyAlgorithm::Rsa(bits) => loop {
                let p = RsaPrime::generate(bits, rng)?;
                let q = RsaPrime::generate(bits, rng)?;
                match Self::from_rsa_primes(p, q, bits) {
                    Err(Error::RsaPrimes) => continue,
                    other => return other,
                }
            },
            KeyAlgorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rng.fill_bytes(seed.as_mut());
                Inner::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
        };
        Self::from_inner(inner)
    }

    /// Makes an RSA key of `bits` bits from two primes made by
    /// [`RsaPrime::generate`] (possibly on two threads: the primes are
    /// independent). `Err(Error::RsaPrimes)` means this pair cannot make a
    /// key (equal or too close, or e = 65537 not invertible): make two new
    /// primes and try again.
    ///
    /// FIPS 186-5 A.1.3: the modulus must have exactly `bits` bits and
    /// |p − q| > 2^(bits/2 − 100); e = 65537.
    pub fn from_rsa_primes(p: RsaPrime, q: RsaPrime, bits: u32) -> Result<Self> {
        if !RSA_SIZES.contains(&bits) {
            return Err(Error::KeySize { algo: "rsa".into(), size: bits, allowed: "2048, 3072 or 4096" });
        }
        let (a, b) = if p.0 > q.0 { (&p.0, &q.0) } else { (&q.0, &p.0) };
        let diff = a.wrapping_sub(b);
        if diff.bit_width() <= bits / 2 - 100 {
            return Err(Error::RsaPrimes);
        }
        let key = rsa::PrivateKey::from_p_q(p.0.clone(), q.0.clone(), rsa::BoxedUint::from(65_537u64))
            .map_err(|_| Error::RsaPrimes)?;
        let key = Self::from_inner(Inner::Rsa(Box::new(key)))?;
        if key.algorithm() != KeyAlgorithm::Rsa(bits) {
            return Err(Error::RsaPrimes);
        }
        Ok(key)
    }

    fn from_inner(inner: Inner) -> Result<Self> {
        let (algorithm, spki_der) = match &inner {
            Inner::P256(k) => (KeyAlgorithm::EcdsaP256, spki::EncodePublicKey::to_public_key_der(k.verifying_key())),
            Inner::P384(k) => (KeyAlgorithm::EcdsaP384, spki::EncodePublicKey::to_public_key_der(k.verifying_key())),
            Inner::Rsa(k) => {
                let bits = rsa::traits::PublicKeyParts::n(k.as_ref()).bit_width();
                (KeyAlgorithm::Rsa(bits), spki::EncodePublicKey::to_public_key_der(k.as_public_key()))
            }
            Inner::Ed25519(k) => (KeyAlgorithm::Ed25519, spki::EncodePublicKey::to_public_key_der(&k.verifying_key())),
        };
        let spki_der = spki_der.map_err(|e| Error::Crypto { op: "public key encoding", detail: e.to_string() })?;
        let spki = SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes())
            .map_err(|e| Error::Crypto { op: "public key encoding", detail: e.to_string() })?;
        Ok(PrivateKey { inner, public: PublicKey { spki, algorithm } })
    }

    /// Reads a private key from PEM or DER.
    ///
    /// PEM may be `PRIVATE KEY`, `EC PRIVATE KEY`, `RSA PRIVATE KEY` or
    /// `ENCRYPTED PRIVATE KEY` (which needs `passphrase`); other blocks in the
    /// file (`EC PARAMETERS`, certificates) are skipped. DER may be plain
    /// PKCS#8, SEC1, PKCS#1 or encrypted PKCS#8. `what` names the input in errors.
    pub fn from_bytes(input: &[u8], passphrase: Option<&[u8]>, what: &str) -> Result<Self> {
        if !pem::is_pem(input) {
            crate::error::within_limit(input, what)?;
            return Self::from_any_der(pem::as_der(input, what)?, passphrase, what);
        }
        let blocks = pem::blocks(input, what)?;
        for b in &blocks {
            if b.legacy_encrypted {
                return Err(Error::LegacyEncryptedKey.in_input(what));
            }
            match b.label.as_str() {
                pem::PRIVATE_KEY => return Self::from_pkcs8_der(&b.der, what),
                pem::EC_PRIVATE_KEY => return Self::from_sec1_der(&b.der, what),
                pem::RSA_PRIVATE_KEY => return Self::from_pkcs1_der(&b.der, what),
                pem::ENCRYPTED_PRIVATE_KEY => return Self::from_encrypted_der(&b.der, passphrase, what),
                _ => {}
            }
        }
        Err(Error::NoPrivateKey { found: pem::label_list(&blocks) }.in_input(what))
    }

    fn from_any_der(der: &[u8], passphrase: Option<&[u8]>, what: &str) -> Result<Self> {
        if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
            return Self::from_pkcs8_der(der, what);
        }
        if pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
            return Self::from_encrypted_der(der, passphrase, what);
        }
        if sec1::EcPrivateKey::from_der(der).is_ok() {
            return Self::from_sec1_der(der, what);
        }
        if let Ok(key) = Self::from_pkcs1_der(der, what) {
            return Ok(key);
        }
        Err(Error::NoPrivateKey { found: "DER that is not PKCS#8, SEC1 or PKCS#1".into() }.in_input(what))
    }

    /// Reads an unencrypted PKCS#8 `PrivateKeyInfo`.
    pub fn from_pkcs8_der(der: &[u8], what: &str) -> Result<Self> {
        let bad = |e: &dyn fmt::Display| Error::BadKey { detail: e.to_string() }.in_input(what);
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| bad(&e))?;
        let oid = info.algorithm.oid;
        let inner = if oid == rfc5912::RSA_ENCRYPTION {
            Inner::Rsa(Box::new(rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| bad(&e))?))
        } else if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info.algorithm.parameters_oid().map_err(|e| bad(&e))?;
            if curve == rfc5912::SECP_256_R_1 {
                Inner::P256(p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| bad(&e))?)
            } else if curve == rfc5912::SECP_384_R_1 {
                Inner::P384(p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| bad(&e))?)
            } else {
                return Err(Error::UnsupportedKey { detail: alloc::format!("EC curve {curve}; use P-256 or P-384") }
                    .in_input(what));
            }
        } else if oid == rfc8410::ID_ED_25519 {
            Inner::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|e| bad(&e))?)
        } else {
            return Err(Error::UnsupportedKey {
                detail: alloc::format!("algorithm {oid}; use ECDSA P-256/P-384, RSA or Ed25519"),
            }
            .in_input(what));
        };
        Self::checked(inner, what)
    }

    /// Reads a SEC1 `ECPrivateKey` (`EC PRIVATE KEY`).
    pub fn from_sec1_der(der: &[u8], what: &str) -> Result<Self> {
        let bad = |e: &dyn fmt::Display| Error::BadKey { detail: e.to_string() }.in_input(what);
        let parsed = sec1::EcPrivateKey::from_der(der).map_err(|e| bad(&e))?;
        let curve = parsed
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or_else(|| Error::BadKey { detail: "the EC key does not name its curve".into() }.in_input(what))?;
        let inner = if curve == rfc5912::SECP_256_R_1 {
            Inner::P256(p256::SecretKey::from_sec1_der(der).map_err(|e| bad(&e))?.into())
        } else if curve == rfc5912::SECP_384_R_1 {
            Inner::P384(p384::SecretKey::from_sec1_der(der).map_err(|e| bad(&e))?.into())
        } else {
            return Err(
                Error::UnsupportedKey { detail: alloc::format!("EC curve {curve}; use P-256 or P-384") }.in_input(what)
            );
        };
        Self::checked(inner, what)
    }

    /// Reads a PKCS#1 `RSAPrivateKey` (`RSA PRIVATE KEY`).
    pub fn from_pkcs1_der(der: &[u8], what: &str) -> Result<Self> {
        use pkcs1::DecodeRsaPrivateKey;
        let key =
            rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| Error::BadKey { detail: e.to_string() }.in_input(what))?;
        Self::checked(Inner::Rsa(Box::new(key)), what)
    }

    /// Reads an `EncryptedPrivateKeyInfo` with `passphrase`.
    pub fn from_encrypted_der(der: &[u8], passphrase: Option<&[u8]>, what: &str) -> Result<Self> {
        let Some(passphrase) = passphrase else {
            return Err(Error::PassphraseNeeded.in_input(what));
        };
        let enc = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(|e| {
            unsupported_scheme(der, what).unwrap_or_else(|| Error::BadKey { detail: e.to_string() }.in_input(what))
        })?;
        check_kdf_cost(&enc.encryption_algorithm, what)?;
        // A wrong passphrase shows as bad padding or, rarely, as padding that
        // happens to be right around bytes that are not DER; a scheme pkcs5
        // does not implement is another matter, and is named.
        let doc = enc.decrypt(passphrase).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed) | pkcs8::Error::Asn1(_) => {
                Error::WrongPassphrase.in_input(what)
            }
            _ => unsupported_scheme(der, what).unwrap_or_else(|| {
                Error::UnsupportedKey { detail: alloc::format!(
                    "its encryption cannot be undone ({e}); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
                ) }.in_input(what)
            }),
        })?;
        Self::from_pkcs8_der(doc.as_bytes(), what)
    }

    fn checked(inner: Inner, what: &str) -> Result<Self> {
        let key = Self::from_inner(inner)?;
        if let KeyAlgorithm::Rsa(bits) = key.public.algorithm
            && (!(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) || bits % 8 != 0)
        {
            return Err(Error::RsaKeySize { bits }.in_input(what));
        }
        Ok(key)
    }

    /// The key's type and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.public.algorithm
    }

    /// The matching public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// PKCS#8 DER, wiped on drop.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>> {
        let doc = match &self.inner {
            Inner::P256(k) => k.to_pkcs8_der(),
            Inner::P384(k) => k.to_pkcs8_der(),
            Inner::Rsa(k) => k.to_pkcs8_der(),
            // RFC 8410 §7 v1 form, without the optional public key: OpenSSL 3.0
            // cannot read the v2 form ed25519-dalek writes.
            Inner::Ed25519(k) => {
                let fail = |e: der::Error| Error::Crypto { op: "PKCS#8 encoding", detail: e.to_string() };
                let seed = Zeroizing::new(k.to_bytes());
                let inner = Zeroizing::new(
                    der::asn1::OctetStringRef::new(seed.as_ref()).map_err(fail)?.to_der().map_err(fail)?,
                );
                let info = pkcs8::PrivateKeyInfoRef::new(
                    spki::AlgorithmIdentifierRef { oid: rfc8410::ID_ED_25519, parameters: None },
                    der::asn1::OctetStringRef::new(&inner).map_err(fail)?,
                );
                return Ok(Zeroizing::new(info.to_der().map_err(fail)?));
            }
        }
        .map_err(|e| Error::Crypto { op: "PKCS#8 encoding", detail: e.to_string() })?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// PKCS#8 PEM (`PRIVATE KEY`), wiped on drop.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let der = self.to_pkcs8_der()?;
        Ok(Zeroizing::new(pem::encode(pem::PRIVATE_KEY, &der)))
    }

    /// Encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`): PBES2 with `kdf` and AES-256-CBC.
    pub fn to_encrypted_pem<R: CryptoRng + ?Sized>(&self, passphrase: &[u8], kdf: Kdf, rng: &mut R) -> Result<String> {
        if passphrase.is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        let der = self.to_pkcs8_der()?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut iv);
        let crypto = |e: &dyn fmt::Display| Error::Crypto { op: "key encryption", detail: e.to_string() };
        let params = match kdf {
            Kdf::Scrypt => {
                let p = pkcs5::scrypt::Params::new(14, 8, 1).map_err(|e| crypto(&e))?;
                pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(p, &salt, iv).map_err(|e| crypto(&e))?
            }
            Kdf::Pbkdf2 => pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(600_000, &salt, iv)
                .map_err(|e| crypto(&e))?,
        };
        let info = pkcs8::PrivateKeyInfoRef::from_der(&der).map_err(|e| crypto(&e))?;
        let doc = info.encrypt_with_params(params, passphrase).map_err(|e| crypto(&e))?;
        Ok(pem::encode(pem::ENCRYPTED_PRIVATE_KEY, doc.as_bytes()))
    }

    /// The signature algorithm this key signs with.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.public.algorithm.signature_algorithm()
    }

    /// Signs `msg` with the key's signature algorithm and returns the bytes
    /// that go into the signature BIT STRING (DER `Ecdsa-Sig-Value` for ECDSA).
    ///
    /// ECDSA signatures are hedged: RFC 6979 nonces with `rng`'s entropy
    /// mixed in (RFC 6979 §3.6), so neither a weak generator nor a fault
    /// makes nonces repeat. RSA uses `rsa` 0.10's constant-time
    /// (crypto-bigint) private-key operation without its optional base,
    /// exponent and modulus blinding, which would double the cost of a
    /// signature; the timing defence is the constant-time arithmetic, and
    /// every signature is verified before it is used
    /// ([`crate::pki::signer::ToBeSigned::assemble`]), which defeats RSA-CRT
    /// fault attacks. Ed25519 is deterministic (RFC 8032).
    pub fn sign<R: CryptoRng + ?Sized>(&self, msg: &[u8], rng: &mut R) -> Result<Vec<u8>> {
        self.sign_inner(msg, rng, false)
    }

    /// As [`Self::sign`], with RSA's private-key operation also blinded by
    /// `rng` (base and exponent), as rsa's default path does: about twice
    /// the cost, for signers whose timing a remote caller may observe — the
    /// npm package's `sign` in an edge runtime. Other key types sign as
    /// [`Self::sign`] does.
    pub fn sign_blinded<R: CryptoRng + ?Sized>(&self, msg: &[u8], rng: &mut R) -> Result<Vec<u8>> {
        self.sign_inner(msg, rng, true)
    }

    fn sign_inner<R: CryptoRng + ?Sized>(&self, msg: &[u8], rng: &mut R, blinded: bool) -> Result<Vec<u8>> {
        use signature::{RandomizedSigner, Signer};
        let fail = |e: &dyn fmt::Display| Error::Crypto { op: "signing", detail: e.to_string() };
        Ok(match &self.inner {
            Inner::P256(k) => {
                let sig: p256::ecdsa::DerSignature = k.try_sign_with_rng(rng, msg).map_err(|e| fail(&e))?;
                sig.as_bytes().to_vec()
            }
            Inner::P384(k) => {
                let sig: p384::ecdsa::DerSignature = k.try_sign_with_rng(rng, msg).map_err(|e| fail(&e))?;
                sig.as_bytes().to_vec()
            }
            Inner::Rsa(k) => {
                let (scheme, digest) = match self.signature_algorithm() {
                    SignatureAlgorithm::RsaSha512 => (rsa::Pkcs1v15Sign::new::<Sha512>(), Sha512::digest(msg).to_vec()),
                    SignatureAlgorithm::RsaSha384 => (rsa::Pkcs1v15Sign::new::<Sha384>(), Sha384::digest(msg).to_vec()),
                    _ => (rsa::Pkcs1v15Sign::new::<Sha256>(), Sha256::digest(msg).to_vec()),
                };
                if blinded {
                    k.sign_with_rng(rng, scheme, &digest).map_err(|e| fail(&e))?
                } else {
                    k.sign(scheme, &digest).map_err(|e| fail(&e))?
                }
            }
            Inner::Ed25519(k) => k.try_sign(msg).map_err(|e| fail(&e))?.to_bytes().to_vec(),
        })
    }
}

/// Checks that the unencrypted PKCS#8 `der` holds the private half of
/// `public` — for a key made outside certkit (Web Crypto, an HSM export)
/// before its PEM is handed out beside a CSR for `public`.
///
/// Where the PKCS#8 carries its public key — the modulus and exponent of an
/// RSA key, the `publicKey` of an EC key's SEC1 structure (RFC 5915 §3) —
/// the check compares encodings and costs no arithmetic. Otherwise (an
/// Ed25519 v1 key, an EC key without `publicKey`) the public key is derived.
pub fn check_pkcs8_matches(der: &[u8], public: &PublicKey, what: &str) -> Result<()> {
    let matches = match pkcs8_public_key_matches(der, public, what)? {
        Some(m) => m,
        None => PrivateKey::from_pkcs8_der(der, what)?.public_key() == public,
    };
    if matches {
        Ok(())
    } else {
        Err(Error::BadKey { detail: "the private key is not the one the public key belongs to".into() }.in_input(what))
    }
}

/// The cheap half of [`check_pkcs8_matches`]: whether the public key the
/// PKCS#8 `der` carries is `public`, or `None` when it carries none.
pub fn pkcs8_public_key_matches(der: &[u8], public: &PublicKey, what: &str) -> Result<Option<bool>> {
    Ok(PublicKey::from_pkcs8_embedded(der, what)?.map(|embedded| &embedded == public))
}

/// Most PBKDF2 iterations an encrypted key may ask for (about half a second
/// here; OpenSSL writes 2,048 and certkit 600,000).
pub const MAX_PBKDF2_ITERATIONS: u32 = 5_000_000;
/// Most scrypt memory an encrypted key may ask for, as N·r (128·N·r bytes:
/// 64 MiB; OpenSSL and certkit write N = 2^14, r = 8: 16 MiB).
pub const MAX_SCRYPT_NR: u64 = 1 << 19;
/// Most scrypt work an encrypted key may ask for, as N·r·p.
pub const MAX_SCRYPT_NRP: u64 = 1 << 20;

/// The encryption scheme of an `EncryptedPrivateKeyInfo` that certkit
/// cannot read, named by its OIDs — PBES1, or PBES2 with a cipher such as
/// 3DES — or `None` if `der` is not an `EncryptedPrivateKeyInfo` at all.
fn unsupported_scheme(der: &[u8], what: &str) -> Option<Error> {
    #[derive(der::Sequence)]
    struct Encrypted<'a> {
        scheme: spki::AlgorithmIdentifierRef<'a>,
        data: &'a der::asn1::OctetStringRef,
    }
    #[derive(der::Sequence)]
    struct Pbes2Params<'a> {
        kdf: spki::AlgorithmIdentifierRef<'a>,
        cipher: spki::AlgorithmIdentifierRef<'a>,
    }
    let outer = Encrypted::from_der(der).ok()?;
    let scheme = if outer.scheme.oid == pkcs5::pbes2::PBES2_OID {
        match outer.scheme.parameters.and_then(|p| p.decode_as::<Pbes2Params<'_>>().ok()) {
            Some(p) => alloc::format!("PBES2 with key derivation {} and cipher {}", p.kdf.oid, p.cipher.oid),
            None => "PBES2 with parameters it cannot read".to_string(),
        }
    } else {
        alloc::format!("{} (a PBES1 or PKCS#12 scheme)", outer.scheme.oid)
    };
    Some(Error::UnsupportedKey { detail: alloc::format!(
            "it is encrypted with {scheme}, which certkit does not read (it reads PBES2 with PBKDF2 or scrypt and AES-CBC); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
        ) }.in_input(what))
}

/// Refuses key-derivation parameters that would make decrypting a key
/// (from a stranger, or a damaged file) take minutes or gigabytes, before
/// any work is done: the KDF's parameters are the file's to choose.
fn check_kdf_cost(scheme: &pkcs5::EncryptionScheme, what: &str) -> Result<()> {
    let refuse = |detail: String| {
        Error::BadKey { detail: alloc::format!(
            "{detail}; re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc` (or `-scrypt`) and OpenSSL's defaults"
        ) }.in_input(what)
    };
    let pkcs5::EncryptionScheme::Pbes2(params) = scheme else { return Ok(()) };
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count == 0 => Err(refuse("its PBKDF2 iteration count is 0".into())),
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => Err(refuse(alloc::format!(
            "its PBKDF2 iteration count {} is above certkit's limit of {MAX_PBKDF2_ITERATIONS}",
            p.iteration_count
        ))),
        pkcs5::pbes2::Kdf::Scrypt(p) => {
            let (n, r, pp) = (p.cost_parameter, u64::from(p.block_size), u64::from(p.parallelization));
            let nr = n.saturating_mul(r);
            if nr > MAX_SCRYPT_NR || nr.saturating_mul(pp) > MAX_SCRYPT_NRP {
                Err(refuse(alloc::format!(
                    "its scrypt parameters N={n}, r={r}, p={pp} need more than certkit's limits (N·r ≤ 2^19: 64 MiB; N·r·p ≤ 2^20)"
                )))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// One prime factor for an RSA modulus. Wiped on drop; `Debug` hides it.
pub struct RsaPrime(rsa::BoxedUint);

impl fmt::Debug for RsaPrime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPrime(redacted)")
    }
}

impl Drop for RsaPrime {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl RsaPrime {
    /// A random probable prime of half of `modulus_bits` bits with its top two
    /// bits set (so two of them make a modulus of exactly `modulus_bits`),
    /// found by a small-factor sieve and the Baillie–PSW test (crypto-primes,
    /// as the `rsa` crate's own generator does).
    pub fn generate<R: CryptoRng + ?Sized>(modulus_bits: u32, rng: &mut R) -> Result<RsaPrime> {
        use crypto_bigint::{BitOps, RandomBits};
        use crypto_primes::hazmat::SmallFactorsSieve;
        if !RSA_SIZES.contains(&modulus_bits) {
            return Err(Error::KeySize { algo: "rsa".into(), size: modulus_bits, allowed: "2048, 3072 or 4096" });
        }
        let bits = modulus_bits / 2;
        let nz = core::num::NonZeroU32::new(bits).ok_or(Error::RsaPrimes)?;
        loop {
            let mut start = rsa::BoxedUint::random_bits(rng, bits);
            start.set_bit_vartime(0, true);
            start.set_bit_vartime(bits - 1, true);
            start.set_bit_vartime(bits - 2, true);
            let mut sieve = SmallFactorsSieve::new(start, nz, false)
                .map_err(|e| Error::Crypto { op: "RSA key generation", detail: alloc::format!("{e:?}") })?;
            if let Some(prime) = sieve.find(|c| crypto_primes::is_prime(crypto_primes::Flavor::Any, c)) {
                return Ok(RsaPrime(prime));
            }
        }
    }
}

/// The size in bits of an RSA modulus given as big-endian bytes without
/// leading zeros (DER's INTEGER content, as `UintRef` gives it).
pub fn modulus_bits(n: &[u8]) -> u32 {
    (n.len() as u32 * 8).saturating_sub(n.first().map_or(8, |b| b.leading_zeros()))
}

/// A public key, kept as its SubjectPublicKeyInfo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    spki: SubjectPublicKeyInfoOwned,
    algorithm: KeyAlgorithm,
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
        let spki = SubjectPublicKeyInfoOwned::from_der(der)
            .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        let key = spki.subject_public_key.raw_bytes();
        let oid = spki.algorithm.oid;
        let algorithm = if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match (curve, key.len(), key.first()) {
                (Some(c), 65, Some(4)) if c == rfc5912::SECP_256_R_1 => KeyAlgorithm::EcdsaP256,
                (Some(c), 97, Some(4)) if c == rfc5912::SECP_384_R_1 => KeyAlgorithm::EcdsaP384,
                _ => return Err(bad("not an uncompressed P-256 or P-384 point".into())),
            }
        } else if oid == rfc5912::RSA_ENCRYPTION {
            let rsa = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(key).map_err(|e| bad(e.to_string()))?;
            let bits = modulus_bits(rsa.modulus.as_bytes());
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

    /// The public key an unencrypted PKCS#8 key carries — the modulus and
    /// exponent of an RSA key, the SEC1 `publicKey` of an EC key — taken by
    /// its structure as [`Self::from_trusted_der`] takes it; `None` when it
    /// carries none (Ed25519 v1 keys, EC keys without `publicKey`). For a key
    /// the caller has just made (one Web Crypto export instead of two).
    pub fn from_pkcs8_embedded(der: &[u8], what: &str) -> Result<Option<Self>> {
        let bad = |e: &dyn fmt::Display| Error::BadKey { detail: e.to_string() }.in_input(what);
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| bad(&e))?;
        let oid = info.algorithm.oid;
        let (parameters, key) = if oid == rfc5912::RSA_ENCRYPTION {
            // RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent,
            // … } (RFC 8017 A.1.2): only the public half is taken, so the
            // SEQUENCE is read as its elements and the two INTEGERs after
            // the version decoded (the rest is the key's maker's business).
            let items = Vec::<der::asn1::AnyRef<'_>>::from_der(info.private_key.as_bytes()).map_err(|e| bad(&e))?;
            let int = |i: usize| -> Result<der::asn1::UintRef<'_>> {
                let item = items.get(i).ok_or_else(|| bad(&"the RSA private key is truncated"))?;
                item.decode_as().map_err(|e| bad(&e))
            };
            if int(0)?.as_bytes() != [0u8] && !int(0)?.as_bytes().is_empty() {
                return Err(bad(&"the RSA private key is not a two-prime (version 0) key"));
            }
            let public = pkcs1::RsaPublicKey { modulus: int(1)?, public_exponent: int(2)? };
            (Some(der::asn1::Any::from(der::asn1::Null)), public.to_der().map_err(|e| bad(&e))?)
        } else if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info.algorithm.parameters_oid().map_err(|e| bad(&e))?;
            let ec = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|e| bad(&e))?;
            let Some(point) = ec.public_key else { return Ok(None) };
            (Some(der::asn1::Any::from(curve)), point.to_vec())
        } else {
            return Ok(None);
        };
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned { oid, parameters },
            subject_public_key: BitString::from_bytes(&key).map_err(|e| bad(&e))?,
        };
        Self::from_trusted_der(&spki.to_der().map_err(|e| bad(&e))?, what).map(Some)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    #[test]
    fn a_pkcs8_key_is_checked_against_its_public_key() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa(2048), KeyAlgorithm::Ed25519] {
            let key = PrivateKey::generate(alg, &mut rng()).unwrap();
            let other = PrivateKey::generate(alg, &mut rng()).unwrap();
            let der = key.to_pkcs8_der().unwrap();
            check_pkcs8_matches(&der, key.public_key(), "k").unwrap();
            let e = check_pkcs8_matches(&der, other.public_key(), "k").unwrap_err();
            assert!(e.to_string().contains("not the one"), "{alg}: {e}");
            // EC and RSA PKCS#8 carry the public key; Ed25519 v1 does not.
            let cheap = pkcs8_public_key_matches(&der, key.public_key(), "k").unwrap();
            assert_eq!(cheap, if alg == KeyAlgorithm::Ed25519 { None } else { Some(true) }, "{alg}");
            // The SPKI's DER reads back as the same key, checked or trusted.
            assert_eq!(&PublicKey::from_der(&key.public_key().spki_der(), "k").unwrap(), key.public_key());
            assert_eq!(&PublicKey::from_trusted_der(&key.public_key().spki_der(), "k").unwrap(), key.public_key());
            let embedded = PublicKey::from_pkcs8_embedded(&der, "k").unwrap();
            assert_eq!(embedded.as_ref(), if alg == KeyAlgorithm::Ed25519 { None } else { Some(key.public_key()) });
        }
        let p256 = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let p384 = PrivateKey::generate(KeyAlgorithm::EcdsaP384, &mut rng()).unwrap();
        let der = p256.to_pkcs8_der().unwrap();
        assert_eq!(pkcs8_public_key_matches(&der, p384.public_key(), "k").unwrap(), Some(false));
        assert!(check_pkcs8_matches(b"junk", p256.public_key(), "k").is_err());
        assert!(PublicKey::from_der(b"junk", "k").unwrap_err().to_string().starts_with("k is not valid DER"));
    }

    #[test]
    fn costly_key_derivation_is_refused_before_any_work() {
        let encrypted = |params: pkcs5::pbes2::Parameters| {
            let data = [0u8; 48];
            pkcs8::EncryptedPrivateKeyInfoRef {
                encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(params),
                encrypted_data: der::asn1::OctetStringRef::new(&data).unwrap(),
            }
            .to_der()
            .unwrap()
        };
        let salt = [1u8; 16];
        let iv = [2u8; 16];
        for (params, says) in [
            (pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(100_000_000, &salt, iv).unwrap(), "PBKDF2"),
            (
                pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(
                    pkcs5::scrypt::Params::new(20, 8, 1).unwrap(),
                    &salt,
                    iv,
                )
                .unwrap(),
                "N=1048576",
            ),
            (
                pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(
                    pkcs5::scrypt::Params::new(14, 8, 64).unwrap(),
                    &salt,
                    iv,
                )
                .unwrap(),
                "p=64",
            ),
        ] {
            let e = PrivateKey::from_encrypted_der(&encrypted(params), Some(b"pass"), "k").unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("openssl pkcs8"), "{e}");
        }
        // certkit's own parameters pass the check (and fail only on the fake data).
        let ours = pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(
            pkcs5::scrypt::Params::new(14, 8, 1).unwrap(),
            &salt,
            iv,
        )
        .unwrap();
        let e = PrivateKey::from_encrypted_der(&encrypted(ours), Some(b"pass"), "k").unwrap_err();
        assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
    }

    #[test]
    fn blinded_rsa_signatures_are_the_same_signatures() {
        // PKCS#1 v1.5 is deterministic: blinding changes the timing, never the result.
        let key = PrivateKey::generate(KeyAlgorithm::Rsa(2048), &mut rng()).unwrap();
        let plain = key.sign(b"message", &mut rng()).unwrap();
        let blinded = key.sign_blinded(b"message", &mut rng()).unwrap();
        assert_eq!(plain, blinded);
        key.public_key().verify(key.signature_algorithm(), b"message", &blinded).unwrap();
    }

    #[test]
    fn cfssl_key_requests() {
        assert_eq!(KeyAlgorithm::from_cfssl("ecdsa", 256).unwrap(), KeyAlgorithm::EcdsaP256);
        assert_eq!(KeyAlgorithm::from_cfssl("ecdsa", 0).unwrap(), KeyAlgorithm::EcdsaP256);
        assert_eq!(KeyAlgorithm::from_cfssl("rsa", 0).unwrap(), KeyAlgorithm::Rsa(2048));
        assert_eq!(KeyAlgorithm::from_cfssl("RSA", 4096).unwrap(), KeyAlgorithm::Rsa(4096));
        assert_eq!(KeyAlgorithm::from_cfssl("ed25519", 0).unwrap(), KeyAlgorithm::Ed25519);
        let e = KeyAlgorithm::from_cfssl("rsa", 1024).unwrap_err().to_string();
        assert!(e.contains("1024") && e.contains("2048"), "{e}");
        let e = KeyAlgorithm::from_cfssl("ecdsa", 521).unwrap_err().to_string();
        assert!(e.contains("521"), "{e}");
        let e = KeyAlgorithm::from_cfssl("dsa", 2048).unwrap_err().to_string();
        assert!(e.contains("dsa") && e.contains("ecdsa"), "{e}");
    }

    #[test]
    fn every_key_type_signs_verifies_and_round_trips() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Ed25519, KeyAlgorithm::Rsa(2048)] {
            let key = PrivateKey::generate(alg, &mut rng()).unwrap();
            assert_eq!(key.algorithm(), alg);
            let sig = key.sign(b"message", &mut rng()).unwrap();
            key.public_key().verify(key.signature_algorithm(), b"message", &sig).unwrap();
            assert!(key.public_key().verify(key.signature_algorithm(), b"other", &sig).is_err());

            let pem = key.to_pkcs8_pem().unwrap();
            let back = PrivateKey::from_bytes(pem.as_bytes(), None, "key.pem").unwrap();
            assert_eq!(back.public_key(), key.public_key());
            let der = key.to_pkcs8_der().unwrap();
            let back = PrivateKey::from_bytes(&der, None, "key.der").unwrap();
            assert_eq!(back.public_key(), key.public_key());
            assert!(!alloc::format!("{key:?}").contains(&pem[30..60]));
        }
    }

    #[test]
    fn encrypted_pkcs8_round_trip() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        for kdf in [Kdf::Scrypt, Kdf::Pbkdf2] {
            let enc = key.to_encrypted_pem(b"correct horse", kdf, &mut rng()).unwrap();
            assert!(enc.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
            let e = PrivateKey::from_bytes(enc.as_bytes(), None, "ca-key.pem").unwrap_err();
            assert!(matches!(e.kind(), Error::PassphraseNeeded), "{e}");
            let e = PrivateKey::from_bytes(enc.as_bytes(), Some(b"wrong"), "ca-key.pem").unwrap_err();
            assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
            let back = PrivateKey::from_bytes(enc.as_bytes(), Some(b"correct horse"), "ca-key.pem").unwrap();
            assert_eq!(back.public_key(), key.public_key());
        }
    }

    #[test]
    fn sec1_and_pkcs1_fixtures_from_openssl() {
        let ec = include_bytes!("../../../../tests/data/openssl-ec-sec1.pem");
        let key = PrivateKey::from_bytes(ec, None, "ec.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
        let rsa = include_bytes!("../../../../tests/data/openssl-rsa-pkcs1.pem");
        let key = PrivateKey::from_bytes(rsa, None, "rsa.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Rsa(2048));
    }

    #[test]
    fn encrypted_keys_openssl_writes_are_read_or_their_scheme_is_named() {
        // PBKDF2 with hmacWithSHA1 (PKCS#5's default PRF, OpenSSL 1.0's choice) is read.
        let sha1 = include_bytes!("../../../../tests/data/openssl-pkcs8-hmacsha1.pem");
        let key = PrivateKey::from_bytes(sha1, Some(b"fixture"), "k.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
        let e = PrivateKey::from_bytes(sha1, Some(b"wrong"), "k.pem").unwrap_err();
        assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
        // 3DES and PBES1 are refused by name, never as a wrong passphrase.
        for (file, says) in [
            (&include_bytes!("../../../../tests/data/openssl-pkcs8-3des.pem")[..], "cipher 1.2.840.113549.3.7"),
            (include_bytes!("../../../../tests/data/openssl-pkcs8-pbes1.pem"), "1.2.840.113549.1.12.1.3 (a PBES1"),
        ] {
            let e = PrivateKey::from_bytes(file, Some(b"fixture"), "k.pem").unwrap_err();
            assert!(matches!(e.kind(), Error::UnsupportedKey { .. }), "{e}");
            let text = e.to_string();
            assert!(text.contains(says) && text.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"), "{text}");
        }
    }

    #[test]
    fn weak_rsa_refused() {
        let weak = include_bytes!("../../../../tests/data/openssl-rsa1024-pkcs1.pem");
        let e = PrivateKey::from_bytes(weak, None, "weak.pem").unwrap_err().to_string();
        assert!(e.contains("1024"), "{e}");
    }

    #[test]
    fn garbage_is_an_error() {
        for input in [&b""[..], b"\x30\x03\x02\x01", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
        {
            assert!(PrivateKey::from_bytes(input, None, "x").is_err());
        }
    }
}
