//! Chain verification: RFC 5280 §6 path validation by rustls-webpki, with
//! the core's own signature algorithms plugged in, and the checks certkit
//! adds beside it (documented in `chain`).

pub mod algorithms;
pub mod chain;
