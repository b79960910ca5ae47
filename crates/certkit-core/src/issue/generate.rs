//! cfssl's key-making commands as functions: `genkey` (a key and a CSR) and
//! `gencert -initca` (a key, a CSR and a self-signed CA certificate).
//! The CLI, the wasm package and the web page all call these.

use alloc::string::String;
use alloc::vec::Vec;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::cfssl::profile::Policy;
use crate::cfssl::request::Validated;
use crate::issue::certificate::{self as issue, CaCert, Issued, Issuer, Role, Subject};
use crate::pki::csr;
use crate::pki::key::PrivateKey;
use crate::pki::pem;
use crate::pki::signer::KeySigner;
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
    let ca = req.ca.as_ref().map(|c| c.path_len);
    let csr_der = csr::build(&req.subject, &req.sans, ca, &mut KeySigner::new(&key, rng))?;
    Ok(Generated { key, csr_der })
}

/// `gencert -initca`: a self-signed CA from a validated CA request
/// (cfssl's CA policy: `cert sign` + `crl sign`, 43800h unless `ca.expiry`).
pub fn self_signed_ca<R: CryptoRng + ?Sized>(
    req: &Validated,
    generated: &Generated,
    now: UnixTime,
    rng: &mut R,
) -> Result<Issued> {
    let ca = req.ca.clone().unwrap_or(crate::cfssl::request::CaParams {
        path_len: None,
        expiry: crate::cfssl::validity::DEFAULT_CA_EXPIRY,
        backdate: crate::cfssl::validity::DEFAULT_BACKDATE,
    });
    let policy = Policy::root_ca(ca.expiry, ca.backdate, ca.path_len);
    let subject = Subject {
        name: req.subject.clone(),
        sans: Vec::new(),
        public_key: generated.key.public_key().clone(),
        requested_ca: None,
    };
    let (tbs, warnings) = issue::prepare(&subject, &policy, Issuer::SelfSigned, generated.key.public_key(), now, rng)?;
    let der = tbs.sign_with(&mut KeySigner::new(&generated.key, rng))?;
    Ok(Issued { der, warnings, role: Role::Root, profile: policy.name })
}

/// cfssl's `gencert -renewca`: a root CA's certificate made again with its
/// own key — the same subject and pathLenConstraint, valid from now for as
/// long as the old certificate was. What the old certificate signed stays
/// valid under the new one (same name, same key). An intermediate is
/// refused: its parent renews it.
pub fn renewed_root<R: CryptoRng + ?Sized>(ca: &CaCert, key: PrivateKey, now: UnixTime, rng: &mut R) -> Result<Issued> {
    if !ca.is_self_issued() {
        return Err(Error::NotARoot);
    }
    ca.check_key(key.public_key())?;
    let req = Validated {
        subject: ca.subject().clone(),
        sans: Vec::new(),
        key: key.public_key().algorithm(),
        ca: Some(crate::cfssl::request::CaParams {
            path_len: ca.path_len(),
            expiry: ca.lifetime(),
            backdate: crate::cfssl::validity::DEFAULT_BACKDATE,
        }),
    };
    let generated = csr_for_key(&req, key, rng)?;
    self_signed_ca(&req, &generated, now, rng)
}
