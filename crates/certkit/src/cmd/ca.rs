//! `certkit ca`: make, check and repair a CA directory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::Kdf;
use certkit_core::generate::{self, Generated};
use certkit_core::ledger::Ledger;
use certkit_core::{CsrRequest, Issued, Validated};

use crate::cadir::{self, CaDir};
use crate::io::{self, Output, PassphraseArgs};

/// The CA directory: make one, check its ledger, repair a damaged ledger, rotate its key.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit ca init ca/ && certkit sign --ca-dir ca/ server.csr -o server && certkit ca check ca/"
)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    Init(InitArgs),
    /// Verify every line of the ledger.
    Check(DirArgs),
    /// Move damaged ledger lines to ledger.quarantine, keeping the rest.
    Repair(RepairArgs),
    Rotate(RotateArgs),
    /// Print the trust bundle: the current CA and every previous one still valid.
    Bundle(DirArgs),
}

/// A CA directory to repair.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit ca repair ca/")]
struct RepairArgs {
    /// The CA directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Also move damaged lines that may be revocations or CRL records.
    #[arg(long)]
    accept_loss: bool,
}

/// Replace the CA's key and certificate: a new self-signed CA with the same
/// subject, and a certificate for the new key signed by the old one
/// (cross.pem), so clients that trust only the old CA keep working through
/// the overlap. The old files move to DIR/previous/.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:
  certkit ca rotate ca/ && certkit ca bundle ca/ > trust-bundle.pem")]
struct RotateArgs {
    /// The CA directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Lifetime of the new CA (default 43800h).
    #[arg(long, value_name = "DURATION")]
    expiry: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// Make a CA directory: a self-signed CA (key encrypted by default), a signing config and an empty ledger.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  echo '{\"CN\":\"Cluster CA\",\"key\":{\"algo\":\"ecdsa\",\"size\":384}}' | certkit ca init ca/ -\n  certkit sign --ca-dir ca/ server.csr"
)]
struct InitArgs {
    /// The directory to make (must not exist, or be empty).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// cfssl CSR JSON for the CA (default: {"CN":"certkit CA"}, ECDSA P-256); - for standard input.
    #[arg(value_name = "CSRJSON")]
    csrjson: Option<String>,
    /// Signing config to copy into the directory (default: digital signature,
    /// server auth, client auth; 8760h — cfssl's default without key encipherment).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Leave the CA key unencrypted (not recommended).
    #[arg(long)]
    no_encrypt: bool,
    /// Encrypt with PBKDF2-SHA256 instead of scrypt (for old readers).
    #[arg(long)]
    pbkdf2: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// Make an intermediate CA signed by the CA directory --parent (recorded in its ledger).
    #[arg(long, requires = "parent")]
    intermediate: bool,
    /// The parent CA directory of an --intermediate.
    #[arg(long, value_name = "DIR")]
    parent: Option<PathBuf>,
    /// The parent CA key's passphrase file (else CERTKIT_CA_KEY_PASSPHRASE or the prompt).
    #[arg(long, value_name = "FILE")]
    parent_passphrase_file: Option<String>,
    /// Sign the --intermediate with this profile of the parent's signing
    /// config (a CA profile: its lifetime, pathlen, usages, URLs and
    /// policies) instead of cfssl's CA policy and the request's `ca` section.
    #[arg(long, value_name = "NAME", requires = "intermediate")]
    profile: Option<String>,
}

/// A CA directory.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  certkit ca check ca/    # every ledger line verified; damaged ones named by line\n  certkit ca repair ca/   # damaged lines moved to ca/ledger.quarantine\n  certkit ca bundle ca/ > trust-bundle.pem"
)]
struct DirArgs {
    /// The CA directory.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode> {
    match a.command {
        Command::Init(i) => init(i)?,
        Command::Check(d) => check(d)?,
        Command::Repair(r) => repair(r)?,
        Command::Rotate(r) => rotate(r)?,
        Command::Bundle(d) => bundle(d)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The signing config of a new CA directory without `--config`: cfssl's
/// default profile without `key encipherment`, which EC and Ed25519 keys
/// cannot have (every EC CSR would sign with a warning) and TLS with
/// (EC)DHE, the only key exchange of TLS 1.3, does not use; the CA/B Forum
/// BRs advise against it beside `digital signature` on RSA keys too.
const DEFAULT_CONFIG: &str = r#"{
    "signing": {
        "default": {
            "usages": ["digital signature", "server auth", "client auth"],
            "expiry": "8760h"
        }
    }
}
"#;

fn init(a: InitArgs) -> Result<()> {
    if a.dir.exists() && std::fs::read_dir(&a.dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty; give a new directory", a.dir.display());
    }
    let req = read_request(&a)?;
    let config = read_config(a.config.as_deref())?;
    let passphrase = if a.no_encrypt { None } else { Some(io::new_passphrase(&a.passphrase, "the CA key")?) };
    let generated = super::make_key(&req)?;
    let mut rng = io::rng();
    let (issued, cert_pem) = match (&a.intermediate, &a.parent) {
        (true, Some(parent)) => sign_by_parent(&a, parent, &req, &generated, &mut rng)?,
        (true, None) => bail!("--intermediate needs --parent DIR"),
        (false, _) => {
            let issued = generate::self_signed_ca(&req, &generated, io::now(), &mut rng)?;
            let pem = issued.to_pem();
            (issued, pem)
        }
    };
    io::warn(&issued.warnings);
    let key_pem = match &passphrase {
        Some(p) => zeroize::Zeroizing::new(io::with_spinner("encrypting the CA key", || {
            generated.key.to_encrypted_pem(p.as_bytes(), if a.pbkdf2 { Kdf::Pbkdf2 } else { Kdf::Scrypt }, &mut rng)
        })?),
        None => generated.key_pem()?,
    };
    write_directory(&a.dir, cert_pem, &key_pem, config)?;
    let info = certkit_core::info::certificate(&issued.der, "ca.pem")?;
    io::outln(format_args!(
        "certkit: made the CA \"{}\" in {} (valid until {}); key {}",
        info.subject.common_name,
        a.dir.display(),
        info.not_after,
        if passphrase.is_some() { "encrypted" } else { "NOT encrypted" }
    ))?;
    Ok(())
}

/// The CA's request: CSRJSON, or the default `{"CN":"certkit CA"}`.
fn read_request(a: &InitArgs) -> Result<Validated> {
    let json = match &a.csrjson {
        Some(p) => io::read_input(p)?,
        None => br#"{"CN":"certkit CA"}"#.to_vec(),
    };
    let what = a.csrjson.as_deref().map(io::display_name).unwrap_or_else(|| "the default CA request".into());
    let request = CsrRequest::from_json(&json, &what)?;
    if a.profile.is_some() && request.ca.is_some() {
        bail!(
            "{what} has a `ca` section and --profile names a profile: give the lifetime and pathlen in one place (drop the section, or --profile)"
        );
    }
    Ok(request.validate(true)?)
}

/// The signing config to copy into the directory, checked: --config's
/// file as it is, or [`DEFAULT_CONFIG`].
fn read_config(path: Option<&str>) -> Result<Vec<u8>> {
    let Some(p) = path else { return Ok(DEFAULT_CONFIG.as_bytes().to_vec()) };
    let bytes = io::read_input(p)?;
    certkit_core::SigningConfig::from_json(&bytes, p)?;
    Ok(bytes)
}

/// An --intermediate: signed by the parent CA directory and recorded in its
/// ledger first. The certificate, and the directory's ca.pem: the
/// intermediate, then the parent's own file (its chain).
fn sign_by_parent(
    a: &InitArgs,
    parent: &Path,
    req: &Validated,
    generated: &Generated,
    rng: &mut io::Rng,
) -> Result<(Issued, String)> {
    let parent_args = super::CaArgs {
        ca_dir: Some(parent.to_path_buf()),
        passphrase: PassphraseArgs { ca_key_passphrase_file: a.parent_passphrase_file.clone() },
        ..Default::default()
    };
    let p = parent_args.load()?;
    let subject = certkit_core::Subject {
        name: req.subject.clone(),
        sans: Vec::new(),
        public_key: generated.key.public_key().clone(),
        requested_ca: None,
    };
    let params = req.ca.clone().unwrap_or(certkit_core::CaParams {
        path_len: None,
        expiry: certkit_core::validity::DEFAULT_CA_EXPIRY,
        backdate: certkit_core::validity::DEFAULT_BACKDATE,
    });
    let issued =
        p.ca.sign_intermediate(&subject, a.profile.as_deref(), &params, io::now(), rng)
            .with_context(|| format!("{}'s signing config", parent.display()))?;
    p.record(&issued, Some(&generated.csr_der))?;
    let mut pem = issued.to_pem();
    pem.push_str(&String::from_utf8_lossy(p.ca.cert().file()));
    Ok((issued, pem))
}

/// Makes the directory (0700): ca.pem, ca-key.pem, config.json and an
/// empty ledger, all 0600 whatever the umask.
fn write_directory(dir: &Path, cert_pem: String, key_pem: &str, config: Vec<u8>) -> Result<()> {
    cadir::make_dir(dir)?;
    let d = CaDir::new(dir);
    // Secret, all three: the directory holds no ledger yet, so nothing
    // else would tell write_all that they are a CA directory's files.
    io::write_all(
        &[
            Output::secret(d.cert(), cert_pem),
            Output::secret(d.key(), key_pem.as_bytes()),
            Output::secret(d.config(), config),
        ],
        false,
    )?;
    cadir::new_ledger(&d.ledger())?;
    io::sync_dir(dir);
    Ok(())
}

fn check(a: DirArgs) -> Result<()> {
    let d = CaDir::new(&a.dir);
    let _lock = d.lock()?;
    let bytes = cadir::read_ledger(&d)?;
    let (ledger, corrupt) = Ledger::scan(&bytes);
    for c in &corrupt {
        eprintln!("certkit: {} line {}: {}", d.ledger().display(), c.line, c.detail);
    }
    if !corrupt.is_empty() {
        bail!(
            "{} damaged line(s) in {}; `certkit ca repair {}` moves them to ledger.quarantine and keeps the rest",
            corrupt.len(),
            d.ledger().display(),
            a.dir.display()
        );
    }
    io::outln(format_args!(
        "certkit: {} is intact: {} certificates, next CRL number {}{}",
        d.ledger().display(),
        ledger.issued().len(),
        ledger.next_crl_number(),
        if ledger.torn_tail.is_some() { " (an unfinished last record will be cut off on next use)" } else { "" }
    ))?;
    Ok(())
}

fn repair(a: RepairArgs) -> Result<()> {
    let d = CaDir::new(&a.dir);
    // The lock is held until the repaired ledger is in place: no signer can
    // append to the file being replaced.
    let _lock = d.lock()?;
    let bytes = cadir::read_ledger(&d)?;
    let (_, corrupt) = Ledger::scan(&bytes);
    if corrupt.is_empty() {
        io::outln(format_args!("certkit: {} is intact; nothing to repair", d.ledger().display()))?;
        return Ok(());
    }
    let bad: std::collections::BTreeSet<usize> = corrupt.iter().map(|c| c.line).collect();
    // A damaged revocation or CRL record must not vanish quietly: it would
    // un-revoke a certificate, or let a CRL number repeat.
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    let risky: Vec<String> = bad
        .iter()
        .filter_map(|n| lines.get(n - 1).map(|l| (n, String::from_utf8_lossy(l).into_owned())))
        .filter(|(_, l)| !l.contains("\"type\":\"issued\""))
        .map(|(n, l)| format!("line {n}: {}", l.chars().take(160).collect::<String>().trim_end()))
        .collect();
    if !risky.is_empty() && !a.accept_loss {
        for r in &risky {
            eprintln!("certkit: {r}");
        }
        bail!(
            "{} damaged line(s) may be revocations or CRL records; moving them would un-revoke certificates or reuse CRL numbers. Re-revoke what they name after repairing, and pass --accept-loss",
            risky.len()
        );
    }
    let mut kept = Vec::new();
    let mut moved = Vec::new();
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if bad.contains(&(i + 1)) && i > 0 {
            moved.extend_from_slice(format!("# line {} of {}: ", i + 1, d.ledger().display()).as_bytes());
            moved.extend_from_slice(line);
        } else if i == 0 && bad.contains(&1) {
            kept.extend_from_slice(format!("{}\n", certkit_core::ledger::HEADER).as_bytes());
        } else {
            kept.extend_from_slice(line);
        }
    }
    // The quarantine keeps every damaged line; the ledger is replaced atomically.
    let quarantine = a.dir.join("ledger.quarantine");
    let mut old = std::fs::read(&quarantine).unwrap_or_default();
    old.extend_from_slice(&moved);
    io::write_all(&[Output::public(&quarantine, old)], true)?;
    io::write_all(&[Output::public(d.ledger(), kept)], true)?;
    io::outln(format_args!(
        "certkit: moved {} damaged line(s) to {}; the ledger holds the rest",
        bad.len(),
        quarantine.display()
    ))?;
    Ok(())
}

fn rotate(a: RotateArgs) -> Result<()> {
    use certkit_core::Subject;

    let d = CaDir::new(&a.dir);
    // load() takes the directory's lock; the key file is read under it.
    let old =
        super::CaArgs { ca_dir: Some(a.dir.clone()), passphrase: a.passphrase.clone(), ..Default::default() }.load()?;
    let old_key_file = zeroize::Zeroizing::new(io::read_input(&d.key().to_string_lossy())?);
    let encrypted = certkit_core::PrivateKey::from_bytes(&old_key_file, None, "ca-key.pem")
        .is_err_and(|e| e.kind() == &certkit_core::Error::PassphraseNeeded);
    if !old.ca.cert().is_self_issued() {
        bail!(
            "{} holds an intermediate CA; rotate it by making a new intermediate (`certkit ca init --intermediate --parent`)",
            a.dir.display()
        );
    }
    let expiry = match &a.expiry {
        Some(e) => certkit_core::duration::parse(e, "--expiry")?,
        None => certkit_core::validity::DEFAULT_CA_EXPIRY,
    };
    // The new CA: same subject, same key type, a fresh key.
    let old_subject = Subject::from_certificate(old.ca.cert().der(), "ca.pem")?;
    let req = certkit_core::Validated {
        subject: old.ca.cert().subject().clone(),
        sans: Vec::new(),
        key: old_subject.public_key.algorithm(),
        ca: Some(certkit_core::CaParams {
            path_len: old.ca.cert().path_len(),
            expiry,
            backdate: certkit_core::validity::DEFAULT_BACKDATE,
        }),
    };
    let generated = super::make_key(&req)?;
    let mut rng = io::rng();
    let new_root = generate::self_signed_ca(&req, &generated, io::now(), &mut rng)?;
    // The cross certificate: the new key, certified by the old CA (RFC 4210 4.4 "new with old").
    let cross = old.ca.cross_sign(generated.key.public_key(), expiry, io::now(), &mut rng)?;
    old.record(&cross, Some(&generated.csr_der))?;
    io::warn(&cross.warnings);
    let key_pem = if encrypted {
        // The same passphrase protects the new key.
        let pass = io::new_passphrase(&a.passphrase, "the new CA key")?;
        zeroize::Zeroizing::new(generated.key.to_encrypted_pem(pass.as_bytes(), Kdf::Scrypt, &mut rng)?)
    } else {
        generated.key_pem()?
    };
    // Keep the old CA: previous/<time>/ca.pem and ca-key.pem; nothing is deleted.
    let stamp = io::now().rfc3339().replace(':', "");
    let prev = a.dir.join("previous").join(&stamp);
    io::make_folder(&prev)?;
    io::write_all(
        &[
            Output::public(prev.join("ca.pem"), old.ca.cert().file().to_vec()),
            Output::secret(prev.join("ca-key.pem"), old_key_file.to_vec()),
        ],
        false,
    )?;
    io::write_all(
        &[
            Output::public(d.cert(), new_root.to_pem()),
            Output::secret(d.key(), key_pem.as_bytes()),
            Output::public(a.dir.join("cross.pem"), cross.to_pem()),
        ],
        true,
    )?;
    let info = certkit_core::info::certificate(&new_root.der, "ca.pem")?;
    io::outln(format_args!(
        "certkit: new CA key and certificate in {} (valid until {}); cross.pem certifies it under the old CA; the old CA is in {}",
        a.dir.display(),
        info.not_after,
        prev.display()
    ))?;
    Ok(())
}

/// The trust bundle for the overlap: the current CA and every previous one still valid.
fn bundle(a: DirArgs) -> Result<()> {
    let d = CaDir::new(&a.dir);
    d.warn_modes();
    let mut out = String::from_utf8(io::read_input(&d.cert().to_string_lossy())?).context("ca.pem is not text")?;
    let now = io::now();
    let prev = a.dir.join("previous");
    if prev.is_dir() {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&prev)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        dirs.sort();
        for p in dirs.iter().rev() {
            let file = p.join("ca.pem");
            let Ok(bytes) = std::fs::read(&file) else { continue };
            let info = certkit_core::info::certificate(&bytes, &file.display().to_string())?;
            let end = certkit_core::time::parse_rfc3339(&info.not_after, "not_after")?;
            if end > now {
                out.push_str(&info.pem);
            }
        }
    }
    io::out(format_args!("{out}"))?;
    Ok(())
}
