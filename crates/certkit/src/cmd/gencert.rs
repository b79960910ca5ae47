//! `certkit gencert`: key + CSR + certificate in one step, self-signed
//! (`-initca`) or signed by a CA.

use std::process::ExitCode;

use anyhow::{Result, bail};
use certkit_core::generate;
use certkit_core::{CaCert, Subject};
use certkit_core::{CsrRequest, Validated};

use super::{CaArgs, OutArgs};
use crate::cakey::CliKey;
use crate::io::{self, Pems, Trio};

/// Make a key, a CSR and a certificate: a new root CA with -initca, or a
/// certificate signed by -ca/-ca-key.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  echo '{\"CN\":\"My Example Signer\",\"key\":{\"algo\":\"rsa\",\"size\":2048}}' | certkit gencert -initca - | certkit cfssljson -bare ca\n  certkit gencert -ca ca.pem -ca-key ca-key.pem -config config.json -profile www -hostname web.example.com csr.json -o web"
)]
pub struct Args {
    /// Make a self-signed CA (cfssl's CA policy; `ca` section of the JSON
    /// honoured). With -ca-key, the CA is made for that existing key.
    #[arg(long)]
    pub initca: bool,
    /// Make the root CA's certificate -ca again with its key -ca-key: the
    /// same subject and key, valid from now for as long as before
    /// (cfssl's -renewca). What it signed stays valid.
    #[arg(long, conflicts_with = "initca")]
    pub renewca: bool,
    #[command(flatten)]
    pub ca: CaArgs,
    /// cfssl CSR JSON file, or - for standard input.
    #[arg(value_name = "CSRJSON", required_unless_present = "renewca")]
    pub csrjson: Option<String>,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.renewca {
        renew_root(&a)?;
        return Ok(ExitCode::SUCCESS);
    }
    let file = a.csrjson.as_deref().unwrap_or("-");
    let what = io::display_name(file);
    let mut request = CsrRequest::from_json(&io::read_input(file)?, &what)?;
    if let Some(hosts) = a.ca.hosts() {
        request.hosts = hosts;
    }
    if a.initca {
        if a.ca.ca.is_some() || a.ca.ca_dir.is_some() {
            bail!(
                "-initca makes a new self-signed CA; drop -ca/--ca-dir (or drop -initca to sign with that CA; -ca-key alone makes the CA for that key)"
            );
        }
        let req = request.validate(true)?;
        match &a.ca.ca_key {
            None => super::genkey::key_csr_and_maybe_ca(&req, true, &a.out)?,
            Some(key_file) => ca_for_key(&a, &request, &req, key_file)?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    a.out.check(Trio { cert: true, key: true, csr: true })?;
    let ca = a.ca.load()?;
    // The profile is checked before a key is made.
    ca.ca.config().profile(a.ca.profile.as_deref())?;
    let req = request.validate(false)?;
    let generated = super::make_key(&req)?;
    let subject = Subject {
        name: req.subject.clone(),
        sans: req.sans.clone(),
        public_key: generated.key.public_key().clone(),
        requested_ca: None,
        requested_extensions: Vec::new(),
    };
    let issued = ca.sign_subject(&subject, a.ca.profile.as_deref())?;
    let recorded = ca.record(&issued, Some(&generated.csr_der))?;
    io::warn(&issued.warnings);
    super::deliver(recorded, || {
        a.out.emit(Pems {
            cert: Some(&ca.with_chain(issued.to_pem())?),
            key: Some(&generated.key_pem()?),
            csr: Some(&generated.csr_pem()),
        })
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `gencert -initca -ca-key KEY`: a new self-signed CA for an existing key
/// (cfssl's "re-generate a CA cert with the CA key"); the request's `key`
/// section is ignored, with a warning if it differs. The key is not printed
/// again: the certificate and CSR are.
fn ca_for_key(a: &Args, request: &CsrRequest, req: &Validated, key_file: &str) -> Result<()> {
    a.out.check(Trio { cert: true, key: false, csr: true })?;
    let key = CliKey::open(key_file, &a.ca.passphrase, None)?;
    let algorithm = key.public_key().algorithm();
    if request.key.is_some() && req.key != algorithm {
        // As cfssl: the key section describes a key to make, and none is made.
        eprintln!(
            "certkit: warning: the request's key section ({}) is ignored: the CA is made for -ca-key {key_file}, {algorithm}",
            req.key
        );
    }
    let req = Validated { key: algorithm, ..req.clone() };
    let mut rng = io::rng()?;
    let csr_der = generate::csr_with(&req, &mut *key.signer(&mut rng))?;
    let mut rng2 = io::rng()?;
    let issued = generate::self_signed_ca_with(&req, &mut *key.signer(&mut rng), io::now(), &mut rng2)?;
    io::warn(&issued.warnings);
    let csr_pem = certkit_core::pem::encode(certkit_core::pem::CERTIFICATE_REQUEST, &csr_der);
    a.out.emit(Pems { cert: Some(&issued.to_pem()), key: None, csr: Some(&csr_pem) })
}

/// `gencert -renewca -ca CA -ca-key KEY`: see [`generate::renewed_root`].
fn renew_root(a: &Args) -> Result<()> {
    if a.csrjson.is_some()
        || a.ca.ca_dir.is_some()
        || a.ca.config.is_some()
        || a.ca.profile.is_some()
        || a.ca.hostname.is_some()
    {
        bail!(
            "-renewca takes only -ca and -ca-key (the root and its key) and makes its certificate again; drop the other arguments"
        );
    }
    let (Some(ca_file), Some(key_file)) = (&a.ca.ca, &a.ca.ca_key) else {
        bail!("-renewca needs the root CA to renew: -ca ca.pem -ca-key ca-key.pem");
    };
    a.out.check(Trio { cert: true, key: false, csr: false })?;
    let ca = CaCert::parse(&io::read_input(ca_file)?, &io::display_name(ca_file))?;
    let key = CliKey::open(key_file, &a.ca.passphrase, Some(ca.public_key()))?;
    let (mut rng, mut rng2) = (io::rng()?, io::rng()?);
    let issued = generate::renewed_root_with(&ca, &mut *key.signer(&mut rng), io::now(), &mut rng2)?;
    io::warn(&issued.warnings);
    a.out.emit(Pems { cert: Some(&issued.to_pem()), key: None, csr: None })
}
