//! Kubernetes CertificateSigningRequest objects: manifests validated against
//! the official OpenAPI schema (PyPI's kubernetes-validate), objects in the
//! shapes `kubectl get csr -o json` prints (tests/data/k8s), certificates
//! judged by OpenSSL.

use base64ct::{Base64, Encoding};
use serde_json::Value;

use crate::common::*;

/// The schema validator scripts/test.sh installs. Required in CI; a local
/// `cargo test` without it says so and checks everything else.
fn validate_manifest(d: &Dir, file: &str) {
    let validator = std::env::var("CERTKIT_KUBERNETES_VALIDATE").ok();
    let Some(v) = validator else {
        assert!(std::env::var("CI").is_err(), "CI must set CERTKIT_KUBERNETES_VALIDATE (scripts/test.sh does)");
        eprintln!("kubernetes-validate not installed (run scripts/test.sh); schema check of {file} skipped");
        return;
    };
    let out = run_in(d, &v, &["--strict", file], b"");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("passed"), "{file} does not validate:\n{text}");
}

/// A CSR PEM made by certkit for `json`.
fn csr_pem(d: &Dir, json: &str) -> String {
    let out = ok(d, &["genkey", "-"], json.as_bytes());
    let v: Value = serde_json::from_slice(&out).unwrap();
    v["csr"].as_str().unwrap().to_string()
}

/// A fixture with its placeholder request replaced by `pem`.
fn fixture_with(name: &str, pem: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture(&format!("k8s/{name}"))).unwrap();
    text.replace("REQUEST_PLACEHOLDER", &Base64::encode_string(pem.as_bytes())).into_bytes()
}

const CONFIG: &str = r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"8760h"},
  "profiles":{
    "clients":{"usages":["digital signature","key encipherment","client auth"],"expiry":"720h","signer_name":"kubernetes.io/kube-apiserver-client"},
    "kubelet-serving":{"usages":["digital signature","key encipherment","server auth"],"expiry":"720h","signer_name":"kubernetes.io/kubelet-serving"},
    "kubelet-client":{"usages":["digital signature","key encipherment","client auth"],"expiry":"720h","signer_name":"kubernetes.io/kube-apiserver-client-kubelet"},
    "serving":{"usages":["digital signature","key encipherment","server auth"],"expiry":"8760h","signer_name":"example.com/serving"}}}}"#;

fn setup(name: &str) -> Dir {
    let d = Dir::new(name);
    make_ca(&d, "ecdsa", 256);
    d.write("config.json", CONFIG);
    d
}

fn sign_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["k8s", "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json"];
    v.extend_from_slice(extra);
    v
}

fn certificate_of(d: &Dir, obj: &Value, file: &str) -> String {
    let b64 = obj["status"]["certificate"].as_str().expect("status.certificate");
    let pem = String::from_utf8(Base64::decode_vec(b64).unwrap()).unwrap();
    d.write(file, &pem);
    pem
}

#[test]
fn the_seed_flow_manifest_then_sign() {
    let d = setup("k8s-seed");
    let pem = csr_pem(
        &d,
        r#"{"CN":"my-pod.my-namespace.pod.cluster.local","hosts":["my-svc.my-namespace.svc.cluster.local","10.0.34.2"]}"#,
    );
    d.write("server.csr", &pem);
    // certkit k8s request … | kubectl apply -f -
    let yaml = ok(
        &d,
        &[
            "k8s",
            "request",
            "--name",
            "my-svc.my-namespace",
            "--signer",
            "example.com/serving",
            "--expiration-seconds",
            "86400",
            "server.csr",
        ],
        b"",
    );
    d.write("csr.yaml", &yaml);
    validate_manifest(&d, "csr.yaml");
    let manifest: Value = serde_saphyr::from_slice(&yaml).unwrap();
    assert_eq!(manifest["apiVersion"], "certificates.k8s.io/v1");
    assert_eq!(manifest["spec"]["usages"], serde_json::json!(["digital signature", "server auth"]));
    let request = Base64::decode_vec(manifest["spec"]["request"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(request).unwrap(), pem, "spec.request round-trips to the same CSR");
    let json_out = ok(
        &d,
        &[
            "k8s",
            "request",
            "--name",
            "my-svc.my-namespace",
            "--signer",
            "example.com/serving",
            "--output",
            "json",
            "server.csr",
        ],
        b"",
    );
    d.write("csr.json", &json_out);
    validate_manifest(&d, "csr.json");

    // What the API server would hold after `kubectl certificate approve`.
    let mut object = manifest.clone();
    object["metadata"]["resourceVersion"] = "4242".into();
    object["metadata"]["uid"] = "0b9b5a1e-1111-2222-3333-444455556666".into();
    object["status"] = serde_json::json!({"conditions":[{"type":"Approved","status":"True","reason":"KubectlApprove","message":"approved","lastUpdateTime":"2026-11-27T00:00:00Z"}]});
    let out = ok(&d, &sign_args(&["-"]), object.to_string().as_bytes());
    let signed: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(signed["metadata"]["resourceVersion"], "4242", "resourceVersion is kept for kubectl replace");
    assert_eq!(signed["spec"], object["spec"], "nothing but status.certificate changes");
    certificate_of(&d, &signed, "leaf.pem");
    let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "leaf.pem"]);
    assert!(v.contains("leaf.pem: OK"), "{v}");
    let start = openssl(
        &d,
        &["x509", "-in", "leaf.pem", "-noout", "-startdate", "-enddate", "-ext", "keyUsage,extendedKeyUsage"],
    );
    assert!(start.contains("TLS Web Server Authentication") && start.contains("Digital Signature"), "{start}");
    // expirationSeconds 86400 caps the profile's 8760h.
    let out = run_in(&d, "openssl", &["x509", "-in", "leaf.pem", "-noout", "-checkend", "86401"], b"");
    assert!(!out.status.success(), "the certificate must end within a day: {start}");
    let out = run_in(&d, "openssl", &["x509", "-in", "leaf.pem", "-noout", "-checkend", "86000"], b"");
    assert!(out.status.success(), "…but not much sooner: {start}");
}

#[test]
fn approved_client_certificate_from_a_kubectl_object() {
    let d = setup("k8s-approved");
    let pem = csr_pem(&d, r#"{"CN":"alice","names":[{"O":"devs"}]}"#);
    let object = fixture_with("approved.json", &pem);
    let out = ok(&d, &sign_args(&["-"]), &object);
    let signed: Value = serde_json::from_slice(&out).unwrap();
    let original: Value = serde_json::from_slice(&object).unwrap();
    assert_eq!(signed["metadata"], original["metadata"]);
    assert_eq!(signed["status"]["conditions"], original["status"]["conditions"]);
    certificate_of(&d, &signed, "alice.pem");
    let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.pem", "alice.pem"]);
    assert!(v.contains("alice.pem: OK"), "{v}");
    let text = openssl(&d, &["x509", "-in", "alice.pem", "-noout", "-text"]);
    assert!(text.contains("TLS Web Client Authentication") && !text.contains("Server Authentication"), "{text}");

    // `kubectl get csr -o yaml` output works too.
    let yaml = serde_saphyr::to_string(&original).unwrap();
    let out = ok(&d, &sign_args(&["-"]), yaml.as_bytes());
    let signed: Value = serde_json::from_slice(&out).unwrap();
    assert!(signed["status"]["certificate"].is_string());

    // Not a CertificateSigningRequest.
    let out = certkit(&d, &sign_args(&["-"]), br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}"#);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a Pod of v1, not a CertificateSigningRequest"));
}

#[test]
fn refusals_carry_their_reasons() {
    let d = setup("k8s-refuse");
    let client = csr_pem(&d, r#"{"CN":"mallory"}"#);
    let node = csr_pem(
        &d,
        r#"{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}],"hosts":["worker-1.example","10.0.0.11"]}"#,
    );
    for (fixture, pem, want) in [
        ("denied.json", &client, "denied (KubectlDeny"),
        ("failed.json", &client, "has failed (SignerValidationFailure"),
        ("pending.json", &node, "not approved; approve it with `kubectl certificate approve csr-7x2kq`"),
        ("signed.json", &node, "already has a certificate"),
    ] {
        let out = certkit(&d, &sign_args(&["-"]), &fixture_with(fixture, pem));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{fixture}: {err}");
        assert!(out.stdout.is_empty(), "{fixture}");
        assert!(err.contains(want), "{fixture}: expected `{want}` in {err}");
    }
    // The air-gapped flow: approval happened elsewhere.
    let out = ok(&d, &sign_args(&["--allow-unapproved", "-"]), &fixture_with("pending.json", &node));
    let signed: Value = serde_json::from_slice(&out).unwrap();
    certificate_of(&d, &signed, "node.pem");
    let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "node.pem"]);
    assert!(v.contains("node.pem: OK"), "{v}");
    // A CSR that breaks the signer's rules is refused even when approved.
    let out = certkit(&d, &sign_args(&["--allow-unapproved", "-"]), &fixture_with("pending.json", &client));
    assert!(String::from_utf8_lossy(&out.stderr).contains("subject organization is not system:nodes"));
    // A signer no profile serves.
    let text = String::from_utf8(fixture_with("approved.json", &client))
        .unwrap()
        .replace("kubernetes.io/kube-apiserver-client", "example.com/other");
    let out = certkit(&d, &sign_args(&["-"]), text.as_bytes());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no profile of the signing config serves signerName `example.com/other`")
    );
}

#[test]
fn a_list_signs_what_it_can_and_reports_the_rest() {
    let d = setup("k8s-list");
    let node_serving =
        csr_pem(&d, r#"{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}],"hosts":["worker-1.example"]}"#);
    let node_client = csr_pem(&d, r#"{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}]}"#);
    let text = std::fs::read_to_string(fixture("k8s/list.json")).unwrap();
    // The first item (pending, kubelet-serving) gets the serving CSR, the second (approved client) the client CSR.
    let text = text.replacen("REQUEST_PLACEHOLDER", &Base64::encode_string(node_serving.as_bytes()), 1);
    let text = text.replacen("REQUEST_PLACEHOLDER", &Base64::encode_string(node_client.as_bytes()), 1);
    let out = certkit(&d, &sign_args(&["-"]), text.as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    // Some signed and printed, some not: 3, not 1 (which promises nothing on stdout).
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("csr-7x2kq: not signed")
            && err.contains("1 of 2 objects were not signed (see above); the other 1 was signed and printed"),
        "{err}"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    certificate_of(&d, &items[0], "kubelet-client.pem");
    let v =
        openssl(&d, &["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", "ca.pem", "kubelet-client.pem"]);
    assert!(v.contains(": OK"), "{v}");

    // --out-dir writes one object per file, ready for kubectl replace --raw.
    let out = certkit(&d, &sign_args(&["--allow-unapproved", "--out-dir", "signed", "-"]), text.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.path("signed/csr-7x2kq.json").exists());
}

#[test]
fn check_and_secret() {
    let d = setup("k8s-check");
    let node =
        csr_pem(&d, r#"{"CN":"system:node:worker-1","names":[{"O":"system:nodes"}],"hosts":["worker-1.example"]}"#);
    d.write("node.csr", &node);
    ok(&d, &["k8s", "check", "--signer", "kubernetes.io/kubelet-serving", "node.csr"], b"");
    let out =
        certkit(&d, &["k8s", "check", "--signer", "kubernetes.io/kube-apiserver-client-kubelet", "node.csr"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("DNS subjectAltNames are not allowed"));
    ok(&d, &["k8s", "check", "-"], &fixture_with("pending.json", &node));

    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"web","hosts":["web.example.com"]}"#,
    );
    split(&d, &out, "web");
    let yaml = ok(
        &d,
        &["k8s", "secret", "--name", "web-tls", "--cert", "web.pem", "--key", "web-key.pem", "--ca", "ca.pem"],
        b"",
    );
    d.write("secret.yaml", &yaml);
    validate_manifest(&d, "secret.yaml");
    let secret: Value = serde_saphyr::from_slice(&yaml).unwrap();
    assert_eq!(secret["type"], "kubernetes.io/tls");
    let crt = Base64::decode_vec(secret["data"]["tls.crt"].as_str().unwrap()).unwrap();
    assert_eq!(crt, std::fs::read(d.path("web.pem")).unwrap());
    // A key that does not belong to the certificate is refused.
    let out = certkit(&d, &["k8s", "secret", "--name", "web-tls", "--cert", "web.pem", "--key", "ca-key.pem"], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not belong to the certificate"));
}

/// An object for `signer` holding `pem`, with `conditions` and `usages`.
fn object(name: &str, signer: &str, pem: &str, usages: &[&str], conditions: Value, expiration: Option<i64>) -> Value {
    let mut o = serde_json::json!({
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": { "name": name, "resourceVersion": "7" },
        "spec": { "request": Base64::encode_string(pem.as_bytes()), "signerName": signer, "usages": usages },
        "status": { "conditions": conditions },
    });
    if let Some(e) = expiration {
        o["spec"]["expirationSeconds"] = e.into();
    }
    o
}

fn approved() -> Value {
    serde_json::json!([{ "type": "Approved", "status": "True", "reason": "KubectlApprove" }])
}

#[test]
fn hostile_and_tricky_objects() {
    let d = setup("k8s-tricky");
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    let refused = |o: &Value, extra: &[&str], want: &str| {
        let mut args = sign_args(extra);
        args.push("-");
        let out = certkit(&d, &args, o.to_string().as_bytes());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{want}: {err}");
        assert!(err.contains(want), "expected `{want}` in {err}");
    };
    // Denied counts whatever its status; Failed with an empty status too.
    let conds = serde_json::json!([{ "type": "Approved", "status": "True" }, { "type": "Denied", "status": "False", "reason": "Nope" }]);
    refused(&object("a", "example.com/serving", &pem, &["server auth"], conds, None), &[], "denied (Nope");
    let conds = serde_json::json!([{ "type": "Approved", "status": "True" }, { "type": "Failed", "reason": "Broken" }]);
    refused(&object("a", "example.com/serving", &pem, &["server auth"], conds, None), &[], "has failed (Broken");
    // Approved must be "True".
    let conds = serde_json::json!([{ "type": "Approved", "status": "False" }]);
    refused(&object("a", "example.com/serving", &pem, &["server auth"], conds, None), &[], "not approved");
    // Names that would leave --out-dir.
    refused(
        &object("../escape", "example.com/serving", &pem, &["server auth"], approved(), None),
        &["--out-dir", "out"],
        "cannot be used as a file name",
    );
    assert!(!d.path("escape.json").exists());
    // Duplicated usages, a usage the profile lacks.
    refused(
        &object("a", "example.com/serving", &pem, &["server auth", "server auth"], approved(), None),
        &[],
        "listed twice",
    );
    refused(
        &object("a", "example.com/serving", &pem, &["code signing"], approved(), None),
        &[],
        "\"code signing\" is not among the usages",
    );
    // spec.request must start with the CSR.
    let cert_then_csr = d.read("ca.pem") + &pem;
    refused(
        &object("a", "example.com/serving", &cert_then_csr, &["server auth"], approved(), None),
        &[],
        "first block is a CERTIFICATE REQUEST",
    );

    // A short expirationSeconds runs from now, not from the backdated notBefore.
    let out = ok(
        &d,
        &sign_args(&["-"]),
        object("short", "example.com/serving", &pem, &["server auth"], approved(), Some(600)).to_string().as_bytes(),
    );
    let signed: Value = serde_json::from_slice(&out).unwrap();
    certificate_of(&d, &signed, "short.pem");
    assert!(run_in(&d, "openssl", &["x509", "-in", "short.pem", "-noout", "-checkend", "590"], b"").status.success());
    assert!(!run_in(&d, "openssl", &["x509", "-in", "short.pem", "-noout", "-checkend", "610"], b"").status.success());

    // A CA profile still yields a leaf: Kubernetes' signers never issue CAs.
    d.write(
        "ca-profile.json",
        r#"{"signing":{"profiles":{"p":{"usages":["cert sign","client auth"],"expiry":"24h","signer_name":"kubernetes.io/kube-apiserver-client","ca_constraint":{"is_ca":true}}}}}"#,
    );
    let client = csr_pem(&d, r#"{"CN":"bob"}"#);
    let o = object("bob", "kubernetes.io/kube-apiserver-client", &client, &["client auth"], approved(), None);
    let out = ok(
        &d,
        &["k8s", "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "ca-profile.json", "-"],
        o.to_string().as_bytes(),
    );
    let signed: Value = serde_json::from_slice(&out).unwrap();
    certificate_of(&d, &signed, "bob.pem");
    let text = openssl(&d, &["x509", "-in", "bob.pem", "-noout", "-text"]);
    assert!(text.contains("CA:FALSE") && !text.contains("Certificate Sign"), "{text}");

    // The raw API's list leaves kind and apiVersion off its items.
    let mut item = object("raw", "example.com/serving", &pem, &["server auth"], approved(), None);
    item.as_object_mut().unwrap().remove("kind");
    item.as_object_mut().unwrap().remove("apiVersion");
    let list = serde_json::json!({ "kind": "CertificateSigningRequestList", "apiVersion": "certificates.k8s.io/v1", "items": [item] });
    let out = ok(&d, &sign_args(&["-"]), list.to_string().as_bytes());
    // A list of one comes back as the object, with the kind and apiVersion
    // `kubectl replace --raw` needs.
    let signed: Value = serde_json::from_slice(&out).unwrap();
    assert!(signed["status"]["certificate"].is_string());
    assert_eq!(
        (&signed["kind"], &signed["apiVersion"]),
        (&"CertificateSigningRequest".into(), &"certificates.k8s.io/v1".into())
    );

    // Manifests Kubernetes would refuse are refused here.
    d.write("svc.csr", &pem);
    for (args, want) in [
        (vec!["--signer", "example.com/x/y"], "more than one `/`"),
        (vec!["--signer", "example.com/Serving"], "lowercase"),
        (vec!["--signer", "example.com/serving", "--usages", "server auth,server auth"], "listed twice"),
        (vec!["--signer", "example.com/serving", "--usages", "content committment"], "content committment"),
        (vec!["--signer", "example.com/serving", "--expiration-seconds", "4000000000"], "outside Kubernetes' range"),
    ] {
        let mut full = vec!["k8s", "request", "--name", "svc"];
        full.extend(args);
        full.push("svc.csr");
        let out = certkit(&d, &full, b"");
        assert!(
            !out.status.success() && String::from_utf8_lossy(&out.stderr).contains(want),
            "{want}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn chains_and_secrets_are_re_encoded() {
    let d = setup("k8s-chain");
    d.write(
        "int.json",
        r#"{"signing":{"profiles":{"int":{"usages":["cert sign","crl sign"],"expiry":"720h","ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}},
            "serving":{"usages":["digital signature","server auth"],"expiry":"24h","signer_name":"example.com/serving"}}}}"#,
    );
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "int.json", "-profile", "int", "-"],
        br#"{"CN":"Intermediate"}"#,
    );
    split(&d, &out, "int");
    // The intermediate's file also holds the root, as bundles often do.
    d.write("int-bundle.pem", d.read("int.pem") + &d.read("ca.pem"));
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    let o = object("svc", "example.com/serving", &pem, &["digital signature", "server auth"], approved(), None);
    let out = ok(
        &d,
        &["k8s", "sign", "-ca", "int-bundle.pem", "-ca-key", "int-key.pem", "-config", "int.json", "-"],
        o.to_string().as_bytes(),
    );
    let signed: Value = serde_json::from_slice(&out).unwrap();
    let chain = certificate_of(&d, &signed, "chain.pem");
    assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2, "leaf then the intermediate, never the root");
    let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "ca.pem", "-untrusted", "chain.pem", "chain.pem"]);
    assert!(v.contains("chain.pem: OK"), "{v}");

    // Secrets take only certificates into tls.crt, and PEM even from DER.
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"web","hosts":["web.example.com"]}"#,
    );
    split(&d, &out, "web");
    d.write("combined.pem", d.read("web.pem") + &d.read("web-key.pem"));
    let bad = certkit(&d, &["k8s", "secret", "--name", "web", "--cert", "combined.pem", "--key", "web-key.pem"], b"");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("holds a private key"));
    openssl(&d, &["x509", "-in", "web.pem", "-outform", "DER", "-out", "web.der"]);
    let yaml = ok(
        &d,
        &["k8s", "secret", "--name", "web", "--cert", "web.der", "--key", "web-key.pem", "--output", "json"],
        b"",
    );
    let secret: Value = serde_json::from_slice(&yaml).unwrap();
    let crt = String::from_utf8(Base64::decode_vec(secret["data"]["tls.crt"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(crt, d.read("web.pem"));
}

/// The stderr lines of a run, warnings aside.
fn error_lines(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("certkit: warning:"))
        .map(String::from)
        .collect()
}

/// An approved object as `kubectl get csr NAME -o json` prints it, from `k8s request --output json`.
fn approved_object(d: &Dir, name: &str, csr_file: &str, signer: &str) -> Value {
    let out = ok(d, &["k8s", "request", "--name", name, "--signer", signer, "--output", "json", csr_file], b"");
    let mut o: Value = serde_json::from_slice(&out).unwrap();
    o["metadata"]["resourceVersion"] = "1".into();
    o["status"] = serde_json::json!({"conditions":[{"type":"Approved","status":"True","reason":"KubectlApprove"}]});
    o
}

/// The README's Kubernetes section.
fn readme_k8s_section() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme.find("## The Kubernetes flow").expect("README has a Kubernetes section");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    rest[..end].to_string()
}

#[test]
fn the_readme_flow_works_with_its_config_and_with_the_demos() {
    let d = Dir::new("k8s-readme");
    // `certkit demo`'s folder: the seed's CA, server key and CSR, and signing config.
    ok(&d, &["demo", "--dir", "demo"], b"");
    let demo = Dir(d.path("demo"));
    let object = approved_object(&demo, "my-svc.my-namespace", "server.csr", "example.com/serving");
    demo.write("my-svc.json", object.to_string());

    // The README's `k8s sign` line, as written, on the demo's config.
    let section = readme_k8s_section();
    let line = section.lines().find(|l| l.starts_with("certkit k8s sign -ca")).expect("a k8s sign line");
    let args: Vec<&str> = line.split_whitespace().skip(1).take_while(|a| *a != ">").collect();
    assert!(args.contains(&"server-signing-config.json") && args.contains(&"my-svc.json"), "{line}");
    let check_signed = |out: &std::process::Output, file: &str| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{line}: {err}");
        let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(signed["kind"], "CertificateSigningRequest", "one object for kubectl replace --raw");
        certificate_of(&demo, &signed, file);
        let v = openssl(&demo, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", file]);
        assert!(v.contains(": OK"), "{v}");
    };
    check_signed(&certkit(&demo, &args, b""), "from-demo-config.pem");

    // The config the README's code block writes works too.
    let heredoc = section.split("cat > server-signing-config.json <<'EOF'\n").nth(1).expect("the config's heredoc");
    let config = &heredoc[..heredoc.find("\nEOF\n").expect("its end")];
    let parsed: Value = serde_json::from_str(config).expect("the README's config is JSON");
    assert_eq!(parsed["signing"]["default"]["signer_name"], "example.com/serving");
    demo.write("server-signing-config.json", config);
    check_signed(&certkit(&demo, &args, b""), "from-readme-config.pem");
}

#[test]
fn input_that_is_not_kubectl_output_is_one_clear_line() {
    let d = setup("k8s-input");
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    d.write("server.csr", &pem);
    d.write("empty.json", "");
    d.write("empty-list.json", r#"{"kind":"List","items":[]}"#);
    for (file, want) in [
        ("empty-list.json", "certkit: empty-list.json: the List is empty: it holds no CertificateSigningRequest"),
        ("empty.json", "certkit: empty.json is empty; give the output of `kubectl get csr NAME -o json`"),
        (
            "server.csr",
            "certkit: server.csr is a PEM CERTIFICATE REQUEST, not a Kubernetes CertificateSigningRequest object; make one from it with `certkit k8s request",
        ),
        ("ca.pem", "certkit: ca.pem is a PEM CERTIFICATE, not a Kubernetes CertificateSigningRequest object"),
        ("ca-key.pem", "certkit: ca-key.pem is a PEM"),
    ] {
        for args in [sign_args(&[file]), vec!["k8s", "check", file]] {
            let out = certkit(&d, &args, b"");
            let lines = error_lines(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {lines:?}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
            assert!(lines[0].starts_with(want), "{args:?}: expected `{want}`, got {}", lines[0]);
        }
    }
}

#[test]
fn one_object_is_one_line_and_one_object_out() {
    let d = setup("k8s-one");
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    // One refused object: one line, saying each thing once.
    let other = object("my-svc", "example.com/other", &pem, &["server auth"], approved(), None);
    let out = certkit(&d, &sign_args(&["-"]), other.to_string().as_bytes());
    let lines = error_lines(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines,
        [
            "certkit: my-svc: not signed: no profile of the signing config serves signerName `example.com/other`; add \"signer_name\": \"example.com/other\" to one"
        ]
    );
    let bad_usage = object("my-svc", "example.com/serving", &pem, &["code signing"], approved(), None);
    let out = certkit(&d, &sign_args(&["-"]), bad_usage.to_string().as_bytes());
    let lines = error_lines(&out);
    assert_eq!(
        lines,
        [
            "certkit: my-svc: not signed: spec.usages: \"code signing\" is not among the usages of profile `serving`; add it to the profile or drop it from the request"
        ]
    );
    // `k8s check` of one object: one line too.
    let node = object("my-node", "kubernetes.io/kubelet-serving", &pem, &["server auth"], approved(), None);
    let out = certkit(&d, &["k8s", "check", "-"], node.to_string().as_bytes());
    let lines = error_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("certkit: my-node: signerName: it breaks the rules of kubernetes.io/kubelet-serving"));

    // A List of one comes out as the object itself, ready for `kubectl replace --raw …/NAME/status`.
    let good = object("my-svc", "example.com/serving", &pem, &["server auth"], approved(), None);
    let list = serde_json::json!({"apiVersion":"v1","kind":"List","items":[good]});
    let out = ok(&d, &sign_args(&["-"]), list.to_string().as_bytes());
    let signed: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(signed["kind"], "CertificateSigningRequest");
    assert_eq!(signed["metadata"]["name"], "my-svc");
    certificate_of(&d, &signed, "one.pem");

    // Nothing signed of several: 1, nothing on stdout, and the summary says none.
    let list = serde_json::json!({"apiVersion":"v1","kind":"List","items":[other, bad_usage]});
    let out = certkit(&d, &sign_args(&["-"]), list.to_string().as_bytes());
    let lines = error_lines(&out);
    assert_eq!(out.status.code(), Some(1), "{lines:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[2], "certkit: none of the 2 objects was signed (see above)");

    // --out-dir refuses a file already there before signing anything.
    let two = serde_json::json!({"apiVersion":"v1","kind":"List","items":[
        object("a", "example.com/serving", &pem, &["server auth"], approved(), None),
        object("b", "example.com/serving", &pem, &["server auth"], approved(), None)]});
    std::fs::create_dir_all(d.path("out")).unwrap();
    d.write("out/b.json", "old");
    let out = certkit(&d, &sign_args(&["--out-dir", "out", "-"]), two.to_string().as_bytes());
    let lines = error_lines(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("out/b.json already exists; remove it or pass --force"), "{lines:?}");
    assert!(!d.path("out/a.json").exists() && d.read("out/b.json") == "old");
}

#[test]
fn request_time_messages() {
    let d = setup("k8s-request-msgs");
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    d.write("svc.csr", &pem);
    // A usage the EC key cannot have: kept in the request, with a warning
    // in the words `k8s sign` would give when leaving it out.
    let args = [
        "k8s",
        "request",
        "--name",
        "svc",
        "--signer",
        "example.com/serving",
        "--usages",
        "digital signature,key encipherment,server auth",
        "--output",
        "json",
        "svc.csr",
    ];
    let out = certkit(&d, &args, b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        err.trim(),
        "certkit: warning: usages: `key encipherment` will be left out of the certificate: ECDSA P-256 keys cannot have it (RFC 5480/8813, RFC 8410); drop it from the usages to silence this"
    );
    let manifest: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(manifest["spec"]["usages"][1], "key encipherment");
    let out = certkit(&d, &["k8s", "request", "--name", "svc", "--signer", "example.com/serving", "svc.csr"], b"");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    // Each thing said once.
    for (flags, want) in [
        (
            ["--name", "My_Svc", "--signer", "example.com/serving"],
            "certkit: name: `My_Svc` is not a lowercase RFC 1123 subdomain",
        ),
        (
            ["--name", "svc", "--signer", "example.com/Serving"],
            "certkit: signerName: `example.com/Serving`: the part after `/`",
        ),
    ] {
        let mut full = vec!["k8s", "request"];
        full.extend(flags);
        full.push("svc.csr");
        let out = certkit(&d, &full, b"");
        let lines = error_lines(&out);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with(want), "{lines:?}");
    }
}

#[test]
fn a_secret_keeps_ca_keys_out_unless_asked() {
    let d = setup("k8s-secret-ca");
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"web","hosts":["web.example.com"]}"#,
    );
    split(&d, &out, "web");
    // The CA's certificate and key as a TLS Secret: refused, then allowed on request.
    let out = certkit(&d, &["k8s", "secret", "--name", "ca", "--cert", "ca.pem", "--key", "ca-key.pem"], b"");
    let lines = error_lines(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "certkit: ca.pem: `Test CA ecdsa 256` is a CA certificate, so ca-key.pem is the CA's signing key"
        ) && lines[0].contains("--allow-ca-key"),
        "{lines:?}"
    );
    let yaml =
        ok(&d, &["k8s", "secret", "--name", "ca", "--cert", "ca.pem", "--key", "ca-key.pem", "--allow-ca-key"], b"");
    d.write("ca-secret.yaml", &yaml);
    validate_manifest(&d, "ca-secret.yaml");
    // A leaf as --ca.
    let out = certkit(
        &d,
        &["k8s", "secret", "--name", "web", "--cert", "web.pem", "--key", "web-key.pem", "--ca", "web.pem"],
        b"",
    );
    let lines = error_lines(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("certkit: web.pem: `web` is not a CA certificate"), "{lines:?}");
    // A key in the certificate file: the file is named.
    d.write("combined.pem", d.read("web.pem") + &d.read("web-key.pem"));
    let out = certkit(&d, &["k8s", "secret", "--name", "web", "--cert", "combined.pem", "--key", "web-key.pem"], b"");
    assert_eq!(
        error_lines(&out),
        [
            "certkit: combined.pem: holds a private key next to the certificates; give a file with only certificates, and the key in its own file"
        ]
    );
}

#[test]
fn text_from_the_cluster_cannot_break_a_line_or_drive_a_terminal() {
    let d = setup("k8s-cluster-text");
    let pem = csr_pem(&d, r#"{"CN":"svc","hosts":["svc.example.com"]}"#);
    // A name and a denial message with a newline and escape sequences.
    let conds =
        serde_json::json!([{ "type": "Denied", "status": "True", "reason": "No", "message": "line1\nline2\u{1b}[2J" }]);
    let o = object("evil\nname\u{1b}[31mRED", "example.com/serving", &pem, &["server auth"], conds, None);
    let out = certkit(&d, &sign_args(&["-"]), o.to_string().as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains(r"evil\u{a}name\u{1b}[31mRED") && err.contains(r"line1\u{a}line2\u{1b}[2J"), "{err}");
    // --hostname would rewrite what the requester asked for: refused.
    let o = object("svc", "example.com/serving", &pem, &["server auth"], approved(), None);
    let out = certkit(&d, &sign_args(&["--hostname", "other.example.com", "-"]), o.to_string().as_bytes());
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("drop --hostname"));
    // An --out-dir that cannot be made is refused before anything is signed.
    d.write("a-file", "");
    let out = certkit(&d, &sign_args(&["--out-dir", "a-file/out", "-"]), o.to_string().as_bytes());
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("cannot create a-file/out"));
}

/// kubectl: CERTKIT_KUBECTL, else `kubectl` on the PATH (Debian's
/// kubernetes-client, which scripts/test.sh installs).
fn kubectl() -> Option<String> {
    let k = std::env::var("CERTKIT_KUBECTL").unwrap_or_else(|_| "kubectl".into());
    if std::process::Command::new(&k).args(["version", "--client"]).output().is_ok_and(|o| o.status.success()) {
        return Some(k);
    }
    assert!(std::env::var("CI").is_err(), "CI must have kubectl (scripts/test.sh installs kubernetes-client)");
    eprintln!("kubectl not installed (run scripts/test.sh); its check skipped");
    None
}

/// A client certificate `jane` and a server certificate `web`, signed by `ca`.
fn client_and_server(d: &Dir) {
    let out = ok(
        d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-profile", "clients", "-"],
        br#"{"CN":"jane","names":[{"O":"devs"}]}"#,
    );
    split(d, &out, "jane");
    let out = ok(
        d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-"],
        br#"{"CN":"web","hosts":["web"]}"#,
    );
    split(d, &out, "web");
}

#[test]
fn a_kubeconfig_kubectl_reads_whose_certificate_verifies_against_its_ca() {
    let d = setup("k8s-kubeconfig");
    client_and_server(&d);
    let args = |cert: &str, key: &str, ca: &str| {
        ["k8s", "kubeconfig", "--server", "https://10.0.0.1:6443", "--ca", ca, "--cert", cert, "--key", key]
            .map(String::from)
            .to_vec()
    };
    let mut good = args("jane.pem", "jane-key.pem", "ca.pem");
    good.extend(["--name".into(), "prod".into()]);
    let yaml = ok(&d, &strs(&good), b"");
    d.write("jane.kubeconfig", &yaml);
    let config: Value = serde_saphyr::from_slice(&yaml).unwrap();
    assert_eq!(config["current-context"], "prod");
    assert_eq!(config["users"][0]["name"], "jane");
    let data = |v: &Value| Base64::decode_vec(v.as_str().unwrap()).unwrap();
    d.write("embedded-ca.pem", data(&config["clusters"][0]["cluster"]["certificate-authority-data"]));
    d.write("embedded-cert.pem", data(&config["users"][0]["user"]["client-certificate-data"]));
    d.write("embedded-key.pem", data(&config["users"][0]["user"]["client-key-data"]));
    let v = openssl(&d, &["verify", "-purpose", "sslclient", "-CAfile", "embedded-ca.pem", "embedded-cert.pem"]);
    assert!(v.contains("embedded-cert.pem: OK"), "{v}");
    let pubkey = |f: &str| openssl(&d, &["pkey", "-in", f, "-pubout"]);
    assert_eq!(pubkey("embedded-key.pem"), pubkey("jane-key.pem"));
    if let Some(kubectl) = kubectl() {
        let out =
            run_in(&d, &kubectl, &["config", "view", "--raw", "--kubeconfig", "jane.kubeconfig", "-o", "json"], b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let viewed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(viewed["clusters"][0]["cluster"]["server"], "https://10.0.0.1:6443");
        assert_eq!(
            viewed["users"][0]["user"]["client-certificate-data"],
            config["users"][0]["user"]["client-certificate-data"]
        );
        assert_eq!(viewed["contexts"][0]["context"]["user"], "jane");
    }
    // Refused, one line each: a server certificate, one another CA issued, a foreign key, plain http.
    make_other_ca(&d);
    for (args, says) in [
        (args("web.pem", "web-key.pem", "ca.pem"), "`web` is not a client certificate"),
        (args("jane.pem", "jane-key.pem", "other.pem"), "`jane` was not issued by the CA in other.pem"),
        (args("jane.pem", "web-key.pem", "ca.pem"), "this key does not belong to the certificate for `jane`"),
        (args("jane.pem", "jane-key.pem", "jane.pem"), "`jane` is not a CA certificate"),
    ] {
        let out = certkit(&d, &strs(&args), b"");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && out.stdout.is_empty() && err.lines().count() == 1 && err.contains(says),
            "{err}"
        );
    }
    let mut http = args("jane.pem", "jane-key.pem", "ca.pem");
    http[3] = "http://10.0.0.1".into();
    let err = String::from_utf8_lossy(&certkit(&d, &strs(&http), b"").stderr).to_string();
    assert!(err.contains("is not an https:// URL"), "{err}");
}

/// A CA certificate `NAME.pem` that expired in 2021 (`openssl ca` sets the dates).
fn expired_ca(d: &Dir, name: &str) {
    d.write(
        "expired.cnf",
        "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\n\
         [p]\ncommonName=supplied\n[v3_ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    );
    d.write("index.txt", "");
    d.write("serial", "01\n");
    let (key, csr, pem) = (format!("{name}-key.pem"), format!("{name}.csr"), format!("{name}.pem"));
    openssl(
        d,
        &["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc", "-keyout", &key]
            .into_iter()
            .chain(["-out", &csr, "-subj", "/CN=Gone"])
            .collect::<Vec<_>>(),
    );
    openssl(
        d,
        &[
            "ca",
            "-selfsign",
            "-batch",
            "-notext",
            "-config",
            "expired.cnf",
            "-keyfile",
            &key,
            "-in",
            &csr,
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-extensions",
            "v3_ca",
            "-out",
            &pem,
        ],
    );
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn make_other_ca(d: &Dir) {
    let out = ok(d, &["gencert", "-initca", "-"], br#"{"CN":"Other CA"}"#);
    split(d, &out, "other");
}

#[test]
fn the_overlap_bundle_after_a_rotation() {
    let d = Dir::new("k8s-bundle");
    ok(&d, &["ca", "init", "ca", "--no-encrypt", "-"], br#"{"CN":"Root 1"}"#);
    let first = d.read("ca/ca.pem");
    ok(&d, &["ca", "rotate", "ca"], b"");
    let (second, cross) = (d.read("ca/ca.pem"), d.read("ca/cross.pem"));
    let yaml = ok(&d, &["k8s", "bundle", "--ca-dir", "ca", "--name", "certkit-ca", "--namespace", "my-app"], b"");
    d.write("bundle.yaml", &yaml);
    validate_manifest(&d, "bundle.yaml");
    let map: Value = serde_saphyr::from_slice(&yaml).unwrap();
    assert_eq!((map["kind"].as_str(), map["metadata"]["namespace"].as_str()), (Some("ConfigMap"), Some("my-app")));
    // New root, cross certificate, old root: in order, each once.
    assert_eq!(map["data"]["ca.crt"].as_str().unwrap(), format!("{second}{cross}{first}"));
    // Both generations of leaves verify against it.
    d.write("ca.crt", map["data"]["ca.crt"].as_str().unwrap());
    // --secret: the ConfigMap and an Opaque Secret of the same name holding the same ca.crt.
    let yaml =
        ok(&d, &["k8s", "bundle", "--ca-dir", "ca", "--name", "certkit-ca", "--namespace", "my-app", "--secret"], b"");
    d.write("bundle-secret.yaml", &yaml);
    validate_manifest(&d, "bundle-secret.yaml");
    let text = String::from_utf8(yaml).unwrap();
    let (first_doc, second_doc) = text.split_once("\n---\n").expect("two YAML documents");
    assert_eq!(serde_saphyr::from_str::<Value>(first_doc).unwrap(), map);
    let secret: Value = serde_saphyr::from_str(second_doc).unwrap();
    let json = ok(
        &d,
        &[
            "k8s",
            "bundle",
            "--ca-dir",
            "ca",
            "--name",
            "certkit-ca",
            "--namespace",
            "my-app",
            "--secret",
            "--output",
            "json",
        ],
        b"",
    );
    let list: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!((list["kind"].as_str(), &list["items"][0], &list["items"][1]), (Some("List"), &map, &secret));
    assert_eq!(
        (secret["kind"].as_str(), secret["type"].as_str(), secret["metadata"]["name"].as_str()),
        (Some("Secret"), Some("Opaque"), Some("certkit-ca"))
    );
    assert_eq!(secret["metadata"]["namespace"].as_str(), Some("my-app"));
    let data = Base64::decode_vec(secret["data"]["ca.crt"].as_str().unwrap()).unwrap();
    assert_eq!(String::from_utf8(data).unwrap(), format!("{second}{cross}{first}"));
    // From files: duplicates kept once, an expired CA left out with a warning, a leaf refused.
    expired_ca(&d, "gone");
    let out = certkit(
        &d,
        &[
            "k8s",
            "bundle",
            "--ca",
            "ca/ca.pem",
            "--ca",
            "ca.crt",
            "--ca",
            "gone.pem",
            "--name",
            "b",
            "--output",
            "json",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left out gone.pem (`Gone`): it has expired"));
    let map: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(map["data"]["ca.crt"].as_str().unwrap(), format!("{second}{cross}{first}"));
    let out = certkit(&d, &["k8s", "bundle", "--ca", "gone.pem", "--name", "b"], b"");
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no CA certificate given is valid now")
    );
}

#[test]
fn a_secret_with_java_keystores_as_cert_manager_makes_them() {
    let d = setup("k8s-keystore");
    client_and_server(&d);
    d.write("pw", "changeit\n");
    let yaml = ok(
        &d,
        &[
            "k8s",
            "secret",
            "--name",
            "web-tls",
            "--cert",
            "web.pem",
            "--key",
            "web-key.pem",
            "--ca",
            "ca.pem",
            "--keystore",
            "pkcs12",
            "--keystore-passphrase-file",
            "pw",
        ],
        b"",
    );
    d.write("secret.yaml", &yaml);
    validate_manifest(&d, "secret.yaml");
    let secret: Value = serde_saphyr::from_slice(&yaml).unwrap();
    let data = |k: &str| Base64::decode_vec(secret["data"][k].as_str().unwrap()).unwrap();
    assert_eq!(data("keystore-password"), b"changeit");
    d.write("keystore.p12", data("keystore.p12"));
    d.write("truststore.p12", data("truststore.p12"));
    let info = openssl(&d, &["pkcs12", "-in", "keystore.p12", "-passin", "pass:changeit", "-info", "-noout"]);
    assert!(info.contains("Shrouded Keybag"), "{info}");
    openssl(&d, &["pkcs12", "-in", "keystore.p12", "-passin", "pass:changeit", "-clcerts", "-nokeys", "-out", "k.pem"]);
    let fp = |f: &str| openssl(&d, &["x509", "-in", f, "-noout", "-fingerprint", "-sha256"]);
    assert_eq!(fp("k.pem"), fp("web.pem"));
    if let Some(keytool) = crate::pkcs12::keytool() {
        let list = |file: &str| {
            let out = run_in(
                &d,
                &keytool,
                &["-list", "-storetype", "PKCS12", "-keystore", file, "-storepass", "changeit"],
                b"",
            );
            assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).to_string()
        };
        assert!(list("keystore.p12").contains("web-tls, ") && list("keystore.p12").contains("PrivateKeyEntry"));
        let trust = list("truststore.p12");
        assert!(trust.contains("Your keystore contains 1 entry") && trust.contains("trustedCertEntry"), "{trust}");
    }
    // Without a passphrase file, a random one (32 characters of base64url).
    let yaml = ok(
        &d,
        &["k8s", "secret", "--name", "web-tls", "--cert", "web.pem", "--key", "web-key.pem", "--keystore", "pkcs12"],
        b"",
    );
    let secret: Value = serde_saphyr::from_slice(&yaml).unwrap();
    let pw = Base64::decode_vec(secret["data"]["keystore-password"].as_str().unwrap()).unwrap();
    assert_eq!(pw.len(), 32);
    assert!(secret["data"].get("truststore.p12").is_none());
}
