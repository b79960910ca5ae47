//! `certkit cfssljson`: cfssljson's job, built in.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use zeroize::Zeroizing;

use crate::io::{self, Files, Pems};

/// Split cfssl JSON ({"cert","csr","key"}) into files: NAME.pem, NAME-key.pem (0600), NAME.csr.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit gencert -initca ca-csr.json | certkit cfssljson -bare ca")]
pub struct Args {
    /// Accept the bare output of genkey/gencert/sign (the only form certkit writes).
    #[arg(long)]
    pub bare: bool,
    /// Read the JSON from this file instead of standard input.
    #[arg(short = 'f', long = "f", value_name = "FILE", default_value = "-")]
    pub file: String,
    /// Print the PEM blocks to standard output instead of writing files.
    #[arg(long)]
    pub stdout: bool,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Base name of the files (default `cert`).
    #[arg(value_name = "NAME", default_value = "cert")]
    pub name: String,
}

/// What cfssl's commands print (and cfssl's API `result` object).
#[derive(serde::Deserialize)]
struct CfsslJson {
    #[serde(alias = "certificate")]
    cert: Option<String>,
    #[serde(alias = "private_key")]
    key: Option<Zeroizing<String>>,
    #[serde(alias = "certificate_request")]
    csr: Option<String>,
    result: Option<Box<CfsslJson>>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let input = Zeroizing::new(io::read_input(&a.file)?);
    let what = io::display_name(&a.file);
    let parsed: CfsslJson = serde_json::from_slice(&input).with_context(|| {
        format!("{what} is not JSON from certkit or cfssl (an object with cert, csr and key strings)")
    })?;
    let parsed = match parsed.result {
        Some(r) if !a.bare => *r,
        _ => parsed,
    };
    if !a.stdout {
        crate::io::base_name(&a.name, "cfssljson -bare")?;
    }
    fn field(f: Option<&str>) -> Option<&str> {
        f.filter(|s| !s.is_empty())
    }
    let pems = Pems {
        cert: field(parsed.cert.as_deref()),
        key: field(parsed.key.as_ref().map(|k| k.as_str())),
        csr: field(parsed.csr.as_deref()),
    };
    let outs = Files::of(&a.name).outputs(pems);
    if outs.is_empty() {
        bail!("{what} has none of the fields cert, key or csr");
    }
    if a.stdout {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for o in &outs {
            out.write_all(&o.contents)?;
            out.write_all(b"\n")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    io::write_all(&outs, a.force)?;
    Ok(ExitCode::SUCCESS)
}
