//! CSR parsing (PEM or DER): never panics; a CSR that parses has verified,
//! and its DER parses again to the same request.
#![no_main]
use certkit_core::Csr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(csr) = Csr::parse(data, "fuzz") {
        let again = Csr::from_der(csr.der(), "again").expect("a verified CSR re-parses");
        assert_eq!(again.public_key(), csr.public_key());
        assert_eq!(again.subject(), csr.subject());
        assert_eq!(again.sans(), csr.sans());
        if !certkit_core::pem::is_pem(data) {
            assert_eq!(csr.der(), data, "DER input is kept byte for byte");
        }
    }
});
