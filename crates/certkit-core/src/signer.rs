//! Signing of X.509 structures, with the key inside certkit or outside it.
//!
//! A certificate, a CSR and a CRL share one shape (RFC 5280 §4.1.1.1,
//! RFC 2986 §4.2):
//!
//! ```text
//! Signed ::= SEQUENCE {
//!     toBeSigned          ANY,            -- TBSCertificate, CertificationRequestInfo
//!     signatureAlgorithm  AlgorithmIdentifier,
//!     signature           BIT STRING }
//! ```
//!
//! certkit builds the to-be-signed bytes, hands them to a [`Signer`] — a key
//! certkit holds ([`KeySigner`]), or an HSM, a cloud KMS or the browser's
//! Web Crypto, which see only those bytes — and assembles the result with
//! [`ToBeSigned::assemble`]. An asynchronous signer takes
//! [`ToBeSigned::bytes`] out and brings the signature back to `assemble`.
//! Every signature is verified against the signer's public key before the
//! structure is returned, so a faulty signer (or a fault attack on RSA-CRT)
//! never produces a certificate.

use alloc::vec::Vec;

use der::asn1::{AnyRef, BitString};
use der::{Decode, Encode, Sequence};
use rand_core::CryptoRng;
use spki::AlgorithmIdentifierOwned;

use crate::key::{PrivateKey, PublicKey, SignatureAlgorithm};
use crate::{Error, Result};

/// Something that signs to-be-signed bytes.
pub trait Signer {
    /// The public key the signatures verify with.
    fn public_key(&self) -> &PublicKey;
    /// The algorithm the signatures are made with.
    fn signature_algorithm(&self) -> SignatureAlgorithm;
    /// Signs `tbs`, returning the signature BIT STRING's contents.
    fn sign(&mut self, tbs: &[u8]) -> Result<Vec<u8>>;
}

/// A [`PrivateKey`] and the random generator that blinds RSA operations.
pub struct KeySigner<'a, R: CryptoRng + ?Sized> {
    key: &'a PrivateKey,
    rng: &'a mut R,
}

impl<R: CryptoRng + ?Sized> core::fmt::Debug for KeySigner<'_, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeySigner").field("key", &self.key).finish()
    }
}

impl<'a, R: CryptoRng + ?Sized> KeySigner<'a, R> {
    /// Signs with `key`.
    pub fn new(key: &'a PrivateKey, rng: &'a mut R) -> Self {
        KeySigner { key, rng }
    }
}

impl<R: CryptoRng + ?Sized> Signer for KeySigner<'_, R> {
    fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }
    fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.key.signature_algorithm()
    }
    fn sign(&mut self, tbs: &[u8]) -> Result<Vec<u8>> {
        self.key.sign(tbs, self.rng)
    }
}

/// To-be-signed bytes, waiting for their signature.
#[derive(Debug, Clone)]
pub struct ToBeSigned {
    tbs: Vec<u8>,
    alg: SignatureAlgorithm,
    key: PublicKey,
}

#[derive(Sequence)]
struct Signed<'a> {
    tbs: AnyRef<'a>,
    alg: AlgorithmIdentifierOwned,
    sig: BitString,
}

impl ToBeSigned {
    pub(crate) fn new(tbs: Vec<u8>, alg: SignatureAlgorithm, key: PublicKey) -> Self {
        ToBeSigned { tbs, alg, key }
    }

    /// The DER bytes to sign.
    pub fn bytes(&self) -> &[u8] {
        &self.tbs
    }

    /// The algorithm the signature must be made with.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.alg
    }

    /// Verifies `signature` with the signer's public key and returns the DER
    /// of the signed structure.
    pub fn assemble(self, signature: &[u8]) -> Result<Vec<u8>> {
        self.key.verify(self.alg, &self.tbs, signature).map_err(|_| Error::Crypto {
            op: "signing",
            detail: "the signer's signature does not verify with its public key (wrong key or faulty signer)".into(),
        })?;
        let enc = |e: der::Error| Error::Crypto {
            op: "encoding the signed structure",
            detail: alloc::string::ToString::to_string(&e),
        };
        let signed = Signed {
            tbs: AnyRef::from_der(&self.tbs).map_err(enc)?,
            alg: self.alg.identifier(),
            sig: PublicKey::bit_string(signature)?,
        };
        signed.to_der().map_err(enc)
    }

    /// Signs with `signer` and assembles.
    pub fn sign_with<S: Signer + ?Sized>(self, signer: &mut S) -> Result<Vec<u8>> {
        let sig = signer.sign(&self.tbs)?;
        self.assemble(&sig)
    }
}

/// The raw parts of a signed structure, before its contents are trusted.
pub(crate) struct RawSigned {
    pub tbs: Vec<u8>,
    pub alg: AlgorithmIdentifierOwned,
    pub sig: Vec<u8>,
}

/// Splits DER of a signed structure into its to-be-signed bytes, algorithm
/// and signature, refusing trailing data and non-DER encodings. DER has one
/// encoding per value, so the to-be-signed element re-encodes to exactly the
/// bytes of the input.
pub(crate) fn split_signed(der: &[u8], what: &str) -> Result<RawSigned> {
    let bad = |e: der::Error| Error::Der {
        what: alloc::string::ToString::to_string(what),
        detail: alloc::string::ToString::to_string(&e),
    };
    let signed = Signed::from_der(der).map_err(bad)?;
    let sig = signed.sig.as_bytes().ok_or_else(|| Error::Der {
        what: alloc::string::ToString::to_string(what),
        detail: "the signature BIT STRING has unused bits".into(),
    })?;
    Ok(RawSigned { tbs: signed.tbs.to_der().map_err(bad)?, alg: signed.alg, sig: sig.to_vec() })
}
