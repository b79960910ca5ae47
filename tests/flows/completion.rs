//! Shell completion and man pages, generated from the clap definitions.

use std::process::Command;

use crate::common::{Dir, ok};

/// What bash completes for `words` (the last one being typed).
fn complete(script: &str, words: &[&str]) -> Vec<String> {
    let program = format!(
        "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"{line}\"; COMP_POINT=${{#COMP_LINE}}\n_certkit certkit \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
        cword = words.len() - 1,
        line = words.join(" "),
    );
    let out = Command::new("bash").args(["-c", &program]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_commands_and_flags() {
    let d = Dir::new("completion");
    let script = String::from_utf8(ok(&d, &["completion", "bash"], b"")).unwrap();
    d.write("certkit.bash", &script);
    let syntax = Command::new("bash").args(["-n", "certkit.bash"]).current_dir(&d.0).output().unwrap();
    assert!(syntax.status.success(), "{}", String::from_utf8_lossy(&syntax.stderr));
    assert_eq!(complete(&script, &["certkit", "si"]), ["sign"]);
    let flags = complete(&script, &["certkit", "sign", "--ca-"]);
    assert!(flags.contains(&"--ca-dir".to_string()) && flags.contains(&"--ca-key".to_string()), "{flags:?}");
    assert!(complete(&script, &["certkit", "k8s", ""]).contains(&"sign".to_string()));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let s = String::from_utf8(ok(&d, &["completion", shell], b"")).unwrap();
        assert!(s.contains("certkit") && s.contains("ca-key"), "{shell}");
    }
}

#[test]
fn every_command_has_a_man_page_that_man_renders() {
    let d = Dir::new("man");
    ok(&d, &["man", "pages"], b"");
    let mut pages: Vec<String> = std::fs::read_dir(d.path("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in ["certkit.1", "certkit-sign.1", "certkit-k8s-sign.1", "certkit-ca-init.1", "certkit-cfssljson.1"] {
        assert!(pages.contains(&expected.to_string()), "{expected} missing: {pages:?}");
    }
    for page in &pages {
        let out = Command::new("man")
            .args(["-l", &format!("pages/{page}")])
            .current_dir(&d.0)
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("NAME") && text.contains("SYNOPSIS"), "{page}: {text}");
        // troff may not fit a long unbreakable word (a URI) in 80 columns; anything else is a bad page.
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.lines().all(|l| l.contains("cannot adjust line")), "{page}: {err}");
    }
    let sign = Command::new("man").args(["-l", "pages/certkit-sign.1"]).current_dir(&d.0).output().unwrap();
    assert!(String::from_utf8_lossy(&sign.stdout).contains("--ca-key"));
    // The pages exist now: a second run without --force changes nothing.
    let out = crate::common::certkit(&d, &["man", "pages"], b"");
    assert_eq!(out.status.code(), Some(1));
}
