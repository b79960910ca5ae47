//! cfssl habits certkit keeps: profile members `copy_extensions` and
//! `allowed_extensions`, judged by OpenSSL.

use crate::common::{Dir, certkit, make_ca, openssl};

#[test]
fn copy_extensions_copies_what_is_allowed_and_never_what_the_profile_decides() {
    let d = Dir::new("copy-ext");
    make_ca(&d, "ecdsa", 256);
    openssl(&d, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"]);
    openssl(
        &d,
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-subj",
            "/CN=svc.example",
            "-out",
            "r.csr",
            "-addext",
            "subjectAltName=DNS:svc.example",
            "-addext",
            "1.3.6.1.4.1.55555.1=ASN1:UTF8String:allowed",
            "-addext",
            "1.3.6.1.4.1.55555.2=ASN1:UTF8String:not listed",
            "-addext",
            "basicConstraints=CA:FALSE",
            "-addext",
            "keyUsage=digitalSignature,nonRepudiation",
        ],
    );
    d.write(
        "copy.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"24h",
            "copy_extensions":true,"allowed_extensions":["1.3.6.1.4.1.55555.1"]}}}"#,
    );
    let out = certkit(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "copy.json", "r.csr", "-o", "c"],
        b"",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "did not copy the CSR's extension 1.3.6.1.4.1.55555.2 (copy_extensions): it is not in allowed_extensions"
        ),
        "{err}"
    );
    assert!(
        err.contains("did not copy the CSR's extension 2.5.29.19 (copy_extensions): the profile decides it"),
        "{err}"
    );
    assert!(
        err.contains("did not copy the CSR's extension 2.5.29.15 (copy_extensions): the profile decides it"),
        "{err}"
    );
    let text = openssl(&d, &["x509", "-in", "c.pem", "-noout", "-text"]);
    assert!(text.contains("1.3.6.1.4.1.55555.1:") && text.contains("allowed"), "{text}");
    assert!(!text.contains("55555.2") && !text.contains("Non Repudiation"), "{text}");
    assert_eq!(text.matches("X509v3 Basic Constraints").count(), 1, "{text}");
    let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "ca.pem", "c.pem"]);
    assert!(v.contains("c.pem: OK"), "{v}");

    // Without allowed_extensions every extension the profile does not decide is copied;
    // without copy_extensions none is.
    d.write(
        "all.json",
        r#"{"signing":{"default":{"usages":["digital signature"],"expiry":"24h","copy_extensions":true}}}"#,
    );
    let out = certkit(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "all.json", "r.csr", "-o", "all"],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = openssl(&d, &["x509", "-in", "all.pem", "-noout", "-text"]);
    assert!(text.contains("55555.1") && text.contains("55555.2"), "{text}");
    d.write("none.json", r#"{"signing":{"default":{"usages":["digital signature"],"expiry":"24h"}}}"#);
    let out = certkit(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "none.json", "r.csr", "-o", "none"],
        b"",
    );
    assert!(out.status.success());
    assert!(!openssl(&d, &["x509", "-in", "none.pem", "-noout", "-text"]).contains("55555"));

    // A bad OID is named by its path.
    d.write("bad.json", r#"{"signing":{"default":{"usages":["digital signature"],"copy_extensions":true,"allowed_extensions":["1.3.6.1.4.1.55555.1","one.two"]}}}"#);
    let out = certkit(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "bad.json", "r.csr"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("signing.default.allowed_extensions[1]") && err.contains("`one.two` is not an object identifier"),
        "{err}"
    );
}

#[test]
fn a_subject_file_overrides_the_csrs_subject_as_cfssl_sign_does() {
    let d = Dir::new("subject-override");
    make_ca(&d, "ecdsa", 256);
    let json = crate::common::ok(
        &d,
        &["genkey", "-"],
        br#"{"CN":"old.example","hosts":["old.example"],"names":[{"C":"US","O":"Old Org","OU":"Ops"}]}"#,
    );
    crate::common::split(&d, &json, "r");
    d.write("subject.json", r#"{"CN":"new.example","names":[{"O":"New Org"}],"hosts":["new.example","10.0.0.7"]}"#);
    let out = certkit(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "r.csr", "subject.json"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    crate::common::split(&d, &out.stdout, "s");
    let subject =
        openssl(&d, &["x509", "-in", "s.pem", "-noout", "-subject", "-ext", "subjectAltName", "-nameopt", "RFC2253"]);
    // CN and O from the file; C and OU, which it does not give, from the CSR.
    assert!(subject.contains("subject=CN=new.example,OU=Ops,O=New Org,C=US"), "{subject}");
    assert!(
        subject.contains("DNS:new.example")
            && subject.contains("IP Address:10.0.0.7")
            && !subject.contains("old.example"),
        "{subject}"
    );
    // A subject file with a key section is refused; two CSRs and a subject file too.
    d.write("keyed.json", r#"{"CN":"x","key":{"algo":"rsa","size":2048}}"#);
    let out = certkit(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "r.csr", "keyed.json"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`key` and `ca` have no place in it"));
}

#[test]
fn cfssljson_replaces_as_cfssl_does_but_never_a_different_key() {
    use crate::common::{ok, split};
    let d = Dir::new("cfssljson-rerun");
    make_ca(&d, "ecdsa", 256);
    let ca_pem = d.read("ca.pem");
    let ca_key = d.read("ca-key.pem");
    // A second `gencert -initca | cfssljson -bare ca` is refused: the first key stays, with its certificate.
    let again = ok(&d, &["gencert", "-initca", "-"], br#"{"CN":"Another CA"}"#);
    let out = certkit(&d, &["cfssljson", "-bare", "ca"], &again);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ca-key.pem exists and holds a different key; replacing it would lose that key"), "{err}");
    assert_eq!((d.read("ca.pem"), d.read("ca-key.pem")), (ca_pem.clone(), ca_key.clone()), "nothing written");
    // The same output again is left alone, silently.
    d.write("first.json", serde_json::json!({"cert": ca_pem, "key": ca_key}).to_string());
    let out = certkit(&d, &["cfssljson", "-f", "first.json", "-bare", "ca"], b"");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    // `sign server.csr | cfssljson -bare server`: the CSR is the input, identical; the certificate is new.
    let json = ok(&d, &["genkey", "-"], br#"{"CN":"server.example","hosts":["server.example"]}"#);
    split(&d, &json, "server");
    let signed = ok(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "server.csr"], b"");
    let out = certkit(&d, &["cfssljson", "-bare", "server"], &signed);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = d.read("server.pem");
    // Signing again (the recipe re-run): the certificate is replaced, with a note.
    let signed = ok(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "server.csr"], b"");
    let out = certkit(&d, &["cfssljson", "-bare", "server"], &signed);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "certkit: replaced server.pem\n");
    assert_ne!(d.read("server.pem"), first);
    openssl(&d, &["verify", "-CAfile", "ca.pem", "server.pem"]);
    // --force replaces a key too.
    let out = certkit(&d, &["cfssljson", "-bare", "ca", "--force"], &again);
    assert!(out.status.success());
    assert_ne!(d.read("ca-key.pem"), ca_key);
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(d.path("ca-key.pem")).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
}
