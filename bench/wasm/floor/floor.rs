//! The crypto floor of certkit's complete npm package (see Cargo.toml): each
//! pure-Rust algorithm the package's API runs, called the way certkit-core
//! calls it, behind bare exports. Errors trap; the caller supplies
//! randomness through one imported function. It is built to be measured,
//! not run.

#![no_std]
#![allow(clippy::unwrap_used)]

extern crate alloc;

use alloc::vec::Vec;
use core::convert::Infallible;
use p256::elliptic_curve::Generate;
use rand_core::{TryCryptoRng, TryRng, UnwrapErr};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use signature::hazmat::{PrehashSigner, PrehashVerifier};
use signature::{Signer, Verifier};

#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

unsafe extern "C" {
    /// Fills `len` bytes at `buf` with random bytes (Web Crypto, in JS).
    fn random(buf: *mut u8, len: usize);
}

/// Randomness from the imported function, as getrandom's JS backend gives it.
struct Js;

impl TryRng for Js {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        // SAFETY: the import writes exactly `dst.len()` bytes into `dst`.
        unsafe { random(dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }
}

impl TryCryptoRng for Js {}

fn input(ptr: *const u8, len: usize) -> &'static [u8] {
    // SAFETY: the caller passes a buffer it wrote into this module's memory.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// Leaks the output so the work cannot be optimised away; returns its length.
fn output(v: Vec<u8>) -> usize {
    let n = v.len();
    core::mem::forget(v);
    n
}

fn digest(hash: u32, msg: &[u8]) -> Vec<u8> {
    match hash {
        256 => Sha256::digest(msg).to_vec(),
        384 => Sha384::digest(msg).to_vec(),
        _ => Sha512::digest(msg).to_vec(),
    }
}

/// An RSA key of `bits` bits (the prime search of certkit-core's
/// `RsaPrime::generate`), a PKCS#1 v1.5 signature with SHA-`hash`, and its
/// verification.
#[unsafe(no_mangle)]
pub extern "C" fn rsa(bits: u32, hash: u32, msg: *const u8, len: usize) -> usize {
    use crypto_bigint::{BitOps, RandomBits};
    use crypto_primes::hazmat::SmallFactorsSieve;
    let mut rng = UnwrapErr(Js);
    let half = bits / 2;
    let mut prime = || loop {
        let mut start = rsa::BoxedUint::random_bits(&mut rng, half);
        start.set_bit_vartime(0, true);
        start.set_bit_vartime(half - 1, true);
        start.set_bit_vartime(half - 2, true);
        let mut sieve = SmallFactorsSieve::new(start, core::num::NonZeroU32::new(half).unwrap(), false).unwrap();
        if let Some(p) = sieve.find(|c| crypto_primes::is_prime(crypto_primes::Flavor::Any, c)) {
            return p;
        }
    };
    let (p, q) = (prime(), prime());
    let key = rsa::PrivateKey::from_p_q(p, q, rsa::BoxedUint::from(65_537u64)).unwrap();
    let scheme = || match hash {
        256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
        384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
        _ => rsa::Pkcs1v15Sign::new::<Sha512>(),
    };
    let hashed = digest(hash, input(msg, len));
    let sig = key.sign(scheme(), &hashed).unwrap();
    key.to_public_key().verify(scheme(), &hashed, &sig).unwrap();
    output(sig)
}

/// An ECDSA key on P-256 or P-384, a signature over SHA-`hash` of the
/// message, and its verification; any other curve is Ed25519.
#[unsafe(no_mangle)]
pub extern "C" fn ec(curve: u32, hash: u32, msg: *const u8, len: usize) -> usize {
    let mut rng = UnwrapErr(Js);
    let msg = input(msg, len);
    match curve {
        256 => {
            let key = p256::ecdsa::SigningKey::generate_from_rng(&mut rng);
            let sig: p256::ecdsa::Signature = key.sign_prehash(&digest(hash, msg)).unwrap();
            key.verifying_key().verify_prehash(&digest(hash, msg), &sig).unwrap();
            output(sig.to_bytes().to_vec())
        }
        384 => {
            let key = p384::ecdsa::SigningKey::generate_from_rng(&mut rng);
            let sig: p384::ecdsa::Signature = key.sign_prehash(&digest(hash, msg)).unwrap();
            key.verifying_key().verify_prehash(&digest(hash, msg), &sig).unwrap();
            output(sig.to_bytes().to_vec())
        }
        _ => {
            let mut seed = [0u8; 32];
            rng.0.try_fill_bytes(&mut seed).unwrap();
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            let sig = key.sign(msg);
            key.verifying_key().verify(msg, &sig).unwrap();
            output(sig.to_vec())
        }
    }
}

/// Encrypted PKCS#8's cryptography: a key from the passphrase (scrypt
/// N=2^14, r=8, p=1, or PBKDF2 with HMAC-SHA-1/224/256/384/512), then
/// AES-128/192/256-CBC one way and back.
#[unsafe(no_mangle)]
pub extern "C" fn pbes2(kdf: u32, aes: u32, pw: *const u8, pw_len: usize, msg: *const u8, len: usize) -> usize {
    use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
    let (pw, msg, salt, iv) = (input(pw, pw_len), input(msg, len), [1u8; 16], [2u8; 16]);
    let mut key = [0u8; 32];
    match kdf {
        0 => scrypt::scrypt(pw, &salt, &scrypt::Params::new(14, 8, 1).unwrap(), &mut key).unwrap(),
        1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(pw, &salt, 600_000, &mut key),
        224 => pbkdf2::pbkdf2_hmac::<Sha224>(pw, &salt, 600_000, &mut key),
        256 => pbkdf2::pbkdf2_hmac::<Sha256>(pw, &salt, 600_000, &mut key),
        384 => pbkdf2::pbkdf2_hmac::<Sha384>(pw, &salt, 600_000, &mut key),
        _ => pbkdf2::pbkdf2_hmac::<Sha512>(pw, &salt, 600_000, &mut key),
    }
    macro_rules! there_and_back {
        ($aes:ty, $n:expr) => {{
            let k = &key[..$n];
            let ct = cbc::Encryptor::<$aes>::new_from_slices(k, &iv).unwrap().encrypt_padded_vec::<Pkcs7>(msg);
            cbc::Decryptor::<$aes>::new_from_slices(k, &iv).unwrap().decrypt_padded_vec::<Pkcs7>(&ct).unwrap()
        }};
    }
    output(match aes {
        128 => there_and_back!(aes::Aes128, 16),
        192 => there_and_back!(aes::Aes192, 24),
        _ => there_and_back!(aes::Aes256, 32),
    })
}

/// SHA-1 of a public key: the subject and authority key identifiers.
#[unsafe(no_mangle)]
pub extern "C" fn key_id(msg: *const u8, len: usize) -> usize {
    output(sha1::Sha1::digest(input(msg, len)).to_vec())
}
