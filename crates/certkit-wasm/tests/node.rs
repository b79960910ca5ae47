//! The facade's tests in Node: `cargo test -p certkit-wasm --target wasm32-unknown-unknown --test node`.
#![cfg(all(target_arch = "wasm32", feature = "full"))]
mod common;
