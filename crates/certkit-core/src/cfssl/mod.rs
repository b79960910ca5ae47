//! Layer 2, cfssl's formats: its JSON reader rules, Go durations, the CSR
//! request JSON, the signing config (profiles, usages) and certinfo output.
//! Built on [`crate::pki`]; knows nothing of issuance, ledgers or Kubernetes.

pub mod duration;
pub mod info;
pub mod json;
pub mod profile;
pub mod request;
pub mod validity;
