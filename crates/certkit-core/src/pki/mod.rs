//! Layer 1, the X.509 building blocks: PEM, OIDs, time, keys, names, SANs,
//! PKCS#10 requests and the two-phase signer. Nothing here knows cfssl's
//! JSON, a signing policy or a CA; everything above builds on it.

pub mod constraints;
pub mod csr;
pub mod dns;
pub mod key;
pub mod name;
pub mod oid;
pub mod pem;
pub mod pkcs12;
pub mod san;
pub mod signer;
pub mod time;
