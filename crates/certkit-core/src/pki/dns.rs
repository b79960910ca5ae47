//! DNS names and labels: RFC 1123 §2.1 host names (what a certificate's
//! dNSName holds, RFC 5280 §4.2.1.6) and Kubernetes' DNS-1123 subdomains
//! (object names, signerNames). One label rule serves both:
//!
//! 1. A label is not empty (`..`, a leading dot), and a host name's label
//!    is at most 63 octets (RFC 1035 §2.3.4; Kubernetes' `IsDNS1123Subdomain`
//!    limits only the whole name).
//! 2. It holds letters, digits and `-` only — lowercase letters only for
//!    Kubernetes, which compares names byte for byte.
//! 3. It neither starts nor ends with `-`.
//!
//! A whole name is at most 253 octets. What is particular to certificates
//! (wildcards, the CA/B Forum's ban on `_`, a last label that is all
//! digits) lives in [`crate::pki::san`]. Kubernetes' own name rules are
//! here too (object names, the `DOMAIN/PATH` form of a signerName, names
//! used as file names), so the signing config can check a profile's
//! `signer_name` without depending on the Kubernetes layer.

use alloc::string::String;

use crate::{Error, Result};

/// Which letters a label may hold (rule 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Upper and lower case: a host name (DNS is case-insensitive).
    Any,
    /// Lower case only: a Kubernetes DNS-1123 name.
    Lower,
}

/// The longest name, in octets.
pub const MAX_NAME: usize = 253;
/// The longest label, in octets (rule 1).
pub const MAX_LABEL: usize = 63;

/// Why `label` breaks rules 1–3, or `None` when it follows them.
pub fn label_fault(label: &str, case: Case) -> Option<&'static str> {
    if label.is_empty() {
        return Some("a DNS name cannot have an empty label (`..`, or a leading dot)");
    }
    if case == Case::Any && label.len() > MAX_LABEL {
        return Some("a DNS label is at most 63 characters");
    }
    let letter = |b: u8| match case {
        Case::Any => b.is_ascii_alphabetic(),
        Case::Lower => b.is_ascii_lowercase(),
    };
    if !label.bytes().all(|b| letter(b) || b.is_ascii_digit() || b == b'-') {
        return Some(match case {
            Case::Any => "a DNS label may hold only letters, digits and hyphens",
            Case::Lower => "a DNS label may hold only lowercase letters, digits and hyphens",
        });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some("a DNS label cannot start or end with a hyphen");
    }
    None
}

/// A Kubernetes DNS-1123 subdomain (`IsDNS1123Subdomain`): lowercase labels
/// joined by `.`, at most 253 octets.
pub fn is_subdomain(s: &str) -> bool {
    s.len() <= MAX_NAME && s.split('.').all(|l| label_fault(l, Case::Lower).is_none())
}

// Kubernetes' names. Each takes the field it checks (`signerName`,
// `metadata.name`), which the error names in front of the reason.

/// Checks a signerName: `<fully qualified domain>/<path>`, as the API server
/// requires (a DNS-1123 subdomain of at most 253 characters, a slash, and a
/// path of at most 253 characters in total). The reason names the value,
/// not the field: callers put the field in front (`signerName: `x` has no
/// `/`; …`).
pub fn validate_signer_name(name: &str, field: &str) -> Result<()> {
    let refuse = |reason: String| Err(Error::Config { field: field.into(), reason });
    // Kubernetes' ValidateSignerName: DOMAIN/PATH with exactly one `/`; the
    // domain a DNS-1123 subdomain with a dot; each `.`-separated part of the
    // path a DNS-1123 subdomain too.
    let fix = "write it as DOMAIN/NAME, like \"example.com/serving\"";
    let shown = crate::text::excerpt(name, 100);
    let Some((domain, path)) = name.split_once('/') else {
        return refuse(alloc::format!("`{shown}` has no `/`; {fix}"));
    };
    if path.contains('/') {
        return refuse(alloc::format!("`{shown}` has more than one `/`; {fix}"));
    }
    if path.is_empty() || domain.len() > 253 || path.len() > 317 {
        return refuse(alloc::format!("`{shown}` has an empty or too long name after `/`; {fix}"));
    }
    if !domain.contains('.') || !is_subdomain(domain) {
        return refuse(alloc::format!("`{shown}` must start with a lowercase fully qualified domain; {fix}"));
    }
    if !is_subdomain(path) {
        return refuse(alloc::format!(
            "`{shown}`: the part after `/` may hold only lowercase letters, digits, `-` and `.`; {fix}"
        ));
    }
    Ok(())
}

/// Checks that a name can be a file name and a URL path segment (Kubernetes
/// requires no more of a CertificateSigningRequest's name): not empty, not
/// `.` or `..`, no `/`, `\\`, `%` or control characters.
pub fn validate_path_name(name: &str, field: &str) -> Result<()> {
    if name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > 253
        || name.chars().any(|c| matches!(c, '/' | '\\' | '%') || c.is_control())
    {
        return Err(Error::Config {
            field: field.into(),
            reason: alloc::format!(
                "`{}` cannot be used as a file name or URL path segment",
                crate::text::excerpt(name, 100)
            ),
        });
    }
    Ok(())
}

/// Checks an object name: a DNS-1123 subdomain (lowercase letters, digits,
/// `-` and `.`, at most 253 characters). As for [`validate_signer_name`], the
/// reason names the value and callers add the field.
pub fn validate_object_name(name: &str, field: &str) -> Result<()> {
    if is_subdomain(name) {
        Ok(())
    } else {
        Err(Error::Config {
            field: field.into(),
            reason: alloc::format!(
                "`{}` is not a lowercase RFC 1123 subdomain, as Kubernetes requires: use lowercase letters, digits, `-` and `.`, each part starting and ending with a letter or digit (at most 253 characters), like \"my-svc.my-namespace\"",
                crate::text::excerpt(name, 100)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_label_rule_for_hosts_and_kubernetes_names() {
        for ok in ["a", "my-svc", "x1", "0"] {
            assert_eq!(label_fault(ok, Case::Lower), None, "{ok}");
        }
        assert_eq!(label_fault("Web", Case::Any), None);
        assert!(label_fault("Web", Case::Lower).unwrap().contains("lowercase"));
        for bad in ["", "-a", "a-", "a_b", "a b"] {
            assert!(label_fault(bad, Case::Any).is_some(), "{bad}");
            assert!(label_fault(bad, Case::Lower).is_some(), "{bad}");
        }
        // 63 octets bound a host name's label, not a Kubernetes name's.
        assert!(label_fault(&"a".repeat(64), Case::Any).is_some());
        assert!(is_subdomain(&alloc::format!("{}.example", "a".repeat(64))));
        assert!(is_subdomain("my-svc.my-namespace"));
        for bad in ["", "My-svc", "a..b", ".a", "a.", &"a.".repeat(127)] {
            assert!(!is_subdomain(bad), "{bad}");
        }
    }
}
