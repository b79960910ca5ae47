//! Keys and CAs from OpenSSL; every key type; intermediates; certinfo.

use crate::common::*;

fn openssl_ca(d: &Dir, key_fixture: &str) {
    let key = fixture(key_fixture);
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            key.to_str().unwrap(),
            "-subj",
            "/CN=OpenSSL CA",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ],
    );
    std::fs::copy(key, d.path("ca-key.pem")).unwrap();
}

#[test]
fn sec1_and_pkcs1_ca_keys_from_openssl() {
    for key in ["openssl-ec-sec1.pem", "openssl-rsa-pkcs1.pem", "openssl-ec384-with-params.pem"] {
        let d = Dir::new(&format!("interop-{key}"));
        openssl_ca(&d, key);
        let out = ok(
            &d,
            &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", &fixture("csr-openssl-p256.pem").to_string_lossy()],
            b"",
        );
        split(&d, &out, "leaf");
        let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "leaf.pem"]);
        assert!(v.contains("leaf.pem: OK"), "{key}: {v}");
    }
}

#[test]
fn encrypted_ca_key_interoperates_with_openssl_pkcs8() {
    let d = Dir::new("encrypted");
    make_ca(&d, "ecdsa", 256);
    openssl(
        &d,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "ca-key.pem",
            "-out",
            "ca-key.enc.pem",
            "-passout",
            "pass:s3cret phrase",
        ],
    );
    let csr = std::fs::read(fixture("csr-openssl-p256.pem")).unwrap();

    let out = certkit(&d, &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.enc.pem", "-"], &csr);
    assert!(!out.status.success() && out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is encrypted") && err.contains("passphrase"), "{err}");

    d.write("pass.txt", "wrong\n");
    let out = certkit(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.enc.pem", "--ca-key-passphrase-file", "pass.txt", "-"],
        &csr,
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("does not decrypt"));

    d.write("pass.txt", "s3cret phrase\n");
    let out = ok(
        &d,
        &["sign", "-ca", "ca.pem", "-ca-key", "ca-key.enc.pem", "--ca-key-passphrase-file", "pass.txt", "-"],
        &csr,
    );
    split(&d, &out, "leaf");
    assert!(openssl(&d, &["verify", "-CAfile", "ca.pem", "leaf.pem"]).contains("OK"));

    let cmd = std::process::Command::new(env!("CARGO_BIN_EXE_certkit"))
        .args([
            "sign",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.enc.pem",
            "-o",
            "leaf2",
            &fixture("csr-openssl-p256.pem").to_string_lossy(),
        ])
        .current_dir(&d.0)
        .env("CERTKIT_CA_KEY_PASSPHRASE", "s3cret phrase")
        .output()
        .unwrap();
    assert!(cmd.status.success(), "{}", String::from_utf8_lossy(&cmd.stderr));
}

#[test]
fn every_key_type_as_ca_and_leaf() {
    for (algo, size) in [("ecdsa", 256), ("ecdsa", 384), ("ed25519", 0), ("rsa", 2048), ("rsa", 4096)] {
        let d = Dir::new(&format!("kt-{algo}{size}"));
        make_ca(&d, algo, size);
        let json = format!(r#"{{"CN":"leaf","hosts":["leaf.example.com"],"key":{{"algo":"{algo}","size":{size}}}}}"#);
        let out = ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], json.as_bytes());
        split(&d, &out, "leaf");
        assert!(openssl(&d, &["req", "-in", "leaf.csr", "-noout", "-verify"]).contains("verify OK"));
        let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "leaf.pem"]);
        assert!(v.contains("leaf.pem: OK"), "{algo} {size}: {v}");
        let text = openssl(&d, &["x509", "-in", "leaf.pem", "-noout", "-text"]);
        assert_eq!(text.contains("Key Encipherment"), algo == "rsa", "{algo}: {text}");
    }
}

#[test]
fn certificate_policies_as_openssl_reads_them() {
    // cfssl's `policies`, qualifiers included; Debian's cfssl 1.2 writes the
    // same extension bytes for this config.
    let d = Dir::new("policies");
    make_ca(&d, "ecdsa", 256);
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"24h","policies":[
            {"ID":"2.23.140.1.2.1"},
            {"ID":"1.3.6.1.4.1.99999.1","qualifiers":[{"type":"id-qt-cps","value":"https://ca.example/cps"},
                                                     {"type":"id-qt-unotice","value":"For tests only"}]}]}}}"#,
    );
    let json = br#"{"CN":"web.example.com","hosts":["web.example.com"]}"#;
    let out = ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "config.json", "-"], json);
    split(&d, &out, "web");
    openssl(&d, &["verify", "-x509_strict", "-policy_check", "-CAfile", "ca.pem", "web.pem"]);
    let text = openssl(&d, &["x509", "-in", "web.pem", "-noout", "-ext", "certificatePolicies"]);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert_eq!(
        lines,
        [
            "X509v3 Certificate Policies:",
            "Policy: 2.23.140.1.2.1",
            "Policy: 1.3.6.1.4.1.99999.1",
            "CPS: https://ca.example/cps",
            "User Notice:",
            "Explicit Text: For tests only"
        ],
        "{text}"
    );
}

#[test]
fn intermediate_ca_via_profile() {
    let d = Dir::new("intermediate");
    make_ca(&d, "ecdsa", 256);
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"720h"},
            "profiles":{"intermediate":{"usages":["cert sign","crl sign"],"expiry":"8760h",
                         "ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true}}}}}"#,
    );
    let out = ok(
        &d,
        &[
            "gencert",
            "-ca",
            "ca.pem",
            "-ca-key",
            "ca-key.pem",
            "-config",
            "config.json",
            "-profile",
            "intermediate",
            "-",
        ],
        br#"{"CN":"Intermediate"}"#,
    );
    split(&d, &out, "int");
    let text = openssl(&d, &["x509", "-in", "int.pem", "-noout", "-text"]);
    assert!(text.contains("CA:TRUE, pathlen:0"), "{text}");
    let out = ok(
        &d,
        &["gencert", "-ca", "int.pem", "-ca-key", "int-key.pem", "-config", "config.json", "-"],
        br#"{"CN":"leaf","hosts":["leaf.example.com"]}"#,
    );
    split(&d, &out, "leaf");
    let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "ca.pem", "-untrusted", "int.pem", "leaf.pem"]);
    assert!(v.contains("leaf.pem: OK"), "{v}");
    // pathlen 0: the intermediate may not make another CA.
    let out = certkit(
        &d,
        &[
            "gencert",
            "-ca",
            "int.pem",
            "-ca-key",
            "int-key.pem",
            "-config",
            "config.json",
            "-profile",
            "intermediate",
            "-",
        ],
        br#"{"CN":"Sub"}"#,
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("pathLenConstraint"));
}

#[test]
fn certinfo_agrees_with_openssl() {
    let d = Dir::new("certinfo");
    make_ca(&d, "rsa", 2048);
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"],
        br#"{"CN":"web","hosts":["web.example.com","10.1.2.3"],"names":[{"C":"US","O":"Example"}]}"#,
    );
    split(&d, &out, "web");
    let info: serde_json::Value = serde_json::from_slice(&ok(&d, &["certinfo", "-cert", "web.pem"], b"")).unwrap();
    assert_eq!(info["subject"]["common_name"], "web");
    assert_eq!(info["subject"]["country"], "US");
    assert_eq!(info["sans"], serde_json::json!(["web.example.com", "10.1.2.3"]));
    assert_eq!(info["sigalg"], "SHA256WithRSA");
    let serial_hex = openssl(&d, &["x509", "-in", "web.pem", "-noout", "-serial"]);
    let hex = serial_hex.trim().trim_start_matches("serial=");
    let dec = info["serial_number"].as_str().unwrap();
    // Compare decimal with OpenSSL's hex by converting through u128 chunks.
    assert_eq!(hex_to_dec(hex), dec);
    assert!(hex.len() >= 38, "serial is ~20 octets: {hex}");
    let ski = openssl(&d, &["x509", "-in", "web.pem", "-noout", "-ext", "subjectKeyIdentifier"]);
    assert!(ski.contains(info["subject_key_id"].as_str().unwrap()), "{ski} vs {info}");
    let csr_info: serde_json::Value = serde_json::from_slice(&ok(&d, &["certinfo", "-csr", "web.csr"], b"")).unwrap();
    assert_eq!(csr_info["subject"]["common_name"], "web");
}
