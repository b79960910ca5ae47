//! Signing one object with a [`Ca`]: the profile that serves its signer,
//! narrowed to its usages and `expirationSeconds`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use base64ct::{Base64, Encoding};
use rand_core::CryptoRng;
use serde_json::Value;

use super::{MIN_EXPIRATION_SECONDS, ObjectView, Refusal, approval, check_signer_rules, check_usages, object_name};
use crate::ca::{Ca, CaKey};
use crate::cfssl::profile::{Policy, Usage};
use crate::issue::certificate::{Issued, Role, Subject};
use crate::pki::csr::Csr;
use crate::pki::pem;
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// How to sign objects.
#[derive(Debug)]
pub struct SignParams<'a> {
    /// The profile asked for (`-profile`); else the one naming the signer.
    pub profile: Option<&'a str>,
    /// Sign objects that carry no Approved condition.
    pub allow_unapproved: bool,
}

/// The outcome for one object.
#[derive(Debug)]
pub enum Outcome {
    /// Signed.
    Signed {
        /// The object with `status.certificate` set.
        object: Value,
        /// The certificate (for the CA's ledger), its profile and warnings.
        issued: Issued,
        /// The CSR's DER.
        csr_der: Vec<u8>,
    },
    /// Refused, with the reason.
    Refused(Refusal),
}

impl<K: CaKey> Ca<K> {
    /// Signs one Kubernetes object (see the module documentation). Errors
    /// are problems with the object's contents (an invalid CSR, bad
    /// usages); [`Outcome::Refused`] is a decision not to sign.
    /// `status.certificate` holds the certificate and [`Ca::chain`].
    pub fn sign_kube_object<R: CryptoRng + ?Sized>(
        &self,
        object: Value,
        params: &SignParams<'_>,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Outcome> {
        sign(self, object, params, now, rng)
    }
}

fn sign<K: CaKey, R: CryptoRng + ?Sized>(
    ca: &Ca<K>,
    mut object: Value,
    params: &SignParams<'_>,
    now: UnixTime,
    rng: &mut R,
) -> Result<Outcome> {
    // Messages name the field, not the object: the caller knows which
    // object it passed, and says so once.
    let view: ObjectView = serde_json::from_value(object.clone())
        .map_err(|e| Error::Json { detail: e.to_string() }.in_input("the object"))?;
    if let Err(r) = approval(&object_name(&object), &view, params.allow_unapproved) {
        return Ok(Outcome::Refused(r));
    }
    let signer_name = view.spec.signer_name.as_str();
    let base = match params.profile {
        Some(p) => {
            let policy = ca.config().profile(Some(p))?;
            if policy.signer_name.as_deref() != Some(signer_name) {
                return Ok(Outcome::Refused(Refusal::NoProfile {
                    signer: signer_name.into(),
                    profile: Some(p.into()),
                }));
            }
            policy
        }
        None => match ca.config().profiles_for_signer(signer_name).first() {
            Some(p) => p,
            None => return Ok(Outcome::Refused(Refusal::NoProfile { signer: signer_name.into(), profile: None })),
        },
    };
    let pem_bytes = Base64::decode_vec(view.spec.request.trim()).map_err(|_| Error::Config {
        field: "spec.request".into(),
        reason: "is not base64; it must be the base64 of the PEM CSR".into(),
    })?;
    let request_what = String::from("spec.request");
    // Kubernetes' ParseCSR: PEM whose first block is a CERTIFICATE REQUEST.
    let first = pem::blocks(&pem_bytes, &request_what)?;
    if first.first().map(|b| b.label.as_str()) != Some(pem::CERTIFICATE_REQUEST) {
        return Err(Error::Config {
            field: request_what,
            reason: "must be PEM whose first block is a CERTIFICATE REQUEST, as Kubernetes requires".into(),
        });
    }
    let csr = Csr::from_der(&first[0].der, &request_what)?;
    let usages = check_usages(&view.spec.usages, "spec.usages")?;
    if usages.is_empty() {
        return Err(Error::Config { field: "spec.usages".into(), reason: "is empty; list at least one usage".into() });
    }
    if let Err(r) = check_signer_rules(signer_name, &csr, &view.spec.usages) {
        return Ok(Outcome::Refused(r));
    }
    let policy = narrow(base, &usages, &view.spec.usages, view.spec.expiration_seconds, now)?;
    let issued = match ca.issue(&Subject::from_csr(&csr), &policy, Role::Leaf, now, rng) {
        // A decision about this object's names, not a fault of the object.
        Err(e) if matches!(e.kind(), Error::OutsideNameConstraints { .. }) => {
            return Ok(Outcome::Refused(Refusal::NameConstraints { why: e.to_string() }));
        }
        other => other?,
    };
    let cert = Base64::encode_string(ca.with_chain(issued.to_pem())?.as_bytes());
    match object.as_object_mut() {
        Some(obj) => {
            let status = obj.entry("status").or_insert_with(|| Value::Object(serde_json::Map::new()));
            if !status.is_object() {
                *status = Value::Object(serde_json::Map::new());
            }
            if let Some(s) = status.as_object_mut() {
                s.insert("certificate".into(), Value::String(cert));
            }
        }
        None => return Err(Error::Config { field: "the object".into(), reason: "is not a JSON object".into() }),
    }
    Ok(Outcome::Signed { object, issued, csr_der: csr.der().to_vec() })
}

/// The profile, restricted to the object's usages (which the profile must
/// cover) and to its `expirationSeconds`. Kubernetes' signers never issue CA
/// certificates, so neither does this path. As Kubernetes' signer does, a
/// lifetime under 8 hours runs from now (the backdate is added on top), a
/// longer one from the backdated notBefore.
fn narrow(base: &Policy, usages: &[Usage], names: &[String], expiration: Option<i64>, now: UnixTime) -> Result<Policy> {
    let mut p = base.clone();
    p.key_usage.clear();
    p.ext_key_usage.clear();
    p.is_ca = false;
    p.path_len = None;
    for (u, n) in usages.iter().zip(names) {
        let covered = match u {
            Usage::Key(k) => base.key_usage.contains(k),
            Usage::Ext(o) => base.ext_key_usage.contains(o),
        };
        if !covered {
            return Err(Error::Config {
                field: "spec.usages".into(),
                reason: alloc::format!(
                    "\"{n}\" is not among the usages of profile `{}`; add it to the profile or drop it from the request",
                    base.name
                ),
            });
        }
        match u {
            Usage::Key(k) if !p.key_usage.contains(k) => p.key_usage.push(*k),
            Usage::Ext(o) if !p.ext_key_usage.contains(o) => p.ext_key_usage.push(*o),
            _ => {}
        }
    }
    if let Some(secs) = expiration {
        if secs < i64::from(MIN_EXPIRATION_SECONDS) {
            return Err(Error::Config {
                field: "spec.expirationSeconds".into(),
                reason: alloc::format!("{secs} is less than Kubernetes' minimum of {MIN_EXPIRATION_SECONDS}"),
            });
        }
        if secs > i64::from(i32::MAX) {
            return Err(Error::Config {
                field: "spec.expirationSeconds".into(),
                reason: alloc::format!("{secs} does not fit Kubernetes' int32 field"),
            });
        }
        let asked = Duration::from_secs(secs.unsigned_abs());
        let lifetime = if asked < Duration::from_secs(8 * 3600) { asked + p.backdate } else { asked };
        if lifetime < p.expiry {
            p.expiry = lifetime;
        }
        if let Some(na) = p.not_after {
            p.not_after = Some(na.min(now.saturating_add(asked)));
        }
    }
    Ok(p)
}
