//! The facade's tests in Node: `cargo test -p certkit-wasm --target wasm32-unknown-unknown --test node`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // fixtures and assertions: a failure here is a failed test
#![cfg(all(target_arch = "wasm32", feature = "full"))]
mod common;
