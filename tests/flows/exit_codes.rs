//! certkit's exit codes: the README's table is the one `--help` prints, and
//! each code is what the commands it names exit with.

use crate::common::{Dir, certkit, make_ca, ok, split};

/// (code, meaning) rows of the README's exit-code table.
fn readme_table() -> Vec<(u8, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let section = readme.split("## Exit codes").nth(1).unwrap().split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").map(str::trim).collect();
            Some((cells.first()?.parse().ok()?, cells.get(1)?.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_and_help_give_one_table() {
    let d = Dir::new("exit-table");
    let help = String::from_utf8(ok(&d, &["--help"], b"")).unwrap();
    let table = help.split("Exit codes:\n").nth(1).expect("--help ends with the exit codes");
    // clap wraps long lines: a line without a code continues the one before.
    let mut from_help: Vec<(u8, String)> = Vec::new();
    for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once("  ").and_then(|(c, t)| Some((c.parse::<u8>().ok()?, t))) {
            Some((code, text)) => from_help.push((code, text.trim().to_string())),
            None => {
                let last = from_help.last_mut().expect("a code first");
                last.1.push(' ');
                last.1.push_str(line);
            }
        }
    }
    assert_eq!(from_help, readme_table());
    assert_eq!(from_help.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
}

#[test]
fn each_code_is_what_its_commands_exit_with() {
    let d = Dir::new("exit-codes");
    make_ca(&d, "ecdsa", 256);
    let code = |args: &[&str]| certkit(&d, args, b"").status.code();
    assert_eq!(code(&["version"]), Some(0));
    assert_eq!(code(&["certinfo", "-cert", "missing.pem"]), Some(1));
    assert_eq!(code(&["sign", "--no-such-flag"]), Some(2));
    assert_eq!(code(&["sign", "-no-such-flag"]), Some(2));
    // 3: some of several.
    let json = ok(&d, &["genkey", "-"], br#"{"CN":"a"}"#);
    split(&d, &json, "a");
    d.write("junk.csr", "not a CSR");
    assert_eq!(
        code(&["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "--out-dir", "out", "a.csr", "junk.csr"]),
        Some(3)
    );
    // 4: expiry found one expiring (1: could not look); 0: nothing due.
    assert_eq!(code(&["expiry", "--within", "10000d", "ca.pem"]), Some(4));
    assert_eq!(code(&["expiry", "--within", "1d", "ca.pem"]), Some(0));
    assert_eq!(code(&["expiry", "--within", "1d", "nowhere"]), Some(1));
    // 4: ca check found a damaged line; 0 when intact, 1 when not a CA directory.
    ok(&d, &["ca", "init", "cadir", "--no-encrypt"], b"");
    assert_eq!(code(&["ca", "check", "cadir"]), Some(0));
    let mut ledger = d.read("cadir/ledger.log");
    ledger.push_str("{\"damaged\":true}\n");
    d.write("cadir/ledger.log", ledger);
    assert_eq!(code(&["ca", "check", "cadir"]), Some(4));
    assert_eq!(code(&["ca", "check", "nowhere"]), Some(1));
}

#[test]
fn renew_expiring_that_renews_some_exits_3() {
    let d = Dir::new("exit-renew");
    d.write(
        "config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"240h"},
            "profiles":{"short":{"usages":["digital signature","client auth"],"expiry":"240h"}}}}"#,
    );
    ok(&d, &["ca", "init", "ca", "--no-encrypt", "--config", "config.json"], b"");
    for (name, profile) in [("one", "default"), ("two", "short")] {
        let json = ok(&d, &["genkey", "-"], format!(r#"{{"CN":"{name}"}}"#).as_bytes());
        split(&d, &json, name);
        ok(
            &d,
            &["sign", "--ca-dir", "ca", "--profile", profile, &format!("{name}.csr"), "-o", &format!("{name}-cert")],
            b"",
        );
    }
    // The `short` profile is gone from the config: its certificate cannot be renewed.
    d.write(
        "ca/config.json",
        r#"{"signing":{"default":{"usages":["digital signature","server auth"],"expiry":"240h"}}}"#,
    );
    let out = certkit(&d, &["renew", "--ca-dir", "ca", "--expiring", "30d", "--out-dir", "renewed"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("1 of 2 due certificates were renewed; the rest were not (see above)"), "{err}");
    assert_eq!(std::fs::read_dir(d.path("renewed")).unwrap().count(), 1);
}
