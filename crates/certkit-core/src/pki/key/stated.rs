//! A private key for a signer outside certkit: the form Web Crypto's
//! `importKey("pkcs8", …)` takes, and the public key the file states.
//!
//! [`super::PrivateKey`]'s readers compute the public key from the private
//! half (a scalar multiplication for an EC key) and check the stored one
//! against it. A key that only an outside signer will use needs neither:
//! its signatures are verified against the certificate's public key before
//! anything is issued ([`crate::Prepared::finish`]), which proves the key
//! is the certificate's. So [`StatedKey::read`] takes the key by its
//! structure, in the forms [`super::PrivateKey::from_bytes`] reads without a
//! passphrase, and says `None` for anything else — an encrypted key, an EC
//! key that does not state its public point, Ed25519, a file it cannot
//! read — which the caller then reads with `PrivateKey::from_bytes`, whose
//! errors name the problem.

use alloc::vec::Vec;

use const_oid::db::rfc5912;
use der::asn1::{AnyRef, OctetStringRef};
use der::{Decode, Encode};
use zeroize::Zeroizing;

use super::{KeyAlgorithm, PublicKey};
use crate::pki::pem;

/// A private key read by its structure alone ([the module](self)).
pub struct StatedKey {
    pkcs8: Zeroizing<Vec<u8>>,
    public: PublicKey,
}

impl core::fmt::Debug for StatedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "StatedKey({}, secret redacted)", self.public.algorithm())
    }
}

impl StatedKey {
    /// Reads an unencrypted EC (P-256, P-384) or RSA private key — PKCS#8,
    /// SEC1 or PKCS#1, PEM or DER, found as `PrivateKey::from_bytes` finds
    /// it — that states its public key; `None` otherwise. An EC scalar
    /// outside 1..n is refused here, as `PrivateKey::from_bytes` refuses it;
    /// an RSA key's size is checked as a public key's.
    pub fn read(input: &[u8]) -> Option<StatedKey> {
        let what = "the key";
        if crate::error::within_limit(input, what).is_err() {
            return None;
        }
        if !pem::is_pem(input) {
            return Self::from_der(pem::as_der(input, what).ok()?);
        }
        let blocks = pem::blocks(input, what).ok()?;
        for b in &blocks {
            if b.legacy_encrypted {
                return None;
            }
            let der = Zeroizing::new(b.der.clone());
            match b.label.as_str() {
                pem::PRIVATE_KEY => return Self::from_pkcs8(der),
                pem::EC_PRIVATE_KEY => return Self::from_sec1(&der),
                pem::RSA_PRIVATE_KEY => return Self::from_pkcs1(&der),
                pem::ENCRYPTED_PRIVATE_KEY => return None,
                _ => {}
            }
        }
        None
    }

    /// DER in `PrivateKey::from_bytes`'s order of trial: PKCS#8, encrypted
    /// PKCS#8, SEC1, PKCS#1.
    fn from_der(der: &[u8]) -> Option<StatedKey> {
        if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
            return Self::from_pkcs8(Zeroizing::new(der.to_vec()));
        }
        if pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok() {
            return None;
        }
        if sec1::EcPrivateKey::from_der(der).is_ok() {
            return Self::from_sec1(der);
        }
        Self::from_pkcs1(der)
    }

    fn from_pkcs8(der: Zeroizing<Vec<u8>>) -> Option<StatedKey> {
        let public = super::private::embedded_public_key(&der, "the key").ok()??;
        let info = pkcs8::PrivateKeyInfoRef::from_der(&der).ok()?;
        match public.algorithm() {
            KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 => {
                let ec = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).ok()?;
                if !scalar_in_range(public.algorithm(), ec.private_key) {
                    return None;
                }
            }
            KeyAlgorithm::Rsa(_) => {}
            KeyAlgorithm::Ed25519 => return None,
        }
        Some(StatedKey { pkcs8: der, public })
    }

    /// SEC1 (`EC PRIVATE KEY`), wrapped as PKCS#8 with the curve it names.
    fn from_sec1(der: &[u8]) -> Option<StatedKey> {
        let ec = sec1::EcPrivateKey::from_der(der).ok()?;
        let curve = ec.parameters?.named_curve()?;
        Self::wrap(rfc5912::ID_EC_PUBLIC_KEY, Some(AnyRef::from(&curve)), der)
    }

    /// PKCS#1 (`RSA PRIVATE KEY`), wrapped as PKCS#8.
    fn from_pkcs1(der: &[u8]) -> Option<StatedKey> {
        pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(der).ok()?;
        Self::wrap(rfc5912::RSA_ENCRYPTION, Some(AnyRef::NULL), der)
    }

    fn wrap(oid: const_oid::ObjectIdentifier, parameters: Option<AnyRef<'_>>, der: &[u8]) -> Option<StatedKey> {
        let info = pkcs8::PrivateKeyInfoRef::new(
            spki::AlgorithmIdentifierRef { oid, parameters },
            OctetStringRef::new(der).ok()?,
        );
        Self::from_pkcs8(Zeroizing::new(info.to_der().ok()?))
    }

    /// The unencrypted PKCS#8 DER (wiped when the key is dropped).
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key the file states, not yet shown to be the private
    /// key's own.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }
}

/// Whether `scalar` is a private key on the curve (1 ≤ d < n): what the
/// curve crates check when they read one, without the multiplication.
fn scalar_in_range(algorithm: KeyAlgorithm, scalar: &[u8]) -> bool {
    match algorithm {
        KeyAlgorithm::EcdsaP256 => p256::SecretKey::from_slice(scalar).is_ok(),
        KeyAlgorithm::EcdsaP384 => p384::SecretKey::from_slice(scalar).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::key::PrivateKey;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    #[test]
    fn ec_and_rsa_keys_in_every_plain_form_state_their_public_key() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa(2048)] {
            let key = PrivateKey::generate(alg, &mut rng()).unwrap();
            let pkcs8 = key.to_pkcs8_der().unwrap();
            let pem = key.to_pkcs8_pem().unwrap();
            let stated = StatedKey::read(pem.as_bytes()).unwrap();
            assert_eq!(stated.public_key(), key.public_key());
            assert_eq!(stated.pkcs8(), pkcs8.as_slice());
            assert_eq!(StatedKey::read(&pkcs8).unwrap().public_key(), key.public_key());
            // The legacy forms, as OpenSSL's traditional mode writes them.
            let info = pkcs8::PrivateKeyInfoRef::from_der(&pkcs8).unwrap();
            let inner = info.private_key.as_bytes();
            let (label, inner) = match alg {
                KeyAlgorithm::Rsa(_) => (pem::RSA_PRIVATE_KEY, inner.to_vec()),
                _ => {
                    // SEC1 with its curve, as `openssl ec` writes it.
                    let ec = sec1::EcPrivateKey::from_der(inner).unwrap();
                    let curve = info.algorithm.parameters_oid().unwrap();
                    let with = sec1::EcPrivateKey { parameters: Some(curve.into()), ..ec };
                    (pem::EC_PRIVATE_KEY, with.to_der().unwrap())
                }
            };
            let legacy = pem::encode(label, &inner);
            let stated = StatedKey::read(legacy.as_bytes()).unwrap();
            assert_eq!(stated.public_key(), key.public_key());
            assert_eq!(PrivateKey::from_pkcs8_der(stated.pkcs8(), "k").unwrap().public_key(), key.public_key());
            assert_eq!(StatedKey::read(&inner).unwrap().public_key(), key.public_key());
        }
    }

    #[test]
    fn what_the_structure_cannot_state_is_left_to_the_full_reader() {
        let ed = PrivateKey::generate(KeyAlgorithm::Ed25519, &mut rng()).unwrap();
        assert!(StatedKey::read(ed.to_pkcs8_pem().unwrap().as_bytes()).is_none());
        let ec = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let encrypted = ec.to_encrypted_pem(b"pass", crate::Kdf::Pbkdf2, &mut rng()).unwrap();
        assert!(StatedKey::read(encrypted.as_bytes()).is_none());
        // An EC key without its public point.
        let pkcs8 = ec.to_pkcs8_der().unwrap();
        let info = pkcs8::PrivateKeyInfoRef::from_der(&pkcs8).unwrap();
        let sec1 = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).unwrap();
        let bare = sec1::EcPrivateKey { public_key: None, ..sec1.clone() }.to_der().unwrap();
        let bare = pkcs8::PrivateKeyInfoRef::new(info.algorithm, OctetStringRef::new(&bare).unwrap()).to_der().unwrap();
        assert!(StatedKey::read(&bare).is_none());
        // A scalar of zero, or the curve's order: not a key.
        for scalar in [[0u8; 32], p256_order()] {
            let bad = sec1::EcPrivateKey { private_key: &scalar, ..sec1.clone() }.to_der().unwrap();
            let bad =
                pkcs8::PrivateKeyInfoRef::new(info.algorithm, OctetStringRef::new(&bad).unwrap()).to_der().unwrap();
            assert!(StatedKey::read(&bad).is_none());
            assert!(PrivateKey::from_pkcs8_der(&bad, "k").is_err());
        }
        assert!(StatedKey::read(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_none());
        assert!(StatedKey::read(b"not a key").is_none());
    }

    fn p256_order() -> [u8; 32] {
        let mut n = [0u8; 32];
        n.copy_from_slice(
            &[
                0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc,
                0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
            ][..],
        );
        n
    }
}
