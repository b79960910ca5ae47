//! cfssl's key-making commands as functions: `genkey` (a key and a CSR) and
//! `gencert -initca` (a key, a CSR and a self-signed CA certificate).
//! The CLI, the wasm package and the web page all call these.

use alloc::string::String;
use alloc::vec::Vec;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::cfssl::profile::Policy;
use crate::cfssl::request::Validated;
use crate::issue::certificate::{self as issue, CaCert, Issued, Issuer, Role, Subject, Warning};
use crate::pki::csr;
use crate::pki::key::{PrivateKey, PublicKey};
use crate::pki::pem;
use crate::pki::signer::{KeySigner, Signer, ToBeSigned};
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// A new key and its CSR.
#[derive(Debug)]
pub struct Generated {
    /// The private key.
    pub key: PrivateKey,
    /// The CSR's DER.
    pub csr_der: Vec<u8>,
}

impl Generated {
    /// The CSR as PEM.
    pub fn csr_pem(&self) -> String {
        pem::encode(pem::CERTIFICATE_REQUEST, &self.csr_der)
    }

    /// The key as PKCS#8 PEM.
    pub fn key_pem(&self) -> Result<Zeroizing<String>> {
        self.key.to_pkcs8_pem()
    }
}

/// `genkey`: makes the key the request names and a CSR for it.
pub fn key_and_csr<R: CryptoRng + ?Sized>(req: &Validated, rng: &mut R) -> Result<Generated> {
    let key = PrivateKey::generate(req.key, rng)?;
    csr_for_key(req, key, rng)
}

/// A CSR for an existing key.
pub fn csr_for_key<R: CryptoRng + ?Sized>(req: &Validated, key: PrivateKey, rng: &mut R) -> Result<Generated> {
    let csr_der = csr_with(req, &mut KeySigner::new(&key, rng))?;
    Ok(Generated { key, csr_der })
}

/// A CSR for a key certkit does not hold (a hardware token's): `signer`
/// signs it; certkit sees the to-be-signed bytes and the signature only.
pub fn csr_with<S: Signer + ?Sized>(req: &Validated, signer: &mut S) -> Result<Vec<u8>> {
    let ca = req.ca.as_ref().map(|c| c.path_len);
    csr::build(&req.subject, &req.sans, ca, signer)
}

/// `gencert -initca`: a self-signed CA from a validated CA request
/// (cfssl's CA policy: `cert sign` + `crl sign`, 43800h unless `ca.expiry`).
pub fn self_signed_ca<R: CryptoRng + ?Sized>(
    req: &Validated,
    generated: &Generated,
    now: UnixTime,
    rng: &mut R,
) -> Result<Issued> {
    let (tbs, warnings, profile) = self_signed_tbs(req, generated.key.public_key(), now, rng)?;
    let der = tbs.sign_with(&mut KeySigner::new(&generated.key, rng))?;
    Ok(Issued { der, warnings, role: Role::Root, profile })
}

/// [`self_signed_ca`] for a key certkit does not hold: `signer` signs the
/// certificate (its signature verified before the certificate is made).
pub fn self_signed_ca_with<S: Signer + ?Sized, R: CryptoRng + ?Sized>(
    req: &Validated,
    signer: &mut S,
    now: UnixTime,
    rng: &mut R,
) -> Result<Issued> {
    let (tbs, warnings, profile) = self_signed_tbs(req, signer.public_key(), now, rng)?;
    Ok(Issued { der: tbs.sign_with(signer)?, warnings, role: Role::Root, profile })
}

/// The to-be-signed root certificate of a CA request, for `key`.
fn self_signed_tbs<R: CryptoRng + ?Sized>(
    req: &Validated,
    key: &PublicKey,
    now: UnixTime,
    rng: &mut R,
) -> Result<(ToBeSigned, Vec<Warning>, String)> {
    let ca = req.ca.clone().unwrap_or(crate::cfssl::request::CaParams {
        path_len: None,
        expiry: crate::cfssl::validity::DEFAULT_CA_EXPIRY,
        backdate: crate::cfssl::validity::DEFAULT_BACKDATE,
    });
    let policy = Policy::root_ca(ca.expiry, ca.backdate, ca.path_len);
    let subject = Subject {
        name: req.subject.clone(),
        sans: Vec::new(),
        public_key: key.clone(),
        requested_ca: None,
        requested_extensions: Vec::new(),
    };
    let (tbs, warnings) = issue::prepare(&subject, &policy, Issuer::SelfSigned, key, now, rng)?;
    Ok((tbs, warnings, policy.name))
}

/// cfssl's `gencert -renewca`: a root CA's certificate made again with its
/// own key — the same subject and pathLenConstraint, valid from now for as
/// long as the old certificate was. What the old certificate signed stays
/// valid under the new one (same name, same key). An intermediate is
/// refused: its parent renews it.
pub fn renewed_root<R: CryptoRng + ?Sized>(ca: &CaCert, key: PrivateKey, now: UnixTime, rng: &mut R) -> Result<Issued> {
    let req = renewal_request(ca, key.public_key())?;
    let (tbs, warnings, profile) = self_signed_tbs(&req, key.public_key(), now, rng)?;
    let der = tbs.sign_with(&mut KeySigner::new(&key, rng))?;
    Ok(Issued { der, warnings, role: Role::Root, profile })
}

/// [`renewed_root`] for a key certkit does not hold.
pub fn renewed_root_with<S: Signer + ?Sized, R: CryptoRng + ?Sized>(
    ca: &CaCert,
    signer: &mut S,
    now: UnixTime,
    rng: &mut R,
) -> Result<Issued> {
    let req = renewal_request(ca, signer.public_key())?;
    self_signed_ca_with(&req, signer, now, rng)
}

/// The request a root's renewal repeats: its subject, key and pathlen, its lifetime.
fn renewal_request(ca: &CaCert, key: &PublicKey) -> Result<Validated> {
    if !ca.is_self_issued() {
        return Err(Error::NotARoot);
    }
    ca.check_key(key)?;
    Ok(Validated {
        subject: ca.subject().clone(),
        sans: Vec::new(),
        key: key.algorithm(),
        ca: Some(crate::cfssl::request::CaParams {
            path_len: ca.path_len(),
            expiry: ca.lifetime(),
            backdate: crate::cfssl::validity::DEFAULT_BACKDATE,
        }),
    })
}
