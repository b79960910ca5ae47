//! `certkit pkcs12`: a certificate, its key and chain into one .p12 file
//! (what browsers, macOS, Windows and Java import), or back out of one.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::pkcs12::{self, Bundle, Protection};
use certkit_core::{PrivateKey, pem};
use zeroize::Zeroizing;

use crate::io::{self, Output};

/// Make a PKCS#12 file (.p12) of a certificate, its key and chain; or, with --extract, read one.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  certkit pkcs12 --cert web.pem --key web-key.pem --ca ca.pem --passphrase-file pw -o web\n  \
certkit pkcs12 --extract --passphrase-file pw web.p12 | certkit cfssljson -bare web\n  \
certkit pkcs12 --extract --passphrase-file pw web.p12 -o web"
)]
pub struct Args {
    /// The certificate (PEM or DER).
    #[arg(long, value_name = "FILE", required_unless_present = "extract")]
    pub cert: Option<String>,
    /// Its private key: PKCS#8, SEC1 or PKCS#1, plain or encrypted PKCS#8.
    #[arg(long, value_name = "FILE", required_unless_present = "extract")]
    pub key: Option<String>,
    /// The chain above the certificate (PEM, its issuer first); repeat for several files.
    #[arg(long = "ca", value_name = "FILE")]
    pub chain: Vec<String>,
    /// The friendly name importers show (Java's alias).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read the .p12's passphrase from this file (first line). Otherwise a
    /// prompt on the terminal (twice when making one).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<String>,
    /// Protect the .p12 with an empty passphrase (some importers refuse such files).
    #[arg(long, conflicts_with = "passphrase_file")]
    pub no_passphrase: bool,
    /// The passphrase of an encrypted --key, from this file (first line).
    /// Otherwise a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub key_passphrase_file: Option<String>,
    /// 3DES and SHA-1 instead of AES-256 and SHA-256, for importers that read
    /// nothing newer (macOS before 15, Java 8).
    #[arg(long)]
    pub legacy: bool,
    /// Key-derivation and MAC iterations (OpenSSL 3 writes 2048).
    #[arg(long, value_name = "N", default_value_t = pkcs12::DEFAULT_ITERATIONS,
          value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
    pub iterations: u32,
    /// Read the .p12 FILE instead: print cfssl's JSON ({"cert","key","chain"}),
    /// or with -o NAME write NAME.pem, NAME-key.pem (0600) and NAME-chain.pem.
    #[arg(long, requires = "input", conflicts_with_all = ["cert", "key", "chain", "name", "legacy", "key_passphrase_file", "no_passphrase"])]
    pub extract: bool,
    /// The .p12 file to read (with --extract), or - for standard input.
    #[arg(value_name = "FILE")]
    pub input: Option<String>,
    /// Base name of the files to write: NAME.p12; with --extract, NAME.pem,
    /// NAME-key.pem and NAME-chain.pem.
    #[arg(short = 'o', long = "out", value_name = "NAME")]
    pub out: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    if a.extract { extract(&a) } else { create(&a) }.map(|()| ExitCode::SUCCESS)
}

/// Checks `-o NAME`: a base name, from which NAME.p12 (or, with
/// --extract, NAME.pem, NAME-key.pem and NAME-chain.pem) is made.
fn out_name(a: &Args) -> Result<Option<String>> {
    let Some(name) = &a.out else { return Ok(None) };
    let writes = |base: &str| {
        if a.extract {
            format!("`-o {base}` writes {base}.pem, {base}-key.pem and {base}-chain.pem")
        } else {
            format!("`-o {base}` writes {base}.p12")
        }
    };
    if name.is_empty() {
        bail!("-o needs a base name for the files: {}", writes("web"));
    }
    if name.ends_with('/') || name.ends_with(std::path::MAIN_SEPARATOR) {
        let dir = name.trim_end_matches(['/', std::path::MAIN_SEPARATOR]);
        bail!("-o {name} is a folder; give a base name in it: {}", writes(&format!("{dir}/web")));
    }
    if let Some(stem) = [".p12", ".pfx", ".pem", ".key"].iter().find_map(|ext| name.strip_suffix(ext)) {
        let stem = stem.strip_suffix("-key").unwrap_or(stem);
        bail!("-o takes a base name without an extension: {}", writes(stem));
    }
    Ok(Some(name.clone()))
}

fn create(a: &Args) -> Result<()> {
    let (Some(cert_file), Some(key_file)) = (&a.cert, &a.key) else {
        bail!("--cert and --key are needed to make a .p12 (or pass --extract FILE to read one)");
    };
    if a.input.is_some() {
        bail!("a .p12 is made from --cert and --key, not from a file argument; pass --extract to read one");
    }
    let Some(name) = out_name(a)? else {
        bail!("-o NAME is needed: the .p12 is written to NAME.p12 (it is binary, so it is not printed)");
    };
    let path = format!("{name}.p12");
    io::ensure_new([std::path::Path::new(&path)], a.force)?;
    if key_file.starts_with("pkcs11:") {
        bail!(
            "--key {key_file} is a key in a hardware token, which never leaves it (it is not extractable), so it cannot go into a .p12; make the key outside the token if it must be exported"
        );
    }
    let certificate = pem::first_certificate(&io::read_input(cert_file)?, &io::display_name(cert_file))?;
    let mut chain = Vec::new();
    for file in &a.chain {
        chain.extend(pem::certificates(&io::read_input(file)?, &io::display_name(file))?);
    }
    let key = read_key(key_file, a.key_passphrase_file.as_deref())?;
    let bundle = Bundle { certificate: &certificate, key: &key, chain: &chain, name: a.name.as_deref() };
    // A foreign key or a broken chain is refused before the passphrase is
    // asked for: prepare checks the bundle and lays the file out (once), and
    // the passphrase seals it.
    let mut rng = io::rng()?;
    let pending = if a.legacy {
        pkcs12::check_bundle(&bundle)?;
        eprintln!(
            "certkit: warning: --legacy protects the .p12 with 3DES and SHA-1, which are weak; use it only for importers that read nothing newer (macOS before 15, Java 8)"
        );
        None
    } else {
        Some(pkcs12::prepare(&bundle, a.iterations, &mut rng)?)
    };
    let passphrase = new_passphrase(a)?;
    let p12 = match pending {
        Some(pending) => pending.seal(&passphrase, &mut rng)?,
        None => pkcs12::build(&bundle, &passphrase, Protection::Legacy { iterations: a.iterations }, &mut rng)?,
    };
    io::write_all(&[Output::secret(&path, p12)], a.force)?;
    eprintln!("certkit: wrote {path}");
    Ok(())
}

/// Reads `--key`, with its own passphrase if it is encrypted (also `gencsr`'s).
pub fn read_key(file: &str, passphrase_file: Option<&str>) -> Result<PrivateKey> {
    let bytes = Zeroizing::new(io::read_input(file)?);
    let what = io::display_name(file);
    match PrivateKey::from_bytes(&bytes, None, &what) {
        Err(e) if e.kind() == &certkit_core::Error::PassphraseNeeded => {}
        other => return Ok(other?),
    }
    let passphrase = match passphrase_file {
        Some(f) => first_line(f)?,
        None if std::io::stderr().is_terminal() => Zeroizing::new(
            rpassword::prompt_password(format!("Passphrase for {what}: ")).context("reading the passphrase")?,
        ),
        None => bail!("{what} is encrypted; give its passphrase with --key-passphrase-file FILE"),
    };
    Ok(PrivateKey::from_bytes(&bytes, Some(passphrase.as_bytes()), &what)?)
}

pub fn first_line(file: &str) -> Result<Zeroizing<String>> {
    let raw = Zeroizing::new(std::fs::read(file).with_context(|| format!("cannot read the passphrase file {file}"))?);
    let text = std::str::from_utf8(&raw).map_err(|_| anyhow::anyhow!("the passphrase file {file} is not UTF-8"))?;
    Ok(Zeroizing::new(text.lines().next().unwrap_or("").to_string()))
}

/// The new .p12's passphrase: from --passphrase-file, or asked twice; an
/// empty one only with --no-passphrase.
fn new_passphrase(a: &Args) -> Result<Zeroizing<String>> {
    if a.no_passphrase {
        eprintln!(
            "certkit: warning: the .p12 is protected by an empty passphrase: anyone with the file has the key, and some importers (macOS Keychain, older Windows) refuse such files"
        );
        return Ok(Zeroizing::new(String::new()));
    }
    let p = match &a.passphrase_file {
        Some(f) => first_line(f)?,
        None if std::io::stderr().is_terminal() => {
            let p = Zeroizing::new(
                rpassword::prompt_password("New passphrase for the .p12: ").context("reading the passphrase")?,
            );
            let again = Zeroizing::new(rpassword::prompt_password("Again: ").context("reading the passphrase")?);
            if *p != *again {
                bail!("the two passphrases differ; try again");
            }
            p
        }
        None => bail!("the .p12 needs a passphrase: give it with --passphrase-file FILE (or pass --no-passphrase)"),
    };
    if p.is_empty() {
        bail!("the passphrase is empty; give a non-empty passphrase, or pass --no-passphrase for a .p12 without one");
    }
    Ok(p)
}

fn extract(a: &Args) -> Result<()> {
    let Some(input) = &a.input else { bail!("--extract needs the .p12 file to read") };
    let name = out_name(a)?;
    let files = name.as_ref().map(|n| [format!("{n}.pem"), format!("{n}-key.pem"), format!("{n}-chain.pem")]);
    if let Some(files) = &files {
        io::ensure_new(files.iter().map(std::path::Path::new), a.force)?;
    }
    let bytes = io::read_input(input)?;
    let what = io::display_name(input);
    let passphrase = match &a.passphrase_file {
        Some(f) => first_line(f)?,
        None if std::io::stderr().is_terminal() => Zeroizing::new(
            rpassword::prompt_password(format!("Passphrase for {what}: ")).context("reading the passphrase")?,
        ),
        None => bail!("{what} needs its passphrase: give it with --passphrase-file FILE"),
    };
    let contents = pkcs12::read(&bytes, &passphrase, &what)?;
    let cert = pem::encode(pem::CERTIFICATE, &contents.certificate);
    let key = contents.key.to_pkcs8_pem()?;
    let chain: String = contents.chain.iter().map(|c| pem::encode(pem::CERTIFICATE, c)).collect();
    let Some([cert_file, key_file, chain_file]) = files else {
        return print_json(&cert, &key, &chain);
    };
    let mut outs = vec![Output::public(cert_file, cert), Output::secret(key_file, key.as_bytes())];
    if !chain.is_empty() {
        outs.push(Output::public(chain_file, chain));
    }
    io::write_all(&outs, a.force)?;
    for o in &outs {
        eprintln!("certkit: wrote {}", o.path.display());
    }
    Ok(())
}

/// cfssl's JSON with the chain: `{"cert","key","chain"}`, in a buffer
/// wiped afterwards (it holds the key).
fn print_json(cert: &str, key: &str, chain: &str) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        cert: &'a str,
        key: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        chain: &'a str,
    }
    let mut text = Zeroizing::new(Vec::with_capacity(cert.len() + key.len() + chain.len() + 256));
    serde_json::to_writer(&mut *text, &Out { cert, key, chain })?;
    text.push(b'\n');
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}
