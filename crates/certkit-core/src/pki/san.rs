//! Subject alternative names from cfssl's `hosts`, RFC 5280 §4.2.1.6.
//!
//! cfssl sorts each `hosts` entry into a SAN type in this order, and so does
//! certkit: an IP address (v4 or v6) becomes an iPAddress; a mail address
//! (`local@domain`) an rfc822Name; a URI with a scheme (`spiffe://…`,
//! `https://…`, `urn:…`) a uniformResourceIdentifier; anything else a
//! dNSName. Unlike cfssl, each entry is then validated, and a bad one is
//! refused by its index:
//!
//! * a dNSName must be a "preferred name syntax" host name (RFC 1123 §2.1,
//!   RFC 5280 §4.2.1.6): labels of 1–63 letters, digits and hyphens, not
//!   starting or ending with a hyphen, 253 characters at most; the only
//!   wildcard allowed is a whole leftmost label `*.` (CA/B Forum BR §7.1.4.2);
//!   underscores are refused (BR §7.1.4.2.1); internationalised names must
//!   be given in their A-label (`xn--`) form.
//! * an rfc822Name must be `local@domain` with a valid domain.
//! * a URI must have a scheme and no spaces or non-ASCII characters.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::IpAddr;
use core::str::FromStr;

use der::asn1::{Ia5String, OctetString};
use x509_cert::ext::pkix::name::GeneralName;

use crate::pki::dns;
use crate::{Error, Result};

/// One subject alternative name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum San {
    /// dNSName.
    Dns(String),
    /// iPAddress.
    Ip(IpAddr),
    /// rfc822Name.
    Email(String),
    /// uniformResourceIdentifier.
    Uri(String),
}

impl San {
    /// Sorts and validates one `hosts` entry, as cfssl sorts them.
    /// `index` is its place in `hosts`, for the error message.
    pub fn from_host(index: usize, host: &str) -> Result<San> {
        let err = |reason: &'static str| Error::Host { index, value: host.to_string(), reason };
        let h = host.trim();
        if h.is_empty() {
            return Err(err("it is empty; remove it"));
        }
        if h.len() != host.len() {
            return Err(err("it has leading or trailing spaces; remove them"));
        }
        match host_kind(h) {
            HostKind::Ip(ip) => Ok(San::Ip(ip)),
            HostKind::Uri => {
                validate_uri(h).map_err(err)?;
                Ok(San::Uri(h.to_string()))
            }
            HostKind::Email(local, domain) => {
                if local.is_empty() || !local.bytes().all(|b| b.is_ascii_graphic() && b != b'@') {
                    return Err(err("the mail address's local part must be non-empty printable ASCII"));
                }
                validate_dns(domain, false).map_err(err)?;
                Ok(San::Email(h.to_string()))
            }
            HostKind::Dns => {
                validate_dns(h, true).map_err(err)?;
                Ok(San::Dns(h.to_string()))
            }
        }
    }

    /// The kind of SAN a `hosts` entry is taken as ([`San::kind`]'s names),
    /// by [`San::from_host`]'s rules but without validating the entry: forms
    /// show it beside each entry while it is typed.
    pub fn kind_of_host(host: &str) -> &'static str {
        match host_kind(host.trim()) {
            HostKind::Ip(_) => "IP",
            HostKind::Uri => "URI",
            HostKind::Email(..) => "email",
            HostKind::Dns => "DNS",
        }
    }

    /// The SAN type's name, as the web page and `certinfo` show it.
    pub fn kind(&self) -> &'static str {
        match self {
            San::Dns(_) => "DNS",
            San::Ip(_) => "IP",
            San::Email(_) => "email",
            San::Uri(_) => "URI",
        }
    }

    /// The GeneralName that encodes it.
    pub fn to_general_name(&self) -> Result<GeneralName> {
        let ia5 = |s: &str| Ia5String::new(s).map_err(|e| Error::Crypto { op: "SAN encoding", detail: e.to_string() });
        Ok(match self {
            San::Dns(d) => GeneralName::DnsName(ia5(d)?),
            San::Email(e) => GeneralName::Rfc822Name(ia5(e)?),
            San::Uri(u) => GeneralName::UniformResourceIdentifier(ia5(u)?),
            San::Ip(IpAddr::V4(v4)) => GeneralName::IpAddress(
                OctetString::new(v4.octets().to_vec())
                    .map_err(|e| Error::Crypto { op: "SAN encoding", detail: e.to_string() })?,
            ),
            San::Ip(IpAddr::V6(v6)) => GeneralName::IpAddress(
                OctetString::new(v6.octets().to_vec())
                    .map_err(|e| Error::Crypto { op: "SAN encoding", detail: e.to_string() })?,
            ),
        })
    }

    /// Reads a GeneralName back; other name forms (directoryName,
    /// otherName, …) give `None`.
    pub fn from_general_name(gn: &GeneralName) -> Option<San> {
        match gn {
            GeneralName::DnsName(s) => Some(San::Dns(s.to_string())),
            GeneralName::Rfc822Name(s) => Some(San::Email(s.to_string())),
            GeneralName::UniformResourceIdentifier(s) => Some(San::Uri(s.to_string())),
            GeneralName::IpAddress(o) => match o.as_bytes().len() {
                4 => {
                    let b: [u8; 4] = o.as_bytes().try_into().ok()?;
                    Some(San::Ip(IpAddr::from(b)))
                }
                16 => {
                    let b: [u8; 16] = o.as_bytes().try_into().ok()?;
                    Some(San::Ip(IpAddr::from(b)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The value as cfssl's `hosts` and `certinfo` `sans` write it.
    pub fn value(&self) -> String {
        match self {
            San::Dns(s) | San::Email(s) | San::Uri(s) => s.clone(),
            San::Ip(ip) => ip.to_string(),
        }
    }
}

impl core::fmt::Display for San {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}", self.kind(), self.value())
    }
}

/// Most SANs certkit puts in one certificate.
pub const MAX_SANS: usize = 1000;

/// What a `hosts` entry looks like, in cfssl's order: an IP address (bare or
/// in brackets), a URI, an email address, else a DNS name.
enum HostKind<'a> {
    Ip(IpAddr),
    Uri,
    Email(&'a str, &'a str),
    Dns,
}

fn host_kind(h: &str) -> HostKind<'_> {
    let bare = h.strip_prefix('[').and_then(|r| r.strip_suffix(']')).unwrap_or(h);
    if let Ok(ip) = IpAddr::from_str(bare) {
        HostKind::Ip(ip)
    // A byte search for "://": str::contains would link the two-way
    // substring searcher into the page's wasm (0.4 KB gzip) for this call.
    } else if h.as_bytes().windows(3).any(|w| w == b"://") || h.starts_with("urn:") || h.starts_with("mailto:") {
        HostKind::Uri
    } else if let Some((local, domain)) = h.rsplit_once('@') {
        HostKind::Email(local, domain)
    } else {
        HostKind::Dns
    }
}

/// Sorts and validates every entry of `hosts`, dropping exact duplicates.
pub fn from_hosts<S: AsRef<str>>(hosts: &[S]) -> Result<Vec<San>> {
    if hosts.len() > MAX_SANS {
        return Err(Error::Config {
            field: "hosts".into(),
            reason: alloc::format!(
                "{} entries, more than the {MAX_SANS} a request may list; spread the names over several certificates",
                hosts.len()
            ),
        });
    }
    let mut out: Vec<San> = Vec::with_capacity(hosts.len());
    for (i, h) in hosts.iter().enumerate() {
        let san = San::from_host(i, h.as_ref())?;
        if !out.contains(&san) {
            out.push(san);
        }
    }
    Ok(out)
}

/// Checks a host name (RFC 1123 §2.1), with a leftmost `*.` label allowed when `wildcard`.
pub(crate) fn validate_dns(name: &str, wildcard: bool) -> core::result::Result<(), &'static str> {
    if name.len() > dns::MAX_NAME {
        return Err("a DNS name is at most 253 characters");
    }
    if name.ends_with('.') {
        return Err("a DNS name in a certificate has no trailing dot; remove it");
    }
    if !name.is_ascii() {
        return Err("internationalised names must be given in their punycode (xn--) form");
    }
    if name.contains(':') {
        return Err("a DNS name cannot contain `:` (drop the port, or write a URI with a scheme)");
    }
    let body = match name.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        Some(_) => return Err("a wildcard is not allowed here"),
        None => name,
    };
    if body.contains('*') {
        return Err("a wildcard is only allowed as the whole leftmost label, as in `*.example.com`");
    }
    if body.len() < name.len() && !body.contains('.') {
        // `*.com` would match every name under a top-level domain (the BRs
        // forbid a wildcard left of a registry-controlled label).
        return Err("a wildcard needs a domain of two labels or more after it, as in `*.example.com`");
    }
    if body.rsplit('.').next().is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())) {
        return Err(
            "the last label is all digits, so this is neither a host name nor a valid IP address (RFC 1123 2.1)",
        );
    }
    for label in body.split('.') {
        if label.contains('_') {
            return Err("underscores are not allowed in DNS names in certificates (CA/B Forum BR 7.1.4.2)");
        }
        if let Some(fault) = dns::label_fault(label, dns::Case::Any) {
            return Err(fault);
        }
    }
    Ok(())
}

fn validate_uri(uri: &str) -> core::result::Result<(), &'static str> {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err("a URI needs a scheme");
    };
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err("the URI scheme is malformed");
    }
    if rest.is_empty() || rest == "//" {
        return Err("the URI has nothing after its scheme");
    }
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("a URI may not contain spaces or non-ASCII characters; percent-encode them");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_as_cfssl_sorts() {
        let sans = from_hosts(&[
            "my-svc.my-namespace.svc.cluster.local",
            "10.0.34.2",
            "2001:db8::1",
            "admin@example.com",
            "spiffe://cluster.local/ns/default/sa/web",
            "*.example.com",
            "localhost",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
            "mailto:ops@example.com",
        ])
        .unwrap();
        assert_eq!(sans[0], San::Dns("my-svc.my-namespace.svc.cluster.local".into()));
        assert_eq!(sans[1], San::Ip("10.0.34.2".parse().unwrap()));
        assert!(matches!(sans[2], San::Ip(IpAddr::V6(_))));
        assert_eq!(sans[3], San::Email("admin@example.com".into()));
        assert_eq!(sans[4], San::Uri("spiffe://cluster.local/ns/default/sa/web".into()));
        assert_eq!(sans[5].kind(), "DNS");
        for (host, kind) in [
            ("a.example", "DNS"),
            ("10.0.0.1", "IP"),
            ("[::1]", "IP"),
            ("a@b.example", "email"),
            ("urn:x:y", "URI"),
            ("bad host!", "DNS"),
        ] {
            assert_eq!(San::kind_of_host(host), kind, "{host}");
        }
        assert_eq!(sans[7].kind(), "URI");
        assert_eq!(sans[8].kind(), "URI");
        assert_eq!(sans.len(), 9);
    }

    #[test]
    fn bad_names_refused_by_index() {
        for (host, needle) in [
            ("exa mple.com", "letters, digits"),
            ("-bad.example.com", "hyphen"),
            ("foo..bar", "empty label"),
            ("*.*.example.com", "wildcard"),
            ("a*.example.com", "wildcard"),
            ("*.com", "two labels or more"),
            ("under_score.example.com", "underscores"),
            ("example.com.", "trailing dot"),
            ("example.com:443", "port"),
            ("bücher.de", "punycode"),
            ("", "empty"),
            (" example.com", "spaces"),
            ("@example.com", "local part"),
        ] {
            let e = from_hosts(&["ok.example.com", host]).unwrap_err().to_string();
            assert!(e.starts_with("hosts[1]"), "{host}: {e}");
            assert!(e.contains(needle), "{host}: {e}");
        }
        let long = "a".repeat(64);
        assert!(from_hosts(&[long.as_str()]).is_err());
    }

    #[test]
    fn general_name_round_trip() {
        for h in ["example.com", "192.0.2.1", "::1", "a@b.example", "https://example.com/x"] {
            let san = San::from_host(0, h).unwrap();
            assert_eq!(San::from_general_name(&san.to_general_name().unwrap()), Some(san.clone()));
            assert_eq!(san.value(), h);
        }
    }

    #[test]
    fn duplicates_dropped() {
        assert_eq!(from_hosts(&["a.example", "a.example"]).unwrap().len(), 1);
    }
}
