//! `certkit expiry`: find certificates that expire soon, anywhere on disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use certkit_core::expiry::{self, Found};

use crate::io;

/// Report certificates that expire within a window: PEM/DER files, bundles,
/// kubeconfigs (embedded base64 certificates), or folders of them. Exits 4
/// when one expires within the window (1 is an error, such as a path that
/// cannot be read) — for cron and CI.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit expiry --within 30d /etc/kubernetes/pki ~/.kube/config\n  certkit expiry --json certs/ | jq ."
)]
pub struct Args {
    /// The window (30d, 720h).
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    within: String,
    /// JSON lines for scripts.
    #[arg(long)]
    json: bool,
    /// Files or folders (searched recursively).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let window = certkit_core::duration::parse(&a.within, "--within")?;
    let now = io::now();
    let mut files = Vec::new();
    for p in &a.paths {
        collect(p, &mut files, 0)?;
    }
    let mut found: Vec<(PathBuf, Found)> = Vec::new();
    for f in &files {
        // Unreadable, huge or foreign files are skipped quietly: a folder holds keys, configs, scripts.
        if std::fs::metadata(f).map(|m| m.len() > 16 * 1024 * 1024).unwrap_or(true) {
            continue;
        }
        let Ok(bytes) = std::fs::read(f) else { continue };
        for c in expiry::certificates(&bytes) {
            found.push((f.clone(), c));
        }
    }
    found.sort_by_key(|(_, c)| c.not_after);
    if found.is_empty() {
        bail!(
            "no certificates found in {}",
            a.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let mut soon = 0usize;
    let mut out = String::new();
    if !a.json {
        out.push_str(&format!("{:<21} {:<9} {:<40} {}\n", "NOT AFTER", "STATUS", "SUBJECT", "FILE"));
    }
    for (file, c) in &found {
        let status = expiry::status(c, now, window);
        if status != "valid" {
            soon += 1;
        }
        if a.json {
            out.push_str(&io::terminal_json(serde_json::to_string(&serde_json::json!({
                "file": file.display().to_string(),
                "subject": c.subject,
                "serial": c.serial,
                "not_after": c.not_after.rfc3339(),
                "status": status,
            }))?));
            out.push('\n');
        } else {
            out.push_str(&format!(
                "{:<21} {:<9} {:<40} {}\n",
                c.not_after.rfc3339(),
                status,
                certkit_core::escape::shown(&c.subject),
                file.display()
            ));
        }
    }
    use std::io::Write;
    std::io::stdout().lock().write_all(out.as_bytes())?;
    if soon > 0 {
        eprintln!("certkit: {soon} of {} certificates expire within {} or have expired", found.len(), a.within);
        return Ok(ExitCode::from(crate::exit::FOUND));
    }
    Ok(ExitCode::SUCCESS)
}

fn collect(p: &Path, files: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    let meta = std::fs::metadata(p).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?;
    if meta.is_file() {
        files.push(p.to_path_buf());
    } else if meta.is_dir() && depth < 16 {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for e in entries {
            // Links to folders are not followed (they can loop); links to files are.
            let is_link = std::fs::symlink_metadata(&e).map(|m| m.file_type().is_symlink()).unwrap_or(true);
            if e.is_file() || (e.is_dir() && !is_link) {
                collect(&e, files, depth + 1)?;
            }
        }
    }
    Ok(())
}
