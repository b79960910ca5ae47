//! `certkit cfssljson`: cfssljson's job, built in.
//!
//! It writes as cfssl's cfssljson does — replacing what is there, so that
//! recipes and Makefiles can run again — with one safety rule: a file whose
//! content is already the same is left alone; a certificate or CSR is
//! replaced (a note on stderr); a private key file with *different* content
//! is never replaced without `--force`, since the old key would be lost, and
//! then nothing is written. Every file is written atomically.
//!
//! Each member must hold PEM of its kind, so that a private key never lands
//! in a public file: `cert` CERTIFICATE blocks (a chain), `csr` a
//! CERTIFICATE REQUEST, `key` one private key (written 0600). cfssl's
//! cfssljson writes whatever it is given.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::pem;

use zeroize::Zeroizing;

use crate::io::{self, Files, Pems};

/// Split cfssl JSON ({"cert","csr","key"}) into files: NAME.pem, NAME-key.pem (0600), NAME.csr.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit gencert -initca ca-csr.json | certkit cfssljson -bare ca")]
pub struct Args {
    /// Accept the bare output of genkey/gencert/sign (the only form certkit writes).
    #[arg(long)]
    pub bare: bool,
    /// Read the JSON from this file instead of standard input.
    #[arg(short = 'f', long = "f", value_name = "FILE", default_value = "-")]
    pub file: String,
    /// Print the PEM blocks to standard output instead of writing files.
    #[arg(long)]
    pub stdout: bool,
    /// Also replace an existing key file with a different key (certificates
    /// and CSRs are replaced anyway, as cfssljson does).
    #[arg(long)]
    pub force: bool,
    /// Base name of the files (default `cert`).
    #[arg(value_name = "NAME", default_value = "cert")]
    pub name: String,
}

/// What cfssl's commands print (and cfssl's API `result` object).
#[derive(serde::Deserialize)]
struct CfsslJson {
    #[serde(alias = "certificate")]
    cert: Option<String>,
    #[serde(alias = "private_key")]
    key: Option<Zeroizing<String>>,
    #[serde(alias = "certificate_request")]
    csr: Option<String>,
    result: Option<Box<CfsslJson>>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let input = Zeroizing::new(io::read_input(&a.file)?);
    let what = io::display_name(&a.file);
    let parsed: CfsslJson = serde_json::from_slice(&input).with_context(|| {
        format!("{what} is not JSON from certkit or cfssl (an object with cert, csr and key strings)")
    })?;
    let parsed = match parsed.result {
        Some(r) if !a.bare => *r,
        _ => parsed,
    };
    if !a.stdout {
        crate::io::base_name(&a.name, "cfssljson -bare")?;
    }
    fn field(f: Option<&str>) -> Option<&str> {
        f.filter(|s| !s.is_empty())
    }
    let cert =
        field(parsed.cert.as_deref()).map(|c| public_blocks(c, "cert", &[pem::CERTIFICATE], &what)).transpose()?;
    let csr = field(parsed.csr.as_deref())
        .map(|c| public_blocks(c, "csr", &[pem::CERTIFICATE_REQUEST, pem::NEW_CERTIFICATE_REQUEST], &what))
        .transpose()?;
    let key = field(parsed.key.as_ref().map(|k| k.as_str()));
    if let Some(k) = key {
        check_key(k, &what)?;
    }
    let pems = Pems { cert: cert.as_deref(), key, csr: csr.as_deref() };
    let outs = Files::of(&a.name).outputs(pems);
    if outs.is_empty() {
        bail!("{what} has none of the fields cert, key or csr");
    }
    if a.stdout {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for o in &outs {
            out.write_all(&o.contents)?;
            out.write_all(b"\n")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Decide for every file before writing any: a refusal writes nothing.
    let mut todo = Vec::new();
    let mut replaced = Vec::new();
    for o in outs {
        match std::fs::read(&o.path).map(Zeroizing::new) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => todo.push(o),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", o.path.display())),
            Ok(old) if old.as_slice() == o.contents.as_slice() => {}
            Ok(_) if o.secret && !a.force => bail!(
                "{} exists and holds a different key; replacing it would lose that key (and what its certificate needs). Move it away, or pass --force",
                o.path.display()
            ),
            Ok(_) => {
                replaced.push(o.path.clone());
                todo.push(o);
            }
        }
    }
    io::write_all(&todo, true)?;
    for path in replaced {
        eprintln!("certkit: replaced {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The labels a `key` member may hold: PKCS#8, SEC1, PKCS#1 and encrypted PKCS#8.
const KEY_LABELS: [&str; 4] = [pem::PRIVATE_KEY, pem::EC_PRIVATE_KEY, pem::RSA_PRIVATE_KEY, pem::ENCRYPTED_PRIVATE_KEY];

/// What goes to a public file (NAME.pem, NAME.csr; 0644): the member's PEM
/// blocks, each of one of `labels`, encoded again, so that nothing but the
/// blocks checked here — no private key, no text around them — is written.
fn public_blocks(text: &str, member: &str, labels: &[&str], what: &str) -> Result<String> {
    let blocks = member_blocks(text, member, what)?;
    let mut out = String::new();
    for b in &blocks {
        if !labels.contains(&b.label.as_str()) {
            bail!(
                "{what}: `{member}` holds a `{}` block, but only {} belongs there; give each block in its own member (cert: CERTIFICATE, csr: CERTIFICATE REQUEST, key: one private key)",
                b.label.escape_default(),
                labels[0]
            );
        }
        out.push_str(&pem::encode(&b.label, &b.der));
    }
    Ok(out)
}

/// A `key` member: one PEM private key (it goes to NAME-key.pem, 0600).
fn check_key(text: &str, what: &str) -> Result<()> {
    let blocks = member_blocks(text, "key", what)?;
    if let [b] = blocks.as_slice() {
        if KEY_LABELS.contains(&b.label.as_str()) {
            return Ok(());
        }
        bail!(
            "{what}: `key` holds a `{}` block, not a private key (PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY); give each block in its own member (cert: CERTIFICATE, csr: CERTIFICATE REQUEST)",
            b.label.escape_default()
        );
    }
    bail!("{what}: `key` holds {} PEM blocks; it takes one private key", blocks.len())
}

/// The PEM blocks of a member; bare base64 or other text is refused.
fn member_blocks(text: &str, member: &str, what: &str) -> Result<Vec<pem::Block>> {
    if !pem::is_pem(text.as_bytes()) {
        bail!(
            "{what}: `{member}` holds no PEM block (no `-----BEGIN` line); give it as PEM text, as certkit and cfssl print it"
        );
    }
    Ok(pem::blocks(text.as_bytes(), &format!("`{member}` of {what}"))?)
}
