//! Encrypted PKCS#8 (RFC 8018 PBES2): the schemes certkit reads, the cost
//! limits that keep a hostile file from costing minutes of work, and the
//! one PBES2 encryption certkit writes, which the platform may compute.
//!
//! ```text
//! EncryptedPrivateKeyInfo ::= SEQUENCE {            -- RFC 5958 §3
//!     encryptionAlgorithm  AlgorithmIdentifier,     -- PBES2 (RFC 8018 A.4)
//!     encryptedData        OCTET STRING }
//! PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }
//! ```
//!
//! Writing with PBKDF2 ("the platform computes, the core builds", as for a
//! CSR's signature and a PKCS#12 file's encryptions):
//! 1. [`KeyEncryption::new`] checks the passphrase and the PKCS#8 and
//!    chooses the parameters: PBKDF2-HMAC-SHA256 with
//!    [`PBKDF2_ITERATIONS`], AES-256-CBC, a 16-byte salt and IV from the
//!    caller's random generator or random bytes (in wasm: Web Crypto's
//!    `getRandomValues`).
//! 2. The platform (Web Crypto) or the core ([`KeyEncryption::encrypt`])
//!    encrypts the PKCS#8 with exactly those parameters.
//! 3. [`KeyEncryption::finish`] checks the ciphertext's length and writes
//!    the EncryptedPrivateKeyInfo with the `pkcs8` and `pkcs5` crates' types.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::{Decode, Encode};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::pki::pem;
use crate::{Error, Result};

/// PBKDF2-HMAC-SHA256 iterations certkit writes into an encrypted key
/// (OWASP's 2023 figure; [`crate::Kdf::Pbkdf2`]).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// One PBES2 encryption (RFC 8018 §6.2: PBKDF2-HMAC-SHA-256 of the
/// passphrase's bytes, AES-256-CBC with PKCS#7 padding) that the core
/// needs and the caller may do with its own primitives; salt and IV are
/// the core's choice, from the caller's random generator. PKCS#12 files
/// ([`crate::pkcs12`]) and encrypted keys ([`KeyEncryption`]) use it.
pub struct Pbes2 {
    /// What to encrypt (a SafeContents, or a key's PKCS#8), wiped on drop.
    pub plaintext: Zeroizing<Vec<u8>>,
    /// PBKDF2's salt.
    pub salt: [u8; 16],
    /// PBKDF2's iteration count.
    pub iterations: u32,
    /// AES-CBC's initialization vector.
    pub iv: [u8; 16],
}

impl Pbes2 {
    pub(crate) fn new<R: CryptoRng + ?Sized>(plaintext: Zeroizing<Vec<u8>>, iterations: u32, rng: &mut R) -> Self {
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut iv);
        Pbes2 { plaintext, salt, iterations, iv }
    }

    /// The PBES2-params these choices make.
    pub(crate) fn parameters(&self) -> core::result::Result<pkcs5::pbes2::Parameters, pkcs5::Error> {
        pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(self.iterations, &self.salt, self.iv)
    }

    /// The length of the ciphertext: the plaintext padded to whole AES blocks.
    pub(crate) fn ciphertext_len(&self) -> usize {
        (self.plaintext.len() / 16 + 1) * 16
    }
}

impl core::fmt::Debug for Pbes2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pbes2").field("plaintext", &"(secret)").field("iterations", &self.iterations).finish()
    }
}

/// A private key on its way to an encrypted PKCS#8 (`ENCRYPTED PRIVATE
/// KEY`) with PBKDF2: the module's steps 1 to 3.
#[derive(Debug)]
pub struct KeyEncryption {
    /// The encryption to do: the key's PKCS#8 and the parameters.
    pub job: Pbes2,
}

impl KeyEncryption {
    /// Step 1: `pkcs8` is a plain PrivateKeyInfo's DER (checked to be
    /// one); the passphrase must not be empty.
    pub fn new<R: CryptoRng + ?Sized>(pkcs8: Zeroizing<Vec<u8>>, passphrase: &[u8], rng: &mut R) -> Result<Self> {
        let mut salt_iv = [0u8; 32];
        rng.fill_bytes(&mut salt_iv);
        Self::with_random(pkcs8, passphrase, &salt_iv)
    }

    /// [`KeyEncryption::new`] with its 32 random bytes (the salt, then the
    /// IV) drawn by the caller: the npm package's small wasm module takes
    /// them from Web Crypto's `getRandomValues`, the same source its
    /// random generator would use, without linking one (476 bytes gzip of
    /// a page's first download).
    pub fn with_random(pkcs8: Zeroizing<Vec<u8>>, passphrase: &[u8], salt_iv: &[u8]) -> Result<Self> {
        if passphrase.is_empty() {
            return Err(Error::EmptyPassphrase);
        }
        let (Ok(salt), Ok(iv)) =
            (salt_iv[..salt_iv.len().min(16)].try_into(), salt_iv[salt_iv.len().min(16)..].try_into())
        else {
            return Err(crypto(alloc::format!(
                "it takes 32 random bytes (a 16-byte salt and IV), not {}",
                salt_iv.len()
            )));
        };
        // A PKCS#8's shape, read element by element (the typed decoder
        // would cost the page's first download 4 KB gzip).
        super::private::embedded_public_key(&pkcs8, "the key")?;
        Ok(KeyEncryption { job: Pbes2 { plaintext: pkcs8, salt, iterations: PBKDF2_ITERATIONS, iv } })
    }

    /// Step 2 done by the core, where the platform cannot.
    pub fn encrypt(&self, passphrase: &[u8]) -> Result<Vec<u8>> {
        pkcs5::EncryptionScheme::Pbes2(self.job.parameters().map_err(crypto)?)
            .encrypt(passphrase, &self.job.plaintext)
            .map_err(crypto)
    }

    /// Step 3: the `ENCRYPTED PRIVATE KEY` PEM around `ciphertext`, which
    /// must be as long as AES-256-CBC makes it from the plaintext.
    pub fn finish(&self, ciphertext: &[u8]) -> Result<String> {
        let expected = self.job.ciphertext_len();
        if ciphertext.len() != expected {
            return Err(Error::Crypto {
                op: "key encryption",
                detail: alloc::format!(
                    "the encryption gave {} bytes where AES-256-CBC gives {expected}; encrypt the plaintext given, with its salt, iterations and IV",
                    ciphertext.len()
                ),
            });
        }
        Ok(pem::encode(pem::ENCRYPTED_PRIVATE_KEY, &self.to_der(ciphertext).map_err(crypto)?))
    }

    /// The EncryptedPrivateKeyInfo, from pkcs5's `Pbkdf2Params` and the
    /// algorithm identifiers themselves rather than pkcs8's
    /// `EncryptedPrivateKeyInfo`, whose `EncryptionScheme` would bring
    /// every scheme's encoder (PBES1, scrypt: 2.6 KB of the npm package's
    /// lite module) for the one this writes. The bytes are the same (tested).
    fn to_der(&self, ciphertext: &[u8]) -> der::Result<Vec<u8>> {
        use der::asn1::OctetStringRef;
        use pkcs5::pbes2::{AES_256_CBC_OID, PBES2_OID, PBKDF2_OID, Pbkdf2Params};
        use spki::AlgorithmIdentifier;
        #[derive(der::Sequence)]
        struct Pbes2Params<'a> {
            kdf: AlgorithmIdentifier<Pbkdf2Params>,
            cipher: AlgorithmIdentifier<&'a OctetStringRef>,
        }
        #[derive(der::Sequence)]
        struct EncryptedPrivateKeyInfo<'a> {
            scheme: AlgorithmIdentifier<Pbes2Params<'a>>,
            data: &'a OctetStringRef,
        }
        let job = &self.job;
        let kdf = Pbkdf2Params::hmac_sha256(job.iterations, &job.salt)
            .map_err(|_| der::Error::from(der::ErrorKind::Value { tag: der::Tag::Integer }))?;
        let params = Pbes2Params {
            kdf: AlgorithmIdentifier { oid: PBKDF2_OID, parameters: Some(kdf) },
            cipher: AlgorithmIdentifier { oid: AES_256_CBC_OID, parameters: Some(OctetStringRef::new(&job.iv)?) },
        };
        EncryptedPrivateKeyInfo {
            scheme: AlgorithmIdentifier { oid: PBES2_OID, parameters: Some(params) },
            data: OctetStringRef::new(ciphertext)?,
        }
        .to_der()
    }
}

fn crypto(e: impl core::fmt::Display) -> Error {
    Error::Crypto { op: "key encryption", detail: e.to_string() }
}

/// Whether `der` is a PKCS#8 whose structure alone shows the key — a
/// plain PrivateKeyInfo that carries its public key, as Web Crypto's EC and
/// RSA keys do — so that it may be encrypted without reading the key in
/// full. `false` for anything else (PEM, PKCS#1, SEC1, an Ed25519 PKCS#8,
/// an encrypted or damaged key): the caller reads it with
/// [`crate::PrivateKey::from_bytes`], whose errors say what is wrong.
pub fn pkcs8_by_structure(der: &[u8]) -> bool {
    matches!(super::private::embedded_public_key(der, ""), Ok(Some(_)))
}

/// Most work a key derivation may cost offline (the CLI), in PBKDF2-HMAC-SHA256
/// iterations: an iteration of HMAC-SHA384 or -SHA512 counts twice (it
/// hashes 128-byte blocks), PBKDF2 runs again for each output block the
/// cipher key needs (AES-256 from SHA-1 or SHA-224: twice), and scrypt
/// counts N·r·p × 5/2. 5,000,000 take about half a second natively;
/// OpenSSL writes 2,048 and certkit 600,000 (or scrypt N = 2^14, r = 8,
/// p = 1: 327,680).
pub const MAX_KDF_COST: u64 = 5_000_000;
/// Most iterations PKCS#12's own key derivation (RFC 7292 Appendix B, for
/// its MAC and legacy ciphers) may ask for: each hashes one block, less
/// than a PBKDF2-HMAC iteration's two, so this stays within [`MAX_KDF_COST`].
pub const MAX_PBKDF2_ITERATIONS: u32 = 5_000_000;
/// The default bound where a caller may hand over a key to pin a thread
/// with (the npm package, in a browser or a server): 1,000,000, 0.7–1 s
/// in wasm, which still reads every key certkit writes.
pub const ONLINE_KDF_COST: u64 = 1_000_000;
/// Most scrypt memory an encrypted key may ask for, as N·r (128·N·r bytes:
/// 64 MiB; OpenSSL and certkit write N = 2^14, r = 8: 16 MiB).
pub const MAX_SCRYPT_NR: u64 = 1 << 19;

/// What deriving the key of `params` costs, in PBKDF2-HMAC-SHA256
/// iterations (RFC 8018 §5.2; RFC 7914 §6), so that one bound serves every
/// hash and scrypt:
///
/// - PBKDF2: iterations × the PRF's blocks per iteration (HMAC hashes two
///   blocks per iteration: 64 bytes each for SHA-1, SHA-224 and SHA-256,
///   128 for SHA-384 and SHA-512, so those count twice) × the output blocks
///   the cipher key needs (AES-256 from SHA-1 or SHA-224 runs the
///   iterations twice).
/// - scrypt: N·r·p × 5/2 (each unit is four Salsa20/8 cores and their
///   copies; measured in wasm at 2.3 PBKDF2-HMAC-SHA256 iterations).
/// - Anything else: `u64::MAX`, refused under any bound.
pub(super) fn kdf_cost(params: &pkcs5::pbes2::Parameters) -> u64 {
    use pkcs5::pbes2::Kdf;
    match &params.kdf {
        Kdf::Pbkdf2(p) => {
            let (_, weight, out) = prf(p.prf);
            let blocks = params.encryption.key_size().div_ceil(out) as u64;
            u64::from(p.iteration_count).saturating_mul(weight * blocks)
        }
        Kdf::Scrypt(p) => {
            let nrp =
                p.cost_parameter.saturating_mul(u64::from(p.block_size)).saturating_mul(u64::from(p.parallelization));
            nrp.saturating_mul(5) / 2
        }
        // A derivation added to pkcs5 later: its cost is unknown.
        _ => u64::MAX,
    }
}

/// The encryption scheme of an `EncryptedPrivateKeyInfo` that certkit
/// cannot read, named by its OIDs — PBES1, or PBES2 with a cipher such as
/// 3DES — or `None` if `der` is not an `EncryptedPrivateKeyInfo` at all.
pub(super) fn unsupported_scheme(der: &[u8], what: &str) -> Option<Error> {
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

/// A PBKDF2 PRF's name, its cost per iteration (the 64-byte blocks HMAC
/// hashes, halved) and its output length in bytes. A PRF added to pkcs5
/// later counts as the costliest.
fn prf(prf: pkcs5::pbes2::Pbkdf2Prf) -> (&'static str, u64, usize) {
    use pkcs5::pbes2::Pbkdf2Prf::*;
    match prf {
        HmacWithSha1 => ("HMAC-SHA1", 1, 20),
        HmacWithSha224 => ("HMAC-SHA224", 1, 28),
        HmacWithSha256 => ("HMAC-SHA256", 1, 32),
        HmacWithSha384 => ("HMAC-SHA384", 2, 48),
        HmacWithSha512 => ("HMAC-SHA512", 2, 64),
        _ => ("HMAC", 2, 20),
    }
}

/// Refuses key-derivation parameters that would make decrypting a key
/// (from a stranger, or a damaged file) take longer than `max_cost`
/// ([`kdf_cost`]) or more scrypt memory than [`MAX_SCRYPT_NR`] allows,
/// before any work is done: the KDF's parameters are the file's to choose.
pub(crate) fn check_kdf_cost(scheme: &pkcs5::EncryptionScheme, max_cost: u64, what: &str) -> Result<()> {
    use pkcs5::pbes2::Kdf;
    let refuse = |detail: String| {
        Error::BadKey { detail: alloc::format!(
            "{detail}; re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc` (or `-scrypt`) and OpenSSL's defaults"
        ) }.in_input(what)
    };
    let pkcs5::EncryptionScheme::Pbes2(params) = scheme else { return Ok(()) };
    let kdf = match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count == 0 => return Err(refuse("its PBKDF2 iteration count is 0".into())),
        Kdf::Pbkdf2(p) => alloc::format!("PBKDF2-{}, {} iterations", prf(p.prf).0, p.iteration_count),
        Kdf::Scrypt(p) => {
            let (n, r, pp) = (p.cost_parameter, p.block_size, p.parallelization);
            if n.saturating_mul(u64::from(r)) > MAX_SCRYPT_NR {
                return Err(refuse(alloc::format!(
                    "its scrypt parameters N={n}, r={r} need more than certkit's 64 MiB (N·r ≤ 2^19)"
                )));
            }
            alloc::format!("scrypt N={n}, r={r}, p={pp}")
        }
        _ => "a derivation of unknown cost".into(),
    };
    let cost = kdf_cost(params);
    if cost > max_cost {
        return Err(Error::KdfCost { detail: alloc::format!(
            "its key derivation ({kdf}) costs {cost}, above the limit of {max_cost} (in PBKDF2-HMAC-SHA256 iterations); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc` and OpenSSL's defaults"
        ) }.in_input(what));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kdf, KeyAlgorithm, PrivateKey};

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    /// Step 2 as Web Crypto does it (PBKDF2-HMAC-SHA256, then AES-256-CBC
    /// with PKCS#7 padding), with the RustCrypto crates the core does not
    /// link for writing.
    fn platform(job: &Pbes2, passphrase: &[u8]) -> Vec<u8> {
        use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
        let key = pbkdf2::pbkdf2_hmac_array::<sha2::Sha256, 32>(passphrase, &job.salt, job.iterations);
        let mut buf = alloc::vec![0u8; job.plaintext.len() + 16];
        buf[..job.plaintext.len()].copy_from_slice(&job.plaintext);
        let n = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &job.iv)
            .unwrap()
            .encrypt_padded::<Pkcs7>(&mut buf, job.plaintext.len())
            .unwrap()
            .len();
        buf.truncate(n);
        buf
    }

    #[test]
    fn a_key_encrypted_by_the_platform_is_read_back() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let pkcs8 = key.to_pkcs8_der().unwrap();
        assert!(pkcs8_by_structure(&pkcs8));
        let job = KeyEncryption::new(pkcs8, b"correct horse", &mut rng()).unwrap();
        assert_eq!(job.job.iterations, PBKDF2_ITERATIONS);
        let ciphertext = platform(&job.job, b"correct horse");
        // The core's own encryption is the platform's, byte for byte.
        assert_eq!(job.encrypt(b"correct horse").unwrap(), ciphertext);
        let encrypted = job.finish(&ciphertext).unwrap();
        // The same bytes as pkcs8's EncryptedPrivateKeyInfo with pkcs5's scheme.
        let by_crates = pkcs8::EncryptedPrivateKeyInfoRef {
            encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(job.job.parameters().unwrap()),
            encrypted_data: der::asn1::OctetStringRef::new(&ciphertext).unwrap(),
        };
        assert_eq!(job.to_der(&ciphertext).unwrap(), by_crates.to_der().unwrap());
        let back = PrivateKey::from_bytes(encrypted.as_bytes(), Some(b"correct horse"), "key.pem").unwrap();
        assert_eq!(back.public_key(), key.public_key());
        // A ciphertext of the wrong length (a platform that padded
        // otherwise, or truncated) is refused by name.
        let e = job.finish(&ciphertext[..16]).unwrap_err();
        assert!(e.to_string().contains("gave 16 bytes where AES-256-CBC gives"), "{e}");
    }

    #[test]
    fn the_core_writes_pbkdf2_keys_through_the_same_builder() {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP384, &mut rng()).unwrap();
        let pem = key.to_encrypted_pem(b"pw", Kdf::Pbkdf2, &mut rng()).unwrap();
        let der = crate::pki::pem::blocks(pem.as_bytes(), "k").unwrap()[0].der.clone();
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der).unwrap();
        let pkcs5::EncryptionScheme::Pbes2(p) = &info.encryption_algorithm else { panic!("not PBES2") };
        let pkcs5::pbes2::Kdf::Pbkdf2(k) = &p.kdf else { panic!("not PBKDF2") };
        assert_eq!(k.iteration_count, PBKDF2_ITERATIONS);
        assert_eq!(k.prf, pkcs5::pbes2::Pbkdf2Prf::HmacWithSha256);
        let e = KeyEncryption::new(key.to_pkcs8_der().unwrap(), b"", &mut rng()).unwrap_err();
        assert!(matches!(e, Error::EmptyPassphrase));
        // The caller's random bytes: the salt, then the IV; 32 of them.
        let random: Vec<u8> = (0..32).collect();
        let job = KeyEncryption::with_random(key.to_pkcs8_der().unwrap(), b"pw", &random).unwrap();
        assert_eq!((&job.job.salt[..], &job.job.iv[..]), (&random[..16], &random[16..]));
        for len in [0, 16, 31, 33] {
            let e =
                KeyEncryption::with_random(key.to_pkcs8_der().unwrap(), b"pw", &random.repeat(2)[..len]).unwrap_err();
            assert!(
                e.to_string().contains(&alloc::format!("32 random bytes (a 16-byte salt and IV), not {len}")),
                "{e}"
            );
        }
    }

    #[test]
    fn only_a_plain_pkcs8_with_its_public_key_is_taken_by_structure() {
        let ec = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let ed = PrivateKey::generate(KeyAlgorithm::Ed25519, &mut rng()).unwrap();
        assert!(pkcs8_by_structure(&ec.to_pkcs8_der().unwrap()));
        // PEM is the caller's to unwrap.
        assert!(!pkcs8_by_structure(ec.to_pkcs8_pem().unwrap().as_bytes()));
        // Ed25519's PKCS#8 (v1) does not carry its public key.
        assert!(!pkcs8_by_structure(&ed.to_pkcs8_der().unwrap()));
        let sec1 =
            crate::pki::pem::blocks(include_bytes!("../../../../../tests/data/openssl-ec-sec1.pem"), "k").unwrap();
        assert!(!pkcs8_by_structure(&sec1[0].der));
        assert!(!pkcs8_by_structure(b""));
        assert!(!pkcs8_by_structure(b"\x30\x03\x02\x01"));
    }
}
