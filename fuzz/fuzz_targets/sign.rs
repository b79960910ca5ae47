//! The whole sign path — parse, verify, policy, issue — with a fixed CA:
//! never panics, and never issues for a CSR whose signature does not verify
//! (whatever is issued carries the CSR's verified key).
#![no_main]
mod common;

use certkit_core::csr::Csr;
use certkit_core::issue::{self, Issuer, Subject};
use certkit_core::profile::SigningConfig;
use certkit_core::signer::KeySigner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ca = common::ca();
    let Ok(csr) = Csr::parse(data, "fuzz") else { return };
    let cfg = SigningConfig::default();
    let policy = cfg.profile(None).unwrap();
    let mut r = common::rng();
    let mut s = common::rng();
    let now = certkit_core::time::UnixTime(1_800_000_100);
    if let Ok(issued) = issue::issue(&Subject::from_csr(&csr), policy, Issuer::Ca(&ca.cert), &mut KeySigner::new(&ca.key, &mut s), now, &mut r) {
        issue::verify_signature(&issued.der, ca.cert.public_key()).expect("signed by the CA");
        let subject = Subject::from_certificate(&issued.der, "issued").expect("the certificate parses");
        assert_eq!(&subject.public_key, csr.public_key(), "the certificate is for the CSR's verified key");
    }
});
