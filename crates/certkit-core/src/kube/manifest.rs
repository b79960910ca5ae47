//! The CertificateSigningRequest manifest a user submits with `kubectl apply`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};

use der::{Decode, Encode};
use x509_cert::name::Name;

use super::rules::signer_rules;
use super::{
    API_VERSION, KIND, LEGACY_UNKNOWN, MIN_EXPIRATION_SECONDS, Refusal, check_usages, default_usages,
    validate_object_name, validate_signer_name,
};
use crate::cfssl::profile::Usage;
use crate::pki::csr::{self, Csr};
use crate::pki::key::{KeyAlgorithm, PublicKey, elements};
use crate::pki::pem;
use crate::pki::san::San;
use crate::{Error, Result};

/// The object `kubectl apply -f -` takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Manifest {
    pub api_version: String,
    pub kind: String,
    pub metadata: ManifestMetadata,
    pub spec: ManifestSpec,
}

/// `metadata` of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ManifestMetadata {
    pub name: String,
}

/// `spec` of a [`Manifest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ManifestSpec {
    pub request: String,
    pub signer_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_seconds: Option<u32>,
    pub usages: Vec<String>,
}

impl Manifest {
    /// The manifest as YAML, byte for byte what serde-saphyr (a general
    /// YAML serializer, the CLI's) writes for it.
    ///
    /// Written here rather than by a YAML library because the shape is one
    /// and fixed, and its values are held to small alphabets before they
    /// get here (a name is an RFC 1123 subdomain, a signer name
    /// DOMAIN/PATH of such parts, usages one of cfssl's names, the request
    /// base64): the general serializer cost the npm package's full module
    /// about 13 KB gzip for this one shape. A value is written plain unless
    /// YAML would read it as something other than a string (YAML 1.1
    /// booleans such as `no`, null, numbers, dates: then double-quoted, as
    /// serde-saphyr does), and a value longer than 80 characters as a
    /// folded block (`>-`) on one line of its own. Tests compare this with
    /// serde-saphyr on every shape of name the rules allow.
    pub fn to_yaml(&self) -> String {
        let mut out = String::with_capacity(self.spec.request.len() + 256);
        let mut field = |indent: &str, key: &str, value: &str| {
            out.push_str(indent);
            out.push_str(key);
            out.push(':');
            yaml_scalar(&mut out, value, indent);
        };
        field("", "apiVersion", &self.api_version);
        field("", "kind", &self.kind);
        field("", "metadata", "");
        field("  ", "name", &self.metadata.name);
        field("", "spec", "");
        field("  ", "request", &self.spec.request);
        field("  ", "signerName", &self.spec.signer_name);
        if let Some(s) = self.spec.expiration_seconds {
            out.push_str(&alloc::format!("  expirationSeconds: {s}\n"));
        }
        if self.spec.usages.is_empty() {
            out.push_str("  usages: []\n");
        } else {
            out.push_str("  usages:\n");
            for u in &self.spec.usages {
                out.push_str("  -");
                yaml_scalar(&mut out, u, "  ");
            }
        }
        out
    }
}

/// Writes ` value\n` after a key or dash at `indent`: plain, double-quoted,
/// or a folded block; an empty `value` opens a nested mapping (the
/// manifest's `metadata` and `spec`; no value of it is empty).
fn yaml_scalar(out: &mut String, value: &str, indent: &str) {
    if value.is_empty() {
        out.push('\n');
    } else if yaml_reads_as_other_than_text(value) {
        out.push_str(" \"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&alloc::format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push_str("\"\n");
    } else if value.chars().count() > 80 {
        out.push_str(" >-\n");
        out.push_str(indent);
        out.push_str("  ");
        out.push_str(value);
        out.push('\n');
    } else {
        out.push(' ');
        out.push_str(value);
        out.push('\n');
    }
}

/// Whether YAML (1.1, which Go's and most Kubernetes tooling read) would
/// take `s` as a null, boolean, number or date, or not as a plain scalar
/// at all — for the characters a manifest's values may hold (lowercase
/// letters, digits, `-`, `.`, `/`, `+`, `=`, space).
fn yaml_reads_as_other_than_text(s: &str) -> bool {
    const WORDS: [&str; 13] = ["~", "null", "true", "false", "nan", "inf", "y", "n", "yes", "no", "on", "off", "="];
    let b = s.as_bytes();
    WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
        || matches!(
            b.first(),
            None | Some(
                b'-' | b'?'
                    | b','
                    | b':'
                    | b'#'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b' '
            )
        )
        || b.last() == Some(&b' ')
        // (Bytes, not `str::contains`: its substring search costs the
        // page's module 1 KB gzip.)
        || b.windows(2).any(|w| w == b": " || w == b" #")
        || s.chars().any(char::is_control)
        || is_yaml_number(s)
        || is_yaml_date(s)
}

/// A YAML 1.1 number, as serde-saphyr recognizes one: `.inf`/`.nan`; a
/// radix integer (`0x`, `0o`, `0b` and its digits); or a mantissa — digits,
/// or optional digits, a `.` and any digits and dots (YAML 1.1's float) —
/// with an optional exponent (`e`, an optional sign, digits); any of them
/// signed.
fn is_yaml_number(s: &str) -> bool {
    if !matches!(s.as_bytes().first(), Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'_')) {
        return false;
    }
    let digits = |d: &str, radix: u32| !d.is_empty() && d.chars().all(|c| c.is_digit(radix) || c == '_');
    let u = s.strip_prefix(['+', '-']).unwrap_or(s);
    if u.eq_ignore_ascii_case(".inf") || u.eq_ignore_ascii_case(".nan") {
        return true;
    }
    if let [b'0', p, ..] = u.as_bytes()
        && let Some(radix) = match p.to_ascii_lowercase() {
            b'b' => Some(2),
            b'o' => Some(8),
            b'x' => Some(16),
            _ => None,
        }
    {
        return digits(&u[2..], radix);
    }
    let mantissa = match u.split_once(['e', 'E']) {
        Some((m, e)) if digits(e.strip_prefix(['+', '-']).unwrap_or(e), 10) => m,
        Some(_) => return false,
        None => u,
    };
    match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || digits(whole, 10)) && fraction.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        }
        None => digits(mantissa, 10),
    }
}

/// A YAML 1.1 date: `YYYY-M-D` (one or two digits for month and day).
fn is_yaml_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let mut part = |min: usize, max: usize| {
        parts.next().is_some_and(|p| (min..=max).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
    };
    part(4, 4) && part(1, 2) && part(1, 2) && parts.next().is_none()
}

/// What a manifest should say.
#[derive(Clone, Debug, Default)]
pub struct ManifestParams {
    /// metadata.name.
    pub name: String,
    /// spec.signerName.
    pub signer_name: String,
    /// spec.usages; empty takes the signer's defaults ([`default_usages`]).
    pub usages: Vec<String>,
    /// spec.expirationSeconds (at least 600).
    pub expiration_seconds: Option<u32>,
}

/// Something a request asks for that certkit will not put in the
/// certificate, said when the request is written rather than only when it is
/// signed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestWarning {
    /// A usage the CSR's key cannot have (RFC 8813 §3 for EC keys, RFC 8410
    /// §5 for Ed25519): issuance leaves it out, with
    /// [`crate::Warning::DroppedUsage`].
    UsageLeftOut {
        /// The usage, as the request spells it.
        usage: String,
        /// The CSR's key.
        key: KeyAlgorithm,
    },
}

crate::text::display_escaped!(RequestWarning);

impl RequestWarning {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            RequestWarning::UsageLeftOut { usage, key } => write!(
                f,
                "usages: `{usage}` will be left out of the certificate: {key} keys cannot have it (RFC 5480/8813, RFC 8410); drop it from the usages to silence this"
            ),
        }
    }
}

/// The usages of `usages` that a certificate for a `key` key cannot carry,
/// by the rule issuance applies: key and data encipherment only for RSA,
/// key agreement only for EC, encipher/decipher only with key agreement.
pub fn usage_warnings(usages: &[String], key: KeyAlgorithm) -> Vec<RequestWarning> {
    use x509_cert::ext::pkix::KeyUsages;
    let agreement = key.can_agree() && usages.iter().any(|u| u == "key agreement");
    usages
        .iter()
        .filter(|u| match Usage::from_cfssl(u) {
            Some(Usage::Key(KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment)) => !key.can_encipher(),
            Some(Usage::Key(KeyUsages::KeyAgreement)) => !key.can_agree(),
            Some(Usage::Key(KeyUsages::EncipherOnly | KeyUsages::DecipherOnly)) => !agreement,
            _ => false,
        })
        .map(|u| RequestWarning::UsageLeftOut { usage: u.clone(), key })
        .collect()
}

/// Writes the CertificateSigningRequest for `csr_pem`, after checking the
/// CSR, the name, the signer, the usages and, for built-in signers, the
/// signer's rules, so a request Kubernetes would refuse is caught here.
pub fn manifest(csr_pem: &[u8], params: &ManifestParams, what: &str) -> Result<Manifest> {
    manifest_with_warnings(csr_pem, params, what).map(|(m, _)| m)
}

/// [`manifest`], with what the request asks for that the certificate will
/// not have ([`usage_warnings`]).
pub fn manifest_with_warnings(
    csr_pem: &[u8],
    params: &ManifestParams,
    what: &str,
) -> Result<(Manifest, Vec<RequestWarning>)> {
    let csr = Csr::parse(csr_pem, what)?;
    write(csr.to_pem(), csr.subject(), csr.sans(), csr.public_key().algorithm(), params)
}

/// [`manifest_with_warnings`] for a CSR certkit made from a request (the
/// subject, SANs and `cA` request the core read from it), without decoding
/// the CSR: `None` unless the CSR's CertificationRequestInfo is byte for
/// byte the one certkit builds from them for the key the CSR carries. Then
/// what the signer's rules read of the CSR (its subject, its SANs, its key's
/// algorithm) is the request's, and the result is the one
/// [`manifest_with_warnings`] gives. The CSR's signature is not verified
/// here; the API server verifies it.
///
/// The npm package's small `kube` module (the web page's manifest) makes
/// its manifests this way: x509-cert's decoders and every algorithm's
/// verifier would add about 40 KB gzip to it; this reads three elements.
pub fn manifest_for_request(
    csr_der: &[u8],
    subject: &Name,
    sans: &[San],
    ca: Option<Option<u8>>,
    params: &ManifestParams,
) -> Result<Option<(Manifest, Vec<RequestWarning>)>> {
    let Some(key) = made_from(csr_der, subject, sans, ca) else { return Ok(None) };
    write(pem::encode(pem::CERTIFICATE_REQUEST, csr_der), subject, sans, key, params).map(Some)
}

/// The algorithm of the CSR's key if `csr_der` is a CertificationRequest
/// (RFC 2986) whose CertificationRequestInfo is the one [`csr::prepare`]
/// builds from `subject`, `sans` and `ca` for that key.
fn made_from(csr_der: &[u8], subject: &Name, sans: &[San], ca: Option<Option<u8>>) -> Option<KeyAlgorithm> {
    use der::asn1::AnyRef;
    let what = "the CSR";
    // CertificationRequest ::= SEQUENCE { certificationRequestInfo,
    //   signatureAlgorithm, signature }
    let request = elements(AnyRef::from_der(csr_der).ok()?, what).ok()?;
    let [info, _, _] = request.as_slice() else { return None };
    // CertificationRequestInfo ::= SEQUENCE { version, subject,
    //   subjectPKInfo, attributes }
    let spki = elements(*info, what).ok()?.get(2)?.to_der().ok()?;
    let key = PublicKey::from_trusted_der(&spki, what).ok()?;
    let expected = csr::prepare(subject, sans, ca, &key, key.algorithm().signature_algorithm()).ok()?;
    (info.to_der().ok()? == expected.bytes()).then(|| key.algorithm())
}

/// The manifest of the CSR `request_pem`, whose subject, SANs and key
/// algorithm these are, after the checks [`manifest`] lists.
fn write(
    request_pem: String,
    subject: &Name,
    sans: &[San],
    key: KeyAlgorithm,
    params: &ManifestParams,
) -> Result<(Manifest, Vec<RequestWarning>)> {
    validate_object_name(&params.name, "name")?;
    validate_signer_name(&params.signer_name, "signerName")?;
    if params.signer_name == LEGACY_UNKNOWN {
        return Err(Error::Config { field: "signerName".into(), reason: Refusal::LegacyUnknown.to_string() });
    }
    if let Some(s) = params.expiration_seconds
        && (s < MIN_EXPIRATION_SECONDS || s > i32::MAX as u32)
    {
        return Err(Error::Config {
            field: "expirationSeconds".into(),
            reason: alloc::format!("{s} is outside Kubernetes' range of {MIN_EXPIRATION_SECONDS} to {}", i32::MAX),
        });
    }
    let usages =
        if params.usages.is_empty() { default_usages(&params.signer_name, key) } else { params.usages.clone() };
    check_usages(&usages, "usages")?;
    signer_rules(&params.signer_name, subject, sans, &usages)
        .map_err(|rule| Error::Config { field: "signerName".into(), reason: rule.to_string() })?;
    let warnings = usage_warnings(&usages, key);
    let manifest = Manifest {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        metadata: ManifestMetadata { name: params.name.clone() },
        spec: ManifestSpec {
            request: Base64::encode_string(request_pem.as_bytes()),
            signer_name: params.signer_name.clone(),
            expiration_seconds: params.expiration_seconds,
            usages,
        },
    };
    Ok((manifest, warnings))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;

    fn manifest(name: &str, signer: &str, usages: &[&str], expiration: Option<u32>, request: &str) -> Manifest {
        Manifest {
            api_version: API_VERSION.into(),
            kind: KIND.into(),
            metadata: ManifestMetadata { name: name.into() },
            spec: ManifestSpec {
                request: request.into(),
                signer_name: signer.into(),
                expiration_seconds: expiration,
                usages: usages.iter().map(|u| (*u).into()).collect(),
            },
        }
    }

    fn same_as_serde_saphyr(m: &Manifest) {
        let ours = m.to_yaml();
        let theirs = serde_saphyr::to_string(m).unwrap();
        assert_eq!(ours, theirs, "{m:?}");
    }

    /// Every name of up to three characters from the characters that make
    /// YAML read a value as a number, boolean, null or date (and `-`, `.`),
    /// that Kubernetes allows, then longer awkward ones; signer names,
    /// every usage, with and without an expiry: the same bytes as
    /// serde-saphyr's.
    #[test]
    fn the_manifest_yaml_is_serde_saphyrs() {
        let request = Base64::encode_string(&[0x5a; 400]);
        let alphabet: Vec<char> = "0123456789abdefilnorstuxy.-".chars().collect();
        let mut names: Vec<String> = alphabet.iter().map(|c| c.to_string()).collect();
        for _ in 0..2 {
            let longer: Vec<String> =
                names.iter().flat_map(|n| alphabet.iter().map(move |c| alloc::format!("{n}{c}"))).collect();
            names.extend(longer);
        }
        names.sort();
        names.dedup();
        for awkward in [
            "1e5",
            "1.5",
            "1e-5",
            "1.5e10",
            "0x1f",
            "0o17",
            "0b101",
            "1.2.3",
            "1e",
            "2024-01-01",
            "2024-1-1",
            "20240-1-1",
            "12-34",
            "1-2-3",
            "true",
            "false",
            "null",
            "yes",
            "no",
            "on",
            "off",
            "nan",
            "inf",
            "y",
            "n",
            "infinity",
            "nano",
            "0x",
            "0xg",
            "00",
            "007",
            "1.0.0",
            "1e5e5",
            "10e-5-x",
            "web.example.com",
            "my-svc.my-namespace",
            "0.0.0.0",
            "1e5.example.com",
        ] {
            names.push(awkward.into());
        }
        names.push("a".repeat(80));
        names.push("a".repeat(81));
        names.push(alloc::format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)));
        names.push("1".repeat(81));
        let mut checked = 0;
        for name in &names {
            if validate_object_name(name, "name").is_err() {
                continue;
            }
            same_as_serde_saphyr(&manifest(name, "example.com/serving", &["digital signature"], None, &request));
            checked += 1;
        }
        assert!(checked > 10_000, "{checked} names checked");
        let long_signer = alloc::format!("{}.example.com/{}", "s".repeat(60), "p".repeat(60));
        for signer in
            ["example.com/serving", "kubernetes.io/kube-apiserver-client", "x.io/1", "a.b/true", "1.2/3", &long_signer]
        {
            assert!(validate_signer_name(signer, "signerName").is_ok(), "{signer}");
            same_as_serde_saphyr(&manifest("n", signer, &["client auth"], Some(600), &request));
        }
        for usage in crate::cfssl::profile::USAGE_NAMES {
            same_as_serde_saphyr(&manifest(
                "a",
                "example.com/x",
                &[usage, "server auth"],
                Some(4_294_967_295),
                &request,
            ));
        }
        same_as_serde_saphyr(&manifest("a", "example.com/x", &[], None, &request));
        // A short request (never one of a real CSR) stays plain.
        same_as_serde_saphyr(&manifest("a", "example.com/x", &["any"], None, "TFMw"));
    }
}
