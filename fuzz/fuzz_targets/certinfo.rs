//! certinfo of certificates and CSRs, PEM splitting, a CA file (its chain
//! and name constraints) and a nameConstraints value: never panics; the
//! descriptive reading of a CSR takes every CSR the strict one takes.
#![no_main]
use certkit_core::constraints::{Candidate, NameConstraints};
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
    if let Ok(ca) = certkit_core::CaCert::parse(data, "fuzz") {
        let _ = ca.name_constraints();
    }
    if let Ok(nc) = NameConstraints::from_der(data, "fuzz") {
        for name in [
            Candidate::Dns("a.example.com"),
            Candidate::Dns("*.example.com"),
            Candidate::Ip(core::net::IpAddr::from([10, 0, 0, 1])),
            Candidate::Ip(core::net::IpAddr::from([0u8; 16])),
            Candidate::Email("a@é.example.com"),
            Candidate::Uri("https://u@[::1]:8/x"),
        ] {
            let _ = nc.check(name);
        }
    }
});
