//! `certkit verify`: RFC 5280 path validation of a certificate's chain, as
//! the core decides it (`certkit_core::verify`).

use std::process::ExitCode;

use anyhow::Result;

use crate::{exit, io};

/// Verify a certificate's chain to trusted roots (signatures, validity, CA flags and pathLen, key usages, name constraints, CRLs).
#[derive(clap::Args, Debug)]
#[command(after_help = "Prints the path on success (`OK: leaf <- intermediate <- root`, by subject) and exits 0; \
exits 1 with one line per failure on stderr, each naming the certificate and the rule.\n\n\
Examples:\n  certkit verify --ca ca.pem server.pem\n  \
certkit verify --ca root.pem --intermediates int.pem --host my-svc.my-namespace.svc server.pem\n  \
certkit verify --ca ca.pem --crl ca.crl --purpose client --at 2030-01-01T00:00:00Z client.pem")]
pub struct Args {
    /// Trusted root certificates (PEM bundle).
    #[arg(long, value_name = "FILE")]
    pub ca: String,
    /// Untrusted intermediate certificates (PEM bundle, any order).
    #[arg(long, value_name = "FILE")]
    pub intermediates: Option<String>,
    /// The DNS name or IP address the certificate must be valid for (subjectAltName).
    #[arg(long, value_name = "NAME|IP")]
    pub host: Option<String>,
    /// What the certificate is for: a TLS server or client (extendedKeyUsage serverAuth or clientAuth).
    #[arg(long, value_name = "PURPOSE", default_value = "server", value_parser = ["server", "client"])]
    pub purpose: String,
    /// Verify at this time instead of now (RFC 3339, e.g. 2030-01-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// A CRL (PEM or DER); repeat for each issuer. Certificates whose issuer has a CRL here are checked against it.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<String>,
    /// The certificate to verify (PEM or DER), or - for standard input; more certificates after it are taken as intermediates.
    #[arg(value_name = "CERT")]
    pub cert: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let cert = io::read_input(&a.cert)?;
    let roots = io::read_input(&a.ca)?;
    let intermediates = match &a.intermediates {
        Some(f) => io::read_input(f)?,
        None => Vec::new(),
    };
    let crls = a.crl.iter().map(|f| io::read_input(f)).collect::<Result<Vec<_>>>()?;
    let crl_refs: Vec<&[u8]> = crls.iter().map(Vec::as_slice).collect();
    let at = match &a.at {
        Some(t) => certkit_core::time::parse_rfc3339(t, "--at")?,
        None => io::now(),
    };
    let request = certkit_core::verify::Request {
        cert: &cert,
        roots: &roots,
        intermediates: &intermediates,
        host: a.host.as_deref(),
        purpose: certkit_core::verify::Purpose::parse(&a.purpose)?,
        at,
        crls: &crl_refs,
    };
    let verdict = certkit_core::verify::verify(&request).map_err(|e| named(e, &a))?;
    if verdict.ok {
        let path: Vec<&str> = verdict.chain.iter().map(|l| l.subject.as_str()).collect();
        io::outln(format_args!("OK: {}", path.join(" <- ")))?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in &verdict.errors {
        eprintln!("certkit: {}: {e}", io::display_name(&a.cert));
    }
    Ok(ExitCode::from(exit::ERROR))
}

/// The core names its inputs by role (`roots`, `crls[1]`); the line names
/// the file instead.
fn named(e: certkit_core::Error, a: &Args) -> certkit_core::Error {
    let Some(input) = e.input() else { return e };
    let (role, which) = input.split_once(" (").map_or((input, ""), |(r, w)| (r, w));
    let file = match Some(role) {
        Some("certificate") => Some(a.cert.as_str()),
        Some("roots") => Some(a.ca.as_str()),
        Some("intermediates") => a.intermediates.as_deref(),
        Some(other) => other
            .strip_prefix("crls[")
            .and_then(|i| i.strip_suffix(']'))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| a.crl.get(i))
            .map(String::as_str),
        None => None,
    };
    match file {
        Some(f) if which.is_empty() => e.kind().clone().in_input(io::display_name(f)),
        Some(f) => e.kind().clone().in_input(format!("{} ({which}", io::display_name(f))),
        None => e,
    }
}
