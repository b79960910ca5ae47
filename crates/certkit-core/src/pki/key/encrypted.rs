//! Encrypted PKCS#8 (RFC 8018 PBES2): the schemes certkit reads, and the
//! cost limits that keep a hostile file from costing minutes of work.

use alloc::string::{String, ToString};

use der::Decode;

use crate::{Error, Result};

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
