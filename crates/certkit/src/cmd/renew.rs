//! `certkit renew`: a fresh certificate for what the ledger recorded.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use base64ct::Encoding;
use certkit_core::csr::Csr;
use certkit_core::issue::{self, Subject};
use certkit_core::ledger::Record;

use super::{CaArgs, OutArgs};
use crate::io::{self, PassphraseArgs};

/// Renew a certificate the CA directory issued: same subject, SANs and
/// profile, from the ledger; the same key (the recorded CSR) unless --new-key.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit renew --ca-dir ca/ server.pem -o server-new\n  certkit renew --ca-dir ca/ --new-key --revoke server.pem -o server   # new key; the old certificate is revoked as superseded"
)]
pub struct Args {
    /// The CA directory that issued it.
    #[arg(long, value_name = "DIR")]
    ca_dir: PathBuf,
    /// Make a new key (of the same type) and CSR instead of reusing the recorded CSR.
    #[arg(long)]
    new_key: bool,
    /// Revoke the old certificate (reason superseded) once the new one is recorded.
    #[arg(long)]
    revoke: bool,
    /// Use this profile instead of the one recorded.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// The certificate to renew (PEM or DER).
    #[arg(value_name = "CERT")]
    cert: String,
    #[command(flatten)]
    out: OutArgs,
}

pub fn run(a: Args) -> Result<()> {
    let what = io::display_name(&a.cert);
    let old_der = issue::first_certificate(&io::read_input(&a.cert)?, &what)?;
    let old = certkit_core::info::certificate(&old_der, &what)?;
    let ca =
        CaArgs { ca_dir: Some(a.ca_dir.clone()), passphrase: a.passphrase.clone(), ..Default::default() }.load()?;
    let record = {
        let mut ledger =
            ca.ledger.as_ref().context("no ledger")?.lock().map_err(|_| anyhow::anyhow!("ledger lock poisoned"))?;
        match ledger.ledger()?.find(&old.serial_number) {
            Some(r) => r.clone(),
            None => bail!(
                "{what} (serial {}) is not in {}'s ledger; only certificates this CA issued can be renewed",
                old.serial_number,
                a.ca_dir.display()
            ),
        }
    };
    let profile = a.profile.clone().unwrap_or(record.profile.clone());
    let policy = ca
        .config
        .profile(Some(&profile))
        .with_context(|| format!("the recorded profile `{profile}`; pass --profile to choose another"))?;
    let (subject, csr_der, key_pem) = if a.new_key {
        let old_subject = Subject::from_certificate(&old_der, &what)?;
        let req = certkit_core::request::Validated {
            subject: old_subject.name.clone(),
            sans: old_subject.sans.clone(),
            key: old_subject.public_key.algorithm(),
            ca: None,
        };
        let generated = super::make_key(&req)?;
        let subject = Subject { public_key: generated.key.public_key().clone(), ..old_subject };
        (subject, generated.csr_der.clone(), Some(generated.key_pem()?))
    } else {
        if record.csr.is_empty() {
            bail!("the ledger has no CSR for serial {}; renew with --new-key", record.serial);
        }
        let csr_der = base64ct::Base64::decode_vec(&record.csr).context("the recorded CSR is not base64")?;
        let csr = Csr::from_der(&csr_der, "the recorded CSR")?;
        (Subject::from_csr(&csr), csr_der, None)
    };
    let issued = ca.issue(&subject, policy)?;
    ca.record(&issued.der, Some(&csr_der), &policy.name)?;
    if a.revoke {
        let mut ledger =
            ca.ledger.as_ref().context("no ledger")?.lock().map_err(|_| anyhow::anyhow!("ledger lock poisoned"))?;
        if ledger.ledger()?.revocation(&record.serial).is_none() {
            ledger.append(&Record::Revoked {
                time: io::now().rfc3339(),
                serial: record.serial.clone(),
                reason: "superseded".into(),
            })?;
        }
    }
    io::warn(&issued.warnings);
    let csr_pem = certkit_core::pem::encode(certkit_core::pem::CERTIFICATE_REQUEST, &csr_der);
    a.out.emit(Some(&ca.with_chain(issued.to_pem())?), Some(&csr_pem), key_pem.as_deref().map(|k| k.as_str()))
}
