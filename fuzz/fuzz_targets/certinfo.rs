//! certinfo of certificates and CSRs, and PEM splitting: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = certkit_core::info::certificate(data, "fuzz");
    let _ = certkit_core::info::csr(data, "fuzz");
    let _ = certkit_core::pem::blocks(data, "fuzz");
    let _ = certkit_core::expiry::certificates(data);
});
