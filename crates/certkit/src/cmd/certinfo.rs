//! `certkit certinfo`: what a certificate or CSR holds, as cfssl prints it.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::io;

/// Print a certificate's or CSR's contents as cfssl's certinfo JSON.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:\n  certkit certinfo -cert ca-signed-server.pem\n  certkit certinfo -csr server.csr")]
pub struct Args {
    /// Certificate file (PEM or DER), or - for standard input.
    #[arg(long, value_name = "FILE")]
    pub cert: Option<String>,
    /// CSR file (PEM or DER), or - for standard input.
    #[arg(long, value_name = "FILE")]
    pub csr: Option<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let json = match (&a.cert, &a.csr) {
        (Some(c), None) => {
            let input = io::read_input(c)?;
            if certkit_core::info::is_csr(&input) {
                bail!("{} is a CSR, not a certificate; read it with `certkit certinfo -csr {c}`", io::display_name(c));
            }
            serde_json::to_string_pretty(&certkit_core::info::certificate(&input, &io::display_name(c))?)?
        }
        (None, Some(c)) => {
            serde_json::to_string_pretty(&certkit_core::info::csr(&io::read_input(c)?, &io::display_name(c))?)?
        }
        _ => bail!("give exactly one of -cert FILE or -csr FILE"),
    };
    io::outln(format_args!("{}", io::terminal_json(json)))?;
    Ok(ExitCode::SUCCESS)
}
