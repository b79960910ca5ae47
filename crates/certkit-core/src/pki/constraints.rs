//! Name constraints, RFC 5280 §4.2.1.10.
//!
//! ```text
//! NameConstraints ::= SEQUENCE {
//!      permittedSubtrees       [0]     GeneralSubtrees OPTIONAL,
//!      excludedSubtrees        [1]     GeneralSubtrees OPTIONAL }
//! GeneralSubtree ::= SEQUENCE {
//!      base                    GeneralName,
//!      minimum         [0]     BaseDistance DEFAULT 0,
//!      maximum         [1]     BaseDistance OPTIONAL }
//! ```
//!
//! A CA certificate with this extension limits the names of every
//! certificate below it. certkit writes it from a profile's
//! `name_constraints` (or `ca init --intermediate`'s flags) and enforces it
//! when it signs below such a CA. The forms, as configs give them:
//!
//! | list | form | covers |
//! |---|---|---|
//! | `*_dns` | `example.com` | the name and every name below it (RFC 5280's form). The leading-dot form `.example.com` is refused: pkilint calls it invalid, pyca/cryptography refuses every chain under it, and rewriting it to `example.com` would widen it to the apex. No wildcards. |
//! | `*_ip` | `10.0.0.0/8`, `2001:db8::/32` | the addresses under the mask; no host bits may be set |
//! | `*_email` | `admin@example.com` | that mailbox |
//! | | `example.com` | every mailbox at that host |
//! | | `.example.com` | every mailbox at a host below it (not at `example.com` itself) — the RFC's own form for email |
//! | `*_uri` | `host.example.com` | URIs whose host is that host |
//! | | `.example.com` | URIs whose host is below it — the RFC's form for URIs |
//!
//! The matching rules, as [`NameConstraints::check`] applies them to one
//! name:
//!
//! 1. A name is checked only against constraints of its own form (a DNS
//!    name against DNS subtrees, an IP address against IP ranges — an IPv6
//!    address lies in no IPv4 range, so IPv4-only permitted ranges refuse
//!    every IPv6 address, as OpenSSL, Go and pyca read them).
//! 2. When any permitted subtree of its form exists, the name must lie in
//!    one of them; it must lie in no excluded subtree of its form.
//! 3. DNS names compare label by label, without regard to ASCII case. A
//!    wildcard name `*.example.com` lies in a permitted subtree when
//!    `example.com` does, and in an excluded subtree `bad.example.com`
//!    when the wildcard could stand for it (stricter than OpenSSL, which
//!    compares the `*` as a label).
//! 4. An IP address lies in a range when its bits under the mask equal the
//!    range's.
//! 5. A mailbox's host part compares without regard to case, its local part
//!    exactly.
//! 6. A URI is judged by its host (after `scheme://` and any `user@`,
//!    before any port or path); a URI without a host lies in no subtree, so
//!    it fails any permitted URI subtree.
//!
//! directoryName constraints are not written by certkit and not evaluated:
//! a CA that carries one is refused for issuance ([`Subtree::Unsupported`]),
//! rather than let through a subject the constraint may forbid. Other forms
//! (otherName, x400Address, …) constrain names certkit never writes.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::net::IpAddr;
use core::str::FromStr;

use der::asn1::{Ia5String, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::constraints::name::{GeneralSubtree, NameConstraints as NcDer};
use x509_cert::ext::pkix::name::GeneralName;

use crate::pki::oid;
use crate::{Error, Result};

/// The eight lists of a profile's `name_constraints`, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstraintLists {
    /// DNS subtrees a name must lie in.
    pub permitted_dns: Vec<String>,
    /// DNS subtrees no name may lie in.
    pub excluded_dns: Vec<String>,
    /// IP ranges (CIDR) an address must lie in.
    pub permitted_ip: Vec<String>,
    /// IP ranges no address may lie in.
    pub excluded_ip: Vec<String>,
    /// Mailboxes or mail hosts an address must match.
    pub permitted_email: Vec<String>,
    /// Mailboxes or mail hosts no address may match.
    pub excluded_email: Vec<String>,
    /// URI hosts a URI must have.
    pub permitted_uri: Vec<String>,
    /// URI hosts no URI may have.
    pub excluded_uri: Vec<String>,
}

impl ConstraintLists {
    /// The list names, as configs spell them, with the lists.
    pub fn named(&self) -> [(&'static str, &Vec<String>); 8] {
        [
            ("permitted_dns", &self.permitted_dns),
            ("excluded_dns", &self.excluded_dns),
            ("permitted_ip", &self.permitted_ip),
            ("excluded_ip", &self.excluded_ip),
            ("permitted_email", &self.permitted_email),
            ("excluded_email", &self.excluded_email),
            ("permitted_uri", &self.permitted_uri),
            ("excluded_uri", &self.excluded_uri),
        ]
    }

    /// Whether every list is empty.
    pub fn is_empty(&self) -> bool {
        self.named().iter().all(|(_, l)| l.is_empty())
    }
}

/// One subtree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subtree {
    /// A DNS name and every name below it, lower case.
    Dns(String),
    /// An address range: the network address and its prefix length.
    Ip {
        /// The network address (host bits clear).
        addr: IpAddr,
        /// The prefix length.
        prefix: u8,
    },
    /// A mailbox, a mail host, or `.domain`.
    Email(String),
    /// A URI host, or `.domain`.
    Uri(String),
    /// A form certkit does not evaluate and whose names it may write
    /// (directoryName), read from a certificate.
    Unsupported(&'static str),
}

impl fmt::Display for Subtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subtree::Dns(d) => write!(f, "DNS {d}"),
            Subtree::Ip { addr, prefix } => write!(f, "IP {addr}/{prefix}"),
            Subtree::Email(e) => write!(f, "email {e}"),
            Subtree::Uri(u) => write!(f, "URI {u}"),
            Subtree::Unsupported(form) => write!(f, "{form}"),
        }
    }
}

/// A name a certificate carries, as the constraints see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Candidate<'a> {
    /// A DNS name (a dNSName, or a CN that is a host name).
    Dns(&'a str),
    /// An IP address.
    Ip(IpAddr),
    /// A mailbox (an rfc822Name, or the subject's emailAddress).
    Email(&'a str),
    /// A URI.
    Uri(&'a str),
}

impl<'a> Candidate<'a> {
    /// A subject CN read as a host: an IP address, or a DNS name of two
    /// labels or more (`web`, `My Service` are not hosts).
    pub fn from_cn(cn: &'a str) -> Option<Candidate<'a>> {
        if let Ok(ip) = cn.parse() {
            return Some(Candidate::Ip(ip));
        }
        (cn.contains('.') && crate::pki::san::validate_dns(cn, true).is_ok()).then_some(Candidate::Dns(cn))
    }
}

/// Why a name is refused: the subtree it breaks, and whether that subtree
/// is an excluded one (else the name lies in none of the permitted ones,
/// which `subtree` lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Excluded (the name lies in it) or permitted (the name lies in none).
    pub excluded: bool,
    /// The excluded subtree, or the permitted subtrees of the name's form,
    /// joined by `, `.
    pub subtree: String,
}

/// A certificate's name constraints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameConstraints {
    /// permittedSubtrees.
    pub permitted: Vec<Subtree>,
    /// excludedSubtrees.
    pub excluded: Vec<Subtree>,
}

impl NameConstraints {
    /// Checks the lists of a config; `path` names them in errors
    /// (`signing.profiles.tenant.name_constraints`, so that an error names
    /// `signing.profiles.tenant.name_constraints.permitted_ip[1]`; empty:
    /// `permitted_ip[1]`).
    pub fn from_lists(lists: &ConstraintLists, path: &str) -> Result<NameConstraints> {
        let mut nc = NameConstraints::default();
        for (list, values) in lists.named() {
            for (i, value) in values.iter().enumerate() {
                let field =
                    if path.is_empty() { alloc::format!("{list}[{i}]") } else { alloc::format!("{path}.{list}[{i}]") };
                let subtree = parse(list, value).map_err(|reason| Error::Config {
                    field,
                    reason: alloc::format!("`{}` {reason}", crate::text::shown(value)),
                })?;
                let into = if list.starts_with("permitted") { &mut nc.permitted } else { &mut nc.excluded };
                if !into.contains(&subtree) {
                    into.push(subtree);
                }
            }
        }
        Ok(nc)
    }

    /// Whether there is no subtree at all.
    pub fn is_empty(&self) -> bool {
        self.permitted.is_empty() && self.excluded.is_empty()
    }

    /// The extension, critical as RFC 5280 §4.2.1.10 requires, encoded with
    /// x509-cert's types (minimum 0 is the DEFAULT and so left out; no
    /// maximum, which RFC 5280 forbids for these forms).
    pub fn to_extension(&self) -> Result<Extension> {
        let subtrees = |list: &[Subtree]| -> Result<Option<Vec<GeneralSubtree>>> {
            if list.is_empty() {
                return Ok(None);
            }
            list.iter()
                .map(|s| Ok(GeneralSubtree { base: general_name(s)?, minimum: 0, maximum: None }))
                .collect::<Result<Vec<_>>>()
                .map(Some)
        };
        let value =
            NcDer { permitted_subtrees: subtrees(&self.permitted)?, excluded_subtrees: subtrees(&self.excluded)? };
        let der = value.to_der().map_err(encoding)?;
        Ok(Extension {
            extn_id: oid::NAME_CONSTRAINTS,
            critical: true,
            extn_value: OctetString::new(der).map_err(encoding)?,
        })
    }

    /// Reads the extension's value from a certificate (`what` names it).
    /// Forms certkit never writes names of are dropped; a directoryName
    /// subtree is kept as [`Subtree::Unsupported`].
    pub fn from_der(der: &[u8], what: &str) -> Result<NameConstraints> {
        let bad = |detail: String| Error::Der { detail: alloc::format!("nameConstraints: {detail}") }.in_input(what);
        let nc = NcDer::from_der(der).map_err(|e| bad(e.to_string()))?;
        let read = |list: Option<Vec<GeneralSubtree>>| -> Result<Vec<Subtree>> {
            let mut out = Vec::new();
            for s in list.unwrap_or_default() {
                if s.minimum != 0 || s.maximum.is_some() {
                    // RFC 5280: minimum MUST be zero, maximum MUST be absent.
                    return Err(bad("a subtree has a minimum or maximum, which RFC 5280 forbids".into()));
                }
                let subtree = match &s.base {
                    GeneralName::DnsName(d) => Subtree::Dns(d.as_str().to_ascii_lowercase()),
                    GeneralName::Rfc822Name(e) => Subtree::Email(e.as_str().to_string()),
                    GeneralName::UniformResourceIdentifier(u) => Subtree::Uri(u.as_str().to_string()),
                    GeneralName::IpAddress(o) => ip_subtree(o.as_bytes()).ok_or_else(|| {
                        bad("an iPAddress subtree is not an address and a mask of 8 or 32 octets".into())
                    })?,
                    GeneralName::DirectoryName(_) => Subtree::Unsupported("a directoryName subtree"),
                    _ => continue,
                };
                out.push(subtree);
            }
            Ok(out)
        };
        Ok(NameConstraints { permitted: read(nc.permitted_subtrees)?, excluded: read(nc.excluded_subtrees)? })
    }

    /// Checks one name (rules 1–6 of the module documentation).
    pub fn check(&self, name: Candidate<'_>) -> core::result::Result<(), Violation> {
        if let Some(s) = self.excluded.iter().find(|s| within(name, s, true) == Some(true)) {
            return Err(Violation { excluded: true, subtree: s.to_string() });
        }
        let mut same_form = self.permitted.iter().filter(|s| within(name, s, false).is_some()).peekable();
        if same_form.peek().is_none() {
            return Ok(());
        }
        if self.permitted.iter().any(|s| within(name, s, false) == Some(true)) {
            return Ok(());
        }
        let list: Vec<String> = same_form.map(ToString::to_string).collect();
        Err(Violation { excluded: false, subtree: list.join(", ") })
    }

    /// The first subtree of a form certkit cannot evaluate, if any.
    pub fn unsupported(&self) -> Option<&'static str> {
        self.permitted.iter().chain(&self.excluded).find_map(|s| match s {
            Subtree::Unsupported(form) => Some(*form),
            _ => None,
        })
    }
}

fn encoding(e: der::Error) -> Error {
    Error::Crypto { op: "nameConstraints encoding", detail: e.to_string() }
}

/// Reads one config value of list `list` into a subtree, or says why not.
fn parse(list: &str, value: &str) -> core::result::Result<Subtree, String> {
    let form = list.rsplit('_').next().unwrap_or("");
    if value.is_empty() {
        return Err("is empty; an empty constraint would cover every name of its form".into());
    }
    if value.trim() != value {
        return Err("has leading or trailing spaces; remove them".into());
    }
    match form {
        "dns" => {
            if let Some(rest) = value.strip_prefix('.') {
                return Err(alloc::format!(
                    "uses the leading-dot form, which pkilint calls invalid and pyca/cryptography refuses every chain under; write `{rest}` (RFC 5280's form: `{rest}` and every name below it; certkit does not rewrite it, which would widen it to `{rest}` itself)"
                ));
            }
            if value.contains('*') {
                return Err(alloc::format!(
                    "holds a wildcard; a DNS constraint already covers every name below it: write `{}`",
                    value.trim_start_matches("*.")
                ));
            }
            crate::pki::san::validate_dns(value, false).map_err(|r| alloc::format!("is not a DNS name: {r}"))?;
            Ok(Subtree::Dns(value.to_ascii_lowercase()))
        }
        "ip" => {
            let Some((addr, prefix)) = value.split_once('/') else {
                return Err("is not a CIDR range; write it as 10.0.0.0/8 or 2001:db8::/32".into());
            };
            let addr = IpAddr::from_str(addr)
                .map_err(|_| "is not a CIDR range: the address is not an IPv4 or IPv6 address".to_string())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix: u8 = prefix
                .parse()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| alloc::format!("is not a CIDR range: the prefix length must be 0 to {max}"))?;
            let network = masked(addr, prefix);
            if network != addr {
                return Err(alloc::format!(
                    "has host bits set after the /{prefix}; write the network address, `{network}/{prefix}`"
                ));
            }
            Ok(Subtree::Ip { addr, prefix })
        }
        "email" => {
            let bad_host = |h: &str| crate::pki::san::validate_dns(h, false).err();
            if let Some((local, host)) = value.rsplit_once('@') {
                if local.is_empty() || !local.bytes().all(|b| b.is_ascii_graphic() && b != b'@') {
                    return Err("is not a mailbox: its local part must be non-empty printable ASCII".into());
                }
                if let Some(r) = bad_host(host) {
                    return Err(alloc::format!("is not a mailbox: its host {r}"));
                }
            } else if let Some(r) = bad_host(value.strip_prefix('.').unwrap_or(value)) {
                return Err(alloc::format!(
                    "is neither a mailbox (`admin@example.com`), a mail host (`example.com`) nor a domain (`.example.com`): {r}"
                ));
            }
            Ok(Subtree::Email(value.into()))
        }
        _ => {
            if value.contains("://") || value.contains('/') || value.contains('@') || value.contains(':') {
                return Err("is not a host: a URI constraint is a host (`host.example.com`) or a domain (`.example.com`), not a URI".into());
            }
            if let Some(r) = crate::pki::san::validate_dns(value.strip_prefix('.').unwrap_or(value), false).err() {
                return Err(alloc::format!("is not a host (`host.example.com`) or a domain (`.example.com`): {r}"));
            }
            Ok(Subtree::Uri(value.to_ascii_lowercase()))
        }
    }
}

/// The GeneralName of a subtree.
fn general_name(s: &Subtree) -> Result<GeneralName> {
    let ia5 = |v: &str| Ia5String::new(v).map_err(encoding);
    Ok(match s {
        Subtree::Dns(d) => GeneralName::DnsName(ia5(d)?),
        Subtree::Email(e) => GeneralName::Rfc822Name(ia5(e)?),
        Subtree::Uri(u) => GeneralName::UniformResourceIdentifier(ia5(u)?),
        Subtree::Ip { addr, prefix } => {
            let mut bytes = octets(*addr);
            let mask = octets(masked(
                if addr.is_ipv4() { IpAddr::from([255u8; 4]) } else { IpAddr::from([255u8; 16]) },
                *prefix,
            ));
            bytes.extend_from_slice(&mask);
            GeneralName::IpAddress(OctetString::new(bytes).map_err(encoding)?)
        }
        Subtree::Unsupported(form) => {
            return Err(Error::Crypto {
                op: "nameConstraints encoding",
                detail: alloc::format!("{form} cannot be written"),
            });
        }
    })
}

fn octets(addr: IpAddr) -> Vec<u8> {
    match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// `addr` with every bit after the first `prefix` cleared.
fn masked(addr: IpAddr, prefix: u8) -> IpAddr {
    let mut bytes = octets(addr);
    for (i, b) in bytes.iter_mut().enumerate() {
        let keep = usize::from(prefix).saturating_sub(i * 8).min(8);
        *b &= if keep == 0 { 0 } else { 0xffu8 << (8 - keep) };
    }
    match addr {
        IpAddr::V4(_) => <[u8; 4]>::try_from(bytes.as_slice()).map(IpAddr::from).unwrap_or(addr),
        IpAddr::V6(_) => <[u8; 16]>::try_from(bytes.as_slice()).map(IpAddr::from).unwrap_or(addr),
    }
}

/// An iPAddress subtree: address then mask, 8 or 32 octets. A mask that
/// is not contiguous is read as its leading ones (what remains of it can
/// only narrow the range); host bits in the address are cleared.
fn ip_subtree(bytes: &[u8]) -> Option<Subtree> {
    let half = match bytes.len() {
        8 => 4,
        32 => 16,
        _ => return None,
    };
    let (addr, mask) = bytes.split_at(half);
    let addr = if half == 4 {
        IpAddr::from(<[u8; 4]>::try_from(addr).ok()?)
    } else {
        IpAddr::from(<[u8; 16]>::try_from(addr).ok()?)
    };
    let mut prefix = 0u8;
    for b in mask {
        prefix = prefix.saturating_add(u8::try_from(b.leading_ones()).unwrap_or(8));
        if *b != 0xff {
            break;
        }
    }
    Some(Subtree::Ip { addr: masked(addr, prefix), prefix })
}

/// Whether `name` lies in `s`: `None` when they are of different forms.
/// `excluded` turns on rule 3's reading of a wildcard as every name it
/// stands for.
fn within(name: Candidate<'_>, s: &Subtree, excluded: bool) -> Option<bool> {
    Some(match (name, s) {
        (Candidate::Dns(n), Subtree::Dns(c)) => dns_within(n, c, excluded),
        // An address of the other family lies in no range of this one (but
        // is of the same form: a v6 address fails v4-only permitted ranges,
        // as in OpenSSL, Go and pyca).
        (Candidate::Ip(ip), Subtree::Ip { addr, prefix }) => {
            ip.is_ipv4() == addr.is_ipv4() && masked(ip, *prefix) == *addr
        }
        (Candidate::Email(m), Subtree::Email(c)) => email_within(m, c),
        (Candidate::Uri(u), Subtree::Uri(c)) => uri_host(u).is_some_and(|h| host_within(h, c)),
        _ => return None,
    })
}

/// Rule 3: `name` is `c` or ends with `.c`, compared without regard to case.
/// A subtree read from a certificate in the leading-dot form (`.d`, which
/// certkit refuses to write) covers the names strictly below `d`, as
/// OpenSSL and Go read it.
fn dns_within(name: &str, c: &str, excluded: bool) -> bool {
    if let Some(d) = c.strip_prefix('.') {
        return !name.eq_ignore_ascii_case(d) && dns_within(name, d, excluded);
    }
    if name.eq_ignore_ascii_case(c) || strictly_below(name, c) {
        return true;
    }
    // `*.d` stands for every one-label name below `d`: it may be `c` when
    // `c` is one label below `d`.
    match name.strip_prefix("*.") {
        Some(d) if excluded => c.split_once('.').is_some_and(|(_, parent)| parent.eq_ignore_ascii_case(d)),
        _ => false,
    }
}

/// Whether `name` ends with `.domain`, without regard to ASCII case.
/// Compared as bytes: a name from a hostile subject may hold any UTF-8,
/// and slicing it as a string could split a character.
fn strictly_below(name: &str, domain: &str) -> bool {
    let (n, d) = (name.as_bytes(), domain.as_bytes());
    n.len() > d.len() && n[n.len() - d.len() - 1] == b'.' && n[n.len() - d.len()..].eq_ignore_ascii_case(d)
}

/// Rule 5: a mailbox against a mailbox, a host or `.domain`.
fn email_within(mailbox: &str, c: &str) -> bool {
    let Some((local, host)) = mailbox.rsplit_once('@') else { return false };
    match c.rsplit_once('@') {
        Some((c_local, c_host)) => local == c_local && host.eq_ignore_ascii_case(c_host),
        None => host_within(host, c),
    }
}

/// A host against a host (exactly) or `.domain` (strictly below it).
fn host_within(host: &str, c: &str) -> bool {
    match c.strip_prefix('.') {
        Some(domain) => strictly_below(host, domain),
        None => host.eq_ignore_ascii_case(c),
    }
}

/// Rule 6: the host of `scheme://[user@]host[:port][/…]`.
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split_once(']').map(|(h, _)| &h[1..])?
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(f: impl FnOnce(&mut ConstraintLists)) -> ConstraintLists {
        let mut l = ConstraintLists::default();
        f(&mut l);
        l
    }

    fn nc() -> NameConstraints {
        NameConstraints::from_lists(
            &lists(|l| {
                l.permitted_dns = alloc::vec!["Example.com".into()];
                l.excluded_dns = alloc::vec!["bad.example.com".into()];
                l.permitted_ip = alloc::vec!["10.0.0.0/8".into(), "2001:db8::/32".into()];
                l.permitted_email =
                    alloc::vec!["example.com".into(), ".example.org".into(), "boss@corp.example".into()];
                l.permitted_uri = alloc::vec!["spiffe.example.com".into(), ".svc.example".into()];
            }),
            "p",
        )
        .unwrap()
    }

    #[test]
    fn dns_names_match_label_by_label_without_regard_to_case() {
        let nc = nc();
        for ok in ["example.com", "a.example.com", "A.B.EXAMPLE.COM", "*.a.example.com", "bad-example.com.example.com"]
        {
            assert_eq!(nc.check(Candidate::Dns(ok)), Ok(()), "{ok}");
        }
        for out in ["notexample.com", "example.com.evil", "example.org", "*.com"] {
            let v = nc.check(Candidate::Dns(out)).unwrap_err();
            assert!(!v.excluded && v.subtree == "DNS example.com", "{out}: {v:?}");
        }
        // `*.example.com` could stand for the excluded name (rule 3).
        for bad in ["bad.example.com", "x.Bad.Example.com", "*.bad.example.com", "*.example.com"] {
            let v = nc.check(Candidate::Dns(bad)).unwrap_err();
            assert!(v.excluded && v.subtree == "DNS bad.example.com", "{bad}: {v:?}");
        }
    }

    #[test]
    fn a_leading_dot_subtree_from_a_certificate_covers_only_names_below() {
        // certkit refuses to write `.example.com`, but reads it in CAs others
        // made as OpenSSL and Go do: strictly below the domain.
        let nc =
            NameConstraints { permitted: alloc::vec![Subtree::Dns(".example.com".into())], excluded: alloc::vec![] };
        assert_eq!(nc.check(Candidate::Dns("www.example.com")), Ok(()));
        assert_eq!(nc.check(Candidate::Dns("a.b.Example.COM")), Ok(()));
        for out in ["example.com", "www.example.org", "wwwexample.com"] {
            assert!(nc.check(Candidate::Dns(out)).is_err(), "{out}");
        }
        assert_eq!(Candidate::from_cn("web.example.com"), Some(Candidate::Dns("web.example.com")));
        assert_eq!(Candidate::from_cn("My Service"), None);
        assert!(matches!(Candidate::from_cn("10.1.2.3"), Some(Candidate::Ip(_))));
    }

    #[test]
    fn addresses_match_under_the_mask_and_by_family() {
        let nc = nc();
        let ip = |s: &str| Candidate::Ip(IpAddr::from_str(s).unwrap());
        assert_eq!(nc.check(ip("10.255.0.1")), Ok(()));
        assert_eq!(nc.check(ip("2001:db8:ffff::1")), Ok(()));
        assert_eq!(nc.check(ip("11.0.0.1")).unwrap_err().subtree, "IP 10.0.0.0/8, IP 2001:db8::/32");
        assert_eq!(nc.check(ip("2001:db9::1")).unwrap_err().subtree, "IP 10.0.0.0/8, IP 2001:db8::/32");
        let v4_only =
            NameConstraints::from_lists(&lists(|l| l.excluded_ip = alloc::vec!["0.0.0.0/0".into()]), "").unwrap();
        assert!(v4_only.check(ip("1.2.3.4")).unwrap_err().excluded);
        assert_eq!(v4_only.check(ip("::1")), Ok(()));
        let v4_permitted =
            NameConstraints::from_lists(&lists(|l| l.permitted_ip = alloc::vec!["10.0.0.0/8".into()]), "").unwrap();
        assert_eq!(v4_permitted.check(ip("::a00:1")).unwrap_err().subtree, "IP 10.0.0.0/8");
    }

    #[test]
    fn mail_and_uris_match_by_the_rfc_forms() {
        let nc = nc();
        for ok in ["a@example.com", "a@EXAMPLE.com", "a@x.example.org", "boss@corp.example"] {
            assert_eq!(nc.check(Candidate::Email(ok)), Ok(()), "{ok}");
        }
        for out in ["a@x.example.com", "a@example.org", "Boss@corp.example", "nobody", "é@€"] {
            assert!(nc.check(Candidate::Email(out)).is_err(), "{out}");
        }
        for ok in ["spiffe://spiffe.example.com/ns/a", "https://u@a.svc.example:8443/x", "https://A.SVC.example"] {
            assert_eq!(nc.check(Candidate::Uri(ok)), Ok(()), "{ok}");
        }
        for out in ["spiffe://x.spiffe.example.com/", "https://svc.example/", "urn:uuid:1", "https://evil.example/"] {
            assert!(nc.check(Candidate::Uri(out)).is_err(), "{out}");
        }
    }

    #[test]
    fn bad_values_are_refused_naming_the_path_and_the_fix() {
        for (l, says) in [
            (
                lists(|l| l.permitted_dns = alloc::vec![".example.com".into()]),
                "permitted_dns[0]: `.example.com` uses the leading-dot form",
            ),
            (
                lists(|l| l.excluded_dns = alloc::vec!["a.com".into(), "*.example.com".into()]),
                "excluded_dns[1]: `*.example.com` holds a wildcard",
            ),
            (
                lists(|l| l.permitted_ip = alloc::vec!["10.0.0.0/8".into(), "10.0.0.1/8".into()]),
                "permitted_ip[1]: `10.0.0.1/8` has host bits set after the /8; write the network address, `10.0.0.0/8`",
            ),
            (lists(|l| l.permitted_ip = alloc::vec!["10.0.0.0".into()]), "is not a CIDR range"),
            (lists(|l| l.permitted_ip = alloc::vec!["10.0.0.0/33".into()]), "prefix length must be 0 to 32"),
            (lists(|l| l.excluded_ip = alloc::vec!["2001:db8::1/32".into()]), "`2001:db8::/32`"),
            (
                lists(|l| l.permitted_email = alloc::vec!["@example.com".into()]),
                "permitted_email[0]: `@example.com` is not a mailbox",
            ),
            (lists(|l| l.permitted_email = alloc::vec!["ex ample.com".into()]), "is neither a mailbox"),
            (
                lists(|l| l.permitted_uri = alloc::vec!["https://example.com".into()]),
                "permitted_uri[0]: `https://example.com` is not a host",
            ),
            (lists(|l| l.excluded_uri = alloc::vec!["".into()]), "excluded_uri[0]: `` is empty"),
        ] {
            let e = NameConstraints::from_lists(&l, "signing.profiles.tenant.name_constraints").unwrap_err();
            assert!(e.field().is_some_and(|f| f.starts_with("signing.profiles.tenant.name_constraints.")), "{e}");
            assert!(e.to_string().contains(says), "{e}");
        }
    }

    #[test]
    fn the_extension_is_critical_and_reads_back() {
        let nc = nc();
        let ext = nc.to_extension().unwrap();
        assert!(ext.critical);
        assert_eq!(NameConstraints::from_der(ext.extn_value.as_bytes(), "t").unwrap(), nc);
        // minimum 0 is DEFAULT, so absent in DER: each subtree is just its name.
        // SEQUENCE { [0] { SEQUENCE { [2] "example.com" } ... } }
        let der = ext.extn_value.as_bytes();
        assert!(der.windows(4).any(|w| w == [0x30, 0x0d, 0x82, 0x0b]), "{der:02x?}");
    }
}
