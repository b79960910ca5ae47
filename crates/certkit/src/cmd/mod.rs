//! One module per subcommand: parse → core call → write.

pub mod aliases;
pub mod ca;
pub mod certinfo;
pub mod cfssljson;
pub mod completion;
pub mod demo;
pub mod expiry;
pub mod gencert;
pub mod gencrl;
pub mod gencsr;
pub mod genkey;
pub mod k8s;
pub mod list;
pub mod pkcs12;
pub mod print_defaults;
pub mod renew;
pub mod revoke;
pub mod sign;
pub mod verify;

use anyhow::Result;
use certkit_core::Ca;
use certkit_core::Csr;
use certkit_core::PrivateKey;
use certkit_core::SigningConfig;
use certkit_core::{CaCert, Issued, Subject};

use std::path::PathBuf;

use crate::cakey::CliKey;
use crate::io::{self, Files, PassphraseArgs, Pems, Trio};

/// Makes the key a request asks for, with a spinner on a terminal. An RSA
/// key's two primes are searched for on two threads: the search is the whole
/// cost, and the primes are independent.
pub fn make_key(req: &certkit_core::Validated) -> Result<certkit_core::generate::Generated> {
    use certkit_core::{KeyAlgorithm, RsaPrime};
    let key = io::with_spinner(&format!("generating an {} key", req.key), || -> Result<PrivateKey> {
        let KeyAlgorithm::Rsa(bits) = req.key else {
            return Ok(PrivateKey::generate(req.key, &mut io::rng()?)?);
        };
        loop {
            // Each search has its own generator, seeded before the threads start.
            let (mut mine, mut theirs) = (io::rng()?, io::rng()?);
            let (p, q) = std::thread::scope(|s| {
                let other = s.spawn(move || RsaPrime::generate(bits, &mut theirs));
                let p = RsaPrime::generate(bits, &mut mine);
                (p, other.join())
            });
            let q = q.map_err(|_| anyhow::anyhow!("the RSA prime search stopped unexpectedly"))??;
            match PrivateKey::from_rsa_primes(p?, q, bits) {
                Err(e) if e.kind() == &certkit_core::Error::RsaPrimes => continue,
                other => return Ok(other?),
            }
        }
    })?;
    Ok(certkit_core::generate::csr_for_key(req, key, &mut io::rng()?)?)
}

/// `-o/--out NAME` and `--force`, for commands that can write files directly.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutArgs {
    /// Write files instead of printing cfssl JSON: NAME.pem, NAME-key.pem
    /// (mode 0600) and NAME.csr, for the certificate, key and CSR made.
    #[arg(short = 'o', long = "out", value_name = "NAME")]
    pub out: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

impl OutArgs {
    /// Checks, before any work, that `-o NAME` is a base name and that the
    /// files `emit` would write (those of the trio the command `makes`)
    /// are new or `--force` is given.
    pub fn check(&self, makes: Trio<bool>) -> Result<()> {
        let Some(name) = &self.out else { return Ok(()) };
        io::base_name(name, "-o")?;
        io::ensure_new(Files::of(name).only(makes).iter().map(PathBuf::as_path), self.force)
    }

    /// Writes or prints the cfssl trio (what of it there is).
    pub fn emit(&self, pems: Pems<'_>) -> Result<()> {
        let Some(name) = &self.out else {
            return io::print_cfssl_json(pems);
        };
        let outs = Files::of(name).outputs(pems);
        io::write_all(&outs, self.force)?;
        for o in &outs {
            eprintln!("certkit: wrote {}", o.path.display());
        }
        Ok(())
    }
}

/// The CA and policy flags shared by `gencert` and `sign`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CaArgs {
    /// A CA directory (`certkit ca init`): its certificate, key and config,
    /// and its ledger, where every certificate signed is recorded first.
    #[arg(long, value_name = "DIR")]
    pub ca_dir: Option<std::path::PathBuf>,
    /// CA certificate (PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<String>,
    /// CA private key: PKCS#8, SEC1 or PKCS#1, plain or encrypted PKCS#8;
    /// or a key in a hardware token, as a PKCS#11 URI (RFC 7512):
    /// 'pkcs11:token=T;object=K?module-path=M.so&pin-source=file:PIN'.
    #[arg(long = "ca-key", value_name = "FILE|URI")]
    pub ca_key: Option<String>,
    /// cfssl signing config (JSON). Without it: cfssl's default profile
    /// (signing, key encipherment, server auth, client auth; 8760h).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Profile of the signing config to use (default: `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Replace the SANs with these comma-separated hosts (spaces around
    /// entries are trimmed; an empty value keeps the CSR's SANs, as in cfssl).
    #[arg(long, value_name = "a,b,...")]
    pub hostname: Option<String>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

/// Said of a certificate that is in the ledger but could not be delivered
/// (printed or written): the error's context, so that no message says it
/// was not issued.
#[derive(Debug)]
pub struct Undelivered {
    pub serial: String,
    pub ledger: PathBuf,
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.serial.contains(',') { "certificates" } else { "certificate" };
        let were = if self.serial.contains(',') { "were" } else { "was" };
        write!(f, "{what} {} {were} signed and recorded in {}, but not delivered", self.serial, self.ledger.display())
    }
}

/// The core's [`Ca`], and its locked ledger when it is a CA directory.
pub struct LoadedCa {
    pub ca: Ca<CliKey>,
    pub ledger: Option<std::sync::Mutex<crate::cadir::LockedLedger>>,
}

impl LoadedCa {
    /// Signs a verified CSR under `profile` (and `hosts`, cfssl's -hostname).
    pub fn sign_csr(&self, csr: &Csr, profile: Option<&str>, hosts: Option<&[String]>) -> Result<Issued> {
        Ok(self.ca.sign_csr(csr, profile, hosts, io::now(), &mut io::rng()?)?)
    }

    /// Signs a subject under `profile` (a key and request made here).
    pub fn sign_subject(&self, subject: &Subject, profile: Option<&str>) -> Result<Issued> {
        Ok(self.ca.sign_subject(subject, profile, io::now(), &mut io::rng()?)?)
    }

    /// A certificate as handed out: for a CA directory whose CA is an
    /// intermediate, the leaf followed by the chain up to (not including)
    /// the root; otherwise the leaf alone, as cfssl prints it.
    pub fn with_chain(&self, leaf_pem: String) -> Result<String> {
        if self.ledger.is_none() {
            return Ok(leaf_pem);
        }
        Ok(self.ca.with_chain(leaf_pem)?)
    }

    /// Records an issued certificate in the ledger, if there is one, and
    /// flushes it to disk; call before the certificate is printed or written.
    /// A serial the ledger already holds is refused (never printed).
    pub fn record(&self, issued: &Issued, csr_der: Option<&[u8]>) -> Result<Option<Undelivered>> {
        let Some(ledger) = &self.ledger else { return Ok(None) };
        let record = certkit_core::ledger::Issued::new(&issued.der, csr_der, &issued.profile, issued.role, io::now())?;
        let mut l = ledger.lock().map_err(|_| anyhow::anyhow!("the ledger lock was poisoned by a failed worker"))?;
        if l.has_serial(&record.serial)? {
            anyhow::bail!(
                "serial {} is already in the ledger; sign again (a new serial is drawn each time)",
                record.serial
            );
        }
        let serial = record.serial.clone();
        l.append(&certkit_core::ledger::Record::Issued(record))?;
        Ok(Some(Undelivered { serial, ledger: l.path() }))
    }
}

/// Delivers what was recorded: an error of `deliver` says that the
/// certificate `recorded` names is in the ledger all the same.
pub fn deliver<T>(recorded: Option<Undelivered>, deliver: impl FnOnce() -> Result<T>) -> Result<T> {
    match (deliver(), recorded) {
        (Ok(t), _) => Ok(t),
        (Err(e), Some(u)) => Err(e.context(u)),
        (Err(e), None) => Err(e),
    }
}

/// Reads a CA certificate and its key into the core's [`Ca`]; the
/// certificate is checked before the key is read or decrypted.
/// `key_ref` is a key file or a `pkcs11:` URI.
pub fn open_ca(
    cert_path: &str,
    key_ref: &str,
    passphrase: &PassphraseArgs,
    config: SigningConfig,
) -> Result<Ca<CliKey>> {
    let file = io::read_input(cert_path)?;
    let what = io::display_name(cert_path);
    let cert = CaCert::parse(&file, &what)?;
    let key = CliKey::open(key_ref, passphrase, Some(cert.public_key()))?;
    Ok(Ca::new(cert, key, config)?)
}

impl CaArgs {
    /// The CA certificate, key and config files, from the flags or the CA directory.
    fn files(&self) -> Result<(String, String, Option<String>)> {
        if let Some(dir) = &self.ca_dir {
            if self.ca.is_some() || self.ca_key.is_some() {
                anyhow::bail!("give either --ca-dir or -ca/-ca-key, not both");
            }
            let d = crate::cadir::CaDir::new(dir);
            let config =
                self.config.clone().or_else(|| d.config().is_file().then(|| d.config().to_string_lossy().into_owned()));
            return Ok((d.cert().to_string_lossy().into_owned(), d.key_ref()?, config));
        }
        let (Some(ca), Some(ca_key)) = (&self.ca, &self.ca_key) else {
            anyhow::bail!(
                "signing needs the CA: give -ca ca.pem and -ca-key ca-key.pem (make them with `certkit gencert -initca`), or --ca-dir DIR"
            );
        };
        Ok((ca.clone(), ca_key.clone(), self.config.clone()))
    }

    pub fn load(&self) -> Result<LoadedCa> {
        if let Some(dir) = &self.ca_dir {
            // Before its config is read: one others may write is refused.
            crate::cadir::CaDir::new(dir).check_modes()?;
        }
        let (ca, ca_key, config_path) = self.files()?;
        let config = match &config_path {
            Some(path) => SigningConfig::from_json(&io::read_input(path)?, path)?,
            None => SigningConfig::default(),
        };
        // Check the profile name before any secret is touched.
        config.profile(self.profile.as_deref())?;
        let ledger = match &self.ca_dir {
            Some(dir) => Some(std::sync::Mutex::new(crate::cadir::CaDir::new(dir).open_ledger()?)),
            None => None,
        };
        Ok(LoadedCa { ca: open_ca(&ca, &ca_key, &self.passphrase, config)?, ledger })
    }

    pub fn hosts(&self) -> Option<Vec<String>> {
        self.hostname
            .as_ref()
            .filter(|h| !h.trim().is_empty())
            .map(|h| h.split(',').map(|s| s.trim().to_string()).collect())
    }
}
