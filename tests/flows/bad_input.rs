//! Hostile and malformed input: a one-line error naming the problem, a
//! non-zero exit, nothing on stdout, no file written. Never a panic.

use crate::common::*;

struct Case {
    name: &'static str,
    args: Vec<String>,
    stdin: Vec<u8>,
    expect: &'static str,
}

fn check(d: &Dir, c: &Case) {
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    let before: Vec<_> = std::fs::read_dir(&d.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = certkit(d, &args, &c.stdin);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}: exit {:?}, stderr {err}", c.name, out.status.code());
    assert!(out.stdout.is_empty(), "{}: printed {}", c.name, String::from_utf8_lossy(&out.stdout));
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("certkit: warning:")).collect();
    assert_eq!(lines.len(), 1, "{}: one line expected: {err}", c.name);
    assert!(lines[0].starts_with("certkit: "), "{}: {err}", c.name);
    assert!(err.contains(c.expect), "{}: expected `{}` in: {err}", c.name, c.expect);
    assert!(!err.contains("panicked"), "{}: {err}", c.name);
    let after: Vec<_> = std::fs::read_dir(&d.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "{}: files changed", c.name);
}

fn sign_args(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem"].iter().map(|s| s.to_string()).collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn hostile_inputs_get_clear_errors() {
    let d = Dir::new("bad");
    make_ca(&d, "ecdsa", 256);
    let good_csr = std::fs::read(fixture("csr-openssl-p256.pem")).unwrap();
    let ca_pem = std::fs::read(d.path("ca.pem")).unwrap();
    let _fx = |n: &str| std::fs::read(fixture(n)).unwrap();
    let der_csr = {
        let text = String::from_utf8(good_csr.clone()).unwrap();
        let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64_decode(&b64)
    };
    let mut flipped = der_csr.clone();
    let n = flipped.len();
    flipped[n / 2] ^= 0x01;
    let mut trailing = der_csr.clone();
    trailing.extend_from_slice(b"\0\0");
    let mut nested = Vec::new();
    for _ in 0..5000 {
        nested.extend_from_slice(&[0x30, 0x80]);
    }
    let huge = vec![b'A'; 10 * 1024 * 1024];
    let other_ca = {
        let d2 = Dir::new("bad-other");
        make_ca(&d2, "ecdsa", 256);
        std::fs::read(d2.path("ca.pem")).unwrap()
    };
    d.write("other-ca.pem", &other_ca);
    d.write("bad-usage.json", r#"{"signing":{"default":{"usages":["server auth","superpowers"],"expiry":"1h"}}}"#);
    d.write("bad-expiry.json", r#"{"signing":{"default":{"usages":["server auth"],"expiry":"forever"}}}"#);
    d.write("not-json.json", "{ signing: ");
    d.write("bad-time.json", r#"{"signing":{"default":{"usages":["server auth"],"expiry":"1h","not_before":"2030-01-02T03:04:05+\u20ac00"}}}"#);
    d.write("leaf-certsign.json", r#"{"signing":{"default":{"usages":["cert sign","server auth"],"expiry":"1h"}}}"#);
    let enc = {
        openssl(
            &d,
            &["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ca-key.pem", "-out", "enc.pem", "-passout", "pass:x"],
        );
        "enc.pem"
    };

    d.write("req.pem", &good_csr);
    d.write("req2.csr", &good_csr);
    let cases = vec![
        Case {
            name: "batch output would replace an input",
            args: sign_args(&["req.pem", "req2.csr"]),
            stdin: vec![],
            expect: "would replace the input",
        },
        Case {
            name: "a missing cfssl SUBJECT file is named",
            args: sign_args(&["req2.csr", "subject.json"]),
            stdin: vec![],
            expect: "cannot read subject.json",
        },
        Case {
            name: "non-ASCII time offset",
            args: sign_args(&["-config", "bad-time.json", "-"]),
            stdin: good_csr.clone(),
            expect: "not an RFC 3339 time",
        },
        Case {
            name: "cert sign on a leaf profile",
            args: sign_args(&["-config", "leaf-certsign.json", "-"]),
            stdin: good_csr.clone(),
            expect: "is_ca",
        },
        Case {
            name: "garbage CSR",
            args: sign_args(&["-"]),
            stdin: b"hello".to_vec(),
            expect: "standard input: it is text without a `-----BEGIN` line",
        },
        Case {
            name: "certificate given as CSR",
            args: sign_args(&["-"]),
            stdin: ca_pem.clone(),
            expect: "not a `CERTIFICATE REQUEST` block",
        },
        Case {
            name: "truncated PEM",
            args: sign_args(&["-"]),
            stdin: good_csr[..good_csr.len() - 30].to_vec(),
            expect: "has no `-----END CERTIFICATE REQUEST-----`",
        },
        Case { name: "bit-flipped DER", args: sign_args(&["-"]), stdin: flipped, expect: "standard input" },
        Case { name: "trailing garbage", args: sign_args(&["-"]), stdin: trailing, expect: "not valid DER" },
        Case { name: "deeply nested indefinite DER", args: sign_args(&["-"]), stdin: nested, expect: "not valid DER" },
        Case { name: "10 MB input", args: sign_args(&["-"]), stdin: huge, expect: "limit" },
        Case {
            name: "MD5 CSR",
            args: sign_args(&[fixture("csr-md5.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "md5WithRSAEncryption is broken",
        },
        Case {
            name: "SHA-1 CSR",
            args: sign_args(&[fixture("csr-ecdsa-sha1.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "ecdsa-with-SHA1",
        },
        Case {
            name: "RSA-1024 CSR",
            args: sign_args(&[fixture("csr-rsa1024.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "1024 bits",
        },
        Case {
            name: "DSA CSR",
            args: sign_args(&[fixture("csr-dsa.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "dsa-with-SHA256",
        },
        Case {
            name: "invalid DNS SAN in CSR",
            args: sign_args(&[fixture("csr-bad-dns-san.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "exa mple.com",
        },
        Case {
            name: "unknown critical extension",
            args: sign_args(&[fixture("csr-unknown-critical.pem").to_str().unwrap()]),
            stdin: vec![],
            expect: "critical extension 1.2.3.4",
        },
        Case {
            name: "unknown usage",
            args: sign_args(&["-config", "bad-usage.json", "-"]),
            stdin: good_csr.clone(),
            expect: "signing.default.usages[1] `superpowers`",
        },
        Case {
            name: "bad expiry",
            args: sign_args(&["-config", "bad-expiry.json", "-"]),
            stdin: good_csr.clone(),
            expect: "signing.default.expiry `forever`",
        },
        Case {
            name: "config not JSON",
            args: sign_args(&["-config", "not-json.json", "-"]),
            stdin: good_csr.clone(),
            expect: "not-json.json is not valid",
        },
        Case {
            name: "unknown profile",
            args: sign_args(&["-profile", "www", "-"]),
            stdin: good_csr.clone(),
            expect: "profile `www` is not in the signing config",
        },
        Case {
            name: "CA cert does not match key",
            args: vec![
                "sign".into(),
                "-ca".into(),
                "other-ca.pem".into(),
                "-ca-key".into(),
                "ca-key.pem".into(),
                "-".into(),
            ],
            stdin: good_csr.clone(),
            expect: "does not match",
        },
        Case {
            name: "encrypted key, no passphrase",
            args: vec!["sign".into(), "-ca".into(), "ca.pem".into(), "-ca-key".into(), enc.into(), "-".into()],
            stdin: good_csr.clone(),
            expect: "is encrypted",
        },
        Case {
            name: "missing CA",
            args: vec!["sign".into(), "-".into()],
            stdin: good_csr.clone(),
            expect: "-ca ca.pem",
        },
        Case {
            name: "bad host",
            args: vec!["genkey".into(), "-".into()],
            stdin: br#"{"CN":"x","hosts":["ok.example","exa mple.com"]}"#.to_vec(),
            expect: "hosts[1] `exa mple.com`",
        },
        Case {
            name: "bad IP-ish host",
            args: vec!["genkey".into(), "-".into()],
            stdin: br#"{"CN":"x","hosts":["10.0.0.256"]}"#.to_vec(),
            expect: "hosts[0]",
        },
        Case {
            name: "unknown key algo",
            args: vec!["genkey".into(), "-".into()],
            stdin: br#"{"CN":"x","key":{"algo":"dsa","size":2048}}"#.to_vec(),
            expect: "key.algo `dsa`",
        },
        Case {
            name: "weak RSA request",
            args: vec!["genkey".into(), "-".into()],
            stdin: br#"{"CN":"x","key":{"algo":"rsa","size":1024}}"#.to_vec(),
            expect: "key.size 1024",
        },
        Case {
            name: "typo in CSR JSON",
            args: vec!["genkey".into(), "-".into()],
            stdin: br#"{"CN":"x","host":["a.example"]}"#.to_vec(),
            expect: "unknown field `host`",
        },
        Case {
            name: "not JSON",
            args: vec!["genkey".into(), "-".into()],
            stdin: b"CN=x".to_vec(),
            expect: "standard input is not valid",
        },
        Case {
            name: "weak key as CA key",
            args: vec![
                "sign".into(),
                "-ca".into(),
                "ca.pem".into(),
                "-ca-key".into(),
                fixture("openssl-rsa1024-pkcs1.pem").to_string_lossy().into_owned(),
                "-".into(),
            ],
            stdin: good_csr.clone(),
            expect: "1024 bits",
        },
        Case {
            name: "cfssljson garbage",
            args: vec!["cfssljson".into(), "-bare".into(), "x".into()],
            stdin: b"nope".to_vec(),
            expect: "not JSON",
        },
    ];
    for c in &cases {
        check(&d, c);
    }
    // A bad CA JSON via -o writes nothing.
    check(
        &d,
        &Case {
            name: "initca with bad expiry",
            args: vec!["gencert".into(), "-initca".into(), "-".into(), "-o".into(), "newca".into()],
            stdin: br#"{"CN":"x","ca":{"expiry":"10 years"}}"#.to_vec(),
            expect: "ca.expiry `10 years`",
        },
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    let table = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut v = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            v |= table(c) << (18 - 6 * i);
        }
        out.push((v >> 16) as u8);
        if chunk.len() > 2 {
            out.push((v >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(v as u8);
        }
    }
    out
}

#[test]
fn cfssljson_writes_each_member_only_where_its_label_belongs() {
    // A private key never lands in a public .pem or .csr file, and a key
    // member must be a PEM private key: each mismatch is one line naming
    // the member, and nothing is written.
    let d = Dir::new("bad-cfssljson");
    make_ca(&d, "ecdsa", 256);
    let cert = d.read("ca.pem");
    let key = d.read("ca-key.pem");
    let csr = String::from_utf8(std::fs::read(fixture("csr-openssl-p256.pem")).unwrap()).unwrap();
    let bare_key: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let key_label = key.lines().next().unwrap().trim_start_matches("-----BEGIN ").trim_end_matches("-----");
    let holds_key = |member: &str| format!("`{member}` holds a `{key_label}` block");
    let json = |pairs: &[(&str, &str)]| {
        let map: serde_json::Map<String, serde_json::Value> =
            pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
        serde_json::to_vec(&map).unwrap()
    };
    let cases = [
        ("key in cert", json(&[("cert", &key)]), holds_key("cert")),
        ("key after cert", json(&[("cert", &format!("{cert}{key}"))]), holds_key("cert")),
        ("key in csr", json(&[("csr", &key)]), holds_key("csr")),
        ("cert in csr", json(&[("csr", &cert)]), "`csr` holds a `CERTIFICATE` block".into()),
        ("cert as key", json(&[("cert", &cert), ("key", &cert)]), "`key` holds a `CERTIFICATE` block".into()),
        ("csr as key", json(&[("key", &csr)]), "`key` holds a `CERTIFICATE REQUEST` block".into()),
        ("bare base64 key", json(&[("key", &bare_key)]), "`key` holds no PEM block".into()),
        ("two keys", json(&[("key", &format!("{key}{key}"))]), "`key` holds 2 PEM blocks".into()),
    ];
    for (name, stdin, expect) in &cases {
        let expect: &'static str = expect.clone().leak();
        let c = Case { name, args: vec!["cfssljson".into(), "-bare".into(), "x".into()], stdin: stdin.clone(), expect };
        check(&d, &c);
        let c = Case { name, args: vec!["cfssljson".into(), "--stdout".into()], stdin: stdin.clone(), expect };
        check(&d, &c);
    }
    // cfssl's API form is checked the same way.
    let api = format!(r#"{{"success":true,"result":{}}}"#, String::from_utf8(json(&[("cert", &key)])).unwrap());
    let c = Case {
        name: "api result",
        args: vec!["cfssljson".into(), "x".into()],
        stdin: api.into_bytes(),
        expect: holds_key("cert").leak(),
    };
    check(&d, &c);
    // What belongs where is written: a chain in cert, each label of key.
    ok(&d, &["cfssljson", "-bare", "good"], &json(&[("cert", &format!("{cert}{cert}")), ("key", &key), ("csr", &csr)]));
    assert_eq!(d.read("good.pem"), format!("{cert}{cert}"));
    assert_eq!(d.read("good-key.pem"), key);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(d.path("good-key.pem")).unwrap().permissions().mode() & 0o777, 0o600);
}
