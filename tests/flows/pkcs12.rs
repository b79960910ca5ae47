//! `certkit pkcs12`, judged by its peers: OpenSSL reads what certkit
//! writes (default and --legacy) and gives back the same certificate and
//! key; certkit reads what `openssl pkcs12 -export` writes; pyca's
//! `load_key_and_certificates` and Java's keytool read certkit's files.

use crate::common::*;

/// A CA and a leaf signed by it, with a key of `algo`/`size`: ca.pem, leaf.pem, leaf-key.pem.
fn ca_and_leaf(d: &Dir, algo: &str, size: u32) {
    make_ca(d, "ecdsa", 256);
    let json = format!(r#"{{"CN":"web.example","hosts":["web.example"],"key":{{"algo":"{algo}","size":{size}}}}}"#);
    let out = ok(d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], json.as_bytes());
    split(d, &out, "leaf");
    d.write("pw", "correct horse\n");
}

/// The SHA-256 fingerprint of a certificate, as OpenSSL prints it.
fn fingerprint(d: &Dir, cert: &str) -> String {
    openssl(d, &["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
}

/// The public key of a private key, as OpenSSL derives it (PEM).
fn public_of(d: &Dir, key: &str) -> String {
    openssl(d, &["pkey", "-in", key, "-pubout"])
}

fn make(d: &Dir, out: &str, extra: &[&str]) {
    let mut args =
        vec!["pkcs12", "--cert", "leaf.pem", "--key", "leaf-key.pem", "--ca", "ca.pem", "--passphrase-file", "pw"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-o", out]);
    ok(d, &args, b"");
}

#[test]
fn openssl_reads_certkit_files_default_and_legacy_for_every_key_type() {
    for (algo, size) in [("ecdsa", 256), ("ecdsa", 384), ("rsa", 2048), ("ed25519", 0)] {
        let d = Dir::new(&format!("p12-openssl-{algo}{size}"));
        ca_and_leaf(&d, algo, size);
        for (name, extra, legacy) in [("default", &[][..], &[][..]), ("old", &["--legacy"][..], &["-legacy"][..])] {
            make(&d, name, extra);
            let file = format!("{name}.p12");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(d.path(&file)).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{file} holds a key");
            }
            let mut info = vec!["pkcs12", "-in", &file, "-passin", "file:pw", "-info", "-noout"];
            info.extend_from_slice(legacy);
            let text = openssl(&d, &info);
            let expect = if legacy.is_empty() { "AES-256-CBC" } else { "TripleDES" };
            assert!(text.contains(expect) && text.contains("Shrouded Keybag"), "{algo}{size} {name}: {text}");
            // What OpenSSL takes out is what went in.
            let out = |what: &[&str], to: &str| {
                let mut args = vec!["pkcs12", "-in", &file, "-passin", "file:pw", "-out", to];
                args.extend_from_slice(what);
                args.extend_from_slice(legacy);
                openssl(&d, &args);
            };
            out(&["-clcerts", "-nokeys"], "o-cert.pem");
            out(&["-cacerts", "-nokeys"], "o-chain.pem");
            out(&["-nocerts", "-noenc"], "o-key.pem");
            assert_eq!(fingerprint(&d, "o-cert.pem"), fingerprint(&d, "leaf.pem"), "{algo}{size} {name}");
            assert_eq!(fingerprint(&d, "o-chain.pem"), fingerprint(&d, "ca.pem"), "{algo}{size} {name}");
            assert_eq!(public_of(&d, "o-key.pem"), public_of(&d, "leaf-key.pem"), "{algo}{size} {name}");
        }
    }
}

#[test]
fn openssl_exports_are_extracted_default_and_legacy() {
    let d = Dir::new("p12-extract");
    ca_and_leaf(&d, "rsa", 2048);
    for (name, legacy) in [("default", &[][..]), ("old", &["-legacy"][..])] {
        let file = format!("{name}.p12");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "leaf.pem",
            "-inkey",
            "leaf-key.pem",
            "-certfile",
            "ca.pem",
            "-passout",
            "file:pw",
            "-out",
            &file,
        ];
        args.extend_from_slice(legacy);
        openssl(&d, &args);
        let base = format!("x-{name}");
        ok(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", &file, "-o", &base], b"");
        assert_eq!(fingerprint(&d, &format!("{base}.pem")), fingerprint(&d, "leaf.pem"), "{name}");
        assert_eq!(fingerprint(&d, &format!("{base}-chain.pem")), fingerprint(&d, "ca.pem"), "{name}");
        assert_eq!(public_of(&d, &format!("{base}-key.pem")), public_of(&d, "leaf-key.pem"), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.path(&format!("{base}-key.pem"))).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // Printed as cfssl's JSON, which cfssljson splits.
        let json = ok(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", &file], b"");
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert!(v["cert"].as_str().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(v["key"].as_str().unwrap().starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(v["chain"].as_str().unwrap(), d.read("ca.pem"));
        split(&d, &json, &format!("j-{name}"));
        assert_eq!(fingerprint(&d, &format!("j-{name}.pem")), fingerprint(&d, "leaf.pem"));
    }
}

const PYCA: &str = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
from cryptography import x509
data = open(sys.argv[1], "rb").read()
pw = open("pw", "rb").read().splitlines()[0]
key, cert, extra = pkcs12.load_key_and_certificates(data, pw)
leaf = x509.load_pem_x509_certificate(open("leaf.pem", "rb").read())
ca = x509.load_pem_x509_certificate(open("ca.pem", "rb").read())
assert cert == leaf, "certificate differs"
assert [c for c in extra] == [ca], "chain differs"
pub = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
assert pub(key.public_key()) == pub(leaf.public_key()), "key differs"
full = pkcs12.load_pkcs12(data, pw)
print("ok", full.key is not None, full.cert.friendly_name)
"#;

#[test]
fn pyca_reads_certkit_files() {
    let Some(python) = python() else { return };
    for (algo, size) in [("ecdsa", 256), ("rsa", 2048), ("ed25519", 0)] {
        let d = Dir::new(&format!("p12-pyca-{algo}"));
        ca_and_leaf(&d, algo, size);
        d.write("check.py", PYCA);
        make(&d, "default", &["--name", "web"]);
        make(&d, "old", &["--legacy", "--name", "web"]);
        for file in ["default.p12", "old.p12"] {
            let out = run_in(&d, &python, &["check.py", file], b"");
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success() && text.contains("ok True b'web'"), "{algo} {file}: {text}");
        }
    }
}

/// Java's keytool: CERTKIT_KEYTOOL, else `keytool` on the PATH.
pub(crate) fn keytool() -> Option<String> {
    let k = std::env::var("CERTKIT_KEYTOOL").unwrap_or_else(|_| "keytool".into());
    if std::process::Command::new(&k).arg("-help").output().is_ok() {
        return Some(k);
    }
    assert!(std::env::var("CI").is_err(), "CI must have Java's keytool (scripts/test.sh installs it)");
    eprintln!("keytool not installed (run scripts/test.sh); its check skipped");
    None
}

#[test]
fn java_keytool_reads_certkit_files() {
    let Some(keytool) = keytool() else { return };
    let d = Dir::new("p12-keytool");
    ca_and_leaf(&d, "ecdsa", 256);
    make(&d, "default", &["--name", "web"]);
    make(&d, "old", &["--legacy", "--name", "web"]);
    let leaf = fingerprint(&d, "leaf.pem");
    let leaf = leaf.trim().rsplit('=').next().unwrap();
    for file in ["default.p12", "old.p12"] {
        let out = run_in(
            &d,
            &keytool,
            &["-list", "-v", "-storetype", "PKCS12", "-keystore", file, "-storepass", "correct horse"],
            b"",
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{file}: {text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("Alias name: web") && text.contains("PrivateKeyEntry"), "{file}: {text}");
        assert!(text.contains("Certificate chain length: 2") && text.contains(leaf), "{file}: {text}");
    }
}

#[test]
fn an_encrypted_key_and_an_empty_passphrase() {
    let d = Dir::new("p12-encrypted-key");
    ca_and_leaf(&d, "ecdsa", 256);
    d.write("keypw", "key secret\n");
    openssl(
        &d,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "leaf-key.pem",
            "-passout",
            "pass:key secret",
            "-out",
            "enc-key.pem",
        ],
    );
    let base = ["pkcs12", "--cert", "leaf.pem", "--key", "enc-key.pem", "--passphrase-file", "pw"];
    // Without its passphrase the encrypted key is refused, naming the option.
    let out = certkit(&d, &[&base[..], &["-o", "a"]].concat(), b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("--key-passphrase-file"), "{err}");
    ok(&d, &[&base[..], &["--key-passphrase-file", "keypw", "-o", "a"]].concat(), b"");
    openssl(&d, &["pkcs12", "-in", "a.p12", "-passin", "file:pw", "-nocerts", "-noenc", "-out", "a-key.pem"]);
    assert_eq!(public_of(&d, "a-key.pem"), public_of(&d, "leaf-key.pem"));
    // --no-passphrase: warned, and OpenSSL opens it with an empty password.
    let out =
        certkit(&d, &["pkcs12", "--cert", "leaf.pem", "--key", "leaf-key.pem", "--no-passphrase", "-o", "open"], b"");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: the .p12 is protected by an empty passphrase"));
    openssl(&d, &["pkcs12", "-in", "open.p12", "-passin", "pass:", "-info", "-noout"]);
    d.write("empty", "\n");
    ok(&d, &["pkcs12", "--extract", "--passphrase-file", "empty", "open.p12", "-o", "back"], b"");
    assert_eq!(fingerprint(&d, "back.pem"), fingerprint(&d, "leaf.pem"));
}

#[test]
fn java_keytool_files_are_extracted() {
    let Some(keytool) = keytool() else { return };
    let d = Dir::new("p12-from-java");
    d.write("pw", "changeit\n");
    for (alias, alg) in
        [("ec", &["-keyalg", "EC", "-groupname", "secp256r1"][..]), ("rsa", &["-keyalg", "RSA", "-keysize", "2048"])]
    {
        let store = format!("{alias}.p12");
        let mut args = vec!["-genkeypair", "-alias", alias, "-dname", "CN=java.example", "-validity", "10"];
        args.extend_from_slice(alg);
        args.extend_from_slice(&["-storetype", "PKCS12", "-keystore", &store, "-storepass", "changeit"]);
        let out = run_in(&d, &keytool, &args, b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let cert = format!("{alias}-java.pem");
        let out = run_in(
            &d,
            &keytool,
            &["-exportcert", "-rfc", "-alias", alias, "-keystore", &store, "-storepass", "changeit", "-file", &cert],
            b"",
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        ok(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", &store, "-o", alias], b"");
        assert_eq!(fingerprint(&d, &format!("{alias}.pem")), fingerprint(&d, &cert), "{alias}");
        let from_key = public_of(&d, &format!("{alias}-key.pem"));
        let from_cert = openssl(&d, &["x509", "-in", &cert, "-noout", "-pubkey"]);
        assert_eq!(from_key, from_cert, "{alias}");
    }
}

/// Runs certkit, insists it failed with one `certkit:` line that contains
/// `says`, and that nothing was written beside the inputs.
fn refused(d: &Dir, args: &[&str], says: &str) {
    let before: Vec<_> = std::fs::read_dir(&d.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = certkit(d, args, b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(out.stdout.is_empty(), "{args:?} printed {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(err.lines().filter(|l| l.starts_with("certkit: ") && !l.contains("warning")).count(), 1, "{err}");
    assert!(err.contains(says), "{args:?}: {err}");
    let after: Vec<_> = std::fs::read_dir(&d.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before.len(), after.len(), "{args:?} left files: {after:?}");
}

#[test]
fn bad_input_is_one_line_and_no_output() {
    let d = Dir::new("p12-bad");
    ca_and_leaf(&d, "ecdsa", 256);
    let other = ok(&d, &["genkey", "-"], br#"{"CN":"other"}"#);
    split(&d, &other, "other");
    d.write("empty", "\n");
    let create = |extra: &[&str]| {
        let mut a: Vec<String> = ["pkcs12", "--cert", "leaf.pem", "--passphrase-file", "pw", "-o", "out"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>, says: &str| refused(&d, &a.iter().map(String::as_str).collect::<Vec<_>>(), says);
    run(create(&["--key", "other-key.pem"]), "the key is not the certificate's key");
    run(create(&["--key", "leaf-key.pem", "--ca", "leaf.pem"]), "chain certificate 1 did not issue the certificate");
    run(
        create(&["--key", "pkcs11:token=t;object=k?module-path=/x.so"]),
        "is a key in a hardware token, which never leaves it",
    );
    run(
        vec!["pkcs12", "--cert", "leaf.pem", "--key", "leaf-key.pem", "--passphrase-file", "empty", "-o", "out"]
            .into_iter()
            .map(String::from)
            .collect(),
        "the passphrase is empty",
    );
    refused(
        &d,
        &["pkcs12", "--cert", "leaf.pem", "--key", "leaf-key.pem", "--passphrase-file", "pw", "-o", "out.p12"],
        "`-o out` writes out.p12",
    );
    // An existing file is not replaced without --force.
    make(&d, "made", &[]);
    refused(
        &d,
        &["pkcs12", "--cert", "leaf.pem", "--key", "leaf-key.pem", "--passphrase-file", "pw", "-o", "made"],
        "made.p12 already exists; remove it or pass --force",
    );
    // Extracting: a wrong passphrase, a damaged MAC, a huge file, not a .p12.
    d.write("wrong", "wrong\n");
    refused(
        &d,
        &["pkcs12", "--extract", "--passphrase-file", "wrong", "made.p12", "-o", "x"],
        "the passphrase does not decrypt made.p12",
    );
    let mut bytes = std::fs::read(d.path("made.p12")).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    d.write("damaged.p12", &bytes);
    refused(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", "damaged.p12", "-o", "x"], "damaged.p12");
    d.write("huge.p12", vec![0x30u8; 10 * 1024 * 1024]);
    refused(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", "huge.p12"], "larger than the");
    refused(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", "leaf.pem"], "leaf.pem is not a PKCS#12 file");
    // Deeply nested: a thousand SEQUENCEs inside each other.
    let mut nested = Vec::new();
    for _ in 0..1000 {
        nested.extend([0x30, 0x80]);
    }
    nested.extend(vec![0u8; 2000]);
    d.write("nested.p12", &nested);
    refused(&d, &["pkcs12", "--extract", "--passphrase-file", "pw", "nested.p12"], "nested.p12 is not a PKCS#12 file");
}
