//! CSR parsing (PEM or DER): never panics; a CSR that parses has verified,
//! and its DER parses again to the same request. The manifest from a
//! request (`kube::manifest_for_request`, which reads a few elements of the
//! CSR instead of decoding it) never panics either, and whenever it takes a
//! CSR it writes what the manifest from the parsed CSR says.
#![no_main]
use certkit_core::kube::{self, ManifestParams};
use certkit_core::{Csr, CsrRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let params = ManifestParams { name: "fuzz".into(), signer_name: "example.com/fuzz".into(), ..Default::default() };
    if let Ok(csr) = Csr::parse(data, "fuzz") {
        let again = Csr::from_der(csr.der(), "again").expect("a verified CSR re-parses");
        assert_eq!(again.public_key(), csr.public_key());
        assert_eq!(again.subject(), csr.subject());
        assert_eq!(again.sans(), csr.sans());
        if !certkit_core::pem::is_pem(data) {
            assert_eq!(csr.der(), data, "DER input is kept byte for byte");
        }
        let ca = csr.requested_ca().map(|bc| bc.path_len_constraint);
        if let Ok(Some(from_request)) = kube::manifest_for_request(csr.der(), csr.subject(), csr.sans(), ca, &params) {
            let from_csr = kube::manifest_with_warnings(data, &params, "fuzz").expect("the same checks passed");
            assert_eq!(from_request, from_csr);
        }
    } else {
        let req = CsrRequest::from_json(br#"{"CN":"web","hosts":["web.example.com"]}"#, "r").unwrap().validate(false).unwrap();
        let _ = kube::manifest_for_request(data, &req.subject, &req.sans, None, &params);
    }
});
