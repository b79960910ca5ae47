//! Certificate revocation lists, RFC 5280 §5.
//!
//! ```text
//! TBSCertList ::= SEQUENCE {
//!     version              Version OPTIONAL,       -- v2
//!     signature            AlgorithmIdentifier,
//!     issuer               Name,
//!     thisUpdate           Time,
//!     nextUpdate           Time OPTIONAL,
//!     revokedCertificates  SEQUENCE OF SEQUENCE {
//!         userCertificate     CertificateSerialNumber,
//!         revocationDate      Time,
//!         crlEntryExtensions  Extensions OPTIONAL } OPTIONAL,
//!     crlExtensions        [0] EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! certkit writes v2 CRLs as RFC 5280 §5 asks of conforming CAs: the
//! issuer is the CA's subject; nextUpdate is always present (§5.1.2.5);
//! authorityKeyIdentifier (§5.2.1) and cRLNumber (§5.2.3, increasing) are
//! always present; each entry carries a reasonCode (§5.3.1) unless the
//! reason is unspecified, which RFC 5280 says to express by leaving the
//! code out. Entries are sorted by serial number, and a serial appears once.
//! The CA must be allowed to sign CRLs (keyUsage absent or with cRLSign).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::Encode;
use der::asn1::{OctetString, Uint};
use x509_cert::crl::{RevokedCert, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber, CrlReason};
use x509_cert::serial_number::SerialNumber;

use crate::issue::certificate::CaCert;
use crate::pki::key::PublicKey;
use crate::pki::signer::ToBeSigned;
use crate::pki::time::UnixTime;
use crate::pki::{oid, pem};
use crate::{Error, Result};

/// Why a certificate was revoked (RFC 5280 §5.3.1 CRLReason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// unspecified (0): encoded by leaving the reasonCode out.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6).
    CertificateHold,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

/// The reason names certkit accepts, as RFC 5280 spells them.
pub const REASON_NAMES: [&str; 9] = [
    "unspecified",
    "keyCompromise",
    "cACompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
    "certificateHold",
    "privilegeWithdrawn",
    "aACompromise",
];

impl Reason {
    /// What the CA/B Forum Baseline Requirements (7.2.2) say against this
    /// reason for a certificate that is (`is_ca`) or is not a CA, if
    /// anything: RFC 5280 allows every reason, the BRs do not, and a
    /// private CA may still want to know.
    pub fn br_objection(self, is_ca: bool) -> Option<&'static str> {
        match self {
            Reason::CertificateHold => {
                Some("the CA/B Forum BRs (7.2.2) forbid certificateHold, and here a hold is final: nothing lifts it")
            }
            Reason::AaCompromise => Some(
                "aACompromise is about attribute authorities, not X.509 certificates; the BRs (7.2.2) do not allow it",
            ),
            Reason::CaCompromise if !is_ca => Some(
                "cACompromise is for a CA certificate; for this end-entity certificate the BRs (7.2.2) allow keyCompromise, affiliationChanged, superseded, cessationOfOperation or privilegeWithdrawn",
            ),
            _ => None,
        }
    }

    /// Reads RFC 5280's name of a reason (case-insensitive).
    pub fn from_name(name: &str) -> Result<Reason> {
        let all = [
            Reason::Unspecified,
            Reason::KeyCompromise,
            Reason::CaCompromise,
            Reason::AffiliationChanged,
            Reason::Superseded,
            Reason::CessationOfOperation,
            Reason::CertificateHold,
            Reason::PrivilegeWithdrawn,
            Reason::AaCompromise,
        ];
        all.into_iter().find(|r| r.name().eq_ignore_ascii_case(name)).ok_or_else(|| Error::Config {
            field: "reason".into(),
            reason: alloc::format!("`{name}` is not a revocation reason; use one of {}", REASON_NAMES.join(", ")),
        })
    }

    /// RFC 5280's name.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "cACompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
            Reason::AaCompromise => "aACompromise",
        }
    }

    fn code(self) -> Option<CrlReason> {
        Some(match self {
            Reason::Unspecified => return None,
            Reason::KeyCompromise => CrlReason::KeyCompromise,
            Reason::CaCompromise => CrlReason::CaCompromise,
            Reason::AffiliationChanged => CrlReason::AffiliationChanged,
            Reason::Superseded => CrlReason::Superseded,
            Reason::CessationOfOperation => CrlReason::CessationOfOperation,
            Reason::CertificateHold => CrlReason::CertificateHold,
            Reason::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
            Reason::AaCompromise => CrlReason::AaCompromise,
        })
    }
}

/// One revoked certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// The serial number's big-endian magnitude.
    pub serial: Vec<u8>,
    /// When it was revoked.
    pub time: UnixTime,
    /// Why.
    pub reason: Reason,
}

/// Parses a serial number written in decimal (as cfssl and `certinfo`
/// print it) or in hex with a `0x` prefix or colons (as OpenSSL prints it).
pub fn parse_serial(text: &str) -> Result<Vec<u8>> {
    let t = text.trim();
    let err = || Error::Config {
        field: "serial".into(),
        reason: alloc::format!("`{t}` is not a serial number; write it in decimal, or in hex as 0x… or AB:CD:…"),
    };
    if t.is_empty() || t.len() > 100 {
        return Err(err());
    }
    let hex = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .map(String::from)
        .or_else(|| (t.contains(':') || t.bytes().any(|b| b.is_ascii_alphabetic())).then(|| t.replace(':', "")));
    let mut bytes: Vec<u8> = Vec::new();
    match hex {
        Some(h) => {
            if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err());
            }
            let padded = if h.len() % 2 == 1 { alloc::format!("0{h}") } else { h };
            for pair in padded.as_bytes().chunks(2) {
                let s = core::str::from_utf8(pair).map_err(|_| err())?;
                bytes.push(u8::from_str_radix(s, 16).map_err(|_| err())?);
            }
        }
        None => {
            if !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            // Decimal to big-endian bytes.
            for d in t.bytes() {
                let mut carry = u32::from(d - b'0');
                for b in bytes.iter_mut().rev() {
                    let v = u32::from(*b) * 10 + carry;
                    *b = (v & 0xff) as u8;
                    carry = v >> 8;
                }
                while carry > 0 {
                    bytes.insert(0, (carry & 0xff) as u8);
                    carry >>= 8;
                }
            }
        }
    }
    while bytes.len() > 1 && bytes[0] == 0 {
        bytes.remove(0);
    }
    // At most 20 octets once encoded (RFC 5280 4.1.2.2), sign byte included.
    if bytes.is_empty()
        || bytes.iter().all(|b| *b == 0)
        || bytes.len() > 20
        || (bytes.len() == 20 && bytes[0] & 0x80 != 0)
    {
        return Err(err());
    }
    Ok(bytes)
}

/// Builds the to-be-signed CRL. `number` is the cRLNumber, which must grow
/// with every CRL the CA publishes.
pub fn prepare(
    ca: &CaCert,
    revoked: &[Revoked],
    number: u64,
    this_update: UnixTime,
    next_update: UnixTime,
) -> Result<ToBeSigned> {
    if !ca.can_sign_crls() {
        return Err(Error::NotACa { reason: "its keyUsage lacks cRLSign, so it cannot sign CRLs" });
    }
    if next_update <= this_update {
        return Err(Error::Validity { reason: "nextUpdate must be later than thisUpdate".into() });
    }
    let enc = |e: der::Error| Error::Crypto { op: "CRL encoding", detail: e.to_string() };
    let mut entries: Vec<&Revoked> = revoked.iter().collect();
    entries.sort_by(|a, b| a.serial.len().cmp(&b.serial.len()).then_with(|| a.serial.cmp(&b.serial)));
    entries.dedup_by(|a, b| a.serial == b.serial);
    let mut list = Vec::with_capacity(entries.len());
    for r in entries {
        let serial: SerialNumber = SerialNumber::new(&r.serial).map_err(enc)?;
        let crl_entry_extensions = match r.reason.code() {
            Some(code) => Some(alloc::vec![Extension {
                extn_id: oid::CRL_REASON,
                critical: false,
                extn_value: OctetString::new(code.to_der().map_err(enc)?).map_err(enc)?,
            }]),
            None => None,
        };
        list.push(RevokedCert { serial_number: serial, revocation_date: r.time.to_x509()?, crl_entry_extensions });
    }
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(ca.key_id()).map_err(enc)?),
        ..Default::default()
    };
    let number = CrlNumber(Uint::new(&number.to_be_bytes()).map_err(enc)?);
    let extensions = alloc::vec![
        Extension {
            extn_id: oid::AKI,
            critical: false,
            extn_value: OctetString::new(aki.to_der().map_err(enc)?).map_err(enc)?
        },
        Extension {
            extn_id: oid::CRL_NUMBER,
            critical: false,
            extn_value: OctetString::new(number.to_der().map_err(enc)?).map_err(enc)?
        },
    ];
    let alg = ca.public_key().algorithm().signature_algorithm();
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: alg.identifier(),
        issuer: ca.subject().clone(),
        this_update: this_update.to_x509()?,
        next_update: Some(next_update.to_x509()?),
        revoked_certificates: if list.is_empty() { None } else { Some(list) },
        crl_extensions: Some(extensions),
    };
    Ok(ToBeSigned::new(tbs.to_der().map_err(enc)?, alg, PublicKey::clone(ca.public_key())))
}

/// PEM of a CRL (`X509 CRL`).
pub fn to_pem(der: &[u8]) -> String {
    pem::encode("X509 CRL", der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brs_object_to_some_reasons() {
        assert!(Reason::CertificateHold.br_objection(false).is_some_and(|w| w.contains("forbid certificateHold")));
        assert!(Reason::CertificateHold.br_objection(true).is_some());
        assert!(Reason::AaCompromise.br_objection(true).is_some());
        assert!(Reason::CaCompromise.br_objection(false).is_some_and(|w| w.contains("end-entity")));
        assert_eq!(Reason::CaCompromise.br_objection(true), None);
        for r in [Reason::Unspecified, Reason::KeyCompromise, Reason::Superseded, Reason::PrivilegeWithdrawn] {
            assert_eq!(r.br_objection(false), None);
        }
    }

    #[test]
    fn serial_forms() {
        assert_eq!(parse_serial("256").unwrap(), [1, 0]);
        assert_eq!(parse_serial("0x0100").unwrap(), [1, 0]);
        assert_eq!(parse_serial("01:00").unwrap(), [1, 0]);
        assert_eq!(parse_serial("7FAB").unwrap(), [0x7f, 0xab]);
        // The largest serial that encodes in 20 octets: 2^159 - 1.
        let dec = "730750818665451459101842416358141509827966271487";
        let mut max = [0xff; 20];
        max[0] = 0x7f;
        assert_eq!(parse_serial(dec).unwrap(), max);
        assert_eq!(crate::cfssl::info::decimal(&parse_serial(dec).unwrap()), dec);
        // 2^160 - 1 would need a 21st octet for its sign.
        assert!(parse_serial("1461501637330902918203684832716283019655932542975").is_err());
        for bad in ["", "0", "-5", "12z", "0x", "1".repeat(101).as_str()] {
            assert!(parse_serial(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reasons() {
        assert_eq!(Reason::from_name("keycompromise").unwrap(), Reason::KeyCompromise);
        assert!(Reason::from_name("lost").unwrap_err().to_string().contains("superseded"));
    }
}
