//! `certkit completion SHELL` and `certkit man DIR`: shell completion and
//! man pages, generated from the same clap definitions as `--help`
//! (clap_complete, clap_mangen), so they cannot drift from the flags.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Command;

use crate::io::{self, Output};

/// Print a shell completion script.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  certkit completion bash > /etc/bash_completion.d/certkit
  certkit completion zsh > \"${fpath[1]}/_certkit\"
  certkit completion fish > ~/.config/fish/completions/certkit.fish")]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Write man pages: certkit.1 and one per command (certkit-sign.1, certkit-k8s-sign.1, …).
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit man /usr/local/share/man/man1 && man certkit-sign")]
pub struct ManArgs {
    /// The folder for the pages (made if missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Replace pages that already exist.
    #[arg(long)]
    force: bool,
}

pub fn completion(a: CompletionArgs, mut cli: Command) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cli, "certkit", &mut script);
    io::out(format_args!("{}", String::from_utf8_lossy(&script)))?;
    Ok(ExitCode::SUCCESS)
}

/// A man page for `cmd` and every subcommand below it, named by their path.
fn pages(cmd: &Command, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let name = if prefix.is_empty() { cmd.get_name().to_string() } else { format!("{prefix}-{}", cmd.get_name()) };
    // clap_mangen titles the page by the command's name: give it the full one.
    let cmd = cmd.clone().name(name.clone()).bin_name(name.replace('-', " "));
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page).with_context(|| format!("rendering {name}.1"))?;
    out.push((format!("{name}.1"), page));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        pages(sub, &name, out)?;
    }
    Ok(())
}

pub fn man(a: ManArgs, cli: Command) -> Result<ExitCode> {
    let mut all = Vec::new();
    pages(&cli, "", &mut all)?;
    io::make_folder(&a.dir)?;
    let outputs: Vec<Output> = all.into_iter().map(|(file, page)| Output::public(a.dir.join(file), page)).collect();
    io::write_all(&outputs, a.force)?;
    eprintln!("certkit: wrote {} man pages in {}", outputs.len(), a.dir.display());
    Ok(ExitCode::SUCCESS)
}
