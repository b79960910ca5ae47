//! The CA directory: ledger, revocation and CRLs, judged by OpenSSL; and
//! the ledger's durability under SIGKILL, corruption and concurrency.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::*;

fn init(d: &Dir) {
    d.write("pass.txt", "correct horse battery staple\n");
    ok(d, &["ca", "init", "ca", "--ca-key-passphrase-file", "pass.txt"], br#"{}"#);
}

fn csr(d: &Dir, name: &str) -> String {
    let json = format!(r#"{{"CN":"{name}","hosts":["{name}.example.com"]}}"#);
    let out = ok(d, &["genkey", "-"], json.as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    v["csr"].as_str().unwrap().to_string()
}

fn serial_hex(d: &Dir, cert: &str) -> String {
    openssl(d, &["x509", "-in", cert, "-noout", "-serial"]).trim().trim_start_matches("serial=").to_string()
}

fn ledger_lines(d: &Dir) -> Vec<String> {
    d.read("ca/ledger.log").lines().map(String::from).collect()
}

#[test]
fn fifty_issued_three_revoked_and_openssl_rejects_exactly_those() {
    let d = Dir::new("ledger-crl");
    init(&d);
    let key = d.read("ca/ca-key.pem");
    assert!(key.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "the CA key is encrypted by default");
    openssl(&d, &["pkey", "-in", "ca/ca-key.pem", "-passin", "pass:correct horse battery staple", "-noout"]);
    std::fs::create_dir(d.path("reqs")).unwrap();
    for i in 0..50 {
        d.write(&format!("reqs/s{i:02}.csr"), csr(&d, &format!("s{i:02}")));
    }
    ok(&d, &["sign", "--ca-dir", "ca", "--ca-key-passphrase-file", "pass.txt", "--out-dir", "certs", "reqs"], b"");
    let list = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--json"], b"")).unwrap();
    assert_eq!(list.lines().count(), 50, "{list}");

    let revoked = ["s07", "s23", "s42"];
    for (n, reason) in revoked.iter().zip(["keyCompromise", "superseded", "cessationOfOperation"]) {
        let hex = serial_hex(&d, &format!("certs/{n}.pem"));
        ok(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}"), "--reason", reason], b"");
    }
    // Revoking twice, or a serial the CA never issued, is refused.
    let hex = serial_hex(&d, "certs/s07.pem");
    assert!(!certkit(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}")], b"").status.success());
    assert!(!certkit(&d, &["revoke", "--ca-dir", "ca", "--serial", "12345"], b"").status.success());

    ok(
        &d,
        &["gencrl", "--ca-dir", "ca", "--ca-key-passphrase-file", "pass.txt", "--next-update", "7d", "-o", "crl"],
        b"",
    );
    let crl = openssl(&d, &["crl", "-in", "crl.pem", "-CAfile", "ca/ca.pem", "-noout", "-text"]);
    assert!(crl.contains("verify OK") && crl.contains("X509v3 CRL Number") && crl.contains("Key Compromise"), "{crl}");
    openssl(&d, &["crl", "-in", "crl.crl", "-inform", "DER", "-CAfile", "ca/ca.pem", "-noout"]);
    for i in 0..50 {
        let name = format!("s{i:02}");
        let out = run_in(
            &d,
            "openssl",
            &["verify", "-crl_check", "-CAfile", "ca/ca.pem", "-CRLfile", "crl.pem", &format!("certs/{name}.pem")],
            b"",
        );
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        if revoked.contains(&name.as_str()) {
            assert!(!out.status.success() && text.contains("certificate revoked"), "{name}: {text}");
        } else {
            assert!(out.status.success(), "{name}: {text}");
        }
    }
    let listed = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--revoked"], b"")).unwrap();
    assert_eq!(listed.lines().filter(|l| l.contains("revoked")).count(), 3, "{listed}");
    // A second CRL has a higher number.
    ok(&d, &["gencrl", "--ca-dir", "ca", "--ca-key-passphrase-file", "pass.txt", "-o", "crl2"], b"");
    let number = |f: &str| {
        let text = openssl(&d, &["crl", "-in", f, "-noout", "-crlnumber"]);
        u64::from_str_radix(text.trim().trim_start_matches("crlNumber=0x"), 16).unwrap()
    };
    assert!(number("crl2.pem") > number("crl.pem"));
}

#[test]
fn killed_mid_write_the_ledger_keeps_every_printed_certificate() {
    let d = Dir::new("ledger-kill");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    let mut printed = Vec::new();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..200 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut child = Command::new(env!("CARGO_BIN_EXE_certkit"))
            .args(["sign", "--ca-dir", "ca", "s.csr"])
            .current_dir(&d.0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(state % 25_000));
        let _ = child.kill(); // SIGKILL
        let out = child.wait_with_output().unwrap();
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) {
            printed.push(v["cert"].as_str().unwrap().to_string());
        }
    }
    // The ledger is intact (a torn last record is cut off on next use).
    ok(&d, &["ca", "check", "ca"], b"");
    let list = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--json"], b"")).unwrap();
    let serials: Vec<String> = list
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["serial"].as_str().unwrap().to_string())
        .collect();
    let unique: std::collections::BTreeSet<_> = serials.iter().collect();
    assert_eq!(unique.len(), serials.len(), "no serial repeats");
    assert!(!printed.is_empty() && printed.len() < 200, "some runs finished and some were killed: {}", printed.len());
    for (i, pem) in printed.iter().enumerate() {
        let file = format!("printed{i}.pem");
        d.write(&file, pem);
        let hex = serial_hex(&d, &file);
        let dec = hex_to_dec(&hex);
        assert!(serials.contains(&dec), "printed certificate {dec} is missing from the ledger");
    }
    // And the CA goes on working.
    ok(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
}

#[test]
fn a_damaged_ledger_is_reported_by_line_and_repaired_without_loss() {
    let d = Dir::new("ledger-corrupt");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    for _ in 0..3 {
        ok(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
    }
    let mut lines = ledger_lines(&d);
    assert_eq!(lines.len(), 4);
    lines[2] = lines[2].replacen("\"profile\":\"default\"", "\"profile\":\"defaulT\"", 1);
    d.write("ca/ledger.log", lines.join("\n") + "\n");
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty(), "signing must stop");
    assert!(err.contains("line 3") && err.contains("certkit ca repair"), "{err}");
    let out = certkit(&d, &["ca", "check", "ca"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("line 3"));
    ok(&d, &["ca", "repair", "ca"], b"");
    assert!(d.read("ca/ledger.quarantine").contains("defaulT"), "the damaged line is kept aside");
    // The mtime alone does not vouch for the ledger: a same-length edit with the mtime put back is caught.
    let before = ledger_lines(&d);
    let mut edited = before.clone();
    edited[1] = edited[1].replacen("\"profile\":\"default\"", "\"profile\":\"defaulX\"", 1);
    let mtime = std::fs::metadata(d.path("ca/ledger.log")).unwrap().modified().unwrap();
    d.write("ca/ledger.log", edited.join("\n") + "\n");
    std::fs::File::options().write(true).open(d.path("ca/ledger.log")).unwrap().set_modified(mtime).unwrap();
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("line 2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d.write("ca/ledger.log", before.join("\n") + "\n");
    assert_eq!(ledger_lines(&d).len(), 3, "the two intact records stay");
    ok(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
    let list = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--json"], b"")).unwrap();
    assert_eq!(list.lines().count(), 3);
}

#[test]
fn concurrent_signers_never_interleave() {
    let d = Dir::new("ledger-concurrent");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_certkit"))
                .args(["sign", "--ca-dir", "ca", "s.csr"])
                .current_dir(&d.0)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    ok(&d, &["ca", "check", "ca"], b"");
    assert_eq!(ledger_lines(&d).len(), 9, "eight records and the header");
}

#[test]
fn encrypted_by_default_and_cfssl_gencrl_form() {
    let d = Dir::new("ledger-misc");
    let out = certkit(&d, &["ca", "init", "ca"], br#"{}"#);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--no-encrypt"));
    assert!(!d.path("ca/ca-key.pem").exists());
    make_ca(&d, "rsa", 2048);
    let out =
        ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], br#"{"CN":"x","hosts":["x.example"]}"#);
    split(&d, &out, "x");
    d.write("serials.txt", format!("# revoked\n{}\n", hex_to_dec(&serial_hex(&d, "x.pem"))));
    let b64 = ok(&d, &["gencrl", "serials.txt", "ca.pem", "ca-key.pem", "3600"], b"");
    d.write("crl.b64", &b64);
    openssl(&d, &["base64", "-d", "-in", "crl.b64", "-out", "crl.der"]);
    let text = openssl(&d, &["crl", "-in", "crl.der", "-inform", "DER", "-CAfile", "ca.pem", "-noout", "-text"]);
    assert!(text.contains("verify OK") && text.contains("Revoked Certificates"), "{text}");
}

#[test]
fn expiry_finds_certificates_in_files_bundles_and_kubeconfigs() {
    let d = Dir::new("expiry");
    make_ca(&d, "ecdsa", 256);
    d.write("short.json", r#"{"signing":{"default":{"usages":["digital signature","client auth"],"expiry":"240h"}}}"#);
    let out = ok(
        &d,
        &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", "short.json", "-"],
        br#"{"CN":"admin"}"#,
    );
    split(&d, &out, "admin");
    use base64ct::Encoding;
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://127.0.0.1:6443\n  name: c\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        base64ct::Base64::encode_string(d.read("ca.pem").as_bytes()),
        base64ct::Base64::encode_string(d.read("admin.pem").as_bytes()),
        base64ct::Base64::encode_string(d.read("admin-key.pem").as_bytes()),
    );
    std::fs::create_dir(d.path("kube")).unwrap();
    d.write("kube/config", kubeconfig);
    // The 10-day client certificate expires within 30 days: exit 4 (found) and say which.
    let out = certkit(&d, &["expiry", "--within", "30d", "kube"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("expiring") && text.contains("CN=admin") && text.contains("kube/config"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 2 certificates"));
    // Within 5 days nothing is due.
    let out = certkit(&d, &["expiry", "--within", "5d", "--json", "kube/config", "ca.pem"], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn intermediate_ca_directory_and_its_chain() {
    let d = Dir::new("ledger-intermediate");
    ok(&d, &["ca", "init", "root", "--no-encrypt", "-"], br#"{"CN":"Root CA","ca":{"pathlen":1}}"#);
    ok(
        &d,
        &["ca", "init", "int", "--no-encrypt", "--intermediate", "--parent", "root", "-"],
        br#"{"CN":"Issuing CA"}"#,
    );
    let text = openssl(&d, &["x509", "-in", "int/ca.pem", "-noout", "-text"]);
    assert!(text.contains("CA:TRUE, pathlen:0") && text.contains("Issuer: CN = Root CA"), "{text}");
    let root_list = String::from_utf8(ok(&d, &["list", "--ca-dir", "root", "--json"], b"")).unwrap();
    assert!(root_list.contains("CN=Issuing CA"), "the parent's ledger records the intermediate: {root_list}");

    d.write("s.csr", csr(&d, "svc"));
    ok(&d, &["sign", "--ca-dir", "int", "s.csr", "-o", "svc"], b"");
    let pem = d.read("svc.pem");
    assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2, "leaf and intermediate, not the root");
    let v = openssl(
        &d,
        &[
            "verify",
            "-x509_strict",
            "-purpose",
            "sslserver",
            "-CAfile",
            "root/ca.pem",
            "-untrusted",
            "svc.pem",
            "svc.pem",
        ],
    );
    assert!(v.contains("svc.pem: OK"), "{v}");

    // pathlen 0 below the intermediate: no further CA.
    let out = certkit(
        &d,
        &["ca", "init", "sub", "--no-encrypt", "--intermediate", "--parent", "int", "-"],
        br#"{"CN":"Sub CA"}"#,
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("pathLenConstraint"));
    assert!(!d.path("sub/ca-key.pem").exists());
}

#[test]
fn renew_with_the_same_key_or_a_new_one() {
    let d = Dir::new("ledger-renew");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    let out = ok(&d, &["gencert", "--ca-dir", "ca", "-"], br#"{"CN":"web","hosts":["web.example.com","10.0.0.7"]}"#);
    split(&d, &out, "web");
    // Same key: the recorded CSR.
    ok(&d, &["renew", "--ca-dir", "ca", "web.pem", "-o", "web2"], b"");
    let v = openssl(&d, &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca/ca.pem", "web2.pem"]);
    assert!(v.contains("web2.pem: OK"), "{v}");
    let pub1 = openssl(&d, &["x509", "-in", "web.pem", "-noout", "-pubkey"]);
    assert_eq!(pub1, openssl(&d, &["x509", "-in", "web2.pem", "-noout", "-pubkey"]), "same key");
    assert_ne!(serial_hex(&d, "web.pem"), serial_hex(&d, "web2.pem"));
    let sans = openssl(&d, &["x509", "-in", "web2.pem", "-noout", "-ext", "subjectAltName"]);
    assert!(sans.contains("DNS:web.example.com") && sans.contains("IP Address:10.0.0.7"), "{sans}");
    // A new key, and the old certificate revoked as superseded.
    ok(&d, &["renew", "--ca-dir", "ca", "--new-key", "--revoke", "web2.pem", "-o", "web3"], b"");
    assert_ne!(pub1, openssl(&d, &["x509", "-in", "web3.pem", "-noout", "-pubkey"]), "new key");
    assert_eq!(
        openssl(&d, &["x509", "-in", "web3.pem", "-noout", "-pubkey"]),
        openssl(&d, &["pkey", "-in", "web3-key.pem", "-pubout"])
    );
    let revoked = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--revoked", "--json"], b"")).unwrap();
    assert_eq!(revoked.lines().count(), 1);
    assert!(revoked.contains("superseded"), "{revoked}");
    // Something this CA never issued cannot be renewed.
    make_ca(&d, "ecdsa", 256);
    let out = certkit(&d, &["renew", "--ca-dir", "ca", "ca.pem"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not in ca's ledger"));
}

#[test]
fn rotation_keeps_old_and_new_leaves_valid_through_the_bundle() {
    let d = Dir::new("ledger-rotate");
    init(&d);
    let pass = ["--ca-key-passphrase-file", "pass.txt"];
    d.write("s.csr", csr(&d, "svc"));
    ok(&d, &[&["sign", "--ca-dir", "ca", "s.csr", "-o", "old-leaf"][..], &pass].concat(), b"");
    let old_root = d.read("ca/ca.pem");
    ok(&d, &[&["ca", "rotate", "ca"][..], &pass].concat(), b"");
    assert_ne!(d.read("ca/ca.pem"), old_root);
    assert!(
        d.read("ca/ca-key.pem").starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "the new key stays encrypted"
    );
    ok(&d, &[&["sign", "--ca-dir", "ca", "s.csr", "-o", "new-leaf"][..], &pass].concat(), b"");
    let bundle = ok(&d, &["ca", "bundle", "ca"], b"");
    d.write("bundle.pem", &bundle);
    assert_eq!(String::from_utf8_lossy(&bundle).matches("BEGIN CERTIFICATE").count(), 2);
    for leaf in ["old-leaf.pem", "new-leaf.pem"] {
        let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "bundle.pem", leaf]);
        assert!(v.contains(": OK"), "{leaf}: {v}");
    }
    // A client that still trusts only the old CA accepts the new leaf through cross.pem.
    d.write("old-root.pem", &old_root);
    let v = openssl(&d, &["verify", "-CAfile", "old-root.pem", "-untrusted", "ca/cross.pem", "new-leaf.pem"]);
    assert!(v.contains("new-leaf.pem: OK"), "{v}");
    // The old key is kept, not deleted.
    let prev: Vec<_> = std::fs::read_dir(d.path("ca/previous")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(prev.len(), 1);
    let stamp = prev[0].to_string_lossy().into_owned();

    // Revoking works for leaves of either key: each key signs a CRL for what it signed.
    for leaf in ["old-leaf.pem", "new-leaf.pem"] {
        let hex = serial_hex(&d, leaf);
        ok(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}"), "--reason", "superseded"], b"");
    }
    ok(&d, &[&["gencrl", "--ca-dir", "ca", "-o", "crl"][..], &pass].concat(), b"");
    let old_crl = format!("crl-previous-{stamp}.pem");
    for (leaf, root, crl) in
        [("old-leaf.pem", "old-root.pem", old_crl.as_str()), ("new-leaf.pem", "ca/ca.pem", "crl.pem")]
    {
        let out = run_in(&d, "openssl", &["verify", "-crl_check", "-CAfile", root, "-CRLfile", crl, leaf], b"");
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && text.contains("certificate revoked"), "{leaf}: {text}");
    }
}

#[test]
fn bulk_renewal_of_what_expires_soon() {
    let d = Dir::new("ledger-bulk");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"240h"},"profiles":{"long":{"usages":["digital signature","server auth"],"expiry":"8760h"}}}}"#,
    );
    ok(&d, &["ca", "init", "ca", "--no-encrypt", "--config", "config.json"], br#"{}"#);
    for name in ["a", "b", "c"] {
        d.write(&format!("{name}.csr"), csr(&d, name));
        ok(&d, &["sign", "--ca-dir", "ca", &format!("{name}.csr"), "-o", name], b"");
    }
    d.write("long.csr", csr(&d, "long"));
    ok(&d, &["sign", "--ca-dir", "ca", "-profile", "long", "long.csr", "-o", "long"], b"");
    let out = certkit(&d, &["renew", "--ca-dir", "ca", "--expiring", "15d", "--out-dir", "renewed", "--revoke"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("3 of 3 due certificates renewed"), "{err}");
    assert!(!err.contains('\u{1b}'), "no progress bar without a terminal: {err:?}");
    let renewed: Vec<_> = std::fs::read_dir(d.path("renewed")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(renewed.len(), 3);
    for p in &renewed {
        let v = openssl(&d, &["verify", "-x509_strict", "-CAfile", "ca/ca.pem", p.to_str().unwrap()]);
        assert!(v.contains(": OK"), "{v}");
    }
    let revoked = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--revoked", "--json"], b"")).unwrap();
    assert_eq!(revoked.lines().count(), 3, "the renewed ones were revoked as superseded: {revoked}");
    assert!(!revoked.contains("CN=long"));
}

#[test]
fn kubernetes_signing_through_a_ca_directory_is_recorded() {
    let d = Dir::new("ledger-k8s");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"720h","signer_name":"example.com/serving"}}}"#,
    );
    ok(&d, &["ca", "init", "ca", "--no-encrypt", "--config", "config.json"], br#"{}"#);
    d.write("svc.csr", csr(&d, "svc"));
    let manifest = ok(
        &d,
        &["k8s", "request", "--name", "svc", "--signer", "example.com/serving", "--output", "json", "svc.csr"],
        b"",
    );
    let mut object: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    object["status"] = serde_json::json!({"conditions":[{"type":"Approved","status":"True"}]});
    let out = ok(&d, &["k8s", "sign", "--ca-dir", "ca", "-"], object.to_string().as_bytes());
    let signed: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(signed["status"]["certificate"].is_string());
    let list = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--json"], b"")).unwrap();
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(list.contains("CN=svc"));
}

#[test]
fn review_findings_stay_fixed() {
    let d = Dir::new("ledger-review");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    ok(&d, &["sign", "--ca-dir", "ca", "s.csr", "-o", "svc"], b"");
    // renew --revoke never revokes when the new certificate cannot be written.
    let out = certkit(&d, &["renew", "--ca-dir", "ca", "--new-key", "--revoke", "svc.pem", "-o", "svc"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let revoked = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca", "--revoked"], b"")).unwrap();
    assert_eq!(revoked.lines().count(), 1, "only the header: nothing was revoked: {revoked}");
    // A damaged revocation is not dropped without --accept-loss.
    let hex = serial_hex(&d, "svc.pem");
    ok(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}"), "--reason", "keyCompromise"], b"");
    let mut lines = ledger_lines(&d);
    let last = lines.len() - 1;
    lines[last] = lines[last].replacen("keyCompromise", "keyCompromisE", 1);
    d.write("ca/ledger.log", lines.join("\n") + "\n");
    let out = certkit(&d, &["ca", "repair", "ca"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--accept-loss"));
    ok(&d, &["ca", "repair", "ca", "--accept-loss"], b"");
    // An intermediate is not rotated into a root.
    ok(&d, &["ca", "init", "int", "--no-encrypt", "--intermediate", "--parent", "ca", "-"], br#"{"CN":"Int"}"#);
    let out = certkit(&d, &["ca", "rotate", "int"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("intermediate"));
}

#[test]
fn a_refused_destination_issues_nothing() {
    // Every destination is checked before signing: a certificate that could
    // not be written would sit in the ledger, issued but never handed out.
    let d = Dir::new("ledger-no-orphans");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    // The directory's own config suits its own (EC) keys: no warning.
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr", "-o", "svc"], b"");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "certkit: wrote svc.pem\n");
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr", "-o", "svc"], b"");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "certkit: svc.pem already exists; remove it or pass --force to replace it\n"
    );
    std::fs::create_dir(d.path("batch")).unwrap();
    d.write("batch/a.csr", csr(&d, "a"));
    d.write("batch/b.csr", csr(&d, "b"));
    d.write("batch/b.pem", "in the way");
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "batch"], b"");
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("batch/b.pem already exists"));
    assert!(!d.path("batch/a.pem").exists(), "nothing is signed when one destination is taken");
    let issued = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca"], b"")).unwrap();
    assert_eq!(issued.lines().count(), 2, "the header and svc only: {issued}");
    // A destination in a folder that does not exist: refused before signing.
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr", "-o", "nodir/svc"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write nodir/svc.pem: nodir is not a folder"));
    // Some of several signed: exit 3, the others each named.
    std::fs::create_dir(d.path("mixed")).unwrap();
    d.write("mixed/good.csr", csr(&d, "good"));
    d.write("mixed/junk.csr", "not a CSR");
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "mixed"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(d.path("mixed/good.pem").exists() && err.contains("mixed/junk.csr:"), "{err}");
    assert!(err.ends_with("certkit: 1 of 2 CSRs were signed; the rest were not (see above)\n"), "{err}");
    std::fs::remove_file(d.path("mixed/good.csr")).unwrap();
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "mixed", "--force"], b"");
    assert_eq!(out.status.code(), Some(1));
    let issued = String::from_utf8(ok(&d, &["list", "--ca-dir", "ca"], b"")).unwrap();
    assert_eq!(issued.lines().count(), 3, "the header, svc and good: {issued}");
    // A CSR file with two CSRs is refused, not half signed.
    let two = format!("{}{}", csr(&d, "x"), csr(&d, "y"));
    let out = certkit(&d, &["sign", "--ca-dir", "ca", "-"], two.as_bytes());
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("it holds 2 CSRs"));
    assert_eq!(String::from_utf8(ok(&d, &["list", "--ca-dir", "ca"], b"")).unwrap().lines().count(), 3);
    // RFC 5280 allows certificateHold; the BRs do not, and revoke says so.
    let hex = serial_hex(&d, "svc.pem");
    let out =
        certkit(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}"), "--reason", "certificateHold"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.starts_with("certkit: warning: the CA/B Forum BRs (7.2.2) forbid certificateHold"),
        "{err}"
    );
    let hex = serial_hex(&d, "mixed/good.pem");
    let out =
        certkit(&d, &["revoke", "--ca-dir", "ca", "--serial", &format!("0x{hex}"), "--reason", "keyCompromise"], b"");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_intermediate_directory_signed_through_a_parent_profile() {
    // cfssl's CA policy gives an intermediate no extKeyUsage, CRL or issuer
    // URLs; a CA profile of the parent's config does (the BRs want them).
    let d = Dir::new("ledger-int-profile");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"24h"},"profiles":{
            "issuing":{"usages":["digital signature","cert sign","crl sign","server auth","client auth"],"expiry":"8760h",
                       "ca_constraint":{"is_ca":true,"max_path_len":0,"max_path_len_zero":true},
                       "crl_url":"http://crl.example.com/root.crl","issuer_urls":["http://ca.example.com/root.crt"],
                       "policies":[{"ID":"2.23.140.1.2.1"}]}}}}"#,
    );
    ok(&d, &["ca", "init", "root", "--no-encrypt", "--config", "config.json"], b"");
    let out = certkit(
        &d,
        &["ca", "init", "int", "--no-encrypt", "--intermediate", "--parent", "root", "--profile", "www"],
        b"",
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("profile `www`"));
    let out = certkit(
        &d,
        &["ca", "init", "int", "--no-encrypt", "--intermediate", "--parent", "root", "--profile", "default"],
        b"",
    );
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("does not make CAs"));
    ok(
        &d,
        &["ca", "init", "int", "--no-encrypt", "--intermediate", "--parent", "root", "--profile", "issuing", "-"],
        br#"{"CN":"Issuing CA"}"#,
    );
    let text = openssl(&d, &["x509", "-in", "int/ca.pem", "-noout", "-text"]);
    for want in [
        "CA:TRUE, pathlen:0",
        "TLS Web Server Authentication",
        "http://crl.example.com/root.crl",
        "CA Issuers - URI:http://ca.example.com/root.crt",
        "Policy: 2.23.140.1.2.1",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // Recorded in the parent's ledger as an intermediate, which renewal leaves alone.
    let list = String::from_utf8(ok(&d, &["list", "--ca-dir", "root", "--json"], b"")).unwrap();
    assert!(list.contains("\"profile\":\"intermediate\"") && list.contains("CN=Issuing CA"), "{list}");
    d.write("s.csr", csr(&d, "svc"));
    ok(&d, &["sign", "--ca-dir", "int", "s.csr", "-o", "svc"], b"");
    openssl(&d, &["verify", "-CAfile", "root/ca.pem", "-untrusted", "int/ca.pem", "svc.pem"]);
}

/// Every folder and file under `dir` whose mode lets the group or others in.
fn open_to_others(dir: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            found.push(format!("{} {mode:o}", p.display()));
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
    found.sort();
    found
}

#[test]
fn a_ca_directory_is_private_whatever_the_umask() {
    // Under umask 000 every file certkit makes in a CA directory is still
    // 0600 and every folder 0700: nobody else may rewrite its ledger or config.
    let d = Dir::new("ledger-umask");
    d.write("s.csr", csr(&d, "svc"));
    let bin = env!("CARGO_BIN_EXE_certkit");
    let under_umask_000 = |args: &str| {
        let out = run_in(&d, "sh", &["-c", &format!("umask 000 && exec '{bin}' {args}")], b"");
        assert!(out.status.success(), "certkit {args}: {}", String::from_utf8_lossy(&out.stderr));
    };
    under_umask_000("ca init ca --no-encrypt");
    under_umask_000("sign --ca-dir ca s.csr -o svc");
    under_umask_000("sign --ca-dir ca s.csr -o ca/svc");
    let hex = serial_hex(&d, "svc.pem");
    under_umask_000(&format!("revoke --ca-dir ca --serial 0x{hex}"));
    under_umask_000("gencrl --ca-dir ca -o ca/crl");
    under_umask_000("ca rotate ca");
    under_umask_000("ca init int --no-encrypt --intermediate --parent ca");
    d.write("ca/ledger.state", "stale\n"); // the next signer rebuilds ledger.idx/
    under_umask_000("sign --ca-dir ca s.csr -o ca/svc2");
    assert_eq!(open_to_others(&d.path("ca")), Vec::<String>::new());
    assert_eq!(open_to_others(&d.path("int")), Vec::<String>::new());
    // Outside a CA directory, files keep the usual modes.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(d.path("svc.pem")).unwrap().permissions().mode() & 0o777, 0o644);
}

#[test]
fn a_ca_directory_others_can_write_is_refused() {
    // As ssh's StrictModes: a CA directory, config, ledger or key that
    // another user could write (or owns) could make this CA sign anything;
    // nothing is signed or recorded from it, and the message says the fix.
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new("ledger-strict");
    ok(&d, &["ca", "init", "ca", "--no-encrypt"], br#"{}"#);
    d.write("s.csr", csr(&d, "svc"));
    let lines = ledger_lines(&d).len();
    for (path, mode, fix) in [
        ("ca/ledger.log", 0o666, "chmod go-w ca/ledger.log"),
        ("ca/config.json", 0o646, "chmod go-w ca/config.json"),
        ("ca/ca-key.pem", 0o620, "chmod go-w ca/ca-key.pem"),
        ("ca", 0o777, "chmod go-w ca"),
    ] {
        let before = std::fs::metadata(d.path(path)).unwrap().permissions();
        std::fs::set_permissions(d.path(path), std::fs::Permissions::from_mode(mode)).unwrap();
        for args in [
            &["sign", "--ca-dir", "ca", "s.csr"][..],
            &["revoke", "--ca-dir", "ca", "--serial", "1"],
            &["gencrl", "--ca-dir", "ca"],
            &["ca", "check", "ca"],
        ] {
            let out = certkit(&d, args, b"");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success() && out.stdout.is_empty(), "{path} {mode:o}: {args:?} went ahead: {err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(&format!("{path} is writable by others")) && err.contains(fix), "{err}");
        }
        // Reading is not refused, but warned about.
        for args in [&["list", "--ca-dir", "ca"][..], &["ca", "bundle", "ca"]] {
            let out = certkit(&d, args, b"");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success() && err.starts_with("certkit: warning: ") && err.contains(fix), "{err}");
        }
        std::fs::set_permissions(d.path(path), before).unwrap();
    }
    assert_eq!(ledger_lines(&d).len(), lines, "nothing was recorded");
    // Owned by another user (only root can give a file away).
    if run_in(&d, "id", &["-u"], b"").stdout == b"0\n" {
        std::os::unix::fs::chown(d.path("ca/config.json"), Some(12345), None).unwrap();
        let out = certkit(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("ca/config.json is owned by user 12345"), "{err}");
        std::os::unix::fs::chown(d.path("ca/config.json"), Some(0), None).unwrap();
    }
    ok(&d, &["sign", "--ca-dir", "ca", "s.csr"], b"");
}

/// Issue #22: a subject that uses Unicode bidirectional controls to display
/// as another name (`\u{202e}moc.knab-eruces` shows as `secure-bank.com`).
/// OpenSSL makes the CSR; certkit must show the controls as escapes in
/// `certinfo` (JSON `\u202e`, the same string to a JSON reader), `list` and
/// `expiry`, and refuse to sign it unless the profile sets `allow_bidi_controls`.
#[test]
fn bidi_controls_are_escaped_in_certinfo_and_list_and_refused_at_signing() {
    const BIDI: [char; 12] = [
        '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}',
        '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    let raw = |text: &str| text.chars().find(|c| BIDI.contains(c));
    let d = Dir::new("ledger-bidi");
    init(&d);
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
            "spoof-key.pem",
            "-out",
            "spoof.csr",
            "-utf8",
            "-subj",
            "/CN=\u{202e}moc.knab-eruces/O=Evil Ltd",
        ],
    );

    let info = String::from_utf8(ok(&d, &["certinfo", "-csr", "spoof.csr"], b"")).unwrap();
    assert_eq!(raw(&info), None, "certinfo printed a raw bidi control:\n{info}");
    assert!(info.contains(r#""common_name": "\u202emoc.knab-eruces""#), "{info}");
    let v: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert_eq!(v["subject"]["common_name"], "\u{202e}moc.knab-eruces", "the JSON still carries the value");

    let pass = ["--ca-key-passphrase-file", "pass.txt"];
    let refused = certkit(&d, &[&["sign", "--ca-dir", "ca"][..], &pass, &["spoof.csr"]].concat(), b"");
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert!(!refused.status.success());
    assert_eq!(raw(&stderr), None, "{stderr}");
    assert_eq!(
        stderr,
        "certkit: spoof.csr: CN: `\\u{202e}moc.knab-eruces` holds the bidirectional control U+202E, which can make a name display as another; request a name without it, or set the profile's allow_bidi_controls\n"
    );

    let mut config: serde_json::Value = serde_json::from_str(&d.read("ca/config.json")).unwrap();
    config["signing"]["default"]["allow_bidi_controls"] = true.into();
    d.write("ca/config.json", serde_json::to_string_pretty(&config).unwrap());
    let signed =
        String::from_utf8(ok(&d, &[&["sign", "--ca-dir", "ca"][..], &pass, &["spoof.csr"]].concat(), b"")).unwrap();
    let cert: serde_json::Value = serde_json::from_str(&signed).unwrap();
    d.write("spoof.pem", cert["cert"].as_str().unwrap());
    let info = String::from_utf8(ok(&d, &["certinfo", "-cert", "spoof.pem"], b"")).unwrap();
    assert_eq!(raw(&info), None, "{info}");
    for args in [
        &["list", "--ca-dir", "ca"][..],
        &["list", "--ca-dir", "ca", "--json"],
        &["expiry", "spoof.pem"],
        &["expiry", "--json", "spoof.pem"],
    ] {
        let list = String::from_utf8(ok(&d, args, b"")).unwrap();
        assert_eq!(raw(&list), None, "{args:?} printed a raw bidi control:\n{list}");
        assert!(list.contains("\\u{202e}moc.knab-eruces") || list.contains("\\u202emoc.knab-eruces"), "{list}");
    }
}
