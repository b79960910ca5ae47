//! `certkit`: an offline CA that speaks cfssl.
//!
//! This binary only translates between the command line and
//! `certkit-core`: it reads files and standard input, asks for passphrases,
//! writes files atomically, and prints cfssl's JSON. Every decision about
//! what goes into a key, CSR or certificate is made in the core.

/// `eprintln!` that never panics (std's does when stderr cannot be
/// written): a closed or full stderr must not turn a command that did its
/// work into a crash. Defined before the modules, so it is the one they use.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod batch;
mod cadir;
mod cakey;
mod cmd;
mod exit;
mod hints;
mod io;
#[cfg(feature = "pkcs11")]
mod token;
#[cfg(not(feature = "pkcs11"))]
#[path = "token/disabled.rs"]
mod token;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// An offline CA that speaks cfssl: keys, CSRs and certificates for TLS in Kubernetes.
#[derive(Parser, Debug)]
#[command(name = "certkit", version, about, long_about = None, propagate_version = true)]
#[command(after_help = after_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn after_help() -> String {
    format!(
        "cfssl's single-dash long flags work too: `certkit sign -ca ca.pem -ca-key ca-key.pem csr.pem`.\n\n{}",
        exit::TABLE
    )
}

#[derive(Subcommand, Debug)]
enum Command {
    Genkey(cmd::genkey::Args),
    Gencsr(cmd::gencsr::Args),
    Gencert(cmd::gencert::Args),
    Sign(cmd::sign::Args),
    Certinfo(cmd::certinfo::Args),
    Cfssljson(cmd::cfssljson::Args),
    PrintDefaults(cmd::print_defaults::Args),
    Demo(cmd::demo::Args),
    K8s(cmd::k8s::Args),
    Ca(cmd::ca::Args),
    Revoke(cmd::revoke::Args),
    Gencrl(cmd::gencrl::Args),
    List(cmd::list::Args),
    Expiry(cmd::expiry::Args),
    Renew(cmd::renew::Args),
    Aliases(cmd::aliases::Args),
    Pkcs12(cmd::pkcs12::Args),
    Verify(cmd::verify::Args),
    Completion(cmd::completion::CompletionArgs),
    Man(cmd::completion::ManArgs),
    /// Print certkit's version, the commit and target it was built from, and whether it can use tokens.
    Version,
}

fn main() -> ExitCode {
    // The command tree is built once (clap builds it for every parse, and
    // it is most of a short command's start-up).
    let mut command = Cli::command();
    let args = match as_invoked(std::env::args_os().collect()).and_then(|a| normalize_args(&command, a)) {
        Ok(args) => args,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "certkit: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let parsed = command.try_get_matches_from_mut(args).and_then(|m| {
        use clap::FromArgMatches;
        Cli::from_arg_matches(&m)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::DONE };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Genkey(a) => cmd::genkey::run(a),
        Command::Gencsr(a) => cmd::gencsr::run(a),
        Command::Gencert(a) => cmd::gencert::run(a),
        Command::Sign(a) => cmd::sign::run(a),
        Command::Certinfo(a) => cmd::certinfo::run(a),
        Command::Cfssljson(a) => cmd::cfssljson::run(a),
        Command::PrintDefaults(a) => cmd::print_defaults::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::K8s(a) => cmd::k8s::run(a),
        Command::Ca(a) => cmd::ca::run(a),
        Command::Revoke(a) => cmd::revoke::run(a),
        Command::Gencrl(a) => cmd::gencrl::run(a),
        Command::List(a) => cmd::list::run(a),
        Command::Expiry(a) => cmd::expiry::run(a),
        Command::Renew(a) => cmd::renew::run(a),
        Command::Aliases(a) => cmd::aliases::run(a),
        Command::Pkcs12(a) => cmd::pkcs12::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Completion(a) => cmd::completion::completion(a, Cli::command()),
        Command::Man(a) => cmd::completion::man(a, Cli::command()),
        Command::Version => version(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if io::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "certkit: {}", hints::message(&e));
            ExitCode::from(exit::ERROR)
        }
    }
}

/// `certkit version`: the version (the first line, alone, as scripts read
/// it), then what the binary was built from and whether it can use tokens.
fn version() -> anyhow::Result<ExitCode> {
    let linking = if cfg!(target_feature = "crt-static") { "statically linked" } else { "dynamically linked" };
    let tokens = if cfg!(feature = "pkcs11") {
        "yes (CA keys in hardware tokens through PKCS#11 modules)"
    } else {
        "no (this build cannot load PKCS#11 modules; certkit-pkcs11 can)"
    };
    io::outln(format_args!(
        "certkit {}\ncommit: {}\ntarget: {} ({linking})\npkcs11: {tokens}",
        certkit_core::VERSION,
        env!("CERTKIT_COMMIT"),
        env!("CERTKIT_TARGET"),
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// cfssl's commands that certkit has no counterpart for, and why.
const CFSSL_ELSEWHERE: &[(&str, &str)] = &[
    ("serve", "certkit is an offline CA: it runs no API server"),
    ("ocspsign", "certkit runs no OCSP responder; publish CRLs with `certkit gencrl`"),
    ("ocspserve", "certkit runs no OCSP responder; publish CRLs with `certkit gencrl`"),
    ("ocspdump", "certkit runs no OCSP responder; publish CRLs with `certkit gencrl`"),
    ("ocsprefresh", "certkit runs no OCSP responder; publish CRLs with `certkit gencrl`"),
    (
        "crl",
        "certkit keeps no certificate database; `certkit gencrl --ca-dir DIR` makes the CRL from the CA directory's ledger",
    ),
    ("info", "certkit signs offline and has no remote signer to ask; see `certkit print-defaults`"),
    ("scan", "certkit does not scan hosts"),
    (
        "bundle",
        "certkit does not build bundles from a trust store; `certkit ca bundle DIR` prints a CA directory's trust bundle",
    ),
    ("selfsign", "certkit makes self-signed certificates only as CAs: `certkit gencert -initca`"),
];

/// The tool certkit was invoked as, by argv[0]'s file name (`certkit
/// aliases DIR` makes the links): `cfssljson` and `cfssl-certinfo` are the
/// commands of those names, `cfssl` is certkit with cfssl's command names.
fn as_invoked(mut args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let Some(first) = args.first() else { return Ok(args) };
    let name = std::path::Path::new(first).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match name.strip_suffix(".exe").unwrap_or(&name) {
        "cfssljson" => args.insert(1, "cfssljson".into()),
        "cfssl-certinfo" => args.insert(1, "certinfo".into()),
        "cfssl" => {
            let sub = args.get(1).map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some((_, why)) = CFSSL_ELSEWHERE.iter().find(|(c, _)| *c == sub) {
                return Err(format!("`cfssl {sub}` has no counterpart in certkit: {why}"));
            }
        }
        _ => return Ok(args),
    }
    args[0] = "certkit".into();
    Ok(args)
}

/// Turns cfssl's single-dash long flags (`-ca-key x`, `-initca`, Go's
/// `-initca=true`) into GNU ones, for the flags the chosen subcommand
/// defines; drops cfssl's global `-loglevel` (certkit logs nothing) and
/// takes `sign -csr FILE` as the CSR argument. Any other single-dash word
/// longer than one letter (not a number) is refused by name, rather than
/// read by clap as short flags — `-hostname` on a command without it would
/// be `-h` (help, exit 0), `-output` would be `-o utput`. Values of flags,
/// `-`, one-letter flags and everything after `--` are left alone.
fn normalize_args(root: &clap::Command, args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    // Walk down the subcommands named by the leading words (`k8s sign`).
    let mut sub = root;
    let mut pos = 0;
    for (i, a) in args.iter().enumerate().skip(1) {
        let s = a.to_string_lossy();
        if s.starts_with('-') {
            break;
        }
        match sub.find_subcommand(s.as_ref()) {
            Some(next) => {
                sub = next;
                pos = i;
            }
            None => break,
        }
    }
    if pos == 0 {
        return Ok(args);
    }
    let command = args[1..=pos].iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
    let find = |name: &str| {
        sub.get_arguments().find(|a| a.get_long_and_visible_aliases().unwrap_or_default().contains(&name)).cloned()
    };
    let mut out = args[..=pos].to_vec();
    let mut rest = args[pos + 1..].iter();
    while let Some(a) = rest.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            out.push(a.clone());
            out.extend(rest.cloned());
            break;
        }
        if let Some(long) = s.strip_prefix("--") {
            // A GNU flag: its value, if it takes one and `=` does not hold it, follows.
            let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v)));
            out.push(a.clone());
            if value.is_none() && find(name).is_some_and(|f| f.get_action().takes_values()) {
                out.extend(rest.next().cloned());
            }
            continue;
        }
        let Some(flag) = s.strip_prefix('-').filter(|r| r.len() > 1) else {
            out.push(a.clone()); // `-`, `-o`, or a word
            continue;
        };
        let (name, value) = flag.split_once('=').map_or((flag, None), |(n, v)| (n, Some(v)));
        if name == "loglevel" {
            // cfssl's global flag; certkit logs nothing to tune.
            if value.is_none() {
                rest.next();
            }
            continue;
        }
        if name == "csr" && command == "sign" {
            // cfssl sign's `-csr FILE`: the CSR argument.
            match value {
                Some(v) => out.push(v.into()),
                None => out.extend(rest.next().cloned()),
            }
            continue;
        }
        if let Some(f) = find(name) {
            let long = f.get_long().unwrap_or(name);
            if matches!(f.get_action(), clap::ArgAction::SetTrue) {
                // Go's boolean flags take `-flag=true` and `-flag=false`.
                match value.map(go_bool) {
                    None | Some(Some(true)) => out.push(format!("--{long}").into()),
                    Some(Some(false)) => {}
                    Some(None) => return Err(format!("-{flag}: -{name} is true or false, as in -{name}=true")),
                }
            } else {
                out.push(format!("--{flag}").into());
                if value.is_none() && f.get_action().takes_values() {
                    out.extend(rest.next().cloned());
                }
            }
            continue;
        }
        if flag.parse::<f64>().is_ok() {
            out.push(a.clone()); // a number
            continue;
        }
        return Err(unknown_flag(&command, name));
    }
    Ok(out)
}

/// Go's strconv.ParseBool, which cfssl's flags use.
fn go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The error for a single-dash flag `certkit COMMAND` does not have.
fn unknown_flag(command: &str, name: &str) -> String {
    const SERVER: &[&str] =
        &["remote", "db-config", "label", "tls-remote-ca", "mutual-tls-client-cert", "mutual-tls-client-key"];
    if SERVER.contains(&name) {
        format!(
            "-{name} is a flag of cfssl's remote signer and database, which certkit does not have: it signs here, offline, with -ca/-ca-key or --ca-dir"
        )
    } else {
        format!("-{name} is not a flag of `certkit {command}`; see `certkit {command} --help`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_args(&Cli::command(), args.iter().map(Into::into).collect())
            .unwrap()
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    fn refused(args: &[&str]) -> String {
        normalize_args(&Cli::command(), args.iter().map(Into::into).collect()).unwrap_err()
    }

    #[test]
    fn cfssl_single_dash_flags() {
        assert_eq!(
            norm(&["certkit", "sign", "-ca", "ca.pem", "-ca-key=k.pem", "-config", "c.json", "-"]),
            ["certkit", "sign", "--ca", "ca.pem", "--ca-key=k.pem", "--config", "c.json", "-"]
        );
        assert_eq!(norm(&["certkit", "gencert", "-initca", "-"]), ["certkit", "gencert", "--initca", "-"]);
        assert_eq!(norm(&["certkit", "cfssljson", "-bare", "ca"]), ["certkit", "cfssljson", "--bare", "ca"]);
        assert_eq!(norm(&["certkit", "k8s", "sign", "-ca", "c", "-"]), ["certkit", "k8s", "sign", "--ca", "c", "-"]);
        // One-letter flags, their values and numbers are left for clap to judge.
        assert_eq!(norm(&["certkit", "sign", "-o", "n", "-h", "x.csr"]), ["certkit", "sign", "-o", "n", "-h", "x.csr"]);
        assert_eq!(norm(&["certkit", "k8s", "request", "--expiration-seconds", "-600"]).last().unwrap(), "-600");
    }

    #[test]
    fn cfssl_flag_forms() {
        // Go's boolean forms.
        assert_eq!(norm(&["certkit", "gencert", "-initca=true", "-"]), ["certkit", "gencert", "--initca", "-"]);
        assert_eq!(norm(&["certkit", "gencert", "-initca=false", "c.json"]), ["certkit", "gencert", "c.json"]);
        assert!(refused(&["certkit", "gencert", "-initca=yes", "-"]).contains("true or false"));
        // The global -loglevel, with its value in either form.
        assert_eq!(
            norm(&["certkit", "gencert", "-loglevel", "5", "-initca", "-"]),
            ["certkit", "gencert", "--initca", "-"]
        );
        assert_eq!(norm(&["certkit", "sign", "-loglevel=0", "x.csr"]), ["certkit", "sign", "x.csr"]);
        // sign's -csr FILE is the CSR argument.
        assert_eq!(norm(&["certkit", "sign", "-ca", "c", "-csr", "x.csr"]), ["certkit", "sign", "--ca", "c", "x.csr"]);
        assert_eq!(norm(&["certkit", "sign", "-csr=x.csr"]), ["certkit", "sign", "x.csr"]);
        // A value that looks like a flag stays a value.
        assert_eq!(
            norm(&["certkit", "sign", "-hostname", "-odd", "x.csr"]),
            ["certkit", "sign", "--hostname", "-odd", "x.csr"]
        );
        assert_eq!(
            norm(&["certkit", "sign", "--profile", "-csr", "x.csr"]),
            ["certkit", "sign", "--profile", "-csr", "x.csr"]
        );
    }

    #[test]
    fn unknown_single_dash_flags_are_named() {
        assert_eq!(
            refused(&["certkit", "gencert", "-csr", "x"]),
            "-csr is not a flag of `certkit gencert`; see `certkit gencert --help`"
        );
        assert!(refused(&["certkit", "sign", "-remote", "h:8888", "x.csr"]).contains("offline"));
        assert!(
            refused(&["certkit", "k8s", "sign", "-frobnicate", "x"])
                .starts_with("-frobnicate is not a flag of `certkit k8s sign`")
        );
        // Not read as -h (help, exit 0) or as -o with a value.
        assert_eq!(
            refused(&["certkit", "genkey", "-hostname", "a", "w.json"]),
            "-hostname is not a flag of `certkit genkey`; see `certkit genkey --help`"
        );
        assert!(
            refused(&["certkit", "gencert", "-hosts", "a", "w.json"])
                .starts_with("-hosts is not a flag of `certkit gencert`")
        );
        assert!(
            refused(&["certkit", "sign", "-output", "x", "w.csr"])
                .starts_with("-output is not a flag of `certkit sign`")
        );
        assert!(refused(&["certkit", "cfssljson", "-foo"]).starts_with("-foo is not a flag of `certkit cfssljson`"));
    }

    #[test]
    fn invoked_as_cfssl_cfssljson_or_cfssl_certinfo() {
        let as_ = |args: &[&str]| -> Result<Vec<String>, String> {
            as_invoked(args.iter().map(Into::into).collect())
                .map(|v| v.into_iter().map(|a| a.to_string_lossy().into_owned()).collect())
        };
        assert_eq!(as_(&["/usr/local/bin/cfssljson", "-bare", "ca"]).unwrap(), ["certkit", "cfssljson", "-bare", "ca"]);
        assert_eq!(as_(&["cfssl-certinfo", "-cert", "x.pem"]).unwrap(), ["certkit", "certinfo", "-cert", "x.pem"]);
        assert_eq!(as_(&["./cfssl", "sign", "-ca", "c"]).unwrap(), ["certkit", "sign", "-ca", "c"]);
        assert_eq!(as_(&["certkit", "sign"]).unwrap(), ["certkit", "sign"]);
        assert_eq!(as_(&["my-certkit", "sign"]).unwrap(), ["my-certkit", "sign"]);
        let e = as_(&["cfssl", "serve", "-port", "8888"]).unwrap_err();
        assert_eq!(e, "`cfssl serve` has no counterpart in certkit: certkit is an offline CA: it runs no API server");
        // cfssl's commands certkit has all exist.
        let cli = Cli::command();
        for c in ["genkey", "gencert", "sign", "certinfo", "gencrl", "print-defaults", "revoke", "version"] {
            assert!(cli.find_subcommand(c).is_some(), "{c}");
        }
        for (c, _) in CFSSL_ELSEWHERE {
            assert!(cli.find_subcommand(c).is_none(), "{c} exists now: take it out of CFSSL_ELSEWHERE");
        }
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
