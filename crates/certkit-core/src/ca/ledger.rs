//! The issuance ledger of a CA directory: an append-only record of every
//! certificate the CA signed, every revocation and every CRL.
//!
//! The format is one line per record, readable and greppable:
//!
//! ```text
//! certkit-ledger v1
//! {"type":"issued","time":"2026-11-27T03:00:00Z","serial":"4114…","subject":"CN=web",…}<TAB>9f86d081884c7d65
//! {"type":"revoked","time":"2026-11-28T10:00:00Z","serial":"4114…","reason":"keyCompromise"}<TAB>3a7bd3e2360a3d29
//! {"type":"crl","time":"2026-11-28T10:05:00Z","number":1,"next_update":"2026-12-05T10:05:00Z"}<TAB>…
//! ```
//!
//! Each line is a JSON object, a tab, and the first 16 hex digits of the
//! SHA-256 of the JSON text, so a changed byte is caught and reported with
//! its line number. Records are only ever appended. A last line without its
//! newline is a write that was cut off (a crash mid-append): its
//! certificate was never handed out, because certkit writes the record,
//! flushes it to disk, and only then prints the certificate. [`Ledger::parse`]
//! reports such a torn tail separately so the writer can cut it off under
//! the directory's lock.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use base64ct::{Base64, Encoding};
use der::Decode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::issue::certificate::Role;
use crate::issue::crl::{Reason, Revoked};
use crate::pki::san::San;
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// The first line of every ledger.
pub const HEADER: &str = "certkit-ledger v1";

/// One record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Record {
    /// A certificate was signed.
    Issued(Issued),
    /// A certificate was revoked.
    Revoked {
        /// When (RFC 3339).
        time: String,
        /// Its serial number, decimal.
        serial: String,
        /// RFC 5280's reason name.
        reason: String,
    },
    /// A CRL was published.
    Crl {
        /// When (RFC 3339).
        time: String,
        /// Its cRLNumber.
        number: u64,
        /// Its nextUpdate (RFC 3339).
        next_update: String,
    },
}

/// What the ledger keeps of an issued certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issued {
    /// When it was signed (RFC 3339).
    pub time: String,
    /// Serial number, decimal.
    pub serial: String,
    /// Subject, RFC 4514.
    pub subject: String,
    /// SANs as `DNS:…`, `IP:…`, `email:…`, `URI:…`.
    pub sans: Vec<String>,
    /// notBefore (RFC 3339).
    pub not_before: String,
    /// notAfter (RFC 3339).
    pub not_after: String,
    /// The profile it was signed with.
    pub profile: String,
    /// What it is (root, intermediate, cross, leaf); absent in records
    /// written before certkit recorded it ([`Issued::role`] then reads the
    /// certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// SHA-256 fingerprint of the certificate, hex.
    pub sha256: String,
    /// The certificate, base64 DER.
    pub cert: String,
    /// The CSR it was signed from, base64 DER (for renewal), if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub csr: String,
}

impl Issued {
    /// The record for a certificate just signed.
    pub fn new(cert_der: &[u8], csr_der: Option<&[u8]>, profile: &str, role: Role, now: UnixTime) -> Result<Issued> {
        let cert = Certificate::from_der(cert_der)
            .map_err(|e| Error::Der { detail: e.to_string() }.in_input("certificate"))?;
        let tbs = cert.tbs_certificate();
        let mut sans = Vec::new();
        if let Some(exts) = tbs.extensions() {
            for e in exts.iter().filter(|e| e.extn_id == crate::pki::oid::SAN) {
                if let Ok(san) = x509_cert::ext::pkix::SubjectAltName::from_der(e.extn_value.as_bytes()) {
                    sans.extend(san.0.iter().filter_map(San::from_general_name).map(|s| alloc::format!("{s}")));
                }
            }
        }
        let v = tbs.validity();
        Ok(Issued {
            time: now.rfc3339(),
            serial: crate::cfssl::info::decimal(tbs.serial_number().as_bytes()),
            subject: tbs.subject().to_string(),
            sans,
            not_before: UnixTime::from_x509(&v.not_before).rfc3339(),
            not_after: UnixTime::from_x509(&v.not_after).rfc3339(),
            profile: profile.to_string(),
            role: Some(role),
            sha256: hex(&Sha256::digest(cert_der)),
            cert: Base64::encode_string(cert_der),
            csr: csr_der.map(Base64::encode_string).unwrap_or_default(),
        })
    }

    /// The key identifier of the CA key that signed it (its
    /// authorityKeyIdentifier), if the stored certificate says.
    pub fn authority_key_id(&self) -> Option<Vec<u8>> {
        let der = Base64::decode_vec(&self.cert).ok()?;
        let cert = Certificate::from_der(&der).ok()?;
        let exts = cert.tbs_certificate().extensions()?;
        let e = exts.iter().find(|e| e.extn_id == crate::pki::oid::AKI)?;
        let aki = x509_cert::ext::pkix::AuthorityKeyIdentifier::from_der(e.extn_value.as_bytes()).ok()?;
        aki.key_identifier.map(|k| k.as_bytes().to_vec())
    }

    /// What the certificate is: as recorded, or, for a record written
    /// before roles were recorded, as the certificate itself says (its
    /// basicConstraints, and whether it is self-issued). A record whose
    /// certificate cannot be read counts as a CA's, so that nothing renews
    /// it as a leaf.
    pub fn role(&self) -> Role {
        if let Some(role) = self.role {
            return role;
        }
        let Some(cert) = Base64::decode_vec(&self.cert).ok().and_then(|d| Certificate::from_der(&d).ok()) else {
            return Role::Intermediate;
        };
        let tbs = cert.tbs_certificate();
        let ca =
            tbs.extensions().into_iter().flatten().filter(|e| e.extn_id == crate::pki::oid::BASIC_CONSTRAINTS).any(
                |e| x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|bc| bc.ca),
            );
        match (ca, tbs.issuer() == tbs.subject()) {
            (false, _) => Role::Leaf,
            (true, true) => Role::Cross,
            (true, false) => Role::Intermediate,
        }
    }

    /// notAfter as a time.
    pub fn not_after_time(&self) -> Option<UnixTime> {
        crate::pki::time::parse_rfc3339(&self.not_after, "not_after").ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| alloc::format!("{b:02x}")).collect()
}

fn checksum(json: &str) -> String {
    hex(&Sha256::digest(json.as_bytes())[..8])
}

/// The ledger line for a record, newline included.
pub fn line(record: &Record) -> Result<String> {
    let json =
        serde_json::to_string(record).map_err(|e| Error::Crypto { op: "ledger encoding", detail: e.to_string() })?;
    let sum = checksum(&json);
    Ok(alloc::format!("{json}\t{sum}\n"))
}

/// A ledger read from disk.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    issued: Vec<Issued>,
    by_serial: BTreeMap<String, usize>,
    revoked: BTreeMap<String, (String, String)>,
    last_crl: u64,
    /// Byte offset where a torn (unterminated) last line starts, if any.
    pub torn_tail: Option<usize>,
}

/// A line that failed its checksum or does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corrupt {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub detail: String,
}

impl Ledger {
    /// Parses a whole ledger. Every complete line must be intact: the
    /// first corrupt one is reported as [`Error::LedgerCorrupt`]. A last line
    /// without its newline is not an error (see the module documentation).
    pub fn parse(bytes: &[u8]) -> Result<Ledger> {
        let (ledger, corrupt) = Self::scan(bytes);
        match corrupt.into_iter().next() {
            Some(c) => Err(Error::LedgerCorrupt { line: c.line, detail: c.detail }),
            None => Ok(ledger),
        }
    }

    /// Parses what can be parsed, collecting every corrupt line instead of
    /// stopping at the first (for `certkit ca check` and repairs).
    pub fn scan(bytes: &[u8]) -> (Ledger, Vec<Corrupt>) {
        let mut ledger = Ledger::default();
        let mut corrupt = Vec::new();
        let mut offset = 0usize;
        for (i, raw) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
            let n = i + 1;
            let start = offset;
            offset += raw.len();
            let Some(body) = raw.strip_suffix(b"\n") else {
                ledger.torn_tail = Some(start);
                break;
            };
            let Ok(text) = core::str::from_utf8(body) else {
                corrupt.push(Corrupt { line: n, detail: "the line is not UTF-8".into() });
                continue;
            };
            if n == 1 {
                if text != HEADER {
                    corrupt.push(Corrupt { line: 1, detail: alloc::format!("the first line is not `{HEADER}`") });
                }
                continue;
            }
            let Some((json, sum)) = text.rsplit_once('\t') else {
                corrupt.push(Corrupt { line: n, detail: "the line has no checksum".into() });
                continue;
            };
            if checksum(json) != sum {
                corrupt.push(Corrupt {
                    line: n,
                    detail: "the checksum does not match: the line was changed or damaged".into(),
                });
                continue;
            }
            match serde_json::from_str::<Record>(json) {
                Ok(r) => {
                    if let Err(detail) = ledger.apply(r) {
                        corrupt.push(Corrupt { line: n, detail });
                    }
                }
                Err(e) => corrupt.push(Corrupt { line: n, detail: alloc::format!("the record does not parse: {e}") }),
            }
        }
        if bytes.is_empty() {
            corrupt.push(Corrupt {
                line: 1,
                detail: alloc::format!("the ledger is empty; it must start with `{HEADER}`"),
            });
        }
        (ledger, corrupt)
    }

    /// Adds a record just appended to the file (keeps an open ledger current).
    pub fn push(&mut self, r: Record) -> Result<()> {
        let line = self.issued.len() + 2;
        self.apply(r).map_err(|detail| Error::LedgerCorrupt { line, detail })
    }

    fn apply(&mut self, r: Record) -> core::result::Result<(), String> {
        let serial_ok = |s: &str| !s.is_empty() && s.len() <= 60 && s.bytes().all(|b| b.is_ascii_digit());
        match &r {
            Record::Issued(i) if !serial_ok(&i.serial) => {
                return Err(alloc::format!("serial `{}` is not a decimal number", i.serial));
            }
            Record::Revoked { serial, .. } if !serial_ok(serial) => {
                return Err(alloc::format!("serial `{serial}` is not a decimal number"));
            }
            _ => {}
        }
        match r {
            Record::Issued(i) => {
                if self.by_serial.contains_key(&i.serial) {
                    return Err(alloc::format!("serial {} was already issued", i.serial));
                }
                self.by_serial.insert(i.serial.clone(), self.issued.len());
                self.issued.push(i);
            }
            Record::Revoked { time, serial, reason } => {
                self.revoked.insert(serial, (time, reason));
            }
            Record::Crl { number, .. } => {
                if number <= self.last_crl {
                    return Err(alloc::format!("CRL number {number} does not increase"));
                }
                self.last_crl = number;
            }
        }
        Ok(())
    }

    /// Every issued certificate, in order.
    pub fn issued(&self) -> &[Issued] {
        &self.issued
    }

    /// The record of a serial (decimal).
    pub fn find(&self, serial: &str) -> Option<&Issued> {
        self.by_serial.get(serial).map(|&i| &self.issued[i])
    }

    /// Whether a serial (decimal) is revoked, and when and why.
    pub fn revocation(&self, serial: &str) -> Option<(&str, &str)> {
        self.revoked.get(serial).map(|(t, r)| (t.as_str(), r.as_str()))
    }

    /// The entries of the next CRL.
    pub fn revocations(&self) -> Result<Vec<Revoked>> {
        self.revoked
            .iter()
            .map(|(serial, (time, reason))| {
                Ok(Revoked {
                    serial: crate::issue::crl::parse_serial(serial)?,
                    time: crate::pki::time::parse_rfc3339(time, "revoked.time")?,
                    reason: Reason::from_name(reason)?,
                })
            })
            .collect()
    }

    /// The entries of the next CRL of the CA key with identifier `key_id`:
    /// the revocations of certificates that key signed, and, when `current`,
    /// also those whose issuer the ledger cannot tell. After a key rollover
    /// each key publishes the revocations of what it signed.
    pub fn revocations_for(&self, key_id: &[u8], current: bool) -> Result<Vec<Revoked>> {
        let all = self.revocations()?;
        Ok(all
            .into_iter()
            .filter(|r| {
                let serial = crate::cfssl::info::decimal(&r.serial);
                match self.find(&serial).and_then(Issued::authority_key_id) {
                    Some(aki) => aki == key_id,
                    None => current,
                }
            })
            .collect())
    }

    /// The number the next CRL must carry.
    pub fn next_crl_number(&self) -> u64 {
        self.last_crl + 1
    }

    /// The serials issued (decimal).
    pub fn serials(&self) -> BTreeSet<&str> {
        self.by_serial.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revoked(serial: &str) -> Record {
        Record::Revoked { time: "2026-11-27T00:00:00Z".into(), serial: serial.into(), reason: "superseded".into() }
    }

    fn ledger_text(records: &[Record]) -> String {
        let mut s = alloc::format!("{HEADER}\n");
        for r in records {
            s.push_str(&line(r).unwrap());
        }
        s
    }

    #[test]
    fn round_trip_and_state() {
        let crl =
            Record::Crl { time: "2026-11-27T00:00:00Z".into(), number: 1, next_update: "2026-12-04T00:00:00Z".into() };
        let text = ledger_text(&[revoked("42"), crl]);
        let l = Ledger::parse(text.as_bytes()).unwrap();
        assert_eq!(l.revocation("42"), Some(("2026-11-27T00:00:00Z", "superseded")));
        assert_eq!(l.next_crl_number(), 2);
        assert_eq!(l.revocations().unwrap()[0].serial, [42]);
        assert!(l.torn_tail.is_none());
    }

    #[test]
    fn a_changed_byte_is_reported_with_its_line() {
        let text = ledger_text(&[revoked("42"), revoked("43"), revoked("44")]);
        let bad = text.replacen("43", "45", 1);
        let e = Ledger::parse(bad.as_bytes()).unwrap_err();
        assert_eq!(
            e,
            Error::LedgerCorrupt {
                line: 3,
                detail: "the checksum does not match: the line was changed or damaged".into()
            }
        );
        let (l, corrupt) = Ledger::scan(bad.as_bytes());
        assert_eq!(corrupt.len(), 1);
        assert!(l.revocation("42").is_some() && l.revocation("44").is_some(), "nothing else is lost");
    }

    #[test]
    fn a_torn_tail_is_not_corruption() {
        let text = ledger_text(&[revoked("42"), revoked("43")]);
        let cut = &text[..text.len() - 5];
        let l = Ledger::parse(cut.as_bytes()).unwrap();
        assert!(l.revocation("42").is_some() && l.revocation("43").is_none());
        assert_eq!(
            l.torn_tail,
            Some(text.find("{\"type\":\"revoked\",\"time\":\"2026-11-27T00:00:00Z\",\"serial\":\"43\"").unwrap())
        );
    }

    #[test]
    fn crl_numbers_must_increase() {
        let c = |n| Record::Crl { time: "t".into(), number: n, next_update: "u".into() };
        assert!(matches!(
            Ledger::parse(ledger_text(&[c(2), c(2)]).as_bytes()),
            Err(Error::LedgerCorrupt { line: 3, .. })
        ));
    }
}
