//! The CA key, wherever it is: a key file (PKCS#8, SEC1, PKCS#1, plain or
//! encrypted) or a key in a hardware token named by a `pkcs11:` URI. Every
//! command that takes a CA key takes either, through [`CliKey::open`].

use anyhow::Result;
use certkit_core::rand_core::CryptoRng;
use certkit_core::signer::{KeySigner, Signer};
use certkit_core::{CaKey, PrivateKey, PublicKey};

use crate::io::{self, PassphraseArgs};
use crate::token::{self, TokenKey};

/// A CA key from a file or a token.
// Without PKCS#11 (the static build) the token variant is empty.
#[cfg_attr(not(feature = "pkcs11"), allow(clippy::large_enum_variant))]
#[derive(Debug)]
pub enum CliKey {
    File(PrivateKey),
    Token(TokenKey),
}

impl CliKey {
    /// Opens the key `key_ref` names: a `pkcs11:` URI, else a key file
    /// (decrypted with the passphrase flags). `certificate_key` is the CA
    /// certificate's public key, for a token that keeps no public-key
    /// object beside an EC key.
    pub fn open(key_ref: &str, pass: &PassphraseArgs, certificate_key: Option<&PublicKey>) -> Result<CliKey> {
        if token::is_uri(key_ref) {
            return Ok(CliKey::Token(token::open(key_ref, certificate_key)?));
        }
        Ok(CliKey::File(io::read_ca_key(key_ref, pass)?))
    }

    /// The key's public half.
    pub fn public_key(&self) -> &PublicKey {
        match self {
            CliKey::File(k) => k.public_key(),
            CliKey::Token(t) => t.public_key(),
        }
    }

    /// Whether the key's token went away during this run: a batch stops.
    pub fn gone(&self) -> bool {
        match self {
            CliKey::File(_) => false,
            CliKey::Token(t) => t.gone(),
        }
    }

    /// A signer for the core's functions that take one (a CSR, a root).
    pub fn signer<'a>(&'a self, rng: &'a mut io::Rng) -> Box<dyn Signer + 'a> {
        match self {
            CliKey::File(k) => Box::new(KeySigner::new(k, rng)),
            CliKey::Token(t) => Box::new(t),
        }
    }
}

impl CaKey for CliKey {
    fn public_key(&self) -> &PublicKey {
        CliKey::public_key(self)
    }
    fn sign<R: CryptoRng + ?Sized>(&self, tbs: &[u8], blinded: bool, rng: &mut R) -> certkit_core::Result<Vec<u8>> {
        match self {
            CliKey::File(k) => CaKey::sign(k, tbs, blinded, rng),
            CliKey::Token(t) => t.sign(tbs),
        }
    }
}
