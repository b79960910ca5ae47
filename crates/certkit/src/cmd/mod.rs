//! One module per subcommand: parse → core call → write.

pub mod certinfo;
pub mod cfssljson;
pub mod demo;
pub mod gencert;
pub mod genkey;
pub mod k8s;
pub mod print_defaults;
pub mod sign;

use anyhow::Result;
use certkit_core::issue::CaCert;
use certkit_core::key::PrivateKey;
use certkit_core::profile::SigningConfig;

use crate::io::{self, Output, PassphraseArgs};

/// Makes the key a request asks for, with a spinner on a terminal. An RSA
/// key's two primes are searched for on two threads: the search is the whole
/// cost, and the primes are independent.
pub fn make_key(req: &certkit_core::request::Validated) -> Result<certkit_core::generate::Generated> {
    use certkit_core::key::{KeyAlgorithm, RsaPrime};
    let key = io::with_spinner(&format!("generating an {} key", req.key), || -> Result<PrivateKey> {
        let KeyAlgorithm::Rsa(bits) = req.key else {
            return Ok(PrivateKey::generate(req.key, &mut io::rng())?);
        };
        loop {
            let (p, q) = std::thread::scope(|s| {
                let other = s.spawn(|| RsaPrime::generate(bits, &mut io::rng()));
                let p = RsaPrime::generate(bits, &mut io::rng());
                (p, other.join())
            });
            let q = q.map_err(|_| anyhow::anyhow!("the RSA prime search stopped unexpectedly"))??;
            match PrivateKey::from_rsa_primes(p?, q, bits) {
                Err(certkit_core::Error::RsaPrimes) => continue,
                other => return Ok(other?),
            }
        }
    })?;
    Ok(certkit_core::generate::csr_for_key(req, key, &mut io::rng())?)
}

/// `-o/--out NAME` and `--force`, for commands that can write files directly.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutArgs {
    /// Write NAME.pem, NAME-key.pem (mode 0600) and NAME.csr instead of printing cfssl JSON.
    #[arg(short = 'o', long = "out", value_name = "NAME")]
    pub out: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

impl OutArgs {
    /// Writes or prints the cfssl trio.
    pub fn emit(&self, cert: Option<&str>, csr: Option<&str>, key: Option<&str>) -> Result<()> {
        match &self.out {
            None => io::print_cfssl_json(cert, csr, key),
            Some(name) => {
                let mut outs = Vec::new();
                if let Some(c) = cert {
                    outs.push(Output::public(format!("{name}.pem"), c));
                }
                if let Some(k) = key {
                    outs.push(Output::secret(format!("{name}-key.pem"), k));
                }
                if let Some(c) = csr {
                    outs.push(Output::public(format!("{name}.csr"), c));
                }
                io::write_all(&outs, self.force)?;
                for o in &outs {
                    eprintln!("certkit: wrote {}", o.path.display());
                }
                Ok(())
            }
        }
    }
}

/// The CA and policy flags shared by `gencert` and `sign`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CaArgs {
    /// CA certificate (PEM or DER).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<String>,
    /// CA private key: PKCS#8, SEC1 or PKCS#1, plain or encrypted PKCS#8.
    #[arg(long = "ca-key", value_name = "FILE")]
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

/// A CA ready to sign: its certificate, its key, and the signing config.
pub struct LoadedCa {
    pub cert: CaCert,
    pub key: PrivateKey,
    pub config: SigningConfig,
}

impl CaArgs {
    pub fn load(&self) -> Result<LoadedCa> {
        let (Some(ca), Some(ca_key)) = (&self.ca, &self.ca_key) else {
            anyhow::bail!(
                "signing needs the CA: give -ca ca.pem and -ca-key ca-key.pem (make them with `certkit gencert -initca`)"
            );
        };
        let config = self.config()?;
        // Check the profile name before any secret is touched.
        config.profile(self.profile.as_deref())?;
        let cert = CaCert::parse(&io::read_input(ca)?, ca)?;
        let key = io::read_ca_key(ca_key, &self.passphrase)?;
        cert.check_key(key.public_key())?;
        Ok(LoadedCa { cert, key, config })
    }

    pub fn config(&self) -> Result<SigningConfig> {
        Ok(match &self.config {
            Some(path) => SigningConfig::from_json(&io::read_input(path)?, path)?,
            None => SigningConfig::default(),
        })
    }

    pub fn hosts(&self) -> Option<Vec<String>> {
        self.hostname
            .as_ref()
            .filter(|h| !h.trim().is_empty())
            .map(|h| h.split(',').map(|s| s.trim().to_string()).collect())
    }
}
