//! `certkit`: an offline CA that speaks cfssl.
//!
//! This binary only translates between the command line and
//! `certkit-core`: it reads files and standard input, asks for passphrases,
//! writes files atomically, and prints cfssl's JSON. Every decision about
//! what goes into a key, CSR or certificate is made in the core.

mod cadir;
mod cmd;
mod io;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// An offline CA that speaks cfssl: keys, CSRs and certificates for TLS in Kubernetes.
#[derive(Parser, Debug)]
#[command(name = "certkit", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "cfssl's single-dash long flags work too: `certkit sign -ca ca.pem -ca-key ca-key.pem csr.pem`.\n\
Exit codes: 0 success, 1 error (one line on stderr, starting with `certkit:`), 2 bad usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Genkey(cmd::genkey::Args),
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
    /// Print certkit's version (`certkit version`).
    Version,
}

fn main() -> ExitCode {
    let args = normalize_args(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Genkey(a) => cmd::genkey::run(a),
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
        Command::Version => {
            println!("certkit {}", certkit_core::VERSION);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "certkit: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Turns cfssl's single-dash long flags (`-ca-key x`, `-initca`) into GNU
/// ones, for the flags the chosen subcommand defines. Anything else — `-`,
/// short flags, values — is left alone.
fn normalize_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // Walk down the subcommands named by the leading words (`k8s sign`).
    let mut sub = Cli::command();
    let mut pos = 0;
    for (i, a) in args.iter().enumerate().skip(1) {
        let s = a.to_string_lossy();
        if s.starts_with('-') {
            break;
        }
        match sub.find_subcommand(s.as_ref()) {
            Some(next) => {
                sub = next.clone();
                pos = i;
            }
            None => break,
        }
    }
    if pos == 0 {
        return args;
    }
    let longs: Vec<String> = sub
        .get_arguments()
        .flat_map(|a| a.get_long_and_visible_aliases().unwrap_or_default())
        .map(str::to_string)
        .chain(["help".to_string()])
        .collect();
    let mut out = args[..=pos].to_vec();
    let mut after_double_dash = false;
    for a in &args[pos + 1..] {
        let s = a.to_string_lossy();
        if after_double_dash {
            out.push(a.clone());
            continue;
        }
        if s == "--" {
            after_double_dash = true;
            out.push(a.clone());
            continue;
        }
        if let Some(rest) = s.strip_prefix('-').filter(|r| !r.starts_with('-') && r.len() > 1) {
            let name = rest.split('=').next().unwrap_or(rest);
            if longs.iter().any(|l| l == name) {
                out.push(format!("--{rest}").into());
                continue;
            }
        }
        out.push(a.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_args(args.iter().map(Into::into).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
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
        // Unknown words and short flags are left for clap to judge.
        assert_eq!(norm(&["certkit", "sign", "-xyz", "-o", "n"]), ["certkit", "sign", "-xyz", "-o", "n"]);
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
