//! Reading `kubectl get csr` output: what the input is, the objects in it,
//! their names, and whether each is approved.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Deserialize;
use serde_json::Value;

use super::{API_VERSION, GET_CSR, KIND, LEGACY_UNKNOWN, Refusal, validate_object_name};
use crate::pki::pem;
use crate::{Error, Result};

/// The fields of an object that signing reads; everything else is kept as is.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ObjectView {
    #[serde(default)]
    pub(super) spec: SpecView,
    #[serde(default)]
    pub(super) status: StatusView,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SpecView {
    #[serde(default)]
    pub(super) request: String,
    #[serde(default)]
    pub(super) signer_name: String,
    #[serde(default)]
    pub(super) usages: Vec<String>,
    #[serde(default)]
    pub(super) expiration_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct StatusView {
    #[serde(default)]
    pub(super) conditions: Vec<Condition>,
    #[serde(default)]
    pub(super) certificate: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Condition {
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) reason: String,
    #[serde(default)]
    pub(super) message: String,
}

/// Refuses, before any JSON or YAML reader sees it, input that cannot be
/// `kubectl get csr` output but is often given in its place: nothing at all,
/// a PEM file (a CSR, a certificate, a key) or binary DER
/// ([`Error::NotKubeObject`], which says what the input is).
pub fn check_object_input(input: &[u8], what: &str) -> Result<()> {
    let refuse = |found: &str, csr: bool| {
        let detail = match (found, csr) {
            ("", _) => alloc::format!("is empty; {GET_CSR}"),
            (found, true) => {
                alloc::format!("is {found}, not a Kubernetes CertificateSigningRequest object; make one from it")
            }
            (found, false) => {
                alloc::format!("is {found}, not a Kubernetes CertificateSigningRequest object; {GET_CSR}")
            }
        };
        Err(Error::NotKubeObject { detail, csr }.in_input(what))
    };
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
pub(super) fn approval(name: &str, view: &ObjectView, allow_unapproved: bool) -> core::result::Result<(), Refusal> {
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
