//! `certkit gencsr`: a CSR for a key that already exists (cfssl's `gencsr`).

use std::process::ExitCode;

use anyhow::{Result, bail};
use certkit_core::generate;
use certkit_core::{CsrRequest, Subject, Validated, pem};

use super::OutArgs;
use crate::cakey::CliKey;
use crate::io::{self, Pems, Trio};
use crate::token;

/// Make a CSR for an existing private key, from cfssl CSR JSON or from an
/// existing certificate's subject and SANs. Prints {"csr": ...}.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "cfssl also echoes the key file back as \"key\"; certkit prints only the CSR.\n\nExamples:\n  certkit gencsr -key web-key.pem web-csr.json | certkit cfssljson -bare web\n  certkit gencsr -key web-key.pem -cert web.pem -o web-renewal   # its subject and SANs"
)]
pub struct Args {
    /// The private key: PKCS#8, SEC1 or PKCS#1, plain or encrypted PKCS#8;
    /// or a key in a hardware token, as a PKCS#11 URI (RFC 7512):
    /// 'pkcs11:token=T;object=K?module-path=M.so&pin-source=file:PIN'.
    #[arg(long, value_name = "FILE|URI")]
    pub key: String,
    /// The passphrase of an encrypted --key, from this file (first line).
    /// Otherwise a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub key_passphrase_file: Option<String>,
    /// Take the subject and SANs (and, for a CA, basicConstraints) from this
    /// certificate (PEM or DER) instead of CSRJSON.
    #[arg(long, value_name = "FILE", conflicts_with = "csrjson")]
    pub cert: Option<String>,
    /// cfssl CSR JSON file, or - for standard input. Its `key`, if given,
    /// must name the key's type.
    #[arg(value_name = "CSRJSON", required_unless_present = "cert")]
    pub csrjson: Option<String>,
    #[command(flatten)]
    pub out: OutArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    a.out.check(Trio { cert: false, key: false, csr: true })?;
    // The request's file is read first: a token's PIN is not asked for a
    // request that cannot be read.
    let source = match (&a.cert, &a.csrjson) {
        (Some(cert), _) => {
            let what = io::display_name(cert);
            Source::Cert(pem::first_certificate(&io::read_input(cert)?, &what)?, what)
        }
        (None, Some(json)) => {
            let what = io::display_name(json);
            Source::Json(CsrRequest::from_json(&io::read_input(json)?, &what)?)
        }
        (None, None) => bail!("give CSRJSON or --cert CERT"),
    };
    let key = if token::is_uri(&a.key) {
        // A token that keeps no public key beside an EC key: the certificate's.
        let fallback = match &source {
            Source::Cert(der, what) => Some(Subject::from_certificate(der, what)?.public_key),
            Source::Json(_) => None,
        };
        CliKey::Token(token::open(&a.key, fallback.as_ref())?)
    } else {
        CliKey::File(super::pkcs12::read_key(&a.key, a.key_passphrase_file.as_deref())?)
    };
    let algorithm = key.public_key().algorithm();
    let req: Validated = match &source {
        Source::Cert(der, what) => generate::request_from_certificate(der, algorithm, what)?,
        Source::Json(req) => req.validate_for_key(algorithm)?,
    };
    let mut rng = io::rng()?;
    let csr_der = generate::csr_with(&req, &mut *key.signer(&mut rng))?;
    let csr_pem = pem::encode(pem::CERTIFICATE_REQUEST, &csr_der);
    a.out.emit(Pems { cert: None, key: None, csr: Some(&csr_pem) })?;
    Ok(ExitCode::SUCCESS)
}

/// Where the CSR's subject comes from.
enum Source {
    /// A certificate's DER and its input's name.
    Cert(Vec<u8>, String),
    Json(CsrRequest),
}
