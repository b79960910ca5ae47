//! A certkit built without the `pkcs11` feature (the statically linked
//! release binary, which cannot load modules): `pkcs11:` URIs are still
//! recognised, and refused with the build to use instead.

#[path = "uri.rs"]
pub mod uri;

use anyhow::{Result, bail};
use certkit_core::{KeyAlgorithm, PublicKey};

pub use uri::{Pkcs11Uri, is_uri};

/// No token key can exist in this build.
#[derive(Debug)]
pub enum TokenKey {}

impl TokenKey {
    pub fn public_key(&self) -> &PublicKey {
        match *self {}
    }
    pub fn gone(&self) -> bool {
        match *self {}
    }
    pub fn uri(&self) -> &Pkcs11Uri {
        match *self {}
    }
    pub fn sign(&self, _tbs: &[u8]) -> certkit_core::Result<Vec<u8>> {
        match *self {}
    }
}

impl certkit_core::signer::Signer for &TokenKey {
    fn public_key(&self) -> &PublicKey {
        match **self {}
    }
    fn signature_algorithm(&self) -> certkit_core::SignatureAlgorithm {
        match **self {}
    }
    fn sign(&mut self, _tbs: &[u8]) -> certkit_core::Result<Vec<u8>> {
        match **self {}
    }
}

fn unavailable(text: &str) -> Result<TokenKey> {
    Pkcs11Uri::parse(text)?;
    bail!(
        "this certkit was built without PKCS#11 support (the statically linked release binary cannot load token modules); use the dynamically linked build, certkit-pkcs11"
    )
}

pub fn open(text: &str, _fallback: Option<&PublicKey>) -> Result<TokenKey> {
    unavailable(text)
}

pub fn generate(text: &str, _algorithm: KeyAlgorithm) -> Result<TokenKey> {
    unavailable(text)
}
