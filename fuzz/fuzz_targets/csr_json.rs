//! cfssl CSR JSON: never panics; what validates also validates after a
//! serialize/parse round trip.
#![no_main]
use certkit_core::CsrRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = CsrRequest::from_json(data, "fuzz") {
        for initca in [false, true] {
            if let Ok(v) = req.validate(initca) {
                let text = serde_json::to_vec(&req).expect("serializes");
                let again = CsrRequest::from_json(&text, "again").expect("round-trips");
                assert_eq!(again.validate(initca).expect("still valid"), v);
            }
        }
    }
});
