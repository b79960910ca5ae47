//! `certkit gencrl`: a CRL from a CA directory's ledger, or cfssl's form
//! (a file of serial numbers, the CA certificate and key, a lifetime).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::crl::{self, Reason, Revoked};
use certkit_core::ledger::Record;
use certkit_core::{Ca, CaCert};

use crate::cadir::CaDir;
use crate::cakey::CliKey;
use crate::io::{self, Output, PassphraseArgs};

/// Write a signed CRL (v2): from a CA directory's revocations (--ca-dir), or
/// cfssl's form `certkit gencrl SERIALS CA_CERT CA_KEY [LIFETIME]`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit gencrl --ca-dir ca/ --next-update 7d -o ca/crl     # ca/crl.crl (DER) and ca/crl.pem\n  certkit gencrl serials.txt ca.pem ca-key.pem 604800         # cfssl's form: base64 DER on stdout"
)]
pub struct Args {
    /// The CA directory whose ledger lists the revocations.
    #[arg(long, value_name = "DIR")]
    ca_dir: Option<PathBuf>,
    /// How long until the next CRL is due (default 7d).
    #[arg(long, value_name = "DURATION")]
    next_update: Option<String>,
    /// Write NAME.crl (DER) and NAME.pem instead of printing PEM.
    #[arg(short = 'o', long = "out", value_name = "NAME")]
    out: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// cfssl's form: SERIALS (one decimal serial a line) CA_CERT CA_KEY [LIFETIME in seconds, or a duration].
    #[arg(value_name = "ARGS", num_args = 0..=4)]
    cfssl: Vec<String>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    match (&a.ca_dir, a.cfssl.len()) {
        (Some(dir), 0) => from_ledger(&a, dir)?,
        (None, 3 | 4) => cfssl_form(&a)?,
        (Some(_), _) => bail!("give either --ca-dir or cfssl's SERIALS CA_CERT CA_KEY [LIFETIME], not both"),
        (None, _) => bail!("give --ca-dir DIR, or cfssl's form: certkit gencrl SERIALS CA_CERT CA_KEY [LIFETIME]"),
    }
    Ok(ExitCode::SUCCESS)
}

fn lifetime(text: Option<&str>) -> Result<std::time::Duration> {
    Ok(match text {
        None => std::time::Duration::from_secs(7 * 86_400),
        Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => std::time::Duration::from_secs(t.parse()?),
        Some(t) => certkit_core::duration::parse(t, "the CRL lifetime")?,
    })
}

fn from_ledger(a: &Args, dir: &std::path::Path) -> Result<()> {
    let d = CaDir::new(dir);
    let mut locked = d.open_ledger()?;
    let ca = super::open_ca(&d.cert().to_string_lossy(), &d.key_ref()?, &a.passphrase, Default::default())?;
    let now = io::now();
    let next = now.saturating_add(lifetime(a.next_update.as_deref())?);
    // Never below the time: a CRL made in cfssl's form (numbered by the time)
    // and one made from the ledger must still increase.
    let number = locked.ledger()?.next_crl_number().max(io::now().0);
    let revoked = locked.ledger()?.revocations_for(ca.cert().key_id(), true)?;
    let der = ca.crl(&revoked, number, now, next, &mut io::rng()?)?;
    // After `ca rotate`, each previous key still valid publishes the
    // revocations of the certificates it signed (same passphrase source).
    let mut previous = Vec::new();
    let prev_dir = dir.join("previous");
    if prev_dir.is_dir() {
        let mut dirs: Vec<std::path::PathBuf> =
            std::fs::read_dir(&prev_dir)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
        dirs.sort();
        for p in dirs {
            let cert_path = p.join("ca.pem").to_string_lossy().into_owned();
            let Ok(bytes) = std::fs::read(&cert_path) else { continue };
            let cert = CaCert::parse(&bytes, &cert_path)?;
            if cert.not_after() <= now {
                continue;
            }
            let key = CliKey::open(&CaDir::new(&p).key_ref()?, &a.passphrase, Some(cert.public_key()))?;
            let old = Ca::new(cert, key, Default::default())?;
            let entries = locked.ledger()?.revocations_for(old.cert().key_id(), false)?;
            let next_old = next.min(old.cert().not_after());
            let der = old.crl(&entries, number, now, next_old, &mut io::rng()?)?;
            let stamp = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            previous.push((stamp, der, entries.len()));
        }
    }
    locked.append(&Record::Crl { time: now.rfc3339(), number, next_update: next.rfc3339() })?;
    let delivered =
        emit(a, &der, None).and_then(|()| previous.iter().try_for_each(|(stamp, der, _)| emit(a, der, Some(stamp))));
    delivered.with_context(|| {
        format!(
            "CRL number {number} was signed and recorded in {}, but not delivered; run gencrl again (the next CRL takes the next number)",
            d.ledger().display()
        )
    })?;
    eprintln!(
        "certkit: CRL number {number} with {} revoked certificate(s), next update {}",
        revoked.len(),
        next.rfc3339()
    );
    for (stamp, _, n) in &previous {
        eprintln!("certkit: and a CRL signed by the previous CA key {stamp}, with {n} revoked certificate(s)");
    }
    Ok(())
}

fn cfssl_form(a: &Args) -> Result<()> {
    let serials =
        String::from_utf8(io::read_input(&a.cfssl[0])?).map_err(|_| anyhow::anyhow!("{} is not text", a.cfssl[0]))?;
    let ca = super::open_ca(&a.cfssl[1], &a.cfssl[2], &a.passphrase, Default::default())?;
    let now = io::now();
    let revoked = serials
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            crl::parse_serial(l)
                .map(|serial| Revoked { serial, time: now, reason: Reason::Unspecified })
                .map_err(|e| anyhow::anyhow!("{} line {}: {e}", a.cfssl[0], i + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    let next = now.saturating_add(lifetime(a.cfssl.get(3).map(String::as_str))?);
    // No ledger here: the CRL number is the time, so successive CRLs still increase.
    let der = ca.crl(&revoked, now.0, now, next, &mut io::rng()?)?;
    if a.out.is_some() {
        return emit(a, &der, None);
    }
    use base64ct::Encoding;
    io::outln(format_args!("{}", base64ct::Base64::encode_string(&der)))?;
    Ok(())
}

fn emit(a: &Args, der: &[u8], previous: Option<&str>) -> Result<()> {
    match &a.out {
        Some(name) => {
            let name = match previous {
                Some(stamp) => format!("{name}-previous-{stamp}"),
                None => name.clone(),
            };
            let outs = [
                Output::public(format!("{name}.crl"), der.to_vec()),
                Output::public(format!("{name}.pem"), crl::to_pem(der)),
            ];
            io::write_all(&outs, a.force)?;
            for o in &outs {
                eprintln!("certkit: wrote {}", o.path.display());
            }
            Ok(())
        }
        None => {
            io::out(format_args!("{}", crl::to_pem(der)))?;
            Ok(())
        }
    }
}
