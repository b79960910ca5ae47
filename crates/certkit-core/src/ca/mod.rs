//! Layer 4, the CA: one type, [`Ca`], that every front end signs with — the
//! CLI's `sign`, `gencert`, `ca init --intermediate`, `ca rotate`, `renew`
//! and `gencrl`, the npm package's `sign`, and Kubernetes objects
//! ([`crate::kube`] adds `Ca::sign_kube_object`). Its ledger of what it
//! issued and revoked, and expiry reports, live beside it.
//!
//! A `Ca` is a CA certificate checked for issuing ([`CaCert`]), the key that
//! belongs to it (checked once, when the `Ca` is made), and the signing
//! config. Every certificate it makes goes the same way:
//!
//! 1. the policy is chosen: a profile of the config for a CSR, the CA
//!    policy for an intermediate or a cross certificate;
//! 2. [`crate::issue::certificate::prepare`] builds the to-be-signed certificate under
//!    the rules of RFC 5280 and the CA/B Forum BRs;
//! 3. the key signs those bytes ([`CaKey`], the two-phase seam: a key in
//!    memory today, a token's key through the same trait), and the
//!    signature is verified against the CA's public key before the
//!    certificate is assembled;
//! 4. the result carries its [`Role`] and policy name for the ledger.

#[cfg(feature = "verify")]
pub mod chains;
pub mod expiry;
pub mod ledger;

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use rand_core::CryptoRng;

use crate::cfssl::profile::{Policy, SigningConfig};
use crate::cfssl::validity::DEFAULT_BACKDATE;
use crate::issue::certificate::{self as issue, CaCert, Issued, Issuer, Role, Subject, Warning};
use crate::issue::crl::{self, Revoked};
use crate::pki::constraints::NameConstraints;
use crate::pki::csr::Csr;
use crate::pki::key::{PrivateKey, PublicKey, SignatureAlgorithm};
use crate::pki::pem;
use crate::pki::signer::ToBeSigned;
use crate::pki::time::UnixTime;
use crate::{Error, Result};

/// A CA's private key, wherever it is: something that signs to-be-signed
/// bytes with the key's own algorithm. certkit verifies every signature it
/// gets back, so a faulty key holder never produces a certificate.
pub trait CaKey {
    /// The public key the signatures verify with.
    fn public_key(&self) -> &PublicKey;
    /// Signs `tbs`. `blinded` asks for RSA blinding (a caller may time the
    /// signature); `rng` serves ECDSA's hedged nonces and the blinding.
    fn sign<R: CryptoRng + ?Sized>(&self, tbs: &[u8], blinded: bool, rng: &mut R) -> Result<Vec<u8>>;
}

impl CaKey for PrivateKey {
    fn public_key(&self) -> &PublicKey {
        PrivateKey::public_key(self)
    }
    fn sign<R: CryptoRng + ?Sized>(&self, tbs: &[u8], blinded: bool, rng: &mut R) -> Result<Vec<u8>> {
        if blinded { self.sign_blinded(tbs, rng) } else { PrivateKey::sign(self, tbs, rng) }
    }
}

/// A certificate every rule of issuance has passed, built and waiting for
/// the CA key's signature ([`Ca::prepare_csr`]): the two-phase seam for a
/// key that signs outside certkit and asynchronously, as Web Crypto does.
/// Nothing is issued until [`Prepared::finish`] has verified the signature
/// against the CA's public key.
#[derive(Debug)]
pub struct Prepared {
    tbs: ToBeSigned,
    warnings: Vec<Warning>,
    role: Role,
    profile: String,
}

impl Prepared {
    /// The DER bytes the CA key signs (the TBSCertificate).
    pub fn bytes(&self) -> &[u8] {
        self.tbs.bytes()
    }

    /// The algorithm the signature must be made with (it follows the CA key).
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.tbs.signature_algorithm()
    }

    /// Verifies `signature` (the BIT STRING's contents: DER for ECDSA)
    /// with the CA's public key and assembles the certificate.
    pub fn finish(self, signature: &[u8]) -> Result<Issued> {
        let Prepared { tbs, warnings, role, profile } = self;
        Ok(Issued { der: tbs.assemble(signature)?, warnings, role, profile })
    }

    /// Assembles the certificate with a `signature` the caller has verified
    /// against the CA's public key with a verifier of its own
    /// ([`ToBeSigned::assemble_verified_elsewhere`]).
    pub fn finish_verified_elsewhere(self, signature: &[u8]) -> Result<Issued> {
        let Prepared { tbs, warnings, role, profile } = self;
        Ok(Issued { der: tbs.assemble_verified_elsewhere(signature)?, warnings, role, profile })
    }
}

/// A CA ready to sign: its certificate, its key and its signing config.
pub struct Ca<K: CaKey = PrivateKey> {
    cert: CaCert,
    /// [`CaCert::chain`], read once (a CA file whose chain cannot be read
    /// fails only where a chain is asked for, as before).
    chain: Result<Vec<Vec<u8>>>,
    key: K,
    config: SigningConfig,
    blinded: bool,
}

impl<K: CaKey> core::fmt::Debug for Ca<K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ca").field("cert", &self.cert).field("blinded", &self.blinded).finish_non_exhaustive()
    }
}

impl<K: CaKey> Ca<K> {
    /// A CA from its certificate ([`CaCert::parse`], which a front end
    /// calls before it reads or decrypts the key), checking that `key` is
    /// its key.
    pub fn new(cert: CaCert, key: K, config: SigningConfig) -> Result<Self> {
        cert.check_key(key.public_key())?;
        let chain = cert.chain();
        Ok(Ca { cert, chain, key, config, blinded: false })
    }

    /// Signs with RSA blinding: for a CA whose signing a remote caller may
    /// time (the npm package, a server). An offline CA needs none.
    pub fn blinded(mut self) -> Self {
        self.blinded = true;
        self
    }

    /// The CA certificate.
    pub fn cert(&self) -> &CaCert {
        &self.cert
    }

    /// The CA's key.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// The signing config.
    pub fn config(&self) -> &SigningConfig {
        &self.config
    }

    /// A PEM certificate followed by the CA's chain ([`CaCert::chain`]).
    pub fn with_chain(&self, leaf_pem: String) -> Result<String> {
        let mut out = leaf_pem;
        for der in self.chain.as_ref().map_err(Clone::clone)? {
            out.push_str(&pem::encode(pem::CERTIFICATE, der));
        }
        Ok(out)
    }

    /// The one signing path: `subject` under `policy`, as `role`.
    pub(crate) fn issue<R: CryptoRng + ?Sized>(
        &self,
        subject: &Subject,
        policy: &Policy,
        role: Role,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        let prepared = self.prepare(subject, policy, role, now, rng)?;
        let signature = self.key.sign(prepared.bytes(), self.blinded, rng)?;
        prepared.finish(&signature)
    }

    /// The signing path's first half: every rule of issuance applied and
    /// the to-be-signed certificate built, for the CA's key.
    fn prepare<R: CryptoRng + ?Sized>(
        &self,
        subject: &Subject,
        policy: &Policy,
        role: Role,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Prepared> {
        let (tbs, warnings) = issue::prepare(subject, policy, Issuer::Ca(&self.cert), self.key.public_key(), now, rng)?;
        Ok(Prepared { tbs, warnings, role, profile: policy.name.clone() })
    }

    /// The key signs `tbs`; the signature is verified against the CA's
    /// public key before the structure is assembled.
    fn sign_tbs<R: CryptoRng + ?Sized>(&self, tbs: ToBeSigned, rng: &mut R) -> Result<Vec<u8>> {
        let signature = self.key.sign(tbs.bytes(), self.blinded, rng)?;
        tbs.assemble(&signature)
    }

    /// Signs a subject under a profile of the config (`None`: its default).
    /// A CA profile makes an intermediate; any other a leaf.
    pub fn sign_subject<R: CryptoRng + ?Sized>(
        &self,
        subject: &Subject,
        profile: Option<&str>,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        let policy = self.config.profile(profile)?;
        self.issue(subject, policy, Role::under(policy), now, rng)
    }

    /// Signs a verified CSR under a profile of the config, as `cfssl sign`
    /// does; `hosts`, when given, replace its SANs (cfssl's `-hostname`).
    pub fn sign_csr<R: CryptoRng + ?Sized>(
        &self,
        csr: &Csr,
        profile: Option<&str>,
        hosts: Option<&[String]>,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        self.sign_subject(&Self::csr_subject(csr, hosts)?, profile, now, rng)
    }

    /// [`Ca::sign_csr`] for a key that signs outside certkit and later (the
    /// npm package's Web Crypto): the same rules, the to-be-signed
    /// certificate returned for the key to sign, and [`Prepared::finish`]
    /// to verify the signature and assemble it.
    pub fn prepare_csr<R: CryptoRng + ?Sized>(
        &self,
        csr: &Csr,
        profile: Option<&str>,
        hosts: Option<&[String]>,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Prepared> {
        let subject = Self::csr_subject(csr, hosts)?;
        let policy = self.config.profile(profile)?;
        self.prepare(&subject, policy, Role::under(policy), now, rng)
    }

    /// A CSR's subject; `hosts`, when given, replace its SANs.
    fn csr_subject(csr: &Csr, hosts: Option<&[String]>) -> Result<Subject> {
        let subject = Subject::from_csr(csr);
        match hosts {
            Some(hosts) => subject.with_hosts(hosts),
            None => Ok(subject),
        }
    }

    /// Certifies a new intermediate CA's key under this CA. With `profile`,
    /// the config's profile of that name, which must make CAs; without,
    /// cfssl's CA policy (`cert sign`, `crl sign`) with `lifetime`,
    /// `backdate` and `path_len` (the request's `ca` section) and
    /// `name_constraints` (`ca init --intermediate`'s flags; a profile
    /// gives its own, so both at once are refused). Recorded as
    /// `intermediate` either way.
    pub fn sign_intermediate<R: CryptoRng + ?Sized>(
        &self,
        subject: &Subject,
        profile: Option<&str>,
        ca: &crate::cfssl::request::CaParams,
        name_constraints: Option<&NameConstraints>,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        let base = match profile {
            Some(name) if name_constraints.is_some() => {
                return Err(Error::Config {
                    field: "name_constraints".into(),
                    reason: alloc::format!(
                        "given both for the request and by profile `{name}`; give them in one place (the profile's name_constraints, or the request)"
                    ),
                });
            }
            Some(name) => {
                let policy = self.config.profile(Some(name))?;
                if !policy.is_ca {
                    let detail = alloc::format!(
                        "profile `{name}` does not make CAs; give it \"ca_constraint\": {{\"is_ca\": true}} and \"cert sign\", or choose a CA profile"
                    );
                    return Err(Error::NotACaProfile { detail });
                }
                policy.clone()
            }
            None => Policy {
                name_constraints: name_constraints.cloned(),
                ..Policy::root_ca(ca.expiry, ca.backdate, ca.path_len)
            },
        };
        let subject =
            Subject { sans: Vec::new(), requested_ca: None, requested_extensions: Vec::new(), ..subject.clone() };
        let policy = Policy { name: "intermediate".into(), ..base };
        self.issue(&subject, &policy, Role::Intermediate, now, rng)
    }

    /// The cross certificate of a root rotation (RFC 4210 §4.4, "new with
    /// old"): the new root's key, under this root's name, certified by this
    /// root for `lifetime`, so that what the new key signs is trusted where
    /// only the old root is. Only a root rotates this way.
    pub fn cross_sign<R: CryptoRng + ?Sized>(
        &self,
        new_key: &PublicKey,
        lifetime: Duration,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Issued> {
        if !self.cert.is_self_issued() {
            return Err(Error::NotARoot);
        }
        let policy =
            Policy { name: "cross".into(), ..Policy::root_ca(lifetime, DEFAULT_BACKDATE, self.cert.path_len()) };
        let subject = Subject {
            name: self.cert.subject().clone(),
            sans: Vec::new(),
            public_key: new_key.clone(),
            requested_ca: None,
            requested_extensions: Vec::new(),
        };
        self.issue(&subject, &policy, Role::Cross, now, rng)
    }

    /// A CRL (RFC 5280 §5) listing `revoked`, numbered `number` (which must
    /// grow with every CRL the CA publishes), valid from `this_update` to
    /// `next_update`.
    pub fn crl<R: CryptoRng + ?Sized>(
        &self,
        revoked: &[Revoked],
        number: u64,
        this_update: UnixTime,
        next_update: UnixTime,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        self.sign_tbs(crl::prepare(&self.cert, revoked, number, this_update, next_update)?, rng)
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;
    use crate::cfssl::request::{CaParams, CsrRequest};
    use crate::issue::generate;
    use crate::pki::key::KeyAlgorithm;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    const NOW: UnixTime = UnixTime(1_795_000_000);

    fn root(cn: &str) -> (Vec<u8>, PrivateKey) {
        root_with(cn, 1)
    }

    fn root_with(cn: &str, path_len: u8) -> (Vec<u8>, PrivateKey) {
        let json = alloc::format!(r#"{{"CN":"{cn}","ca":{{"pathlen":{path_len}}}}}"#);
        let req = CsrRequest::from_json(json.as_bytes(), "ca.json").unwrap().validate(true).unwrap();
        let g = generate::key_and_csr(&req, &mut rng()).unwrap();
        let issued = generate::self_signed_ca(&req, &g, NOW, &mut rng()).unwrap();
        assert_eq!(issued.role, Role::Root);
        (issued.der, g.key)
    }

    fn subject(cn: &str) -> (Subject, PrivateKey) {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = Subject {
            name: crate::pki::name::build(cn, &[], "").unwrap(),
            sans: crate::pki::san::from_hosts(&["web.example"]).unwrap(),
            public_key: key.public_key().clone(),
            requested_ca: None,
            requested_extensions: Vec::new(),
        };
        (subject, key)
    }

    #[test]
    fn a_ca_checks_its_key_once_and_every_path_records_its_role() {
        let (der, key) = root("Root");
        let (_, other) = root("Other");
        let e = Ca::new(CaCert::parse(&der, "ca.pem").unwrap(), other, SigningConfig::default()).unwrap_err();
        assert_eq!(e, Error::CaKeyMismatch);
        let ca = Ca::new(CaCert::parse(&der, "ca.pem").unwrap(), key, SigningConfig::default()).unwrap();

        let (leaf, _) = subject("web");
        let issued = ca.sign_subject(&leaf, None, NOW, &mut rng()).unwrap();
        assert_eq!((issued.role, issued.profile.as_str()), (Role::Leaf, "default"));
        issue::verify_signature(&issued.der, ca.cert().public_key()).unwrap();

        let (int, int_key) = subject("Intermediate");
        let params = CaParams { path_len: None, expiry: Duration::from_secs(86_400), backdate: DEFAULT_BACKDATE };
        let issued = ca.sign_intermediate(&int, None, &params, None, NOW, &mut rng()).unwrap();
        assert_eq!((issued.role, issued.profile.as_str()), (Role::Intermediate, "intermediate"));
        let int_cert = CaCert::parse(&issued.der, "int.pem").unwrap();
        assert_eq!(int_cert.path_len(), Some(0), "below a root with pathlen 1");
        // An intermediate names no hosts; a profile that is not a CA's is refused.
        assert!(issued.warnings.contains(&issue::Warning::DroppedCaSans) || issued.warnings.is_empty());
        let e = ca.sign_intermediate(&int, Some("default"), &params, None, NOW, &mut rng()).unwrap_err();
        assert!(e.to_string().contains("profile `default` does not make CAs"), "{e}");

        let (new_root, _) = subject("Root");
        let cross = ca.cross_sign(&new_root.public_key, Duration::from_secs(86_400), NOW, &mut rng()).unwrap();
        assert_eq!(cross.role, Role::Cross);
        let int_ca =
            Ca::new(CaCert::parse(&issued.der, "int.pem").unwrap(), int_key, SigningConfig::default()).unwrap();
        let e = int_ca.cross_sign(&new_root.public_key, Duration::from_secs(60), NOW, &mut rng()).unwrap_err();
        assert_eq!(e, Error::NotARoot);
    }

    #[test]
    fn names_outside_the_constraints_of_the_issuer_or_above_are_refused() {
        use crate::pki::constraints::{ConstraintLists, NameConstraints};
        let (der, key) = root_with("Root", 2);
        let root_pem = pem::encode(pem::CERTIFICATE, &der);
        let ca = Ca::new(CaCert::parse(&der, "ca.pem").unwrap(), key, SigningConfig::default()).unwrap();
        let lists = ConstraintLists {
            permitted_dns: alloc::vec!["example.com".into()],
            excluded_dns: alloc::vec!["bad.example.com".into()],
            permitted_ip: alloc::vec!["10.0.0.0/8".into()],
            permitted_email: alloc::vec!["example.com".into()],
            ..Default::default()
        };
        let params = CaParams { path_len: None, expiry: Duration::from_secs(86_400), backdate: DEFAULT_BACKDATE };
        let (int, int_key) = subject("Tenant CA");
        let nc = NameConstraints::from_lists(&lists, "").unwrap();
        let int = ca.sign_intermediate(&int, None, &params, Some(&nc), NOW, &mut rng()).unwrap();
        // Given both in the request and by a profile: refused.
        let e =
            ca.sign_intermediate(&subject("x").0, Some("default"), &params, Some(&nc), NOW, &mut rng()).unwrap_err();
        assert!(e.to_string().contains("give them in one place"), "{e}");

        // The intermediate's file holds the root too; then a CA below the
        // intermediate, with no constraints of its own, in a file holding all three.
        let int_file = alloc::format!("{}{root_pem}", pem::encode(pem::CERTIFICATE, &int.der));
        let int_ca =
            Ca::new(CaCert::parse(int_file.as_bytes(), "int.pem").unwrap(), int_key, SigningConfig::default()).unwrap();
        assert_eq!(int_ca.cert().name_constraints().unwrap().len(), 1);
        let (sub, sub_key) = subject("Sub CA");
        let plain = params.clone();
        let sub = int_ca.sign_intermediate(&sub, None, &plain, None, NOW, &mut rng()).unwrap();
        let sub_file = alloc::format!("{}{int_file}", pem::encode(pem::CERTIFICATE, &sub.der));
        let sub_ca =
            Ca::new(CaCert::parse(sub_file.as_bytes(), "sub.pem").unwrap(), sub_key, SigningConfig::default()).unwrap();
        // The sub CA's own certificate alone knows of no constraint.
        assert!(CaCert::parse(&sub.der, "sub.der").unwrap().name_constraints().unwrap().is_empty());

        let leaf = |cn: &str, hosts: &[&str]| Subject {
            name: crate::pki::name::build(cn, &[], "").unwrap(),
            sans: crate::pki::san::from_hosts(hosts).unwrap(),
            ..subject("x").0
        };
        for signer in [&int_ca, &sub_ca] {
            for (cn, hosts) in [
                ("web.example.com", &["web.example.com", "10.1.2.3"][..]),
                ("My Service", &["a.b.example.com"][..]),
                ("web", &["me@example.com"][..]),
            ] {
                signer.sign_subject(&leaf(cn, hosts), None, NOW, &mut rng()).unwrap();
            }
            for (cn, hosts, says) in [
                (
                    "w",
                    &["web.example.org"][..],
                    "the DNS SAN `web.example.org` is outside the permitted subtrees (DNS example.com)",
                ),
                (
                    "w",
                    &["x.bad.example.com"][..],
                    "the DNS SAN `x.bad.example.com` lies in the excluded subtree DNS bad.example.com",
                ),
                (
                    "w",
                    &["web.example.com", "192.168.0.1"][..],
                    "the IP SAN `192.168.0.1` is outside the permitted subtrees (IP 10.0.0.0/8)",
                ),
                ("w", &["me@example.org"][..], "the email SAN `me@example.org`"),
                ("web.example.net", &[][..], "the CN `web.example.net`"),
            ] {
                let e = signer.sign_subject(&leaf(cn, hosts), None, NOW, &mut rng()).unwrap_err();
                assert!(matches!(e.kind(), Error::OutsideNameConstraints { .. }), "{e}");
                assert!(e.to_string().contains(says), "{e}");
                assert!(e.to_string().contains("of the CA certificate `CN=Tenant CA`"), "{e}");
            }
        }
        // The subject's emailAddress, and in a CA certificate too.
        let mut s = leaf("w", &["web.example.com"]);
        s.name = "CN=w,emailAddress=root@evil.org".parse().unwrap();
        let e = sub_ca.sign_subject(&s, None, NOW, &mut rng()).unwrap_err();
        assert!(e.to_string().contains("the subject emailAddress `root@evil.org`"), "{e}");
        let e = int_ca.sign_intermediate(&s, None, &plain, None, NOW, &mut rng()).unwrap_err();
        assert!(e.to_string().contains("the subject emailAddress `root@evil.org`"), "{e}");
        // A CA certificate's CN is a name, not a host.
        int_ca.sign_intermediate(&leaf("ca.example.org", &[]), None, &plain, None, NOW, &mut rng()).unwrap();
    }

    #[test]
    fn the_two_phase_path_applies_the_same_rules_and_verifies_the_signature() {
        let (der, key) = root("Root");
        let ca = Ca::new(CaCert::parse(&der, "ca.pem").unwrap(), key, SigningConfig::default()).unwrap();
        let req =
            CsrRequest::from_json(br#"{"CN":"web","hosts":["web.example"]}"#, "r").unwrap().validate(false).unwrap();
        let csr = Csr::from_der(&generate::key_and_csr(&req, &mut rng()).unwrap().csr_der, "csr").unwrap();
        let prepared = ca.prepare_csr(&csr, None, None, NOW, &mut rng()).unwrap();
        assert_eq!(prepared.signature_algorithm(), ca.key().signature_algorithm());
        // Another key's signature is refused; the CA's is assembled.
        let (_, other) = root("Other");
        let bad = other.sign(prepared.bytes(), &mut rng()).unwrap();
        let e = ca.prepare_csr(&csr, None, None, NOW, &mut rng()).unwrap().finish(&bad).unwrap_err();
        assert!(e.to_string().contains("does not verify"), "{e}");
        let signature = ca.key().sign(prepared.bytes(), &mut rng()).unwrap();
        let two = prepared.finish(&signature).unwrap();
        issue::verify_signature(&two.der, ca.cert().public_key()).unwrap();
        let one = ca.sign_csr(&csr, None, None, NOW, &mut rng()).unwrap();
        assert_eq!((two.role, &two.profile, &two.warnings), (one.role, &one.profile, &one.warnings));
        let fields = |der: &[u8]| {
            let info = crate::cfssl::info::certificate(der, "c").unwrap();
            (
                info.subject,
                info.sans,
                info.not_before,
                info.not_after,
                info.sigalg,
                info.authority_key_id,
                info.subject_key_id,
            )
        };
        assert_eq!(fields(&two.der), fields(&one.der));
        // The same refusals, from the same rules.
        let hosts = ["bad host".to_string()];
        for (profile, hosts) in [(Some("nope"), None), (None, Some(&hosts[..]))] {
            let a = ca.prepare_csr(&csr, profile, hosts, NOW, &mut rng()).unwrap_err();
            let b = ca.sign_csr(&csr, profile, hosts, NOW, &mut rng()).unwrap_err();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn the_ledger_records_the_role_and_reads_it_from_old_records_certificates() {
        let (der, key) = root("Root");
        let ca = Ca::new(CaCert::parse(&der, "ca.pem").unwrap(), key, SigningConfig::default()).unwrap();
        let (leaf, _) = subject("web");
        let leaf = ca.sign_subject(&leaf, None, NOW, &mut rng()).unwrap();
        let (int, _) = subject("Int");
        let params = CaParams { path_len: None, expiry: Duration::from_secs(86_400), backdate: DEFAULT_BACKDATE };
        let int = ca.sign_intermediate(&int, None, &params, None, NOW, &mut rng()).unwrap();
        for issued in [&leaf, &int] {
            let mut record = ledger::Issued::new(&issued.der, None, &issued.profile, issued.role, NOW).unwrap();
            let line = ledger::line(&ledger::Record::Issued(record.clone())).unwrap();
            assert!(line.contains(if issued.role == Role::Leaf {
                r#""role":"leaf""#
            } else {
                r#""role":"intermediate""#
            }));
            assert_eq!(record.role(), issued.role);
            // A record from before roles were recorded: the certificate says.
            record.role = None;
            assert_eq!(record.role(), issued.role);
        }
    }
}
