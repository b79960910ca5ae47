//! `certkit sign`: sign CSRs with a CA.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use certkit_core::{Csr, CsrRequest, Subject};

use super::{CaArgs, LoadedCa, OutArgs};
use crate::batch::{self, Destinations, Outcome, Tally};
use crate::io::{self, Output, Pems, Trio};

/// Sign CSRs (PEM or DER) with a CA. One CSR: cfssl's {"cert","csr"} JSON
/// (or -o NAME). Several CSRs or a directory of *.csr / *.der files: NAME.pem
/// beside each CSR, or in --out-dir, signed on every core.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  kubectl get csr my-svc -o jsonpath='{.spec.request}' | base64 --decode \\\n    | certkit sign -ca ca.pem -ca-key ca-key.pem -config server-signing-config.json - | certkit cfssljson -bare ca-signed-server\n  certkit sign -ca ca.pem -ca-key ca-key.pem --out-dir signed/ requests/"
)]
pub struct Args {
    #[command(flatten)]
    pub ca: CaArgs,
    /// CSR files, or directories of *.csr / *.der files; - for standard
    /// input. One CSR may be followed by cfssl's SUBJECT file (JSON: CN,
    /// names, hosts), which overrides the CSR's subject.
    #[arg(value_name = "CSR", required = true)]
    pub csrs: Vec<String>,
    /// With one CSR: write NAME.pem instead of printing JSON.
    #[arg(short = 'o', long = "out", value_name = "NAME")]
    pub out: Option<String>,
    /// With several CSRs: write the certificates here instead of beside each CSR.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: Args) -> Result<ExitCode> {
    // Everything sign() held (the CA key, the ledger's lock) is released
    // before the exit status is known.
    Ok(sign(a)?.exit_code())
}

/// Signs what the arguments name; an error when nothing was signed.
fn sign(mut a: Args) -> Result<Outcome> {
    let subject = subject_file(&mut a)?;
    let inputs = expand(&a.csrs)?;
    // -o writes the certificate alone; cfssl's JSON holds the CSR too.
    let out = OutArgs { out: a.out.clone(), force: a.force };
    out.check(Trio { cert: true, key: false, csr: false })?;
    let ca = a.ca.load()?;
    let hosts = a.ca.hosts();
    let single = inputs.len() == 1 && a.out_dir.is_none() && !Path::new(&a.csrs[0]).is_dir();
    if single {
        sign_single(&ca, &a, hosts.as_deref(), subject.as_ref(), &inputs[0], &out)?;
        return Ok(Outcome::Done);
    }
    if subject.is_some() {
        bail!("a SUBJECT file goes with one CSR (`certkit sign CSR SUBJECT.json`), not several");
    }
    if a.out.is_some() {
        bail!("-o names one certificate; with several CSRs use --out-dir DIR");
    }
    let dests = claim_destinations(&a, &inputs)?;
    sign_many(&ca, &a, hosts.as_deref(), &inputs, &dests)
}

/// cfssl's `sign CSR SUBJECT`: a second argument that is JSON (a `.json`
/// file, or one whose text starts with `{`) is the subject that overrides
/// the CSR's; it is taken out of the CSR list.
fn subject_file(a: &mut Args) -> Result<Option<CsrRequest>> {
    if a.csrs.len() != 2 {
        return Ok(None);
    }
    let path = a.csrs[1].clone();
    let is_json = path.ends_with(".json")
        || (path != "-"
            && std::fs::read(&path).is_ok_and(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{')));
    if !is_json {
        return Ok(None);
    }
    let what = io::display_name(&path);
    let request = CsrRequest::from_json(&io::read_input(&path)?, &what)?;
    if request.key.is_some() || request.ca.is_some() {
        bail!(
            "{what}: a SUBJECT file gives CN, names, hosts and serialnumber; `key` and `ca` have no place in it (the CSR's key is the one signed)"
        );
    }
    a.csrs.pop();
    Ok(Some(request))
}

/// One CSR: its certificate printed as cfssl's JSON, or written by -o.
fn sign_single(
    ca: &LoadedCa,
    a: &Args,
    hosts: Option<&[String]>,
    subject: Option<&CsrRequest>,
    path: &str,
    out: &OutArgs,
) -> Result<()> {
    let bytes = io::read_input(path)?;
    let what = io::display_name(path);
    let (issued, recorded) = match subject {
        None => sign_one(ca, &a.ca, hosts, &bytes, &what)?,
        Some(over) => {
            let csr = Csr::parse(&bytes, &what)?;
            let mut s = Subject::from_csr(&csr).with_subject_request(over)?;
            if let Some(h) = hosts {
                s = s.with_hosts(h)?;
            }
            let issued = ca.sign_subject(&s, a.ca.profile.as_deref()).with_context(|| what.clone())?;
            let recorded = ca.record(&issued, Some(csr.der()))?;
            (issued, recorded)
        }
    };
    io::warn(&issued.warnings);
    let csr = String::from_utf8_lossy(&bytes);
    super::deliver(recorded, || {
        let pem = ca.with_chain(issued.to_pem())?;
        out.emit(Pems { cert: Some(&pem), key: None, csr: a.out.is_none().then_some(&*csr) })
    })
}

/// Several CSRs: every destination must be new, distinct, and not one of
/// the inputs, before anything is signed.
fn claim_destinations(a: &Args, inputs: &[String]) -> Result<Destinations> {
    if let Some(dir) = &a.out_dir {
        io::make_folder(dir)?;
    }
    let mut dests = Destinations::new(a.force);
    for path in inputs {
        if path == "-" {
            bail!("standard input cannot be one of several CSRs; give files");
        }
        let dest = destination(a, path);
        if inputs.iter().any(|i| Path::new(i) == dest) {
            bail!("the certificate for {path} would replace the input {}; use --out-dir DIR", dest.display());
        }
        dests.claim(&dest, |d| {
            format!("two CSRs would both be signed into {}; rename one or use separate runs", d.display())
        })?;
    }
    Ok(dests)
}

/// Signs each CSR into its destination. Each CSR is independent: they are
/// signed on every core, and reported in input order.
fn sign_many(
    ca: &LoadedCa,
    a: &Args,
    hosts: Option<&[String]>,
    inputs: &[String],
    dests: &Destinations,
) -> Result<Outcome> {
    // A CA key whose token went away stops the batch: nothing more can sign.
    let results = batch::in_parallel(inputs, "signing", |path| sign_to_file(ca, a, hosts, path), || ca.ca.key().gone());
    // Each certificate was flushed to disk; now flush the directories' entries.
    dests.sync_folders();
    let mut tally = Tally::new(inputs.len());
    let mut stopped = 0;
    for (path, r) in inputs.iter().zip(results) {
        match r {
            Some(Ok(dest)) => eprintln!("certkit: {path} -> {}", dest.display()),
            Some(Err(e)) => {
                tally.fail_with(&e);
                eprintln!("certkit: {}", crate::hints::about(&e, path));
            }
            None if ca.ca.key().gone() => {
                tally.fail();
                stopped += 1;
            }
            None => {
                tally.fail();
                eprintln!("certkit: {path}: not signed (a worker stopped)");
            }
        }
    }
    if stopped > 0 {
        eprintln!("certkit: {stopped} more CSR(s) not signed: the CA key's token went away (see above)");
    }
    tally.outcome("CSRs", "signed")
}

fn destination(a: &Args, path: &str) -> PathBuf {
    let p = Path::new(path);
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "cert".into());
    let dir = a.out_dir.clone().unwrap_or_else(|| p.parent().map(Path::to_path_buf).unwrap_or_default());
    dir.join(format!("{stem}.pem"))
}

fn sign_to_file(ca: &LoadedCa, a: &Args, hosts: Option<&[String]>, path: &str) -> Result<PathBuf> {
    let dest = destination(a, path);
    let (issued, recorded) = sign_one(ca, &a.ca, hosts, &io::read_input(path)?, path)?;
    io::warn_for(path, &issued.warnings);
    super::deliver(recorded, || io::write_files(&[Output::public(&dest, ca.with_chain(issued.to_pem())?)], a.force))?;
    Ok(dest)
}

/// Signs one CSR and records it (the ledger holds it before anyone sees
/// it); what to deliver, and what the ledger holds of it.
fn sign_one(
    ca: &LoadedCa,
    args: &CaArgs,
    hosts: Option<&[String]>,
    bytes: &[u8],
    what: &str,
) -> Result<(certkit_core::Issued, Option<super::Undelivered>)> {
    let csr = Csr::parse(bytes, what)?;
    let issued = ca.sign_csr(&csr, args.profile.as_deref(), hosts).with_context(|| what.to_string())?;
    let recorded = ca.record(&issued, Some(csr.der()))?;
    Ok((issued, recorded))
}

/// Files as given; directories expanded to their *.csr and *.der files, sorted.
fn expand(args: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        let p = Path::new(a);
        if a != "-" && p.is_dir() {
            let mut found: Vec<String> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read the directory {a}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("csr" | "der")))
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            found.sort();
            if found.is_empty() {
                bail!("{a} holds no *.csr or *.der files");
            }
            out.extend(found);
        } else {
            out.push(a.clone());
        }
    }
    Ok(out)
}
