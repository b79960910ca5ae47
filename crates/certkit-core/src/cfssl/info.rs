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
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectAltName, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo};

use crate::pki::key::{PublicKey, SignatureAlgorithm};
use crate::pki::san::San;
use crate::pki::time::UnixTime;
use crate::pki::{oid, pem};
use crate::{Error, Result};

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
        let f = crate::pki::name::fields(name);
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
    let der = crate::pki::pem::first_certificate(input, what)?;
    let cert = Certificate::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
    let tbs = cert.tbs_certificate();
    crate::pki::name::check(tbs.subject(), "subject", what)?;
    crate::pki::name::check(tbs.issuer(), "issuer", what)?;
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

/// certinfo of a CSR (PEM or DER), describing what it holds as
/// [`certificate`] does: certkit's issuing rules (which SANs it would sign,
/// which keys and algorithms it accepts) are the signer's business, not
/// this. Where certkit knows the key and the signature algorithm, the
/// self-signature must verify: a tampered CSR is an error, not a
/// description.
pub fn csr(input: &[u8], what: &str) -> Result<CsrInfo> {
    let der = csr_der(input, what)?;
    let raw = crate::pki::signer::split_signed(&der, what)?;
    let info = CertReqInfo::from_der(&raw.tbs).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
    crate::pki::name::check(&info.subject, "subject", what)?;
    let key = PublicKey::from_spki(&info.public_key, what).ok();
    if let (Some(key), Ok(alg)) = (&key, SignatureAlgorithm::from_identifier(&raw.alg)) {
        key.verify(alg, &raw.tbs, &raw.sig).map_err(|_| Error::CsrSignature.in_input(what))?;
    }
    let mut sans = Vec::new();
    for attr in info.attributes.iter().filter(|a| a.oid == oid::EXTENSION_REQUEST) {
        for value in attr.values.iter() {
            for ext in value.decode_as::<Vec<Extension>>().unwrap_or_default() {
                if ext.extn_id == oid::SAN
                    && let Ok(san) = SubjectAltName::from_der(ext.extn_value.as_bytes())
                {
                    sans.extend(san.0.iter().filter_map(San::from_general_name));
                }
            }
        }
    }
    Ok(CsrInfo {
        subject: NameInfo::from_name(&info.subject),
        sans: ordered_sans(&sans),
        sigalg: sigalg_name(&raw.alg),
        public_key: key.map_or_else(|| describe_spki(&info.public_key), |k| describe_key(&k)),
        pem: pem::encode(pem::CERTIFICATE_REQUEST, &der),
    })
}

/// Whether `input` is a CSR rather than a certificate: in PEM, the first
/// certificate or certificate-request block decides; DER is a CSR if it
/// decodes as one. For front ends that take either.
pub fn is_csr(input: &[u8]) -> bool {
    if pem::is_pem(input) {
        pem::blocks(input, "the input").ok().and_then(|blocks| {
            blocks.iter().find_map(|b| match b.label.as_str() {
                pem::CERTIFICATE_REQUEST | pem::NEW_CERTIFICATE_REQUEST => Some(true),
                pem::CERTIFICATE => Some(false),
                _ => None,
            })
        }) == Some(true)
    } else {
        CertReq::from_der(input).is_ok()
    }
}

/// The SubjectPublicKeyInfo a CSR names, read as [`csr`] reads the CSR but
/// without the signature check: to match it against a key.
pub fn csr_public_key(input: &[u8], what: &str) -> Result<spki::SubjectPublicKeyInfoOwned> {
    let der = csr_der(input, what)?;
    let req = CertReq::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
    crate::pki::name::check(&req.info.subject, "subject", what)?;
    Ok(req.info.public_key)
}

/// The DER of the CSR in `input`: PEM's first `CERTIFICATE REQUEST` block,
/// or `input` itself.
fn csr_der(input: &[u8], what: &str) -> Result<Vec<u8>> {
    crate::error::within_limit(input, what)?;
    if !pem::is_pem(input) {
        return Ok(pem::as_der(input, what)?.to_vec());
    }
    let blocks = pem::blocks(input, what)?;
    blocks
        .iter()
        .find(|b| b.label == pem::CERTIFICATE_REQUEST || b.label == pem::NEW_CERTIFICATE_REQUEST)
        .map(|b| b.der.clone())
        .ok_or_else(|| {
            Error::PemLabel { found: pem::label_list(&blocks), expected: pem::CERTIFICATE_REQUEST }.in_input(what)
        })
}

/// A key certkit does not use, described by its OIDs (and an RSA key by its
/// size).
fn describe_spki(spki: &spki::SubjectPublicKeyInfoOwned) -> String {
    let oid = spki.algorithm.oid;
    if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        match spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok()) {
            Some(c) if c == const_oid::db::rfc5912::SECP_521_R_1 => "ECDSA P-521".into(),
            Some(c) => alloc::format!("ECDSA (curve {c})"),
            None => "ECDSA (unnamed curve)".into(),
        }
    } else if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        match pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(spki.subject_public_key.raw_bytes()) {
            Ok(k) => alloc::format!("RSA {}", crate::pki::key::modulus_bits(k.modulus.as_bytes())),
            Err(_) => "RSA (unreadable modulus)".into(),
        }
    } else {
        alloc::format!("{oid}")
    }
}

fn describe_key(k: &PublicKey) -> String {
    k.algorithm().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csr_certkit_would_not_sign_is_still_described() {
        let bad_san = include_bytes!("../../../../tests/data/csr-bad-dns-san.pem");
        assert_eq!(csr(bad_san, "c").unwrap().sans, ["exa mple.com"]);
        let weak = csr(include_bytes!("../../../../tests/data/csr-rsa1024.pem"), "c").unwrap();
        assert_eq!(weak.public_key, "RSA 1024");
        assert_eq!(
            csr(include_bytes!("../../../../tests/data/csr-ecdsa-sha1.pem"), "c").unwrap().sigalg,
            "ECDSAWithSHA1"
        );
        assert_eq!(
            csr(include_bytes!("../../../../tests/data/csr-dsa.pem"), "c").unwrap().public_key,
            "1.2.840.10040.4.1"
        );
        // A key and a CSR in one file, and DER: each is a CSR.
        let good = include_bytes!("../../../../tests/data/csr-openssl-p256.pem").to_vec();
        let mut key_then_csr = include_bytes!("../../../../tests/data/openssl-ec-sec1.pem").to_vec();
        key_then_csr.extend_from_slice(&good);
        assert!(is_csr(&key_then_csr) && is_csr(&good));
        let der = crate::pki::pem::blocks(&good, "c").unwrap()[0].der.clone();
        assert!(is_csr(&der));
        assert_eq!(csr(&der, "c").unwrap().sans, csr(&good, "c").unwrap().sans);
        assert!(!is_csr(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        // A tampered CSR is not described.
        let mut tampered = der.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(csr(&tampered, "c").unwrap_err().kind(), Error::CsrSignature));
    }

    #[test]
    fn decimal_and_hex() {
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0xff; 20]), "1461501637330902918203684832716283019655932542975");
        assert_eq!(colon_hex(&[0x01, 0xab, 0x0f]), "01:AB:0F");
    }
}
