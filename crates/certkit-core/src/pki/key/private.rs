//! Private keys: generation, the PKCS#8, SEC1 and PKCS#1 forms, encrypted
//! PKCS#8 (PBES2), and signing.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use const_oid::db::{rfc5912, rfc8410};
use der::{Decode, Encode};
use p256::elliptic_curve::Generate;
use pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rand_core::CryptoRng;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::SubjectPublicKeyInfoOwned;
use zeroize::Zeroizing;

#[cfg(doc)]
use super::ONLINE_KDF_COST;
use super::{
    KeyAlgorithm, MAX_KDF_COST, PublicKey, RSA_MAX_BITS, RSA_MIN_BITS, RSA_SIZES, RsaPrime, SignatureAlgorithm,
    check_kdf_cost, unsupported_scheme,
};
use crate::pki::pem;
use crate::{Error, Result};

pub(super) enum Inner {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Rsa(Box<rsa::PrivateKey>),
    Ed25519(ed25519_dalek::SigningKey),
}

/// A private key. The secret is wiped from memory when the key is dropped
/// (each backing type zeroizes itself), and `Debug` never shows it.
pub struct PrivateKey {
    pub(super) inner: Inner,
    pub(super) public: PublicKey,
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
    /// An encrypted key's derivation may cost up to [`MAX_KDF_COST`].
    pub fn from_bytes(input: &[u8], passphrase: Option<&[u8]>, what: &str) -> Result<Self> {
        Self::from_bytes_within(input, passphrase, MAX_KDF_COST, what)
    }

    /// [`PrivateKey::from_bytes`], with an encrypted key's derivation
    /// bounded by `max_kdf_cost`, in PBKDF2-HMAC-SHA256 iterations (other
    /// hashes and scrypt are scaled to them; see [`MAX_KDF_COST`]): where a
    /// caller may hand over a key only to keep a thread busy ([`ONLINE_KDF_COST`]).
    pub fn from_bytes_within(input: &[u8], passphrase: Option<&[u8]>, max_kdf_cost: u64, what: &str) -> Result<Self> {
        if !pem::is_pem(input) {
            crate::error::within_limit(input, what)?;
            return Self::from_any_der(pem::as_der(input, what)?, passphrase, max_kdf_cost, what);
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
                pem::ENCRYPTED_PRIVATE_KEY => {
                    return Self::from_encrypted_der(&b.der, passphrase, max_kdf_cost, what);
                }
                _ => {}
            }
        }
        Err(Error::NoPrivateKey { found: pem::label_list(&blocks) }.in_input(what))
    }

    fn from_any_der(der: &[u8], passphrase: Option<&[u8]>, max_kdf_cost: u64, what: &str) -> Result<Self> {
        if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
            return Self::from_pkcs8_der(der, what);
        }
        if pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
            return Self::from_encrypted_der(der, passphrase, max_kdf_cost, what);
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
            let ec = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|e| bad(&e))?;
            ec_key(&ec, curve, what)?
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
        Self::checked(ec_key(&parsed, curve, what)?, what)
    }

    /// Reads a PKCS#1 `RSAPrivateKey` (`RSA PRIVATE KEY`).
    pub fn from_pkcs1_der(der: &[u8], what: &str) -> Result<Self> {
        use pkcs1::DecodeRsaPrivateKey;
        let key =
            rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| Error::BadKey { detail: e.to_string() }.in_input(what))?;
        Self::checked(Inner::Rsa(Box::new(key)), what)
    }

    /// Reads an `EncryptedPrivateKeyInfo` with `passphrase`, if deriving its
    /// key costs at most `max_kdf_cost` (as [`PrivateKey::from_bytes_within`]).
    pub fn from_encrypted_der(der: &[u8], passphrase: Option<&[u8]>, max_kdf_cost: u64, what: &str) -> Result<Self> {
        let Some(passphrase) = passphrase else {
            return Err(Error::PassphraseNeeded.in_input(what));
        };
        let enc = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).map_err(|e| {
            unsupported_scheme(der, what).unwrap_or_else(|| Error::BadKey { detail: e.to_string() }.in_input(what))
        })?;
        check_kdf_cost(&enc.encryption_algorithm, max_kdf_cost, what)?;
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
            Inner::P256(k) => return self.ec_pkcs8_der(&k.to_bytes(), rfc5912::SECP_256_R_1),
            Inner::P384(k) => return self.ec_pkcs8_der(&k.to_bytes(), rfc5912::SECP_384_R_1),
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

    /// An EC key's PKCS#8 (RFC 5915 §3 inside RFC 5208: the curve in the
    /// algorithm, the SEC1 key with its public point), as the elliptic-curve
    /// crates write it, but with the point this key already holds rather
    /// than one computed again (a scalar multiplication per encoding).
    fn ec_pkcs8_der(&self, secret: &[u8], curve: const_oid::ObjectIdentifier) -> Result<Zeroizing<Vec<u8>>> {
        let fail = |e: der::Error| Error::Crypto { op: "PKCS#8 encoding", detail: e.to_string() };
        let secret = Zeroizing::new(secret.to_vec());
        let sec1 = sec1::EcPrivateKey {
            private_key: &secret,
            parameters: None,
            public_key: Some(self.public.spki.subject_public_key.raw_bytes()),
        };
        let inner = Zeroizing::new(sec1.to_der().map_err(fail)?);
        let info = pkcs8::PrivateKeyInfoRef::new(
            spki::AlgorithmIdentifierRef {
                oid: rfc5912::ID_EC_PUBLIC_KEY,
                parameters: Some(der::asn1::AnyRef::from(&curve)),
            },
            der::asn1::OctetStringRef::new(&inner).map_err(fail)?,
        );
        Ok(Zeroizing::new(info.to_der().map_err(fail)?))
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
            // The one PBKDF2 writer, which the npm package's Web Crypto path uses too.
            Kdf::Pbkdf2 => {
                let job = super::KeyEncryption::new(der, passphrase, rng)?;
                return job.finish(&job.encrypt(passphrase)?);
            }
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

/// An EC private key (RFC 5915 `ECPrivateKey`) on `curve` (the curve its
/// PKCS#8 algorithm or its own parameters name): the scalar is read, its
/// public point computed once, and a point stored beside it must be that
/// point (as the elliptic-curve crates check, which would compute it twice).
fn ec_key(ec: &sec1::EcPrivateKey<'_>, curve: const_oid::ObjectIdentifier, what: &str) -> Result<Inner> {
    let bad = |detail: &str| Error::BadKey { detail: detail.into() }.in_input(what);
    if ec.parameters.is_some_and(|p| p.named_curve() != Some(curve)) {
        return Err(bad("its EC parameters name another curve than its algorithm; the file is corrupt"));
    }
    macro_rules! read {
        ($curve:ident, $variant:ident) => {{
            let k = $curve::ecdsa::SigningKey::from_slice(ec.private_key)
                .map_err(|_| bad("its private scalar is not a valid key on the curve"))?;
            if let Some(stored) = ec.public_key
                && $curve::ecdsa::VerifyingKey::from_sec1_bytes(stored).ok().as_ref() != Some(k.verifying_key())
            {
                return Err(bad("the public key stored with it is not its own; the file is corrupt"));
            }
            Inner::$variant(k)
        }};
    }
    if curve == rfc5912::SECP_256_R_1 {
        Ok(read!(p256, P256))
    } else if curve == rfc5912::SECP_384_R_1 {
        Ok(read!(p384, P384))
    } else {
        Err(Error::UnsupportedKey { detail: alloc::format!("EC curve {curve}; use P-256 or P-384") }.in_input(what))
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
///
/// Read element by element with `der`'s `AnyRef` rather than as
/// `pkcs8`'s, `sec1`'s and `pkcs1`'s typed structures: it compares only
/// the algorithm and the public half, and those three decoders together
/// cost the web page's first download 11.6 KB gzip (issue #19); the key
/// itself is read, in full, only where it is used.
///
/// ```text
/// OneAsymmetricKey ::= SEQUENCE {                      -- RFC 5958 §2
///     version INTEGER, privateKeyAlgorithm AlgorithmIdentifier,
///     privateKey OCTET STRING, ... }
/// ECPrivateKey ::= SEQUENCE {                          -- RFC 5915 §3
///     version INTEGER (1), privateKey OCTET STRING,
///     parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
/// RSAPrivateKey ::= SEQUENCE {                         -- RFC 8017 A.1.2
///     version INTEGER (0), modulus INTEGER, publicExponent INTEGER, ... }
/// ```
pub fn pkcs8_public_key_matches(der: &[u8], public: &PublicKey, what: &str) -> Result<Option<bool>> {
    Ok(embedded_public_key(der, what)?.map(|embedded| &embedded == public))
}

/// The public key a plain PKCS#8 carries — the SEC1 `publicKey` of an EC
/// key, the modulus and exponent of an RSA key — taken by its structure as
/// [`PublicKey::from_trusted_der`] takes an SPKI; `None` when it carries
/// none (Ed25519 v1 keys, EC keys without `publicKey`).
pub(super) fn embedded_public_key(der: &[u8], what: &str) -> Result<Option<PublicKey>> {
    use super::elements;
    use der::asn1::{Any, AnyRef, BitString};
    use der::{Tag, TagNumber, Tagged};

    let bad = |e: &dyn fmt::Display| Error::BadKey { detail: e.to_string() }.in_input(what);
    let read = |der| AnyRef::from_der(der).map_err(|e| bad(&e));
    let info = elements(read(der)?, what)?;
    let [_version, algorithm, private_key, ..] = info.as_slice() else {
        return Err(bad(&"the PKCS#8 structure is truncated"));
    };
    let (oid, parameters) = match elements(*algorithm, what)?[..] {
        [oid] => (oid, None),
        [oid, parameters] => (oid, Some(Any::from(parameters))),
        _ => return Err(bad(&"an AlgorithmIdentifier has one or two elements")),
    };
    let oid = oid.decode_as::<const_oid::ObjectIdentifier>().map_err(|e| bad(&e))?;
    let key = read(private_key.value())?;
    let public = if oid == rfc5912::ID_EC_PUBLIC_KEY {
        let ec = elements(key, what)?;
        let point =
            ec.iter().find(|item| item.tag() == Tag::ContextSpecific { constructed: true, number: TagNumber(1) });
        let Some(point) = point else { return Ok(None) };
        BitString::from_der(point.value()).map_err(|e| bad(&e))?
    } else if oid == rfc5912::RSA_ENCRYPTION {
        let [version, modulus, exponent, ..] = elements(key, what)?[..] else {
            return Err(bad(&"the RSA private key is truncated"));
        };
        if version.value() != [0u8] {
            return Err(bad(&"the RSA private key is not a two-prime (version 0) key"));
        }
        // RSAPublicKey ::= SEQUENCE { modulus, publicExponent }, the two
        // INTEGERs as they are.
        let mut both = modulus.to_der().map_err(|e| bad(&e))?;
        both.extend(exponent.to_der().map_err(|e| bad(&e))?);
        let sequence = AnyRef::new(Tag::Sequence, &both).and_then(|s| s.to_der()).map_err(|e| bad(&e))?;
        BitString::from_bytes(&sequence).map_err(|e| bad(&e))?
    } else {
        return Ok(None);
    };
    PublicKey::from_trusted_parts(oid, parameters, public, what).map(Some)
}
