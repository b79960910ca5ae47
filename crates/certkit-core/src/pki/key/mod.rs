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

mod algorithm;
mod encrypted;
mod primes;
mod private;
mod public;
mod stated;

pub use algorithm::{KeyAlgorithm, RSA_MAX_BITS, RSA_MIN_BITS, RSA_SIZES, SignatureAlgorithm};
use encrypted::unsupported_scheme;
pub use encrypted::{KeyEncryption, MAX_KDF_COST, ONLINE_KDF_COST, PBKDF2_ITERATIONS, Pbes2, pkcs8_by_structure};
pub(crate) use encrypted::{MAX_PBKDF2_ITERATIONS, check_kdf_cost};
pub use primes::{RsaPrime, modulus_bits};
pub use private::{Kdf, PrivateKey, check_pkcs8_matches, pkcs8_public_key_matches};
pub use public::PublicKey;
pub use stated::StatedKey;

/// The elements of the DER SEQUENCE `sequence`, each as its tag and
/// contents, for the readers that take only a few fields of a structure
/// ([`PublicKey::from_trusted_der`], [`pkcs8_public_key_matches`]): the web
/// page's first download carries these few lines instead of the typed
/// decoders of SubjectPublicKeyInfo, PKCS#8, SEC1 and PKCS#1 (issue #19).
pub(crate) fn elements<'a>(
    sequence: der::asn1::AnyRef<'a>,
    what: &str,
) -> crate::Result<alloc::vec::Vec<der::asn1::AnyRef<'a>>> {
    use alloc::string::ToString;
    use der::{Reader, Tagged};
    let bad = |detail: alloc::string::String| crate::Error::BadKey { detail }.in_input(what);
    if sequence.tag() != der::Tag::Sequence {
        return Err(bad(alloc::format!("expected a SEQUENCE, found {}", sequence.tag())));
    }
    let mut reader = der::SliceReader::new(sequence.value()).map_err(|e| bad(e.to_string()))?;
    let mut items = alloc::vec::Vec::new();
    while !reader.is_finished() {
        items.push(reader.decode().map_err(|e: der::Error| bad(e.to_string()))?);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;
    use crate::Error;
    use der::Encode;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    #[test]
    fn an_ec_key_is_written_as_the_curve_crates_write_it() {
        use pkcs8::EncodePrivateKey;
        for _ in 0..8 {
            let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
            let private::Inner::P256(k) = &key.inner else { unreachable!() };
            assert_eq!(key.to_pkcs8_der().unwrap().as_slice(), k.to_pkcs8_der().unwrap().as_bytes());
            let key = PrivateKey::generate(KeyAlgorithm::EcdsaP384, &mut rng()).unwrap();
            let private::Inner::P384(k) = &key.inner else { unreachable!() };
            assert_eq!(key.to_pkcs8_der().unwrap().as_slice(), k.to_pkcs8_der().unwrap().as_bytes());
        }
    }

    #[test]
    fn an_ec_key_whose_stored_public_key_is_another_is_refused() {
        let (a, b) = (
            PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap(),
            PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap(),
        );
        let private::Inner::P256(k) = &a.inner else { unreachable!() };
        let scalar = k.to_bytes();
        let sec1 = |point: &[u8]| {
            sec1::EcPrivateKey {
                private_key: &scalar,
                parameters: Some(sec1::EcParameters::NamedCurve(const_oid::db::rfc5912::SECP_256_R_1)),
                public_key: Some(point),
            }
            .to_der()
            .unwrap()
        };
        let own = a.public_key().spki().subject_public_key.raw_bytes();
        let other = b.public_key().spki().subject_public_key.raw_bytes();
        assert_eq!(PrivateKey::from_sec1_der(&sec1(own), "k").unwrap().public_key(), a.public_key());
        let e = PrivateKey::from_sec1_der(&sec1(other), "k").unwrap_err().to_string();
        assert!(e.contains("the public key stored with it is not its own"), "{e}");
        // The same key inside PKCS#8.
        let mut der = a.to_pkcs8_der().unwrap().to_vec();
        let at = der.windows(own.len()).position(|w| w == own).unwrap();
        der[at..at + own.len()].copy_from_slice(other);
        let e = PrivateKey::from_pkcs8_der(&der, "k").unwrap_err().to_string();
        assert!(e.contains("the public key stored with it is not its own"), "{e}");
    }

    #[test]
    fn a_public_key_is_rebuilt_from_the_parts_a_key_store_keeps() {
        for alg in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Ed25519, KeyAlgorithm::Rsa(2048)] {
            let key = PrivateKey::generate(alg, &mut rng()).unwrap();
            let public = key.public_key();
            let bits = public.spki().subject_public_key.raw_bytes();
            let rebuilt = match alg {
                KeyAlgorithm::Rsa(_) => {
                    let rsa = <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>> as der::Decode>::from_der(bits).unwrap();
                    PublicKey::from_rsa_parts(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes(), "k").unwrap()
                }
                _ => {
                    let curve = alg.curve_der().unwrap();
                    assert_eq!(KeyAlgorithm::from_curve_der(&curve), Some(alg));
                    // Bare, and wrapped in an OCTET STRING as PKCS#11's CKA_EC_POINT holds it.
                    let wrapped = der::asn1::OctetString::new(bits).unwrap().to_der().unwrap();
                    assert_eq!(&PublicKey::from_curve_point(&curve, &wrapped, "k").unwrap(), public);
                    PublicKey::from_curve_point(&curve, bits, "k").unwrap()
                }
            };
            assert_eq!(&rebuilt, public, "{alg}");
        }
        assert_eq!(KeyAlgorithm::from_curve_der(b"\x13\x0cedwards25519"), Some(KeyAlgorithm::Ed25519));
        assert_eq!(KeyAlgorithm::Rsa(2048).curve_der(), None);
        // An unknown curve, and a point that is not on P-256, are refused.
        let p521 = const_oid::ObjectIdentifier::new_unwrap("1.3.132.0.35").to_der().unwrap();
        let e = PublicKey::from_curve_point(&p521, &[4; 133], "k").unwrap_err();
        assert!(e.to_string().contains("not P-256, P-384 or Ed25519"), "{e}");
        let mut off = [0u8; 65];
        off[0] = 4;
        off[1] = 1;
        assert!(PublicKey::from_curve_point(&KeyAlgorithm::EcdsaP256.curve_der().unwrap(), &off, "k").is_err());
        assert!(matches!(
            PublicKey::from_rsa_parts(&[0xff; 128], &[1, 0, 1], "k").unwrap_err().kind(),
            Error::RsaKeySize { bits: 1024 }
        ));
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
        }
        let p256 = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let p384 = PrivateKey::generate(KeyAlgorithm::EcdsaP384, &mut rng()).unwrap();
        let der = p256.to_pkcs8_der().unwrap();
        assert_eq!(pkcs8_public_key_matches(&der, p384.public_key(), "k").unwrap(), Some(false));
        assert!(check_pkcs8_matches(b"junk", p256.public_key(), "k").is_err());
        // The element-by-element readers refuse every truncation, and any
        // changed byte of the public half, without panicking.
        let rsa = PrivateKey::generate(KeyAlgorithm::Rsa(2048), &mut rng()).unwrap();
        for key in [&p256, &rsa] {
            let der = key.to_pkcs8_der().unwrap();
            for n in 0..der.len() {
                assert!(pkcs8_public_key_matches(&der[..n], key.public_key(), "k").is_err(), "prefix {n}");
            }
            let spki = key.public_key().spki_der();
            for n in 0..spki.len() {
                assert!(PublicKey::from_trusted_der(&spki[..n], "k").is_err(), "prefix {n}");
            }
            let mut other = der.clone();
            // EC: the point's last byte, at the end; RSA: inside the modulus.
            let at = if key.public_key().algorithm() == KeyAlgorithm::EcdsaP256 { other.len() - 1 } else { 100 };
            other[at] ^= 1;
            assert_ne!(pkcs8_public_key_matches(&other, key.public_key(), "k").ok(), Some(Some(true)));
        }
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
            let e = PrivateKey::from_encrypted_der(&encrypted(params), Some(b"pass"), MAX_KDF_COST, "k")
                .unwrap_err()
                .to_string();
            assert!(e.contains(says) && e.contains("openssl pkcs8"), "{e}");
        }
        // certkit's own parameters pass the check (and fail only on the fake data).
        let ours = pkcs5::pbes2::Parameters::generate_scrypt_aes256cbc(
            pkcs5::scrypt::Params::new(14, 8, 1).unwrap(),
            &salt,
            iv,
        )
        .unwrap();
        let e = PrivateKey::from_encrypted_der(&encrypted(ours), Some(b"pass"), MAX_KDF_COST, "k").unwrap_err();
        assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
    }

    #[test]
    fn kdf_cost_counts_the_hash_and_the_output_blocks() {
        use pkcs5::pbes2::{Kdf, Parameters, Pbkdf2Prf};
        let (salt, iv) = ([1u8; 16], [2u8; 16]);
        let pbkdf2 = |prf, iterations, aes256: bool| {
            let mut p = if aes256 {
                Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv).unwrap()
            } else {
                Parameters::generate_pbkdf2_sha256_aes128cbc(iterations, &salt, iv).unwrap()
            };
            if let Kdf::Pbkdf2(k) = &mut p.kdf {
                k.prf = prf;
            }
            encrypted::kdf_cost(&p)
        };
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha256, 600_000, true), 600_000);
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha512, 5_000_000, true), 10_000_000);
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha384, 1_000, true), 2_000);
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha1, 1_000, true), 2_000);
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha1, 1_000, false), 1_000);
        assert_eq!(pbkdf2(Pbkdf2Prf::HmacWithSha224, 1_000, true), 2_000);
        let scrypt = |log_n, r, p| {
            let params = pkcs5::scrypt::Params::new(log_n, r, p).unwrap();
            encrypted::kdf_cost(&Parameters::generate_scrypt_aes256cbc(params, &salt, iv).unwrap())
        };
        // What certkit writes is within the online bound.
        assert_eq!(scrypt(14, 8, 1), 327_680);
        assert!(scrypt(14, 8, 1) <= ONLINE_KDF_COST && 600_000 <= ONLINE_KDF_COST);
        // The scrypt limits before #22 (N·r·p ≤ 2^20) still fit the offline bound.
        assert!(scrypt(16, 8, 2) <= MAX_KDF_COST);
        // A bound below a key's cost refuses it before any derivation.
        let data = [0u8; 48];
        let der = pkcs8::EncryptedPrivateKeyInfoRef {
            encryption_algorithm: pkcs5::EncryptionScheme::Pbes2(
                Parameters::generate_pbkdf2_sha256_aes256cbc(2_000, &salt, iv).unwrap(),
            ),
            encrypted_data: der::asn1::OctetStringRef::new(&data).unwrap(),
        }
        .to_der()
        .unwrap();
        let e = PrivateKey::from_encrypted_der(&der, Some(b"pass"), 1_999, "k").unwrap_err();
        assert_eq!(
            e.to_string().split(';').next().unwrap(),
            "k: its key derivation (PBKDF2-HMAC-SHA256, 2000 iterations) costs 2000, above the limit of 1999 (in PBKDF2-HMAC-SHA256 iterations)"
        );
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
        let ec = include_bytes!("../../../../../tests/data/openssl-ec-sec1.pem");
        let key = PrivateKey::from_bytes(ec, None, "ec.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
        let rsa = include_bytes!("../../../../../tests/data/openssl-rsa-pkcs1.pem");
        let key = PrivateKey::from_bytes(rsa, None, "rsa.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::Rsa(2048));
    }

    #[test]
    fn encrypted_keys_openssl_writes_are_read_or_their_scheme_is_named() {
        // PBKDF2 with hmacWithSHA1 (PKCS#5's default PRF, OpenSSL 1.0's choice) is read.
        let sha1 = include_bytes!("../../../../../tests/data/openssl-pkcs8-hmacsha1.pem");
        let key = PrivateKey::from_bytes(sha1, Some(b"fixture"), "k.pem").unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
        let e = PrivateKey::from_bytes(sha1, Some(b"wrong"), "k.pem").unwrap_err();
        assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
        // 3DES and PBES1 are refused by name, never as a wrong passphrase.
        for (file, says) in [
            (&include_bytes!("../../../../../tests/data/openssl-pkcs8-3des.pem")[..], "cipher 1.2.840.113549.3.7"),
            (include_bytes!("../../../../../tests/data/openssl-pkcs8-pbes1.pem"), "1.2.840.113549.1.12.1.3 (a PBES1"),
        ] {
            let e = PrivateKey::from_bytes(file, Some(b"fixture"), "k.pem").unwrap_err();
            assert!(matches!(e.kind(), Error::UnsupportedKey { .. }), "{e}");
            let text = e.to_string();
            assert!(text.contains(says) && text.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"), "{text}");
        }
    }

    #[test]
    fn weak_rsa_refused() {
        let weak = include_bytes!("../../../../../tests/data/openssl-rsa1024-pkcs1.pem");
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
