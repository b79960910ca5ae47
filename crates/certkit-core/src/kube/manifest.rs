//! The CertificateSigningRequest manifest a user submits with `kubectl apply`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};

use super::{
    API_VERSION, KIND, LEGACY_UNKNOWN, MIN_EXPIRATION_SECONDS, Refusal, check_signer_rules, check_usages,
    default_usages, validate_object_name, validate_signer_name,
};
use crate::cfssl::profile::Usage;
use crate::pki::csr::Csr;
use crate::pki::key::KeyAlgorithm;
use crate::{Error, Result};

/// The object `kubectl apply -f -` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Manifest {
    pub api_version: String,
    pub kind: String,
    pub metadata: ManifestMetadata,
    pub spec: ManifestSpec,
}

/// `metadata` of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ManifestMetadata {
    pub name: String,
}

/// `spec` of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ManifestSpec {
    pub request: String,
    pub signer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_seconds: Option<u32>,
    pub usages: Vec<String>,
}

/// What a manifest should say.
#[derive(Clone, Debug, Default)]
pub struct ManifestParams {
    /// metadata.name.
    pub name: String,
    /// spec.signerName.
    pub signer_name: String,
    /// spec.usages; empty takes the signer's defaults ([`default_usages`]).
    pub usages: Vec<String>,
    /// spec.expirationSeconds (at least 600).
    pub expiration_seconds: Option<u32>,
}

/// Something a request asks for that certkit will not put in the
/// certificate, said when the request is written rather than only when it is
/// signed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestWarning {
    /// A usage the CSR's key cannot have (RFC 8813 §3 for EC keys, RFC 8410
    /// §5 for Ed25519): issuance leaves it out, with
    /// [`crate::Warning::DroppedUsage`].
    UsageLeftOut {
        /// The usage, as the request spells it.
        usage: String,
        /// The CSR's key.
        key: KeyAlgorithm,
    },
}

crate::text::display_escaped!(RequestWarning);

impl RequestWarning {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            RequestWarning::UsageLeftOut { usage, key } => write!(
                f,
                "usages: `{usage}` will be left out of the certificate: {key} keys cannot have it (RFC 5480/8813, RFC 8410); drop it from the usages to silence this"
            ),
        }
    }
}

/// The usages of `usages` that a certificate for a `key` key cannot carry,
/// by the rule issuance applies: key and data encipherment only for RSA,
/// key agreement only for EC, encipher/decipher only with key agreement.
pub fn usage_warnings(usages: &[String], key: KeyAlgorithm) -> Vec<RequestWarning> {
    use x509_cert::ext::pkix::KeyUsages;
    let agreement = key.can_agree() && usages.iter().any(|u| u == "key agreement");
    usages
        .iter()
        .filter(|u| match Usage::from_cfssl(u) {
            Some(Usage::Key(KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment)) => !key.can_encipher(),
            Some(Usage::Key(KeyUsages::KeyAgreement)) => !key.can_agree(),
            Some(Usage::Key(KeyUsages::EncipherOnly | KeyUsages::DecipherOnly)) => !agreement,
            _ => false,
        })
        .map(|u| RequestWarning::UsageLeftOut { usage: u.clone(), key })
        .collect()
}

/// Writes the CertificateSigningRequest for `csr_pem`, after checking the
/// CSR, the name, the signer, the usages and, for built-in signers, the
/// signer's rules, so a request Kubernetes would refuse is caught here.
pub fn manifest(csr_pem: &[u8], params: &ManifestParams, what: &str) -> Result<Manifest> {
    manifest_with_warnings(csr_pem, params, what).map(|(m, _)| m)
}

/// [`manifest`], with what the request asks for that the certificate will
/// not have ([`usage_warnings`]).
pub fn manifest_with_warnings(
    csr_pem: &[u8],
    params: &ManifestParams,
    what: &str,
) -> Result<(Manifest, Vec<RequestWarning>)> {
    let csr = Csr::parse(csr_pem, what)?;
    validate_object_name(&params.name, "name")?;
    validate_signer_name(&params.signer_name, "signerName")?;
    if params.signer_name == LEGACY_UNKNOWN {
        return Err(Error::Config { field: "signerName".into(), reason: Refusal::LegacyUnknown.to_string() });
    }
    if let Some(s) = params.expiration_seconds
        && (s < MIN_EXPIRATION_SECONDS || s > i32::MAX as u32)
    {
        return Err(Error::Config {
            field: "expirationSeconds".into(),
            reason: alloc::format!("{s} is outside Kubernetes' range of {MIN_EXPIRATION_SECONDS} to {}", i32::MAX),
        });
    }
    let usages = if params.usages.is_empty() {
        default_usages(&params.signer_name, csr.public_key().algorithm())
    } else {
        params.usages.clone()
    };
    check_usages(&usages, "usages")?;
    check_signer_rules(&params.signer_name, &csr, &usages)
        .map_err(|rule| Error::Config { field: "signerName".into(), reason: rule.to_string() })?;
    let warnings = usage_warnings(&usages, csr.public_key().algorithm());
    let manifest = Manifest {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        metadata: ManifestMetadata { name: params.name.clone() },
        spec: ManifestSpec {
            request: Base64::encode_string(csr.to_pem().as_bytes()),
            signer_name: params.signer_name.clone(),
            expiration_seconds: params.expiration_seconds,
            usages,
        },
    };
    Ok((manifest, warnings))
}
