//! `certkit revoke`: record a revocation in a CA directory's ledger.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use base64ct::Encoding;
use certkit_core::crl::{Reason, parse_serial};
use certkit_core::info::decimal;
use certkit_core::ledger::Record;

use crate::cadir::CaDir;
use crate::io;

/// Revoke a certificate the CA directory issued (it appears on the next CRL).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit revoke --ca-dir ca/ --serial 0x4a3f... --reason keyCompromise\n  certkit gencrl --ca-dir ca/ -o ca/crl"
)]
pub struct Args {
    /// The CA directory.
    #[arg(long, value_name = "DIR")]
    ca_dir: PathBuf,
    /// The serial number: decimal (as certinfo and `certkit list` print it) or hex (0x… or AB:CD:…, as OpenSSL prints it).
    #[arg(long)]
    serial: String,
    /// keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise or unspecified.
    #[arg(long, default_value = "unspecified")]
    reason: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let reason = Reason::from_name(&a.reason)?;
    let serial = decimal(&parse_serial(&a.serial)?);
    let d = CaDir::new(&a.ca_dir);
    let mut locked = d.open_ledger()?;
    let Some(issued) = locked.ledger()?.find(&serial) else {
        bail!(
            "serial {serial} is not in {}'s ledger; check the number with `certkit list --ca-dir {}`",
            a.ca_dir.display(),
            a.ca_dir.display()
        );
    };
    // The subject, for the messages ("" for a certificate without one).
    let subject = if issued.subject.is_empty() { String::new() } else { format!(" ({})", issued.subject) };
    // Whether it is a CA certificate, for what the BRs say of the reason.
    let is_ca = base64ct::Base64::decode_vec(&issued.cert)
        .is_ok_and(|der| certkit_core::CaCert::parse(&der, "the recorded certificate").is_ok());
    if let Some((when, why)) = locked.ledger()?.revocation(&serial) {
        bail!("serial {serial}{subject} was already revoked at {when} ({why})");
    }
    // RFC 5280 allows every reason; say where the BRs do not.
    if let Some(objection) = reason.br_objection(is_ca) {
        eprintln!("certkit: warning: {objection}");
    }
    locked.append(&Record::Revoked {
        time: io::now().rfc3339(),
        serial: serial.clone(),
        reason: reason.name().into(),
    })?;
    io::outln(format_args!(
        "certkit: revoked {serial}{subject}, reason {}; publish it with `certkit gencrl --ca-dir {}`",
        reason.name(),
        a.ca_dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
