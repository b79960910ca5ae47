//! Layer 3, issuance: certificates (RFC 5280 §4.1), self-signed and
//! renewed roots, and CRLs (RFC 5280 §5). Built on [`crate::pki`] and the
//! signing policy of [`crate::cfssl::profile`].

pub mod certificate;
pub mod crl;
pub mod generate;
