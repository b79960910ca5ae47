//! `certkit print-defaults`: starting points for a signing config and a CSR JSON.

use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::io;

/// Print an example signing config (`config`) or CSR JSON (`csr`), as cfssl does.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// `config`, `csr` or `list`.
    #[arg(value_name = "WHAT")]
    pub what: String,
}

const CONFIG: &str = r#"{
    "signing": {
        "default": {
            "expiry": "168h"
        },
        "profiles": {
            "www": {
                "expiry": "8760h",
                "usages": [
                    "signing",
                    "key encipherment",
                    "server auth"
                ]
            },
            "client": {
                "expiry": "8760h",
                "usages": [
                    "signing",
                    "key encipherment",
                    "client auth"
                ]
            }
        }
    }
}
"#;

const CSR: &str = r#"{
    "CN": "example.net",
    "hosts": [
        "example.net",
        "www.example.net"
    ],
    "key": {
        "algo": "ecdsa",
        "size": 256
    },
    "names": [
        {
            "C": "US",
            "ST": "CA",
            "L": "San Francisco"
        }
    ]
}
"#;

pub fn run(a: Args) -> Result<ExitCode> {
    match a.what.as_str() {
        "config" => io::outln(format_args!("{CONFIG}"))?,
        "csr" => io::outln(format_args!("{CSR}"))?,
        "list" => io::outln(format_args!("Default configurations are available for:\n\tconfig\n\tcsr"))?,
        other => bail!("no defaults for `{other}`; use `config`, `csr` or `list`"),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_accepted_by_the_core() {
        certkit_core::SigningConfig::from_json(CONFIG.as_bytes(), "config").unwrap();
        certkit_core::CsrRequest::from_json(CSR.as_bytes(), "csr").unwrap().validate(false).unwrap();
    }
}
