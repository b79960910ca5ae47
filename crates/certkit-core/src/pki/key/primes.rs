//! RSA primes, searched for one at a time (so the CLI can search for two
//! on two threads), and modulus sizes.

use core::fmt;

use rand_core::CryptoRng;

use super::RSA_SIZES;
use crate::{Error, Result};

/// One prime factor for an RSA modulus. Wiped on drop; `Debug` hides it.
pub struct RsaPrime(pub(super) rsa::BoxedUint);

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
