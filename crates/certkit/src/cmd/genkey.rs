//! `certkit genkey`: a private key and CSR from cfssl CSR JSON.

use std::process::ExitCode;

use anyhow::Result;
use certkit_core::CsrRequest;
use certkit_core::generate;

use super::OutArgs;
use crate::io::{self, Pems, Trio};

/// Make a private key and a CSR from cfssl CSR JSON (with -initca, a self-signed CA too).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  echo '{\"CN\":\"web\",\"hosts\":[\"web.example.com\"],\"key\":{\"algo\":\"ecdsa\",\"size\":256}}' \\\n    | certkit genkey - | certkit cfssljson -bare web"
)]
pub struct Args {
    /// Also self-sign a CA certificate (like `gencert -initca`).
    #[arg(long)]
    pub initca: bool,
    /// cfssl CSR JSON file, or - for standard input.
    #[arg(value_name = "CSRJSON")]
    pub csrjson: String,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let what = io::display_name(&a.csrjson);
    let req = CsrRequest::from_json(&io::read_input(&a.csrjson)?, &what)?.validate(a.initca)?;
    key_csr_and_maybe_ca(&req, a.initca, &a.out)?;
    Ok(ExitCode::SUCCESS)
}

/// Makes the key and CSR a validated request asks for and, for a CA
/// request, the self-signed CA certificate; prints or writes them as cfssl
/// does. Shared by `genkey` and `gencert -initca`.
pub fn key_csr_and_maybe_ca(req: &certkit_core::Validated, initca: bool, out: &OutArgs) -> Result<()> {
    out.check(Trio { cert: initca, key: true, csr: true })?;
    let generated = super::make_key(req)?;
    let key_pem = generated.key_pem()?;
    let csr_pem = generated.csr_pem();
    if initca {
        let issued = generate::self_signed_ca(req, &generated, io::now(), &mut io::rng()?)?;
        io::warn(&issued.warnings);
        out.emit(Pems { cert: Some(&issued.to_pem()), key: Some(&key_pem), csr: Some(&csr_pem) })
    } else {
        out.emit(Pems { cert: None, key: Some(&key_pem), csr: Some(&csr_pem) })
    }
}
