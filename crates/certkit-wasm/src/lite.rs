//! The lite module's exports (also the full module's): a CSR for a key
//! the platform (Web Crypto) makes, the request checks a form makes as the
//! user types, and the key's encryption with the platform's PBKDF2 and
//! AES. The `kube` module, which makes a page's Kubernetes manifest, leaves
//! them out.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
#[cfg(not(feature = "full"))]
use certkit_core::Error;
use certkit_core::PublicKey;
use certkit_core::csr;
use certkit_core::key;
use certkit_core::pem;
use certkit_core::signer::{self, ToBeSigned};
use certkit_core::{CsrRequest, Validated};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

#[cfg(feature = "full")]
use crate::full::pkcs8_to_encrypt;
use crate::{JsResult, error, fail};

/// A validated cfssl CSR request on its way to a key and a CSR.
#[wasm_bindgen]
#[derive(Debug)]
pub struct KeyRequest {
    pub(crate) req: Validated,
    /// What [`KeyRequest::prepare`] built, for [`KeyRequest::finish`].
    pub(crate) pending: Option<(ToBeSigned, PublicKey)>,
}

#[wasm_bindgen]
impl KeyRequest {
    /// Parses and checks cfssl CSR JSON, exactly as `certkit genkey` does.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> JsResult<KeyRequest> {
        let req =
            CsrRequest::from_json(json.as_bytes(), "the request").and_then(|r| r.validate(false)).map_err(fail)?;
        Ok(KeyRequest { req, pending: None })
    }

    /// cfssl's `key.algo`: "ecdsa", "rsa" or "ed25519".
    #[wasm_bindgen(getter)]
    pub fn algo(&self) -> String {
        self.req.key.cfssl_algo().into()
    }

    /// cfssl's `key.size`: the curve size or the modulus bits (0 for Ed25519).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.req.key.cfssl_size()
    }

    /// The Web Crypto hash the signature must use ("SHA-256", "SHA-384",
    /// "SHA-512"; "" for Ed25519, which hashes internally).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        use certkit_core::SignatureAlgorithm as S;
        match self.req.key.signature_algorithm() {
            S::RsaSha384 | S::EcdsaSha384 => "SHA-384",
            S::RsaSha512 | S::EcdsaSha512 => "SHA-512",
            S::Ed25519 => "",
            _ => "SHA-256",
        }
        .into()
    }

    /// The first half of a CSR for a key certkit does not hold (Web
    /// Crypto's): takes the key's SubjectPublicKeyInfo DER, returns the
    /// CertificationRequestInfo bytes to sign.
    pub fn prepare(&mut self, spki_der: &[u8]) -> JsResult<Vec<u8>> {
        let key = public_key(spki_der).map_err(fail)?;
        if key.algorithm() != self.req.key {
            return Err(error(&format!(
                "the generated key is {}, not the {} the request asks for",
                key.algorithm(),
                self.req.key
            )));
        }
        // Only a request for an existing key (the full module's) may ask for cA.
        #[cfg(feature = "full")]
        let ca = self.req.ca.as_ref().map(|c| c.path_len);
        #[cfg(not(feature = "full"))]
        let ca = None;
        let tbs = csr::prepare(&self.req.subject, &self.req.sans, ca, &key, key.algorithm().signature_algorithm())
            .map_err(fail)?;
        let bytes = tbs.bytes().to_vec();
        self.pending = Some((tbs, key));
        Ok(bytes)
    }
}

#[wasm_bindgen]
impl KeyRequest {
    /// The second half: the signature over [`KeyRequest::prepare`]'s bytes
    /// (as Web Crypto returns it: `r ‖ s` for ECDSA) and the key's PKCS#8
    /// DER. Checks that the private key is the one the CSR names; verifies
    /// the signature unless `verified` says the caller has (with Web
    /// Crypto's native `verify`). Returns `{ csr, key }` (PEM).
    pub fn finish(&mut self, signature: &[u8], pkcs8_der: &[u8], verified: bool) -> JsResult<JsValue> {
        let (tbs, public) =
            self.pending.take().ok_or_else(|| error("finish() was called before prepare(); call prepare first"))?;
        let pkcs8 = Zeroizing::new(pkcs8_der.to_vec());
        check_pkcs8(&pkcs8, &public)?;
        let sig = signer::signature_from_fixed(public.algorithm(), signature).map_err(fail)?;
        let csr_der =
            if verified { tbs.assemble_verified_elsewhere(&sig) } else { assemble(tbs, &sig) }.map_err(fail)?;
        let key_pem = Zeroizing::new(pem::encode(pem::PRIVATE_KEY, &pkcs8));
        Ok(pair(&pem::encode(pem::CERTIFICATE_REQUEST, &csr_der), &key_pem))
    }
}

/// `{ csr, key }` (PEM). The JS strings are made straight from the Rust
/// text, so the only copy of the key left in wasm memory is the caller's,
/// which is wiped when it drops.
pub(crate) fn pair(csr: &str, key: &str) -> JsValue {
    object(&[("csr", JsValue::from_str(csr)), ("key", JsValue::from_str(key))])
}

/// A plain JS object with these members (the results the package returns).
pub(crate) fn object(members: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in members {
        // Setting a property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// Web Crypto's public key, checked in full.
#[cfg(feature = "full")]
fn public_key(spki_der: &[u8]) -> certkit_core::Result<PublicKey> {
    PublicKey::from_der(spki_der, "the generated public key")
}

/// Web Crypto's public key, checked by its structure: the lite module
/// carries no curve arithmetic (the CA checks the CSR's key in full).
#[cfg(not(feature = "full"))]
fn public_key(spki_der: &[u8]) -> certkit_core::Result<PublicKey> {
    PublicKey::from_trusted_der(spki_der, "the generated public key")
}

/// Checks that Web Crypto's PKCS#8 is the private half of `public`.
#[cfg(feature = "full")]
fn check_pkcs8(pkcs8: &[u8], public: &PublicKey) -> JsResult<()> {
    key::check_pkcs8_matches(pkcs8, public, "the generated private key").map_err(fail)
}

/// The lite module carries no private-key arithmetic: it takes only keys
/// whose PKCS#8 carries the public key (Web Crypto's EC keys do).
#[cfg(not(feature = "full"))]
fn check_pkcs8(pkcs8: &[u8], public: &PublicKey) -> JsResult<()> {
    match key::pkcs8_public_key_matches(pkcs8, public, "the generated private key").map_err(fail)? {
        Some(true) => Ok(()),
        Some(false) => Err(error("the generated private key does not match the public key given to prepare()")),
        None => Err(error("the lite module cannot check a PKCS#8 key without its public key; use the full module")),
    }
}

#[cfg(feature = "full")]
fn assemble(tbs: ToBeSigned, sig: &[u8]) -> certkit_core::Result<Vec<u8>> {
    tbs.assemble(sig)
}

/// The lite module verifies no signatures itself (that would bring in every
/// algorithm's arithmetic); the full module does.
#[cfg(not(feature = "full"))]
fn assemble(_tbs: ToBeSigned, _sig: &[u8]) -> certkit_core::Result<Vec<u8>> {
    Err(Error::Crypto { op: "signing", detail: "the lite module verifies no signatures; use the full module".into() })
}

/// The kind of SAN a `hosts` entry is taken as ("DNS", "IP", "email",
/// "URI"), by the core's rules, without validating it. One host a call:
/// passing arrays of strings across the boundary costs the lite module
/// more (about 1 KB gzip) than the calls do.
#[wasm_bindgen(js_name = hostKind)]
pub fn host_kind(host: &str) -> String {
    certkit_core::San::kind_of_host(host).to_string()
}

/// Checks a cfssl CSR request without making anything; throws what
/// `genkey` would.
#[wasm_bindgen(js_name = checkRequest)]
pub fn check_request(json: &str) -> JsResult<()> {
    KeyRequest::new(json).map(drop)
}

/// A private key on its way to an encrypted PKCS#8 with PBKDF2-HMAC-SHA256
/// and AES-256-CBC, whose encryption the platform (Web Crypto) does: the
/// core chose `iterations` and took the salt and IV from Web Crypto's
/// `getRandomValues` (the JS layer draws them); the JS layer encrypts
/// `plaintext` (the key's PKCS#8) with them and hands the ciphertext to
/// [`KeyEncryptionJob::finish`], which builds the EncryptedPrivateKeyInfo.
#[wasm_bindgen]
#[derive(Debug)]
pub struct KeyEncryptionJob {
    inner: key::KeyEncryption,
}

#[wasm_bindgen]
impl KeyEncryptionJob {
    /// The key's PKCS#8 DER (a copy, which the caller wipes).
    #[wasm_bindgen(getter)]
    pub fn plaintext(&self) -> Vec<u8> {
        self.inner.job.plaintext.to_vec()
    }
    /// PBKDF2's salt.
    #[wasm_bindgen(getter)]
    pub fn salt(&self) -> Vec<u8> {
        self.inner.job.salt.to_vec()
    }
    /// AES-CBC's IV.
    #[wasm_bindgen(getter)]
    pub fn iv(&self) -> Vec<u8> {
        self.inner.job.iv.to_vec()
    }
    /// PBKDF2's iteration count.
    #[wasm_bindgen(getter)]
    pub fn iterations(&self) -> u32 {
        self.inner.job.iterations
    }
    /// The `ENCRYPTED PRIVATE KEY` PEM around the platform's ciphertext.
    pub fn finish(&self, ciphertext: &[u8]) -> JsResult<String> {
        self.inner.finish(ciphertext).map_err(fail)
    }
}

/// The first half of `encryptKey` with PBKDF2 (the npm package's
/// `{ kdf: "pbkdf2" }`): checks the passphrase and the key and chooses the
/// parameters. The lite module takes a plain PKCS#8 DER whose structure
/// shows its key (Web Crypto's EC and RSA keys); for any other key it returns
/// `undefined`, and the JS layer asks the full module, which reads every
/// form certkit reads (and says what is wrong with a bad key).
/// `random` is 32 bytes from Web Crypto's `getRandomValues` (the salt, then
/// the IV): the lite module links no random generator.
#[wasm_bindgen(js_name = encryptKeyPrepare)]
pub fn encrypt_key_prepare(key: &[u8], passphrase: &str, random: &[u8]) -> JsResult<Option<KeyEncryptionJob>> {
    let Some(pkcs8) = pkcs8_to_encrypt(key)? else { return Ok(None) };
    let inner = key::KeyEncryption::with_random(pkcs8, passphrase.as_bytes(), random).map_err(fail)?;
    Ok(Some(KeyEncryptionJob { inner }))
}

/// The lite module takes DER only (the JS layer unwraps a `PRIVATE KEY`
/// PEM: a PEM reader would cost the page's first download 4 KB gzip).
#[cfg(not(feature = "full"))]
fn pkcs8_to_encrypt(key: &[u8]) -> JsResult<Option<Zeroizing<Vec<u8>>>> {
    Ok(key::pkcs8_by_structure(key).then(|| Zeroizing::new(key.to_vec())))
}
