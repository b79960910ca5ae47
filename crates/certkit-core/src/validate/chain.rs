//! Certificate path validation, RFC 5280 §6, for a TLS server or client
//! certificate.
//!
//! rustls-webpki builds and validates the path (what rustls trusts):
//! signatures (with [`super::algorithms::ALL`]), validity at the given time,
//! basicConstraints cA and pathLenConstraint (§4.2.1.9), extendedKeyUsage
//! on every certificate below the root (§4.2.1.12; absent means any),
//! name constraints of the root and the intermediates (§4.2.1.10), unknown
//! critical extensions (§4.2.1), CRL status for every certificate whose
//! issuer's CRL is given (§6.3; a certificate without one is not refused,
//! as `openssl verify -crl_check_all` refuses it), a CRL past its nextUpdate
//! or not signed by the issuer, loops (a certificate is never its own
//! ancestor) and bounded work: at most 6 intermediates, 100 signature
//! checks and 200 path-building steps, so a hostile bundle cannot hang it.
//!
//! certkit adds, on the path webpki found (a failure makes webpki try the
//! next path), what webpki leaves out and OpenSSL's `verify -x509_strict
//! -purpose sslserver|sslclient` checks:
//!
//! 1. Every issuer, the root included, has keyCertSign when it has a
//!    keyUsage extension (§4.2.1.3: "the keyCertSign bit is asserted" for
//!    a key that verifies certificate signatures; §6.1.4 (n)).
//! 2. The root is valid at the given time. §6.1 takes a trust anchor as
//!    given; OpenSSL, Go and browsers do not trust an expired root, and
//!    neither does certkit.
//! 3. The leaf's keyUsage, when present, allows the purpose (§4.2.1.12: a
//!    certificate is used only for a purpose consistent with both
//!    extensions): a TLS server needs digitalSignature, keyEncipherment or
//!    keyAgreement; a client digitalSignature or keyAgreement (OpenSSL's
//!    sslserver and sslclient purposes).
//!
//! webpki reports one error without saying which certificate it is about.
//! When the path fails, certkit walks the likeliest path itself (issuer by
//! name, preferring the one whose key verifies the signature) and checks
//! each certificate in turn, so every failure is one line naming the
//! certificate and the rule; webpki's verdict stays the one that counts.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;
use core::time::Duration;

use der::{Decode, Encode};
use rustls_pki_types::{CertificateDer, ServerName, TrustAnchor};
use sha2::{Digest, Sha256};
use webpki::{
    BorrowedCertRevocationList, CertRevocationList, EndEntityCert, ExpirationPolicy, KeyUsage as Eku,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy, VerifiedPath,
};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, NameConstraints, SubjectAltName};

use super::algorithms;
use crate::pki::key::{PublicKey, SignatureAlgorithm};
use crate::pki::oid;
use crate::pki::pem;
use crate::pki::time::UnixTime;
use crate::text;
use crate::{Error, Result};

/// The most certificates a path may hold, leaf and root included: webpki
/// follows at most 6 intermediates.
pub const MAX_PATH_LEN: usize = 8;

/// How many issuers of one name certkit's own walk tries per step.
const MAX_CANDIDATES: usize = 8;

/// The PEM label of a CRL (RFC 7468 §6).
pub const X509_CRL: &str = "X509 CRL";

/// What the certificate must be good for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Purpose {
    /// A TLS server (extendedKeyUsage serverAuth, when present).
    #[default]
    Server,
    /// A TLS client (extendedKeyUsage clientAuth, when present).
    Client,
}

impl Purpose {
    /// `server` or `client`.
    pub fn parse(s: &str) -> Result<Purpose> {
        match s {
            "server" => Ok(Purpose::Server),
            "client" => Ok(Purpose::Client),
            other => Err(Error::Config {
                field: "purpose".into(),
                reason: format!("`{}` is not a purpose; give `server` or `client`", text::excerpt(other, 40)),
            }),
        }
    }

    fn eku(self) -> const_oid::ObjectIdentifier {
        match self {
            Purpose::Server => oid::EKU_SERVER_AUTH,
            Purpose::Client => oid::EKU_CLIENT_AUTH,
        }
    }

    fn eku_name(self) -> &'static str {
        match self {
            Purpose::Server => "serverAuth",
            Purpose::Client => "clientAuth",
        }
    }
}

/// What to verify, and against what.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The certificate (PEM or DER). Further certificates in the same PEM
    /// (a chain file) are taken as intermediates.
    pub cert: &'a [u8],
    /// The trusted roots: PEM certificates, or one DER certificate.
    pub roots: &'a [u8],
    /// Untrusted intermediates, in any order (PEM or one DER); may be empty.
    pub intermediates: &'a [u8],
    /// The DNS name or IP address the certificate must be valid for
    /// (subjectAltName only, RFC 6125 §6.4.4: no common-name fallback).
    pub host: Option<&'a str>,
    /// What the certificate must be good for.
    pub purpose: Purpose,
    /// The time of verification: the caller's clock.
    pub at: UnixTime,
    /// CRLs (PEM, one or more `X509 CRL` blocks, or one DER CRL each).
    pub crls: &'a [&'a [u8]],
}

/// One certificate of the path.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    /// The subject, as RFC 4514 writes it (`CN=leaf,O=Example`).
    pub subject: String,
    /// SHA-256 of the DER, lower-case hex.
    pub sha256: String,
}

/// The outcome: the path used (leaf first) and one line per failure.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// Whether the certificate is valid for the purpose (and host).
    pub ok: bool,
    /// The path found, leaf first, root last; on failure, the likeliest
    /// path (as far as it goes).
    pub chain: Vec<Link>,
    /// Each failure, naming the certificate and the rule; empty when `ok`.
    pub errors: Vec<String>,
}

/// A parsed certificate and how messages name it.
struct Cert {
    der: Vec<u8>,
    x509: Certificate,
    name: String,
}

impl Cert {
    fn parse(der: Vec<u8>, what: &str) -> Result<Cert> {
        let x509 = Certificate::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        let subject = x509.tbs_certificate().subject().to_string();
        let name = if subject.is_empty() { "(empty subject)".into() } else { text::excerpt(&subject, 120) };
        Ok(Cert { der, x509, name })
    }

    fn link(&self) -> Link {
        Link { subject: self.name.clone(), sha256: hex(&Sha256::digest(&self.der)) }
    }

    fn subject_der(&self) -> Vec<u8> {
        self.x509.tbs_certificate().subject().to_der().unwrap_or_default()
    }

    fn issuer_der(&self) -> Vec<u8> {
        self.x509.tbs_certificate().issuer().to_der().unwrap_or_default()
    }

    fn ext<'a, T: Decode<'a, Error = der::Error>>(&'a self, id: const_oid::ObjectIdentifier) -> Option<T> {
        let exts = self.x509.tbs_certificate().extensions()?;
        let e = exts.iter().find(|e| e.extn_id == id)?;
        T::from_der(e.extn_value.as_bytes()).ok()
    }

    fn validity(&self) -> (UnixTime, UnixTime) {
        let v = self.x509.tbs_certificate().validity();
        (UnixTime::from_x509(&v.not_before), UnixTime::from_x509(&v.not_after))
    }

    fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_spki(self.x509.tbs_certificate().subject_public_key_info(), &self.name)
    }

    /// Whether `issuer`'s key verifies this certificate's signature.
    fn signed_by(&self, issuer: &Cert) -> bool {
        let Ok(key) = issuer.public_key() else { return false };
        verify_signed(&self.der, &key).is_ok()
    }
}

fn verify_signed(der: &[u8], key: &PublicKey) -> Result<()> {
    let raw = crate::pki::signer::split_signed(der, "certificate")?;
    let alg = SignatureAlgorithm::from_identifier(&raw.alg)?;
    key.verify(alg, &raw.tbs, &raw.sig)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads every certificate of `input`, naming each in errors.
fn certificates(input: &[u8], what: &str) -> Result<Vec<Cert>> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let ders = pem::certificates(input, what)?;
    let many = ders.len() > 1;
    ders.into_iter()
        .enumerate()
        .map(|(i, der)| Cert::parse(der, &if many { format!("{what} (certificate {})", i + 1) } else { what.into() }))
        .collect()
}

/// A CRL as webpki and certkit's messages read it.
struct Crl {
    webpki: CertRevocationList<'static>,
    x509: CertificateList,
}

fn crls(inputs: &[&[u8]]) -> Result<Vec<Crl>> {
    let mut out = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let what = format!("crls[{i}]");
        crate::error::within_limit(input, &what)?;
        let ders: Vec<Vec<u8>> = if pem::is_pem(input) {
            let blocks = pem::blocks(input, &what)?;
            let ders: Vec<Vec<u8>> = blocks.iter().filter(|b| b.label == X509_CRL).map(|b| b.der.clone()).collect();
            if ders.is_empty() {
                return Err(Error::PemLabel { found: pem::label_list(&blocks), expected: X509_CRL }.in_input(what));
            }
            ders
        } else {
            alloc::vec![input.to_vec()]
        };
        for der in ders {
            let x509 =
                CertificateList::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(&what))?;
            let webpki = BorrowedCertRevocationList::from_der(&der)
                .and_then(|c| c.to_owned())
                .map_err(|e| Error::Der { detail: format!("the CRL cannot be used: {e:?}") }.in_input(&what))?;
            out.push(Crl { webpki: CertRevocationList::Owned(webpki), x509 });
        }
    }
    Ok(out)
}

/// Verifies `req.cert`'s chain to one of `req.roots`. An input that cannot
/// be read (not PEM or DER, too large, a malformed certificate, a bad
/// `host`) is an `Err` naming it; a chain that does not verify is a
/// [`Verdict`] with `ok: false`.
pub fn verify(req: &Request<'_>) -> Result<Verdict> {
    crate::error::within_limit(req.cert, "certificate")?;
    let mut given = certificates(req.cert, "certificate")?.into_iter();
    let leaf = given.next().ok_or_else(|| {
        Error::PemLabel { found: "nothing".into(), expected: pem::CERTIFICATE }.in_input("certificate")
    })?;
    let mut intermediates = certificates(req.intermediates, "intermediates")?;
    intermediates.extend(given);
    let roots = certificates(req.roots, "roots")?;
    if roots.is_empty() {
        return Err(Error::Config {
            field: "roots".into(),
            reason: "no root certificate given; give the trusted CA certificates (PEM)".into(),
        });
    }
    let host = match req.host {
        None => None,
        Some(h) => Some(ServerName::try_from(h).map_err(|_| Error::Config {
            field: "host".into(),
            reason: format!("`{}` is not a DNS name or an IP address", text::excerpt(h, 80)),
        })?),
    };
    let crls = crls(req.crls)?;

    let mut anchors: Vec<TrustAnchor<'static>> = Vec::with_capacity(roots.len());
    for (i, root) in roots.iter().enumerate() {
        let der = CertificateDer::from(root.der.as_slice());
        let anchor = webpki::anchor_from_trusted_cert(&der).map_err(|e| {
            Error::Der { detail: format!("root {} `{}` cannot be a trust anchor: {e:?}", i + 1, root.name) }
                .in_input("roots")
        })?;
        anchors.push(anchor.to_owned());
    }
    let inter_ders: Vec<CertificateDer<'_>> =
        intermediates.iter().map(|c| CertificateDer::from(c.der.as_slice())).collect();
    let crl_refs: Vec<&CertRevocationList<'_>> = crls.iter().map(|c| &c.webpki).collect();
    let revocation = RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
        b.with_depth(RevocationCheckDepth::Chain)
            .with_status_policy(UnknownStatusPolicy::Allow)
            .with_expiration_policy(ExpirationPolicy::Enforce)
            .build()
    });
    let time = rustls_pki_types::UnixTime::since_unix_epoch(Duration::from_secs(req.at.0));
    let usage = match req.purpose {
        Purpose::Server => Eku::server_auth(),
        Purpose::Client => Eku::client_auth(),
    };

    let ctx = Context { roots: &roots, intermediates: &intermediates, crls: &crls, at: req.at, purpose: req.purpose };
    let leaf_der = CertificateDer::from(leaf.der.as_slice());
    let ee = match EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => {
            let (path, mut errors) = ctx.diagnose(&leaf);
            if errors.is_empty() {
                errors.push(format!("{}: {}", who(&leaf, Place::Leaf), describe(&e)));
            }
            return Ok(Verdict { ok: false, chain: path.iter().map(|(c, _)| c.link()).collect(), errors });
        }
    };
    // certkit's checks on each path webpki finds; the last refusal is kept
    // to be reported if no path passes.
    let refused: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let extra = |path: &VerifiedPath<'_>| -> core::result::Result<(), webpki::Error> {
        let chain = ctx.webpki_path(&leaf, path, &anchors);
        let findings = ctx.certkit_checks(&chain);
        if findings.is_empty() {
            return Ok(());
        }
        *refused.borrow_mut() = findings;
        Err(webpki::Error::UnknownIssuer)
    };
    let result = ee.verify_for_usage(algorithms::ALL, &anchors, &inter_ders, time, usage, revocation, Some(&extra));

    let (chain, mut errors) = match result {
        Ok(path) => {
            let chain = ctx.webpki_path(&leaf, &path, &anchors);
            (chain.iter().map(|(c, _)| c.link()).collect::<Vec<_>>(), Vec::new())
        }
        Err(e) => {
            let refused = refused.into_inner();
            let (path, mut findings) = ctx.diagnose(&leaf);
            if !refused.is_empty() {
                findings = refused;
            }
            if findings.is_empty() {
                findings.push(format!("{}: {}", who(&leaf, Place::Leaf), describe(&e)));
            }
            (path.iter().map(|(c, _)| c.link()).collect(), findings)
        }
    };
    if let Some(host) = host
        && ee.verify_is_valid_for_subject_name(&host).is_err()
    {
        errors.push(format!(
            "{}: not valid for host `{}` (its subjectAltName: {})",
            who(&leaf, Place::Leaf),
            text::excerpt(req.host.unwrap_or_default(), 80),
            san_list(&leaf)
        ));
    }
    Ok(Verdict { ok: errors.is_empty(), chain, errors })
}

/// Where a certificate sits in a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Leaf,
    Intermediate,
    Root,
}

fn who(cert: &Cert, place: Place) -> String {
    let p = match place {
        Place::Leaf => "leaf",
        Place::Intermediate => "intermediate",
        Place::Root => "root",
    };
    format!("{p} `{}`", cert.name)
}

fn san_list(cert: &Cert) -> String {
    let names: Vec<String> = cert
        .ext::<SubjectAltName>(oid::SAN)
        .map(|s| s.0)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| match n {
            GeneralName::DnsName(d) => Some(format!("DNS:{}", text::excerpt(d.as_str(), 80))),
            GeneralName::IpAddress(ip) => Some(format!("IP:{}", ip_string(ip.as_bytes()))),
            _ => None,
        })
        .collect();
    if names.is_empty() { "no DNS names or IP addresses".into() } else { names.join(", ") }
}

fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
        16 => b.chunks(2).map(|c| format!("{:x}", u16::from_be_bytes([c[0], c[1]]))).collect::<Vec<_>>().join(":"),
        _ => hex(b),
    }
}

/// The inputs, as the checks see them.
struct Context<'c> {
    roots: &'c [Cert],
    intermediates: &'c [Cert],
    crls: &'c [Crl],
    at: UnixTime,
    purpose: Purpose,
}

impl<'c> Context<'c> {
    /// webpki's path as certkit's certificates.
    fn webpki_path(
        &self,
        leaf: &'c Cert,
        path: &VerifiedPath<'_>,
        anchors: &[TrustAnchor<'_>],
    ) -> Vec<(&'c Cert, Place)> {
        let mut out = alloc::vec![(leaf, Place::Leaf)];
        for c in path.intermediate_certificates() {
            if let Some(found) = self.intermediates.iter().find(|i| i.der.as_slice() == c.der().as_ref()) {
                out.push((found, Place::Intermediate));
            }
        }
        if let Some(i) = anchors.iter().position(|a| core::ptr::eq(a, path.anchor()))
            && let Some(root) = self.roots.get(i)
        {
            out.push((root, Place::Root));
        }
        out
    }

    /// certkit's checks beside webpki's, on a path webpki accepted (see
    /// the module's documentation, rules 1–3).
    fn certkit_checks(&self, chain: &[(&Cert, Place)]) -> Vec<String> {
        let mut out = Vec::new();
        for (i, (cert, place)) in chain.iter().enumerate() {
            if *place == Place::Root {
                self.check_validity(cert, *place, &mut out);
            }
            if i > 0 {
                check_cert_sign(cert, *place, chain[i - 1].0, &mut out);
            } else {
                self.check_leaf_key_usage(cert, &mut out);
            }
        }
        out
    }

    fn check_validity(&self, cert: &Cert, place: Place, out: &mut Vec<String>) {
        let (not_before, not_after) = cert.validity();
        if self.at < not_before {
            out.push(format!("{}: not valid before {not_before} (verified at {})", who(cert, place), self.at));
        }
        if self.at > not_after {
            out.push(format!("{}: expired at {not_after} (verified at {})", who(cert, place), self.at));
        }
    }

    fn check_leaf_key_usage(&self, cert: &Cert, out: &mut Vec<String>) {
        let Some(ku) = cert.ext::<KeyUsage>(oid::KEY_USAGE) else { return };
        let fits = match self.purpose {
            Purpose::Server => ku.digital_signature() || ku.key_encipherment() || ku.key_agreement(),
            Purpose::Client => ku.digital_signature() || ku.key_agreement(),
        };
        if !fits {
            let need = match self.purpose {
                Purpose::Server => "digitalSignature, keyEncipherment or keyAgreement",
                Purpose::Client => "digitalSignature or keyAgreement",
            };
            out.push(format!(
                "{}: its keyUsage does not allow TLS {} authentication (needs {need}; RFC 5280 4.2.1.12)",
                who(cert, Place::Leaf),
                if self.purpose == Purpose::Server { "server" } else { "client" }
            ));
        }
    }

    /// The likeliest path for messages: each issuer found by name among the
    /// roots first, then the intermediates (preferring one whose key
    /// verifies the signature), never a certificate twice, at most
    /// [`MAX_PATH_LEN`] + 1 long. Returns the path and every failure on it.
    fn diagnose(&self, leaf: &'c Cert) -> (Vec<(&'c Cert, Place)>, Vec<String>) {
        let mut path: Vec<(&'c Cert, Place)> = alloc::vec![(leaf, Place::Leaf)];
        let mut out = Vec::new();
        let mut anchored = false;
        while let Some(&(child, _)) = path.last() {
            if path.len() > MAX_PATH_LEN {
                break;
            }
            let issuer = child.issuer_der();
            // A root may issue itself (a self-signed leaf that is also a
            // root); an intermediate is never taken twice.
            let pick = |pool: &'c [Cert], again: bool| -> Option<&'c Cert> {
                let named = pool
                    .iter()
                    .filter(|c| c.subject_der() == issuer && (again || !path.iter().any(|(p, _)| p.der == c.der)));
                // At most a few signatures per step: a bundle of many
                // certificates of one name must not make this slow.
                let mut first = None;
                for (i, c) in named.enumerate() {
                    if i < MAX_CANDIDATES && child.signed_by(c) {
                        return Some(c);
                    }
                    first.get_or_insert(c);
                }
                first
            };
            if let Some(root) = pick(self.roots, true) {
                path.push((root, Place::Root));
                anchored = true;
                break;
            }
            match pick(self.intermediates, false) {
                Some(next) => path.push((next, Place::Intermediate)),
                None => break,
            }
        }
        let intermediates = path.iter().filter(|(_, p)| *p == Place::Intermediate).count();
        if path.len() > MAX_PATH_LEN || intermediates > MAX_PATH_LEN - 2 {
            out.push(format!(
                "{}: the path to a root is longer than {MAX_PATH_LEN} certificates (at most {} intermediates are followed)",
                who(leaf, Place::Leaf),
                MAX_PATH_LEN - 2
            ));
        } else if !anchored && let Some(&(top, place)) = path.last() {
            let issuer = top.x509.tbs_certificate().issuer().to_string();
            out.push(format!(
                "{}: its issuer `{}` is not among the roots{}",
                who(top, place),
                text::excerpt(&issuer, 120),
                if path.len() > 1 && self.intermediates.iter().any(|c| c.subject_der() == top.issuer_der()) {
                    " (the intermediates named so are already in the path: a loop)"
                } else {
                    " or the intermediates"
                }
            ));
        }
        for (i, &(cert, place)) in path.iter().enumerate() {
            self.check_validity(cert, place, &mut out);
            if place != Place::Root {
                check_version_and_extensions(cert, place, &mut out);
                self.check_eku(cert, place, &mut out);
            }
            if i == 0 {
                if cert.ext::<BasicConstraints>(oid::BASIC_CONSTRAINTS).is_some_and(|bc| bc.ca) {
                    out.push(format!(
                        "{}: is a CA certificate (basicConstraints cA TRUE), not an end entity",
                        who(cert, place)
                    ));
                } else {
                    self.check_leaf_key_usage(cert, &mut out);
                }
            } else {
                let child = path[i - 1].0;
                check_issuer(cert, place, child, i - 1, &mut out);
                check_cert_sign(cert, place, child, &mut out);
                match cert.public_key() {
                    Ok(key) => {
                        if verify_signed(&child.der, &key).is_err() {
                            out.push(format!(
                                "{}: its signature does not verify with the key of `{}`",
                                who(child, path[i - 1].1),
                                cert.name
                            ));
                        }
                        self.check_revocation(child, path[i - 1].1, cert, &key, &mut out);
                    }
                    Err(e) => out.push(format!("{}: its key cannot verify signatures: {e}", who(cert, place))),
                }
                if let Some(nc) = cert.ext::<NameConstraints>(oid::NAME_CONSTRAINTS) {
                    for &(below, below_place) in &path[..i] {
                        check_name_constraints(below, below_place, &nc, cert, &mut out);
                    }
                }
            }
        }
        (path, out)
    }

    fn check_eku(&self, cert: &Cert, place: Place, out: &mut Vec<String>) {
        let Some(eku) = cert.ext::<ExtendedKeyUsage>(oid::EXT_KEY_USAGE) else { return };
        if !eku.0.contains(&self.purpose.eku()) {
            let has: Vec<String> = eku.0.iter().map(eku_name).collect();
            out.push(format!(
                "{}: its extendedKeyUsage ({}) lacks {} (RFC 5280 4.2.1.12)",
                who(cert, place),
                has.join(", "),
                self.purpose.eku_name()
            ));
        }
    }

    fn check_revocation(&self, cert: &Cert, place: Place, issuer: &Cert, key: &PublicKey, out: &mut Vec<String>) {
        let issuer_name = cert.issuer_der();
        for crl in self.crls {
            let tbs = &crl.x509.tbs_cert_list;
            if tbs.issuer.to_der().unwrap_or_default() != issuer_name {
                continue;
            }
            let Ok(der) = crl.x509.to_der() else { continue };
            if verify_signed(&der, key).is_err() {
                out.push(format!("the CRL of `{}` does not verify with its key", issuer.name));
                continue;
            }
            if let Some(next) = &tbs.next_update
                && UnixTime::from_x509(next) < self.at
            {
                out.push(format!(
                    "the CRL of `{}` expired at {} (verified at {})",
                    issuer.name,
                    UnixTime::from_x509(next),
                    self.at
                ));
            }
            let serial = cert.x509.tbs_certificate().serial_number();
            if let Some(r) = tbs.revoked_certificates.iter().flatten().find(|r| &r.serial_number == serial) {
                out.push(format!(
                    "{}: revoked at {} by the CRL of `{}`",
                    who(cert, place),
                    UnixTime::from_x509(&r.revocation_date),
                    issuer.name
                ));
            }
        }
    }
}

fn eku_name(id: &const_oid::ObjectIdentifier) -> String {
    match *id {
        oid::EKU_SERVER_AUTH => "serverAuth".into(),
        oid::EKU_CLIENT_AUTH => "clientAuth".into(),
        oid::EKU_CODE_SIGNING => "codeSigning".into(),
        oid::EKU_EMAIL_PROTECTION => "emailProtection".into(),
        oid::EKU_OCSP_SIGNING => "OCSPSigning".into(),
        oid::EKU_TIME_STAMPING => "timeStamping".into(),
        oid::EKU_ANY => "anyExtendedKeyUsage".into(),
        other => other.to_string(),
    }
}

/// RFC 5280 §4.1.2.1 and §4.2: webpki verifies version 3 certificates and
/// refuses a critical extension it does not process.
fn check_version_and_extensions(cert: &Cert, place: Place, out: &mut Vec<String>) {
    let tbs = cert.x509.tbs_certificate();
    if tbs.version() != x509_cert::certificate::Version::V3 {
        out.push(format!("{}: is not an X.509 version 3 certificate", who(cert, place)));
    }
    const KNOWN: [const_oid::ObjectIdentifier; 6] =
        [oid::KEY_USAGE, oid::SAN, oid::BASIC_CONSTRAINTS, oid::NAME_CONSTRAINTS, oid::CRL_DP, oid::EXT_KEY_USAGE];
    for e in tbs.extensions().into_iter().flatten() {
        if e.critical && !KNOWN.contains(&e.extn_id) {
            out.push(format!("{}: unknown critical extension {}", who(cert, place), e.extn_id));
        }
    }
}

/// RFC 5280 §4.2.1.9 and §6.1.4 (k), (l), (m): an issuer is a CA, and its
/// pathLenConstraint bounds the intermediates below it.
fn check_issuer(cert: &Cert, place: Place, child: &Cert, below: usize, out: &mut Vec<String>) {
    match cert.ext::<BasicConstraints>(oid::BASIC_CONSTRAINTS) {
        Some(bc) if bc.ca => {
            if let Some(len) = bc.path_len_constraint
                && below > usize::from(len)
            {
                out.push(format!(
                    "{}: pathLenConstraint {len} exceeded ({below} intermediate{} below it)",
                    who(cert, place),
                    if below == 1 { "" } else { "s" }
                ));
            }
        }
        _ if place == Place::Root && cert.x509.tbs_certificate().version() != x509_cert::certificate::Version::V3 => {}
        _ => out.push(format!(
            "{}: not a CA (basicConstraints cA FALSE or absent) but used as the issuer of `{}`",
            who(cert, place),
            child.name
        )),
    }
}

/// Rule 1 of the module: an issuer's keyUsage has keyCertSign.
fn check_cert_sign(cert: &Cert, place: Place, child: &Cert, out: &mut Vec<String>) {
    if cert.ext::<KeyUsage>(oid::KEY_USAGE).is_some_and(|ku| !ku.key_cert_sign()) {
        out.push(format!(
            "{}: its keyUsage lacks keyCertSign but it issued `{}` (RFC 5280 4.2.1.3)",
            who(cert, place),
            child.name
        ));
    }
}

/// RFC 5280 §4.2.1.10 for DNS names and IP addresses of the
/// subjectAltName: a DNS constraint covers the name and every name below
/// it; an IP constraint is an address and mask.
fn check_name_constraints(cert: &Cert, place: Place, nc: &NameConstraints, by: &Cert, out: &mut Vec<String>) {
    let Some(san) = cert.ext::<SubjectAltName>(oid::SAN) else { return };
    let subtrees = |t: &Option<x509_cert::ext::pkix::constraints::name::GeneralSubtrees>| {
        t.iter().flatten().map(|s| s.base.clone()).collect::<Vec<GeneralName>>()
    };
    let (permitted, excluded) = (subtrees(&nc.permitted_subtrees), subtrees(&nc.excluded_subtrees));
    for name in &san.0 {
        let (shown, kind) = match name {
            GeneralName::DnsName(d) => (text::excerpt(d.as_str(), 80), "DNS name"),
            GeneralName::IpAddress(ip) => (ip_string(ip.as_bytes()), "IP address"),
            _ => continue,
        };
        let same_kind = |g: &&GeneralName| core::mem::discriminant(*g) == core::mem::discriminant(name);
        if let Some(ex) = excluded.iter().filter(same_kind).find(|g| within(name, g)) {
            out.push(format!(
                "{}: {kind} `{shown}` is in the excluded subtree `{}` of `{}`",
                who(cert, place),
                subtree_string(ex),
                by.name
            ));
        }
        let of_kind: Vec<&GeneralName> = permitted.iter().filter(same_kind).collect();
        if !of_kind.is_empty() && !of_kind.iter().any(|g| within(name, g)) {
            let list: Vec<String> = of_kind.iter().map(|g| subtree_string(g)).collect();
            out.push(format!(
                "{}: {kind} `{shown}` is outside the permitted subtrees ({}) of `{}`",
                who(cert, place),
                list.join(", "),
                by.name
            ));
        }
    }
}

fn within(name: &GeneralName, subtree: &GeneralName) -> bool {
    match (name, subtree) {
        (GeneralName::DnsName(n), GeneralName::DnsName(s)) => {
            let (n, s) = (n.as_str().to_ascii_lowercase(), s.as_str().to_ascii_lowercase());
            let s = s.trim_start_matches('.');
            s.is_empty() || n == s || n.ends_with(&format!(".{s}"))
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(s)) => {
            let (n, s) = (n.as_bytes(), s.as_bytes());
            s.len() == 2 * n.len() && n.iter().zip(&s[..n.len()]).zip(&s[n.len()..]).all(|((a, b), m)| a & m == b & m)
        }
        _ => false,
    }
}

fn subtree_string(g: &GeneralName) -> String {
    match g {
        GeneralName::DnsName(d) => text::excerpt(d.as_str(), 80),
        GeneralName::IpAddress(ip) => {
            let b = ip.as_bytes();
            let half = b.len() / 2;
            let bits: u32 = b[half..].iter().map(|m| m.count_ones()).sum();
            format!("{}/{bits}", ip_string(&b[..half]))
        }
        _ => "?".into(),
    }
}

/// webpki's error as a rule, for the rare failure certkit's own walk does
/// not explain.
fn describe(e: &webpki::Error) -> String {
    use webpki::Error as E;
    match e {
        E::UnknownIssuer => "no path to any of the roots".into(),
        E::BadDer | E::BadDerTime | E::TrailingData(_) => "malformed DER".into(),
        E::UnsupportedCertVersion => "is not an X.509 version 3 certificate".into(),
        E::CertExpired { not_after, .. } => format!("expired at {}", UnixTime(not_after.as_secs())),
        E::CertNotValidYet { not_before, .. } => format!("not valid before {}", UnixTime(not_before.as_secs())),
        E::CaUsedAsEndEntity => "is a CA certificate (basicConstraints cA TRUE), not an end entity".into(),
        E::EndEntityUsedAsCa => "a certificate that is not a CA is used as an issuer".into(),
        E::PathLenConstraintViolated => "a pathLenConstraint is exceeded".into(),
        E::NameConstraintViolation => "a name is outside the name constraints of an issuer".into(),
        E::CertRevoked => "a certificate of the path is revoked".into(),
        E::InvalidSignatureForPublicKey => "a signature does not verify".into(),
        E::MaximumPathDepthExceeded => {
            format!("the path to a root is longer than {MAX_PATH_LEN} certificates")
        }
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            "too many candidate paths; give only the intermediates of this chain".into()
        }
        E::UnsupportedCriticalExtension => "an unknown critical extension".into(),
        E::UnsupportedSignatureAlgorithmContext(_) | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "a signature algorithm certkit does not verify (ECDSA P-256/P-384, RSA PKCS#1 v1.5, Ed25519)".into()
        }
        E::RequiredEkuNotFoundContext(_) => "an extendedKeyUsage lacks the purpose".into(),
        E::CrlExpired { next_update, .. } => format!("a CRL expired at {}", UnixTime(next_update.as_secs())),
        other => format!("does not verify ({other:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_parse_and_bad_ones_name_the_field() {
        assert_eq!(Purpose::parse("client").unwrap(), Purpose::Client);
        let e = Purpose::parse("mail").unwrap_err();
        assert_eq!(e.field().as_deref(), Some("purpose"));
    }

    #[test]
    fn ip_subtrees_match_by_mask() {
        let ip = |b: &[u8]| GeneralName::IpAddress(der::asn1::OctetString::new(b.to_vec()).unwrap());
        assert!(within(&ip(&[10, 1, 2, 3]), &ip(&[10, 0, 0, 0, 255, 0, 0, 0])));
        assert!(!within(&ip(&[11, 1, 2, 3]), &ip(&[10, 0, 0, 0, 255, 0, 0, 0])));
        let dns = |s: &str| GeneralName::DnsName(der::asn1::Ia5String::new(s).unwrap());
        assert!(within(&dns("a.example.com"), &dns("example.com")));
        assert!(!within(&dns("aexample.com"), &dns("example.com")));
    }
}
