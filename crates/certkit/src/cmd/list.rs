//! `certkit list`: what a CA directory issued.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use certkit_core::ledger::Ledger;

use crate::cadir::{self, CaDir};
use crate::io;

/// List the certificates a CA directory issued: a table, or JSON for scripts.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit list --ca-dir ca/ --expiring 30d\n  certkit list --ca-dir ca/ --revoked --json | jq ."
)]
pub struct Args {
    /// The CA directory.
    #[arg(long, value_name = "DIR")]
    ca_dir: PathBuf,
    /// Only certificates that are valid now and expire within this duration (30d, 720h).
    #[arg(long, value_name = "DURATION")]
    expiring: Option<String>,
    /// Only revoked certificates.
    #[arg(long)]
    revoked: bool,
    /// JSON lines for scripts.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let d = CaDir::new(&a.ca_dir);
    d.warn_modes();
    let ledger = Ledger::parse(&cadir::read_ledger(&d)?)?;
    let now = io::now();
    let window = a.expiring.as_deref().map(|w| certkit_core::duration::parse(w, "--expiring")).transpose()?;
    let mut out = String::new();
    if !a.json {
        out.push_str(&format!("{:<50} {:<21} {:<9} {}\n", "SERIAL", "NOT AFTER", "STATUS", "SUBJECT / SANS"));
    }
    for i in ledger.issued() {
        let revocation = ledger.revocation(&i.serial);
        let not_after = i.not_after_time();
        let expired = not_after.is_some_and(|t| t < now);
        let status = match (revocation, expired) {
            (Some(_), _) => "revoked",
            (None, true) => "expired",
            _ => "valid",
        };
        if a.revoked && revocation.is_none() {
            continue;
        }
        if let Some(w) = window
            && (status != "valid" || not_after.is_none_or(|t| t > now.saturating_add(w)))
        {
            continue;
        }
        if a.json {
            let mut v = serde_json::to_value(i)?;
            if let Some(o) = v.as_object_mut() {
                o.remove("cert");
                o.remove("csr");
                o.insert("status".into(), status.into());
                if let Some((when, why)) = revocation {
                    o.insert("revoked_at".into(), when.into());
                    o.insert("reason".into(), why.into());
                }
            }
            out.push_str(&io::terminal_json(serde_json::to_string(&v)?));
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{:<50} {:<21} {:<9} {} {}\n",
                i.serial,
                i.not_after,
                status,
                certkit_core::escape::shown(&i.subject),
                certkit_core::escape::shown(&i.sans.join(","))
            ));
        }
    }
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
