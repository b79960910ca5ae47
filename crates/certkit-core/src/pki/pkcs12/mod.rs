//! PKCS#12 (RFC 7292): a certificate, its private key and the chain above
//! it in one passphrase-protected file, the form browsers, macOS, Windows
//! and Java import.
//!
//! ```text
//! PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
//! AuthenticatedSafe ::= SEQUENCE OF ContentInfo  -- id-data or id-encryptedData, each holding SafeContents
//! SafeContents ::= SEQUENCE OF SafeBag
//! SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
//! MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
//! ```
//!
//! PBES2 is the `pkcs5` crate certkit's encrypted keys use; the ciphers
//! and HMAC are RustCrypto's; the ASN.1 (`asn1`) and the key derivation of
//! Appendix B (`kdf`) are here (see `asn1` for why).
//!
//! What certkit writes:
//! 1. **Modern** (the default), as OpenSSL 3 does: the certificates in an
//!    encryptedData and the key in a pkcs8ShroudedKeyBag, both PBES2 with
//!    PBKDF2-HMAC-SHA256 and AES-256-CBC; the whole authenticated with
//!    HMAC-SHA-256 under a key derived by Appendix B with SHA-256.
//! 2. **Legacy**, for macOS before 15 and Java 8: pbeWithSHAAnd3-KeyTripleDES-CBC
//!    for both, and HMAC-SHA-1.
//! 3. The certificate and its key carry the same localKeyId (the SHA-1 of
//!    the certificate, as OpenSSL) and, if given, the same friendlyName.
//! 4. Nothing is written for a key that is not the certificate's, or a
//!    chain whose every certificate did not issue the one before it (its
//!    subject is the issuer's name and its key verifies the signature).
//! 5. A trust store (certificates only) marks each certificate trusted for
//!    any purpose with Oracle's trustedKeyUsage attribute, without which
//!    Java ignores a certificate that has no key.
//!
//! What certkit reads: every file OpenSSL 1.x and 3 and Java write (PBES2,
//! pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC and
//! 128-bit RC2; HMAC with SHA-1 or SHA-2). The input is size-checked
//! first; the MAC is verified before anything is decrypted, so a wrong
//! passphrase and a damaged file are told apart from a bad key inside;
//! iteration counts are bounded as for encrypted keys; nested SafeContents
//! and more than one key are refused rather than walked.

mod asn1;
mod kdf;
mod pfx;

pub use pfx::{
    Bundle, Contents, DEFAULT_ITERATIONS, MAX_CERTIFICATES, Pbes2, Pending, Protection, build, check_bundle, prepare,
    read, trust_store,
};
