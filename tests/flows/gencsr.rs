//! `certkit gencsr`: a CSR for a key that already exists, for keys OpenSSL
//! made. OpenSSL judges: `openssl req -verify` passes and the CSR's public
//! key is `openssl pkey -pubout`'s of the key file.

use crate::common::{Dir, certkit, ok, openssl, run_in};

const REQUEST: &str = r#"{"CN":"web.example.com","hosts":["web.example.com","10.0.0.7","ops@example.com"],"names":[{"O":"Example","C":"DE"}]}"#;

/// The CSR in `csr_file` verifies and carries the public key of `key_file`.
fn csr_is_for(dir: &Dir, csr_file: &str, key_file: &str) {
    let v = openssl(dir, &["req", "-in", csr_file, "-verify", "-noout"]);
    assert!(v.contains("verify OK"), "{v}");
    let from_csr = openssl(dir, &["req", "-in", csr_file, "-noout", "-pubkey"]);
    let from_key = openssl(dir, &["pkey", "-in", key_file, "-pubout", "-passin", "file:pass"]);
    assert_eq!(from_csr, from_key, "{csr_file} is not for {key_file}");
}

fn subject_and_sans(dir: &Dir, file: &str, kind: &str) -> (String, String) {
    let subject = openssl(dir, &[kind, "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]);
    let text = openssl(dir, &[kind, "-in", file, "-noout", "-text"]);
    let sans = text
        .lines()
        .skip_while(|l| !l.contains("Subject Alternative Name"))
        .nth(1)
        .unwrap_or_else(|| panic!("{file} has no SANs:\n{text}"))
        .trim()
        .to_string();
    (subject.trim().trim_start_matches("subject=").to_string(), sans)
}

#[test]
fn every_key_type_openssl_makes_gets_a_csr_that_openssl_verifies() {
    let dir = Dir::new("gencsr-keys");
    dir.write("csr.json", REQUEST);
    dir.write("pass", "correct horse\n");
    let genpkey = |out: &str, args: &[&str]| {
        let mut a = vec!["genpkey", "-out", out];
        a.extend_from_slice(args);
        openssl(&dir, &a);
    };
    genpkey("p256.pem", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    genpkey("p384.pem", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    genpkey("ed25519.pem", &["-algorithm", "ed25519"]);
    genpkey("rsa.pem", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]);
    // An encrypted PKCS#8 key, a SEC1 one and a PKCS#1 one.
    genpkey(
        "enc.pem",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "file:pass"],
    );
    openssl(&dir, &["ec", "-in", "p384.pem", "-out", "sec1.pem"]);
    openssl(&dir, &["rsa", "-in", "rsa.pem", "-traditional", "-out", "pkcs1.pem"]);
    assert!(dir.read("sec1.pem").starts_with("-----BEGIN EC PRIVATE KEY"));
    assert!(dir.read("pkcs1.pem").starts_with("-----BEGIN RSA PRIVATE KEY"));

    for key in ["p256", "p384", "ed25519", "rsa", "sec1", "pkcs1", "enc"] {
        let key_file = format!("{key}.pem");
        // cfssl's single-dash flags, and its output piped through cfssljson -bare.
        let mut args = vec!["gencsr", "-key", key_file.as_str(), "csr.json"];
        if key == "enc" {
            args.extend_from_slice(&["-key-passphrase-file", "pass"]);
        }
        let json = ok(&dir, &args, b"");
        let printed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let fields: Vec<&String> = printed.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["csr"], "gencsr prints the CSR only");
        ok(&dir, &["cfssljson", "-bare", key], &json);
        assert!(!dir.path(&format!("{key}-key.pem")).exists(), "no key file is written");
        csr_is_for(&dir, &format!("{key}.csr"), &key_file);
        let (subject, sans) = subject_and_sans(&dir, &format!("{key}.csr"), "req");
        assert_eq!(subject, "CN=web.example.com,O=Example,C=DE");
        assert_eq!(sans, "DNS:web.example.com, IP Address:10.0.0.7, email:ops@example.com");
    }

    // -o writes NAME.csr only, and not over an existing file.
    ok(&dir, &["gencsr", "--key", "p256.pem", "csr.json", "-o", "web"], b"");
    csr_is_for(&dir, "web.csr", "p256.pem");
    let again = certkit(&dir, &["gencsr", "--key", "p256.pem", "csr.json", "-o", "web"], b"");
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn cert_reproduces_the_certificates_subject_and_sans() {
    let dir = Dir::new("gencsr-cert");
    dir.write("pass", "unused\n");
    crate::common::make_ca(&dir, "ecdsa", 256);
    let json = ok(
        &dir,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"api.example.com","hosts":["api.example.com","192.0.2.1","https://api.example.com/id"],"names":[{"O":"Example","OU":"Ops","L":"Berlin","C":"DE"}],"serialnumber":"42"}"#,
    );
    ok(&dir, &["cfssljson", "-bare", "api"], &json);
    // Renewal with the same key.
    let json = ok(&dir, &["gencsr", "-key", "api-key.pem", "-cert", "api.pem"], b"");
    ok(&dir, &["cfssljson", "-bare", "renewal"], &json);
    csr_is_for(&dir, "renewal.csr", "api-key.pem");
    assert_eq!(subject_and_sans(&dir, "renewal.csr", "req"), subject_and_sans(&dir, "api.pem", "x509"));
    // A CA certificate: the CSR asks for cA again, with its path length.
    ok(&dir, &["gencsr", "-key", "ca-key.pem", "-cert", "ca.pem", "-o", "ca-again"], b"");
    csr_is_for(&dir, "ca-again.csr", "ca-key.pem");
    let text = openssl(&dir, &["req", "-in", "ca-again.csr", "-noout", "-text"]);
    assert!(text.contains("CA:TRUE"), "{text}");
    // cfssl refuses CSRJSON beside -cert.
    dir.write("csr.json", REQUEST);
    let both = certkit(&dir, &["gencsr", "-key", "api-key.pem", "-cert", "api.pem", "csr.json"], b"");
    assert_eq!(both.status.code(), Some(2), "{}", String::from_utf8_lossy(&both.stderr));
}

#[test]
fn bad_input_is_one_clear_line_and_nothing_is_written() {
    let dir = Dir::new("gencsr-bad");
    dir.write("csr.json", REQUEST);
    dir.write("pass", "correct horse\n");
    dir.write("wrong", "wrong horse\n");
    openssl(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p256.pem"]);
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-aes-256-cbc",
            "-pass",
            "file:pass",
            "-out",
            "enc.pem",
        ],
    );
    openssl(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "p521.pem"]);
    openssl(&dir, &["genpkey", "-algorithm", "ed448", "-out", "ed448.pem"]);
    let cases: &[(&[&str], &str)] = &[
        (&["gencsr", "-key", "missing.pem", "csr.json", "-o", "x"], "missing.pem"),
        (&["gencsr", "-key", "csr.json", "csr.json", "-o", "x"], "neither PEM nor DER"),
        (&["gencsr", "-key", "enc.pem", "-key-passphrase-file", "wrong", "csr.json", "-o", "x"], "passphrase"),
        (&["gencsr", "-key", "enc.pem", "csr.json", "-o", "x"], "--key-passphrase-file"),
        (&["gencsr", "-key", "p521.pem", "csr.json", "-o", "x"], "unsupported key"),
        (&["gencsr", "-key", "ed448.pem", "csr.json", "-o", "x"], "unsupported key"),
        (&["gencsr", "-key", "p256.pem", "missing.json", "-o", "x"], "missing.json"),
    ];
    for (args, named) in cases {
        let out = run_in(&dir, env!("CARGO_BIN_EXE_certkit"), args, b"");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("certkit: ") && err.contains(named), "{args:?}: `{named}` not in {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!dir.path("x.csr").exists(), "{args:?} wrote x.csr");
    }
    // A request whose `key` names another type is refused by the field.
    let out = certkit(&dir, &["gencsr", "-key", "p256.pem", "-"], br#"{"CN":"x","key":{"algo":"rsa","size":2048}}"#);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("key: asks for an RSA 2048 key, but the key given is ECDSA P-256"), "{err}");
    // No argument and no -cert is a usage error.
    assert_eq!(certkit(&dir, &["gencsr", "-key", "p256.pem"], b"").status.code(), Some(2));
}
