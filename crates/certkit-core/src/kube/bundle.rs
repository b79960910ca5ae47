//! A trust bundle as a ConfigMap: the CA certificates a cluster's clients
//! should trust now — after `ca rotate`, the new root, the cross
//! certificate and the old root, for the overlap.
//!
//! ```text
//! apiVersion: v1
//! kind: ConfigMap
//! metadata: { name, namespace? }
//! data: { ca.crt: PEM, every certificate }
//! ```
//!
//! The same certificates may also go out as a Secret (`type: Opaque`,
//! `data: { ca.crt: base64 }`), as trust-manager's secret targets write
//! them, for workloads that may mount Secrets only.
//!
//! Rules: every certificate is a CA certificate (basicConstraints cA=TRUE);
//! those not valid at `now` (expired, or not yet valid) are left out and
//! reported; duplicates (the same DER) are kept once, at their first place;
//! the order is the caller's (the current CA first); a bundle left empty
//! is refused.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::Decode;
use serde::Serialize;
use x509_cert::Certificate;

use super::validate_object_name;
use crate::pki::pem;
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// A ConfigMap with `ca.crt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ConfigMap {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    pub data: BTreeMap<String, String>,
}

/// `metadata` with an optional namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Metadata {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// The bundle as a Secret: an `Opaque` Secret of the same name and
/// namespace whose `ca.crt` is the ConfigMap's, base64 as Secret data is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct BundleSecret {
    pub api_version: String,
    pub kind: String,
    pub metadata: Metadata,
    #[serde(rename = "type")]
    pub kind_of_secret: String,
    pub data: BTreeMap<String, String>,
}

impl ConfigMap {
    /// The same bundle as a Secret.
    pub fn as_secret(&self) -> BundleSecret {
        use base64ct::{Base64, Encoding};
        BundleSecret {
            api_version: "v1".into(),
            kind: "Secret".into(),
            metadata: self.metadata.clone(),
            kind_of_secret: "Opaque".into(),
            data: self.data.iter().map(|(k, v)| (k.clone(), Base64::encode_string(v.as_bytes()))).collect(),
        }
    }
}

/// A certificate left out of a bundle, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// Its name in messages (the input's name and its place).
    pub what: String,
    /// Its subject's CN.
    pub cn: String,
    /// Expired (true) or not yet valid (false).
    pub expired: bool,
}

/// The ConfigMap `name` (in `namespace`) holding the CA certificates of
/// `inputs` (each a PEM or DER file with its name) valid at `now`, and
/// those left out.
pub fn trust_bundle(
    name: &str,
    namespace: Option<&str>,
    inputs: &[(&[u8], &str)],
    now: UnixTime,
) -> Result<(ConfigMap, Vec<LeftOut>)> {
    validate_object_name(name, "name")?;
    if let Some(ns) = namespace {
        validate_object_name(ns, "namespace")?;
    }
    let mut kept: Vec<Vec<u8>> = Vec::new();
    let mut left_out = Vec::new();
    for (input, what) in inputs {
        let certs = pem::certificates(input, what)?;
        let many = certs.len() > 1;
        for (i, der) in certs.into_iter().enumerate() {
            let place = if many { alloc::format!("{what} (certificate {})", i + 1) } else { what.to_string() };
            let cert =
                Certificate::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(&place))?;
            let cn = crate::pki::name::fields(cert.tbs_certificate().subject()).common_name;
            if !super::secret::is_ca(&cert) {
                return Err(Error::Config {
                    field: place,
                    reason: alloc::format!(
                        "`{cn}` is not a CA certificate (no basicConstraints cA=TRUE), so a trust bundle must not hold it; give CA certificates only"
                    ),
                });
            }
            let validity = cert.tbs_certificate().validity();
            let (from, until) =
                (validity.not_before.to_unix_duration().as_secs(), validity.not_after.to_unix_duration().as_secs());
            if now.0 < from || now.0 > until {
                left_out.push(LeftOut { what: place, cn, expired: now.0 > until });
                continue;
            }
            if !kept.contains(&der) {
                kept.push(der);
            }
        }
    }
    if kept.is_empty() {
        return Err(Error::Config {
            field: "ca.crt".into(),
            reason: "no CA certificate given is valid now, so the bundle would trust nothing; give the current CA"
                .into(),
        });
    }
    let mut data = BTreeMap::new();
    data.insert("ca.crt".to_string(), kept.iter().map(|c| pem::encode(pem::CERTIFICATE, c)).collect::<String>());
    Ok((
        ConfigMap {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            metadata: Metadata { name: name.into(), namespace: namespace.map(String::from) },
            data,
        },
        left_out,
    ))
}
