//! Kubernetes objects: reading `kubectl get csr` output and signing it with
//! a fixed CA never panics; nothing unapproved is signed.
#![no_main]
mod common;

use certkit_core::kube::{self, Outcome, SignParams};
use certkit_core::SigningConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Ok((objects, _)) = kube::objects(value, "fuzz") else { return };
    let cfg = SigningConfig::from_json(
        br#"{"signing":{"default":{"usages":["digital signature","key encipherment","server auth","client auth"],"expiry":"24h","signer_name":"example.com/fuzz"}}}"#,
        "cfg",
    )
    .unwrap();
    let ca = common::ca(cfg);
    let params = SignParams { profile: None, allow_unapproved: false };
    for o in objects {
        let approved = o
            .pointer("/status/conditions")
            .and_then(|c| c.as_array())
            .is_some_and(|c| c.iter().any(|c| c.get("type").and_then(|t| t.as_str()) == Some("Approved") && c.get("status").and_then(|s| s.as_str()) == Some("True")));
        if let Ok(Outcome::Signed { .. }) = ca.sign_kube_object(o, &params, certkit_core::UnixTime(1_800_000_100), &mut common::rng()) {
            assert!(approved, "only approved objects are signed");
        }
    }
});
