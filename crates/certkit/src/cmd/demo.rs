//! `certkit demo`: the seed recipe, end to end, in a fresh folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};

use super::{CaArgs, OutArgs};
use crate::io;

/// Run the whole offline-CA recipe in a fresh folder — CA, server key + CSR,
/// signing, verification — and show what was made and where.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  certkit demo --dir /tmp/certkit-demo && ls /tmp/certkit-demo")]
pub struct Args {
    /// The folder to create (must not exist yet).
    #[arg(long, value_name = "DIR", default_value = "certkit-demo")]
    pub dir: PathBuf,
}

const CA_CSR: &str = r#"{
  "CN": "My Example Signer",
  "key": { "algo": "rsa", "size": 2048 }
}
"#;

const SERVER_CSR: &str = r#"{
  "hosts": [
    "my-svc.my-namespace.svc.cluster.local",
    "my-pod.my-namespace.pod.cluster.local",
    "192.0.2.24",
    "10.0.34.2"
  ],
  "CN": "my-pod.my-namespace.pod.cluster.local",
  "key": { "algo": "ecdsa", "size": 256 }
}
"#;

/// The seed's signing config, plus certkit's `signer_name`, so that the
/// folder also serves the README's Kubernetes flow (`certkit k8s sign` with
/// `example.com/serving`); cfssl ignores the member, and `sign` does not
/// read it.
const SIGNING_CONFIG: &str = r#"{
  "signing": {
    "default": {
      "usages": ["digital signature", "key encipherment", "server auth"],
      "expiry": "876000h",
      "ca_constraint": { "is_ca": false },
      "signer_name": "example.com/serving"
    }
  }
}
"#;

pub fn run(a: Args) -> Result<ExitCode> {
    let dir = &a.dir;
    if dir.exists() {
        bail!("{} already exists; give a new folder with --dir", dir.display());
    }
    io::make_folder(dir)?;
    let p = |name: &str| -> String { dir.join(name).to_string_lossy().into_owned() };
    io::write_all(
        &[
            io::Output::public(p("ca-csr.json"), CA_CSR),
            io::Output::public(p("server-csr.json"), SERVER_CSR),
            io::Output::public(p("server-signing-config.json"), SIGNING_CONFIG),
        ],
        false,
    )?;
    step("1. A CA: certkit gencert -initca ca-csr.json -o ca");
    super::gencert::run(super::gencert::Args {
        initca: true,
        renewca: false,
        ca: CaArgs::default(),
        csrjson: Some(p("ca-csr.json")),
        out: OutArgs { out: Some(p("ca")), force: false },
    })?;
    step("2. A server key and CSR: certkit genkey server-csr.json -o server");
    super::genkey::run(super::genkey::Args {
        initca: false,
        csrjson: p("server-csr.json"),
        out: OutArgs { out: Some(p("server")), force: false },
    })?;
    step(
        "3. Signing: certkit sign -ca ca.pem -ca-key ca-key.pem -config server-signing-config.json server.csr -o ca-signed-server",
    );
    super::sign::run(super::sign::Args {
        ca: CaArgs {
            ca: Some(p("ca.pem")),
            ca_key: Some(p("ca-key.pem")),
            config: Some(p("server-signing-config.json")),
            ..Default::default()
        },
        csrs: vec![p("server.csr")],
        out: Some(p("ca-signed-server")),
        out_dir: None,
        force: false,
    })?;
    step("4. Verification");
    let ca = certkit_core::CaCert::parse(&std::fs::read(p("ca.pem"))?, "ca.pem")?;
    let leaf = std::fs::read(p("ca-signed-server.pem"))?;
    certkit_core::signer::verify_signature(
        &certkit_core::pem::first_certificate(&leaf, "ca-signed-server.pem")?,
        ca.public_key(),
    )?;
    io::outln(format_args!("certkit: ca-signed-server.pem is signed by ca.pem"))?;
    openssl_verify(dir);
    let info = certkit_core::info::certificate(&leaf, "ca-signed-server.pem")?;
    io::outln(format_args!(
        "\nMade in {}:\n  ca.pem, ca-key.pem (0600), ca.csr          the CA \"My Example Signer\"\n  server-key.pem (0600), server.csr          the server's key and CSR\n  ca-signed-server.pem                       the server certificate: {}\n                                             valid {} .. {}\n  server-signing-config.json                 the seed's signing config; its \"signer_name\" also serves\n                                             `certkit k8s sign` for example.com/serving (README.md)",
        dir.display(),
        info.sans.join(", "),
        info.not_before,
        info.not_after
    ))?;
    Ok(ExitCode::SUCCESS)
}

// The demo's narration: a closed stdout (`certkit demo | head`) must not
// stop it half-way, so what cannot be printed is dropped.
fn step(s: &str) {
    let _ = io::outln(format_args!("\n{s}"));
}

fn openssl_verify(dir: &Path) {
    let out = std::process::Command::new("openssl")
        .args(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile"])
        .arg(dir.join("ca.pem"))
        .arg(dir.join("ca-signed-server.pem"))
        .output();
    let _ = match out {
        Ok(o) => io::out(format_args!("openssl: {}", String::from_utf8_lossy(&o.stdout))),
        Err(_) => io::outln(format_args!("(openssl is not installed; skipped its check)")),
    };
}
