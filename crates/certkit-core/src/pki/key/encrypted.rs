//! Encrypted PKCS#8 (RFC 8018 PBES2): the schemes certkit reads, and the
//! cost limits that keep a hostile file from costing minutes of work.

use alloc::string::{String, ToString};

use der::Decode;

use crate::{Error, Result};

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

/// Refuses key-derivation parameters that would make decrypting a key
/// (from a stranger, or a damaged file) take minutes or gigabytes, before
/// any work is done: the KDF's parameters are the file's to choose.
pub(crate) fn check_kdf_cost(scheme: &pkcs5::EncryptionScheme, what: &str) -> Result<()> {
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
