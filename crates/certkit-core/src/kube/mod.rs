//! Kubernetes CertificateSigningRequest objects, `certificates.k8s.io/v1`.
//!
//! ```text
//! apiVersion: certificates.k8s.io/v1
//! kind: CertificateSigningRequest
//! metadata: { name }
//! spec:   { request: base64(PEM CSR), signerName, usages: [...], expirationSeconds (>= 600) }
//! status: { conditions: [{ type: Approved|Denied|Failed, status: "True", reason, message }],
//!           certificate: base64(PEM chain, leaf first) }
//! ```
//!
//! Three jobs, shared by the CLI, the npm package and the web page:
//!
//! * [`manifest`] writes the object a user submits with `kubectl apply`.
//! * [`check_signer_rules`] applies the rules of Kubernetes' built-in signers
//!   (docs "Certificate Signing Requests", `pkg/apis/certificates/v1`):
//!   - `kubernetes.io/kube-apiserver-client`: usages must include
//!     `client auth` and hold nothing beyond `digital signature`,
//!     `key encipherment` and `client auth`; any subject but O
//!     `system:masters` (refused at creation by Kubernetes' admission).
//!   - `kubernetes.io/kube-apiserver-client-kubelet`: subject O exactly
//!     `["system:nodes"]`; no DNS, email, IP or URI SANs; CN beginning
//!     `system:node:`; usages exactly `{digital signature, client auth}` or
//!     `{digital signature, key encipherment, client auth}`.
//!   - `kubernetes.io/kubelet-serving`: O exactly `["system:nodes"]`; at
//!     least one DNS or IP SAN; no email or URI SANs; usages exactly
//!     `{digital signature, server auth}` or
//!     `{digital signature, key encipherment, server auth}`; CN beginning
//!     `system:node:`.
//!   - `kubernetes.io/legacy-unknown`: not allowed in v1.
//!
//!   The checks run in Kubernetes' order and give its messages, so the
//!   first fault reported is the one the cluster would report.
//!
//!   Other signers follow the signing profile that names them (certkit's
//!   `signer_name` profile field), whose usages must cover `spec.usages`.
//! * [`sign`] signs one object read from `kubectl get csr -o json`: only an
//!   approved one (an `Approved` condition with status `True`, and no
//!   `Denied` or `Failed`), unless the caller allows unapproved ones for the
//!   air-gapped flow; the certificate takes its usages from `spec.usages` and
//!   its lifetime from `expirationSeconds`, capped by the profile; the object
//!   comes back unchanged but for `status.certificate`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use base64ct::{Base64, Encoding};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ca::{Ca, CaKey};
use crate::cfssl::profile::{Policy, Usage};
use crate::error::GET_CSR;
use crate::issue::certificate::{Issued, Role, Subject};
use crate::pki::csr::Csr;
use crate::pki::key::KeyAlgorithm;
use crate::pki::pem;
use crate::pki::san::San;
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// The API group and version of CertificateSigningRequest.
pub const API_VERSION: &str = "certificates.k8s.io/v1";
/// The kind.
pub const KIND: &str = "CertificateSigningRequest";
/// Signer of client certificates for the API server.
pub const KUBE_APISERVER_CLIENT: &str = "kubernetes.io/kube-apiserver-client";
/// Signer of kubelets' client certificates.
pub const KUBE_APISERVER_CLIENT_KUBELET: &str = "kubernetes.io/kube-apiserver-client-kubelet";
/// Signer of kubelets' serving certificates.
pub const KUBELET_SERVING: &str = "kubernetes.io/kubelet-serving";
/// The signer that never signs.
pub const LEGACY_UNKNOWN: &str = "kubernetes.io/legacy-unknown";
/// The shortest `expirationSeconds` Kubernetes accepts.
pub const MIN_EXPIRATION_SECONDS: u32 = 600;

pub use crate::pki::dns::{validate_object_name, validate_path_name, validate_signer_name};

/// The usages Kubernetes' own signer would ask for, by signer and key.
pub fn default_usages(signer: &str, key: KeyAlgorithm) -> Vec<String> {
    let mut u: Vec<&str> = alloc::vec!["digital signature"];
    if key.can_encipher() {
        u.push("key encipherment");
    }
    u.push(match signer {
        KUBE_APISERVER_CLIENT | KUBE_APISERVER_CLIENT_KUBELET => "client auth",
        _ => "server auth",
    });
    u.into_iter().map(String::from).collect()
}

/// Why an object cannot be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The object was denied.
    Denied {
        /// The condition's reason and message.
        why: String,
    },
    /// The object failed.
    Failed {
        /// The condition's reason and message.
        why: String,
    },
    /// The object is not approved.
    NotApproved {
        /// Its name, for the `kubectl certificate approve` to run; `NAME`
        /// when it is not a valid object name (it goes into a command line).
        name: String,
    },
    /// The object already has a certificate.
    AlreadySigned,
    /// The signer never signs (`kubernetes.io/legacy-unknown`).
    LegacyUnknown,
    /// No profile serves the object's signer.
    NoProfile {
        /// The signer.
        signer: String,
        /// The profile asked for, if any.
        profile: Option<String>,
    },
    /// The CSR breaks the signer's rules.
    SignerRule {
        /// The signer.
        signer: String,
        /// The rule broken.
        rule: String,
    },
}

impl fmt::Display for Refusal {
    /// Control characters escaped, as in [`crate::Error`]'s messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(&mut crate::text::Escaped(f))
    }
}

impl Refusal {
    fn write(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Refusal::Denied { why } => write!(f, "it was denied ({why}); it will not be signed"),
            Refusal::Failed { why } => write!(f, "it has failed ({why}); create a new request"),
            Refusal::NotApproved { name } => {
                write!(f, "it is not approved; approve it with `kubectl certificate approve {name}`")
            }
            Refusal::AlreadySigned => write!(f, "it already has a certificate in status.certificate"),
            Refusal::LegacyUnknown => write!(
                f,
                "the legacy signerName {LEGACY_UNKNOWN} is not allowed via certificates.k8s.io/v1; use another signerName"
            ),
            Refusal::NoProfile { signer, profile: Some(p) } => write!(
                f,
                "profile `{p}` does not serve signerName `{signer}`; add \"signer_name\": \"{signer}\" to it in the signing config"
            ),
            Refusal::NoProfile { signer, profile: None } => write!(
                f,
                "no profile of the signing config serves signerName `{signer}`; add \"signer_name\": \"{signer}\" to one"
            ),
            Refusal::SignerRule { signer, rule } => write!(f, "it breaks the rules of {signer}: {rule}"),
        }
    }
}

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
    /// [`issue::Warning::DroppedUsage`].
    UsageLeftOut {
        /// The usage, as the request spells it.
        usage: String,
        /// The CSR's key.
        key: KeyAlgorithm,
    },
}

impl fmt::Display for RequestWarning {
    /// Control characters escaped, as in [`crate::Error`]'s messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(&mut crate::text::Escaped(f))
    }
}

impl RequestWarning {
    fn write(&self, f: &mut impl fmt::Write) -> fmt::Result {
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

fn check_usages(usages: &[String], field: &str) -> Result<Vec<Usage>> {
    let mut out = Vec::with_capacity(usages.len());
    for (i, u) in usages.iter().enumerate() {
        // cfssl's misspelling is not one of Kubernetes' usages.
        let usage = Usage::from_cfssl(u).filter(|_| u != "content committment").ok_or_else(|| Error::UnknownUsage {
            field: alloc::format!("{field}[{i}]"),
            usage: u.clone(),
            known: &crate::cfssl::profile::USAGE_NAMES,
        })?;
        if usages[..i].contains(u) {
            return Err(Error::Config {
                field: alloc::format!("{field}[{i}]"),
                reason: alloc::format!("\"{u}\" is listed twice"),
            });
        }
        out.push(usage);
    }
    Ok(out)
}

/// Applies the rules of the built-in signer `signer` to `csr` and `usages`
/// (see the module documentation). Other signers pass.
pub fn check_signer_rules(signer: &str, csr: &Csr, usages: &[String]) -> core::result::Result<(), Refusal> {
    // Kubernetes' own checks and messages (pkg/apis/certificates/v1
    // helpers.go, pkg/controller/certificates/signer), in its order.
    let rule = |r: &str| Refusal::SignerRule { signer: signer.to_string(), rule: r.to_string() };
    let set: Vec<&str> = usages.iter().map(String::as_str).collect();
    let same = |want: &[&str]| {
        let mut unique: Vec<&str> = set.clone();
        unique.sort_unstable();
        unique.dedup();
        unique.len() == want.len() && want.iter().all(|w| unique.contains(w))
    };
    let f = crate::pki::name::fields(csr.subject());
    let organization_is_nodes = f.organization == ["system:nodes"];
    let cn_is_node = f.common_name.starts_with("system:node:");
    let has = |pred: fn(&San) -> bool| csr.sans().iter().any(pred);
    match signer {
        LEGACY_UNKNOWN => Err(Refusal::LegacyUnknown),
        KUBE_APISERVER_CLIENT => {
            if f.organization.iter().any(|o| o == "system:masters") {
                return Err(rule(
                    "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed",
                ));
            }
            for u in &set {
                if !["digital signature", "key encipherment", "client auth"].contains(u) {
                    return Err(rule(&alloc::format!(
                        "invalid usage for client certificate: {}",
                        crate::text::excerpt(u, 40)
                    )));
                }
            }
            if !set.contains(&"client auth") {
                return Err(rule("missing required usage for client certificate: client auth"));
            }
            Ok(())
        }
        KUBE_APISERVER_CLIENT_KUBELET => {
            if !organization_is_nodes {
                return Err(rule("subject organization is not system:nodes"));
            }
            if has(|s| matches!(s, San::Dns(_))) {
                return Err(rule("DNS subjectAltNames are not allowed"));
            }
            if has(|s| matches!(s, San::Email(_))) {
                return Err(rule("Email subjectAltNames are not allowed"));
            }
            if has(|s| matches!(s, San::Ip(_))) {
                return Err(rule("IP subjectAltNames are not allowed"));
            }
            if has(|s| matches!(s, San::Uri(_))) {
                return Err(rule("URI subjectAltNames are not allowed"));
            }
            if !cn_is_node {
                return Err(rule("subject common name does not begin with system:node:"));
            }
            if !(same(&["digital signature", "client auth"])
                || same(&["digital signature", "key encipherment", "client auth"]))
            {
                return Err(rule("usages did not match [client auth digital signature key encipherment]"));
            }
            Ok(())
        }
        KUBELET_SERVING => {
            if !organization_is_nodes {
                return Err(rule("subject organization is not system:nodes"));
            }
            if !has(|s| matches!(s, San::Dns(_) | San::Ip(_))) {
                return Err(rule("DNS or IP subjectAltName is required"));
            }
            if has(|s| matches!(s, San::Email(_))) {
                return Err(rule("Email subjectAltNames are not allowed"));
            }
            if has(|s| matches!(s, San::Uri(_))) {
                return Err(rule("URI subjectAltNames are not allowed"));
            }
            if !(same(&["digital signature", "server auth"])
                || same(&["digital signature", "key encipherment", "server auth"]))
            {
                return Err(rule("usages did not match [digital signature key encipherment server auth]"));
            }
            if !cn_is_node {
                return Err(rule("subject common name does not begin with system:node:"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Everything the API server and the signer check of a request, without
/// signing: the signerName's form, the usages (known, none twice, at least
/// one), and the built-in signer's rules.
pub fn check_object(signer: &str, csr: &Csr, usages: &[String]) -> Result<()> {
    validate_signer_name(signer, "signerName")?;
    if usages.is_empty() {
        return Err(Error::Config { field: "usages".into(), reason: "is empty; list at least one usage".into() });
    }
    check_usages(usages, "usages")?;
    check_signer_rules(signer, csr, usages)
        .map_err(|r| Error::Config { field: "signerName".into(), reason: r.to_string() })
}

/// The fields of an object that signing reads; everything else is kept as is.
#[derive(Clone, Debug, Default, Deserialize)]
struct ObjectView {
    #[serde(default)]
    spec: SpecView,
    #[serde(default)]
    status: StatusView,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecView {
    #[serde(default)]
    request: String,
    #[serde(default)]
    signer_name: String,
    #[serde(default)]
    usages: Vec<String>,
    #[serde(default)]
    expiration_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct StatusView {
    #[serde(default)]
    conditions: Vec<Condition>,
    #[serde(default)]
    certificate: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct Condition {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    message: String,
}

/// Refuses, before any JSON or YAML reader sees it, input that cannot be
/// `kubectl get csr` output but is often given in its place: nothing at all,
/// a PEM file (a CSR, a certificate, a key) or binary DER
/// ([`Error::NotKubeObject`], which says what the input is).
pub fn check_object_input(input: &[u8], what: &str) -> Result<()> {
    let refuse = |found: &str, csr: bool| Err(Error::NotKubeObject { found: found.into(), csr }.in_input(what));
    let first = input.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return refuse("", false);
    };
    let text = &input[first..];
    if text.starts_with(b"-----BEGIN ") {
        let label_end = text.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(text.len());
        let label = core::str::from_utf8(&text[11..label_end]).unwrap_or("").trim_end().trim_end_matches('-').trim();
        let csr = label == pem::CERTIFICATE_REQUEST || label == pem::NEW_CERTIFICATE_REQUEST;
        let label = if label.is_empty() || label.len() > 40 { "block" } else { label };
        return refuse(&alloc::format!("a PEM {label}"), csr);
    }
    if text[0] == 0x30 && core::str::from_utf8(text).is_err() {
        use der::Decode;
        return if x509_cert::request::CertReq::from_der(text).is_ok() {
            refuse("a DER certificate request", true)
        } else if x509_cert::Certificate::from_der(text).is_ok() {
            refuse("a DER certificate", false)
        } else {
            refuse("binary DER (a certificate, CSR or key)", false)
        };
    }
    Ok(())
}

/// The objects in `kubectl get csr -o json` output: one object, or the
/// items of a `List` (the flag says which). Each item is checked to be a v1
/// CertificateSigningRequest, and a List must hold at least one; `what`
/// names the input in errors.
pub fn objects(input: Value, what: &str) -> Result<(Vec<Value>, bool)> {
    if !input.is_object() {
        let found = match &input {
            Value::Null => "empty (null)",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "text (a string)",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        return Err(Error::Config {
            field: what.to_string(),
            reason: alloc::format!("holds {found}, not a Kubernetes object; {GET_CSR}"),
        });
    }
    let kind = input.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
    let is_list = kind == "List" || kind == "CertificateSigningRequestList";
    let items = if is_list {
        match input {
            Value::Object(mut m) => match m.remove("items") {
                Some(Value::Array(items)) => items,
                _ => {
                    return Err(Error::Config {
                        field: alloc::format!("{what}: items"),
                        reason: "a List must have an items array".into(),
                    });
                }
            },
            _ => Vec::new(),
        }
    } else {
        alloc::vec![input]
    };
    let mut items = items;
    if is_list && items.is_empty() {
        return Err(Error::Config {
            field: what.to_string(),
            reason: alloc::format!(
                "the {kind} is empty: it holds no CertificateSigningRequest; check the names or the label selector given to `kubectl get csr`"
            ),
        });
    }
    if kind == "CertificateSigningRequestList" {
        // The raw API's list leaves kind and apiVersion off its items.
        for item in items.iter_mut() {
            if let Some(o) = item.as_object_mut() {
                o.entry("kind").or_insert_with(|| Value::String(KIND.into()));
                o.entry("apiVersion").or_insert_with(|| Value::String(API_VERSION.into()));
            }
        }
    }
    for (i, item) in items.iter().enumerate() {
        let k = item.get("kind").and_then(Value::as_str).filter(|k| !k.is_empty()).unwrap_or("(no kind)");
        let v = item.get("apiVersion").and_then(Value::as_str).filter(|v| !v.is_empty()).unwrap_or("(no apiVersion)");
        if k != KIND || v != API_VERSION {
            let field = if is_list { alloc::format!("{what}: items[{i}]") } else { what.to_string() };
            return Err(Error::Config {
                field,
                reason: alloc::format!("is a {k} of {v}, not a {KIND} of {API_VERSION}; {GET_CSR}"),
            });
        }
    }
    Ok((items, is_list))
}

/// The name of an object (for messages).
pub fn object_name(object: &Value) -> String {
    object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("(unnamed)").to_string()
}

/// An object's name as messages show it: text from the cluster, so control
/// characters are escaped and it is cut at 100 characters (a message stays
/// one line and cannot drive a terminal).
pub fn shown_name(object: &Value) -> String {
    crate::text::excerpt(&object_name(object), 100)
}

/// Whether an object may be signed: approved, not denied or failed, not
/// already signed, not for the legacy signer. `name` is the object's, for
/// the approval command a refusal suggests.
fn approval(name: &str, view: &ObjectView, allow_unapproved: bool) -> core::result::Result<(), Refusal> {
    let why = |c: &Condition| {
        let mut s = crate::text::excerpt(&c.reason, 100);
        if !c.message.is_empty() {
            if !s.is_empty() {
                s.push_str(": ");
            }
            s.push_str(&crate::text::excerpt(&c.message, 200));
        }
        if s.is_empty() { "no reason given".to_string() } else { s }
    };
    // As Kubernetes reads conditions: a Denied condition denies whatever its
    // status; Failed counts when its status is "True" or empty; Approved
    // only when it is "True".
    if let Some(c) = view.status.conditions.iter().find(|c| c.kind == "Denied") {
        return Err(Refusal::Denied { why: why(c) });
    }
    if let Some(c) =
        view.status.conditions.iter().find(|c| c.kind == "Failed" && (c.status.is_empty() || c.status == "True"))
    {
        return Err(Refusal::Failed { why: why(c) });
    }
    if !view.status.certificate.is_empty() {
        return Err(Refusal::AlreadySigned);
    }
    if view.spec.signer_name == LEGACY_UNKNOWN {
        return Err(Refusal::LegacyUnknown);
    }
    if !allow_unapproved && !view.status.conditions.iter().any(|c| c.kind == "Approved" && c.status == "True") {
        let name = if validate_object_name(name, "metadata.name").is_ok() { name } else { "NAME" };
        return Err(Refusal::NotApproved { name: name.into() });
    }
    Ok(())
}

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
    let issued = ca.issue(&Subject::from_csr(&csr), &policy, Role::Leaf, now, rng)?;
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

/// A `kubernetes.io/tls` Secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TlsSecret {
    pub api_version: String,
    pub kind: String,
    pub metadata: ManifestMetadata,
    #[serde(rename = "type")]
    pub kind_of_secret: String,
    pub data: alloc::collections::BTreeMap<String, String>,
}

/// What a `kubernetes.io/tls` Secret is made of. Each input comes with the
/// name messages give it (a file name, or "the certificate").
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretParams<'a> {
    /// metadata.name.
    pub name: &'a str,
    /// The certificate and any chain after it, PEM or DER (`tls.crt`).
    pub cert: &'a [u8],
    /// The certificate's name in messages.
    pub cert_what: &'a str,
    /// Its private key, unencrypted (`tls.key`).
    pub key: &'a [u8],
    /// The key's name in messages.
    pub key_what: &'a str,
    /// CA certificates for `ca.crt`, PEM or DER; each must be a CA.
    pub ca: Option<&'a [u8]>,
    /// The CA file's name in messages.
    pub ca_what: &'a str,
    /// Allow `tls.crt` to be a CA certificate, so that the CA's own key goes
    /// into the Secret (cert-manager's CA issuer reads one so).
    pub allow_ca_key: bool,
}

/// The Secret that holds a certificate (with its chain), its key and
/// optionally the CA certificates. Refuses a key that does not match the
/// certificate; a CA certificate as the certificate unless
/// [`SecretParams::allow_ca_key`] (its key signs certificates, and a Secret
/// shares it with everyone who may read Secrets in the namespace); and a
/// `ca.crt` that holds anything but CA certificates (basicConstraints
/// cA=TRUE, RFC 5280 §4.2.1.9), since whoever reads `ca.crt` trusts what it
/// holds to issue.
pub fn tls_secret(p: &SecretParams<'_>) -> Result<TlsSecret> {
    validate_object_name(p.name, "name")?;
    let certs = certificates_pem(p.cert, p.cert_what)?;
    let leaf_der = pem::first_certificate(p.cert, p.cert_what)?;
    let cert = <x509_cert::Certificate as der::Decode>::from_der(&leaf_der)
        .map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.cert_what))?;
    let cn = crate::pki::name::fields(cert.tbs_certificate().subject()).common_name;
    let key = crate::pki::key::PrivateKey::from_bytes(p.key, None, p.key_what)?;
    let spki = crate::pki::key::PublicKey::from_spki(cert.tbs_certificate().subject_public_key_info(), p.cert_what)?;
    if &spki != key.public_key() {
        return Err(Error::Config {
            field: p.key_what.into(),
            reason: alloc::format!(
                "this key does not belong to the certificate for `{cn}` in {}; give the key made with its CSR",
                p.cert_what
            ),
        });
    }
    if is_ca(&cert) && !p.allow_ca_key {
        return Err(Error::CaKeyInSecret { cn, key: p.key_what.into() }.in_input(p.cert_what));
    }
    // Re-encoded, so only certificates go into tls.crt and ca.crt, as PEM,
    // and the key as PKCS#8 PEM, whatever form the files had.
    let mut data = alloc::collections::BTreeMap::new();
    data.insert("tls.crt".to_string(), Base64::encode_string(certs.as_bytes()));
    data.insert("tls.key".to_string(), Base64::encode_string(key.to_pkcs8_pem()?.as_bytes()));
    if let Some(ca) = p.ca {
        let pem_text = certificates_pem(ca, p.ca_what)?;
        for (i, b) in pem::blocks(pem_text.as_bytes(), p.ca_what)?.iter().enumerate() {
            let c = <x509_cert::Certificate as der::Decode>::from_der(&b.der)
                .map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.ca_what))?;
            if !is_ca(&c) {
                let which = if i == 0 { String::new() } else { alloc::format!(" (certificate {})", i + 1) };
                return Err(Error::Config {
                    field: p.ca_what.into(),
                    reason: alloc::format!(
                        "`{}`{which} is not a CA certificate (no basicConstraints cA=TRUE), so ca.crt could not verify anything with it; give the CA that signed the certificate, like ca.pem",
                        crate::pki::name::fields(c.tbs_certificate().subject()).common_name
                    ),
                });
            }
        }
        data.insert("ca.crt".to_string(), Base64::encode_string(pem_text.as_bytes()));
    }
    Ok(TlsSecret {
        api_version: "v1".into(),
        kind: "Secret".into(),
        metadata: ManifestMetadata { name: p.name.to_string() },
        kind_of_secret: "kubernetes.io/tls".into(),
        data,
    })
}

/// Whether a certificate says it is a CA: basicConstraints with cA=TRUE
/// (RFC 5280 §4.2.1.9). An unreadable extension counts as a CA, so it is
/// never taken for a leaf.
fn is_ca(cert: &x509_cert::Certificate) -> bool {
    use der::Decode;
    cert.tbs_certificate().extensions().into_iter().flatten().any(|e| {
        e.extn_id == crate::pki::oid::BASIC_CONSTRAINTS
            && match x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()) {
                Ok(b) => b.ca,
                Err(_) => true,
            }
    })
}

/// Every certificate of a PEM or DER file, as PEM; refuses a file that
/// holds a private key, or no certificate.
fn certificates_pem(input: &[u8], what: &str) -> Result<String> {
    if !pem::is_pem(input) {
        let der = pem::first_certificate(input, what)?;
        <x509_cert::Certificate as der::Decode>::from_der(&der)
            .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        return Ok(pem::encode(pem::CERTIFICATE, &der));
    }
    let mut out = String::new();
    for b in pem::blocks(input, what)?.iter() {
        if b.label.contains("PRIVATE KEY") {
            return Err(Error::Config {
                field: what.to_string(),
                reason: "holds a private key next to the certificates; give a file with only certificates, and the key in its own file".into(),
            });
        }
        if b.label == pem::CERTIFICATE {
            <x509_cert::Certificate as der::Decode>::from_der(&b.der)
                .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
            out.push_str(&pem::encode(pem::CERTIFICATE, &b.der));
        }
    }
    if out.is_empty() {
        return Err(Error::PemLabel { found: "no certificate".into(), expected: pem::CERTIFICATE }.in_input(what));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;
    use crate::cfssl::profile::SigningConfig;
    use crate::issue::certificate::CaCert;
    use crate::pki::key::PrivateKey;
    use crate::pki::name::NameEntry;
    use crate::pki::signer::KeySigner;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    fn csr(cn: &str, o: &[&str], hosts: &[&str]) -> Csr {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let names: Vec<NameEntry> =
            o.iter().map(|o| NameEntry { organization: o.to_string(), ..Default::default() }).collect();
        let subject = crate::pki::name::build(cn, &names, "").unwrap();
        let sans = crate::pki::san::from_hosts(hosts).unwrap();
        let mut r = rng();
        Csr::from_der(&crate::pki::csr::build(&subject, &sans, None, &mut KeySigner::new(&key, &mut r)).unwrap(), "csr")
            .unwrap()
    }

    fn usages(u: &[&str]) -> Vec<String> {
        u.iter().map(|s| s.to_string()).collect()
    }

    fn rule_of(r: core::result::Result<(), Refusal>) -> String {
        match r {
            Err(Refusal::SignerRule { rule, .. }) => rule,
            other => panic!("expected a signer rule, got {other:?}"),
        }
    }

    #[test]
    fn kubelet_serving() {
        let good = csr("system:node:n1", &["system:nodes"], &["n1.example", "10.0.0.5"]);
        let u = usages(&["digital signature", "server auth"]);
        assert!(check_signer_rules(KUBELET_SERVING, &good, &u).is_ok());
        assert!(
            check_signer_rules(
                KUBELET_SERVING,
                &good,
                &usages(&["key encipherment", "digital signature", "server auth"])
            )
            .is_ok()
        );
        let cases = [
            (csr("system:node:n1", &["other"], &["n1.example"]), u.clone(), "subject organization is not system:nodes"),
            (csr("system:node:n1", &["system:nodes"], &[]), u.clone(), "DNS or IP subjectAltName is required"),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example", "a@b.example"]),
                u.clone(),
                "Email subjectAltNames",
            ),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example", "spiffe://x/y"]),
                u.clone(),
                "URI subjectAltNames",
            ),
            (good.clone(), usages(&["server auth"]), "usages did not match"),
            (csr("n1", &["system:nodes"], &["n1.example"]), u.clone(), "common name does not begin with system:node:"),
        ];
        for (c, u, want) in cases {
            let got = rule_of(check_signer_rules(KUBELET_SERVING, &c, &u));
            assert!(got.contains(want), "{got} vs {want}");
        }
    }

    #[test]
    fn kubelet_client() {
        let good = csr("system:node:n1", &["system:nodes"], &[]);
        let u = usages(&["digital signature", "client auth"]);
        assert!(check_signer_rules(KUBE_APISERVER_CLIENT_KUBELET, &good, &u).is_ok());
        let cases = [
            (csr("system:node:n1", &[], &[]), u.clone(), "subject organization is not system:nodes"),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example"]),
                u.clone(),
                "DNS subjectAltNames are not allowed",
            ),
            (csr("system:node:n1", &["system:nodes"], &["10.0.0.1"]), u.clone(), "IP subjectAltNames are not allowed"),
            (csr("node1", &["system:nodes"], &[]), u.clone(), "common name does not begin"),
            (
                good.clone(),
                usages(&["client auth"]),
                "usages did not match [client auth digital signature key encipherment]",
            ),
        ];
        for (c, u, want) in cases {
            let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT_KUBELET, &c, &u));
            assert!(got.contains(want), "{got} vs {want}");
        }
    }

    #[test]
    fn apiserver_client_and_legacy() {
        let alice = csr("alice", &["devs"], &[]);
        assert!(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["client auth"])).is_ok());
        let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["client auth", "server auth"])));
        assert_eq!(got, "invalid usage for client certificate: server auth");
        let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["digital signature"])));
        assert_eq!(got, "missing required usage for client certificate: client auth");
        let root = csr("eve", &["system:masters"], &[]);
        assert!(
            rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &root, &usages(&["client auth"])))
                .contains("system:masters")
        );
        assert_eq!(check_signer_rules(LEGACY_UNKNOWN, &alice, &usages(&["client auth"])), Err(Refusal::LegacyUnknown));
        // Custom signers follow the profile, not these rules.
        assert!(check_signer_rules("example.com/serving", &alice, &usages(&["server auth"])).is_ok());
    }

    #[test]
    fn names_and_signers() {
        assert!(validate_signer_name("example.com/serving", "s").is_ok());
        assert!(validate_signer_name("kubernetes.io/kubelet-serving", "s").is_ok());
        for bad in ["serving", "example/serving", "Example.com/x", "example.com/", "exa mple.com/x"] {
            assert!(validate_signer_name(bad, "s").is_err(), "{bad}");
        }
        assert!(validate_object_name("my-svc.my-namespace", "n").is_ok());
        for bad in ["", "My-Svc", "a..b", "-a", "a_b"] {
            assert!(validate_object_name(bad, "n").is_err(), "{bad}");
        }
    }

    const NOW: UnixTime = UnixTime(1_795_000_000);

    /// A CA (PEM, key PEM) and a leaf it signed for `example.com` (PEM, key PEM).
    fn ca_and_leaf() -> (CaCert, PrivateKey, String, String, String, String) {
        let req = crate::cfssl::request::CsrRequest::from_json(
            br#"{"CN":"Test CA","key":{"algo":"ecdsa","size":256}}"#,
            "ca",
        )
        .unwrap()
        .validate(true)
        .unwrap();
        let g = crate::issue::generate::key_and_csr(&req, &mut rng()).unwrap();
        let ca_issued = crate::issue::generate::self_signed_ca(&req, &g, NOW, &mut rng()).unwrap();
        let ca = CaCert::parse(&ca_issued.der, "ca.pem").unwrap();
        let leaf_key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = Subject {
            name: crate::pki::name::build("web", &[], "").unwrap(),
            sans: crate::pki::san::from_hosts(&["web.example.com"]).unwrap(),
            public_key: leaf_key.public_key().clone(),
            requested_ca: None,
        };
        let cfg = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"24h"}}}"#,
            "config.json",
        )
        .unwrap();
        let copy = PrivateKey::from_bytes(g.key.to_pkcs8_pem().unwrap().as_bytes(), None, "ca-key.pem").unwrap();
        let leaf =
            Ca::new(ca.der(), "ca.pem", copy, cfg).unwrap().sign_subject(&subject, None, NOW, &mut rng()).unwrap();
        let ca_pem = ca.to_pem();
        let ca_key_pem = g.key.to_pkcs8_pem().unwrap().to_string();
        let leaf_pem = leaf.to_pem();
        let leaf_key_pem = leaf_key.to_pkcs8_pem().unwrap().to_string();
        (ca, g.key, ca_pem, ca_key_pem, leaf_pem, leaf_key_pem)
    }

    #[test]
    fn a_secret_refuses_a_ca_key_unless_asked_and_a_leaf_as_ca() {
        let (_, _, ca_pem, ca_key_pem, leaf_pem, leaf_key_pem) = ca_and_leaf();
        let base = SecretParams {
            name: "web-tls",
            cert: leaf_pem.as_bytes(),
            cert_what: "web.pem",
            key: leaf_key_pem.as_bytes(),
            key_what: "web-key.pem",
            ca: Some(ca_pem.as_bytes()),
            ca_what: "ca.pem",
            allow_ca_key: false,
        };
        let s = tls_secret(&base).unwrap();
        assert_eq!(s.data.keys().collect::<Vec<_>>(), ["ca.crt", "tls.crt", "tls.key"]);

        // The CA's own key in a TLS Secret: refused, naming both files and the way out.
        let as_ca = SecretParams {
            cert: ca_pem.as_bytes(),
            cert_what: "ca.pem",
            key: ca_key_pem.as_bytes(),
            key_what: "ca-key.pem",
            ca: None,
            ..base
        };
        let e = tls_secret(&as_ca).unwrap_err().to_string();
        assert!(e.starts_with("ca.pem: `Test CA` is a CA certificate, so ca-key.pem is the CA's signing key"), "{e}");
        // The flag that allows it is the CLI's hint, not the core's.
        assert!(!e.contains("--") && !e.contains('\n'), "{e}");
        assert!(tls_secret(&SecretParams { allow_ca_key: true, ..as_ca }).is_ok());

        // A leaf as ca.crt.
        let leaf_as_ca = SecretParams { ca: Some(leaf_pem.as_bytes()), ca_what: "web.pem", ..base };
        let e = tls_secret(&leaf_as_ca).unwrap_err().to_string();
        assert!(e.starts_with("web.pem: `web` is not a CA certificate"), "{e}");
        let bundle = ca_pem.clone() + &leaf_pem;
        let e = tls_secret(&SecretParams { ca: Some(bundle.as_bytes()), ca_what: "bundle.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bundle.pem: `web` (certificate 2) is not a CA certificate"), "{e}");

        // A key inside the certificate file: the file is named.
        let combined = leaf_pem.clone() + &leaf_key_pem;
        let e = tls_secret(&SecretParams { cert: combined.as_bytes(), cert_what: "combined.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("combined.pem: holds a private key"), "{e}");
        // A key of another certificate: both files named.
        let e = tls_secret(&SecretParams { key: ca_key_pem.as_bytes(), key_what: "ca-key.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("ca-key.pem: this key does not belong to the certificate for `web` in web.pem"), "{e}");
    }

    #[test]
    fn input_that_is_not_an_object_says_what_it_is() {
        let c = csr("web", &[], &["web.example.com"]);
        let pem = c.to_pem();
        let cases: [(&[u8], &str); 5] = [
            (b"", "in.json is empty; give the output of `kubectl get csr NAME -o json`"),
            (b" \n\t", "in.json is empty"),
            (
                pem.as_bytes(),
                "in.json is a PEM CERTIFICATE REQUEST, not a Kubernetes CertificateSigningRequest object; make one from it",
            ),
            (c.der(), "in.json is a DER certificate request, not a Kubernetes CertificateSigningRequest object"),
            (b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "in.json is a PEM CERTIFICATE, not a"),
        ];
        for (input, want) in cases {
            let e = check_object_input(input, "in.json").unwrap_err().to_string();
            assert!(e.starts_with(want), "{e} vs {want}");
        }
        assert!(check_object_input(b"{\"kind\":\"List\"}", "in.json").is_ok());
        assert!(check_object_input(b"apiVersion: v1\nkind: List\n", "in.json").is_ok());
    }

    #[test]
    fn objects_refuse_empty_lists_and_non_objects() {
        for list in [
            serde_json::json!({"apiVersion":"v1","kind":"List","items":[]}),
            serde_json::json!({"kind":"List","items":[]}),
        ] {
            let e = objects(list, "empty.json").unwrap_err().to_string();
            assert!(e.starts_with("empty.json: the List is empty: it holds no CertificateSigningRequest"), "{e}");
        }
        let e = objects(serde_json::json!({"kind":"CertificateSigningRequestList","items":[]}), "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the CertificateSigningRequestList is empty"), "{e}");
        let e = objects(Value::String("-----BEGIN".into()), "x.yaml").unwrap_err().to_string();
        assert!(e.starts_with("x.yaml: holds text (a string), not a Kubernetes object"), "{e}");
        // One object is named as the input, an item of a List by its index.
        let pod = serde_json::json!({"apiVersion":"v1","kind":"Pod"});
        let e = objects(pod.clone(), "pod.json").unwrap_err().to_string();
        assert!(e.starts_with("pod.json: is a Pod of v1, not a CertificateSigningRequest"), "{e}");
        let e = objects(serde_json::json!({"kind":"List","items":[pod]}), "l.json").unwrap_err().to_string();
        assert!(e.starts_with("l.json: items[0]: is a Pod of v1"), "{e}");
    }

    #[test]
    fn messages_name_each_thing_once() {
        let c = csr("web", &[], &["web.example.com"]);
        let pem = c.to_pem();
        let p = |name: &str, signer: &str| ManifestParams {
            name: name.into(),
            signer_name: signer.into(),
            ..Default::default()
        };
        let e = manifest(pem.as_bytes(), &p("My_Svc", "example.com/serving"), "csr").unwrap_err().to_string();
        assert!(e.starts_with("name: `My_Svc` is not a lowercase RFC 1123 subdomain"), "{e}");
        let e = manifest(pem.as_bytes(), &p("web", "example.com/Serving"), "csr").unwrap_err().to_string();
        assert!(e.starts_with("signerName: `example.com/Serving`: the part after `/`"), "{e}");
        assert_eq!(e.matches("signerName").count(), 1, "{e}");

        // sign() names the field, not the object: the caller names the object once.
        let (ca, ca_key, ..) = ca_and_leaf();
        let config = SigningConfig::from_json(
            br#"{"signing":{"profiles":{"s":{"usages":["digital signature","server auth"],"expiry":"24h","signer_name":"example.com/serving"}}}}"#,
            "config.json",
        )
        .unwrap();
        let ca = Ca::new(ca.der(), "ca.pem", ca_key, config).unwrap();
        let params = SignParams { profile: None, allow_unapproved: true };
        let object = serde_json::json!({
            "apiVersion": API_VERSION, "kind": KIND, "metadata": {"name": "my-svc"},
            "spec": {"request": Base64::encode_string(pem.as_bytes()), "signerName": "example.com/serving", "usages": ["code signing"]},
        });
        let e = ca.sign_kube_object(object, &params, NOW, &mut rng()).unwrap_err().to_string();
        assert!(e.starts_with("spec.usages: \"code signing\" is not among the usages of profile `s`"), "{e}");
        assert!(!e.contains("my-svc") && !e.contains(KIND), "{e}");
    }

    #[test]
    fn a_request_warns_of_usages_the_key_cannot_have() {
        let c = csr("web", &[], &["web.example.com"]);
        let params = ManifestParams {
            name: "web".into(),
            signer_name: "example.com/serving".into(),
            usages: usages(&["digital signature", "key encipherment", "server auth"]),
            ..Default::default()
        };
        let (m, warnings) = manifest_with_warnings(c.to_pem().as_bytes(), &params, "csr").unwrap();
        assert_eq!(m.spec.usages, params.usages, "the request keeps what was asked");
        assert_eq!(
            warnings,
            [RequestWarning::UsageLeftOut { usage: "key encipherment".into(), key: KeyAlgorithm::EcdsaP256 }]
        );
        let w = warnings[0].to_string();
        assert!(
            w.contains("`key encipherment` will be left out of the certificate: ECDSA P-256 keys cannot have it"),
            "{w}"
        );
        // The defaults never warn; RSA keys may encipher; EC keys may agree.
        let defaults = ManifestParams { usages: Vec::new(), ..params };
        assert!(manifest_with_warnings(c.to_pem().as_bytes(), &defaults, "csr").unwrap().1.is_empty());
        assert!(usage_warnings(&usages(&["key encipherment"]), KeyAlgorithm::Rsa(2048)).is_empty());
        assert!(usage_warnings(&usages(&["key agreement", "encipher only"]), KeyAlgorithm::EcdsaP256).is_empty());
        assert_eq!(usage_warnings(&usages(&["key agreement", "data encipherment"]), KeyAlgorithm::Ed25519).len(), 2);
    }

    #[test]
    fn manifest_round_trips_and_checks_rules_early() {
        let c = csr("system:node:n1", &["system:nodes"], &["n1.example"]);
        let p = ManifestParams { name: "n1-serving".into(), signer_name: KUBELET_SERVING.into(), ..Default::default() };
        let m = manifest(c.to_pem().as_bytes(), &p, "csr").unwrap();
        assert_eq!(m.spec.usages, ["digital signature", "server auth"]);
        let back = Base64::decode_vec(&m.spec.request).unwrap();
        assert_eq!(Csr::parse(&back, "x").unwrap().der(), c.der());
        let wrong = csr("web", &[], &["web.example"]);
        let e = manifest(wrong.to_pem().as_bytes(), &p, "csr").unwrap_err().to_string();
        assert!(e.contains("system:nodes"), "{e}");
        let short = ManifestParams { expiration_seconds: Some(60), ..p };
        assert!(manifest(c.to_pem().as_bytes(), &short, "csr").unwrap_err().to_string().contains("600"));
    }
}
