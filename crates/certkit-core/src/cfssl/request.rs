//! cfssl's CSR JSON (`csr.CertificateRequest`), accepted as cfssl writes it.
//!
//! ```json
//! { "CN": "my-svc.my-namespace.svc.cluster.local",
//!   "hosts": ["my-svc.my-namespace.svc.cluster.local", "10.0.34.2"],
//!   "key": { "algo": "ecdsa", "size": 256 },
//!   "names": [{ "C": "US", "ST": "CA", "L": "San Francisco", "O": "Example", "OU": "Ops" }],
//!   "ca": { "expiry": "43800h", "pathlen": 1, "pathlenzero": false, "backdate": "5m" },
//!   "serialnumber": "" }
//! ```
//!
//! Where cfssl is lax, certkit is strict: an unknown field is an error (a
//! typo such as `"host"` would otherwise be silently ignored), `key` is
//! validated before any work, and every `hosts` entry is checked
//! ([`crate::pki::san`]). `ca` is only accepted for a CA request (`-initca`).

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use serde::Serialize;
use serde_json::Value;
use x509_cert::name::Name;

use crate::cfssl::duration;
use crate::cfssl::json::{self, FieldError, Object};
use crate::cfssl::validity::{DEFAULT_BACKDATE, DEFAULT_CA_EXPIRY};
use crate::pki::key::KeyAlgorithm;
use crate::pki::name::{self, NameEntry};
use crate::pki::san::{self, San};
use crate::{Error, Result};

/// cfssl's CSR JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CsrRequest {
    /// Subject common name.
    #[serde(rename = "CN", default)]
    pub cn: String,
    /// Subject attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<NameEntry>,
    /// DNS names, IPs, emails and URIs for the SAN extension.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Key type and size (default ECDSA P-256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRequest>,
    /// CA settings, for `-initca` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<CaRequest>,
    /// The subject's serialNumber attribute.
    #[serde(rename = "serialnumber", default, skip_serializing_if = "String::is_empty")]
    pub serial_number: String,
    /// cfssl's `crl_url` for `-initca` (accepted; certkit takes CRL URLs from the signing profile).
    #[serde(rename = "crl_url", default, skip_serializing_if = "String::is_empty")]
    pub crl_url: String,
}

/// cfssl's `key` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KeyRequest {
    /// `ecdsa`, `rsa` or `ed25519`.
    #[serde(default)]
    pub algo: String,
    /// 256/384 for ecdsa; 2048/3072/4096 for rsa.
    #[serde(default)]
    pub size: u32,
}

/// cfssl's `ca` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CaRequest {
    /// pathLenConstraint; 0 means none unless `pathlenzero`.
    #[serde(default)]
    pub pathlen: u8,
    /// Make a `pathlen` of 0 mean "0" rather than "no constraint".
    #[serde(default)]
    pub pathlenzero: bool,
    /// CA lifetime (default 43800h, five years).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expiry: String,
    /// Backdate of notBefore (default 5m).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub backdate: String,
}

/// A request whose every field has been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    /// The subject.
    pub subject: Name,
    /// The SANs, sorted as cfssl sorts `hosts`.
    pub sans: Vec<San>,
    /// The key to make.
    pub key: KeyAlgorithm,
    /// CA settings, when the request is for a CA.
    pub ca: Option<CaParams>,
}

/// Checked CA settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaParams {
    /// pathLenConstraint, or none.
    pub path_len: Option<u8>,
    /// Lifetime.
    pub expiry: Duration,
    /// notBefore backdate.
    pub backdate: Duration,
}

/// The request's fields. Each object's members match its fields without
/// regard to case, as Go's `encoding/json` matches them ([`Object`]).
const REQUEST_FIELDS: &[&str] = &["CN", "names", "hosts", "key", "ca", "serialnumber", "crl_url"];
/// A `names` entry's fields.
const NAME_FIELDS: &[&str] = &["C", "ST", "L", "O", "OU", "E", "SerialNumber"];

impl CsrRequest {
    /// Parses cfssl CSR JSON; `what` names the input in errors.
    pub fn from_json(json: &[u8], what: &str) -> Result<Self> {
        let value = json::document(json, what)?;
        Self::read(&value).map_err(|e| e.into_error(what))
    }

    /// Reads the normalised document member by member.
    fn read(value: &Value) -> core::result::Result<Self, FieldError> {
        let o = Object::new(value, "", REQUEST_FIELDS)?;
        Ok(CsrRequest {
            cn: o.string("CN")?,
            names: o.list("names", |v, path| {
                let n = Object::new(v, path, NAME_FIELDS)?;
                Ok(NameEntry {
                    country: n.string("C")?,
                    province: n.string("ST")?,
                    locality: n.string("L")?,
                    organization: n.string("O")?,
                    organizational_unit: n.string("OU")?,
                    email: n.string("E")?,
                    serial_number: n.string("SerialNumber")?,
                })
            })?,
            hosts: o.list("hosts", json::string)?,
            key: match o.get("key") {
                None => None,
                Some(v) => {
                    let k = Object::new(v, "key", &["algo", "size"])?;
                    Some(KeyRequest { algo: k.string("algo")?, size: k.number("size", "0 to 4294967295")? })
                }
            },
            ca: match o.get("ca") {
                None => None,
                Some(v) => {
                    let c = Object::new(v, "ca", &["pathlen", "pathlenzero", "expiry", "backdate"])?;
                    Some(CaRequest {
                        pathlen: c.number("pathlen", "0 to 255")?,
                        pathlenzero: c.boolean("pathlenzero")?,
                        expiry: c.string("expiry")?,
                        backdate: c.string("backdate")?,
                    })
                }
            },
            serial_number: o.string("serialnumber")?,
            crl_url: o.string("crl_url")?,
        })
    }

    /// Checks every field. `initca` says whether this is a CA request:
    /// `ca` is refused otherwise, as cfssl refuses it.
    // Inlined so that a caller that passes a constant `false` (the npm
    // package's first module) leaves the CA settings' code out.
    #[inline(always)]
    pub fn validate(&self, initca: bool) -> Result<Validated> {
        let key = match &self.key {
            Some(k) => KeyAlgorithm::from_cfssl(&k.algo, k.size)?,
            None => KeyAlgorithm::default(),
        };
        let subject = name::build(&self.cn, &self.names, &self.serial_number)?;
        let sans = san::from_hosts(&self.hosts)?;
        let ca = if initca {
            Some(self.ca_params(&subject)?)
        } else {
            if self.ca.is_some() {
                return Err(Error::Config {
                    field: "ca".into(),
                    reason:
                        "the ca section belongs to CA requests only (a self-signed or intermediate CA's); remove it"
                            .into(),
                });
            }
            None
        };
        if subject.is_empty() && sans.is_empty() {
            return Err(Error::EmptySubject);
        }
        Ok(Validated { subject, sans, key, ca })
    }

    /// The checked `ca` section of a CA request.
    fn ca_params(&self, subject: &Name) -> Result<CaParams> {
        let c = self.ca.clone().unwrap_or_default();
        if c.pathlen != 0 && c.pathlenzero {
            return Err(Error::Config {
                field: "ca.pathlenzero".into(),
                reason: "pathlenzero makes sense only with pathlen 0; drop one of them".into(),
            });
        }
        if subject.is_empty() {
            return Err(Error::Name { field: "CN".into(), reason: "a CA needs a subject; give a CN or names".into() });
        }
        let expiry = if c.expiry.is_empty() { DEFAULT_CA_EXPIRY } else { duration::parse(&c.expiry, "ca.expiry")? };
        let backdate =
            if c.backdate.is_empty() { DEFAULT_BACKDATE } else { duration::parse(&c.backdate, "ca.backdate")? };
        crate::cfssl::validity::check_lifetime(expiry, backdate, "ca.expiry", "ca.backdate")?;
        Ok(CaParams { path_len: if c.pathlen > 0 || c.pathlenzero { Some(c.pathlen) } else { None }, expiry, backdate })
    }

    /// `cfssl print-defaults csr`.
    pub fn example() -> Self {
        CsrRequest {
            cn: "example.net".into(),
            hosts: alloc::vec!["example.net".into(), "www.example.net".into()],
            key: Some(KeyRequest { algo: "ecdsa".into(), size: 256 }),
            names: alloc::vec![NameEntry {
                country: "US".into(),
                province: "CA".into(),
                locality: "San Francisco".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn seed_server_request() {
        let json = br#"{
          "hosts": ["my-svc.my-namespace.svc.cluster.local", "my-pod.my-namespace.pod.cluster.local", "192.0.2.24", "10.0.34.2"],
          "CN": "my-pod.my-namespace.pod.cluster.local",
          "key": { "algo": "ecdsa", "size": 256 }
        }"#;
        let v = CsrRequest::from_json(json, "csr.json").unwrap().validate(false).unwrap();
        assert_eq!(v.key, KeyAlgorithm::EcdsaP256);
        assert_eq!(v.sans.len(), 4);
        assert!(v.ca.is_none());
    }

    #[test]
    fn seed_ca_request_defaults() {
        let json = br#"{ "CN": "My Example Signer", "key": { "algo": "rsa", "size": 2048 } }"#;
        let v = CsrRequest::from_json(json, "ca.json").unwrap().validate(true).unwrap();
        let ca = v.ca.unwrap();
        assert_eq!(ca.expiry, DEFAULT_CA_EXPIRY);
        assert_eq!(ca.path_len, None);
    }

    #[test]
    fn typos_and_misplaced_sections_are_errors() {
        let e = CsrRequest::from_json(br#"{"CN":"x","host":["a"]}"#, "csr.json").unwrap_err().to_string();
        assert!(e.contains("csr.json") && e.contains("host"), "{e}");
        let e = CsrRequest::from_json(br#"{"CN":"x","ca":{"expiry":"1h"}}"#, "csr.json")
            .unwrap()
            .validate(false)
            .unwrap_err();
        // The core names no command of a front end; the fix is in words.
        assert!(e.to_string().contains("belongs to CA requests only") && !e.to_string().contains("certkit"), "{e}");
        let e =
            CsrRequest::from_json(br#"{"CN":"x","ca":{"expiry":"forever"}}"#, "c").unwrap().validate(true).unwrap_err();
        assert!(e.to_string().starts_with("ca.expiry"), "{e}");
        // A CA born expired: the lifetime runs from now − backdate (5m).
        for (ca, says) in [
            (r#"{"expiry":"1s"}"#, "ca.backdate: 5m is not shorter than ca.expiry (1s), so every certificate"),
            (r#"{"expiry":"1h","backdate":"2h"}"#, "ca.backdate: 2h is not shorter than ca.expiry (1h)"),
            (r#"{"expiry":"0s"}"#, "ca.expiry: the expiry is under a second"),
            (r#"{"expiry":"1500ms","backdate":"1s"}"#, "ca.backdate: 1s is not shorter than ca.expiry (1s)"),
        ] {
            let json = alloc::format!(r#"{{"CN":"x","ca":{ca}}}"#);
            let e = CsrRequest::from_json(json.as_bytes(), "c").unwrap().validate(true).unwrap_err().to_string();
            assert!(e.starts_with(says), "{e}");
        }
        let e = CsrRequest::from_json(b"{not json", "csr.json").unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn pathlen() {
        let v = CsrRequest::from_json(br#"{"CN":"x","ca":{"pathlen":0,"pathlenzero":true}}"#, "c")
            .unwrap()
            .validate(true)
            .unwrap();
        assert_eq!(v.ca.unwrap().path_len, Some(0));
        let v = CsrRequest::from_json(br#"{"CN":"x","ca":{"pathlen":2}}"#, "c").unwrap().validate(true).unwrap();
        assert_eq!(v.ca.unwrap().path_len, Some(2));
    }
}
