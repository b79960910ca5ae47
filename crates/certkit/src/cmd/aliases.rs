//! `certkit aliases DIR`: the links that make certkit answer to cfssl's
//! names — `cfssl`, `cfssljson` and `cfssl-certinfo` — so that scripts and
//! tutorials written for cfssl run with no word changed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

/// The names certkit answers to, besides its own.
pub const NAMES: [&str; 3] = ["cfssl", "cfssljson", "cfssl-certinfo"];

/// Make the links cfssl, cfssljson and cfssl-certinfo to this certkit in DIR
/// (put DIR early in PATH): invoked by those names, certkit is those tools.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit aliases ~/.local/bin && cfssl version && cfssljson --help")]
pub struct Args {
    /// The folder for the links (made if missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Replace files of those names that are not already links to this certkit.
    #[arg(long)]
    force: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let target = std::env::current_exe().context("cannot find this certkit's own path")?;
    let target = target.canonicalize().unwrap_or(target);
    std::fs::create_dir_all(&a.dir).with_context(|| format!("cannot make {}", a.dir.display()))?;
    // Check every name before making any, so that a refusal leaves nothing half done.
    let mut todo = Vec::new();
    for name in NAMES {
        let link = a.dir.join(name);
        match std::fs::symlink_metadata(&link) {
            Err(_) => todo.push(link),
            Ok(_) if points_to(&link, &target) => {
                eprintln!("certkit: {} already links to {}", link.display(), target.display())
            }
            Ok(_) if a.force => todo.push(link),
            Ok(_) => bail!(
                "{} exists and is not a link to this certkit; remove it or pass --force to replace it",
                link.display()
            ),
        }
    }
    for link in todo {
        if std::fs::symlink_metadata(&link).is_ok() {
            std::fs::remove_file(&link).with_context(|| format!("cannot replace {}", link.display()))?;
        }
        make_link(&target, &link)?;
        eprintln!("certkit: {} -> {}", link.display(), target.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn points_to(link: &Path, target: &Path) -> bool {
    std::fs::read_link(link)
        .ok()
        .and_then(|t| link.parent().map(|p| p.join(t)))
        .and_then(|t| t.canonicalize().ok())
        .as_deref()
        == Some(target)
}

#[cfg(unix)]
fn make_link(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link).with_context(|| format!("cannot make the link {}", link.display()))
}

#[cfg(not(unix))]
fn make_link(target: &Path, link: &Path) -> Result<()> {
    std::fs::copy(target, link).map(drop).with_context(|| format!("cannot copy certkit to {}", link.display()))
}
