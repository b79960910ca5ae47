//! Private keys (PKCS#8, SEC1, PKCS#1, encrypted PKCS#8; PEM or DER): never
//! panics; a key that loads re-encodes to PKCS#8 that loads to the same key.
#![no_main]
use certkit_core::PrivateKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = PrivateKey::from_bytes(data, Some(b"fuzz"), "fuzz") {
        let der = key.to_pkcs8_der().expect("a loaded key encodes");
        let back = PrivateKey::from_bytes(&der, None, "again").expect("its PKCS#8 loads");
        assert_eq!(back.public_key(), key.public_key());
    }
});
