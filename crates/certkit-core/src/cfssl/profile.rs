//! Signing policy: cfssl's signing config JSON (`config.Config`).
//!
//! ```json
//! { "signing": {
//!     "default":  { "usages": ["digital signature", "key encipherment", "server auth"],
//!                   "expiry": "876000h", "ca_constraint": { "is_ca": false } },
//!     "profiles": { "client": { "usages": ["signing", "client auth"], "expiry": "8760h" } } } }
//! ```
//!
//! A profile's fields, and the rule certkit applies to each:
//!
//! | field | rule |
//! |---|---|
//! | `usages` | cfssl's strings ([`USAGE_NAMES`]); an unknown one is an error (cfssl ignores it) |
//! | `expiry` | a duration ([`crate::cfssl::duration`]); empty inherits `default`'s, then 8760h |
//! | `backdate` | a duration; default 5m |
//! | `not_before`, `not_after` | RFC 3339 times that replace the computed validity |
//! | `ca_constraint` | `{is_ca, max_path_len, max_path_len_zero}`: issue CA certificates |
//! | `name_whitelist` | a regular expression every CN, DNS name, email and URI must match (unanchored, as cfssl's Go `regexp` `Find`) |
//! | `crl_url`, `ocsp_url`, `issuer_urls` | CRL distribution point and AIA; empty inherits `default`'s |
//! | `ocsp_no_check` | add id-pkix-ocsp-nocheck |
//! | `copy_extensions` | copy the CSR's requested extensions into the certificate, except those the profile decides |
//! | `allowed_extensions` | OIDs (`"1.3.6.1.4.1.311.21.7"`): with `copy_extensions`, only these are copied (cfssl applies the list to its API requests only) |
//! | `allow_bidi_controls` | certkit's: let subject values hold Unicode bidirectional controls (refused by default: they can make one name display as another) |
//! | `name_constraints` | certkit's (cfssl never merged it): `{permitted_dns, excluded_dns, permitted_ip, excluded_ip, permitted_email, excluded_email, permitted_uri, excluded_uri}`, lists of subtrees ([`crate::pki::constraints`]: `example.com` is the name and all below it; `10.0.0.0/8`; a mailbox, a mail host or `.domain`; a URI host or `.domain`), written as a critical nameConstraints extension; only in a profile with `ca_constraint.is_ca`, never inherited |
//!
//! An unknown `-profile` is an error (cfssl silently falls back to `default`).
//! Fields cfssl uses only for its remote-signing server (`auth_key`,
//! `remote`, `auth_remote`, …) are accepted and ignored; those that would
//! change what cfssl does (remote signing, a certificate store, linting, CT
//! logs) make each issuance warn ([`crate::issue::certificate::Warning::IgnoredMember`]).
//! An unknown field is an error naming its path.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use const_oid::ObjectIdentifier;
use der::flagset::FlagSet;
use serde_json::Value;
use x509_cert::ext::pkix::KeyUsages;

use crate::cfssl::duration;
use crate::cfssl::json::{self, FieldError, Object};
use crate::cfssl::validity::{DEFAULT_BACKDATE, DEFAULT_EXPIRY, check_lifetime};
use crate::pki::constraints::{ConstraintLists, NameConstraints};
use crate::pki::oid;
use crate::pki::time::UnixTime;
use crate::pki::time::parse_rfc3339;
use crate::{Error, Result};

/// One usage string of cfssl's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    /// A keyUsage bit.
    Key(KeyUsages),
    /// An extendedKeyUsage purpose.
    Ext(ObjectIdentifier),
}

/// Every usage string certkit accepts, as cfssl spells them.
pub const USAGE_NAMES: [&str; 23] = [
    "signing",
    "digital signature",
    "content commitment",
    "key encipherment",
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
    "any",
    "server auth",
    "client auth",
    "code signing",
    "email protection",
    "s/mime",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "timestamping",
    "ocsp signing",
    "microsoft sgc",
    "netscape sgc",
];

impl Usage {
    /// Reads one of cfssl's usage strings (also cfssl's old misspelling
    /// `content committment`).
    pub fn from_cfssl(s: &str) -> Option<Usage> {
        Some(match s {
            "signing" | "digital signature" => Usage::Key(KeyUsages::DigitalSignature),
            "content commitment" | "content committment" => Usage::Key(KeyUsages::NonRepudiation),
            "key encipherment" => Usage::Key(KeyUsages::KeyEncipherment),
            "key agreement" => Usage::Key(KeyUsages::KeyAgreement),
            "data encipherment" => Usage::Key(KeyUsages::DataEncipherment),
            "cert sign" => Usage::Key(KeyUsages::KeyCertSign),
            "crl sign" => Usage::Key(KeyUsages::CRLSign),
            "encipher only" => Usage::Key(KeyUsages::EncipherOnly),
            "decipher only" => Usage::Key(KeyUsages::DecipherOnly),
            "any" => Usage::Ext(oid::EKU_ANY),
            "server auth" => Usage::Ext(oid::EKU_SERVER_AUTH),
            "client auth" => Usage::Ext(oid::EKU_CLIENT_AUTH),
            "code signing" => Usage::Ext(oid::EKU_CODE_SIGNING),
            "email protection" | "s/mime" => Usage::Ext(oid::EKU_EMAIL_PROTECTION),
            "ipsec end system" => Usage::Ext(oid::EKU_IPSEC_END_SYSTEM),
            "ipsec tunnel" => Usage::Ext(oid::EKU_IPSEC_TUNNEL),
            "ipsec user" => Usage::Ext(oid::EKU_IPSEC_USER),
            "timestamping" => Usage::Ext(oid::EKU_TIME_STAMPING),
            "ocsp signing" => Usage::Ext(oid::EKU_OCSP_SIGNING),
            "microsoft sgc" => Usage::Ext(oid::EKU_MICROSOFT_SGC),
            "netscape sgc" => Usage::Ext(oid::EKU_NETSCAPE_SGC),
            _ => return None,
        })
    }
}

/// The name of a keyUsage bit in cfssl's words.
pub fn key_usage_name(u: KeyUsages) -> &'static str {
    match u {
        KeyUsages::DigitalSignature => "digital signature",
        KeyUsages::NonRepudiation => "content commitment",
        KeyUsages::KeyEncipherment => "key encipherment",
        KeyUsages::DataEncipherment => "data encipherment",
        KeyUsages::KeyAgreement => "key agreement",
        KeyUsages::KeyCertSign => "cert sign",
        KeyUsages::CRLSign => "crl sign",
        KeyUsages::EncipherOnly => "encipher only",
        KeyUsages::DecipherOnly => "decipher only",
    }
}

/// Members cfssl reads only for its remote-signing server, its OCSP
/// responder or its linter: accepted with any value and ignored offline.
const IGNORED_TOP: [&str; 3] = ["auth_keys", "remotes", "ocsp"];
const IGNORED_PROFILE: [&str; 9] = [
    "auth_key",
    "prev_auth_key",
    "remote",
    "auth_remote",
    "ct_log_servers",
    "cert_store",
    "lint_error_level",
    "ignored_lints",
    "ignored_lint_sources",
];

/// The ignored profile members whose absence changes what cfssl would do:
/// sign on a remote server, store the certificate, lint it, or log it in
/// Certificate Transparency. Given a value, they earn a warning.
const IGNORED_WITH_EFFECT: [&str; 5] = ["remote", "auth_remote", "cert_store", "lint_error_level", "ct_log_servers"];

/// The JSON of a signing config: its `signing` section (what else cfssl
/// reads is ignored offline).
#[derive(Clone, Debug, Default)]
struct ConfigJson {
    signing: Option<SigningJson>,
}

/// The `signing` section.
#[derive(Clone, Debug, Default)]
struct SigningJson {
    /// The profile used when none is named.
    default: Option<ProfileJson>,
    /// Named profiles, their names as written.
    profiles: Vec<(String, ProfileJson)>,
}

/// One profile's JSON, field for field as cfssl names them.
#[derive(Clone, Debug, Default)]
struct ProfileJson {
    usages: Vec<String>,
    expiry: String,
    backdate: String,
    not_before: Option<String>,
    not_after: Option<String>,
    ca_constraint: Option<CaConstraintJson>,
    name_whitelist: String,
    crl_url: String,
    ocsp_url: String,
    issuer_urls: Vec<String>,
    ocsp_no_check: bool,
    /// certkit's extension: subject values may hold bidirectional controls.
    allow_bidi_controls: bool,
    /// certkit's extension: the Kubernetes signerName this profile serves.
    signer_name: String,
    /// cfssl's `policies`: `[{"ID": "2.23.140.1.2.1", "qualifiers": [{"type": "id-qt-cps", "value": URL}]}]`.
    policies: Vec<PolicyJson>,
    copy_extensions: bool,
    /// (path, dotted OID) of each `allowed_extensions` entry.
    allowed_extensions: Vec<(String, String)>,
    /// The paths of [`IGNORED_WITH_EFFECT`] members given a value.
    ignored: Vec<String>,
    /// certkit's extension: nameConstraints for the CA certificates issued.
    name_constraints: Option<ConstraintLists>,
}

/// One entry of `policies`, with its path for errors.
#[derive(Clone, Debug, Default)]
struct PolicyJson {
    path: String,
    id: String,
    /// (type, value) pairs.
    qualifiers: Vec<(String, String)>,
}

/// `ca_constraint`.
#[derive(Clone, Debug, Default)]
struct CaConstraintJson {
    is_ca: bool,
    max_path_len: i64,
    max_path_len_zero: bool,
}

impl ConfigJson {
    /// Reads the document member by member, by the core's JSON rules
    /// ([`json::Object`]): names match without regard to ASCII case, `null`
    /// is "not given", and a wrong or unknown member is named by its path
    /// (`signing.profiles.www.expiry`).
    fn read(value: &Value) -> core::result::Result<Self, FieldError> {
        let o = Object::ignoring(value, "", &["signing"], &IGNORED_TOP)?;
        let signing = match o.get("signing") {
            None => None,
            Some(v) => {
                let s = Object::new(v, "signing", &["default", "profiles"])?;
                Some(SigningJson {
                    default: s.get("default").map(|v| ProfileJson::read(v, &s.path("default"))).transpose()?,
                    profiles: s.map("profiles", ProfileJson::read)?,
                })
            }
        };
        Ok(ConfigJson { signing })
    }
}

impl ProfileJson {
    /// cfssl's `DefaultConfig`: `signing`, `key encipherment`, `server
    /// auth`, `client auth`, 8760h — the profile without `-config`, and the
    /// `default` of a config that has none.
    fn builtin_default() -> Self {
        ProfileJson {
            usages: ["signing", "key encipherment", "server auth", "client auth"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            expiry: "8760h".into(),
            ..Default::default()
        }
    }

    fn read(value: &Value, path: &str) -> core::result::Result<Self, FieldError> {
        let fields = [
            "usages",
            "expiry",
            "backdate",
            "not_before",
            "not_after",
            "ca_constraint",
            "name_whitelist",
            "crl_url",
            "ocsp_url",
            "issuer_urls",
            "ocsp_no_check",
            "allow_bidi_controls",
            "signer_name",
            "policies",
            "copy_extensions",
            "allowed_extensions",
            "name_constraints",
        ];
        let o = Object::ignoring(value, path, &fields, &IGNORED_PROFILE)?;
        Ok(ProfileJson {
            usages: o.list("usages", json::string)?,
            expiry: o.string("expiry")?,
            backdate: o.string("backdate")?,
            not_before: o.optional_string("not_before")?,
            not_after: o.optional_string("not_after")?,
            ca_constraint: match o.get("ca_constraint") {
                None => None,
                Some(v) => {
                    let c = Object::new(v, &o.path("ca_constraint"), &["is_ca", "max_path_len", "max_path_len_zero"])?;
                    Some(CaConstraintJson {
                        is_ca: c.boolean("is_ca")?,
                        max_path_len: c.integer("max_path_len", "-1 (no limit) to 255")?,
                        max_path_len_zero: c.boolean("max_path_len_zero")?,
                    })
                }
            },
            name_whitelist: o.string("name_whitelist")?,
            crl_url: o.string("crl_url")?,
            ocsp_url: o.string("ocsp_url")?,
            issuer_urls: o.list("issuer_urls", json::string)?,
            ocsp_no_check: o.boolean("ocsp_no_check")?,
            allow_bidi_controls: o.boolean("allow_bidi_controls")?,
            signer_name: o.string("signer_name")?,
            copy_extensions: o.boolean("copy_extensions")?,
            allowed_extensions: o
                .list("allowed_extensions", |v, path| Ok((path.to_string(), json::string(v, path)?)))?,
            policies: o.list("policies", |v, path| {
                let p = Object::new(v, path, &["ID", "qualifiers"])?;
                Ok(PolicyJson {
                    path: path.to_string(),
                    id: p.string("ID")?,
                    qualifiers: p.list("qualifiers", |v, path| {
                        let q = Object::new(v, path, &["type", "value"])?;
                        Ok((q.string("type")?, q.string("value")?))
                    })?,
                })
            })?,
            name_constraints: match o.get("name_constraints") {
                None => None,
                Some(v) => {
                    let path = o.path("name_constraints");
                    let fields = ConstraintLists::default().named().map(|(name, _)| name);
                    let c = Object::new(v, &path, &fields)?;
                    Some(ConstraintLists {
                        permitted_dns: c.list("permitted_dns", json::string)?,
                        excluded_dns: c.list("excluded_dns", json::string)?,
                        permitted_ip: c.list("permitted_ip", json::string)?,
                        excluded_ip: c.list("excluded_ip", json::string)?,
                        permitted_email: c.list("permitted_email", json::string)?,
                        excluded_email: c.list("excluded_email", json::string)?,
                        permitted_uri: c.list("permitted_uri", json::string)?,
                        excluded_uri: c.list("excluded_uri", json::string)?,
                    })
                }
            },
            ignored: o
                .ignored()
                .filter(|(name, v)| IGNORED_WITH_EFFECT.contains(name) && has_effect(v))
                .map(|(name, _)| o.path(name))
                .collect(),
        })
    }
}

/// Whether an ignored member says to do something: not `null`, `false`,
/// `0`, `""`, `[]` or `{}`.
fn has_effect(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A checked profile: what issuance applies ([`crate::Ca`]).
#[derive(Clone, Debug)]
pub struct Policy {
    /// The profile's name (`default` for the default).
    pub name: String,
    /// keyUsage bits, in the order given.
    pub key_usage: Vec<KeyUsages>,
    /// extendedKeyUsage purposes, in the order given.
    pub ext_key_usage: Vec<ObjectIdentifier>,
    /// Lifetime.
    pub expiry: Duration,
    /// notBefore backdate.
    pub backdate: Duration,
    /// Fixed notBefore.
    pub not_before: Option<UnixTime>,
    /// Fixed notAfter.
    pub not_after: Option<UnixTime>,
    /// Issue CA certificates.
    pub is_ca: bool,
    /// pathLenConstraint for CA certificates.
    pub path_len: Option<u8>,
    /// The whitelist, compiled once when the config is loaded.
    pub name_whitelist: Option<NameWhitelist>,
    /// CRL distribution point URL.
    pub crl_url: Option<String>,
    /// OCSP responder URL.
    pub ocsp_url: Option<String>,
    /// CA issuers URLs.
    pub issuer_urls: Vec<String>,
    /// Add id-pkix-ocsp-nocheck.
    pub ocsp_no_check: bool,
    /// Let subject values hold Unicode bidirectional controls
    /// (`text::is_bidi_control`); refused by default.
    pub allow_bidi_controls: bool,
    /// The Kubernetes signerName this profile serves (certkit's `signer_name`).
    pub signer_name: Option<String>,
    /// certificatePolicies (RFC 5280 §4.2.1.4), in the order given.
    pub policies: Vec<CertPolicy>,
    /// cfssl's `copy_extensions`: the CSR's requested extensions are copied
    /// into the certificate, except those the profile decides.
    pub copy_extensions: bool,
    /// cfssl's `allowed_extensions`: when not empty, only these are copied.
    pub allowed_extensions: Vec<ObjectIdentifier>,
    /// nameConstraints for the CA certificates issued (certkit's
    /// `name_constraints`; only in a CA profile).
    pub name_constraints: Option<NameConstraints>,
    /// Paths of members cfssl would act on and an offline CA ignores
    /// (`signing.profiles.www.remote`): each issuance warns of them.
    pub ignored: Vec<String>,
    /// For cfssl's built-in default standing in for a signing config that
    /// has profiles but no `default`: those profiles, which each issuance
    /// under it names in a warning (the config's author likely meant one).
    pub unused_profiles: Vec<String>,
}

impl Policy {
    /// The keyUsage bits as a flag set.
    pub fn key_usage_flags(&self) -> FlagSet<KeyUsages> {
        self.key_usage.iter().fold(FlagSet::default(), |acc, u| acc | *u)
    }

    /// Checks `name`, the certificate's `field` (`CN`, `IP SAN`, …), against
    /// `name_whitelist` (unanchored, like Go's `regexp.Find`).
    pub fn check_name(&self, field: &'static str, name: &str) -> Result<()> {
        let Some(w) = &self.name_whitelist else { return Ok(()) };
        if w.regex.is_match(name) {
            Ok(())
        } else {
            Err(Error::NameNotAllowed { field, name: name.to_string(), pattern: w.pattern.clone() })
        }
    }

    /// cfssl's built-in default profile (`DefaultConfig`): `signing`,
    /// `key encipherment`, `server auth`, `client auth`, 8760h, never a CA.
    /// Built field by field, so it cannot fail and cannot fall back to
    /// anything else.
    pub fn cfssl_default() -> Policy {
        Policy {
            key_usage: alloc::vec![KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment],
            ext_key_usage: alloc::vec![oid::EKU_SERVER_AUTH, oid::EKU_CLIENT_AUTH],
            ..Policy::bare("default", DEFAULT_EXPIRY, DEFAULT_BACKDATE)
        }
    }

    /// The policy `gencert -initca` applies: cfssl's `CAPolicy`,
    /// `cert sign` + `crl sign`, cA=TRUE.
    pub fn root_ca(expiry: Duration, backdate: Duration, path_len: Option<u8>) -> Policy {
        Policy {
            key_usage: alloc::vec![KeyUsages::KeyCertSign, KeyUsages::CRLSign],
            is_ca: true,
            path_len,
            ..Policy::bare("initca", expiry, backdate)
        }
    }

    /// A policy with a name and a lifetime and nothing else: no usage, not
    /// a CA, no URLs. The two built-in policies above start from it.
    fn bare(name: &str, expiry: Duration, backdate: Duration) -> Policy {
        Policy {
            name: name.into(),
            key_usage: Vec::new(),
            ext_key_usage: Vec::new(),
            expiry,
            backdate,
            not_before: None,
            not_after: None,
            is_ca: false,
            path_len: None,
            name_whitelist: None,
            crl_url: None,
            ocsp_url: None,
            issuer_urls: Vec::new(),
            ocsp_no_check: false,
            allow_bidi_controls: false,
            signer_name: None,
            ignored: Vec::new(),
            policies: Vec::new(),
            copy_extensions: false,
            allowed_extensions: Vec::new(),
            name_constraints: None,
            unused_profiles: Vec::new(),
        }
    }
}

/// A compiled `name_whitelist`.
#[derive(Clone, Debug)]
pub struct NameWhitelist {
    /// The source text.
    pub pattern: String,
    regex: Regex,
}

#[cfg(feature = "regex")]
type Regex = regex_automata::meta::Regex;

#[cfg(feature = "regex")]
fn compile(pattern: &str, profile: &str) -> Result<Regex> {
    Regex::new(pattern).map_err(|e| Error::Config {
        field: alloc::format!("signing.{profile}.name_whitelist"),
        reason: alloc::format!("`{pattern}` is not a valid regular expression ({e})"),
    })
}

/// Without the `regex` feature (the npm package leaves the regular
/// expression engine out to stay small) no whitelist can be evaluated, so a
/// profile that has one is refused rather than ignored.
#[cfg(not(feature = "regex"))]
#[derive(Clone, Debug)]
enum Regex {}

#[cfg(not(feature = "regex"))]
impl Regex {
    fn is_match(&self, _: &str) -> bool {
        match *self {}
    }
}

#[cfg(not(feature = "regex"))]
fn compile(_pattern: &str, profile: &str) -> Result<Regex> {
    Err(Error::Config {
        field: alloc::format!("signing.{profile}.name_whitelist"),
        reason: "this build of certkit has no regular expression engine (the npm package leaves it out); sign with the certkit CLI, or remove name_whitelist".into(),
    })
}

/// A loaded signing config.
#[derive(Clone, Debug)]
pub struct SigningConfig {
    default: Policy,
    profiles: BTreeMap<String, Policy>,
}

impl Default for SigningConfig {
    /// cfssl's `DefaultConfig`, used when no `-config` is given: `signing`,
    /// `key encipherment`, `server auth`, `client auth`, 8760h
    /// ([`Policy::cfssl_default`], which cannot fail).
    fn default() -> Self {
        SigningConfig { default: Policy::cfssl_default(), profiles: BTreeMap::new() }
    }
}

impl SigningConfig {
    /// Parses and checks a signing config; `what` names the input in errors.
    pub fn from_json(json: &[u8], what: &str) -> Result<Self> {
        let value = json::document(json, what)?;
        let cfg = ConfigJson::read(&value).map_err(|e| e.into_error(what))?;
        let signing = cfg.signing.ok_or_else(|| Error::JsonField { field: "signing".into(), detail: "it has no \"signing\" section, which holds the profiles: {\"signing\": {\"default\": {…}, \"profiles\": {…}}}".into() }.in_input(what))?;
        let builtin = signing.default.is_none();
        let default_json = signing.default.unwrap_or_else(ProfileJson::builtin_default);
        let mut default = resolve("default", &default_json, None)?;
        if builtin {
            default.unused_profiles = signing.profiles.iter().map(|(name, _)| name.clone()).collect();
            // Sorted: the JSON map's order depends on serde_json's features.
            default.unused_profiles.sort();
        }
        let mut profiles = BTreeMap::new();
        for (name, p) in &signing.profiles {
            let policy = resolve(&alloc::format!("profiles.{name}"), p, Some(&default))?;
            if policy.key_usage.is_empty() && policy.ext_key_usage.is_empty() {
                return Err(Error::Config {
                    field: alloc::format!("signing.profiles.{name}.usages"),
                    reason: "the profile has no usages; list at least one, such as \"digital signature\" and \"server auth\"".into(),
                });
            }
            profiles.insert(name.clone(), Policy { name: name.clone(), ..policy });
        }
        Ok(SigningConfig { default, profiles })
    }

    /// The profile called `name`, or `default` for `None` (or `"default"`).
    pub fn profile(&self, name: Option<&str>) -> Result<&Policy> {
        match name {
            None | Some("") => Ok(&self.default),
            Some(n) => match self.profiles.get(n) {
                Some(p) => Ok(p),
                None if n == "default" => Ok(&self.default),
                None => Err(Error::UnknownProfile {
                    name: n.to_string(),
                    available: core::iter::once("default")
                        .chain(self.profiles.keys().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            },
        }
    }

    /// The profiles that serve the Kubernetes signer `signer`, `default` first.
    pub fn profiles_for_signer(&self, signer: &str) -> Vec<&Policy> {
        core::iter::once(&self.default)
            .chain(self.profiles.values())
            .filter(|p| p.signer_name.as_deref() == Some(signer))
            .collect()
    }

    /// The profile names, `default` first.
    pub fn names(&self) -> Vec<&str> {
        core::iter::once("default").chain(self.profiles.keys().map(String::as_str)).collect()
    }
}

/// A profile's JSON made a [`Policy`], field by field as the module's
/// table lists them; `default` is the config's default profile, whose
/// `expiry` and URLs a named profile inherits when it leaves them empty.
fn resolve(name: &str, p: &ProfileJson, default: Option<&Policy>) -> Result<Policy> {
    let field = |f: &str| alloc::format!("signing.{name}.{f}");
    let (key_usage, ext_key_usage) = usages(&p.usages, &field("usages"))?;
    let (expiry, backdate, not_before, not_after) = lifetime(p, default, &field)?;
    let cc = p.ca_constraint.clone().unwrap_or_default();
    let path_len = path_len(&cc, &field("ca_constraint.max_path_len"))?;
    if key_usage.contains(&KeyUsages::KeyCertSign) && !cc.is_ca {
        return Err(Error::Config {
            field: field("usages"),
            reason: "\"cert sign\" needs \"ca_constraint\": {\"is_ca\": true} (RFC 5280 4.2.1.9 forbids keyCertSign without cA); remove it or make the profile a CA profile".into(),
        });
    }
    let name_whitelist = if p.name_whitelist.is_empty() {
        None
    } else {
        Some(NameWhitelist { pattern: p.name_whitelist.clone(), regex: compile(&p.name_whitelist, name)? })
    };
    let signer_name = if p.signer_name.is_empty() {
        None
    } else {
        crate::pki::dns::validate_signer_name(&p.signer_name, &field("signer_name"))?;
        Some(p.signer_name.clone())
    };
    let (crl_url, ocsp_url, issuer_urls) = urls(p, default, &field)?;
    let name_constraints = name_constraints(p.name_constraints.as_ref(), cc.is_ca, &field("name_constraints"))?;
    Ok(Policy {
        name: name.to_string(),
        key_usage,
        ext_key_usage,
        expiry,
        backdate,
        not_before,
        not_after,
        is_ca: cc.is_ca,
        path_len,
        name_whitelist,
        crl_url,
        ocsp_url,
        issuer_urls,
        ocsp_no_check: p.ocsp_no_check,
        allow_bidi_controls: p.allow_bidi_controls,
        signer_name,
        policies: policies(&p.policies)?,
        copy_extensions: p.copy_extensions,
        allowed_extensions: p
            .allowed_extensions
            .iter()
            .map(|(path, text)| {
                ObjectIdentifier::new(text).map_err(|_| Error::Config {
                    field: path.clone(),
                    reason: alloc::format!(
                        "`{text}` is not an object identifier; write it dotted, as \"1.3.6.1.4.1.311.21.7\""
                    ),
                })
            })
            .collect::<Result<Vec<_>>>()?,
        ignored: p.ignored.clone(),
        name_constraints,
        unused_profiles: Vec::new(),
    })
}

/// `name_constraints`: checked subtrees ([`NameConstraints::from_lists`]),
/// only in a profile that makes CAs; lists that are all empty are none.
fn name_constraints(lists: Option<&ConstraintLists>, is_ca: bool, field: &str) -> Result<Option<NameConstraints>> {
    let Some(lists) = lists.filter(|l| !l.is_empty()) else { return Ok(None) };
    if !is_ca {
        return Err(Error::Config {
            field: field.into(),
            reason: "name constraints limit what a CA signs, so only a CA profile may carry them; add \"ca_constraint\": {\"is_ca\": true} (and \"cert sign\") or remove them".into(),
        });
    }
    Ok(Some(NameConstraints::from_lists(lists, field)?))
}

/// `usages`: cfssl's strings, each known, split into keyUsage bits and
/// extendedKeyUsage purposes (duplicates dropped, order kept).
fn usages(names: &[String], field: &str) -> Result<(Vec<KeyUsages>, Vec<ObjectIdentifier>)> {
    let mut key_usage = Vec::new();
    let mut ext_key_usage = Vec::new();
    for (i, u) in names.iter().enumerate() {
        match Usage::from_cfssl(u) {
            Some(Usage::Key(k)) if !key_usage.contains(&k) => key_usage.push(k),
            Some(Usage::Ext(o)) if !ext_key_usage.contains(&o) => ext_key_usage.push(o),
            Some(_) => {}
            None => {
                return Err(Error::UnknownUsage {
                    field: alloc::format!("{field}[{i}]"),
                    usage: u.clone(),
                    known: &USAGE_NAMES,
                });
            }
        }
    }
    Ok((key_usage, ext_key_usage))
}

/// The validity fields: `expiry` (inherited, else 8760h), `backdate`, and
/// the fixed `not_before`/`not_after`, which must be in order.
#[allow(clippy::type_complexity)]
fn lifetime(
    p: &ProfileJson,
    default: Option<&Policy>,
    field: &dyn Fn(&str) -> String,
) -> Result<(Duration, Duration, Option<UnixTime>, Option<UnixTime>)> {
    let expiry = if !p.expiry.is_empty() {
        duration::parse(&p.expiry, &field("expiry"))?
    } else {
        default.map(|d| d.expiry).unwrap_or(DEFAULT_EXPIRY)
    };
    let backdate =
        if p.backdate.is_empty() { DEFAULT_BACKDATE } else { duration::parse(&p.backdate, &field("backdate"))? };
    check_lifetime(expiry, backdate, &field("expiry"), &field("backdate"))?;
    let not_before = p.not_before.as_deref().map(|t| parse_rfc3339(t, &field("not_before"))).transpose()?;
    let not_after = p.not_after.as_deref().map(|t| parse_rfc3339(t, &field("not_after"))).transpose()?;
    if let (Some(nb), Some(na)) = (not_before, not_after)
        && na <= nb
    {
        return Err(Error::Config {
            field: field("not_after"),
            reason: "not_after must be later than not_before".into(),
        });
    }
    Ok((expiry, backdate, not_before, not_after))
}

/// `ca_constraint`'s pathLenConstraint, as Go's x509 reads it: a positive
/// `max_path_len`; 0 only with `max_path_len_zero`; -1 for none.
fn path_len(cc: &CaConstraintJson, field: &str) -> Result<Option<u8>> {
    if !cc.is_ca {
        return Ok(None);
    }
    if cc.max_path_len > 0 {
        return u8::try_from(cc.max_path_len).map(Some).map_err(|_| Error::Config {
            field: field.into(),
            reason: "max_path_len must be between 0 and 255".into(),
        });
    }
    if cc.max_path_len < -1 {
        return Err(Error::Config {
            field: field.into(),
            reason: "max_path_len must be from 0 to 255, or -1 for no limit".into(),
        });
    }
    // Go's x509 (and so cfssl) reads -1 as "no pathLenConstraint".
    Ok(if cc.max_path_len == 0 && cc.max_path_len_zero { Some(0) } else { None })
}

/// `crl_url`, `ocsp_url` and `issuer_urls`: each an http(s) or ldap URL;
/// an empty one inherits the default profile's.
fn urls(
    p: &ProfileJson,
    default: Option<&Policy>,
    field: &dyn Fn(&str) -> String,
) -> Result<(Option<String>, Option<String>, Vec<String>)> {
    let url = |own: &str, inherited: Option<&Option<String>>, f: &str| -> Result<Option<String>> {
        if own.is_empty() {
            return Ok(inherited.cloned().flatten());
        }
        check_url(own, &field(f))?;
        Ok(Some(own.to_string()))
    };
    let crl_url = url(&p.crl_url, default.map(|d| &d.crl_url), "crl_url")?;
    let ocsp_url = url(&p.ocsp_url, default.map(|d| &d.ocsp_url), "ocsp_url")?;
    let issuer_urls = if p.issuer_urls.is_empty() {
        default.map(|d| d.issuer_urls.clone()).unwrap_or_default()
    } else {
        for (i, u) in p.issuer_urls.iter().enumerate() {
            check_url(u, &alloc::format!("{}[{i}]", field("issuer_urls")))?;
        }
        p.issuer_urls.clone()
    };
    Ok((crl_url, ocsp_url, issuer_urls))
}

/// `policies`: each OID once (RFC 5280 §4.2.1.4).
fn policies(json: &[PolicyJson]) -> Result<Vec<CertPolicy>> {
    let policies = json.iter().map(CertPolicy::from_json).collect::<Result<Vec<_>>>()?;
    for (i, policy) in policies.iter().enumerate() {
        if policies[..i].iter().any(|earlier| earlier.oid == policy.oid) {
            return Err(Error::Config {
                field: alloc::format!("{}.ID", json[i].path),
                reason: alloc::format!("{} is listed twice; RFC 5280 4.2.1.4 allows each policy once", policy.oid),
            });
        }
    }
    Ok(policies)
}

/// A certificate policy (RFC 5280 §4.2.1.4), as cfssl's `policies` give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertPolicy {
    /// The policy's OID, such as the CA/B Forum's 2.23.140.1.2.1 (DV).
    pub oid: ObjectIdentifier,
    /// Its qualifiers, in the order given.
    pub qualifiers: Vec<PolicyQualifier>,
}

/// A policy qualifier: the two RFC 5280 defines, which cfssl writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyQualifier {
    /// `id-qt-cps`: the URL of the certification practice statement.
    Cps(String),
    /// `id-qt-unotice`: a user notice's explicit text (1–200 characters).
    UserNotice(String),
}

impl CertPolicy {
    fn from_json(p: &PolicyJson) -> Result<CertPolicy> {
        let id_field = alloc::format!("{}.ID", p.path);
        let oid = ObjectIdentifier::new(&p.id).map_err(|_| Error::Config {
            field: id_field.clone(),
            reason: alloc::format!("`{}` is not an OID; write it dotted, like \"2.23.140.1.2.1\"", p.id),
        })?;
        let mut qualifiers = Vec::new();
        for (i, (kind, value)) in p.qualifiers.iter().enumerate() {
            let field = alloc::format!("{}.qualifiers[{i}]", p.path);
            qualifiers.push(match kind.as_str() {
                "id-qt-cps" => {
                    check_url(value, &alloc::format!("{field}.value"))?;
                    PolicyQualifier::Cps(value.clone())
                }
                "id-qt-unotice" => {
                    let chars = value.chars().count();
                    if !(1..=200).contains(&chars) || value.chars().any(char::is_control) {
                        return Err(Error::Config {
                            field: alloc::format!("{field}.value"),
                            reason: "a user notice is 1 to 200 characters of text, on one line (RFC 5280 4.2.1.4)".into(),
                        });
                    }
                    PolicyQualifier::UserNotice(value.clone())
                }
                other => {
                    return Err(Error::Config {
                        field: alloc::format!("{field}.type"),
                        reason: alloc::format!(
                            "`{}` is not a qualifier type; use \"id-qt-cps\" (a CPS URL) or \"id-qt-unotice\" (a user notice)",
                            crate::text::shown(other)
                        ),
                    });
                }
            });
        }
        Ok(CertPolicy { oid, qualifiers })
    }
}

fn check_url(u: &str, field: &str) -> Result<()> {
    let ok = (u.starts_with("http://") || u.starts_with("https://") || u.starts_with("ldap://"))
        && u.len() > 8
        && u.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(Error::Config {
            field: field.to_string(),
            reason: alloc::format!("`{u}` is not an http(s) or ldap URL without spaces"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_default_is_cfssl_s_default_profile_and_never_a_ca() {
        let read = resolve("default", &ProfileJson::builtin_default(), None).unwrap();
        let built = Policy::cfssl_default();
        assert_eq!(alloc::format!("{built:?}"), alloc::format!("{read:?}"));
        assert!(!SigningConfig::default().profile(None).unwrap().is_ca);
    }

    const SEED: &[u8] = br#"{
        "signing": {
            "default": {
                "usages": ["digital signature", "key encipherment", "server auth"],
                "expiry": "876000h",
                "ca_constraint": { "is_ca": false }
            }
        }
    }"#;

    #[test]
    #[cfg(feature = "regex")]
    fn seed_config() {
        let cfg = SigningConfig::from_json(SEED, "server-signing-config.json").unwrap();
        let p = cfg.profile(None).unwrap();
        assert_eq!(p.expiry, Duration::from_secs(876_000 * 3600));
        assert_eq!(p.key_usage, [KeyUsages::DigitalSignature, KeyUsages::KeyEncipherment]);
        assert_eq!(p.ext_key_usage, [oid::EKU_SERVER_AUTH]);
        assert!(!p.is_ca);
    }

    #[test]
    fn unknown_usage_profile_and_expiry_are_errors() {
        let e = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["server auth","bogus"],"expiry":"1h"}}}"#,
            "c.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("signing.default.usages[1] `bogus`"), "{e}");
        let e = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["server auth"],"expiry":"1h","backdate":"2h"}}}"#,
            "c.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("signing.default.backdate: 2h is not shorter than signing.default.expiry (1h)"), "{e}");
        let cfg = SigningConfig::from_json(SEED, "c").unwrap();
        let e = cfg.profile(Some("www")).unwrap_err().to_string();
        assert!(e.contains("`www`") && e.contains("default"), "{e}");
        let e = SigningConfig::from_json(br#"{"signing":{"default":{"usages":["signing"],"expiry":"1 year"}}}"#, "c")
            .unwrap_err();
        assert!(e.to_string().starts_with("signing.default.expiry"), "{e}");
        let e = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["signing"],"expiry":"1h","expiri":"2h"}}}"#,
            "c.json",
        )
        .unwrap_err();
        assert!(e.to_string().contains("expiri"), "{e}");
    }

    #[test]
    fn profiles_inherit_and_ca_constraints() {
        let cfg = SigningConfig::from_json(
            br#"{"signing":{"default":{"expiry":"168h","crl_url":"http://crl.example/ca.crl"},
                 "profiles":{"intermediate":{"usages":["cert sign","crl sign"],"ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},
                             "www":{"usages":["signing","server auth"],"expiry":"90d","name_whitelist":"\\.example\\.com$"}}}}"#,
            "c",
        )
        .unwrap();
        let i = cfg.profile(Some("intermediate")).unwrap();
        assert!(i.is_ca);
        assert_eq!(i.path_len, Some(0));
        assert_eq!(i.expiry, Duration::from_secs(168 * 3600));
        assert_eq!(i.crl_url.as_deref(), Some("http://crl.example/ca.crl"));
        let w = cfg.profile(Some("www")).unwrap();
        assert!(w.check_name("CN", "a.example.com").is_ok());
        assert!(w.check_name("CN", "a.example.org").is_err());
    }

    #[test]
    fn members_are_read_like_go_and_named_by_path() {
        // Any case, nulls as "not given", cfssl's server-only members ignored
        // whatever they hold; profile names keep their case.
        let cfg = SigningConfig::from_json(
            br#"{"SIGNING":{"Default":{"USAGES":["signing"],"Expiry":"2h","crl_url":null,
                 "auth_key":"k","remote":{"x":[1]},"ct_log_servers":["a"],"ignored_lints":[]},
                 "profiles":{"Www":{"usages":["server auth"]},"gone":null}},
                 "auth_keys":{"k":{"type":"standard"}},"remotes":{},"ocsp":null}"#,
            "c",
        )
        .unwrap();
        assert_eq!(cfg.profile(Some("Www")).unwrap().expiry, Duration::from_secs(2 * 3600));
        assert!(cfg.profile(Some("www")).is_err() && cfg.profile(Some("gone")).is_err());
        for (input, field, says) in [
            (&br#"{"signing":{"default":{"expiry":3}}}"#[..], "signing.default.expiry", "must be a string"),
            (
                br#"{"signing":{"profiles":{"w":{"usages":"server auth"}}}}"#,
                "signing.profiles.w.usages",
                "must be a list",
            ),
            (
                br#"{"signing":{"profiles":{"w":{"usages":["a",1]}}}}"#,
                "signing.profiles.w.usages[1]",
                "must be a string",
            ),
            (br#"{"signing":{"profiles":["w"]}}"#, "signing.profiles", "must be an object"),
            (
                br#"{"signing":{"profiles":{"w":{"ca_constraint":{"is_ca":"yes"}}}}}"#,
                "signing.profiles.w.ca_constraint.is_ca",
                "true or false",
            ),
            (
                br#"{"signing":{"profiles":{"w":{"ca_constraint":{"max_path_len":1.5}}}}}"#,
                "signing.profiles.w.ca_constraint.max_path_len",
                "whole number",
            ),
            (
                br#"{"signing":{"profiles":{"w":{"expiri":"1h"}}}}"#,
                "signing.profiles.w.expiri",
                "unknown field `expiri` in `signing.profiles.w`",
            ),
            (br#"{"signing":{"default":{"expiry":"1h","EXPIRY":"2h"}}}"#, "signing.default.expiry", "given twice"),
            (br#"{"signin":{}}"#, "signin", "unknown field `signin`"),
            (
                br#"{"signing":{"profiles":{"w\nx":{"expiry":5}}}}"#,
                "signing.profiles.w\\u{a}x.expiry",
                "`signing.profiles.w\\u{a}x.expiry`",
            ),
            (
                br#"{"signing":{"default":{"exp\u001b[31m":"1h"}}}"#,
                "signing.default.exp\\u{1b}[31m",
                "unknown field `exp\\u{1b}[31m`",
            ),
            (
                br#"{"signing":{"default":{"ca_constraint":{"max_path_len":1e3}}}}"#,
                "signing.default.ca_constraint.max_path_len",
                "from -1 (no limit) to 255",
            ),
            (br#"{"auth_keys":{}}"#, "signing", "has no \"signing\" section"),
        ] {
            let e = SigningConfig::from_json(input, "c").unwrap_err();
            assert_eq!(e.field().as_deref(), Some(field), "{e}");
            assert!(e.to_string().contains(says), "{e}");
            assert!(!e.to_string().chars().any(char::is_control), "{e}");
        }
        let e = SigningConfig::from_json(
            br#"{"signing":{"profiles":{"w":{"usages":["cert sign"],"ca_constraint":{"is_ca":true,"max_path_len":-2}}}}}"#,
            "c",
        )
        .unwrap_err();
        assert!(e.to_string().contains("or -1 for no limit"), "{e}");
        let cfg = SigningConfig::from_json(
            br#"{"signing":{"profiles":{"w":{"usages":["cert sign"],"ca_constraint":{"is_ca":true,"max_path_len":-1}}}}}"#,
            "c",
        )
        .unwrap();
        let w = cfg.profile(Some("w")).unwrap();
        assert!(w.is_ca && w.path_len.is_none());
    }

    #[test]
    fn cert_sign_needs_a_ca_profile() {
        let e = SigningConfig::from_json(br#"{"signing":{"default":{"usages":["cert sign"],"expiry":"1h"}}}"#, "c")
            .unwrap_err();
        assert!(e.to_string().contains("is_ca"), "{e}");
    }

    #[test]
    fn name_constraints_are_read_checked_and_named_by_path() {
        let ca = |nc: &str| {
            alloc::format!(
                r#"{{"signing":{{"profiles":{{"tenant":{{"usages":["cert sign","crl sign"],"ca_constraint":{{"is_ca":true}},"name_constraints":{nc}}}}}}}}}"#
            )
        };
        let cfg = SigningConfig::from_json(
            ca(r#"{"permitted_dns":["svc.cluster.local"],"permitted_ip":["10.0.0.0/8","fd00::/8"],"excluded_dns":["bad.svc.cluster.local"],
                "permitted_email":[".example.com"],"permitted_uri":[".svc.cluster.local"],"excluded_email":[],"excluded_ip":null}"#)
            .as_bytes(),
            "c",
        )
        .unwrap();
        let nc = cfg.profile(Some("tenant")).unwrap().name_constraints.as_ref().unwrap();
        assert_eq!((nc.permitted.len(), nc.excluded.len()), (5, 1));
        // Empty lists are no constraints.
        let cfg = SigningConfig::from_json(ca(r#"{"permitted_dns":[]}"#).as_bytes(), "c").unwrap();
        assert!(cfg.profile(Some("tenant")).unwrap().name_constraints.is_none());
        for (nc, field, says) in [
            (r#"{"permitted_dns":[".example.com"]}"#, "permitted_dns[0]", "write `example.com` (RFC 5280"),
            (r#"{"permitted_dns":["a.com","*.b.com"]}"#, "permitted_dns[1]", "holds a wildcard"),
            (r#"{"permitted_ip":["10.0.0.0/8","10.1.0.0/8"]}"#, "permitted_ip[1]", "host bits set"),
            (r#"{"excluded_ip":["fd00::1/8"]}"#, "excluded_ip[0]", "`fd00::/8`"),
            (r#"{"permitted_email":["a@b@"]}"#, "permitted_email[0]", "is not a mailbox"),
            (r#"{"excluded_uri":["spiffe://x"]}"#, "excluded_uri[0]", "not a URI"),
            (r#"{"permitted_dns":"example.com"}"#, "permitted_dns", "must be a list"),
            (r#"{"permited_dns":["example.com"]}"#, "permited_dns", "unknown field"),
        ] {
            let e = SigningConfig::from_json(ca(nc).as_bytes(), "c").unwrap_err();
            assert_eq!(
                e.field().as_deref(),
                Some(alloc::format!("signing.profiles.tenant.name_constraints.{field}").as_str()),
                "{e}"
            );
            assert!(e.to_string().contains(says), "{e}");
        }
        // A leaf profile may not carry them.
        let e = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["server auth"],"name_constraints":{"permitted_dns":["example.com"]}}}}"#,
            "c",
        )
        .unwrap_err();
        assert_eq!(e.field().as_deref(), Some("signing.default.name_constraints"), "{e}");
        assert!(e.to_string().contains("only a CA profile may carry them"), "{e}");
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("2030-01-02T03:04:05Z", "f").unwrap().rfc3339(), "2030-01-02T03:04:05Z");
        assert_eq!(parse_rfc3339("2030-01-02T05:04:05+02:00", "f").unwrap().rfc3339(), "2030-01-02T03:04:05Z");
        assert!(parse_rfc3339("2030-13-02T03:04:05Z", "f").is_err());
        assert!(parse_rfc3339("yesterday", "f").is_err());
        assert!(parse_rfc3339("2030-01-02T03:04:05+€00", "f").is_err());
        assert!(parse_rfc3339("2030-01-02T03:04:05€", "f").is_err());
    }

    #[test]
    fn every_documented_usage_parses() {
        for u in USAGE_NAMES {
            assert!(Usage::from_cfssl(u).is_some(), "{u}");
        }
    }
}
