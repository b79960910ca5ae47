//! cfssl signing config JSON: never panics; a config that loads has a
//! default profile.
#![no_main]
use certkit_core::SigningConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cfg) = SigningConfig::from_json(data, "fuzz") {
        cfg.profile(None).expect("the default profile exists");
        for name in cfg.names() {
            cfg.profile(Some(name)).expect("listed profiles exist");
        }
    }
});
