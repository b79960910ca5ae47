//! `certkit renew`: a fresh certificate for what the ledger recorded.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use base64ct::Encoding;
use certkit_core::Csr;
use certkit_core::ledger::Record;
use certkit_core::pem;
use certkit_core::{Role, Subject};

use super::{CaArgs, OutArgs};
use crate::batch::{Outcome, Tally};
use crate::io::{self, PassphraseArgs, Pems, Trio};

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
    /// Renew every valid certificate of the ledger that expires within this
    /// window (30d, 720h), with its recorded CSR, into --out-dir.
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["cert", "new_key"], requires = "out_dir")]
    expiring: Option<String>,
    /// With --expiring: where to write SERIAL.pem for each renewed certificate.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// The certificate to renew (PEM or DER).
    #[arg(value_name = "CERT", required_unless_present = "expiring")]
    cert: Option<String>,
    #[command(flatten)]
    out: OutArgs,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if let Some(window) = &a.expiring {
        return Ok(bulk(&a, window)?.exit_code());
    }
    a.out.check(Trio { cert: true, key: a.new_key, csr: true })?;
    let cert_path = a.cert.clone().unwrap_or_default();
    let what = io::display_name(&cert_path);
    let old_der = pem::first_certificate(&io::read_input(&cert_path)?, &what)?;
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
    ca.ca
        .config()
        .profile(Some(&profile))
        .with_context(|| format!("the recorded profile `{profile}`; pass --profile to choose another"))?;
    let (subject, csr_der, key_pem) = if a.new_key {
        let old_subject = Subject::from_certificate(&old_der, &what)?;
        let req = certkit_core::Validated {
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
    let issued = ca.sign_subject(&subject, Some(&profile))?;
    let recorded = ca.record(&issued, Some(&csr_der))?;
    io::warn(&issued.warnings);
    let csr_pem = certkit_core::pem::encode(certkit_core::pem::CERTIFICATE_REQUEST, &csr_der);
    super::deliver(recorded, || {
        a.out.emit(Pems {
            cert: Some(&ca.with_chain(issued.to_pem())?),
            key: key_pem.as_deref().map(|k| k.as_str()),
            csr: Some(&csr_pem),
        })
    })?;
    // Only once the new certificate is out is the old one revoked.
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
    Ok(ExitCode::SUCCESS)
}

/// Renews every certificate due within `window`: the latest one for each
/// recorded CSR and profile, valid, not revoked. A progress bar shows on a
/// terminal; each renewal is recorded before its file is written.
fn bulk(a: &Args, window: &str) -> Result<Outcome> {
    let window = certkit_core::duration::parse(window, "--expiring")?;
    let out_dir = a.out_dir.as_ref().context("--expiring needs --out-dir DIR")?;
    let ca =
        CaArgs { ca_dir: Some(a.ca_dir.clone()), passphrase: a.passphrase.clone(), ..Default::default() }.load()?;
    let now = io::now();
    let due: Vec<certkit_core::ledger::Issued> = {
        let mut guard =
            ca.ledger.as_ref().context("no ledger")?.lock().map_err(|_| anyhow::anyhow!("ledger lock poisoned"))?;
        let ledger = guard.ledger()?;
        // The newest certificate of each (CSR, profile): older ones were renewed already.
        let mut latest: std::collections::BTreeMap<(String, String), &certkit_core::ledger::Issued> =
            std::collections::BTreeMap::new();
        // CA certificates (intermediates, cross certificates) are not renewed this way.
        for i in ledger.issued().iter().filter(|i| !i.csr.is_empty() && i.role() == Role::Leaf) {
            let key = (i.csr.clone(), i.profile.clone());
            if latest.get(&key).is_none_or(|prev| prev.not_after < i.not_after) {
                latest.insert(key, i);
            }
        }
        latest
            .into_values()
            .filter(|i| ledger.revocation(&i.serial).is_none())
            .filter(|i| i.not_after_time().is_some_and(|t| t >= now && t <= now.saturating_add(window)))
            .cloned()
            .collect()
    };
    io::make_folder(out_dir)?;
    let bar = io::Progress::new(due.len() as u64, "renewing");
    let mut tally = Tally::new(due.len());
    for record in &due {
        let result = (|| -> Result<PathBuf> {
            let csr_der = base64ct::Base64::decode_vec(&record.csr).context("the recorded CSR is not base64")?;
            let csr = Csr::from_der(&csr_der, "the recorded CSR")?;
            let issued = ca.sign_csr(&csr, Some(&record.profile), None)?;
            let recorded = ca.record(&issued, Some(&csr_der))?;
            let serial = certkit_core::info::certificate(&issued.der, "renewed")?.serial_number;
            let dest = out_dir.join(format!("{serial}.pem"));
            super::deliver(recorded, || {
                io::write_all(&[io::Output::public(&dest, ca.with_chain(issued.to_pem())?)], a.out.force)
            })?;
            if a.revoke {
                let mut guard = ca
                    .ledger
                    .as_ref()
                    .context("no ledger")?
                    .lock()
                    .map_err(|_| anyhow::anyhow!("ledger lock poisoned"))?;
                guard.append(&Record::Revoked {
                    time: io::now().rfc3339(),
                    serial: record.serial.clone(),
                    reason: "superseded".into(),
                })?;
            }
            Ok(dest)
        })();
        match result {
            Ok(dest) => {
                bar.line(format!("certkit: renewed {} ({}) -> {}", record.serial, record.subject, dest.display()))
            }
            Err(e) => {
                tally.fail_with(&e);
                bar.line(format!(
                    "certkit: {} ({}): not renewed: {}",
                    record.serial,
                    record.subject,
                    crate::hints::message(&e)
                ));
            }
        }
        bar.inc();
    }
    bar.finish();
    eprintln!("certkit: {} renewed", tally.done_of("due certificates"));
    if tally.failed() == 0 {
        return Ok(Outcome::Done);
    }
    // Some renewed (recorded and written), some not: exit 3, as `sign` does.
    tally.outcome("due certificates", "renewed")
}
