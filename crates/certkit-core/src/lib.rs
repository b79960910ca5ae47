//! certkit-core: the whole of certkit's PKI logic, with no I/O.
//!
//! Keys, certificate signing requests, cfssl-compatible signing policy,
//! certificate issuance, CRLs, the CA's ledger and Kubernetes objects. The
//! caller passes in the current time ([`UnixTime`]) and a cryptographic
//! random generator (`&mut impl rand_core::CryptoRng`); nothing here reads a
//! clock, a file or the environment, so the CLI, the wasm package and the
//! web page all make the same decisions.
//!
//! The crate is built in layers, each using only those below it (a test of
//! the CLI's, `tests/flows/architecture.rs`, reads the `use` lines and
//! fails on an upward edge or a cycle; ARCHITECTURE.md draws the picture):
//!
//! | layer | modules | source of truth |
//! |---|---|---|
//! | base | `error`, `text` (quoting untrusted text) | — |
//! | `pki` | `pem`, `oid`, `time`, `dns`, `key`, `name`, `san`, `constraints`, `csr`, `signer`, `pkcs12` | RFC 7468, 5280 (§4.2.1.10 for name constraints), 2986, 5208/5958, 8017, 5915, 8410, 1123, 7292 |
//! | `cfssl` | `json`, `duration`, `validity`, `request`, `profile`, `info` | cfssl's CSR JSON, signing config and certinfo |
//! | `issue` | `certificate`, `generate`, `crl` | RFC 5280 §4.1 and §5, CA/B Forum Baseline Requirements |
//! | `validate` | `algorithms`, `chain` | RFC 5280 §6 path validation (rustls-webpki) |
//! | `ca` | [`Ca`], `ledger`, `expiry` | certkit's CA directory |
//! | `kube` | CertificateSigningRequest objects | `certificates.k8s.io/v1` |
//!
//! The modules are private. The public interface is the types below, at the
//! crate's root, and a namespace of functions for each format or job the
//! front ends handle themselves ([`pem`], [`kube`], [`ledger`], …).
#![no_std]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(clippy::std_instead_of_core, clippy::std_instead_of_alloc, clippy::alloc_instead_of_core)]

extern crate alloc;

mod ca;
mod cfssl;
mod error;
mod issue;
pub mod kube;
mod pki;
mod text;
#[cfg(feature = "verify")]
mod validate;

// The public interface is:
pub use crate::ca::{Ca, CaKey, Prepared};
pub use crate::cfssl::profile::{Policy, SigningConfig};
pub use crate::cfssl::request::{CaParams, CsrRequest, Validated};
pub use crate::error::{Category, Error, Result};
pub use crate::issue::certificate::{CaCert, Issued, Role, Subject, Warning};
pub use crate::pki::csr::{Csr, UnverifiedCsr};
pub use crate::pki::key::{Kdf, KeyAlgorithm, PrivateKey, PublicKey, RsaPrime, SignatureAlgorithm};
pub use crate::pki::san::San;
pub use crate::pki::time::UnixTime;

/// PEM armour (RFC 7468).
pub mod pem {
    pub use crate::pki::pem::{
        Block, CERTIFICATE, CERTIFICATE_REQUEST, EC_PRIVATE_KEY, ENCRYPTED_PRIVATE_KEY, NEW_CERTIFICATE_REQUEST,
        PRIVATE_KEY, RSA_PRIVATE_KEY, blocks, certificates, encode, first_certificate, is_pem,
    };
}

/// Untrusted text as certkit shows it: control characters and Unicode
/// bidirectional controls escaped, so a value can neither drive a terminal
/// nor display as another.
pub mod escape {
    pub use crate::text::{is_bidi_control, shown};
}

/// What the npm package needs of keys made by Web Crypto (their CSR
/// checks, their encryption by the platform), and the bounds on an
/// encrypted key's derivation ([`PrivateKey::from_bytes_within`]).
pub mod key {
    pub use crate::pki::key::{
        KeyEncryption, MAX_KDF_COST, ONLINE_KDF_COST, PBKDF2_ITERATIONS, Pbes2, StatedKey, check_pkcs8_matches,
        pkcs8_by_structure, pkcs8_public_key_matches,
    };
}

/// PKCS#10 requests built in two phases, for a key held elsewhere.
pub mod csr {
    pub use crate::pki::csr::prepare;
}

/// Signing with a key inside certkit or outside it (two phases).
pub mod signer {
    pub use crate::issue::certificate::verify_signature;
    pub use crate::pki::signer::{KeySigner, Signer, ToBeSigned, signature_from_fixed, signature_to_fixed};
}

/// PKCS#12 files (RFC 7292): a certificate, its key and chain, or a trust store.
pub mod pkcs12 {
    pub use crate::pki::pkcs12::{
        Bundle, Contents, DEFAULT_ITERATIONS, MAX_CERTIFICATES, Pbes2, Pending, Protection, build, check_bundle,
        prepare, read, trust_store,
    };
}

/// Name constraints (RFC 5280 §4.2.1.10): the lists a config or flags
/// give, checked into the subtrees a CA certificate carries.
pub mod constraints {
    pub use crate::pki::constraints::{Candidate, ConstraintLists, NameConstraints, Subtree, Violation};
}

/// Times.
pub mod time {
    pub use crate::pki::time::parse_rfc3339;
}

/// Go-style durations (`8760h`, `90d`).
pub mod duration {
    pub use crate::cfssl::duration::parse;
}

/// Default lifetimes and backdate.
pub mod validity {
    pub use crate::cfssl::validity::{DEFAULT_BACKDATE, DEFAULT_CA_EXPIRY};
}

/// certkit's JSON reading rules, for front ends' own option objects.
pub mod json {
    pub use crate::cfssl::json::{FieldError, MAX_VALUES, Object, string, value};
}

/// cfssl's certinfo.
pub mod info {
    pub use crate::cfssl::info::{CertInfo, CsrInfo, NameInfo, certificate, csr, csr_public_key, decimal, is_csr};
}

/// cfssl's key-making commands: `genkey`, `gencsr` and `gencert -initca`, `-renewca`.
pub mod generate {
    pub use crate::issue::generate::{
        Generated, csr_for_key, csr_with, key_and_csr, renewed_root, renewed_root_with, request_from_certificate,
        self_signed_ca, self_signed_ca_with,
    };
}

/// Certificate revocation lists (RFC 5280 §5).
pub mod crl {
    pub use crate::issue::crl::{Reason, Revoked, parse_serial, to_pem};
}

/// Chain verification (RFC 5280 §6): `certkit verify`, the npm `verify`,
/// `ca check`.
#[cfg(feature = "verify")]
pub mod verify {
    pub use crate::ca::chains::{ChainReport, check as check_ledger};
    pub use crate::validate::chain::{Link, MAX_PATH_LEN, Purpose, Request, Verdict, X509_CRL, verify};
}

/// A CA directory's ledger.
pub mod ledger {
    pub use crate::ca::ledger::{Corrupt, HEADER, Issued, Ledger, Record, line};
}

/// Expiry reports.
pub mod expiry {
    pub use crate::ca::expiry::{Found, certificates, status};
}

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
