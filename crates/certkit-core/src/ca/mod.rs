//! Layer 4, the CA: its ledger of what it issued and revoked, and expiry
//! reports. Built on issuance ([`crate::issue`]).

pub mod expiry;
pub mod ledger;
