//! certinfo of certificates and CSRs, and PEM splitting: never panics; the
//! descriptive reading of a CSR takes every CSR the strict one takes.
#![no_main]
use certkit_core::{Csr, info, pem};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = info::certificate(data, "fuzz");
    let described = info::csr(data, "fuzz");
    let _ = info::csr_public_key(data, "fuzz");
    let is_csr = info::is_csr(data);
    if Csr::parse(data, "fuzz").is_ok() {
        assert!(described.is_ok(), "certinfo refuses a CSR certkit would sign: {:?}", described.err());
        if !pem::is_pem(data) {
            assert!(is_csr, "a DER CSR certkit would sign is not taken for a CSR");
        }
    }
    let _ = pem::blocks(data, "fuzz");
    let _ = certkit_core::expiry::certificates(data);
});
