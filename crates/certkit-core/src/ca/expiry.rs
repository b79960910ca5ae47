//! Finding certificates and their expiry in whatever holds them: PEM files
//! and bundles, DER files, and text that embeds base64 certificates
//! (kubeconfigs' `client-certificate-data` and `certificate-authority-data`,
//! Secrets' `tls.crt`).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use base64ct::{Base64, Encoding};
use der::Decode;
use x509_cert::Certificate;

use crate::pki::pem;
use crate::pki::time::UnixTime;

/// A certificate found somewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Subject, RFC 4514.
    pub subject: String,
    /// Serial number, decimal.
    pub serial: String,
    /// notBefore.
    pub not_before: UnixTime,
    /// notAfter.
    pub not_after: UnixTime,
}

fn found(der: &[u8]) -> Option<Found> {
    let cert = Certificate::from_der(der).ok()?;
    let tbs = cert.tbs_certificate();
    Some(Found {
        subject: tbs.subject().to_string(),
        serial: crate::cfssl::info::decimal(tbs.serial_number().as_bytes()),
        not_before: UnixTime::from_x509(&tbs.validity().not_before),
        not_after: UnixTime::from_x509(&tbs.validity().not_after),
    })
}

/// Every certificate in `input`; anything else is ignored.
pub fn certificates(input: &[u8]) -> Vec<Found> {
    certificates_depth(input, 0)
}

fn certificates_depth(input: &[u8], depth: u8) -> Vec<Found> {
    let mut out = Vec::new();
    if pem::is_pem(input) {
        // Blocks are looked at one by one, so one damaged block does not hide the others.
        let mut rest = input;
        while let Some(start) = find(rest, b"-----BEGIN CERTIFICATE-----") {
            let from = &rest[start..];
            let Some(end) = find(from, b"-----END CERTIFICATE-----") else { break };
            let block = &from[..end + 25];
            if let Ok(blocks) = pem::blocks(block, "certificate") {
                out.extend(blocks.iter().filter_map(|b| found(&b.der)));
            }
            rest = &from[end + 25..];
        }
    } else if let Some(f) = found(input) {
        out.push(f);
        return out;
    }
    if depth > 1 {
        return out;
    }
    // Base64 runs long enough to be a certificate (kubeconfig, Secret).
    if let Ok(text) = core::str::from_utf8(input) {
        for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')) {
            if token.len() < 200 || token.contains("-----") {
                continue;
            }
            if let Ok(decoded) = Base64::decode_vec(token) {
                out.extend(certificates_depth(&decoded, depth + 1));
            }
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `expired`, `expiring` (within `window` of `now`) or `valid`.
pub fn status(c: &Found, now: UnixTime, window: Duration) -> &'static str {
    if c.not_after < now {
        "expired"
    } else if c.not_after <= now.saturating_add(window) {
        "expiring"
    } else {
        "valid"
    }
}
