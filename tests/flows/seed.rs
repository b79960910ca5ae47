//! The seed article's recipe with `cfssl` replaced by `certkit`.

use crate::common::*;

const SERVER_CSR: &str = r#"{
  "hosts": [
    "my-svc.my-namespace.svc.cluster.local",
    "my-pod.my-namespace.pod.cluster.local",
    "192.0.2.24",
    "10.0.34.2"
  ],
  "CN": "my-pod.my-namespace.pod.cluster.local",
  "key": {
    "algo": "ecdsa",
    "size": 256
  }
}"#;

const CA_CSR: &str = r#"{
  "CN": "My Example Signer",
  "key": {
    "algo": "rsa",
    "size": 2048
  }
}"#;

const SIGNING_CONFIG: &str = r#"{
    "signing": {
        "default": {
            "usages": [
                "digital signature",
                "key encipherment",
                "server auth"
            ],
            "expiry": "876000h",
            "ca_constraint": {
                "is_ca": false
            }
        }
    }
}"#;

#[test]
fn the_seed_recipe_on_stdin() {
    let d = Dir::new("seed");
    // cat <<EOF | cfssl genkey - | cfssljson -bare server
    let out = ok(&d, &["genkey", "-"], SERVER_CSR.as_bytes());
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json.as_object().unwrap().keys().collect::<Vec<_>>(), ["csr", "key"]);
    split(&d, &out, "server");
    assert!(d.read("server-key.pem").starts_with("-----BEGIN PRIVATE KEY-----"));
    let req = openssl(&d, &["req", "-in", "server.csr", "-noout", "-verify", "-text"]);
    assert!(req.contains("verify OK"), "{req}");
    assert!(req.contains("DNS:my-svc.my-namespace.svc.cluster.local") && req.contains("IP Address:10.0.34.2"), "{req}");

    // cat <<EOF | cfssl gencert -initca - | cfssljson -bare ca
    let out = ok(&d, &["gencert", "-initca", "-"], CA_CSR.as_bytes());
    split(&d, &out, "ca");
    let ca = openssl(&d, &["x509", "-in", "ca.pem", "-noout", "-text"]);
    assert!(ca.contains("CA:TRUE") && ca.contains("Certificate Sign, CRL Sign"), "{ca}");
    assert!(ca.contains("Subject: CN = My Example Signer") && ca.contains("sha256WithRSAEncryption"), "{ca}");

    // kubectl get csr … | base64 --decode | cfssl sign -ca ca.pem -ca-key ca-key.pem -config server-signing-config.json - | cfssljson -bare ca-signed-server
    d.write("server-signing-config.json", SIGNING_CONFIG);
    let csr = std::fs::read(d.path("server.csr")).unwrap();
    let out = certkit(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "server-signing-config.json", "-"],
        &csr,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The seed asks for keyEncipherment on an EC key and a 100-year leaf under a 5-year CA.
    assert!(stderr.contains("key encipherment") && stderr.contains("CA certificate's notAfter"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["csr"].as_str().unwrap().as_bytes(), &csr[..], "sign echoes the CSR as cfssl does");
    split(&d, &out.stdout, "ca-signed-server");

    let verify =
        openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "ca-signed-server.pem"]);
    assert!(verify.contains("ca-signed-server.pem: OK"), "{verify}");
    let text = openssl(&d, &["x509", "-in", "ca-signed-server.pem", "-noout", "-text", "-dates"]);
    assert!(text.contains("Digital Signature") && !text.contains("Key Encipherment"), "{text}");
    assert!(text.contains("TLS Web Server Authentication"), "{text}");
    assert!(
        text.contains("DNS:my-pod.my-namespace.pod.cluster.local") && text.contains("IP Address:192.0.2.24"),
        "{text}"
    );
    let ca_end = openssl(&d, &["x509", "-in", "ca.pem", "-noout", "-enddate"]);
    assert!(text.contains(ca_end.trim()), "leaf capped at the CA's notAfter: {ca_end} vs {text}");
    // The certificate's key is the one genkey made.
    let leaf_pub = openssl(&d, &["x509", "-in", "ca-signed-server.pem", "-noout", "-pubkey"]);
    let key_pub = openssl(&d, &["pkey", "-in", "server-key.pem", "-pubout"]);
    assert_eq!(leaf_pub, key_pub);
}

#[test]
fn direct_style_and_no_clobber() {
    let d = Dir::new("direct");
    d.write("ca.json", CA_CSR);
    d.write("server.json", SERVER_CSR);
    ok(&d, &["gencert", "--initca", "ca.json", "-o", "ca"], b"");
    ok(
        &d,
        &[
            "gencert",
            "--ca",
            "ca.pem",
            "--ca-key",
            "ca-key.pem",
            "--hostname",
            "web.example.com,127.0.0.1",
            "server.json",
            "-o",
            "web",
        ],
        b"",
    );
    let text = openssl(&d, &["x509", "-in", "web.pem", "-noout", "-ext", "subjectAltName"]);
    assert!(
        text.contains("DNS:web.example.com") && text.contains("IP Address:127.0.0.1") && !text.contains("my-svc"),
        "{text}"
    );
    use std::os::unix::fs::PermissionsExt;
    for key in ["ca-key.pem", "web-key.pem"] {
        let mode = std::fs::metadata(d.path(key)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{key}");
    }
    // An existing key is never overwritten without --force.
    let before = d.read("web-key.pem");
    let out = certkit(&d, &["genkey", "server.json", "-o", "web"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(d.read("web-key.pem"), before);
    ok(&d, &["genkey", "server.json", "-o", "web", "--force"], b"");
    assert_ne!(d.read("web-key.pem"), before);
    assert!(!std::fs::read_dir(&d.0).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
}

#[test]
fn cfssl_json_quirks_are_accepted() {
    // Go's encoding/json matches keys without regard to case and ignores nulls.
    let d = Dir::new("quirks");
    make_ca(&d, "ecdsa", 256);
    let out = ok(
        &d,
        &["genkey", "-"],
        br#"{"cn":"q","HOSTS":["q.example.com"],"Key":{"ALGO":"ecdsa","size":256},"names":null}"#,
    );
    split(&d, &out, "q");
    d.write("cfg.json", r#"{"Signing":{"Default":{"Usages":["signing","server auth"],"Expiry":"1h"}}}"#);
    // An empty -hostname keeps the CSR's SANs, as in cfssl.
    let out = ok(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "cfg.json", "-hostname", "", "q.csr"],
        b"",
    );
    split(&d, &out, "q2");
    let text = openssl(&d, &["x509", "-in", "q2.pem", "-noout", "-ext", "subjectAltName"]);
    assert!(text.contains("DNS:q.example.com"), "{text}");
}

#[test]
fn many_csrs_in_one_process() {
    let d = Dir::new("many");
    make_ca(&d, "ecdsa", 256);
    std::fs::create_dir(d.path("reqs")).unwrap();
    for i in 0..5 {
        let json = format!(r#"{{"CN":"svc{i}","hosts":["svc{i}.example.com"]}}"#);
        let out = ok(&d, &["genkey", "-"], json.as_bytes());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        d.write(&format!("reqs/svc{i}.csr"), v["csr"].as_str().unwrap());
    }
    ok(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "--out-dir", "signed", "reqs"], b"");
    for i in 0..5 {
        let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "ca.pem", &format!("signed/svc{i}.pem")]);
        assert!(v.contains(": OK"), "{v}");
    }
}

#[test]
fn print_defaults_round_trip() {
    let d = Dir::new("defaults");
    let cfg = ok(&d, &["print-defaults", "config"], b"");
    d.write("config.json", &cfg);
    let csr = ok(&d, &["print-defaults", "csr"], b"");
    make_ca(&d, "ecdsa", 384);
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-profile", "www", "-"],
        &csr,
    );
    split(&d, &out, "www");
    let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "www.pem"]);
    assert!(v.contains("www.pem: OK"), "{v}");
    let sig = openssl(&d, &["x509", "-in", "www.pem", "-noout", "-text"]);
    assert!(sig.contains("ecdsa-with-SHA384"), "P-384 CA signs with SHA-384: {sig}");
}

#[test]
fn cfssl_flag_forms() {
    let d = Dir::new("cfssl-flags");
    d.write("ca.json", CA_CSR);
    d.write("server.json", SERVER_CSR);
    d.write("config.json", SIGNING_CONFIG);
    // Go's `-flag=true`, and the global -loglevel, which certkit ignores.
    split(&d, &ok(&d, &["gencert", "-loglevel=5", "-initca=true", "ca.json"], b""), "ca");
    split(&d, &ok(&d, &["genkey", "-loglevel", "0", "server.json"], b""), "server");
    // sign's -csr flag.
    let out = ok(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-csr", "server.csr"],
        b"",
    );
    split(&d, &out, "signed");
    openssl(&d, &["verify", "-CAfile", "ca.pem", "signed.pem"]);
    // A flag certkit does not have is named, not read as short flags.
    let out = certkit(&d, &["sign", "-remote", "ca.example:8888", "server.csr"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("certkit: -remote is a flag of cfssl's remote signer") && err.lines().count() == 1,
        "{err}"
    );

    // A long flag a command lacks is not read as -h (help, exit 0).
    let out = certkit(&d, &["genkey", "-hostname", "a.example", "server.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "certkit: -hostname is not a flag of `certkit genkey`; see `certkit genkey --help`\n"
    );
    // A reader that stops early (`| head -1`) is not a failure, and not a panic.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certkit"))
        .args(["certinfo", "-cert", "signed.pem"])
        .current_dir(&d.0)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());

    // -renewca: the root again, same name and key; what it signed verifies under it.
    split(&d, &ok(&d, &["gencert", "-renewca", "-ca", "ca.pem", "-ca-key", "ca-key.pem"], b""), "ca2");
    assert!(!d.path("ca2-key.pem").exists() && !d.path("ca2.csr").exists(), "-renewca prints only the certificate");
    openssl(&d, &["verify", "-CAfile", "ca2.pem", "signed.pem"]);
    let key_of = |f: &str| openssl(&d, &["x509", "-in", f, "-noout", "-pubkey"]);
    assert_eq!(key_of("ca2.pem"), key_of("ca.pem"));
    let subject_of = |f: &str| openssl(&d, &["x509", "-in", f, "-noout", "-subject"]);
    assert_eq!(subject_of("ca2.pem"), subject_of("ca.pem"));
    // An intermediate is not renewed into a root.
    d.write("int.json", r#"{"CN":"Int"}"#);
    d.write("int-config.json", r#"{"signing":{"default":{"usages":["cert sign","crl sign"],"expiry":"8760h","ca_constraint":{"is_ca":true}}}}"#);
    split(
        &d,
        &ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "int-config.json", "int.json"], b""),
        "int",
    );
    let out = certkit(&d, &["gencert", "-renewca", "-ca", "int.pem", "-ca-key", "int-key.pem"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("intermediate"));

    // -initca with -ca-key: a new CA for the existing key (certificate and CSR, no key).
    d.write("ca3.json", r#"{"CN":"My Example Signer 2"}"#);
    split(&d, &ok(&d, &["gencert", "-initca", "-ca-key", "ca-key.pem", "ca3.json"], b""), "ca3");
    assert!(!d.path("ca3-key.pem").exists());
    assert_eq!(key_of("ca3.pem"), key_of("ca.pem"));
    assert!(subject_of("ca3.pem").contains("My Example Signer 2"));
    // As cfssl: the request's key section is ignored, with a warning here.
    let out = certkit(
        &d,
        &["gencert", "-initca", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"X","key":{"algo":"ecdsa","size":256}}"#,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("key section (ECDSA P-256) is ignored"), "{err}");
    // -renewca takes nothing but the root and its key.
    let out = certkit(&d, &["gencert", "-renewca", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-hostname", "x"], b"");
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("-renewca takes only -ca and -ca-key")
    );
}

#[test]
fn base_names_and_born_expired_cas_are_refused() {
    let d = Dir::new("base-names");
    d.write("server.json", SERVER_CSR);
    for (out, says) in [
        ("sub/", "-o sub/ is a folder; give a base name in it: `-o sub/web` writes sub/web.pem"),
        ("", "-o needs a base name for the files"),
        ("server.pem", "-o takes a base name without an extension: `-o server` writes server.pem"),
    ] {
        let r = certkit(&d, &["genkey", "server.json", "-o", out], b"");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(!r.status.success() && err.contains(says), "-o {out:?}: {err}");
    }
    let json = ok(&d, &["genkey", "server.json"], b"");
    let r = certkit(&d, &["cfssljson", "-bare", ""], &json);
    assert!(!r.status.success() && String::from_utf8_lossy(&r.stderr).contains("cfssljson -bare needs a base name"));
    assert_eq!(std::fs::read_dir(&d.0).unwrap().count(), 1, "nothing but server.json was written");
    // A CA whose lifetime is shorter than the backdate would be born expired.
    let r = certkit(&d, &["gencert", "-initca", "-"], br#"{"CN":"X","ca":{"expiry":"1s"}}"#);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success() && err.contains("ca.backdate: 5m is not shorter than ca.expiry (1s)"), "{err}");
}
