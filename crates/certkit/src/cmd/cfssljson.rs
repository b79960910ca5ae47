//! `certkit cfssljson`: cfssljson's job, built in.

use anyhow::{Context, Result, bail};

use crate::io::{self, Output};

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

pub fn run(a: Args) -> Result<()> {
    let input = zeroize::Zeroizing::new(io::read_input(&a.file)?);
    let what = io::display_name(&a.file);
    let value: serde_json::Value = serde_json::from_slice(&input).with_context(|| format!("{what} is not JSON from certkit or cfssl"))?;
    let obj = match value.get("result") {
        Some(r) if !a.bare => r.clone(),
        _ => value,
    };
    let Some(obj) = obj.as_object() else { bail!("{what} is not a JSON object with cert/csr/key fields") };
    let field = |names: &[&str]| -> Result<Option<String>> {
        for n in names {
            match obj.get(*n) {
                Some(serde_json::Value::String(s)) if !s.is_empty() => return Ok(Some(s.clone())),
                Some(serde_json::Value::String(_)) | None => {}
                Some(_) => bail!("{what}: field `{n}` is not a string"),
            }
        }
        Ok(None)
    };
    let mut outs = Vec::new();
    if let Some(c) = field(&["cert", "certificate"])? {
        outs.push(Output::public(format!("{}.pem", a.name), c));
    }
    if let Some(k) = field(&["key", "private_key"])? {
        outs.push(Output::secret(format!("{}-key.pem", a.name), k));
    }
    if let Some(c) = field(&["csr", "certificate_request"])? {
        outs.push(Output::public(format!("{}.csr", a.name), c));
    }
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
        return Ok(());
    }
    io::write_all(&outs, a.force)
}
