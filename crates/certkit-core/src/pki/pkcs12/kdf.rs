//! The key derivation of RFC 7292 Appendix B.2, which PKCS#12 uses for its
//! MAC key (and, in the legacy schemes, for cipher keys and IVs).
//!
//! ```text
//! D = ID repeated to v bytes (v: the hash's block size)
//! I = (salt repeated to a multiple of v) || (password repeated to a multiple of v)
//! for each u-byte output block: A = H^iterations(D || I); B = A repeated to v bytes;
//!   each v-byte block Ij of I becomes (Ij + B + 1) mod 2^(8v)
//! ```
//!
//! The password is BMPString (UTF-16 big-endian) with two zero bytes at the
//! end, or empty for an absent one.

use alloc::vec::Vec;

use sha2::Digest;
use zeroize::Zeroizing;

/// What a derived value is for (B.3).
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    /// A cipher key.
    Key = 1,
    /// A cipher IV.
    Iv = 2,
    /// A MAC key.
    Mac = 3,
}

/// `n` bytes for `purpose` from `password`, `salt` and `iterations` (≥ 1),
/// with the hash `D`, whose block size is `v` bytes.
pub fn derive<D: Digest>(
    v: usize,
    password: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    n: usize,
) -> Zeroizing<Vec<u8>> {
    let fill = |s: &[u8]| -> Zeroizing<Vec<u8>> {
        let len = s.len().div_ceil(v) * v;
        Zeroizing::new(s.iter().copied().cycle().take(len).collect())
    };
    let d = alloc::vec![purpose as u8; v];
    let mut i = fill(salt);
    i.extend_from_slice(&fill(password));
    let mut out = Zeroizing::new(Vec::with_capacity(n + 64));
    while out.len() < n {
        let mut a = D::new().chain_update(&d).chain_update(&*i).finalize();
        for _ in 1..iterations {
            a = D::digest(&a);
        }
        out.extend_from_slice(&a);
        if out.len() >= n {
            break;
        }
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for block in i.chunks_mut(v) {
            // block = (block + B + 1) mod 2^(8v), big-endian.
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().zip(b.iter()).rev() {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> alloc::string::String {
        b.iter().map(|x| alloc::format!("{x:02x}")).collect()
    }

    /// The vectors of RustCrypto's `pkcs12` crate, checked there against
    /// OpenSSL's PKCS12_key_gen_utf8: password "ge@äheim", salt 01…08.
    #[test]
    fn appendix_b_matches_openssl() {
        let password: Vec<u8> = "ge@äheim".encode_utf16().flat_map(u16::to_be_bytes).chain([0, 0]).collect();
        let salt = [1, 2, 3, 4, 5, 6, 7, 8];
        let sha256 =
            |purpose, iterations, n| hex(&derive::<sha2::Sha256>(64, &password, &salt, purpose, iterations, n));
        assert_eq!(sha256(Purpose::Key, 100, 32), "fae4d4957a3cc781e1180b9d4fb79c1e0c8579b746a3177e5b0768a3118bf863");
        assert_eq!(sha256(Purpose::Iv, 100, 32), "e5ff813bc6547de5155b14d2fada85b3201a977349db6e26ccc998d9e8f83d6c");
        assert_eq!(sha256(Purpose::Mac, 100, 20), "136355ed9434516682534f46d63956db5ff06b84");
        // Several output blocks: each adds the last one into I.
        assert_eq!(
            sha256(Purpose::Key, 1000, 200),
            "2b95a0569b63f641fae1efca32e84db3699ab74540628ba66283b58cf5400527d8d0ebe2ccbf768c51c4d8fbd1bb156be06c1c59cbb69e44052ffc37376fdb47b2de7f9e543de9d096d8e5474b220410ff1c5d8bb7e5bc0f61baeaa12fd0da1d7a9701729cea6014d7fe62a2ed926dc36b61307f119d64edbceb5a9c58133bbf75ba0bef000a1a5180e4b1de7d89c89528bcb7899a1e46fd4da0d9de8f8e65e8d0d775e33d1247e76d596a34303161b219f39afda448bf518a2835fc5e28f0b55a1b6137a2c70cf7"
        );
        // A 128-byte block.
        let sha512 = derive::<sha2::Sha512>(128, &password, &salt, Purpose::Key, 100, 32);
        assert_eq!(hex(&sha512), "b14a9f01bfd9dce4c9d66d2fe9937e5fd9f1afa59e370a6fa4fc81c1cc8ec8ee");
    }
}
