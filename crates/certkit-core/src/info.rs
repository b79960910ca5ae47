//! `certinfo`: what a certificate or CSR holds, in cfssl's JSON shape.
//!
//! For a certificate the object has cfssl's keys in cfssl's order —
//! `subject`, `issuer`, `serial_number` (decimal), `sans`, `not_before`,
//! `not_after` (RFC 3339), `sigalg` (Go's names), `authority_key_id`,
//! `subject_key_id` (colon-separated upper-case hex) and `pem`. `sans` lists
//! DNS names, then IPs, as cfssl does, then emails and URIs, which cfssl
//! leaves out. For a CSR (where cfssl dumps Go's internal struct) certkit
//! prints the same shape: `subject`, `sans`, `sigalg`, `public_key`, `pem`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::{Decode, Encode};
use serde::Serialize;
use x509_cert::certificate::Certificate;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::name::Name;

use crate::csr::Csr;
use crate::key::{PublicKey, SignatureAlgorithm};
use crate::san::San;
use crate::time::UnixTime;
use crate::{Error, Result, oid, pem};

/// cfssl's `certinfo.Name`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct NameInfo {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub common_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub serial_number: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organization: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub organizational_unit: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub locality: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub province: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub street_address: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub postal_code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

impl NameInfo {
    /// Reads a name as cfssl's `ParseName` does (multi-valued attributes
    /// joined with `,`).
    pub fn from_name(name: &Name) -> NameInfo {
        let f = crate::name::fields(name);
        NameInfo {
            common_name: f.common_name,
            serial_number: f.serial_number,
            country: f.country.join(","),
            organization: f.organization.join(","),
            organizational_unit: f.organizational_unit.join(","),
            locality: f.locality.join(","),
            province: f.province.join(","),
            street_address: f.street_address.join(","),
            postal_code: f.postal_code.join(","),
            names: f.all.into_iter().map(|(_, v)| v).collect(),
        }
    }
}

/// cfssl's `certinfo.Certificate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct CertInfo {
    pub subject: NameInfo,
    pub issuer: NameInfo,
    pub serial_number: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
    pub not_before: String,
    pub not_after: String,
    pub sigalg: String,
    pub authority_key_id: String,
    pub subject_key_id: String,
    pub pem: String,
}

/// certkit's `certinfo -csr` object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct CsrInfo {
    pub subject: NameInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
    pub sigalg: String,
    pub public_key: String,
    pub pem: String,
}

/// Upper-case hex with `:` between octets, as cfssl prints key ids.
pub fn colon_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&alloc::format!("{b:02X}"));
    }
    s
}

/// A big-endian unsigned integer in decimal (serial numbers).
pub fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = alloc::vec![0];
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

fn ordered_sans(sans: &[San]) -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["DNS", "IP", "email", "URI"] {
        out.extend(sans.iter().filter(|s| s.kind() == kind).map(San::value));
    }
    out
}

fn sigalg_name(alg: &spki::AlgorithmIdentifierOwned) -> String {
    match SignatureAlgorithm::from_identifier(alg) {
        Ok(a) => a.go_name().to_string(),
        Err(_) => match alg.oid {
            o if o == const_oid::db::rfc5912::SHA_1_WITH_RSA_ENCRYPTION => "SHA1WithRSA".into(),
            o if o == const_oid::db::rfc5912::MD_5_WITH_RSA_ENCRYPTION => "MD5WithRSA".into(),
            o if o == const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.1") => "ECDSAWithSHA1".into(),
            _ => "Unknown Signature".into(),
        },
    }
}

/// certinfo of a certificate (PEM or DER; the first certificate of a bundle).
pub fn certificate(input: &[u8], what: &str) -> Result<CertInfo> {
    let der = crate::issue::first_certificate(input, what)?;
    let cert = Certificate::from_der(&der).map_err(|e| Error::Der { what: what.to_string(), detail: e.to_string() })?;
    let tbs = cert.tbs_certificate();
    crate::name::check(tbs.subject(), "subject", what)?;
    crate::name::check(tbs.issuer(), "issuer", what)?;
    let mut sans = Vec::new();
    let mut aki = String::new();
    let mut ski = String::new();
    if let Some(exts) = tbs.extensions() {
        for e in exts.iter() {
            let bytes = e.extn_value.as_bytes();
            if e.extn_id == oid::SAN {
                if let Ok(san) = SubjectAltName::from_der(bytes) {
                    sans.extend(san.0.iter().filter_map(San::from_general_name));
                }
            } else if e.extn_id == oid::AKI {
                if let Ok(a) = AuthorityKeyIdentifier::from_der(bytes) {
                    aki = a.key_identifier.map(|k| colon_hex(k.as_bytes())).unwrap_or_default();
                }
            } else if e.extn_id == oid::SKI
                && let Ok(s) = SubjectKeyIdentifier::from_der(bytes)
            {
                ski = colon_hex(s.0.as_bytes());
            }
        }
    }
    let v = tbs.validity();
    Ok(CertInfo {
        subject: NameInfo::from_name(tbs.subject()),
        issuer: NameInfo::from_name(tbs.issuer()),
        serial_number: decimal(tbs.serial_number().as_bytes()),
        sans: ordered_sans(&sans),
        not_before: UnixTime::from_x509(&v.not_before).rfc3339(),
        not_after: UnixTime::from_x509(&v.not_after).rfc3339(),
        sigalg: sigalg_name(cert.signature_algorithm()),
        authority_key_id: aki,
        subject_key_id: ski,
        pem: pem::encode(pem::CERTIFICATE, &cert.to_der().unwrap_or(der)),
    })
}

/// certinfo of a CSR (verified first).
pub fn csr(input: &[u8], what: &str) -> Result<CsrInfo> {
    let csr = Csr::parse(input, what)?;
    Ok(CsrInfo {
        subject: NameInfo::from_name(csr.subject()),
        sans: ordered_sans(csr.sans()),
        sigalg: csr.signature_algorithm().go_name().to_string(),
        public_key: describe_key(csr.public_key()),
        pem: csr.to_pem(),
    })
}

fn describe_key(k: &PublicKey) -> String {
    k.algorithm().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_and_hex() {
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0xff; 20]), "1461501637330902918203684832716283019655932542975");
        assert_eq!(colon_hex(&[0x01, 0xab, 0x0f]), "01:AB:0F");
    }
}
