//! Chain verification of hostile input: the input is split at its first
//! two 0xff bytes into a certificate, roots and intermediates (each PEM or
//! DER, as a user gives them) and verified; never panics, and a verdict
//! that is `ok` has no errors and a path from the certificate to a root.
#![no_main]
use certkit_core::UnixTime;
use certkit_core::verify::{Purpose, Request, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0xff);
    let cert = parts.next().unwrap_or_default();
    let roots = parts.next().unwrap_or_default();
    let intermediates = parts.next().unwrap_or_default();
    let crls: [&[u8]; 1] = [intermediates];
    for purpose in [Purpose::Server, Purpose::Client] {
        let request = Request {
            cert,
            roots,
            intermediates,
            host: Some("a.example.com"),
            purpose,
            at: UnixTime(1_800_000_000),
            crls: if purpose == Purpose::Client { &crls } else { &[] },
        };
        if let Ok(v) = verify(&request) {
            assert_eq!(v.ok, v.errors.is_empty(), "{v:?}");
            if v.ok {
                assert!(v.chain.len() >= 2, "{v:?}");
            }
        }
    }
});
