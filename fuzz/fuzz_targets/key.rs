//! Private keys (PKCS#8, SEC1, PKCS#1, encrypted PKCS#8; PEM or DER): never
//! panics; a key that loads re-encodes to PKCS#8 that loads to the same key.
//! The lite module's element-by-element readers (`from_trusted_der` of an
//! SPKI, `pkcs8_public_key_matches`) never panic either, and a PKCS#8 that
//! loads is found to carry its own public key, not another.
#![no_main]
use certkit_core::key::pkcs8_public_key_matches;
use certkit_core::{PrivateKey, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = PrivateKey::from_bytes(data, Some(b"fuzz"), "fuzz") {
        let der = key.to_pkcs8_der().expect("a loaded key encodes");
        let back = PrivateKey::from_bytes(&der, None, "again").expect("its PKCS#8 loads");
        assert_eq!(back.public_key(), key.public_key());
        let spki = key.public_key().spki_der();
        assert_eq!(&PublicKey::from_trusted_der(&spki, "spki").expect("its SPKI reads"), key.public_key());
        let matched = pkcs8_public_key_matches(&der, key.public_key(), "k");
        assert!(matches!(matched, Ok(Some(true) | None)), "{matched:?}");
    }
    // An SPKI and a PKCS#8 side by side: the first two bytes give the
    // SPKI's length.
    if let [a, b, rest @ ..] = data {
        let (spki, pkcs8) = rest.split_at(usize::from(u16::from_be_bytes([*a, *b])).min(rest.len()));
        if let Ok(public) = PublicKey::from_trusted_der(spki, "fuzz") {
            let _ = pkcs8_public_key_matches(pkcs8, &public, "fuzz");
        }
    }
});
