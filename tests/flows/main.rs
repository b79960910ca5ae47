//! Whole flows through the `certkit` binary, judged by OpenSSL.
//!
//! Every test runs the real binary in a fresh temporary folder; OpenSSL
//! (`openssl verify`, `openssl req -verify`, `openssl x509`, and a real TLS
//! handshake between `openssl s_server` and `openssl s_client`) decides
//! whether what certkit made is right.
#![allow(clippy::unwrap_used, clippy::expect_used)] // fixtures and assertions: a failure here is a failed test

mod architecture;
mod bad_input;
mod cfssl_compat;
mod cmd;
mod common;
mod completion;
mod constraints;
mod exit_codes;
mod faults;
mod gencsr;
mod hostile;
mod interop;
mod k8s;
mod ledger;
mod multicall;
mod pkcs11;
mod pkcs12;
mod seed;
mod terminal;
mod tls;
mod verify;
