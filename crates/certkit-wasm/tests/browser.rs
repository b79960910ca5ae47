//! The facade's tests in headless Chromium (CHROMEDRIVER=/usr/bin/chromedriver):
//! `cargo test -p certkit-wasm --target wasm32-unknown-unknown --test browser`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // fixtures and assertions: a failure here is a failed test
#![cfg(all(target_arch = "wasm32", feature = "full"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod common;
