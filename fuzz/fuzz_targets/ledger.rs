//! Ledger text: scanning never panics, and what parses agrees with the scan.
#![no_main]
use certkit_core::ledger::Ledger;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (scanned, corrupt) = Ledger::scan(data);
    match Ledger::parse(data) {
        Ok(l) => {
            assert!(corrupt.is_empty());
            assert_eq!(l.issued().len(), scanned.issued().len());
            let _ = l.revocations();
        }
        Err(_) => assert!(!corrupt.is_empty()),
    }
});
