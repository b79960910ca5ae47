//! Name-constrained CAs (RFC 5280 §4.2.1.10), judged by OpenSSL and
//! pyca/cryptography: an intermediate made by `ca init --intermediate` with
//! the constraint flags and one made through a profile's
//! `name_constraints`, each permitting `example.com`, `10.0.0.0/8` and mail
//! at `example.com` and excluding `bad.example.com`. Leaves inside pass
//! `openssl verify -x509_strict`; leaves outside are refused by certkit on
//! every signing path, naming the name and the constraint — and the same
//! leaves issued by OpenSSL itself fail `openssl verify` with OpenSSL's
//! subtree violation, case by case.

use base64ct::{Base64, Encoding};
use serde_json::Value;

use crate::common::{Dir, certkit, ok, openssl, python, run_in, split};

const FLAGS: [&str; 8] = [
    "--permit-dns",
    "example.com",
    "--exclude-dns",
    "bad.example.com",
    "--permit-ip",
    "10.0.0.0/8",
    "--permit-email",
    "example.com",
];

const CONFIG: &str = r#"{"signing":{"default":{"usages":["digital signature","server auth","client auth"],"expiry":"24h"},
  "profiles":{"tenant":{"usages":["cert sign","crl sign"],"expiry":"48h","ca_constraint":{"is_ca":true},
    "name_constraints":{"permitted_dns":["example.com"],"excluded_dns":["bad.example.com"],
                        "permitted_ip":["10.0.0.0/8"],"permitted_email":["example.com"]}},
    "k8s":{"usages":["digital signature","server auth"],"signer_name":"example.com/serving"}}}}"#;

/// One leaf: its request, and what OpenSSL says of it when issued outside.
struct Case {
    name: &'static str,
    json: &'static str,
    /// For OpenSSL's own issuance: the subjectAltName line, if any.
    san: &'static str,
    /// None: inside. Some((certkit's words, OpenSSL's words)): outside.
    outside: Option<(&'static str, &'static str)>,
}

const CASES: [Case; 9] = [
    Case {
        name: "in-dns",
        json: r#"{"CN":"www.example.com","hosts":["www.example.com","example.com","10.1.2.3"]}"#,
        san: "DNS:www.example.com,DNS:example.com,IP:10.1.2.3",
        outside: None,
    },
    Case {
        name: "in-mail",
        json: r#"{"CN":"Mail User","hosts":["me@example.com","a.b.example.com"]}"#,
        san: "email:me@example.com,DNS:a.b.example.com",
        outside: None,
    },
    Case { name: "in-cn", json: r#"{"CN":"api.example.com"}"#, san: "", outside: None },
    Case {
        name: "out-dns",
        json: r#"{"CN":"w","hosts":["www.example.org"]}"#,
        san: "DNS:www.example.org",
        outside: Some((
            "the DNS SAN `www.example.org` is outside the permitted subtrees (DNS example.com)",
            "permitted subtree violation",
        )),
    },
    Case {
        name: "excluded-dns",
        json: r#"{"CN":"w","hosts":["x.bad.example.com"]}"#,
        san: "DNS:x.bad.example.com",
        outside: Some((
            "the DNS SAN `x.bad.example.com` lies in the excluded subtree DNS bad.example.com",
            "excluded subtree violation",
        )),
    },
    Case {
        name: "out-ip",
        json: r#"{"CN":"w","hosts":["www.example.com","192.168.1.1"]}"#,
        san: "DNS:www.example.com,IP:192.168.1.1",
        outside: Some((
            "the IP SAN `192.168.1.1` is outside the permitted subtrees (IP 10.0.0.0/8)",
            "permitted subtree violation",
        )),
    },
    Case {
        name: "out-v6",
        json: r#"{"CN":"w","hosts":["www.example.com","2001:db8::1"]}"#,
        san: "DNS:www.example.com,IP:2001:db8::1",
        outside: Some((
            "the IP SAN `2001:db8::1` is outside the permitted subtrees (IP 10.0.0.0/8)",
            "permitted subtree violation",
        )),
    },
    Case {
        name: "out-mail",
        json: r#"{"CN":"w","hosts":["me@example.org"]}"#,
        san: "email:me@example.org",
        outside: Some((
            "the email SAN `me@example.org` is outside the permitted subtrees (email example.com)",
            "permitted subtree violation",
        )),
    },
    Case {
        name: "out-cn",
        json: r#"{"CN":"api.example.net"}"#,
        san: "",
        outside: Some((
            "the CN `api.example.net` is outside the permitted subtrees (DNS example.com)",
            "permitted subtree violation",
        )),
    },
];

/// A root CA directory, a constrained intermediate directory below it (the
/// flags), and a constrained intermediate made through the profile as a
/// `-ca` file (`prof.pem`, `prof-key.pem`).
fn hierarchy(d: &Dir) {
    d.write("config.json", CONFIG);
    ok(d, &["ca", "init", "--no-encrypt", "--config", "config.json", "root", "-"], br#"{"CN":"NC Root"}"#);
    let mut args = vec!["ca", "init", "--no-encrypt", "--intermediate", "--parent", "root", "--config", "config.json"];
    args.extend_from_slice(&FLAGS);
    args.extend_from_slice(&["int", "-"]);
    ok(d, &args, br#"{"CN":"Tenant CA","names":[{"O":"certkit tests"}]}"#);
    openssl(d, &["x509", "-in", "root/ca.pem", "-out", "root.pem"]);
    openssl(d, &["x509", "-in", "int/ca.pem", "-out", "int.pem"]);
    split(d, &ok(d, &["genkey", "-"], br#"{"CN":"Profile Tenant CA"}"#), "prof-req");
    let out = ok(d, &["sign", "--ca-dir", "root", "-profile", "tenant", "prof-req.csr"], b"");
    let v: Value = serde_json::from_slice(&out).unwrap();
    d.write("prof.pem", format!("{}{}", v["cert"].as_str().unwrap(), d.read("root.pem")));
    std::fs::copy(d.path("prof-req-key.pem"), d.path("prof-key.pem")).unwrap();
}

#[test]
fn the_extension_is_critical_and_openssl_reads_every_subtree() {
    let d = Dir::new("nc-ext");
    hierarchy(&d);
    for file in ["int.pem", "prof.pem"] {
        let text = openssl(&d, &["x509", "-in", file, "-noout", "-ext", "nameConstraints"]);
        assert!(text.contains("X509v3 Name Constraints: critical"), "{file}: {text}");
        for want in [
            "Permitted:",
            "DNS:example.com",
            "IP:10.0.0.0/255.0.0.0",
            "email:example.com",
            "Excluded:",
            "DNS:bad.example.com",
        ] {
            assert!(text.contains(want), "{file}: no {want} in {text}");
        }
    }
    // minimum (DEFAULT 0) is left out, as DER requires: each subtree is
    // a SEQUENCE holding its name alone ([2] example.com, 13 octets).
    for file in ["int.pem", "prof.pem"] {
        let b64: String = d
            .read(file)
            .lines()
            .take_while(|l| !l.starts_with("-----END"))
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = Base64::decode_vec(&b64).unwrap();
        let want = [&[0x30u8, 0x0d, 0x82, 0x0b][..], b"example.com"].concat();
        assert!(der.windows(want.len()).any(|w| w == want), "{file}: no bare GeneralSubtree for example.com");
    }
}

#[test]
fn inside_names_verify_outside_names_are_refused_as_openssl_refuses_them() {
    let d = Dir::new("nc-judge");
    hierarchy(&d);
    for case in &CASES {
        split(&d, &ok(&d, &["genkey", "-"], case.json.as_bytes()), case.name);
    }
    // An IPv6 address lies in no IPv4 range: with only IPv4 ranges
    // permitted, it is refused (and OpenSSL refuses it).
    for (issuer, args) in [
        ("int", &["sign", "--ca-dir", "int"][..]),
        ("prof", &["sign", "-ca", "prof.pem", "-ca-key", "prof-key.pem", "-config", "config.json"][..]),
    ] {
        let untrusted = if issuer == "int" { "int.pem" } else { "prof.pem" };
        for case in &CASES {
            let csr = format!("{}.csr", case.name);
            let out_name = format!("{issuer}-{}", case.name);
            let mut a = args.to_vec();
            a.extend_from_slice(&[&csr, "-o", &out_name]);
            let out = certkit(&d, &a, b"");
            let err = String::from_utf8_lossy(&out.stderr);
            match case.outside {
                None => {
                    assert!(out.status.success(), "{issuer} {}: {err}", case.name);
                    let leaf = format!("{out_name}.pem");
                    let v =
                        openssl(&d, &["verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", untrusted, &leaf]);
                    assert!(v.contains(": OK"), "{issuer} {}: {v}", case.name);
                }
                Some((says, _)) => {
                    assert_eq!(out.status.code(), Some(1), "{issuer} {}: {err}", case.name);
                    assert!(err.contains(says), "{issuer} {}: {err}", case.name);
                    let carrier = if issuer == "int" { "CN=Tenant CA,O=certkit tests" } else { "CN=Profile Tenant CA" };
                    assert!(err.contains(&format!("of the CA certificate `{carrier}`")), "{err}");
                    assert!(!d.path(&format!("{out_name}.pem")).exists());
                }
            }
        }
    }
    // OpenSSL's judgement of the same names, issued by OpenSSL itself.
    for case in &CASES {
        let mut ext = String::from(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n",
        );
        if !case.san.is_empty() {
            ext.push_str(&format!("subjectAltName={}\n", case.san));
        }
        d.write(&format!("{}.ext", case.name), ext);
        let cert = format!("ossl-{}.pem", case.name);
        issue_by_openssl(&d, &format!("{}.csr", case.name), &format!("{}.ext", case.name), &cert);
        let out = run_in(
            &d,
            "openssl",
            &["verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "int.pem", &cert],
            b"",
        );
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        match case.outside {
            None => assert!(out.status.success(), "OpenSSL refuses {} which certkit signs: {text}", case.name),
            Some((_, openssl_says)) => {
                assert!(!out.status.success() && text.contains(openssl_says), "{}: {text}", case.name)
            }
        }
    }
}

#[test]
fn every_signing_path_refuses_a_name_outside() {
    let d = Dir::new("nc-paths");
    hierarchy(&d);
    split(&d, &ok(&d, &["genkey", "-"], br#"{"CN":"w","hosts":["www.example.org"]}"#), "out");
    split(&d, &ok(&d, &["genkey", "-"], br#"{"CN":"w","hosts":["www.example.com"]}"#), "in");
    let says = "the DNS SAN `www.example.org` is outside the permitted subtrees (DNS example.com)";
    let refused = |args: &[&str], stdin: &[u8]| {
        let out = certkit(&d, args, stdin);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success() && err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    };
    // The CLI's whole error line, exit status 1.
    let out = certkit(&d, &["sign", "--ca-dir", "int", "out.csr"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "certkit: out.csr: the DNS SAN `www.example.org` is outside the permitted subtrees (DNS example.com) of the name constraints of the CA certificate `CN=Tenant CA,O=certkit tests`; request a name inside them\n"
    );
    // sign -ca with the directory's ca.pem (the intermediate and the root).
    refused(&["sign", "-ca", "int/ca.pem", "-ca-key", "int/ca-key.pem", "out.csr"], b"");
    // gencert -ca: a new key and a certificate.
    refused(
        &["gencert", "-ca", "int/ca.pem", "-ca-key", "int/ca-key.pem", "-"],
        br#"{"CN":"w","hosts":["www.example.org"]}"#,
    );
    // -hostname replaces the SANs: the replacement is what is checked.
    refused(&["sign", "--ca-dir", "int", "-hostname", "www.example.org", "in.csr"], b"");
    ok(&d, &["sign", "--ca-dir", "int", "-hostname", "www.example.com", "out.csr"], b"");
    // A CA below the constrained one, without constraints of its own: its
    // file holds the chain, and the constraints above bind it.
    ok(&d, &["ca", "init", "--no-encrypt", "--intermediate", "--parent", "int", "sub", "-"], br#"{"CN":"Sub CA"}"#);
    refused(&["sign", "--ca-dir", "sub", "out.csr"], b"");
    let leaf = ok(&d, &["sign", "--ca-dir", "sub", "in.csr", "-o", "sub-leaf"], b"");
    assert!(leaf.is_empty());
    openssl(&d, &["x509", "-in", "sub/ca.pem", "-out", "sub.pem"]);
    let chain = format!("{}{}", d.read("sub.pem"), d.read("int.pem"));
    d.write("chain.pem", chain);
    let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "chain.pem", "sub-leaf.pem"]);
    assert!(v.contains(": OK"), "{v}");
    // renew goes the same way: an inside certificate renews.
    ok(&d, &["sign", "--ca-dir", "int", "in.csr", "-o", "in-leaf"], b"");
    ok(&d, &["renew", "--ca-dir", "int", "in-leaf.pem", "-o", "renewed"], b"");

    // k8s sign: the object is reported refused, the other one signed.
    let object = |name: &str, csr: &str| {
        serde_json::json!({
            "apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
            "metadata": { "name": name },
            "spec": { "request": Base64::encode_string(d.read(csr).as_bytes()), "signerName": "example.com/serving",
                      "usages": ["digital signature", "server auth"] },
            "status": { "conditions": [{ "type": "Approved", "status": "True" }] },
        })
    };
    let list = serde_json::json!({ "apiVersion": "v1", "kind": "List",
        "items": [object("outside", "out.csr"), object("inside", "in.csr")] });
    let out = certkit(&d, &["k8s", "sign", "--ca-dir", "int", "-"], list.to_string().as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("outside: not signed") && err.contains(says), "{err}");
    let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(signed["items"].as_array().unwrap().len(), 1);
}

#[test]
fn flags_go_through_the_core_s_checks() {
    let d = Dir::new("nc-flags");
    ok(&d, &["ca", "init", "--no-encrypt", "root", "-"], br#"{"CN":"NC Root"}"#);
    for (flags, says) in [
        (&["--permit-dns", ".example.com"][..], "permitted_dns[0]: `.example.com` uses the leading-dot form"),
        (
            &["--permit-ip", "10.0.0.0/8", "--permit-ip", "10.0.0.1/8"][..],
            "permitted_ip[1]: `10.0.0.1/8` has host bits set",
        ),
        (&["--exclude-dns", "*.example.com"][..], "holds a wildcard"),
    ] {
        let mut args = vec!["ca", "init", "--no-encrypt", "--intermediate", "--parent", "root"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["int", "-"]);
        let out = certkit(&d, &args, br#"{"CN":"Tenant CA"}"#);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains(says), "{flags:?}: {err}");
        assert!(!d.path("int").exists());
    }
    // A leaf profile with name constraints is refused where the config is read.
    d.write(
        "leaf.json",
        r#"{"signing":{"profiles":{"www":{"usages":["server auth"],"name_constraints":{"permitted_dns":["example.com"]}}}}}"#,
    );
    let out = certkit(&d, &["ca", "init", "--no-encrypt", "--config", "leaf.json", "other", "-"], br#"{"CN":"X"}"#);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("signing.profiles.www.name_constraints: name constraints limit what a CA signs"), "{err}");
}

const PYCA_VERIFY: &str = r#"
import sys
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509 import DNSName
load = lambda f: x509.load_pem_x509_certificates(open(f, "rb").read())
root, = load("root.pem")
inter = load(sys.argv[2])
leaf = load(sys.argv[1])[0]
verifier = PolicyBuilder().store(Store([root])).build_server_verifier(DNSName(sys.argv[3]))
try:
    chain = verifier.verify(leaf, inter)
    print("ok", len(chain))
except Exception as e:
    print("refused", e)
"#;

#[test]
fn pyca_accepts_certkit_s_encoding_and_refuses_what_is_outside() {
    let Some(python) = python() else { return };
    let d = Dir::new("nc-pyca");
    hierarchy(&d);
    d.write("verify.py", PYCA_VERIFY);
    split(&d, &ok(&d, &["genkey", "-"], br#"{"CN":"www.example.com","hosts":["www.example.com"]}"#), "in");
    for (issuer, chain) in [("int", "int.pem"), ("prof", "prof.pem")] {
        let args: Vec<&str> = if issuer == "int" {
            vec!["sign", "--ca-dir", "int", "in.csr", "-o", "leaf-int"]
        } else {
            vec![
                "sign",
                "-ca",
                "prof.pem",
                "-ca-key",
                "prof-key.pem",
                "-config",
                "config.json",
                "in.csr",
                "-o",
                "leaf-prof",
            ]
        };
        ok(&d, &args, b"");
        let leaf = format!("leaf-{issuer}.pem");
        let out = run_in(&d, &python, &["verify.py", &leaf, chain, "www.example.com"], b"");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(text.starts_with("ok 3"), "pyca on {leaf}: {text}");
    }
    // pyca's judgement of a name outside, issued by OpenSSL: refused.
    split(&d, &ok(&d, &["genkey", "-"], br#"{"CN":"w","hosts":["www.example.org"]}"#), "out");
    d.write(
        "out.ext",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nsubjectAltName=DNS:www.example.org\n",
    );
    issue_by_openssl(&d, "out.csr", "out.ext", "ossl-out.pem");
    let out = run_in(&d, &python, &["verify.py", "ossl-out.pem", "int.pem", "www.example.org"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("refused") && text.contains("constraint"), "{text}");
}

#[test]
fn a_ca_whose_constraints_name_directories_signs_nothing() {
    // certkit does not evaluate directoryName subtrees, so it refuses to
    // sign below one rather than let a subject through that it may forbid.
    let d = Dir::new("nc-dirname");
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "root-key.pem",
            "-out",
            "root.pem",
            "-subj",
            "/CN=DN Root",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "int-key.pem",
            "-out",
            "int.csr",
            "-subj",
            "/CN=DN CA",
        ],
    );
    d.write(
        "int.ext",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nnameConstraints=critical,permitted;DNS:example.com,permitted;dirName:dn\n[dn]\nO=certkit\n",
    );
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root-key.pem",
            "-days",
            "20",
            "-extfile",
            "int.ext",
            "-out",
            "int.pem",
        ],
    );
    split(&d, &ok(&d, &["genkey", "-"], br#"{"CN":"w","hosts":["www.example.com"]}"#), "leaf");
    let out = certkit(&d, &["sign", "-ca", "int.pem", "-ca-key", "int-key.pem", "leaf.csr"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the CA certificate `CN=DN CA` carries a directoryName subtree in its name constraints, which certkit does not evaluate"),
        "{err}"
    );
}

/// The intermediate's key signs `csr` with OpenSSL, extensions from `ext`:
/// a certificate certkit would refuse to issue, for the judges to see.
fn issue_by_openssl(d: &Dir, csr: &str, ext: &str, out: &str) {
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            "int.pem",
            "-CAkey",
            "int/ca-key.pem",
            "-days",
            "1",
            "-extfile",
            ext,
            "-out",
            out,
        ],
    );
}
