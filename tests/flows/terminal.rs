//! What a person sees: a spinner on a terminal for slow work, nothing
//! decorative when output is not a terminal; and the demo.

use std::process::Command;

use crate::common::*;

#[test]
fn spinner_only_on_a_terminal() {
    let d = Dir::new("spinner");
    d.write("rsa.json", r#"{"CN":"slow","key":{"algo":"rsa","size":4096}}"#);
    // script(1) gives the command a pseudo-terminal and copies what it draws.
    let cmd = format!("{} genkey rsa.json -o tty", env!("CARGO_BIN_EXE_certkit"));
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(&d.0)
        .output()
        .expect("script(1) from util-linux");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("generating an RSA 4096 key"), "no spinner on a terminal: {screen:?}");
    assert!(screen.contains('\u{1b}'), "the spinner redraws with escape sequences: {screen:?}");

    // The same with pipes: no spinner, no escape sequences.
    let out = certkit(&d, &["genkey", "rsa.json", "-o", "pipe"], b"");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("generating") && !err.contains('\u{1b}'), "{err:?}");
    assert!(d.path("pipe-key.pem").exists() && d.path("tty-key.pem").exists());
}

#[test]
fn demo_runs_the_recipe_and_openssl_agrees() {
    let d = Dir::new("demo");
    let out = certkit(&d, &["demo", "--dir", "run"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("openssl: ") && text.contains("ca-signed-server.pem: OK"), "{text}");
    let v = openssl(
        &d,
        &["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "run/ca.pem", "run/ca-signed-server.pem"],
    );
    assert!(v.contains(": OK"), "{v}");
    // A second run refuses to reuse the folder.
    let again = certkit(&d, &["demo", "--dir", "run"], b"");
    assert_eq!(again.status.code(), Some(1));
}
