//! PKCS#12 files (passphrase "fuzz"): never panics; what reads holds a key
//! that is its certificate's, and writes again to a file that reads back
//! the same.
#![no_main]
use certkit_core::pkcs12::{self, Bundle, Protection};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(read) = pkcs12::read(data, "fuzz", "fuzz") else { return };
    let again = pkcs12::build(
        &Bundle { certificate: &read.certificate, key: &read.key, chain: &[], name: None },
        "fuzz",
        Protection::Modern { iterations: 1 },
        &mut rand_core::UnwrapErr(getrandom::SysRng),
    )
    .expect("a key and certificate that read together write together");
    let back = pkcs12::read(&again, "fuzz", "again").expect("what certkit writes it reads");
    assert_eq!(back.certificate, read.certificate);
    assert_eq!(back.key.public_key(), read.key.public_key());
});
