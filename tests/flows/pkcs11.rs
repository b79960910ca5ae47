//! The CA key in a hardware token (PKCS#11), with SoftHSM standing in for
//! the token: each test has its own token folder (`SOFTHSM2_CONF`), so
//! tests never share a token. OpenSSL judges what certkit signs, and
//! OpenSSL's pkcs11 engine and OpenSC's pkcs11-tool are the other users
//! of the same keys.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use base64ct::{Base64, Encoding};
use serde_json::Value;

use crate::common::{Dir, fixture};

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "246810";

/// A SoftHSM token folder of one test.
struct Hsm {
    dir: Dir,
    conf: PathBuf,
}

impl Hsm {
    /// A fresh token store in its own folder, or `None` (the test is
    /// skipped) where SoftHSM is not installed outside CI.
    fn new(name: &str) -> Option<Hsm> {
        if !std::path::Path::new(MODULE).is_file() {
            assert!(std::env::var("CI").is_err(), "CI must install softhsm2 (scripts/test.sh does)");
            eprintln!("softhsm2 not installed (run scripts/test.sh): PKCS#11 test {name} skipped");
            return None;
        }
        let dir = Dir::new(name);
        std::fs::create_dir_all(dir.path("tokens")).unwrap();
        let conf = dir.write(
            "softhsm2.conf",
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.path("tokens").display()
            ),
        );
        let pin = dir.write("pin", format!("{PIN}\n"));
        set_mode(&pin, 0o600);
        Some(Hsm { dir, conf })
    }

    fn init_token(&self, label: &str) {
        self.tool("softhsm2-util", &["--init-token", "--free", "--label", label, "--so-pin", "1111", "--pin", PIN]);
    }

    /// A URI naming `object` on `token`, its PIN in this test's PIN file.
    fn uri(&self, token: &str, object: &str) -> String {
        format!(
            "pkcs11:token={token};object={object}?module-path={MODULE}&pin-source=file:{}",
            self.dir.path("pin").display()
        )
    }

    fn run(&self, program: &str, args: &[&str], stdin: &[u8]) -> Output {
        use std::io::Write;
        let mut child = Command::new(program)
            .args(args)
            .current_dir(&self.dir.0)
            .env("SOFTHSM2_CONF", &self.conf)
            .env("PKCS11_MODULE_PATH", MODULE)
            .env_remove("CERTKIT_PKCS11_PIN")
            .env_remove("CERTKIT_CA_KEY_PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }

    fn certkit(&self, args: &[&str], stdin: &[u8]) -> Output {
        self.run(env!("CARGO_BIN_EXE_certkit"), args, stdin)
    }

    fn ok(&self, args: &[&str], stdin: &[u8]) -> Vec<u8> {
        let out = self.certkit(args, stdin);
        assert!(out.status.success(), "certkit {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    /// certkit's one error line for `args`, which must fail with exit 1.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.certkit(args, b"");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "certkit {args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        err
    }

    /// Runs a tool (OpenSSL, softhsm2-util, pkcs11-tool) and insists it succeeded.
    fn tool(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args, b"");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
        text
    }

    fn csr(&self, name: &str, cn: &str) {
        let json = self.ok(&["genkey", "-"], format!(r#"{{"CN":"{cn}","hosts":["{cn}"]}}"#).as_bytes());
        self.ok(&["cfssljson", "-bare", name], &json);
    }

    fn ledger_lines(&self, ca: &str) -> usize {
        self.dir.read(&format!("{ca}/ledger.log")).lines().count()
    }
}

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// An approved Kubernetes object for the CSR in `csr_file`.
fn approved_object(hsm: &Hsm, csr_file: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("k8s/approved.json")).unwrap();
    let pem = hsm.dir.read(csr_file);
    text.replace("REQUEST_PLACEHOLDER", &Base64::encode_string(pem.as_bytes())).into_bytes()
}

#[test]
fn every_key_type_made_in_a_token_signs_the_seed_recipe() {
    let Some(hsm) = Hsm::new("p11-kinds") else { return };
    for (n, key) in [
        ("p256", r#"{"algo":"ecdsa","size":256}"#),
        ("p384", r#"{"algo":"ecdsa","size":384}"#),
        ("rsa2048", r#"{"algo":"rsa","size":2048}"#),
        ("ed25519", r#"{"algo":"ed25519"}"#),
    ] {
        let token = format!("root-{n}");
        hsm.init_token(&token);
        let uri = hsm.uri(&token, "ca-2026");
        hsm.dir.write(&format!("{n}.json"), format!(r#"{{"CN":"Token Root {n}","key":{key}}}"#));
        let ca = format!("ca-{n}");
        let said = String::from_utf8(hsm.ok(&["ca", "init", &ca, &format!("{n}.json"), "--token", &uri], b"")).unwrap();
        assert!(said.contains("key in the token"), "{said}");

        // The directory records the URI, without the PIN, and holds no key.
        let recorded = hsm.dir.read(&format!("{ca}/ca-key.uri")).trim().to_string();
        assert!(recorded.starts_with(&format!("pkcs11:token={token};object=ca-2026;id=%")), "{recorded}");
        assert!(!recorded.contains(PIN) && !recorded.contains("pin-value"), "{recorded}");
        for entry in std::fs::read_dir(hsm.dir.path(&ca)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
            assert!(!String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"), "private key material in {ca}");
        }
        assert!(!hsm.dir.path(&format!("{ca}/ca-key.pem")).exists());

        // The seed recipe's signing, from the CA directory and with -ca-key pkcs11:…
        hsm.csr(&format!("web-{n}"), "web.example");
        hsm.ok(&["sign", "--ca-dir", &ca, &format!("web-{n}.csr"), "-o", &format!("dir-{n}")], b"");
        let cert = format!("{ca}/ca.pem");
        let v = hsm.tool("openssl", &["verify", "-x509_strict", "-CAfile", &cert, &format!("dir-{n}.pem")]);
        assert!(v.contains(": OK"), "{v}");
        let json = hsm.ok(&["sign", "-ca", &cert, "-ca-key", &recorded, &format!("web-{n}.csr")], b"");
        hsm.ok(&["cfssljson", "-bare", &format!("flag-{n}")], &json);
        let v = hsm.tool("openssl", &["verify", "-x509_strict", "-CAfile", &cert, &format!("flag-{n}.pem")]);
        assert!(v.contains(": OK"), "{v}");

        // Revocation and a CRL OpenSSL verifies under the CA.
        let serial = hsm.tool("openssl", &["x509", "-in", &format!("dir-{n}.pem"), "-noout", "-serial"]);
        let serial = crate::common::hex_to_dec(serial.trim().trim_start_matches("serial="));
        hsm.ok(&["revoke", "--ca-dir", &ca, "--serial", &serial], b"");
        hsm.ok(&["gencrl", "--ca-dir", &ca, "-o", &format!("crl-{n}")], b"");
        let crl = hsm.tool("openssl", &["crl", "-in", &format!("crl-{n}.pem"), "-CAfile", &cert, "-noout", "-text"]);
        assert!(
            crl.contains("verify OK")
                || hsm
                    .tool("openssl", &["crl", "-in", &format!("crl-{n}.pem"), "-CAfile", &cert, "-noout"])
                    .contains("verify OK"),
            "{crl}"
        );

        // Renewal, and a Kubernetes object, signed by the token.
        hsm.ok(&["renew", "--ca-dir", &ca, &format!("dir-{n}.pem"), "-o", &format!("renewed-{n}")], b"");
        let v = hsm.tool("openssl", &["verify", "-CAfile", &cert, &format!("renewed-{n}.pem")]);
        assert!(v.contains(": OK"), "{v}");
        hsm.dir.write(&format!("k8s-{n}.json"), approved_object(&hsm, &format!("web-{n}.csr")));
        hsm.dir.write(
            "kcfg.json",
            r#"{"signing":{"default":{"usages":["digital signature"],"expiry":"720h"},"profiles":{"clients":{"usages":["digital signature","client auth"],"expiry":"720h","signer_name":"kubernetes.io/kube-apiserver-client"}}}}"#,
        );
        let out = hsm.ok(
            &["k8s", "sign", "-ca", &cert, "-ca-key", &recorded, "-config", "kcfg.json", &format!("k8s-{n}.json")],
            b"",
        );
        let signed: Value = serde_json::from_slice(&out).unwrap();
        let pem = Base64::decode_vec(signed["status"]["certificate"].as_str().unwrap()).unwrap();
        hsm.dir.write(&format!("k8s-{n}.pem"), pem);
        let v = hsm.tool("openssl", &["verify", "-CAfile", &cert, &format!("k8s-{n}.pem")]);
        assert!(v.contains(": OK"), "{v}");
    }
}

#[test]
fn the_key_made_in_the_token_never_leaves_it() {
    let Some(hsm) = Hsm::new("p11-sensitive") else { return };
    hsm.init_token("vault");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("vault", "root")], b"");
    let pin = format!("--pin={PIN}");
    let listed = hsm.tool(
        "pkcs11-tool",
        &["--module", MODULE, "--token-label", "vault", "--login", &pin, "--list-objects", "--type", "privkey"],
    );
    assert!(listed.contains("label:      root"), "{listed}");
    assert!(listed.contains("sensitive") && listed.contains("never extractable"), "{listed}");
    // Asked through PKCS#11 itself for the key's value, and to wrap it out
    // under a key of our own, the token refuses (the probe below, run in a
    // process of its own so that SoftHSM reads this test's token folder).
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["pkcs11::private_key_export_probe", "--exact", "--ignored", "--nocapture"])
        .env("SOFTHSM2_CONF", &hsm.conf)
        .env("CERTKIT_PROBE_TOKEN", "vault")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}

/// Run by the test above in a process of its own, never alone.
#[test]
#[ignore = "run by the_key_made_in_the_token_never_leaves_it"]
fn private_key_export_probe() {
    use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
    use cryptoki::mechanism::Mechanism;
    use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass};
    use cryptoki::session::UserType;
    use cryptoki::types::AuthPin;

    let label = std::env::var("CERTKIT_PROBE_TOKEN").expect("run by the_key_made_in_the_token_never_leaves_it");
    let ctx = Pkcs11::new(MODULE).unwrap();
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)).unwrap();
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim_end() == label)
        .unwrap();
    let session = ctx.open_rw_session(slot).unwrap();
    session.login(UserType::User, Some(&AuthPin::new(PIN.into()))).unwrap();
    let keys = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), Attribute::Label(b"root".to_vec())])
        .unwrap();
    assert_eq!(keys.len(), 1);
    let info = session.get_attribute_info(keys[0], &[AttributeType::Value]).unwrap();
    assert!(matches!(info.as_slice(), [AttributeInfo::Sensitive]), "the private value is readable: {info:?}");
    let flags = session
        .get_attributes(keys[0], &[AttributeType::Sensitive, AttributeType::Extractable, AttributeType::Value])
        .unwrap();
    assert!(flags.contains(&Attribute::Sensitive(true)) && flags.contains(&Attribute::Extractable(false)), "{flags:?}");
    assert!(!flags.iter().any(|a| matches!(a, Attribute::Value(_))), "the private value was returned");
    let wrapping = session
        .generate_key(
            &Mechanism::AesKeyGen,
            &[Attribute::ValueLen(32.into()), Attribute::Wrap(true), Attribute::Token(false)],
        )
        .unwrap();
    let wrapped = session.wrap_key(&Mechanism::AesKeyWrapPad, wrapping, keys[0]);
    assert!(wrapped.is_err(), "the token wrapped the private key out");
}

#[test]
fn keys_others_made_sign_and_openssl_signs_with_certkits_key() {
    let Some(hsm) = Hsm::new("p11-interop") else { return };
    // A key made by OpenSC's pkcs11-tool: a new root for it (gencert -initca -ca-key pkcs11:…).
    hsm.init_token("opensc");
    let pin = format!("--pin={PIN}");
    hsm.tool(
        "pkcs11-tool",
        &[
            "--module",
            MODULE,
            "--token-label",
            "opensc",
            "--login",
            &pin,
            "--keypairgen",
            "--key-type",
            "EC:prime256v1",
            "--label",
            "made-by-opensc",
            "--id",
            "0a0b",
        ],
    );
    let uri = hsm.uri("opensc", "made-by-opensc");
    let json = hsm.ok(&["gencert", "-initca", "-ca-key", &uri, "-"], br#"{"CN":"OpenSC-made root"}"#);
    hsm.ok(&["cfssljson", "-bare", "root"], &json);
    assert!(!hsm.dir.path("root-key.pem").exists(), "no key file for a token key");
    hsm.csr("leaf", "leaf.example");
    let json = hsm.ok(&["sign", "-ca", "root.pem", "-ca-key", &uri, "leaf.csr"], b"");
    hsm.ok(&["cfssljson", "-bare", "signed"], &json);
    let v = hsm.tool("openssl", &["verify", "-x509_strict", "-CAfile", "root.pem", "signed.pem"]);
    assert!(v.contains("signed.pem: OK"), "{v}");

    // A key imported from a PEM file (softhsm2-util --import): an existing
    // file CA moved into a token keeps signing, its certificate unchanged.
    hsm.ok(&["gencert", "-initca", "-o", "filed", "-"], br#"{"CN":"Filed root"}"#);
    hsm.tool("openssl", &["pkcs8", "-topk8", "-nocrypt", "-in", "filed-key.pem", "-out", "filed-p8.pem"]);
    hsm.init_token("imported");
    hsm.tool(
        "softhsm2-util",
        &["--import", "filed-p8.pem", "--token", "imported", "--label", "filed", "--id", "01", "--pin", PIN],
    );
    let json = hsm.ok(&["sign", "-ca", "filed.pem", "-ca-key", &hsm.uri("imported", "filed"), "leaf.csr"], b"");
    hsm.ok(&["cfssljson", "-bare", "signed2"], &json);
    let v = hsm.tool("openssl", &["verify", "-CAfile", "filed.pem", "signed2.pem"]);
    assert!(v.contains("signed2.pem: OK"), "{v}");

    // OpenSSL's pkcs11 engine signs with the key certkit made in a token
    // (alone in its token: libp11 0.4.12 stops listing keys at an Ed25519 one),
    // and certkit reads what it signed.
    hsm.init_token("shared");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("shared", "root")], b"");
    let out = hsm.run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-engine",
            "pkcs11",
            "-CAkeyform",
            "engine",
            "-CAkey",
            &format!("pkcs11:token=shared;object=root;type=private;pin-value={PIN}"),
            "-CA",
            "ca/ca.pem",
            "-days",
            "30",
            "-out",
            "by-openssl.pem",
        ],
        b"",
    );
    assert!(out.status.success(), "openssl engine: {}", String::from_utf8_lossy(&out.stderr));
    let v = hsm.tool("openssl", &["verify", "-CAfile", "ca/ca.pem", "by-openssl.pem"]);
    assert!(v.contains("by-openssl.pem: OK"), "{v}");
    let info: Value = serde_json::from_slice(&hsm.ok(&["certinfo", "-cert", "by-openssl.pem"], b"")).unwrap();
    assert_eq!(info["subject"]["common_name"], "leaf.example");
    assert_eq!(info["issuer"]["common_name"], "certkit CA");
}

#[test]
fn bad_token_input_is_one_clear_line_and_nothing_is_issued() {
    let Some(hsm) = Hsm::new("p11-bad") else { return };
    hsm.init_token("main");
    hsm.init_token("other");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("main", "root")], b"");
    hsm.ok(&["ca", "init", "ca2", "--token", &hsm.uri("other", "root")], b"");
    hsm.csr("web", "web.example");
    let before = hsm.ledger_lines("ca");
    let sign = |key: &str| hsm.fails(&["sign", "-ca", "ca/ca.pem", "-ca-key", key, "web.csr"]);
    let pinfile = hsm.dir.path("pin").display().to_string();

    for (uri, said) in [
        (format!("pkcs11:token=main;objet=root?module-path={MODULE}"), "attribute `objet` is unknown"),
        (format!("pkcs11:token=main;object=root?module-path={MODULE}&pin-value={PIN}"), "holds the PIN (pin-value)"),
        (
            "pkcs11:token=main;object=root?module-path=/nonexistent/module.so".into(),
            "/nonexistent/module.so does not exist",
        ),
        (format!("pkcs11:token=main;object=root?module-path={}", hsm.conf.display()), "cannot load the PKCS#11 module"),
        (
            format!("pkcs11:token=nosuch;object=root?module-path={MODULE}&pin-source=file:{pinfile}"),
            "no token in /usr/lib/softhsm/libsofthsm2.so matches token \"nosuch\"; tokens present: ",
        ),
        (hsm.uri("main", "nosuch"), "token \"main\" has no private key \"nosuch\" (private keys on it: \"root\" (id %"),
        // The other token's key is not this CA's.
        (hsm.uri("other", "root"), "the CA key does not match the CA certificate's public key"),
        (format!("pkcs11:token=main;object=root?module-path={MODULE}"), "needs its user PIN"),
    ] {
        let err = sign(&uri);
        assert!(err.contains(said), "{uri}: {err}");
        assert_eq!(err.lines().count(), 1, "{uri}: {err}");
        assert!(!err.contains(PIN), "the PIN was printed: {err}");
    }

    // A wrong PIN, named as such.
    let wrong = hsm.dir.write("wrong-pin", "999999\n");
    set_mode(&wrong, 0o600);
    let err = sign(&format!("pkcs11:token=main;object=root?module-path={MODULE}&pin-source=file:{}", wrong.display()));
    // SoftHSM flags CKF_USER_PIN_COUNT_LOW after a wrong PIN (it never locks).
    assert!(err.contains("wrong PIN for token \"main\". Few tries are left before the token locks."), "{err}");

    // Two keys that match: the URI must name one.
    let pin = format!("--pin={PIN}");
    for id in ["01", "02"] {
        hsm.tool(
            "pkcs11-tool",
            &[
                "--module",
                MODULE,
                "--token-label",
                "main",
                "--login",
                &pin,
                "--keypairgen",
                "--key-type",
                "EC:prime256v1",
                "--label",
                "twin",
                "--id",
                id,
            ],
        );
    }
    hsm.dir.write("twin.json", r#"{"CN":"Twin root"}"#);
    let err = hsm.fails(&["gencert", "-initca", "-ca-key", &hsm.uri("main", "twin"), "twin.json"]);
    assert!(
        err.contains("2 private keys on token \"main\" match the URI; name one with object=LABEL or id=%NN"),
        "{err}"
    );

    // A key whose label is taken is never made over it.
    let err = hsm.fails(&["ca", "init", "ca3", "--token", &hsm.uri("main", "root")]);
    assert!(err.contains("already holds an object labelled \"root\""), "{err}");
    assert!(!hsm.dir.path("ca3").exists(), "a refused ca init left a folder");

    // A ca-key.uri others may write could point certkit at any module: refused.
    set_mode(&hsm.dir.path("ca/ca-key.uri"), 0o666);
    let err = hsm.fails(&["sign", "--ca-dir", "ca", "web.csr"]);
    assert!(err.contains("ca/ca-key.uri") && err.contains("chmod"), "{err}");
    set_mode(&hsm.dir.path("ca/ca-key.uri"), 0o600);

    // Nothing was issued or recorded by any of the refusals.
    assert_eq!(hsm.ledger_lines("ca"), before);

    // A PIN file others can read works, with a warning.
    let loose = hsm.dir.write("loose-pin", format!("{PIN}\n"));
    set_mode(&loose, 0o644);
    let out = hsm.certkit(
        &[
            "sign",
            "-ca",
            "ca/ca.pem",
            "-ca-key",
            &format!("pkcs11:token=main;object=root?module-path={MODULE}&pin-source=file:{}", loose.display()),
            "web.csr",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("can be read by others (mode 0644); chmod 600"));

    // The PIN from the environment.
    let out = Command::new(env!("CARGO_BIN_EXE_certkit"))
        .args([
            "sign",
            "-ca",
            "ca/ca.pem",
            "-ca-key",
            &format!("pkcs11:token=main;object=root?module-path={MODULE}"),
            "web.csr",
        ])
        .current_dir(&hsm.dir.0)
        .env("SOFTHSM2_CONF", &hsm.conf)
        .env("CERTKIT_PKCS11_PIN", PIN)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_token_without_a_mechanism_is_named_and_rsa_falls_back_to_the_digestinfo_form() {
    let Some(hsm) = Hsm::new("p11-mechs") else { return };
    hsm.init_token("mechs");
    hsm.dir.write("ed.json", r#"{"CN":"Ed root","key":{"algo":"ed25519"}}"#);
    hsm.dir.write("rsa.json", r#"{"CN":"RSA root","key":{"algo":"rsa","size":2048}}"#);
    hsm.ok(&["ca", "init", "ed", "ed.json", "--token", &hsm.uri("mechs", "ed")], b"");
    hsm.ok(&["ca", "init", "rsa", "rsa.json", "--token", &hsm.uri("mechs", "rsa")], b"");
    hsm.csr("web", "web.example");
    let before = hsm.ledger_lines("ed");
    // SoftHSM without CKM_EDDSA and CKM_SHA256_RSA_PKCS. (SoftHSM 2.6 reads
    // `-A,B,C` as "disable B and C": the first entry is a sacrifice.)
    let conf = std::fs::read_to_string(&hsm.conf).unwrap();
    std::fs::write(&hsm.conf, format!("{conf}slots.mechanisms = -CKM_MD5,CKM_EDDSA,CKM_SHA256_RSA_PKCS\n")).unwrap();
    let err = hsm.fails(&["sign", "--ca-dir", "ed", "web.csr"]);
    assert!(err.contains("token \"mechs\" cannot sign with Ed25519 keys: it lacks the mechanism CKM_EDDSA"), "{err}");
    assert_eq!(hsm.ledger_lines("ed"), before, "nothing recorded");
    // A key the token could not sign with is never made.
    hsm.dir.write("ed2.json", r#"{"CN":"Ed root 2","key":{"algo":"ed25519"}}"#);
    let err = hsm.fails(&["ca", "init", "ed2", "ed2.json", "--token", &hsm.uri("mechs", "ed2")]);
    assert!(err.contains("lacks the mechanism CKM_EDDSA"), "{err}");
    let pin = format!("--pin={PIN}");
    let listed =
        hsm.tool("pkcs11-tool", &["--module", MODULE, "--token-label", "mechs", "--login", &pin, "--list-objects"]);
    assert!(!listed.contains("ed2"), "{listed}");
    // RSA without the hash-and-sign mechanism: CKM_RSA_PKCS over the DigestInfo certkit builds.
    hsm.ok(&["sign", "--ca-dir", "rsa", "web.csr", "-o", "by-rsa"], b"");
    let v = hsm.tool("openssl", &["verify", "-x509_strict", "-CAfile", "rsa/ca.pem", "by-rsa.pem"]);
    assert!(v.contains("by-rsa.pem: OK"), "{v}");
}

#[test]
fn a_rotation_moves_a_token_key_to_previous_and_both_sign_crls() {
    let Some(hsm) = Hsm::new("p11-rotate") else { return };
    hsm.init_token("ring");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("ring", "root-1")], b"");
    let first_uri = hsm.dir.read("ca/ca-key.uri");
    hsm.ok(&["ca", "rotate", "ca", "--token", &hsm.uri("ring", "root-2")], b"");
    let second_uri = hsm.dir.read("ca/ca-key.uri");
    assert!(second_uri.contains("object=root-2"), "{second_uri}");
    let previous: Vec<_> = std::fs::read_dir(hsm.dir.path("ca/previous")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(previous.len(), 1);
    assert_eq!(std::fs::read_to_string(previous[0].join("ca-key.uri")).unwrap(), first_uri);
    let v =
        hsm.tool("openssl", &["verify", "-CAfile", &previous[0].join("ca.pem").display().to_string(), "ca/cross.pem"]);
    assert!(v.contains(": OK"), "{v}");
    // An intermediate whose key is made in the token, signed by the token's root.
    hsm.ok(&["ca", "init", "int", "--intermediate", "--parent", "ca", "--token", &hsm.uri("ring", "int-1")], b"");
    hsm.tool("openssl", &["x509", "-in", "int/ca.pem", "-out", "int-only.pem"]);
    let v = hsm.tool("openssl", &["verify", "-CAfile", "ca/ca.pem", "int-only.pem"]);
    assert!(v.contains(": OK"), "{v}");
    hsm.csr("leaf", "leaf.example");
    hsm.ok(&["sign", "--ca-dir", "int", "leaf.csr", "-o", "leaf"], b"");
    let v = hsm.tool("openssl", &["verify", "-CAfile", "ca/ca.pem", "-untrusted", "int-only.pem", "leaf.pem"]);
    assert!(v.contains("leaf.pem: OK"), "{v}");
    // gencrl signs one CRL with each key still valid: both from the token.
    let out = hsm.certkit(&["gencrl", "--ca-dir", "ca"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("and a CRL signed by the previous CA key"));
}

#[test]
fn a_token_that_goes_away_mid_batch_stops_it_and_what_was_signed_is_recorded() {
    let Some(hsm) = Hsm::new("p11-gone") else { return };
    let client = &format!("/usr/lib/{}-linux-gnu/pkcs11/p11-kit-client.so", std::env::consts::ARCH);
    if !std::path::Path::new(client).is_file() {
        assert!(std::env::var("CI").is_err(), "CI must install p11-kit-modules (scripts/test.sh does)");
        return;
    }
    hsm.init_token("vanishing");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("vanishing", "root")], b"");
    // The token is reached through p11-kit's RPC (its server holds SoftHSM),
    // so that killing the server is the token going away mid-batch.
    let socket = hsm.dir.path("p11.sock");
    let mut server = Command::new("p11-kit")
        .args(["server", "-f", "-n", &socket.display().to_string(), "--provider", MODULE, "pkcs11:token=vanishing"])
        .env("SOFTHSM2_CONF", &hsm.conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !socket.exists() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let uri = hsm.dir.read("ca/ca-key.uri").replace(MODULE, client);
    hsm.dir.write("ca/ca-key.uri", uri);
    std::fs::create_dir(hsm.dir.path("csrs")).unwrap();
    hsm.csr("one", "web.example");
    let csrs: Vec<String> = (0..1500)
        .map(|i| {
            let name = format!("csrs/c{i:04}.csr");
            std::fs::copy(hsm.dir.path("one.csr"), hsm.dir.path(&name)).unwrap();
            name
        })
        .collect();
    let before = hsm.ledger_lines("ca");
    let mut args = vec!["sign", "--ca-dir", "ca", "--out-dir", "out"];
    args.extend(csrs.iter().map(String::as_str));
    let signer = Command::new(env!("CARGO_BIN_EXE_certkit"))
        .args(&args)
        .current_dir(&hsm.dir.0)
        .env("P11_KIT_SERVER_ADDRESS", format!("unix:path={}", socket.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first certificate recorded: pull the token out (the server and the
    // process it started for this client).
    while hsm.ledger_lines("ca") == before {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = Command::new("pkill").args(["-f", "p11-kit-remote.*pkcs11:token=vanishing"]).status();
    let _ = server.kill();
    let _ = server.wait();
    let out = signer.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let recorded = hsm.ledger_lines("ca") - before;
    let written = std::fs::read_dir(hsm.dir.path("out")).unwrap().count();
    assert!(recorded > 0 && recorded < csrs.len(), "{recorded} recorded");
    assert_eq!(written, recorded, "every certificate recorded was written, and only those");
    assert!(err.contains("CSR(s) not signed: the CA key's token went away"), "{err}");
    assert!(err.contains(&format!("{recorded} of {} CSRs were signed", csrs.len())), "{err}");
    // The batch stopped: at most the in-flight signatures failed one by one.
    let failed_lines = err.lines().filter(|l| l.contains("not signed") || l.contains("could not sign")).count();
    assert!(failed_lines < 40, "{failed_lines} failure lines:\n{err}");
}

#[test]
fn the_pin_is_asked_on_a_terminal_and_never_echoed() {
    use std::io::Write;
    let Some(hsm) = Hsm::new("p11-prompt") else { return };
    hsm.init_token("keypad");
    hsm.ok(&["ca", "init", "ca", "--token", &hsm.uri("keypad", "root")], b"");
    hsm.csr("web", "web.example");
    // script(1) gives certkit a terminal; the PIN is typed into it.
    let cmd = format!(
        "{} sign -ca ca/ca.pem -ca-key 'pkcs11:token=keypad;object=root?module-path={MODULE}' web.csr -o typed",
        env!("CARGO_BIN_EXE_certkit")
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(&hsm.dir.0)
        .env("SOFTHSM2_CONF", &hsm.conf)
        .env_remove("CERTKIT_PKCS11_PIN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 256];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    // Type the PIN once the prompt is on the screen, as a person would.
    let start = std::time::Instant::now();
    while !String::from_utf8_lossy(&seen.lock().unwrap()).contains("PIN for token") {
        assert!(start.elapsed().as_secs() < 30, "no prompt: {:?}", String::from_utf8_lossy(&seen.lock().unwrap()));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stdin.write_all(format!("{PIN}\n").as_bytes()).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let out = std::process::Output { status, stdout: seen.lock().unwrap().clone(), stderr: Vec::new() };
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("PIN for token \"keypad\": "), "{screen:?}");
    assert!(!screen.contains(PIN), "the PIN was echoed: {screen:?}");
    let v = hsm.tool("openssl", &["verify", "-CAfile", "ca/ca.pem", "typed.pem"]);
    assert!(v.contains("typed.pem: OK"), "{v}");
}

#[test]
fn gencsr_makes_a_csr_for_a_key_in_a_token() {
    let Some(hsm) = Hsm::new("p11-gencsr") else { return };
    hsm.init_token("csrs");
    let pin = format!("--pin={PIN}");
    for (label, key_type) in [("ec", "EC:prime256v1"), ("rsa", "rsa:2048")] {
        hsm.tool(
            "pkcs11-tool",
            &[
                "--module",
                MODULE,
                "--token-label",
                "csrs",
                "--login",
                &pin,
                "--keypairgen",
                "--key-type",
                key_type,
                "--label",
                label,
            ],
        );
        let uri = hsm.uri("csrs", label);
        let json = hsm.ok(&["gencsr", "-key", &uri, "-"], br#"{"CN":"token.example","hosts":["token.example"]}"#);
        hsm.ok(&["cfssljson", "-bare", label], &json);
        let csr = format!("{label}.csr");
        let v = hsm.tool("openssl", &["req", "-in", &csr, "-verify", "-noout"]);
        assert!(v.contains("verify OK"), "{v}");
        // The CSR's key is the token's public key.
        let der = format!("{label}-pub.der");
        hsm.tool(
            "pkcs11-tool",
            &[
                "--module",
                MODULE,
                "--token-label",
                "csrs",
                "--read-object",
                "--type",
                "pubkey",
                "--label",
                label,
                "-o",
                &der,
            ],
        );
        let token_key = hsm.tool("openssl", &["pkey", "-pubin", "-inform", "DER", "-in", &der]);
        let csr_key = hsm.tool("openssl", &["req", "-in", &csr, "-noout", "-pubkey"]);
        assert_eq!(token_key, csr_key);
    }
    // A key that is not on the token is named.
    hsm.dir.write("csr.json", r#"{"CN":"token.example"}"#);
    let err = hsm.fails(&["gencsr", "-key", &hsm.uri("csrs", "absent"), "csr.json"]);
    assert!(err.contains("absent") && err.lines().count() == 1, "{err}");
}
