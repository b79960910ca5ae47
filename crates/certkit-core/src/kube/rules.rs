//! The rules of Kubernetes' built-in signers, and the usages each expects
//! (see the module documentation of [`crate::kube`]).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use x509_cert::name::Name;

use super::{
    KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING, LEGACY_UNKNOWN, validate_signer_name,
};
use crate::cfssl::profile::Usage;
use crate::pki::csr::Csr;
use crate::pki::key::KeyAlgorithm;
use crate::pki::san::San;
use crate::{Error, Result};

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
    /// A name of the CSR lies outside the name constraints of the CA or
    /// of a certificate above it.
    NameConstraints {
        /// The core's message, naming the name, the constraint and the CA.
        why: String,
    },
}

crate::text::display_escaped!(Refusal);

impl Refusal {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
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
            Refusal::NameConstraints { why } => f.write_str(why),
        }
    }
}

pub(super) fn check_usages(usages: &[String], field: &str) -> Result<Vec<Usage>> {
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
    signer_rules(signer, csr.subject(), csr.sans(), usages)
}

/// [`check_signer_rules`] on what the rules read of a CSR: its subject and
/// its subjectAltNames.
pub(super) fn signer_rules(
    signer: &str,
    subject: &Name,
    sans: &[San],
    usages: &[String],
) -> core::result::Result<(), Refusal> {
    // Kubernetes' own checks and messages (pkg/apis/certificates/v1
    // helpers.go, pkg/controller/certificates/signer), in its order.
    let rule = |r: &str| Refusal::SignerRule { signer: signer.to_string(), rule: r.to_string() };
    let set: Vec<&str> = usages.iter().map(String::as_str).collect();
    // The same set of usages, repeats aside (without a sort, whose code
    // the page's module would carry).
    let same = |want: &[&str]| want.iter().all(|w| set.contains(w)) && set.iter().all(|u| want.contains(u));
    let f = crate::pki::name::fields(subject);
    let organization_is_nodes = f.organization == ["system:nodes"];
    let cn_is_node = f.common_name.starts_with("system:node:");
    let has = |pred: fn(&San) -> bool| sans.iter().any(pred);
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
