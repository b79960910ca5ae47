//! `certkit gencert`: key + CSR + certificate in one step, self-signed
//! (`-initca`) or signed by a CA.

use anyhow::{Result, bail};
use certkit_core::issue::Subject;
use certkit_core::request::CsrRequest;

use super::{CaArgs, OutArgs};
use crate::io;

/// Make a key, a CSR and a certificate: a new root CA with -initca, or a
/// certificate signed by -ca/-ca-key.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  echo '{\"CN\":\"My Example Signer\",\"key\":{\"algo\":\"rsa\",\"size\":2048}}' | certkit gencert -initca - | certkit cfssljson -bare ca\n  certkit gencert -ca ca.pem -ca-key ca-key.pem -config config.json -profile www -hostname web.example.com csr.json -o web"
)]
pub struct Args {
    /// Make a self-signed CA (cfssl's CA policy; `ca` section of the JSON honoured).
    #[arg(long)]
    pub initca: bool,
    #[command(flatten)]
    pub ca: CaArgs,
    /// cfssl CSR JSON file, or - for standard input.
    #[arg(value_name = "CSRJSON")]
    pub csrjson: String,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn run(a: Args) -> Result<()> {
    let what = io::display_name(&a.csrjson);
    let mut request = CsrRequest::from_json(&io::read_input(&a.csrjson)?, &what)?;
    if let Some(hosts) = a.ca.hosts() {
        request.hosts = hosts;
    }
    if a.initca {
        if a.ca.ca.is_some() || a.ca.ca_key.is_some() || a.ca.ca_dir.is_some() {
            bail!(
                "-initca makes a new self-signed CA; drop -ca/-ca-key/--ca-dir (or drop -initca to sign with that CA)"
            );
        }
        return super::genkey::key_csr_and_maybe_ca(&request.validate(true)?, true, &a.out);
    }
    let ca = a.ca.load()?;
    let policy = ca.config.profile(a.ca.profile.as_deref())?;
    let req = request.validate(false)?;
    let generated = super::make_key(&req)?;
    let subject = Subject {
        name: req.subject.clone(),
        sans: req.sans.clone(),
        public_key: generated.key.public_key().clone(),
        requested_ca: None,
    };
    let issued = ca.issue(&subject, policy)?;
    ca.record(&issued.der, Some(&generated.csr_der), &policy.name)?;
    io::warn(&issued.warnings);
    a.out.emit(Some(&ca.with_chain(issued.to_pem())?), Some(&generated.csr_pem()), Some(&generated.key_pem()?))
}
