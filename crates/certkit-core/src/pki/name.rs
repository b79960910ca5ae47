//! Subject names, RFC 5280 §4.1.2.4, from cfssl's `CN` and `names`.
//!
//! cfssl's request has a `CN` and a list `names` of
//! `{C, ST, L, O, OU, E, SerialNumber}` objects. certkit builds the subject
//! in Go's `pkix.Name` order, which cfssl inherits — C, ST, L, STREET,
//! postalCode, O, OU, CN, serialNumber — with emailAddress last, and one
//! attribute per RDN (RFC 5280 §4.1.2.4 recommends single-valued RDNs;
//! CA/B Forum BR §7.1.4.3 requires them). Empty values are left out, as cfssl
//! leaves them out.
//!
//! Encodings follow RFC 5280 Appendix A: countryName is a two-letter
//! PrintableString (ISO 3166-1 alpha-2), serialNumber a PrintableString,
//! emailAddress an IA5String, everything else UTF8String. Lengths are capped
//! at the RFC's upper bounds (`ub-common-name` 64 and so on).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::asn1::{Any, Ia5StringRef, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Encode, Tag, Tagged};
use serde::Serialize;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use crate::pki::oid;
use crate::{Error, Result};

/// One element of cfssl's `names` list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NameEntry {
    /// countryName: two letters, ISO 3166-1 alpha-2.
    #[serde(rename = "C", default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// stateOrProvinceName.
    #[serde(rename = "ST", default, skip_serializing_if = "String::is_empty")]
    pub province: String,
    /// localityName.
    #[serde(rename = "L", default, skip_serializing_if = "String::is_empty")]
    pub locality: String,
    /// organizationName.
    #[serde(rename = "O", default, skip_serializing_if = "String::is_empty")]
    pub organization: String,
    /// organizationalUnitName.
    #[serde(rename = "OU", default, skip_serializing_if = "String::is_empty")]
    pub organizational_unit: String,
    /// emailAddress (legacy; prefer an email in `hosts`).
    #[serde(rename = "E", default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    /// serialNumber (the subject's, not the certificate's).
    #[serde(rename = "SerialNumber", default, skip_serializing_if = "String::is_empty")]
    pub serial_number: String,
}

/// Builds the subject from a common name, cfssl's `names` and a subject
/// serial number.
pub fn build(cn: &str, names: &[NameEntry], serial_number: &str) -> Result<Name> {
    let mut rdns: Vec<RelativeDistinguishedName> = Vec::new();
    let mut push =
        |field: String, oid: const_oid::ObjectIdentifier, value: &str, kind: Kind, max: usize| -> Result<()> {
            if value.is_empty() {
                return Ok(());
            }
            let any = encode_value(&field, value, kind, max)?;
            // One value per RDN, as Go writes them: nothing to sort
            // (`insert_ordered` leaves out the SET OF sort, and its code).
            let mut rdn = SetOfVec::new();
            rdn.insert_ordered(AttributeTypeAndValue { oid, value: any })
                .map_err(|e| Error::Name { field, reason: e.to_string() })?;
            rdns.push(RelativeDistinguishedName::from(rdn));
            Ok(())
        };
    let each = |f: fn(&NameEntry) -> &String| names.iter().enumerate().map(move |(i, n)| (i, f(n)));
    for (i, v) in each(|n| &n.country) {
        push(alloc::format!("names[{i}].C"), oid::C, v, Kind::Country, 2)?;
    }
    for (i, v) in each(|n| &n.province) {
        push(alloc::format!("names[{i}].ST"), oid::ST, v, Kind::Utf8, 128)?;
    }
    for (i, v) in each(|n| &n.locality) {
        push(alloc::format!("names[{i}].L"), oid::L, v, Kind::Utf8, 128)?;
    }
    for (i, v) in each(|n| &n.organization) {
        push(alloc::format!("names[{i}].O"), oid::O, v, Kind::Utf8, 64)?;
    }
    for (i, v) in each(|n| &n.organizational_unit) {
        push(alloc::format!("names[{i}].OU"), oid::OU, v, Kind::Utf8, 64)?;
    }
    push("CN".to_string(), oid::CN, cn, Kind::Utf8, 64)?;
    push("serialnumber".to_string(), oid::SERIAL_NUMBER, serial_number, Kind::Printable, 64)?;
    for (i, v) in each(|n| &n.serial_number) {
        push(alloc::format!("names[{i}].SerialNumber"), oid::SERIAL_NUMBER, v, Kind::Printable, 64)?;
    }
    for (i, v) in each(|n| &n.email) {
        push(alloc::format!("names[{i}].E"), oid::EMAIL, v, Kind::Ia5, 255)?;
    }
    Ok(Name::hazmat_from_rdn_sequence(RdnSequence::from(rdns)))
}

#[derive(Clone, Copy)]
enum Kind {
    Country,
    Printable,
    Ia5,
    Utf8,
}

fn encode_value(field: &str, value: &str, kind: Kind, max: usize) -> Result<Any> {
    let err = |reason: String| Error::Name { field: field.to_string(), reason };
    if value.chars().any(|c| c.is_control()) {
        return Err(err("contains control characters; remove them".to_string()));
    }
    if matches!(kind, Kind::Country) && (value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(err(alloc::format!(
            "`{}` is not a two-letter ISO 3166 country code (like \"US\" or \"DE\")",
            crate::text::excerpt(value, 40)
        )));
    }
    if value.chars().count() > max {
        return Err(err(alloc::format!(
            "`{}` is {} characters; RFC 5280 allows at most {max}",
            crate::text::excerpt(value, 40),
            value.chars().count()
        )));
    }
    let any = match kind {
        Kind::Country => {
            if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(err(alloc::format!(
                    "`{value}` is not a two-letter ISO 3166 country code (like \"US\" or \"DE\")"
                )));
            }
            Any::encode_from(&PrintableStringRef::new(value).map_err(|e| err(e.to_string()))?)
        }
        Kind::Printable => Any::encode_from(
            &PrintableStringRef::new(value)
                .map_err(|_| err(alloc::format!("`{value}` may hold only letters, digits, spaces and '()+,-./:=?")))?,
        ),
        Kind::Ia5 => {
            Any::encode_from(&Ia5StringRef::new(value).map_err(|_| err(alloc::format!("`{value}` must be ASCII")))?)
        }
        Kind::Utf8 => Any::encode_from(&Utf8StringRef::new(value).map_err(|e| err(e.to_string()))?),
    };
    any.map_err(|e| err(e.to_string()))
}

/// Most attributes a name from outside may hold.
pub const MAX_ATTRIBUTES: usize = 64;

/// Checks a name read from a CSR or a CA certificate before certkit copies
/// it into a certificate: every string is well formed for its type
/// (UTF8String is UTF-8, PrintableString and IA5String hold their character
/// sets, BMPString is UTF-16), and the attributes certkit writes keep RFC
/// 5280's upper bounds (Appendix A: CN, O, OU and serialNumber 64, L and ST
/// 128, C two letters, emailAddress 255), as `genkey` keeps them.
pub fn check(name: &Name, role: &str, what: &str) -> Result<()> {
    let bad = |field: &str, reason: String| {
        Error::Csr { detail: alloc::format!("the {role}'s {field} {reason}; make it again with a valid {role}") }
            .in_input(what)
    };
    let mut count = 0usize;
    for atv in name.iter() {
        count += 1;
        if count > MAX_ATTRIBUTES {
            return Err(bad("name", alloc::format!("has more than {MAX_ATTRIBUTES} attributes")));
        }
        let (field, max) = match atv.oid {
            o if o == oid::CN => ("CN", 64),
            o if o == oid::O => ("O", 64),
            o if o == oid::OU => ("OU", 64),
            o if o == oid::SERIAL_NUMBER => ("serialNumber", 64),
            o if o == oid::L => ("L", 128),
            o if o == oid::ST => ("ST", 128),
            o if o == oid::C => ("C", 2),
            o if o == oid::EMAIL => ("emailAddress", 255),
            _ => ("attribute", usize::MAX),
        };
        let bytes = atv.value.value();
        let chars = match atv.value.tag() {
            Tag::Utf8String => core::str::from_utf8(bytes)
                .map_err(|_| bad(field, "is a UTF8String that is not UTF-8".into()))?
                .chars()
                .count(),
            Tag::PrintableString => {
                PrintableStringRef::new(bytes).map_err(|_| {
                    bad(field, "is a PrintableString with characters PrintableString cannot hold".into())
                })?;
                bytes.len()
            }
            Tag::Ia5String => {
                Ia5StringRef::new(bytes).map_err(|_| bad(field, "is an IA5String that is not ASCII".into()))?;
                bytes.len()
            }
            Tag::BmpString => {
                if bytes.len() % 2 != 0 {
                    return Err(bad(field, "is a BMPString of an odd number of bytes".into()));
                }
                let units = bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                let text: String = char::decode_utf16(units)
                    .collect::<core::result::Result<_, _>>()
                    .map_err(|_| bad(field, "is a BMPString that is not valid UTF-16".into()))?;
                if text.contains('\0') {
                    return Err(bad(field, "contains a NUL character".into()));
                }
                text.chars().count()
            }
            Tag::TeletexString | Tag::VisibleString => bytes.len(),
            // Other attribute types (not strings) are copied as they are.
            _ if max == usize::MAX => 0,
            other => return Err(bad(field, alloc::format!("is a {other}, not a directory string"))),
        };
        if chars > max {
            return Err(bad(field, alloc::format!("is {chars} characters; RFC 5280 allows at most {max}")));
        }
        if atv.value.tag() != Tag::BmpString && bytes.contains(&0) {
            return Err(bad(field, "contains a NUL character".into()));
        }
    }
    Ok(())
}

/// A subject read back into cfssl's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    /// commonName.
    pub common_name: String,
    /// serialNumber.
    pub serial_number: String,
    /// countryName values.
    pub country: Vec<String>,
    /// organizationName values.
    pub organization: Vec<String>,
    /// organizationalUnitName values.
    pub organizational_unit: Vec<String>,
    /// localityName values.
    pub locality: Vec<String>,
    /// stateOrProvinceName values.
    pub province: Vec<String>,
    /// streetAddress values.
    pub street_address: Vec<String>,
    /// postalCode values.
    pub postal_code: Vec<String>,
    /// emailAddress values.
    pub email: Vec<String>,
    /// Every attribute in order, as (short name or OID, value).
    pub all: Vec<(String, String)>,
}

/// Reads a name's attributes into cfssl's fields.
pub fn fields(name: &Name) -> Fields {
    let mut f = Fields::default();
    for atv in name.iter() {
        let v = value_string(&atv.value);
        let o = atv.oid;
        let short = match o {
            o if o == oid::CN => {
                f.common_name = v.clone();
                "CN"
            }
            o if o == oid::SERIAL_NUMBER => {
                f.serial_number = v.clone();
                "serialNumber"
            }
            o if o == oid::C => {
                f.country.push(v.clone());
                "C"
            }
            o if o == oid::O => {
                f.organization.push(v.clone());
                "O"
            }
            o if o == oid::OU => {
                f.organizational_unit.push(v.clone());
                "OU"
            }
            o if o == oid::L => {
                f.locality.push(v.clone());
                "L"
            }
            o if o == oid::ST => {
                f.province.push(v.clone());
                "ST"
            }
            o if o == oid::STREET => {
                f.street_address.push(v.clone());
                "street"
            }
            o if o == oid::POSTAL_CODE => {
                f.postal_code.push(v.clone());
                "postalCode"
            }
            o if o == oid::EMAIL => {
                f.email.push(v.clone());
                "emailAddress"
            }
            _ => "",
        };
        let key = if short.is_empty() { o.to_string() } else { short.to_string() };
        f.all.push((key, v));
    }
    f
}

/// An attribute value as text: string types decoded, anything else as hex.
pub fn value_string(any: &Any) -> String {
    let bytes = any.value();
    match any.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        // TeletexString is treated as Latin-1, as OpenSSL and Go do in practice.
        Tag::TeletexString => bytes.iter().map(|&b| b as char).collect(),
        Tag::BmpString => {
            let units = bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect()
        }
        _ => {
            let der = any.to_der().unwrap_or_default();
            let mut s = String::from("#");
            for b in der {
                s.push_str(&alloc::format!("{b:02x}"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(oid: const_oid::ObjectIdentifier, tag: Tag, value: &[u8]) -> Name {
        let atv = AttributeTypeAndValue { oid, value: Any::new(tag, value.to_vec()).unwrap() };
        Name::hazmat_from_rdn_sequence(RdnSequence::from(alloc::vec![
            RelativeDistinguishedName::try_from(alloc::vec![atv]).unwrap()
        ]))
    }

    #[test]
    fn names_from_outside_are_checked_before_they_are_copied() {
        check(&build("web.example.com", &[], "").unwrap(), "subject", "c").unwrap();
        check(&one(oid::CN, Tag::BmpString, &[0, b'a', 0, b'b']), "subject", "c").unwrap();
        for (name, says) in [
            (one(oid::CN, Tag::Utf8String, &[0xff, 0xfe]), "not UTF-8"),
            (one(oid::CN, Tag::PrintableString, b"a@b"), "PrintableString"),
            (one(oid::CN, Tag::BmpString, &[0, b'a', 0]), "odd number"),
            (one(oid::CN, Tag::Utf8String, &[b'a'; 65]), "at most 64"),
            (one(oid::C, Tag::PrintableString, b"USA"), "at most 2"),
            (one(oid::O, Tag::Utf8String, b"a\0b"), "NUL"),
            (one(oid::O, Tag::BmpString, &[0, b'a', 0, 0]), "NUL"),
            (one(oid::CN, Tag::Integer, &[1]), "not a directory string"),
        ] {
            let e = check(&name, "subject", "c").unwrap_err().to_string();
            assert!(e.contains(says), "{says}: {e}");
        }
    }

    #[test]
    fn builds_in_go_order_with_single_valued_rdns() {
        let names = [NameEntry {
            country: "US".into(),
            province: "CA".into(),
            locality: "San Francisco".into(),
            organization: "Example".into(),
            organizational_unit: "Ops".into(),
            ..Default::default()
        }];
        let n = build("web", &names, "").unwrap();
        assert_eq!(n.to_string(), "CN=web,OU=Ops,O=Example,L=San Francisco,ST=CA,C=US");
        assert!(n.iter_rdn().all(|r| r.len() == 1));
        let f = fields(&n);
        assert_eq!(f.common_name, "web");
        assert_eq!(f.country, ["US"]);
        assert_eq!(f.all[0], ("C".into(), "US".into()));
    }

    #[test]
    fn refusals_name_the_field() {
        let bad = [NameEntry { country: "USA".into(), ..Default::default() }];
        let e = build("x", &bad, "").unwrap_err().to_string();
        assert!(e.starts_with("names[0].C") && e.contains("two-letter"), "{e}");
        let e = build(&"x".repeat(65), &[], "").unwrap_err().to_string();
        assert!(e.starts_with("CN") && e.contains("64"), "{e}");
        let e = build("a\u{0}b", &[], "").unwrap_err().to_string();
        assert!(e.contains("control"), "{e}");
    }

    #[test]
    fn empty_values_are_left_out() {
        let n = build("", &[NameEntry::default()], "").unwrap();
        assert!(n.is_empty());
    }

    #[test]
    fn unicode_round_trips() {
        let n = build("Zürich Größe", &[], "").unwrap();
        assert_eq!(fields(&n).common_name, "Zürich Größe");
    }
}
