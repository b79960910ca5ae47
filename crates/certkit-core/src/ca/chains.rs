//! `ca check`'s second half: every leaf the ledger holds verified against
//! the CA directory's own trust, with [`crate::validate::chain::verify`].
//!
//! The roots are the self-signed certificates of the directory's CA file
//! and the roots the ledger recorded (a rotated CA's old root still
//! anchors what it signed); the other certificates of the CA file and the
//! ledger's intermediate and cross certificates are the intermediates. A
//! leaf passes as a TLS server or a TLS client certificate. Expired and
//! revoked leaves are counted, not verified: expiry is `certkit expiry`'s
//! report, and a revoked certificate is meant to fail.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use base64ct::{Base64, Encoding};
use der::Decode;
use x509_cert::Certificate;

use super::ledger::Ledger;
use crate::issue::certificate::Role;
use crate::pki::pem;
use crate::pki::time::UnixTime;
use crate::validate::chain::{Purpose, Request, verify};
use crate::{Error, Result};

/// What the check found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainReport {
    /// Leaves whose chain verifies.
    pub verified: usize,
    /// Leaves past their notAfter, not verified.
    pub expired: usize,
    /// Revoked leaves, not verified.
    pub revoked: usize,
    /// One line per failure: the serial and subject, then the verdict's error.
    pub failures: Vec<String>,
}

/// Verifies the chain of every current leaf of `ledger` at `now`, against
/// `ca_file` (the directory's CA certificate file, PEM).
pub fn check(ledger: &Ledger, ca_file: &[u8], now: UnixTime) -> Result<ChainReport> {
    let mut roots = String::new();
    let mut intermediates = String::new();
    for der in pem::certificates(ca_file, "ca.pem")? {
        let cert = Certificate::from_der(&der).map_err(|e| Error::Der { detail: format!("{e}") }.in_input("ca.pem"))?;
        let tbs = cert.tbs_certificate();
        let target = if tbs.issuer() == tbs.subject() { &mut roots } else { &mut intermediates };
        target.push_str(&pem::encode(pem::CERTIFICATE, &der));
    }
    let mut leaves = Vec::new();
    for issued in ledger.issued() {
        let Ok(der) = Base64::decode_vec(&issued.cert) else {
            leaves.push((issued, None));
            continue;
        };
        match issued.role() {
            Role::Root => roots.push_str(&pem::encode(pem::CERTIFICATE, &der)),
            Role::Intermediate | Role::Cross => intermediates.push_str(&pem::encode(pem::CERTIFICATE, &der)),
            Role::Leaf => leaves.push((issued, Some(der))),
        }
    }
    if roots.is_empty() {
        // An intermediate CA's directory without its root: it trusts itself.
        roots = core::mem::take(&mut intermediates);
    }
    let mut report = ChainReport::default();
    for (issued, der) in leaves {
        let name = format!("serial {} `{}`", issued.serial, crate::text::excerpt(&issued.subject, 120));
        let Some(der) = der else {
            report.failures.push(format!("{name}: the ledger's certificate is not base64"));
            continue;
        };
        if ledger.revocation(&issued.serial).is_some() {
            report.revoked += 1;
            continue;
        }
        if issued.not_after_time().is_some_and(|end| end < now) {
            report.expired += 1;
            continue;
        }
        let request = |purpose| Request {
            cert: &der,
            roots: roots.as_bytes(),
            intermediates: intermediates.as_bytes(),
            host: None,
            purpose,
            at: now,
            crls: &[],
        };
        let server = verify(&request(Purpose::Server)).map_err(|e| e.in_input(name.clone()))?;
        if server.ok || verify(&request(Purpose::Client)).is_ok_and(|v| v.ok) {
            report.verified += 1;
        } else {
            report.failures.extend(server.errors.iter().map(|e| format!("{name}: {e}")));
        }
    }
    Ok(report)
}
