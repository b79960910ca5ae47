//! Certificate issuance, RFC 5280 §4.1 and the CA/B Forum Baseline Requirements.
//!
//! ```text
//! TBSCertificate ::= SEQUENCE {
//!     version         [0] EXPLICIT Version DEFAULT v1,   -- v3
//!     serialNumber        CertificateSerialNumber,
//!     signature           AlgorithmIdentifier,
//!     issuer              Name,
//!     validity            Validity,
//!     subject             Name,
//!     subjectPublicKeyInfo SubjectPublicKeyInfo,
//!     extensions      [3] EXPLICIT Extensions }
//! ```
//!
//! The rules certkit applies, in order:
//!
//! 1. The CA certificate must be a CA (basicConstraints cA=TRUE; keyCertSign
//!    if keyUsage is present), valid now, and its key must match.
//! 2. A CSR that asks to be a CA is refused unless the profile has
//!    `ca_constraint.is_ca`; a CA is refused where the issuer's
//!    pathLenConstraint is 0, and below an issuer with pathLenConstraint n
//!    it gets at most n−1. CA certificates carry no SANs.
//! 3. Every CN and emailAddress of the subject and every SAN (DNS name, IP
//!    address as text, email, URI) must match the profile's `name_whitelist`.
//! 4. The serial number is 20 random octets with the top bit cleared and the
//!    next one set: positive, 159 bits of which 158 are random, never over
//!    20 octets (RFC 5280 §4.1.2.2; BR §7.1 asks for 64 bits of entropy).
//! 5. Validity runs from `now − backdate` (5 minutes by default) to
//!    `notBefore + expiry − 1s`: RFC 5280 §4.1.2.5 counts both ends, so the
//!    validity period is exactly the expiry and a certificate never lives
//!    longer than the profile says (CA/B Forum BR 6.3.2; cfssl's notAfter is
//!    one second later); or the profile's fixed `not_before`/`not_after`.
//!    It never starts before, or ends after, the CA's own validity: an
//!    expiry past the CA's notAfter is capped with a warning.
//! 6. Key usages the subject key cannot have are dropped with a warning:
//!    keyEncipherment and dataEncipherment need an RSA key (RFC 8813 §3,
//!    RFC 8410 §5), keyAgreement an EC key, encipherOnly/decipherOnly
//!    keyAgreement.
//! 7. Extensions, in Go's order: keyUsage (critical), extKeyUsage,
//!    basicConstraints (critical), subjectKeyIdentifier (SHA-1 of the key,
//!    RFC 5280 §4.2.1.2 (1)), authorityKeyIdentifier (the issuer's key id),
//!    authorityInfoAccess, subjectAltName (critical when the subject is
//!    empty, §4.2.1.6), cRLDistributionPoints, OCSP no-check.
//! 8. The signature algorithm follows the CA key ([`crate::pki::key`]).
//! 9. No subject value may hold a Unicode bidirectional control
//!    ([`crate::text::is_bidi_control`]: `\u{202e}moc.knab-eruces` displays
//!    as `secure-bank.com`, and flips the fields after it) unless the
//!    profile sets `allow_bidi_controls`.
//! 10. With the profile's `copy_extensions`, the CSR's requested extensions
//!     are added after those of rule 7 — only the OIDs of
//!     `allowed_extensions` when it lists any — except the extensions the
//!     profile decides (those of rule 7, certificatePolicies and
//!     nameConstraints), which are never taken from a CSR: asking for one is a
//!     warning naming it.
//! 11. A CA certificate issued under a profile with `name_constraints`
//!     carries them as a critical nameConstraints extension (RFC 5280
//!     §4.2.1.10 requires critical), after the subjectAltName in rule 7's
//!     order ([`crate::pki::constraints`]).
//! 12. When the issuing CA's certificate, or any certificate above it in its
//!     file (a `-ca` file or a CA directory's `ca.pem` holds the chain),
//!     carries name constraints, every name the new certificate carries
//!     must satisfy each of them (RFC 5280 §6.1.3 (b), (c): they bind every
//!     certificate below, CAs too): each SAN, each subject emailAddress,
//!     and — for a leaf — each CN that is a host name or an IP address
//!     (CN-as-host, as OpenSSL checks it, but also when the leaf has DNS
//!     SANs: some clients still read the CN). A CA whose constraints hold
//!     a form certkit does not evaluate (directoryName) signs nothing.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use const_oid::ObjectIdentifier;
use der::asn1::{Ia5String, OctetString};
use der::{Decode, Encode, Sequence};
use rand_core::CryptoRng;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::certificate::{Certificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints,
    ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use crate::cfssl::profile::{Policy, key_usage_name};
use crate::pki::constraints::{Candidate, NameConstraints};
use crate::pki::csr::Csr;
use crate::pki::key::{KeyAlgorithm, PublicKey};
use crate::pki::san::San;
use crate::pki::signer::ToBeSigned;
use crate::pki::time::UnixTime;
use crate::pki::{oid, pem};
use crate::{Error, Result};

/// What the certificate is for: a subject, its SANs and its key.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The subject name.
    pub name: Name,
    /// The SANs.
    pub sans: Vec<San>,
    /// The subject's public key.
    pub public_key: PublicKey,
    /// basicConstraints requested by the CSR, if it asked to be a CA.
    pub requested_ca: Option<BasicConstraints>,
    /// Every extension the CSR requested; a profile with
    /// `copy_extensions` copies those it does not decide itself (rule 10).
    pub requested_extensions: Vec<Extension>,
}

impl Subject {
    /// Takes subject, SANs and key from a verified CSR.
    pub fn from_csr(csr: &Csr) -> Subject {
        Subject {
            name: csr.subject().clone(),
            sans: csr.sans().to_vec(),
            public_key: csr.public_key().clone(),
            requested_ca: csr.requested_ca().cloned(),
            requested_extensions: csr.extensions().to_vec(),
        }
    }

    /// Takes subject, SANs and key from an issued certificate (for renewal).
    pub fn from_certificate(der: &[u8], what: &str) -> Result<Subject> {
        let cert = Certificate::from_der(der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        let tbs = cert.tbs_certificate();
        let public_key = PublicKey::from_spki(tbs.subject_public_key_info(), what)?;
        // Renewal copies the subject into a new certificate.
        crate::pki::name::check(tbs.subject(), "subject", what)?;
        let sans = match ext::<SubjectAltName>(&cert, oid::SAN, what)? {
            Some(san) => san.0.iter().filter_map(San::from_general_name).collect(),
            None => Vec::new(),
        };
        Ok(Subject {
            name: tbs.subject().clone(),
            sans,
            public_key,
            requested_ca: None,
            requested_extensions: Vec::new(),
        })
    }

    /// Replaces the SANs, as cfssl's `-hostname` does.
    pub fn with_hosts<S: AsRef<str>>(mut self, hosts: &[S]) -> Result<Subject> {
        self.sans = crate::pki::san::from_hosts(hosts)?;
        Ok(self)
    }

    /// Overrides the subject with cfssl's SUBJECT file (`cfssl sign CSR
    /// SUBJECT`), as cfssl's `PopulateSubjectFromCSR` does: each of CN, C,
    /// ST, L, O, OU, emailAddress and serialNumber comes from `over` when it
    /// gives any, else from the CSR; the name is then built as a CSR
    /// request's is. `hosts`, when given, replace the SANs. Attributes
    /// outside those (street, postal code, …) are not kept, as in cfssl.
    pub fn with_subject_request(mut self, over: &crate::cfssl::request::CsrRequest) -> Result<Subject> {
        use crate::pki::name::{self, NameEntry};
        let csr = name::fields(&self.name);
        let pick = |given: Vec<&String>, from_csr: &[String]| -> Vec<String> {
            let given: Vec<String> = given.into_iter().filter(|v| !v.is_empty()).cloned().collect();
            if given.is_empty() { from_csr.to_vec() } else { given }
        };
        let of = |f: fn(&NameEntry) -> &String| over.names.iter().map(f).collect::<Vec<_>>();
        let columns = [
            pick(of(|n| &n.country), &csr.country),
            pick(of(|n| &n.province), &csr.province),
            pick(of(|n| &n.locality), &csr.locality),
            pick(of(|n| &n.organization), &csr.organization),
            pick(of(|n| &n.organizational_unit), &csr.organizational_unit),
            pick(of(|n| &n.email), &csr.email),
        ];
        let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
        let entries: Vec<NameEntry> = (0..rows)
            .map(|i| {
                let at = |c: usize| columns[c].get(i).cloned().unwrap_or_default();
                NameEntry {
                    country: at(0),
                    province: at(1),
                    locality: at(2),
                    organization: at(3),
                    organizational_unit: at(4),
                    email: at(5),
                    serial_number: String::new(),
                }
            })
            .collect();
        let cn = if over.cn.is_empty() { &csr.common_name } else { &over.cn };
        let serial = if over.serial_number.is_empty() { &csr.serial_number } else { &over.serial_number };
        self.name = name::build(cn, &entries, serial)?;
        if !over.hosts.is_empty() {
            self = self.with_hosts(&over.hosts)?;
        }
        Ok(self)
    }
}

/// A CA certificate that has been checked for issuing.
#[derive(Clone, Debug)]
pub struct CaCert {
    cert: Certificate,
    der: Vec<u8>,
    /// The file it was read from: the certificate, then its chain.
    file: Vec<u8>,
    public_key: PublicKey,
    key_id: Vec<u8>,
    path_len: Option<u8>,
    crl_sign: bool,
    not_before: UnixTime,
    not_after: UnixTime,
    /// [`CaCert::chain`], found once.
    chain: Result<Vec<Vec<u8>>>,
    /// The name constraints of this certificate and of those above it in
    /// its file (rule 12), each with the subject of the certificate that
    /// carries it; empty when none does.
    constraints: Result<Vec<(String, NameConstraints)>>,
}

impl CaCert {
    /// Reads the first certificate of a PEM or DER file and checks it can
    /// issue: basicConstraints cA=TRUE, and keyCertSign if keyUsage is present.
    /// The rest of the file is its chain ([`CaCert::chain`]).
    pub fn parse(input: &[u8], what: &str) -> Result<CaCert> {
        let der = pem::first_certificate(input, what)?;
        let cert = Certificate::from_der(&der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        let tbs = cert.tbs_certificate();
        let public_key = PublicKey::from_spki(tbs.subject_public_key_info(), what)?;
        // Its subject becomes the issuer of everything it signs.
        crate::pki::name::check(tbs.subject(), "subject", what)?;
        let bc: Option<BasicConstraints> = ext(&cert, oid::BASIC_CONSTRAINTS, what)?;
        let Some(bc) = bc.filter(|b| b.ca) else {
            return Err(Error::NotACa { reason: "it has no basicConstraints with cA=TRUE" });
        };
        let ku = ext::<KeyUsage>(&cert, oid::KEY_USAGE, what)?;
        if ku.is_some_and(|ku| !ku.key_cert_sign()) {
            return Err(Error::NotACa { reason: "its keyUsage lacks keyCertSign" });
        }
        let crl_sign = ku.is_none_or(|ku| ku.crl_sign());
        let key_id = match ext::<x509_cert::ext::pkix::SubjectKeyIdentifier>(&cert, oid::SKI, what)? {
            Some(ski) => ski.0.as_bytes().to_vec(),
            None => public_key.key_id(),
        };
        let v = tbs.validity();
        let path = path(input, &der, &cert);
        let chain = path
            .as_ref()
            .map_err(Clone::clone)
            .map(|p| p.iter().take_while(|(_, c)| !self_issued(c)).take(8).map(|(der, _)| der.clone()).collect());
        let constraints = path.and_then(|p| {
            let mut out = Vec::new();
            for (_, c) in &p {
                if let Some(e) = single_ext(c, oid::NAME_CONSTRAINTS, what)? {
                    let subject = c.tbs_certificate().subject().to_string();
                    out.push((subject, NameConstraints::from_der(e.extn_value.as_bytes(), what)?));
                }
            }
            Ok(out)
        });
        Ok(CaCert {
            chain,
            constraints,
            file: input.to_vec(),
            not_before: UnixTime::from_x509(&v.not_before),
            not_after: UnixTime::from_x509(&v.not_after),
            path_len: bc.path_len_constraint,
            crl_sign,
            cert,
            der,
            public_key,
            key_id,
        })
    }

    /// The CA's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The CA's subject (the issuer of what it signs).
    pub fn subject(&self) -> &Name {
        self.cert.tbs_certificate().subject()
    }

    /// DER of the CA certificate.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// PEM of the CA certificate.
    pub fn to_pem(&self) -> String {
        pem::encode(pem::CERTIFICATE, &self.der)
    }

    /// The CA's notAfter.
    pub fn not_after(&self) -> UnixTime {
        self.not_after
    }

    /// The CA's key identifier (its subjectKeyIdentifier).
    pub fn key_id(&self) -> &[u8] {
        &self.key_id
    }

    /// The CA certificate's validity period: from notBefore to notAfter,
    /// both included (RFC 5280 §4.1.2.5), so one second more than their
    /// difference.
    pub fn lifetime(&self) -> core::time::Duration {
        core::time::Duration::from_secs(self.not_after.0.saturating_sub(self.not_before.0).saturating_add(1))
    }

    /// Whether the CA certificate is self-issued (its issuer is its subject):
    /// a root.
    pub fn is_self_issued(&self) -> bool {
        self.cert.tbs_certificate().issuer() == self.cert.tbs_certificate().subject()
    }

    /// The CA's pathLenConstraint.
    pub fn path_len(&self) -> Option<u8> {
        self.path_len
    }

    /// Whether the CA may sign CRLs (keyUsage absent, or with cRLSign).
    pub fn can_sign_crls(&self) -> bool {
        self.crl_sign
    }

    /// The CA file as read: the certificate, then its chain.
    pub fn file(&self) -> &[u8] {
        &self.file
    }

    /// The intermediates to send after what this CA signs (DER): this CA
    /// if it is not a root, then each certificate of its file that issued
    /// the previous one, until a self-signed root (never sent) or a gap.
    pub fn chain(&self) -> Result<Vec<Vec<u8>>> {
        self.chain.clone()
    }

    /// The name constraints of this certificate and of each above it in its
    /// file, with the subject of the certificate that carries them (rule 12).
    pub fn name_constraints(&self) -> Result<&[(String, NameConstraints)]> {
        self.constraints.as_ref().map(Vec::as_slice).map_err(Clone::clone)
    }

    /// Refuses a key that does not belong to this certificate.
    pub fn check_key(&self, key: &PublicKey) -> Result<()> {
        if key == &self.public_key { Ok(()) } else { Err(Error::CaKeyMismatch) }
    }
}

/// A CA certificate's basicConstraints (cA TRUE, RFC 5280 §4.2.1.9); `None`
/// for any other certificate. `gencsr -cert` asks for them again, as cfssl's
/// `ExtractCertificateRequest` does.
pub fn ca_constraints(der: &[u8], what: &str) -> Result<Option<BasicConstraints>> {
    let cert = Certificate::from_der(der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
    Ok(ext::<BasicConstraints>(&cert, oid::BASIC_CONSTRAINTS, what)?.filter(|bc| bc.ca))
}

/// Whether a certificate is self-issued (its issuer is its subject).
fn self_issued(c: &Certificate) -> bool {
    c.tbs_certificate().issuer() == c.tbs_certificate().subject()
}

/// The CA certificate and each certificate of its file that issued the
/// previous one, up to a self-issued root or a gap, nine at most.
fn path(file: &[u8], der: &[u8], cert: &Certificate) -> Result<Vec<(Vec<u8>, Certificate)>> {
    let what = "the CA file";
    let mut pool = Vec::new();
    if pem::is_pem(file) {
        for b in pem::blocks(file, what)?.iter().filter(|b| b.label == pem::CERTIFICATE) {
            let c = Certificate::from_der(&b.der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
            pool.push((b.der.clone(), c));
        }
    }
    let mut out = alloc::vec![(der.to_vec(), cert.clone())];
    while let Some((_, last)) = out.last()
        && !self_issued(last)
        && out.len() < 9
    {
        let issuer = last.tbs_certificate().issuer();
        match pool.iter().find(|(_, c)| c.tbs_certificate().subject() == issuer) {
            Some(next) => out.push(next.clone()),
            None => break,
        }
    }
    Ok(out)
}

/// The extension `id` of `cert`, if it has one (twice is an error).
fn single_ext<'a>(cert: &'a Certificate, id: ObjectIdentifier, what: &str) -> Result<Option<&'a Extension>> {
    let Some(exts) = cert.tbs_certificate().extensions() else { return Ok(None) };
    let mut found = exts.iter().filter(|e| e.extn_id == id);
    let first = found.next();
    if first.is_some() && found.next().is_some() {
        return Err(Error::DuplicateExtension { oid: id.to_string() }.in_input(what));
    }
    Ok(first)
}

fn ext<'a, T: Decode<'a, Error = der::Error>>(
    cert: &'a Certificate,
    id: const_oid::ObjectIdentifier,
    what: &str,
) -> Result<Option<T>> {
    let Some(e) = single_ext(cert, id, what)? else { return Ok(None) };
    T::from_der(e.extn_value.as_bytes())
        .map(Some)
        .map_err(|err| Error::Der { detail: alloc::format!("extension {id}: {err}") }.in_input(what))
}

/// Something certkit did differently from what was asked, and said so.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A key usage the key cannot have was left out.
    DroppedUsage {
        /// cfssl's name for it.
        usage: &'static str,
        /// The subject key.
        key: KeyAlgorithm,
    },
    /// The expiry reached past the CA's notAfter.
    CappedToCa {
        /// The CA's notAfter.
        not_after: UnixTime,
    },
    /// SANs were left out of a CA certificate.
    DroppedCaSans,
    /// The profile asks for something only cfssl's server does (remote
    /// signing, a certificate store, linting, CT logs).
    IgnoredMember {
        /// The member's path (`signing.profiles.www.ct_log_servers`).
        field: String,
    },
    /// `copy_extensions` left out an extension the CSR requested.
    NotCopied {
        /// The extension's OID, dotted.
        oid: String,
        /// Why: the profile decides it, or `allowed_extensions` omits it.
        why: &'static str,
    },
    /// No profile was chosen and the signing config has no `default`, so
    /// cfssl's built-in default signed, not one of the config's profiles.
    BuiltInDefault {
        /// The config's profiles.
        profiles: Vec<String>,
    },
}

crate::text::display_escaped!(Warning);

impl Warning {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Warning::DroppedUsage { usage, key } => {
                write!(f, "left out the `{usage}` usage: {key} keys cannot have it (RFC 5480/8813, RFC 8410)")
            }
            Warning::CappedToCa { not_after } => write!(
                f,
                "the expiry reaches past the CA certificate's notAfter; the certificate ends with the CA at {not_after}"
            ),
            Warning::DroppedCaSans => write!(f, "left out the subjectAltNames: a CA certificate does not name hosts"),
            Warning::NotCopied { oid, why } => {
                write!(f, "did not copy the CSR's extension {oid} (copy_extensions): {why}")
            }
            Warning::BuiltInDefault { profiles } => write!(
                f,
                "signed with cfssl's built-in default profile (signing, key encipherment, server auth, client auth; 8760h): the signing config has no `default`; choose one of its profiles ({}), or give it a default",
                profiles.join(", ")
            ),
            Warning::IgnoredMember { field } => {
                let what = match field.rsplit('.').next() {
                    Some("remote" | "auth_remote") => "signed here, offline, not by the remote signer",
                    Some("ct_log_servers") => "not submitted to Certificate Transparency logs (it carries no SCTs)",
                    Some("lint_error_level") => "not linted",
                    _ => "not stored in cfssl's certificate database",
                };
                write!(f, "ignored `{field}`: the certificate is {what}; remove the member to silence this")
            }
        }
    }
}

/// What a certificate is in its CA's hierarchy. Decided by the path that
/// issued it ([`crate::Ca`]'s methods, [`crate::generate`]) and
/// recorded in the ledger, never guessed from a profile's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A self-signed CA.
    Root,
    /// A CA certified by another CA.
    Intermediate,
    /// A new root's key certified by the old root (RFC 4210 §4.4, "new with old").
    Cross,
    /// An end-entity certificate (basicConstraints cA=FALSE).
    Leaf,
}

impl Role {
    /// The role of a certificate made under `policy` by a CA: a CA
    /// certificate under a CA profile, else a leaf.
    pub fn under(policy: &Policy) -> Role {
        if policy.is_ca { Role::Intermediate } else { Role::Leaf }
    }

    /// Whether the certificate is a CA's.
    pub fn is_ca(self) -> bool {
        self != Role::Leaf
    }
}

/// An issued certificate.
#[derive(Clone, Debug)]
pub struct Issued {
    /// DER.
    pub der: Vec<u8>,
    /// What certkit changed, to show the operator.
    pub warnings: Vec<Warning>,
    /// What the certificate is.
    pub role: Role,
    /// The name of the policy it was issued under, as the ledger records it
    /// (a profile's name; `initca`, `intermediate` or `cross` for the CA
    /// policies).
    pub profile: String,
}

impl Issued {
    /// PEM.
    pub fn to_pem(&self) -> String {
        pem::encode(pem::CERTIFICATE, &self.der)
    }
}

/// Who signs: a CA, or the subject itself (a self-signed root).
#[derive(Clone, Copy, Debug)]
pub enum Issuer<'a> {
    /// A CA certificate.
    Ca(&'a CaCert),
    /// The subject's own key: a self-signed certificate.
    SelfSigned,
}

#[derive(Sequence)]
struct TbsCertificate {
    #[asn1(context_specific = "0", default = "Default::default")]
    version: Version,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

/// A fresh serial number (rule 4).
pub fn serial<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<SerialNumber> {
    let mut bytes = [0u8; 20];
    rng.fill_bytes(&mut bytes);
    bytes[0] = (bytes[0] & 0x3f) | 0x40;
    SerialNumber::new(&bytes).map_err(|e| Error::Crypto { op: "serial number", detail: e.to_string() })
}

/// Builds the to-be-signed certificate. `signer_key` is the key that will
/// sign (the CA's, or the subject's own for [`Issuer::SelfSigned`]). Each
/// numbered rule of the module documentation is one function below.
pub fn prepare<R: CryptoRng + ?Sized>(
    subject: &Subject,
    policy: &Policy,
    issuer: Issuer<'_>,
    signer_key: &PublicKey,
    now: UnixTime,
    rng: &mut R,
) -> Result<(ToBeSigned, Vec<Warning>)> {
    let mut warnings: Vec<Warning> =
        policy.ignored.iter().map(|field| Warning::IgnoredMember { field: field.clone() }).collect();
    if !policy.unused_profiles.is_empty() {
        warnings.push(Warning::BuiltInDefault { profiles: policy.unused_profiles.clone() });
    }
    let issuer_cert = issuer;
    let issuer = rule1_issuer(issuer, subject, signer_key, now)?;
    let (path_len, sans) = rule2_ca_request(subject, policy, &issuer, &mut warnings)?;
    rule3_names(subject, &sans, policy)?;
    rule12_within_constraints(issuer_cert, subject, &sans, policy)?;
    let (not_before, not_after) = rule5_validity(policy, &issuer, now, &mut warnings)?;
    let key_usage = rule6_key_usage(policy, subject.public_key.algorithm(), &mut warnings)?;
    let mut extensions = rule7_extensions(subject, policy, &issuer, path_len, &key_usage, &sans)?;
    rule10_copied_extensions(subject, policy, &mut extensions, &mut warnings);
    // 8. The signature algorithm follows the signing key.
    let alg = signer_key.algorithm().signature_algorithm();
    rule9_bidi(subject, policy)?;
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: serial(rng)?,
        signature: alg.identifier(),
        issuer: issuer.name,
        validity: Validity::new(not_before.to_x509()?, not_after.to_x509()?),
        subject: subject.name.clone(),
        subject_public_key_info: subject.public_key.spki().clone(),
        extensions: Some(extensions),
    };
    Ok((ToBeSigned::new(tbs.to_der().map_err(encoding)?, alg, signer_key.clone()), warnings))
}

/// The extensions a profile decides, never copied from a CSR.
const DECIDED: [ObjectIdentifier; 11] = [
    oid::KEY_USAGE,
    oid::EXT_KEY_USAGE,
    oid::BASIC_CONSTRAINTS,
    oid::SKI,
    oid::AKI,
    oid::AIA,
    oid::SAN,
    oid::CRL_DP,
    oid::OCSP_NOCHECK,
    oid::CERT_POLICIES,
    oid::NAME_CONSTRAINTS,
];

/// Rule 10: `copy_extensions`.
fn rule10_copied_extensions(
    subject: &Subject,
    policy: &Policy,
    exts: &mut Vec<Extension>,
    warnings: &mut Vec<Warning>,
) {
    if !policy.copy_extensions {
        return;
    }
    for e in &subject.requested_extensions {
        if DECIDED.contains(&e.extn_id) {
            // The CSR's SANs are the certificate's anyway (rule 7); only ask-to-decide is news.
            if e.extn_id != oid::SAN {
                warnings.push(Warning::NotCopied { oid: e.extn_id.to_string(), why: "the profile decides it" });
            }
        } else if !policy.allowed_extensions.is_empty() && !policy.allowed_extensions.contains(&e.extn_id) {
            warnings.push(Warning::NotCopied { oid: e.extn_id.to_string(), why: "it is not in allowed_extensions" });
        } else if !exts.iter().any(|x| x.extn_id == e.extn_id) {
            exts.push(e.clone());
        }
    }
}

fn encoding(e: der::Error) -> Error {
    Error::Crypto { op: "certificate encoding", detail: e.to_string() }
}

/// What rule 1 establishes about the issuer: its name, key id, and (for a
/// CA) its validity window and pathLenConstraint.
struct IssuerFacts {
    name: Name,
    key_id: Vec<u8>,
    ca: Option<(UnixTime, UnixTime, Option<u8>)>,
}

/// Rule 1: The CA must be valid now and its key must sign; a self-signed
/// certificate is signed by the subject's own key.
fn rule1_issuer(issuer: Issuer<'_>, subject: &Subject, signer_key: &PublicKey, now: UnixTime) -> Result<IssuerFacts> {
    match issuer {
        Issuer::Ca(ca) => {
            ca.check_key(signer_key)?;
            if now < ca.not_before || now > ca.not_after {
                return Err(Error::CaNotValid {
                    not_before: ca.not_before.rfc3339(),
                    not_after: ca.not_after.rfc3339(),
                });
            }
            Ok(IssuerFacts {
                name: ca.subject().clone(),
                key_id: ca.key_id.clone(),
                ca: Some((ca.not_before, ca.not_after, ca.path_len)),
            })
        }
        Issuer::SelfSigned => {
            if signer_key != &subject.public_key {
                return Err(Error::CaKeyMismatch);
            }
            Ok(IssuerFacts { name: subject.name.clone(), key_id: subject.public_key.key_id(), ca: None })
        }
    }
}

/// Rule 2: A CA request needs a CA profile; a CA below an issuer with
/// pathLenConstraint n gets at most n−1 (RFC 5280 §6.1.4 (l), (m)), none at
/// all below 0; a CA certificate carries no SANs. Returns the pathLen and
/// the SANs to write.
fn rule2_ca_request(
    subject: &Subject,
    policy: &Policy,
    issuer: &IssuerFacts,
    warnings: &mut Vec<Warning>,
) -> Result<(Option<u8>, Vec<San>)> {
    if subject.requested_ca.is_some() && !policy.is_ca {
        return Err(Error::CsrWantsCa);
    }
    let mut path_len = policy.path_len;
    if policy.is_ca
        && let Some((_, _, Some(ca_path_len))) = issuer.ca
    {
        if ca_path_len == 0 {
            return Err(Error::PathLen);
        }
        path_len = Some(policy.path_len.map_or(ca_path_len - 1, |p| p.min(ca_path_len - 1)));
    }
    let sans = if policy.is_ca && !subject.sans.is_empty() {
        warnings.push(Warning::DroppedCaSans);
        Vec::new()
    } else {
        subject.sans.clone()
    };
    if subject.name.is_empty() && sans.is_empty() {
        return Err(Error::EmptySubject);
    }
    Ok((path_len, sans))
}

/// Rule 3: Every name the certificate will carry must match the profile's
/// `name_whitelist`: each CN and emailAddress of the subject (a subject may
/// hold several), then each SAN, IP addresses as their text (`10.0.0.1`,
/// `2001:db8::1`, RFC 5952). cfssl skips IP SANs and emailAddress, so that
/// a `\.svc\.cluster\.local$` whitelist still lets a requester name any IP.
fn rule3_names(subject: &Subject, sans: &[San], policy: &Policy) -> Result<()> {
    for atv in subject.name.iter() {
        let field = match atv.oid {
            oid::CN => "CN",
            oid::EMAIL => "subject emailAddress",
            _ => continue,
        };
        policy.check_name(field, &crate::pki::name::value_string(&atv.value))?;
    }
    for s in sans {
        let field = match s {
            San::Dns(_) => "DNS SAN",
            San::Ip(_) => "IP SAN",
            San::Email(_) => "email SAN",
            San::Uri(_) => "URI SAN",
        };
        policy.check_name(field, &s.value())?;
    }
    Ok(())
}

/// Rule 11: A CA profile's `name_constraints`, as a critical extension.
fn rule11_name_constraints(policy: &Policy) -> Result<Option<Extension>> {
    match &policy.name_constraints {
        Some(nc) if policy.is_ca && !nc.is_empty() => nc.to_extension().map(Some),
        _ => Ok(None),
    }
}

/// Rule 12: Every name of the new certificate lies within the name
/// constraints of the issuing CA and of every certificate above it.
/// Nothing to do, cheaply, when no certificate of the CA's file carries any.
fn rule12_within_constraints(issuer: Issuer<'_>, subject: &Subject, sans: &[San], policy: &Policy) -> Result<()> {
    let Issuer::Ca(ca) = issuer else { return Ok(()) };
    let carriers = ca.name_constraints()?;
    if carriers.is_empty() {
        return Ok(());
    }
    let mut names: Vec<(&'static str, String)> = Vec::new();
    for atv in subject.name.iter() {
        let value = crate::pki::name::value_string(&atv.value);
        match atv.oid {
            oid::EMAIL => names.push(("subject emailAddress", value)),
            oid::CN if !policy.is_ca => names.push(("CN", value)),
            _ => {}
        }
    }
    let sans: Vec<(&'static str, String)> = sans
        .iter()
        .map(|s| {
            let field = match s {
                San::Dns(_) => "DNS SAN",
                San::Ip(_) => "IP SAN",
                San::Email(_) => "email SAN",
                San::Uri(_) => "URI SAN",
            };
            (field, s.value())
        })
        .collect();
    for (ca, nc) in carriers {
        if let Some(form) = nc.unsupported() {
            return Err(Error::OutsideNameConstraints {
                detail: alloc::format!(
                    "the CA certificate `{ca}` carries {form} in its name constraints, which certkit does not evaluate; it signs nothing below such a CA"
                ),
            });
        }
        for (field, name) in names.iter().chain(&sans) {
            let candidate = match *field {
                "CN" => match Candidate::from_cn(name) {
                    Some(c) => c,
                    None => continue,
                },
                "subject emailAddress" | "email SAN" => Candidate::Email(name),
                "DNS SAN" => Candidate::Dns(name),
                "URI SAN" => Candidate::Uri(name),
                "IP SAN" => match name.parse() {
                    Ok(ip) => Candidate::Ip(ip),
                    Err(_) => continue,
                },
                _ => continue,
            };
            nc.check(candidate).map_err(|v| Error::OutsideNameConstraints {
                detail: if v.excluded {
                    alloc::format!(
                        "the {field} `{name}` lies in the excluded subtree {} of the name constraints of the CA certificate `{ca}`; request another name",
                        v.subtree
                    )
                } else {
                    alloc::format!(
                        "the {field} `{name}` is outside the permitted subtrees ({}) of the name constraints of the CA certificate `{ca}`; request a name inside them",
                        v.subtree
                    )
                },
            })?;
        }
    }
    Ok(())
}

/// Rule 9: No subject value holds a bidirectional control, unless the
/// profile allows them.
fn rule9_bidi(subject: &Subject, policy: &Policy) -> Result<()> {
    if policy.allow_bidi_controls {
        return Ok(());
    }
    for (field, value) in crate::pki::name::fields(&subject.name).all {
        if let Some(c) = value.chars().find(|&c| crate::text::is_bidi_control(c)) {
            return Err(Error::Name {
                field,
                reason: alloc::format!(
                    "`{}` holds the bidirectional control U+{:04X}, which can make a name display as another; request a name without it, or set the profile's allow_bidi_controls",
                    crate::text::excerpt(&value, 64),
                    u32::from(c)
                ),
            });
        }
    }
    Ok(())
}

/// Rule 5: From `now − backdate` (or the profile's `not_before`) for `expiry`,
/// both ends counted (RFC 5280 §4.1.2.5: the last second is notAfter), or
/// to the profile's `not_after`; never outside the CA's own validity.
fn rule5_validity(
    policy: &Policy,
    issuer: &IssuerFacts,
    now: UnixTime,
    warnings: &mut Vec<Warning>,
) -> Result<(UnixTime, UnixTime)> {
    let mut not_before = policy.not_before.unwrap_or_else(|| now.saturating_sub(policy.backdate));
    let mut not_after = policy
        .not_after
        .unwrap_or_else(|| not_before.saturating_add(policy.expiry).saturating_sub(core::time::Duration::from_secs(1)));
    if let Some((ca_nb, ca_na, _)) = issuer.ca {
        if not_before < ca_nb {
            not_before = ca_nb;
        }
        if not_after > ca_na {
            not_after = ca_na;
            warnings.push(Warning::CappedToCa { not_after: ca_na });
        }
    }
    // Both ends count: notAfter == notBefore is one valid second.
    if not_after < not_before {
        return Err(Error::Validity {
            reason: alloc::format!("notAfter {not_after} is not after notBefore {not_before}"),
        });
    }
    Ok((not_before, not_after))
}

/// Rule 6: Key usages the subject key cannot have are dropped with a warning; a
/// CA always has keyCertSign; something must be left.
fn rule6_key_usage(policy: &Policy, key: KeyAlgorithm, warnings: &mut Vec<Warning>) -> Result<Vec<KeyUsages>> {
    let mut ku: Vec<KeyUsages> = Vec::new();
    let agreement = policy.key_usage.contains(&KeyUsages::KeyAgreement) && key.can_agree();
    for &u in &policy.key_usage {
        let allowed = match u {
            KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment => key.can_encipher(),
            KeyUsages::KeyAgreement => key.can_agree(),
            KeyUsages::EncipherOnly | KeyUsages::DecipherOnly => agreement,
            _ => true,
        };
        if allowed {
            ku.push(u);
        } else {
            warnings.push(Warning::DroppedUsage { usage: key_usage_name(u), key });
        }
    }
    if policy.is_ca && !ku.contains(&KeyUsages::KeyCertSign) {
        ku.push(KeyUsages::KeyCertSign);
    }
    if ku.is_empty() && policy.ext_key_usage.is_empty() {
        return Err(Error::Config {
            field: alloc::format!("signing.{}.usages", policy.name),
            reason:
                "the profile leaves no usage for this key; add usages such as \"digital signature\" and \"server auth\""
                    .into(),
        });
    }
    Ok(ku)
}

/// Rule 7: The extensions, in Go's order: keyUsage (critical), extKeyUsage,
/// basicConstraints (critical), subjectKeyIdentifier, authorityKeyIdentifier,
/// authorityInfoAccess, subjectAltName (critical when the subject is empty),
/// cRLDistributionPoints, OCSP no-check, certificatePolicies.
fn rule7_extensions(
    subject: &Subject,
    policy: &Policy,
    issuer: &IssuerFacts,
    path_len: Option<u8>,
    key_usage: &[KeyUsages],
    sans: &[San],
) -> Result<Vec<Extension>> {
    let mut exts: Vec<Extension> = Vec::new();
    let mut push = |id, critical, der: Vec<u8>| -> Result<()> {
        exts.push(Extension { extn_id: id, critical, extn_value: OctetString::new(der).map_err(encoding)? });
        Ok(())
    };
    if !key_usage.is_empty() {
        let flags = key_usage.iter().fold(der::flagset::FlagSet::default(), |acc, u| acc | *u);
        push(oid::KEY_USAGE, true, KeyUsage(flags).to_der().map_err(encoding)?)?;
    }
    if !policy.ext_key_usage.is_empty() {
        push(oid::EXT_KEY_USAGE, false, ExtendedKeyUsage(policy.ext_key_usage.clone()).to_der().map_err(encoding)?)?;
    }
    let bc = BasicConstraints { ca: policy.is_ca, path_len_constraint: if policy.is_ca { path_len } else { None } };
    push(oid::BASIC_CONSTRAINTS, true, bc.to_der().map_err(encoding)?)?;
    let ski = OctetString::new(subject.public_key.key_id()).map_err(encoding)?;
    push(oid::SKI, false, ski.to_der().map_err(encoding)?)?;
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(issuer.key_id.clone()).map_err(encoding)?),
        ..Default::default()
    };
    push(oid::AKI, false, aki.to_der().map_err(encoding)?)?;
    let uri = |s: &str| Ok::<_, Error>(GeneralName::UniformResourceIdentifier(Ia5String::new(s).map_err(encoding)?));
    let mut aia = Vec::new();
    if let Some(ocsp) = &policy.ocsp_url {
        aia.push(AccessDescription { access_method: oid::AD_OCSP, access_location: uri(ocsp)? });
    }
    for u in &policy.issuer_urls {
        aia.push(AccessDescription { access_method: oid::AD_CA_ISSUERS, access_location: uri(u)? });
    }
    if !aia.is_empty() {
        push(oid::AIA, false, AuthorityInfoAccessSyntax(aia).to_der().map_err(encoding)?)?;
    }
    if !sans.is_empty() {
        let names = sans.iter().map(San::to_general_name).collect::<Result<Vec<_>>>()?;
        push(oid::SAN, subject.name.is_empty(), SubjectAltName(names).to_der().map_err(encoding)?)?;
    }
    if let Some(nc) = rule11_name_constraints(policy)? {
        push(nc.extn_id, nc.critical, nc.extn_value.into_bytes().into_vec())?;
    }
    if let Some(crl) = &policy.crl_url {
        let dp = DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(alloc::vec![uri(crl)?])),
            reasons: None,
            crl_issuer: None,
        };
        push(oid::CRL_DP, false, CrlDistributionPoints(alloc::vec![dp]).to_der().map_err(encoding)?)?;
    }
    if policy.ocsp_no_check {
        push(oid::OCSP_NOCHECK, false, der::asn1::Null.to_der().map_err(encoding)?)?;
    }
    if !policy.policies.is_empty() {
        push(oid::CERT_POLICIES, false, certificate_policies(&policy.policies)?)?;
    }
    Ok(exts)
}

/// The certificatePolicies extension's value, as cfssl writes it: a CPS
/// URL as an IA5String, a user notice as its explicitText in UTF8String.
fn certificate_policies(policies: &[crate::cfssl::profile::CertPolicy]) -> Result<Vec<u8>> {
    use crate::cfssl::profile::PolicyQualifier;
    use x509_cert::ext::pkix::certpolicy::{DisplayText, PolicyInformation, PolicyQualifierInfo, UserNotice};
    let enc = |e: der::Error| Error::Crypto { op: "certificate encoding", detail: e.to_string() };
    let mut infos = Vec::new();
    for p in policies {
        let mut qualifiers = Vec::new();
        for q in &p.qualifiers {
            let (id, value) = match q {
                PolicyQualifier::Cps(url) => (oid::QT_CPS, der::Any::encode_from(&Ia5String::new(url).map_err(enc)?)),
                PolicyQualifier::UserNotice(text) => (
                    oid::QT_UNOTICE,
                    der::Any::encode_from(&UserNotice {
                        notice_ref: None,
                        explicit_text: Some(DisplayText::Utf8String(text.clone())),
                    }),
                ),
            };
            qualifiers.push(PolicyQualifierInfo { policy_qualifier_id: id, qualifier: Some(value.map_err(enc)?) });
        }
        infos.push(PolicyInformation {
            policy_identifier: p.oid,
            policy_qualifiers: if qualifiers.is_empty() { None } else { Some(qualifiers) },
        });
    }
    x509_cert::ext::pkix::CertificatePolicies(infos).to_der().map_err(enc)
}

/// Verifies that the certificate `der` is signed by `issuer`.
pub fn verify_signature(der: &[u8], issuer: &PublicKey) -> Result<()> {
    let raw = crate::pki::signer::split_signed(der, "certificate")?;
    let alg = crate::pki::key::SignatureAlgorithm::from_identifier(&raw.alg)?;
    issuer.verify(alg, &raw.tbs, &raw.sig)
}

#[cfg(test)]
mod tests {
    use core::time::Duration;

    use super::*;
    use crate::cfssl::profile::SigningConfig;
    use crate::cfssl::request::CsrRequest;
    use crate::issue::generate;
    use crate::pki::key::PrivateKey;
    use crate::pki::signer::{KeySigner, Signer};

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    /// [`prepare`], sign with `signer`, assemble: what [`crate::Ca`] does,
    /// with a bare `CaCert` and any signer.
    fn issue<S: Signer + ?Sized, R: CryptoRng + ?Sized>(
        subject: &Subject,
        policy: &Policy,
        issuer: Issuer<'_>,
        signer: &mut S,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        let key = signer.public_key().clone();
        let (tbs, warnings) = prepare(subject, policy, issuer, &key, now, rng)?;
        Ok(Issued { der: tbs.sign_with(signer)?, warnings, role: Role::under(policy), profile: policy.name.clone() })
    }

    const NOW: UnixTime = UnixTime(1_795_000_000);

    fn ca(json: &str) -> (CaCert, PrivateKey) {
        let req = CsrRequest::from_json(json.as_bytes(), "ca.json").unwrap().validate(true).unwrap();
        let g = generate::key_and_csr(&req, &mut rng()).unwrap();
        let issued = generate::self_signed_ca(&req, &g, NOW, &mut rng()).unwrap();
        (CaCert::parse(&issued.der, "ca.pem").unwrap(), g.key)
    }

    fn subject(json: &str) -> Subject {
        let req = CsrRequest::from_json(json.as_bytes(), "csr.json").unwrap().validate(false).unwrap();
        let key = PrivateKey::generate(req.key, &mut rng()).unwrap();
        Subject {
            name: req.subject,
            sans: req.sans,
            public_key: key.public_key().clone(),
            requested_ca: None,
            requested_extensions: Vec::new(),
        }
    }

    fn sign(
        s: &Subject,
        config: &str,
        profile: Option<&str>,
        ca: &CaCert,
        key: &PrivateKey,
    ) -> Result<(Certificate, Vec<Warning>)> {
        let cfg = SigningConfig::from_json(config.as_bytes(), "config.json")?;
        let mut r = rng();
        let issued =
            issue(s, cfg.profile(profile)?, Issuer::Ca(ca), &mut KeySigner::new(key, &mut r), NOW, &mut rng())?;
        verify_signature(&issued.der, ca.public_key())?;
        Ok((Certificate::from_der(&issued.der).unwrap(), issued.warnings))
    }

    const LEAF_CFG: &str =
        r#"{"signing":{"default":{"usages":["digital signature","key encipherment","server auth"],"expiry":"24h"}}}"#;

    #[test]
    fn a_root_renewed_with_its_key_keeps_its_name_key_and_lifetime() {
        let (old, key) = ca(r#"{"CN":"Root","ca":{"expiry":"48h","pathlen":1}}"#);
        let (leaf, _) = sign(&subject(r#"{"CN":"web","hosts":["web.example"]}"#), LEAF_CFG, None, &old, &key).unwrap();
        let later = NOW.saturating_add(Duration::from_secs(40 * 3600));
        let pem = key.to_pkcs8_pem().unwrap();
        let same_key = || PrivateKey::from_bytes(pem.as_bytes(), None, "ca-key.pem").unwrap();
        let renewed = generate::renewed_root(&old, same_key(), later, &mut rng()).unwrap();
        let new = CaCert::parse(&renewed.der, "renewed").unwrap();
        assert_eq!((new.subject(), new.public_key(), new.path_len()), (old.subject(), old.public_key(), Some(1)));
        assert_eq!((new.lifetime(), old.lifetime()), (Duration::from_secs(48 * 3600), Duration::from_secs(48 * 3600)));
        let not_before = later.saturating_sub(Duration::from_secs(300));
        assert_eq!(new.not_after(), not_before.saturating_add(Duration::from_secs(48 * 3600 - 1)));
        assert!(new.is_self_issued());
        // What the old certificate signed verifies under the new one.
        verify_signature(&leaf.to_der().unwrap(), new.public_key()).unwrap();
        // Another key, or an intermediate, is refused.
        let (_, other) = ca(r#"{"CN":"Other"}"#);
        let e = generate::renewed_root(&old, other, later, &mut rng()).unwrap_err();
        assert!(matches!(e.kind(), Error::CaKeyMismatch), "{e}");
        let ca_cfg = r#"{"signing":{"default":{"usages":["cert sign","crl sign"],"expiry":"24h","ca_constraint":{"is_ca":true}}}}"#;
        let sub_key = PrivateKey::generate(crate::pki::key::KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let s = Subject { public_key: sub_key.public_key().clone(), ..subject(r#"{"CN":"Sub"}"#) };
        let (sub, _) = sign(&s, ca_cfg, None, &old, &key).unwrap();
        let sub = CaCert::parse(&sub.to_der().unwrap(), "sub.pem").unwrap();
        assert!(!sub.is_self_issued());
        let e = generate::renewed_root(&sub, sub_key, later, &mut rng()).unwrap_err();
        assert!(matches!(e.kind(), Error::NotARoot), "{e}");
    }

    #[test]
    fn validity_counts_from_not_before_and_is_capped_by_the_ca() {
        let (ca, key) = ca(r#"{"CN":"CA","ca":{"expiry":"48h"}}"#);
        let (cert, _) = sign(&subject(r#"{"CN":"web","hosts":["web.example"]}"#), LEAF_CFG, None, &ca, &key).unwrap();
        let v = cert.tbs_certificate().validity();
        let nb = UnixTime::from_x509(&v.not_before);
        let na = UnixTime::from_x509(&v.not_after);
        assert_eq!(nb, NOW.saturating_sub(Duration::from_secs(300)));
        // RFC 5280 counts both ends: a 24h profile's last second is notAfter.
        assert_eq!(na.0 - nb.0, 24 * 3600 - 1);
        // Down to one second, which is notBefore == notAfter; under a second
        // the config is refused, not every issuance.
        let one = r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1s","backdate":"0s"}}}"#;
        let (cert, _) = sign(&subject(r#"{"CN":"web","hosts":["web.example"]}"#), one, None, &ca, &key).unwrap();
        let v = cert.tbs_certificate().validity();
        assert_eq!(UnixTime::from_x509(&v.not_before), UnixTime::from_x509(&v.not_after));
        let half = r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1500ms","backdate":"1s"}}}"#;
        let e = SigningConfig::from_json(half.as_bytes(), "c").unwrap_err().to_string();
        assert!(e.contains("backdate: 1s is not shorter than signing.default.expiry (1s)"), "{e}");
        let (cert, warnings) = sign(
            &subject(r#"{"CN":"web","hosts":["web.example"]}"#),
            r#"{"signing":{"default":{"usages":["server auth"],"expiry":"876000h"}}}"#,
            None,
            &ca,
            &key,
        )
        .unwrap();
        assert_eq!(UnixTime::from_x509(&cert.tbs_certificate().validity().not_after), ca.not_after());
        assert!(warnings.iter().any(|w| matches!(w, Warning::CappedToCa { .. })));
    }

    #[test]
    fn what_only_cfssl_s_server_does_is_signed_here_with_a_warning() {
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        let cfg = r#"{"signing":{"profiles":{"www":{"usages":["server auth"],"Remote":"server1",
            "ct_log_servers":["https://ct.example"],"lint_error_level":0,"auth_key":"k","cert_store":""}}},
            "remotes":{"server1":"127.0.0.1:8888"},"auth_keys":{"k":{"type":"standard","key":"0123"}}}"#;
        let (_, warnings) =
            sign(&subject(r#"{"CN":"web","hosts":["web.example"]}"#), cfg, Some("www"), &ca, &key).unwrap();
        let fields: Vec<_> = warnings
            .iter()
            .filter_map(|w| match w {
                Warning::IgnoredMember { field } => Some(field.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(fields, ["signing.profiles.www.remote", "signing.profiles.www.ct_log_servers"]);
        assert!(
            warnings[0].to_string().contains("`signing.profiles.www.remote`: the certificate is signed here"),
            "{}",
            warnings[0]
        );
        assert!(warnings[1].to_string().contains("no SCTs"), "{}", warnings[1]);
    }

    #[test]
    fn a_config_without_default_names_its_profiles_when_the_built_in_default_signs() {
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        let s = subject(r#"{"CN":"web","hosts":["web.example"],"key":{"algo":"rsa","size":2048}}"#);
        let cfg = r#"{"signing":{"profiles":{"www":{"usages":["server auth"]},"client":{"usages":["client auth"]}}}}"#;
        let (_, warnings) = sign(&s, cfg, None, &ca, &key).unwrap();
        assert_eq!(warnings, [Warning::BuiltInDefault { profiles: alloc::vec!["client".into(), "www".into()] }]);
        assert!(warnings[0].to_string().contains("choose one of its profiles (client, www)"), "{}", warnings[0]);
        // Chosen, or with a default of its own, or with no config at all: no such warning.
        assert!(sign(&s, cfg, Some("www"), &ca, &key).unwrap().1.is_empty());
        let with_default =
            r#"{"signing":{"default":{"usages":["server auth"]},"profiles":{"www":{"usages":["server auth"]}}}}"#;
        assert!(sign(&s, with_default, None, &ca, &key).unwrap().1.is_empty());
        assert!(sign(&s, r#"{"signing":{}}"#, None, &ca, &key).unwrap().1.is_empty());
    }

    #[test]
    fn certificate_policies_are_written_as_cfssl_writes_them() {
        use x509_cert::ext::pkix::CertificatePolicies;
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        let cfg = r#"{"signing":{"default":{"usages":["server auth"],"expiry":"24h","policies":[
            {"ID":"2.23.140.1.2.1"},
            {"id":"1.3.6.1.4.1.99999.1","Qualifiers":[{"type":"id-qt-cps","value":"https://ca.example/cps"},
                                                    {"type":"id-qt-unotice","value":"For tests only"}]}]}}}"#;
        let (cert, _) = sign(&subject(r#"{"CN":"web","hosts":["web.example"]}"#), cfg, None, &ca, &key).unwrap();
        let cp: CertificatePolicies = ext(&cert, oid::CERT_POLICIES, "t").unwrap().unwrap();
        assert_eq!(cp.0.len(), 2);
        assert_eq!(cp.0[0].policy_identifier.to_string(), "2.23.140.1.2.1");
        assert!(cp.0[0].policy_qualifiers.is_none());
        let q = cp.0[1].policy_qualifiers.as_ref().unwrap();
        assert_eq!((q[0].policy_qualifier_id, q[1].policy_qualifier_id), (oid::QT_CPS, oid::QT_UNOTICE));
        let cps: Ia5String = q[0].qualifier.as_ref().unwrap().decode_as().unwrap();
        assert_eq!(cps.as_str(), "https://ca.example/cps");
        // Not critical (RFC 5280 4.2.1.4 lets it be either; cfssl writes it non-critical).
        let e = cert.tbs_certificate().extensions().unwrap().iter().find(|e| e.extn_id == oid::CERT_POLICIES).unwrap();
        assert!(!e.critical);
        for (policies, says) in [
            (r#"[{"ID":"dv"}]"#, "signing.default.policies[0].ID: `dv` is not an OID"),
            (r#"[{"ID":"1.2.3"},{"ID":"1.2.3"}]"#, "signing.default.policies[1].ID: 1.2.3 is listed twice"),
            (
                r#"[{"ID":"1.2.3","qualifiers":[{"type":"cps","value":"x"}]}]"#,
                "policies[0].qualifiers[0].type: `cps` is not a qualifier type",
            ),
            (
                r#"[{"ID":"1.2.3","qualifiers":[{"type":"id-qt-cps","value":"ca.example"}]}]"#,
                "policies[0].qualifiers[0].value: `ca.example` is not an http(s)",
            ),
            (
                r#"[{"ID":"1.2.3","qualifiers":[{"type":"id-qt-unotice","value":""}]}]"#,
                "a user notice is 1 to 200 characters",
            ),
            (r#"[{"ID":"1.2.3","oid":"1.2.4"}]"#, "unknown field `oid` in `signing.default.policies[0]`"),
        ] {
            let cfg =
                alloc::format!(r#"{{"signing":{{"default":{{"usages":["server auth"],"policies":{policies}}}}}}}"#);
            let e = SigningConfig::from_json(cfg.as_bytes(), "config.json").unwrap_err().to_string();
            assert!(e.contains(says), "{policies}: {e}");
        }
    }

    #[test]
    fn ec_keys_lose_key_encipherment_rsa_keeps_it() {
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        let (cert, warnings) =
            sign(&subject(r#"{"CN":"ec","hosts":["ec.example"]}"#), LEAF_CFG, None, &ca, &key).unwrap();
        let ku: KeyUsage = ext(&cert, oid::KEY_USAGE, "t").unwrap().unwrap();
        assert!(ku.digital_signature() && !ku.key_encipherment());
        assert_eq!(warnings, [Warning::DroppedUsage { usage: "key encipherment", key: KeyAlgorithm::EcdsaP256 }]);
        let (cert, warnings) = sign(
            &subject(r#"{"CN":"r","hosts":["r.example"],"key":{"algo":"rsa","size":2048}}"#),
            LEAF_CFG,
            None,
            &ca,
            &key,
        )
        .unwrap();
        let ku: KeyUsage = ext(&cert, oid::KEY_USAGE, "t").unwrap().unwrap();
        assert!(ku.key_encipherment());
        assert!(warnings.is_empty());
    }

    #[test]
    fn ca_requests_and_path_lengths() {
        let (root, root_key) = ca(r#"{"CN":"Root","ca":{"pathlen":2}}"#);
        let mut s = subject(r#"{"CN":"Int"}"#);
        s.requested_ca = Some(BasicConstraints { ca: true, path_len_constraint: None });
        let e = sign(&s, LEAF_CFG, None, &root, &root_key).unwrap_err();
        assert_eq!(e, Error::CsrWantsCa);
        let cfg = r#"{"signing":{"profiles":{"ca":{"usages":["cert sign","crl sign"],"expiry":"24h","ca_constraint":{"is_ca":true}}}}}"#;
        let (cert, _) = sign(&s, cfg, Some("ca"), &root, &root_key).unwrap();
        let bc: BasicConstraints = ext(&cert, oid::BASIC_CONSTRAINTS, "t").unwrap().unwrap();
        assert!(bc.ca);
        assert_eq!(bc.path_len_constraint, Some(1), "inherits the root's 2 minus one");
    }

    #[test]
    #[cfg(feature = "regex")]
    fn whitelist_checks_every_name_the_certificate_carries() {
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        let cfg =
            r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1h","name_whitelist":"\\.example\\.com$"}}}"#;
        assert!(sign(&subject(r#"{"CN":"a.example.com","hosts":["b.example.com"]}"#), cfg, None, &ca, &key).is_ok());
        let e = sign(&subject(r#"{"CN":"a.example.com","hosts":["evil.org"]}"#), cfg, None, &ca, &key).unwrap_err();
        assert!(matches!(e.kind(), Error::NameNotAllowed { .. }), "{e}");
        // An IP SAN is matched as its text: outside the whitelist, refused,
        // and the message names the field.
        let e = sign(&subject(r#"{"CN":"a.example.com","hosts":["b.example.com","10.0.0.1"]}"#), cfg, None, &ca, &key)
            .unwrap_err();
        assert!(matches!(e.kind(), Error::NameNotAllowed { .. }), "{e}");
        assert!(e.to_string().starts_with("the IP SAN `10.0.0.1` does not match"), "{e}");
        let v6 = sign(&subject(r#"{"CN":"a.example.com","hosts":["2001:db8::1"]}"#), cfg, None, &ca, &key);
        assert!(v6.unwrap_err().to_string().contains("IP SAN `2001:db8::1`"));
        let cfg_ip = r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1h","name_whitelist":"(\\.example\\.com|^10\\.0\\.0\\.[0-9]+)$"}}}"#;
        let s = subject(r#"{"CN":"a.example.com","hosts":["10.0.0.1"]}"#);
        assert!(sign(&s, cfg_ip, None, &ca, &key).is_ok());
        // The subject's emailAddress is a name too.
        let mut s = subject(r#"{"CN":"a.example.com"}"#);
        s.name = "CN=a.example.com,emailAddress=root@evil.com".parse().unwrap();
        let e = sign(&s, cfg, None, &ca, &key).unwrap_err();
        assert!(e.to_string().starts_with("the subject emailAddress `root@evil.com` does not match"), "{e}");
        s.name = "CN=a.example.com,emailAddress=root@mail.example.com".parse().unwrap();
        assert!(sign(&s, cfg, None, &ca, &key).is_ok());
        // Two CNs: the first one is checked too.
        let mut s = subject(r#"{"CN":"a.example.com"}"#);
        s.name = "CN=a.example.com,CN=evil.org".parse().unwrap();
        assert!(matches!(sign(&s, cfg, None, &ca, &key).unwrap_err(), Error::NameNotAllowed { .. }));
    }

    #[test]
    fn bidi_controls_in_a_subject_are_refused_unless_the_profile_allows_them() {
        let (ca, key) = ca(r#"{"CN":"CA"}"#);
        // Shown by a bidi-aware viewer as `CN=dtL livE=O ,secure-bank.com`.
        let spoof = subject(r#"{"CN":"\u202Emoc.knab-eruces","names":[{"O":"Evil Ltd"}]}"#);
        let e = sign(&spoof, LEAF_CFG, None, &ca, &key).unwrap_err();
        assert_eq!(e.field().as_deref(), Some("CN"), "{e}");
        assert_eq!(
            e.to_string(),
            "CN: `\\u{202e}moc.knab-eruces` holds the bidirectional control U+202E, which can make a name display as another; request a name without it, or set the profile's allow_bidi_controls"
        );
        for c in ['\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{2066}', '\u{2069}'] {
            let mut s = subject(r#"{"CN":"a"}"#);
            s.name = alloc::format!("CN=a,O=x{c}y").parse().unwrap();
            let e = sign(&s, LEAF_CFG, None, &ca, &key).unwrap_err().to_string();
            assert!(e.starts_with("O: `x\\u{"), "{e}");
        }
        let allowed = r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1h","allow_bidi_controls":true}}}"#;
        assert!(sign(&spoof, allowed, None, &ca, &key).is_ok());
    }

    #[test]
    fn mismatched_ca_key_and_expired_ca_are_refused() {
        let (ca1, _) = ca(r#"{"CN":"CA1"}"#);
        let (_, key2) = ca(r#"{"CN":"CA2"}"#);
        assert_eq!(sign(&subject(r#"{"CN":"x"}"#), LEAF_CFG, None, &ca1, &key2).unwrap_err(), Error::CaKeyMismatch);
        let (ca, key) = ca(r#"{"CN":"CA","ca":{"expiry":"1h"}}"#);
        let cfg = SigningConfig::from_json(LEAF_CFG.as_bytes(), "c").unwrap();
        let mut r = rng();
        let later = NOW.saturating_add(Duration::from_secs(7200));
        let e = issue(
            &subject(r#"{"CN":"x"}"#),
            cfg.profile(None).unwrap(),
            Issuer::Ca(&ca),
            &mut KeySigner::new(&key, &mut r),
            later,
            &mut rng(),
        )
        .unwrap_err();
        assert!(matches!(e.kind(), Error::CaNotValid { .. }), "{e}");
    }

    #[test]
    fn serials_are_positive_twenty_octets() {
        for _ in 0..100 {
            let s = serial(&mut rng()).unwrap();
            assert_eq!(s.as_bytes().len(), 20);
            assert_eq!(s.as_bytes()[0] & 0xc0, 0x40);
        }
    }
}
