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
    Init(Box<InitArgs>),
    /// Verify every line of the ledger and every current leaf's chain (exit 4 when a line is damaged or a chain fails).
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
    /// Make the new CA key inside a hardware token (a PKCS#11 URI whose
    /// object= labels it), as `ca init --token` does.
    #[arg(long, value_name = "URI")]
    token: Option<String>,
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
    #[arg(long, conflicts_with = "token")]
    no_encrypt: bool,
    /// Encrypt with PBKDF2-SHA256 instead of scrypt (for old readers).
    #[arg(long, conflicts_with = "token")]
    pbkdf2: bool,
    /// Make the CA key inside a hardware token, named by a PKCS#11 URI
    /// whose object= labels the new key: it is made sensitive and not
    /// extractable, and the directory records the URI (ca-key.uri, no PIN)
    /// instead of a key file.
    #[arg(long, value_name = "URI")]
    token: Option<String>,
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
    #[command(flatten)]
    constraints: ConstraintArgs,
}

/// Name constraints for an --intermediate (RFC 5280 4.2.1.10), each flag
/// repeatable; the same forms and checks as a profile's name_constraints.
#[derive(clap::Args, Debug, Default)]
#[command(next_help_heading = "Name constraints of an --intermediate (repeatable)")]
struct ConstraintArgs {
    /// Names it may sign: DOMAIN and every name below it (example.com).
    #[arg(long, value_name = "DOMAIN", requires = "intermediate")]
    permit_dns: Vec<String>,
    /// Names it may not sign: DOMAIN and every name below it.
    #[arg(long, value_name = "DOMAIN", requires = "intermediate")]
    exclude_dns: Vec<String>,
    /// Addresses it may sign, as a CIDR range (10.0.0.0/8, 2001:db8::/32).
    #[arg(long, value_name = "CIDR", requires = "intermediate")]
    permit_ip: Vec<String>,
    /// Addresses it may not sign, as a CIDR range.
    #[arg(long, value_name = "CIDR", requires = "intermediate")]
    exclude_ip: Vec<String>,
    /// Mail addresses it may sign: a mailbox, a host, or .DOMAIN for hosts below it.
    #[arg(long, value_name = "MAIL", requires = "intermediate")]
    permit_email: Vec<String>,
    /// Mail addresses it may not sign: a mailbox, a host, or .DOMAIN.
    #[arg(long, value_name = "MAIL", requires = "intermediate")]
    exclude_email: Vec<String>,
    /// URIs it may sign, by host: HOST, or .DOMAIN for hosts below it.
    #[arg(long, value_name = "HOST", requires = "intermediate")]
    permit_uri: Vec<String>,
    /// URIs it may not sign, by host: HOST, or .DOMAIN.
    #[arg(long, value_name = "HOST", requires = "intermediate")]
    exclude_uri: Vec<String>,
}

impl ConstraintArgs {
    /// The flags as the core's lists, checked by the core; none when no
    /// flag is given.
    fn read(&self) -> Result<Option<certkit_core::constraints::NameConstraints>> {
        let lists = certkit_core::constraints::ConstraintLists {
            permitted_dns: self.permit_dns.clone(),
            excluded_dns: self.exclude_dns.clone(),
            permitted_ip: self.permit_ip.clone(),
            excluded_ip: self.exclude_ip.clone(),
            permitted_email: self.permit_email.clone(),
            excluded_email: self.exclude_email.clone(),
            permitted_uri: self.permit_uri.clone(),
            excluded_uri: self.exclude_uri.clone(),
        };
        if lists.is_empty() {
            return Ok(None);
        }
        let nc = certkit_core::constraints::NameConstraints::from_lists(&lists, "")
            .context("the name constraints flags (--permit-*, --exclude-*)")?;
        Ok(Some(nc))
    }
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
        Command::Init(i) => init(*i)?,
        Command::Check(d) => return check(d),
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

/// A new CA key: made here (and written to ca-key.pem) or in a token.
// Without PKCS#11 (the static build) the token variant is empty.
#[cfg_attr(not(feature = "pkcs11"), allow(clippy::large_enum_variant))]
enum NewKey {
    File(Generated),
    Token { key: crate::token::TokenKey, csr_der: Vec<u8> },
}

impl NewKey {
    /// Makes the key `req` asks for, in the token `token` names if given.
    fn make(req: &Validated, token: Option<&str>) -> Result<NewKey> {
        let Some(uri) = token else { return Ok(NewKey::File(super::make_key(req)?)) };
        let key = io::with_spinner(&format!("making an {} key in the token", req.key), || {
            crate::token::generate(uri, req.key)
        })?;
        let csr_der = generate::csr_with(req, &mut &key)?;
        Ok(NewKey::Token { key, csr_der })
    }

    fn public_key(&self) -> &certkit_core::PublicKey {
        match self {
            NewKey::File(g) => g.key.public_key(),
            NewKey::Token { key, .. } => key.public_key(),
        }
    }

    fn csr_der(&self) -> &[u8] {
        match self {
            NewKey::File(g) => &g.csr_der,
            NewKey::Token { csr_der, .. } => csr_der,
        }
    }

    /// The self-signed CA certificate for this key.
    fn self_signed(&self, req: &Validated, rng: &mut io::Rng) -> Result<Issued> {
        Ok(match self {
            NewKey::File(g) => generate::self_signed_ca(req, g, io::now(), rng)?,
            NewKey::Token { key, .. } => generate::self_signed_ca_with(req, &mut &*key, io::now(), rng)?,
        })
    }

    /// What the directory keeps of the key: ca-key.pem (encrypted with
    /// `passphrase` if given) or ca-key.uri.
    fn output(&self, d: &CaDir, passphrase: Option<&str>, kdf: Kdf, rng: &mut io::Rng) -> Result<Output> {
        Ok(match self {
            NewKey::File(g) => {
                let pem = match passphrase {
                    Some(p) => zeroize::Zeroizing::new(io::with_spinner("encrypting the CA key", || {
                        g.key.to_encrypted_pem(p.as_bytes(), kdf, rng)
                    })?),
                    None => g.key_pem()?,
                };
                Output::secret(d.key(), pem.as_bytes())
            }
            NewKey::Token { key, .. } => Output::public(d.key_uri(), format!("{}\n", key.uri())),
        })
    }
}

fn init(a: InitArgs) -> Result<()> {
    if a.dir.exists() && std::fs::read_dir(&a.dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty; give a new directory", a.dir.display());
    }
    if let Some(uri) = &a.token {
        crate::token::Pkcs11Uri::parse(uri)?;
    }
    let req = read_request(&a)?;
    let config = read_config(a.config.as_deref())?;
    let passphrase =
        if a.no_encrypt || a.token.is_some() { None } else { Some(io::new_passphrase(&a.passphrase, "the CA key")?) };
    let new_key = NewKey::make(&req, a.token.as_deref())?;
    let mut rng = io::rng()?;
    let (issued, cert_pem, recorded) = match (&a.intermediate, &a.parent) {
        (true, Some(parent)) => sign_by_parent(&a, parent, &req, &new_key, &mut rng)?,
        (true, None) => bail!("--intermediate needs --parent DIR"),
        (false, _) => {
            let issued = new_key.self_signed(&req, &mut rng)?;
            let pem = issued.to_pem();
            (issued, pem, None)
        }
    };
    io::warn(&issued.warnings);
    let d = CaDir::new(&a.dir);
    let kdf = if a.pbkdf2 { Kdf::Pbkdf2 } else { Kdf::Scrypt };
    super::deliver(recorded, || {
        let key_file = new_key.output(&d, passphrase.as_ref().map(|p| p.as_str()), kdf, &mut rng)?;
        write_directory(&a.dir, cert_pem, key_file, config)
    })?;
    let info = certkit_core::info::certificate(&issued.der, "ca.pem")?;
    io::outln(format_args!(
        "certkit: made the CA \"{}\" in {} (valid until {}); key {}",
        info.subject.common_name,
        a.dir.display(),
        info.not_after,
        match (&new_key, &passphrase) {
            (NewKey::Token { key, .. }, _) => format!("in the token ({})", key.uri()),
            (_, Some(_)) => "encrypted".into(),
            (_, None) => "NOT encrypted".into(),
        }
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
    new_key: &NewKey,
    rng: &mut io::Rng,
) -> Result<(Issued, String, Option<super::Undelivered>)> {
    let parent_args = super::CaArgs {
        ca_dir: Some(parent.to_path_buf()),
        passphrase: PassphraseArgs { ca_key_passphrase_file: a.parent_passphrase_file.clone() },
        ..Default::default()
    };
    let name_constraints = a.constraints.read()?;
    let p = parent_args.load()?;
    let subject = certkit_core::Subject {
        name: req.subject.clone(),
        sans: Vec::new(),
        public_key: new_key.public_key().clone(),
        requested_ca: None,
        requested_extensions: Vec::new(),
    };
    let params = req.ca.clone().unwrap_or(certkit_core::CaParams {
        path_len: None,
        expiry: certkit_core::validity::DEFAULT_CA_EXPIRY,
        backdate: certkit_core::validity::DEFAULT_BACKDATE,
    });
    let issued =
        p.ca.sign_intermediate(&subject, a.profile.as_deref(), &params, name_constraints.as_ref(), io::now(), rng)
            .with_context(|| format!("{}'s signing config", parent.display()))?;
    // What the parent's ledger now holds; write_directory delivers it.
    let recorded = p.record(&issued, Some(new_key.csr_der()))?;
    let mut pem = issued.to_pem();
    pem.push_str(&String::from_utf8_lossy(p.ca.cert().file()));
    Ok((issued, pem, recorded))
}

/// Makes the directory (0700): ca.pem, the key (ca-key.pem, or ca-key.uri
/// for a token's), config.json and an empty ledger, all 0600 whatever the
/// umask.
fn write_directory(dir: &Path, cert_pem: String, key: Output, config: Vec<u8>) -> Result<()> {
    cadir::make_dir(dir)?;
    let d = CaDir::new(dir);
    // Secret, all three: the directory holds no ledger yet, so nothing
    // else would tell write_all that they are a CA directory's files.
    io::write_all(
        &[Output::secret(d.cert(), cert_pem), Output { secret: true, ..key }, Output::secret(d.config(), config)],
        false,
    )?;
    cadir::new_ledger(&d.ledger())?;
    io::sync_dir(dir);
    Ok(())
}

fn check(a: DirArgs) -> Result<ExitCode> {
    let d = CaDir::new(&a.dir);
    let _lock = d.lock()?;
    let bytes = cadir::read_ledger(&d)?;
    let (ledger, corrupt) = Ledger::scan(&bytes);
    for c in &corrupt {
        eprintln!("certkit: {} line {}: {}", d.ledger().display(), c.line, c.detail);
    }
    if !corrupt.is_empty() {
        eprintln!(
            "certkit: {} damaged line(s) in {}; `certkit ca repair {}` moves them to ledger.quarantine and keeps the rest",
            corrupt.len(),
            d.ledger().display(),
            a.dir.display()
        );
        return Ok(ExitCode::from(crate::exit::FOUND));
    }
    io::outln(format_args!(
        "certkit: {} is intact: {} certificates, next CRL number {}{}",
        d.ledger().display(),
        ledger.issued().len(),
        ledger.next_crl_number(),
        if ledger.torn_tail.is_some() { " (an unfinished last record will be cut off on next use)" } else { "" }
    ))?;
    // Every current leaf's chain, verified against the directory's CA
    // certificates: ca.pem, and after a rotation cross.pem and the previous
    // roots, which still anchor what they signed.
    let mut ca_file = Vec::new();
    let trust = d.trust_files()?;
    for f in &trust {
        ca_file.extend(io::read_input(f)?);
        ca_file.push(b'\n');
    }
    let report = certkit_core::verify::check_ledger(&ledger, &ca_file, io::now())?;
    for f in &report.failures {
        eprintln!("certkit: {}: {f}", d.ledger().display());
    }
    let leaves = report.verified + report.failures.len();
    io::outln(format_args!(
        "certkit: {} of {leaves} current leaf chains verify against {}{} ({} expired, {} revoked: not verified)",
        report.verified,
        d.cert().display(),
        if trust.len() > 1 { " and the CAs before it" } else { "" },
        report.expired,
        report.revoked
    ))?;
    if !report.failures.is_empty() {
        return Ok(ExitCode::from(crate::exit::FOUND));
    }
    Ok(ExitCode::SUCCESS)
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
    // What the directory keeps of the old key: its file, or its token's URI.
    let old_uri = std::fs::read(d.key_uri()).ok();
    let old_key_file = match &old_uri {
        Some(_) => None,
        None => Some(zeroize::Zeroizing::new(io::read_input(&d.key().to_string_lossy())?)),
    };
    let encrypted = old_key_file.as_ref().is_some_and(|f| {
        certkit_core::PrivateKey::from_bytes(f, None, "ca-key.pem")
            .is_err_and(|e| e.kind() == &certkit_core::Error::PassphraseNeeded)
    });
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
    let new_key = NewKey::make(&req, a.token.as_deref())?;
    let mut rng = io::rng()?;
    let new_root = new_key.self_signed(&req, &mut rng)?;
    // The cross certificate: the new key, certified by the old CA (RFC 4210 4.4 "new with old").
    let cross = old.ca.cross_sign(new_key.public_key(), expiry, io::now(), &mut rng)?;
    let recorded = old.record(&cross, Some(new_key.csr_der()))?;
    io::warn(&cross.warnings);
    // The same passphrase protects a new key file, if the old one had one.
    let pass =
        if encrypted && a.token.is_none() { Some(io::new_passphrase(&a.passphrase, "the new CA key")?) } else { None };
    // Until the new CA is in place, the cross certificate is only in the ledger.
    let prev = super::deliver(recorded, || -> Result<PathBuf> {
        let key_out = new_key.output(&d, pass.as_ref().map(|p| p.as_str()), Kdf::Scrypt, &mut rng)?;
        // Keep the old CA: previous/<time>/ca.pem and its key file or URI; nothing is deleted.
        let stamp = io::now().rfc3339().replace(':', "");
        let prev = a.dir.join("previous").join(&stamp);
        io::make_folder(&prev)?;
        let prev_dir = CaDir::new(&prev);
        let old_key_out = match (&old_uri, &old_key_file) {
            (Some(uri), _) => Output::public(prev_dir.key_uri(), uri.clone()),
            (None, Some(file)) => Output::secret(prev_dir.key(), file.to_vec()),
            (None, None) => bail!("{} has neither ca-key.pem nor ca-key.uri", a.dir.display()),
        };
        io::write_all(&[Output::public(prev_dir.cert(), old.ca.cert().file().to_vec()), old_key_out], false)?;
        let new_is_token = matches!(new_key, NewKey::Token { .. });
        io::write_all(
            &[
                Output::public(d.cert(), new_root.to_pem()),
                key_out,
                Output::public(a.dir.join("cross.pem"), cross.to_pem()),
            ],
            true,
        )?;
        // The key the directory no longer uses (its copy is in previous/).
        let stale = if new_is_token { d.key() } else { d.key_uri() };
        if stale.exists() {
            std::fs::remove_file(&stale).with_context(|| format!("cannot remove {}", stale.display()))?;
        }
        Ok(prev)
    })?;
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
