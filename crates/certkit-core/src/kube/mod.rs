//! Kubernetes CertificateSigningRequest objects, `certificates.k8s.io/v1`.
//!
//! ```text
//! apiVersion: certificates.k8s.io/v1
//! kind: CertificateSigningRequest
//! metadata: { name }
//! spec:   { request: base64(PEM CSR), signerName, usages: [...], expirationSeconds (>= 600) }
//! status: { conditions: [{ type: Approved|Denied|Failed, status: "True", reason, message }],
//!           certificate: base64(PEM chain, leaf first) }
//! ```
//!
//! Three jobs, shared by the CLI, the npm package and the web page:
//!
//! * [`manifest`] writes the object a user submits with `kubectl apply`.
//! * [`check_signer_rules`] applies the rules of Kubernetes' built-in signers
//!   (docs "Certificate Signing Requests", `pkg/apis/certificates/v1`):
//!   - `kubernetes.io/kube-apiserver-client`: usages must include
//!     `client auth` and hold nothing beyond `digital signature`,
//!     `key encipherment` and `client auth`; any subject but O
//!     `system:masters` (refused at creation by Kubernetes' admission).
//!   - `kubernetes.io/kube-apiserver-client-kubelet`: subject O exactly
//!     `["system:nodes"]`; no DNS, email, IP or URI SANs; CN beginning
//!     `system:node:`; usages exactly `{digital signature, client auth}` or
//!     `{digital signature, key encipherment, client auth}`.
//!   - `kubernetes.io/kubelet-serving`: O exactly `["system:nodes"]`; at
//!     least one DNS or IP SAN; no email or URI SANs; usages exactly
//!     `{digital signature, server auth}` or
//!     `{digital signature, key encipherment, server auth}`; CN beginning
//!     `system:node:`.
//!   - `kubernetes.io/legacy-unknown`: not allowed in v1.
//!
//!   The checks run in Kubernetes' order and give its messages, so the
//!   first fault reported is the one the cluster would report.
//!
//!   Other signers follow the signing profile that names them (certkit's
//!   `signer_name` profile field), whose usages must cover `spec.usages`.
//! * [`crate::Ca::sign_kube_object`] signs one object read from `kubectl get csr -o json`: only an
//!   approved one (an `Approved` condition with status `True`, and no
//!   `Denied` or `Failed`), unless the caller allows unapproved ones for the
//!   air-gapped flow; the certificate takes its usages from `spec.usages` and
//!   its lifetime from `expirationSeconds`, capped by the profile; the object
//!   comes back unchanged but for `status.certificate`.

mod bundle;
mod kubeconfig;
mod manifest;
mod object;
mod rules;
mod secret;
mod sign;

/// The API group and version of CertificateSigningRequest.
pub(crate) const API_VERSION: &str = "certificates.k8s.io/v1";
/// The kind.
pub(crate) const KIND: &str = "CertificateSigningRequest";
/// Signer of client certificates for the API server.
pub(crate) const KUBE_APISERVER_CLIENT: &str = "kubernetes.io/kube-apiserver-client";
/// Signer of kubelets' client certificates.
pub(crate) const KUBE_APISERVER_CLIENT_KUBELET: &str = "kubernetes.io/kube-apiserver-client-kubelet";
/// Signer of kubelets' serving certificates.
pub(crate) const KUBELET_SERVING: &str = "kubernetes.io/kubelet-serving";
/// The signer that never signs.
pub(crate) const LEGACY_UNKNOWN: &str = "kubernetes.io/legacy-unknown";
/// The shortest `expirationSeconds` Kubernetes accepts.
pub(crate) const MIN_EXPIRATION_SECONDS: u32 = 600;

use crate::pki::dns::validate_object_name;
pub use crate::pki::dns::{validate_path_name, validate_signer_name};

pub use manifest::{
    Manifest, ManifestMetadata, ManifestParams, ManifestSpec, RequestWarning, manifest, manifest_for_request,
    manifest_with_warnings, usage_warnings,
};
use object::{ObjectView, approval};
/// What `kubectl get csr -o json` (or `-o yaml`) output must be, and how to get it.
const GET_CSR: &str = "give the output of `kubectl get csr NAME -o json` (or -o yaml)";

pub use bundle::{BundleSecret, ConfigMap, LeftOut, Metadata, trust_bundle};
pub use kubeconfig::{
    Cluster, ClusterData, Context, ContextData, Kubeconfig, KubeconfigParams, Named, User, UserData, kubeconfig,
};
pub use object::{check_object_input, object_name, objects, shown_name};
use rules::check_usages;
pub use rules::{Refusal, check_object, check_signer_rules, default_usages};
pub use secret::{SecretParams, TlsSecret, tls_secret, tls_secret_with_keystores};
pub use sign::{Outcome, SignParams};

#[cfg(test)]
mod tests {
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    use base64ct::{Base64, Encoding};
    use serde_json::Value;

    use crate::ca::Ca;
    use crate::issue::certificate::Subject;
    use crate::pki::csr::Csr;
    use crate::pki::key::KeyAlgorithm;
    use crate::pki::time::UnixTime;

    use super::*;
    use crate::cfssl::profile::SigningConfig;
    use crate::issue::certificate::CaCert;
    use crate::pki::key::PrivateKey;
    use crate::pki::name::NameEntry;
    use crate::pki::signer::KeySigner;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    fn csr(cn: &str, o: &[&str], hosts: &[&str]) -> Csr {
        let key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let names: Vec<NameEntry> =
            o.iter().map(|o| NameEntry { organization: o.to_string(), ..Default::default() }).collect();
        let subject = crate::pki::name::build(cn, &names, "").unwrap();
        let sans = crate::pki::san::from_hosts(hosts).unwrap();
        let mut r = rng();
        Csr::from_der(&crate::pki::csr::build(&subject, &sans, None, &mut KeySigner::new(&key, &mut r)).unwrap(), "csr")
            .unwrap()
    }

    fn usages(u: &[&str]) -> Vec<String> {
        u.iter().map(|s| s.to_string()).collect()
    }

    fn rule_of(r: core::result::Result<(), Refusal>) -> String {
        match r {
            Err(Refusal::SignerRule { rule, .. }) => rule,
            other => panic!("expected a signer rule, got {other:?}"),
        }
    }

    #[test]
    fn kubelet_serving() {
        let good = csr("system:node:n1", &["system:nodes"], &["n1.example", "10.0.0.5"]);
        let u = usages(&["digital signature", "server auth"]);
        assert!(check_signer_rules(KUBELET_SERVING, &good, &u).is_ok());
        assert!(
            check_signer_rules(
                KUBELET_SERVING,
                &good,
                &usages(&["key encipherment", "digital signature", "server auth"])
            )
            .is_ok()
        );
        let cases = [
            (csr("system:node:n1", &["other"], &["n1.example"]), u.clone(), "subject organization is not system:nodes"),
            (csr("system:node:n1", &["system:nodes"], &[]), u.clone(), "DNS or IP subjectAltName is required"),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example", "a@b.example"]),
                u.clone(),
                "Email subjectAltNames",
            ),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example", "spiffe://x/y"]),
                u.clone(),
                "URI subjectAltNames",
            ),
            (good.clone(), usages(&["server auth"]), "usages did not match"),
            (csr("n1", &["system:nodes"], &["n1.example"]), u.clone(), "common name does not begin with system:node:"),
        ];
        for (c, u, want) in cases {
            let got = rule_of(check_signer_rules(KUBELET_SERVING, &c, &u));
            assert!(got.contains(want), "{got} vs {want}");
        }
    }

    #[test]
    fn kubelet_client() {
        let good = csr("system:node:n1", &["system:nodes"], &[]);
        let u = usages(&["digital signature", "client auth"]);
        assert!(check_signer_rules(KUBE_APISERVER_CLIENT_KUBELET, &good, &u).is_ok());
        let cases = [
            (csr("system:node:n1", &[], &[]), u.clone(), "subject organization is not system:nodes"),
            (
                csr("system:node:n1", &["system:nodes"], &["n1.example"]),
                u.clone(),
                "DNS subjectAltNames are not allowed",
            ),
            (csr("system:node:n1", &["system:nodes"], &["10.0.0.1"]), u.clone(), "IP subjectAltNames are not allowed"),
            (csr("node1", &["system:nodes"], &[]), u.clone(), "common name does not begin"),
            (
                good.clone(),
                usages(&["client auth"]),
                "usages did not match [client auth digital signature key encipherment]",
            ),
        ];
        for (c, u, want) in cases {
            let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT_KUBELET, &c, &u));
            assert!(got.contains(want), "{got} vs {want}");
        }
    }

    #[test]
    fn apiserver_client_and_legacy() {
        let alice = csr("alice", &["devs"], &[]);
        assert!(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["client auth"])).is_ok());
        let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["client auth", "server auth"])));
        assert_eq!(got, "invalid usage for client certificate: server auth");
        let got = rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &alice, &usages(&["digital signature"])));
        assert_eq!(got, "missing required usage for client certificate: client auth");
        let root = csr("eve", &["system:masters"], &[]);
        assert!(
            rule_of(check_signer_rules(KUBE_APISERVER_CLIENT, &root, &usages(&["client auth"])))
                .contains("system:masters")
        );
        assert_eq!(check_signer_rules(LEGACY_UNKNOWN, &alice, &usages(&["client auth"])), Err(Refusal::LegacyUnknown));
        // Custom signers follow the profile, not these rules.
        assert!(check_signer_rules("example.com/serving", &alice, &usages(&["server auth"])).is_ok());
    }

    #[test]
    fn names_and_signers() {
        assert!(validate_signer_name("example.com/serving", "s").is_ok());
        assert!(validate_signer_name("kubernetes.io/kubelet-serving", "s").is_ok());
        for bad in ["serving", "example/serving", "Example.com/x", "example.com/", "exa mple.com/x"] {
            assert!(validate_signer_name(bad, "s").is_err(), "{bad}");
        }
        assert!(validate_object_name("my-svc.my-namespace", "n").is_ok());
        for bad in ["", "My-Svc", "a..b", "-a", "a_b"] {
            assert!(validate_object_name(bad, "n").is_err(), "{bad}");
        }
    }

    const NOW: UnixTime = UnixTime(1_795_000_000);

    /// A CA (PEM, key PEM) and a leaf it signed for `example.com` (PEM, key PEM).
    fn ca_and_leaf() -> (CaCert, PrivateKey, String, String, String, String) {
        let req = crate::cfssl::request::CsrRequest::from_json(
            br#"{"CN":"Test CA","key":{"algo":"ecdsa","size":256}}"#,
            "ca",
        )
        .unwrap()
        .validate(true)
        .unwrap();
        let g = crate::issue::generate::key_and_csr(&req, &mut rng()).unwrap();
        let ca_issued = crate::issue::generate::self_signed_ca(&req, &g, NOW, &mut rng()).unwrap();
        let ca = CaCert::parse(&ca_issued.der, "ca.pem").unwrap();
        let leaf_key = PrivateKey::generate(KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let subject = Subject {
            name: crate::pki::name::build("web", &[], "").unwrap(),
            sans: crate::pki::san::from_hosts(&["web.example.com"]).unwrap(),
            public_key: leaf_key.public_key().clone(),
            requested_ca: None,
            requested_extensions: Vec::new(),
        };
        let cfg = SigningConfig::from_json(
            br#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"24h"}}}"#,
            "config.json",
        )
        .unwrap();
        let copy = PrivateKey::from_bytes(g.key.to_pkcs8_pem().unwrap().as_bytes(), None, "ca-key.pem").unwrap();
        let leaf = Ca::new(ca.clone(), copy, cfg).unwrap().sign_subject(&subject, None, NOW, &mut rng()).unwrap();
        let ca_pem = ca.to_pem();
        let ca_key_pem = g.key.to_pkcs8_pem().unwrap().to_string();
        let leaf_pem = leaf.to_pem();
        let leaf_key_pem = leaf_key.to_pkcs8_pem().unwrap().to_string();
        (ca, g.key, ca_pem, ca_key_pem, leaf_pem, leaf_key_pem)
    }

    #[test]
    fn a_secret_refuses_a_ca_key_unless_asked_and_a_leaf_as_ca() {
        let (_, _, ca_pem, ca_key_pem, leaf_pem, leaf_key_pem) = ca_and_leaf();
        let base = SecretParams {
            name: "web-tls",
            cert: leaf_pem.as_bytes(),
            cert_what: "web.pem",
            key: leaf_key_pem.as_bytes(),
            key_what: "web-key.pem",
            ca: Some(ca_pem.as_bytes()),
            ca_what: "ca.pem",
            allow_ca_key: false,
        };
        let s = tls_secret(&base).unwrap();
        assert_eq!(s.data.keys().collect::<Vec<_>>(), ["ca.crt", "tls.crt", "tls.key"]);

        // The CA's own key in a TLS Secret: refused, naming both files and the way out.
        let as_ca = SecretParams {
            cert: ca_pem.as_bytes(),
            cert_what: "ca.pem",
            key: ca_key_pem.as_bytes(),
            key_what: "ca-key.pem",
            ca: None,
            ..base
        };
        let e = tls_secret(&as_ca).unwrap_err().to_string();
        assert!(e.starts_with("ca.pem: `Test CA` is a CA certificate, so ca-key.pem is the CA's signing key"), "{e}");
        // The flag that allows it is the CLI's hint, not the core's.
        assert!(!e.contains("--") && !e.contains('\n'), "{e}");
        assert!(tls_secret(&SecretParams { allow_ca_key: true, ..as_ca }).is_ok());

        // A leaf as ca.crt.
        let leaf_as_ca = SecretParams { ca: Some(leaf_pem.as_bytes()), ca_what: "web.pem", ..base };
        let e = tls_secret(&leaf_as_ca).unwrap_err().to_string();
        assert!(e.starts_with("web.pem: `web` is not a CA certificate"), "{e}");
        let bundle = ca_pem.clone() + &leaf_pem;
        let e = tls_secret(&SecretParams { ca: Some(bundle.as_bytes()), ca_what: "bundle.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bundle.pem: `web` (certificate 2) is not a CA certificate"), "{e}");

        // A key inside the certificate file: the file is named.
        let combined = leaf_pem.clone() + &leaf_key_pem;
        let e = tls_secret(&SecretParams { cert: combined.as_bytes(), cert_what: "combined.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("combined.pem: holds a private key"), "{e}");
        // A key of another certificate: both files named.
        let e = tls_secret(&SecretParams { key: ca_key_pem.as_bytes(), key_what: "ca-key.pem", ..base })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("ca-key.pem: this key does not belong to the certificate for `web` in web.pem"), "{e}");
    }

    #[test]
    fn input_that_is_not_an_object_says_what_it_is() {
        let c = csr("web", &[], &["web.example.com"]);
        let pem = c.to_pem();
        let cases: [(&[u8], &str); 5] = [
            (b"", "in.json is empty; give the output of `kubectl get csr NAME -o json`"),
            (b" \n\t", "in.json is empty"),
            (
                pem.as_bytes(),
                "in.json is a PEM CERTIFICATE REQUEST, not a Kubernetes CertificateSigningRequest object; make one from it",
            ),
            (c.der(), "in.json is a DER certificate request, not a Kubernetes CertificateSigningRequest object"),
            (b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "in.json is a PEM CERTIFICATE, not a"),
        ];
        for (input, want) in cases {
            let e = check_object_input(input, "in.json").unwrap_err().to_string();
            assert!(e.starts_with(want), "{e} vs {want}");
        }
        assert!(check_object_input(b"{\"kind\":\"List\"}", "in.json").is_ok());
        assert!(check_object_input(b"apiVersion: v1\nkind: List\n", "in.json").is_ok());
    }

    #[test]
    fn objects_refuse_empty_lists_and_non_objects() {
        for list in [
            serde_json::json!({"apiVersion":"v1","kind":"List","items":[]}),
            serde_json::json!({"kind":"List","items":[]}),
        ] {
            let e = objects(list, "empty.json").unwrap_err().to_string();
            assert!(e.starts_with("empty.json: the List is empty: it holds no CertificateSigningRequest"), "{e}");
        }
        let e = objects(serde_json::json!({"kind":"CertificateSigningRequestList","items":[]}), "x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the CertificateSigningRequestList is empty"), "{e}");
        let e = objects(Value::String("-----BEGIN".into()), "x.yaml").unwrap_err().to_string();
        assert!(e.starts_with("x.yaml: holds text (a string), not a Kubernetes object"), "{e}");
        // One object is named as the input, an item of a List by its index.
        let pod = serde_json::json!({"apiVersion":"v1","kind":"Pod"});
        let e = objects(pod.clone(), "pod.json").unwrap_err().to_string();
        assert!(e.starts_with("pod.json: is a Pod of v1, not a CertificateSigningRequest"), "{e}");
        let e = objects(serde_json::json!({"kind":"List","items":[pod]}), "l.json").unwrap_err().to_string();
        assert!(e.starts_with("l.json: items[0]: is a Pod of v1"), "{e}");
    }

    #[test]
    fn messages_name_each_thing_once() {
        let c = csr("web", &[], &["web.example.com"]);
        let pem = c.to_pem();
        let p = |name: &str, signer: &str| ManifestParams {
            name: name.into(),
            signer_name: signer.into(),
            ..Default::default()
        };
        let e = manifest(pem.as_bytes(), &p("My_Svc", "example.com/serving"), "csr").unwrap_err().to_string();
        assert!(e.starts_with("name: `My_Svc` is not a lowercase RFC 1123 subdomain"), "{e}");
        let e = manifest(pem.as_bytes(), &p("web", "example.com/Serving"), "csr").unwrap_err().to_string();
        assert!(e.starts_with("signerName: `example.com/Serving`: the part after `/`"), "{e}");
        assert_eq!(e.matches("signerName").count(), 1, "{e}");

        // sign() names the field, not the object: the caller names the object once.
        let (ca, ca_key, ..) = ca_and_leaf();
        let config = SigningConfig::from_json(
            br#"{"signing":{"profiles":{"s":{"usages":["digital signature","server auth"],"expiry":"24h","signer_name":"example.com/serving"}}}}"#,
            "config.json",
        )
        .unwrap();
        let ca = Ca::new(ca, ca_key, config).unwrap();
        let params = SignParams { profile: None, allow_unapproved: true };
        let object = serde_json::json!({
            "apiVersion": API_VERSION, "kind": KIND, "metadata": {"name": "my-svc"},
            "spec": {"request": Base64::encode_string(pem.as_bytes()), "signerName": "example.com/serving", "usages": ["code signing"]},
        });
        let e = ca.sign_kube_object(object, &params, NOW, &mut rng()).unwrap_err().to_string();
        assert!(e.starts_with("spec.usages: \"code signing\" is not among the usages of profile `s`"), "{e}");
        assert!(!e.contains("my-svc") && !e.contains(KIND), "{e}");
    }

    #[test]
    fn a_request_warns_of_usages_the_key_cannot_have() {
        let c = csr("web", &[], &["web.example.com"]);
        let params = ManifestParams {
            name: "web".into(),
            signer_name: "example.com/serving".into(),
            usages: usages(&["digital signature", "key encipherment", "server auth"]),
            ..Default::default()
        };
        let (m, warnings) = manifest_with_warnings(c.to_pem().as_bytes(), &params, "csr").unwrap();
        assert_eq!(m.spec.usages, params.usages, "the request keeps what was asked");
        assert_eq!(
            warnings,
            [RequestWarning::UsageLeftOut { usage: "key encipherment".into(), key: KeyAlgorithm::EcdsaP256 }]
        );
        let w = warnings[0].to_string();
        assert!(
            w.contains("`key encipherment` will be left out of the certificate: ECDSA P-256 keys cannot have it"),
            "{w}"
        );
        // The defaults never warn; RSA keys may encipher; EC keys may agree.
        let defaults = ManifestParams { usages: Vec::new(), ..params };
        assert!(manifest_with_warnings(c.to_pem().as_bytes(), &defaults, "csr").unwrap().1.is_empty());
        assert!(usage_warnings(&usages(&["key encipherment"]), KeyAlgorithm::Rsa(2048)).is_empty());
        assert!(usage_warnings(&usages(&["key agreement", "encipher only"]), KeyAlgorithm::EcdsaP256).is_empty());
        assert_eq!(usage_warnings(&usages(&["key agreement", "data encipherment"]), KeyAlgorithm::Ed25519).len(), 2);
    }

    /// `manifest_for_request` gives `manifest_with_warnings`'s result (the
    /// manifest, the warnings, or the same error) for a CSR made from the
    /// request, for every key type, every kind of SAN and a CA request;
    /// `None` for a CSR made from anything else.
    #[test]
    fn a_manifest_from_the_request_is_the_one_from_the_csr() {
        let entry = |o: &str| NameEntry { organization: o.into(), country: "US".into(), ..Default::default() };
        // CN, names, hosts, the cA request.
        type Case<'a> = (&'a str, &'a [NameEntry], &'a [&'a str], Option<Option<u8>>);
        let cases: [Case; 4] = [
            ("system:node:n1", &[entry("system:nodes")], &["n1.example", "10.0.0.1"], None),
            ("web", &[], &["web.example.com", "a@b.example", "spiffe://x/y", "::1"], None),
            ("", &[entry("Example")], &["only.example"], None),
            ("intermediate", &[entry("Example")], &[], Some(Some(0))),
        ];
        let signers = [KUBELET_SERVING, KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, "example.com/serving"];
        let algorithms =
            [KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa(2048), KeyAlgorithm::Ed25519];
        for (i, (cn, names, hosts, ca)) in cases.into_iter().enumerate() {
            let key = PrivateKey::generate(algorithms[i], &mut rng()).unwrap();
            let subject = crate::pki::name::build(cn, names, "").unwrap();
            let sans = crate::pki::san::from_hosts(hosts).unwrap();
            let der = crate::pki::csr::build(&subject, &sans, ca, &mut KeySigner::new(&key, &mut rng())).unwrap();
            let pem = crate::pki::pem::encode(crate::pki::pem::CERTIFICATE_REQUEST, &der);
            for signer in signers {
                for u in [&[][..], &["digital signature", "key encipherment", "server auth"], &["client auth"]] {
                    let params = ManifestParams {
                        name: "n1".into(),
                        signer_name: signer.into(),
                        usages: usages(u),
                        expiration_seconds: Some(3600),
                    };
                    let from_csr =
                        manifest_with_warnings(pem.as_bytes(), &params, "the CSR").map_err(|e| e.to_string());
                    let from_request =
                        manifest_for_request(&der, &subject, &sans, ca, &params).map_err(|e| e.to_string());
                    assert_eq!(from_request, from_csr.map(Some), "case {i}, {signer}, {u:?}");
                }
            }
            let params =
                ManifestParams { name: "n1".into(), signer_name: "example.com/serving".into(), ..Default::default() };
            assert!(manifest_for_request(&der, &subject, &sans, ca, &params).unwrap().is_some());
            // Made from something else: another name, other SANs, no cA, a
            // changed byte, trailing bytes, not DER at all.
            let other = crate::pki::name::build("other", names, "").unwrap();
            assert_eq!(manifest_for_request(&der, &other, &sans, ca, &params), Ok(None), "case {i}");
            let fewer = &sans[..sans.len().saturating_sub(1)];
            if !sans.is_empty() {
                assert_eq!(manifest_for_request(&der, &subject, fewer, ca, &params), Ok(None), "case {i}");
            }
            if ca.is_some() {
                assert_eq!(manifest_for_request(&der, &subject, &sans, None, &params), Ok(None), "case {i}");
            }
            // A byte of the subject changed (one of the key's would change
            // the key the CSR is for, and keep it certkit's CSR for that key).
            let mut changed = der.clone();
            let name = der::Encode::to_der(&subject).unwrap();
            let at = der.windows(name.len()).position(|w| w == name).unwrap() + name.len() - 1;
            changed[at] ^= 1;
            assert_eq!(manifest_for_request(&changed, &subject, &sans, ca, &params), Ok(None), "case {i}");
            let mut longer = der.clone();
            longer.push(0);
            assert_eq!(manifest_for_request(&longer, &subject, &sans, ca, &params), Ok(None), "case {i}");
            assert_eq!(manifest_for_request(pem.as_bytes(), &subject, &sans, ca, &params), Ok(None), "case {i}");
        }
    }

    #[test]
    fn manifest_round_trips_and_checks_rules_early() {
        let c = csr("system:node:n1", &["system:nodes"], &["n1.example"]);
        let p = ManifestParams { name: "n1-serving".into(), signer_name: KUBELET_SERVING.into(), ..Default::default() };
        let m = manifest(c.to_pem().as_bytes(), &p, "csr").unwrap();
        assert_eq!(m.spec.usages, ["digital signature", "server auth"]);
        let back = Base64::decode_vec(&m.spec.request).unwrap();
        assert_eq!(Csr::parse(&back, "x").unwrap().der(), c.der());
        let wrong = csr("web", &[], &["web.example"]);
        let e = manifest(wrong.to_pem().as_bytes(), &p, "csr").unwrap_err().to_string();
        assert!(e.contains("system:nodes"), "{e}");
        let short = ManifestParams { expiration_seconds: Some(60), ..p };
        assert!(manifest(c.to_pem().as_bytes(), &short, "csr").unwrap_err().to_string().contains("600"));
    }
}
