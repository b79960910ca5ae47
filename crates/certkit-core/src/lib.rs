//! certkit-core: the whole of certkit's PKI logic, with no I/O.
//!
//! Keys, certificate signing requests, cfssl-compatible signing policy,
//! certificate issuance and `certinfo`. The caller passes in the current time
//! ([`time::UnixTime`]) and a cryptographic random generator
//! (`&mut impl rand_core::CryptoRng`); nothing here reads a clock, a file or
//! the environment, so the CLI, the wasm package and the web page all make
//! the same decisions.
//!
//! The modules follow the specifications they implement:
//!
//! | module | concept | source of truth |
//! |---|---|---|
//! | [`pem`] | PEM armour | RFC 7468 |
//! | [`key`] | private/public keys, signatures | RFC 5208/5958 (PKCS#8), RFC 8017 (PKCS#1), RFC 5915 (SEC1), RFC 8410 |
//! | [`name`] | subject names | RFC 5280 §4.1.2.4, cfssl's `names` |
//! | [`san`] | subjectAltName entries from cfssl `hosts` | RFC 5280 §4.2.1.6, RFC 1123 |
//! | [`request`] | cfssl's CSR JSON | cfssl `csr.CertificateRequest` |
//! | [`csr`] | PKCS#10 requests | RFC 2986 |
//! | [`duration`] | Go-style durations | Go `time.ParseDuration` |
//! | [`profile`] | signing policy | cfssl `config.Config` |
//! | [`issue`] | certificate issuance | RFC 5280, CA/B Forum Baseline Requirements |
//! | [`info`] | certinfo output | cfssl `certinfo` |
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::std_instead_of_core, clippy::std_instead_of_alloc, clippy::alloc_instead_of_core)]

extern crate alloc;

pub mod ca;
pub mod cfssl;
pub mod error;
pub mod issue;
pub mod kube;
pub mod pki;
pub mod text;

pub use ca::{expiry, ledger};
pub use cfssl::{duration, info, json, profile, request, validity};
pub use issue::{crl, generate};
pub use pki::{csr, key, name, oid, pem, san, signer, time};

pub use error::{Error, Result};

/// Re-exported so callers name the same random-generator traits as the core.
pub use rand_core;

/// Largest input (PEM, DER or JSON) the core accepts, in bytes.
///
/// Real CSRs, certificates, keys and configs are a few kilobytes; anything
/// larger is refused before it is parsed, so hostile input cannot make the
/// parsers allocate without bound.
pub const MAX_INPUT_LEN: usize = 1024 * 1024;

/// The version of certkit, as printed by `certkit version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
