//! The whole sign path — parse, verify, policy, issue — with a fixed CA:
//! never panics, and never issues for a CSR whose signature does not verify
//! (whatever is issued carries the CSR's verified key).
#![no_main]
mod common;

use certkit_core::signer::verify_signature;
use certkit_core::{Csr, SigningConfig, Subject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(csr) = Csr::parse(data, "fuzz") else { return };
    let ca = common::ca(SigningConfig::default());
    let now = certkit_core::UnixTime(1_800_000_100);
    if let Ok(issued) = ca.sign_csr(&csr, None, None, now, &mut common::rng()) {
        verify_signature(&issued.der, ca.cert().public_key()).expect("signed by the CA");
        let subject = Subject::from_certificate(&issued.der, "issued").expect("the certificate parses");
        assert_eq!(&subject.public_key, csr.public_key(), "the certificate is for the CSR's verified key");
    }
});
