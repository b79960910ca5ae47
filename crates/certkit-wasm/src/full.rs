//! The full module's exports: everything the lite module lacks — keys made
//! in wasm, certinfo, key encryption, signing, Kubernetes manifests. The
//! npm package loads it on first use of one of these.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use certkit_core::Csr;
use certkit_core::SigningConfig;
use certkit_core::generate::{self, Generated};
use certkit_core::key::StatedKey;
use certkit_core::kube;
use certkit_core::{Ca, CaKey, Issued, KeyAlgorithm, Prepared, SignatureAlgorithm, UnverifiedCsr};
use certkit_core::{CaCert, Subject};
use certkit_core::{CsrRequest, Error, json, pem};
use certkit_core::{Kdf, PrivateKey, PublicKey, UnixTime};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::lite::{object, pair};
use crate::{JsResult, KeyRequest, error, fail, now, rng};

#[wasm_bindgen]
impl KeyRequest {
    /// Makes the key here, in wasm, and its CSR: `{ csr, key }` (PEM).
    pub fn generate(&self) -> JsResult<JsValue> {
        let generated = generate::key_and_csr(&self.req, &mut rng()).map_err(fail)?;
        pems(&generated)
    }
}

/// A CSR for a key that already exists (the npm package's `csrForKey`).
#[wasm_bindgen]
impl KeyRequest {
    /// A request for a key that already exists, whose public key is
    /// `spki_der` (a Web Crypto key pair's, whose private half may be
    /// non-extractable): checked as `certkit gencsr` checks it. Then
    /// [`KeyRequest::prepare`], a signature by the platform, and
    /// [`KeyRequest::finish_csr`].
    #[wasm_bindgen(js_name = forKey)]
    pub fn for_key(json: &str, spki_der: &[u8]) -> JsResult<KeyRequest> {
        let key = PublicKey::from_der(spki_der, "the key pair's public key").map_err(fail)?;
        let req = CsrRequest::from_json(json.as_bytes(), "the request")
            .and_then(|r| r.validate_for_key(key.algorithm()))
            .map_err(fail)?;
        Ok(KeyRequest { req, pending: None })
    }

    /// The second half for a key whose private half certkit never sees:
    /// the signature over [`KeyRequest::prepare`]'s bytes (`r ‖ s` for
    /// ECDSA), verified here unless `verified` says the caller has (with
    /// Web Crypto's `verify` and the same public key). Returns the CSR's PEM.
    #[wasm_bindgen(js_name = finishCsr)]
    pub fn finish_csr(&mut self, signature: &[u8], verified: bool) -> JsResult<String> {
        let (tbs, public) =
            self.pending.take().ok_or_else(|| error("finishCsr() was called before prepare(); call prepare first"))?;
        let sig = certkit_core::signer::signature_from_fixed(public.algorithm(), signature).map_err(fail)?;
        let der = if verified { tbs.assemble_verified_elsewhere(&sig) } else { tbs.assemble(&sig) }.map_err(fail)?;
        Ok(pem::encode(pem::CERTIFICATE_REQUEST, &der))
    }
}

/// A CSR for a private key given as PEM or DER (PKCS#8, SEC1, PKCS#1, or
/// encrypted PKCS#8 with `passphrase`), as `certkit gencsr -key` makes it;
/// `options_json` is `{ maxKdfCost? }` as for [`decrypt_key`]. RSA
/// signatures are blinded (a caller may time them).
#[wasm_bindgen(js_name = csrForKeyBytes)]
pub fn csr_for_key_bytes(
    json: &str,
    key: &[u8],
    passphrase: Option<String>,
    options_json: Option<String>,
) -> JsResult<String> {
    let max_cost = max_kdf_cost(options_json)?;
    let key = PrivateKey::from_bytes_within(key, passphrase.as_deref().map(str::as_bytes), max_cost, "the key")
        .map_err(|e| match e.kind() {
            Error::PassphraseNeeded => error(&format!("{e} as csrForKey(request, key, {{ passphrase }})")),
            Error::KdfCost { .. } => error(&format!(
                "{e}; if you trust this key, raise the bound with csrForKey(request, key, {{ passphrase, maxKdfCost }})"
            )),
            _ => fail(e),
        })?;
    let req = CsrRequest::from_json(json.as_bytes(), "the request")
        .and_then(|r| r.validate_for_key(key.public_key().algorithm()))
        .map_err(fail)?;
    let der =
        generate::csr_with(&req, &mut certkit_core::signer::KeySigner::blinded(&key, &mut rng())).map_err(fail)?;
    Ok(pem::encode(pem::CERTIFICATE_REQUEST, &der))
}

fn pems(generated: &Generated) -> JsResult<JsValue> {
    Ok(pair(&generated.csr_pem(), &generated.key_pem().map_err(fail)?))
}

/// cfssl's certinfo JSON for a certificate or CSR (PEM or DER), as
/// `certkit certinfo` prints it.
#[wasm_bindgen(js_name = certinfoJson)]
pub fn certinfo_json(input: &[u8]) -> JsResult<String> {
    let what = "the input";
    let json = if certkit_core::info::is_csr(input) {
        serde_json::to_string_pretty(&certkit_core::info::csr(input, what).map_err(fail)?)
    } else {
        serde_json::to_string_pretty(&certkit_core::info::certificate(input, what).map_err(fail)?)
    };
    json.map_err(|e| error(&format!("certinfo could not be written as JSON: {e}")))
}

/// Encrypts a private key (PEM or DER, any form certkit reads) as PKCS#8
/// with AES-256-CBC, which `openssl pkcs8` opens: its key derived by
/// scrypt, or by PBKDF2 with `pbkdf2` (where the platform could not).
#[wasm_bindgen(js_name = encryptKey)]
pub fn encrypt_key(key: &[u8], passphrase: &str, pbkdf2: Option<bool>) -> JsResult<String> {
    let key = PrivateKey::from_bytes(key, None, "the key").map_err(plain_key)?;
    let kdf = if pbkdf2 == Some(true) { Kdf::Pbkdf2 } else { Kdf::Scrypt };
    key.to_encrypted_pem(passphrase.as_bytes(), kdf, &mut rng()).map_err(fail)
}

/// [`crate::encrypt_key_prepare`]'s key in the full module: any form
/// certkit reads, read in full.
pub(crate) fn pkcs8_to_encrypt(key: &[u8]) -> JsResult<Option<zeroize::Zeroizing<Vec<u8>>>> {
    let key = PrivateKey::from_bytes(key, None, "the key").map_err(plain_key)?;
    key.to_pkcs8_der().map(Some).map_err(fail)
}

/// Decrypts an encrypted PKCS#8 key; returns the plain PKCS#8 PEM.
/// `options_json` is `{ maxKdfCost? }` ([`max_kdf_cost`]).
#[wasm_bindgen(js_name = decryptKey)]
pub fn decrypt_key(encrypted: &[u8], passphrase: &str, options_json: Option<String>) -> JsResult<JsValue> {
    let max_cost = max_kdf_cost(options_json)?;
    let key = PrivateKey::from_bytes_within(encrypted, Some(passphrase.as_bytes()), max_cost, "the encrypted key")
        .map_err(|e| match e.kind() {
            Error::KdfCost { .. } => error(&format!(
                "{e}; if you trust this key, raise the bound with decryptKey(key, passphrase, {{ maxKdfCost }})"
            )),
            _ => fail(e),
        })?;
    Ok(JsValue::from_str(&key.to_pkcs8_pem().map_err(fail)?))
}

/// `{ maxKdfCost? }`: the most an encrypted key's derivation may cost,
/// from the online default up to the CLI's bound (a caller's key may be a
/// stranger's, sent to keep a Worker busy).
fn max_kdf_cost(options_json: Option<String>) -> JsResult<u64> {
    let mut max_cost = certkit_core::key::ONLINE_KDF_COST;
    if let Some(json) = options_json {
        let value = json::value(json.as_bytes(), "the options", json::MAX_VALUES).map_err(fail)?;
        let range = format!("1 to {}", certkit_core::key::MAX_KDF_COST);
        let read = || -> Result<u64, json::FieldError> {
            let o = json::Object::new(&value, "", &["maxKdfCost"])?;
            match o.get("maxKdfCost") {
                None => Ok(max_cost),
                Some(_) => match o.number("maxKdfCost", &range)? {
                    n @ 1..=certkit_core::key::MAX_KDF_COST => Ok(n),
                    _ => Err(json::FieldError {
                        field: "maxKdfCost".into(),
                        detail: format!("`maxKdfCost` must be a whole number from {range}"),
                    }),
                },
            }
        };
        max_cost = read().map_err(|e| fail(e.into_error("the options")))?;
    }
    Ok(max_cost)
}

/// The package's own hint for a core error: an encrypted key given where a
/// plain one is taken is decrypted with decryptKey (the core's message
/// says only that it is encrypted; each front end names its own fix).
fn plain_key(e: Error) -> JsValue {
    if e.kind() == &Error::PassphraseNeeded {
        return error(&format!("{e}: decrypt it first with decryptKey(keyPem, passphrase)"));
    }
    fail(e)
}

/// Signs a CSR with a CA, as `certkit sign` does: `{ cert, warnings }`.
#[wasm_bindgen]
pub fn sign(
    csr: &[u8],
    ca_cert: &[u8],
    ca_key: &[u8],
    config: Option<String>,
    profile: Option<String>,
) -> JsResult<JsValue> {
    let config = signing_config(config, profile.as_deref())?;
    let csr = Csr::parse(csr, "the CSR").map_err(fail)?;
    let cert = CaCert::parse(ca_cert, "the CA certificate").map_err(fail)?;
    let key = PrivateKey::from_bytes(ca_key, None, "the CA key").map_err(plain_key)?;
    Ok(issued_strings(&sign_in_core(&csr, cert, key, config, profile.as_deref())?))
}

/// `sign`'s config (JSON text, or cfssl's default) with its profile
/// checked: the first of `sign`'s checks, before the CSR and the CA.
fn signing_config(config: Option<String>, profile: Option<&str>) -> JsResult<SigningConfig> {
    let config = match config {
        Some(json) => SigningConfig::from_json(json.as_bytes(), "the signing config").map_err(fail)?,
        None => SigningConfig::default(),
    };
    config.profile(profile).map_err(fail)?;
    Ok(config)
}

/// The CSR signed by the core with the CA key it has read, as the CLI signs.
fn sign_in_core(
    csr: &Csr,
    cert: CaCert,
    key: PrivateKey,
    config: SigningConfig,
    profile: Option<&str>,
) -> JsResult<Issued> {
    // Online: a caller may time the signatures, so RSA is blinded.
    let ca = Ca::new(cert, key, config).map_err(fail)?.blinded();
    ca.sign_csr(csr, profile, None, now(), &mut rng()).map_err(fail)
}

/// `sign` where the platform has Web Crypto: the same checks, the same
/// path through the core (`Ca::prepare_csr`, every rule of issuance), but
/// the platform's native arithmetic for the CSR's signature, the CA key's
/// signature and its verification — in wasm those three and reading the
/// CA key (four scalar multiplications for P-256) are most of a cold
/// Worker's first certificate.
///
/// The JavaScript side ([`SignJob::start`]) asks for [`SignJob::csr_check`]
/// and [`SignJob::ca_key`], runs them with Web Crypto, reports the
/// verdicts to [`SignJob::prepare`] and, with the TBSCertificate it
/// returns signed and the signature verified, calls [`SignJob::finish`].
/// Whatever the platform cannot do (an algorithm it lacks, a key it will
/// not import) the core does, as `sign` does; every error is the one
/// `sign` gives for the same input, in the same order of checks.
#[wasm_bindgen]
pub struct SignJob {
    config: Option<SigningConfig>,
    profile: Option<String>,
    csr: Option<UnverifiedCsr>,
    ca_cert: Vec<u8>,
    ca_key: Zeroizing<Vec<u8>>,
    stated: Option<StatedKey>,
    prepared: Option<Prepared>,
    ca_spki: Vec<u8>,
    issued: Option<Issued>,
}

impl core::fmt::Debug for SignJob {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignJob").field("stated", &self.stated).finish_non_exhaustive()
    }
}

/// The CA key on the platform's side: certkit holds the public key the key
/// file states, and the platform signs. The signature is verified against
/// the CA certificate's key before anything is issued.
struct PlatformKey(PublicKey);

impl CaKey for PlatformKey {
    fn public_key(&self) -> &PublicKey {
        &self.0
    }
    fn sign<R: rand_core::CryptoRng + ?Sized>(&self, _: &[u8], _: bool, _: &mut R) -> certkit_core::Result<Vec<u8>> {
        Err(Error::Crypto { op: "signing", detail: "this CA key signs in Web Crypto (SignJob)".into() })
    }
}

#[wasm_bindgen]
impl SignJob {
    /// `sign`'s first checks, in its order: the config, the profile, the
    /// CSR's structure (its signature is checked next, by
    /// [`SignJob::csr_check`]'s verifier or by [`SignJob::prepare`]).
    pub fn start(
        csr: &[u8],
        ca_cert: &[u8],
        ca_key: &[u8],
        config: Option<String>,
        profile: Option<String>,
    ) -> JsResult<SignJob> {
        let config = signing_config(config, profile.as_deref())?;
        let csr = Csr::parse_unverified(csr, "the CSR").map_err(fail)?;
        Ok(SignJob {
            config: Some(config),
            profile,
            csr: Some(csr),
            ca_cert: ca_cert.to_vec(),
            ca_key: Zeroizing::new(ca_key.to_vec()),
            stated: StatedKey::read(ca_key),
            prepared: None,
            ca_spki: Vec::new(),
            issued: None,
        })
    }

    /// What the platform may verify of the CSR: `{ spki, algorithm, signature,
    /// data }` for `importKey("spki", spki, algorithm)` and
    /// `verify(algorithm, key, signature, data)`, or `undefined` where the
    /// core verifies it (Ed25519, whose strict rules Web Crypto's need not
    /// share; a signature whose encoding is already wrong).
    #[wasm_bindgen(js_name = csrCheck)]
    pub fn csr_check(&self) -> JsValue {
        let Some(csr) = &self.csr else { return JsValue::UNDEFINED };
        let key = csr.public_key().algorithm();
        let (Some(algorithm), Some(signature)) = (
            web_crypto(key, csr.signature_algorithm()),
            certkit_core::signer::signature_to_fixed(key, csr.signature()),
        ) else {
            return JsValue::UNDEFINED;
        };
        object(&[
            ("spki", bytes(&csr.public_key().spki_der())),
            ("algorithm", algorithm),
            ("signature", bytes(&signature)),
            ("data", bytes(csr.signed_bytes())),
        ])
    }

    /// The CA key for the platform: `{ pkcs8, algorithm }` for
    /// `importKey("pkcs8", pkcs8, algorithm)` and `sign(algorithm, …)`, or
    /// `undefined` where the core signs (Ed25519, an encrypted key, an EC
    /// key that does not state its public key, a file it reads only in
    /// full). The caller wipes `pkcs8` once imported.
    #[wasm_bindgen(js_name = caKey)]
    pub fn ca_key(&self) -> JsValue {
        let Some(stated) = &self.stated else { return JsValue::UNDEFINED };
        let key = stated.public_key().algorithm();
        let Some(algorithm) = web_crypto(key, key.signature_algorithm()) else { return JsValue::UNDEFINED };
        object(&[("pkcs8", bytes(stated.pkcs8())), ("algorithm", algorithm)])
    }

    /// The rest of `sign`'s checks, and the certificate built: `csr_verdict`
    /// is the platform's verdict on [`SignJob::csr_check`] (`undefined`: the
    /// core verifies); `platform_key` whether [`SignJob::ca_key`] was
    /// imported. Returns the TBSCertificate for the platform to sign, or
    /// `undefined` when the core has signed (no platform key): then
    /// [`SignJob::finish`] without a signature.
    pub fn prepare(&mut self, csr_verdict: Option<bool>, platform_key: bool) -> JsResult<Option<js_sys::Uint8Array>> {
        let (Some(csr), Some(config)) = (self.csr.take(), self.config.take()) else {
            return Err(error("SignJob.prepare() was called twice; start a new job"));
        };
        let csr = match csr_verdict {
            Some(true) => csr.verified_elsewhere(),
            Some(false) => Err(csr.refused_elsewhere()),
            None => csr.verify(),
        }
        .map_err(fail)?;
        let cert = CaCert::parse(&self.ca_cert, "the CA certificate").map_err(fail)?;
        let profile = self.profile.as_deref();
        let stated = self.stated.as_ref().filter(|_| platform_key);
        let Some(stated) = stated else {
            self.issued = Some(sign_in_core(&csr, cert, self.read_key()?, config, profile)?);
            return Ok(None);
        };
        // The key the file states must be the certificate's (Ca::new).
        let prepared = Ca::new(cert, PlatformKey(stated.public_key().clone()), config).and_then(|ca| {
            let prepared = ca.prepare_csr(&csr, profile, None, now(), &mut rng())?;
            Ok((prepared, ca.cert().public_key().spki_der()))
        });
        match prepared {
            Ok((prepared, ca_spki)) => {
                let tbs = js_sys::Uint8Array::from(prepared.bytes());
                self.prepared = Some(prepared);
                self.ca_spki = ca_spki;
                Ok(Some(tbs))
            }
            Err(e) => {
                // `sign` reads the key before it checks it against the
                // certificate or applies the profile: a key it would refuse
                // is named first.
                self.read_key()?;
                Err(fail(e))
            }
        }
    }

    /// The CA certificate's public key (SubjectPublicKeyInfo DER), once
    /// [`SignJob::prepare`] has returned bytes to sign: the platform verifies
    /// its signature with it (`importKey("spki", …)` with `caKey().algorithm`).
    #[wasm_bindgen(js_name = caSpki)]
    pub fn ca_spki(&self) -> js_sys::Uint8Array {
        js_sys::Uint8Array::from(&self.ca_spki[..])
    }

    /// The certificate, as `sign` returns it (`{ cert, warnings }`):
    /// `signature` is the platform's over [`SignJob::prepare`]'s bytes (`r ‖ s`
    /// for ECDSA) and `verdict` its verification with [`SignJob::ca_spki`]
    /// (`undefined`: the core verifies). No signature: the core signs
    /// with the key it reads. A signature the platform did not verify is
    /// never used: the core first reads the key in full (a corrupt key file
    /// is named as `sign` names it), then verifies the signature itself.
    pub fn finish(&mut self, signature: Option<Vec<u8>>, verdict: Option<bool>) -> JsResult<JsValue> {
        if let Some(issued) = self.issued.take() {
            return Ok(issued_strings(&issued));
        }
        let (Some(prepared), Some(stated)) = (self.prepared.take(), self.stated.as_ref()) else {
            return Err(error("SignJob.finish() was called before prepare(); call prepare first"));
        };
        let public = stated.public_key().clone();
        // The platform signed with the algorithm caKey() named: the one the
        // certificate declares, as the core chose it from the same key.
        let verdict = verdict.filter(|_| prepared.signature_algorithm() == public.algorithm().signature_algorithm());
        let issued = match signature {
            None => {
                let key = self.read_key()?;
                if key.public_key() != &public {
                    return Err(fail(Error::CaKeyMismatch));
                }
                let signature = CaKey::sign(&key, prepared.bytes(), true, &mut rng()).map_err(fail)?;
                prepared.finish(&signature)
            }
            Some(raw) => {
                let signature = certkit_core::signer::signature_from_fixed(public.algorithm(), &raw).map_err(fail)?;
                match verdict {
                    Some(true) => prepared.finish_verified_elsewhere(&signature),
                    Some(false) => {
                        self.read_key()?;
                        prepared.finish(&signature)
                    }
                    None => prepared.finish(&signature),
                }
            }
        };
        Ok(issued_strings(&issued.map_err(fail)?))
    }
}

impl SignJob {
    /// The CA key read in full by the core, as `sign` reads it.
    fn read_key(&self) -> JsResult<PrivateKey> {
        PrivateKey::from_bytes(&self.ca_key, None, "the CA key").map_err(plain_key)
    }
}

/// `{ cert, warnings }`: the certificate's PEM and the issuance warnings.
fn issued_strings(issued: &Issued) -> JsValue {
    let warnings: js_sys::Array = issued.warnings.iter().map(|w| JsValue::from_str(&w.to_string())).collect();
    object(&[("cert", JsValue::from_str(&issued.to_pem())), ("warnings", warnings.into())])
}

/// Web Crypto's parameters for a signature `alg` by a `key` —
/// `{ name, hash, namedCurve? }`, which `importKey`, `sign` and `verify` all
/// take — or `None` where certkit does not hand it to the platform.
fn web_crypto(key: KeyAlgorithm, alg: SignatureAlgorithm) -> Option<JsValue> {
    use SignatureAlgorithm as S;
    let hash = match alg {
        S::RsaSha256 | S::EcdsaSha256 => "SHA-256",
        S::RsaSha384 | S::EcdsaSha384 => "SHA-384",
        S::RsaSha512 | S::EcdsaSha512 => "SHA-512",
        _ => return None,
    };
    let (name, curve) = match (key, alg) {
        (KeyAlgorithm::EcdsaP256, S::EcdsaSha256 | S::EcdsaSha384 | S::EcdsaSha512) => ("ECDSA", Some("P-256")),
        (KeyAlgorithm::EcdsaP384, S::EcdsaSha256 | S::EcdsaSha384 | S::EcdsaSha512) => ("ECDSA", Some("P-384")),
        (KeyAlgorithm::Rsa(_), S::RsaSha256 | S::RsaSha384 | S::RsaSha512) => ("RSASSA-PKCS1-v1_5", None),
        _ => return None,
    };
    let mut members = vec![("name", JsValue::from_str(name)), ("hash", JsValue::from_str(hash))];
    if let Some(curve) = curve {
        members.push(("namedCurve", JsValue::from_str(curve)));
    }
    Some(object(&members))
}

fn bytes(b: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(b).into()
}

/// A Kubernetes CertificateSigningRequest manifest (YAML) for a CSR, with
/// the same checks as `certkit k8s request`. `options_json` is
/// `{ name, signerName, usages?, expirationSeconds? }`, read by the core's
/// JSON rules (so a wrong member is named, with its path in `error.field`).
#[wasm_bindgen(js_name = kubernetesCsr)]
pub fn kubernetes_csr(csr_pem: &[u8], options_json: &str) -> JsResult<String> {
    let params = crate::manifest_params(options_json)?;
    let manifest = kube::manifest(csr_pem, &params, "the CSR").map_err(fail)?;
    Ok(manifest.to_yaml())
}

/// Whether `key` (a private key, plain) belongs to the certificate or CSR
/// `cert` — both PEM or DER.
#[wasm_bindgen(js_name = keyMatches)]
pub fn key_matches(cert: &[u8], key: &[u8]) -> JsResult<bool> {
    let key = PrivateKey::from_bytes(key, None, "the private key").map_err(plain_key)?;
    let public = if certkit_core::info::is_csr(cert) {
        // By structure: a CSR certkit would not sign still names its key.
        let spki = certkit_core::info::csr_public_key(cert, "the CSR").map_err(fail)?;
        match PublicKey::from_spki(&spki, "the CSR") {
            Ok(public) => public,
            // A key of a kind certkit does not use cannot be this key.
            Err(_) => return Ok(false),
        }
    } else {
        Subject::from_certificate(&pem::first_certificate(cert, "the certificate").map_err(fail)?, "the certificate")
            .map_err(fail)?
            .public_key
    };
    Ok(&public == key.public_key())
}

/// The members of `pkcs12`'s options object.
const PKCS12_OPTIONS: [&str; 8] =
    ["cert", "key", "chain", "passphrase", "name", "legacy", "iterations", "noPassphrase"];

/// Refuses a member of `options` that is not one of `function`'s options,
/// naming it and listing them (a misspelt option must not be ignored).
fn known_options(options: &JsValue, function: &str, known: &[&str]) -> JsResult<()> {
    for k in js_sys::Object::keys(&js_sys::Object::from(options.clone())).iter() {
        let k = k.as_string().unwrap_or_default();
        if !known.contains(&k.as_str()) {
            return Err(error(&format!(
                "options.{} is not an option of {function}; its options are {}",
                k.escape_debug(),
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// An input of `pkcs12`'s options as the JS layer's `bytes()` reads one
/// (PEM text or DER bytes, not empty, within [`certkit_core::MAX_INPUT_LEN`]),
/// with its messages: read here so that the page's first download does
/// not carry pkcs12's argument handling.
fn input_bytes(value: &JsValue, name: &str) -> JsResult<Vec<u8>> {
    use wasm_bindgen::JsCast;
    let bytes = if let Some(text) = value.as_string() {
        text.into_bytes()
    } else if let Some(b) = value.dyn_ref::<js_sys::Uint8Array>() {
        b.to_vec()
    } else if let Some(b) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(b).to_vec()
    } else if js_sys::ArrayBuffer::is_view(value) {
        let view: &js_sys::DataView = value.unchecked_ref();
        js_sys::Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
        .to_vec()
    } else {
        let got = if value.is_null() {
            "null".into()
        } else if value.is_undefined() {
            "undefined".into()
        } else if js_sys::Array::is_array(value) {
            "an array".into()
        } else if value.is_object() {
            let ctor = js_sys::Reflect::get(value, &"constructor".into())
                .ok()
                .and_then(|c| js_sys::Reflect::get(&c, &"name".into()).ok())
                .and_then(|n| n.as_string());
            format!("an object ({})", ctor.as_deref().unwrap_or("without a prototype"))
        } else {
            format!("a {}", value.js_typeof().as_string().unwrap_or_default())
        };
        return Err(error(&format!("{name} must be PEM text (a string) or DER bytes (a Uint8Array); got {got}")));
    };
    if bytes.is_empty() {
        return Err(error(&format!("{name} is empty; give PEM text or DER bytes")));
    }
    if bytes.len() > certkit_core::MAX_INPUT_LEN {
        return Err(error(&format!(
            "{name} is {} bytes, more than certkit's {}-byte limit for one input; check you passed the right value",
            bytes.len(),
            certkit_core::MAX_INPUT_LEN
        )));
    }
    Ok(bytes)
}

/// `pkcs12`'s options, read and checked.
struct Pkcs12Options {
    certificate: Vec<u8>,
    key: PrivateKey,
    chain: Vec<Vec<u8>>,
    passphrase: zeroize::Zeroizing<String>,
    name: Option<String>,
    protection: certkit_core::pkcs12::Protection,
}

impl Pkcs12Options {
    fn read(options: &JsValue) -> JsResult<Self> {
        use certkit_core::pkcs12::{self, Protection};
        let get = |name: &str| js_sys::Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
        if !options.is_object() {
            return Err(error("options must be an object: { cert, key, chain?, passphrase, name? }"));
        }
        let cert = input_bytes(&get("cert"), "options.cert")?;
        let key = input_bytes(&get("key"), "options.key")?;
        let chain = match get("chain") {
            c if c.is_undefined() || c.is_null() => None,
            c => Some(input_bytes(&c, "options.chain")?),
        };
        known_options(options, "pkcs12", &PKCS12_OPTIONS)?;
        let passphrase = zeroize::Zeroizing::new(match get("passphrase") {
            p if p.is_undefined() || p.is_null() => String::new(),
            p => p.as_string().ok_or_else(|| error("options.passphrase must be a string"))?,
        });
        if passphrase.is_empty() && get("noPassphrase").as_bool() != Some(true) {
            return Err(error(
                "options.passphrase is empty; give one, or set noPassphrase: true for a .p12 without one (some importers refuse such files)",
            ));
        }
        let name = match get("name") {
            n if n.is_undefined() || n.is_null() => None,
            n => Some(n.as_string().ok_or_else(|| error("options.name must be a string"))?),
        };
        let legacy = match get("legacy") {
            l if l.is_undefined() => false,
            l => l.as_bool().ok_or_else(|| error("options.legacy must be true or false"))?,
        };
        let iterations = match get("iterations") {
            i if i.is_undefined() => pkcs12::DEFAULT_ITERATIONS,
            i => match i.as_f64() {
                Some(n) if n.fract() == 0.0 && (1.0..=5_000_000.0).contains(&n) => n as u32,
                _ => return Err(error("options.iterations must be a whole number from 1 to 5000000")),
            },
        };
        let certificate = pem::first_certificate(&cert, "the certificate").map_err(fail)?;
        let key = PrivateKey::from_bytes(&key, None, "the key").map_err(plain_key)?;
        let chain = match &chain {
            Some(c) => pem::certificates(c, "the chain").map_err(fail)?,
            None => Vec::new(),
        };
        let protection = if legacy { Protection::Legacy { iterations } } else { Protection::Modern { iterations } };
        Ok(Pkcs12Options { certificate, key, chain, passphrase, name, protection })
    }

    fn bundle(&self) -> certkit_core::pkcs12::Bundle<'_> {
        certkit_core::pkcs12::Bundle {
            certificate: &self.certificate,
            key: &self.key,
            chain: &self.chain,
            name: self.name.as_deref(),
        }
    }
}

/// A PKCS#12 file (.p12) of a certificate, its plain private key and the
/// chain above it (all PEM or DER, in `options`;
/// the chain may hold several certificates, the issuer first), as `certkit
/// pkcs12` writes it: PBES2 with AES-256-CBC and an HMAC-SHA-256 MAC, or
/// with `legacy` 3DES and HMAC-SHA-1; `iterations` for both (OpenSSL 3
/// writes 2048). The other options are checked here, not in the JS layer,
/// so that the page's first download does not carry them.
#[wasm_bindgen]
pub fn pkcs12(options: &JsValue) -> JsResult<Vec<u8>> {
    let o = Pkcs12Options::read(options)?;
    certkit_core::pkcs12::build(&o.bundle(), &o.passphrase, o.protection, &mut rng()).map_err(fail)
}

/// The same file with its two PBES2 encryptions done by the platform (Web
/// Crypto's PBKDF2 and AES-CBC): `pkcs12Prepare(options)` checks the
/// options and lays the file out; the JS layer encrypts `certificates` and
/// `key` (`plaintext`, `salt`, `iv`, `iterations`), then `finish` adds the
/// MAC (PKCS#12's own key derivation, which Web Crypto lacks). `undefined`
/// for `legacy` files, whose 3DES Web Crypto does not have; the JS layer
/// calls `pkcs12` then, and when the platform's encryption fails.
#[wasm_bindgen]
pub struct Pkcs12Pending {
    pending: certkit_core::pkcs12::Pending,
    passphrase: zeroize::Zeroizing<String>,
}

/// One encryption of a [`Pkcs12Pending`].
#[wasm_bindgen]
pub struct Pkcs12Encryption {
    plaintext: zeroize::Zeroizing<Vec<u8>>,
    salt: Vec<u8>,
    iv: Vec<u8>,
    iterations: u32,
}

#[wasm_bindgen]
impl Pkcs12Encryption {
    #[wasm_bindgen(getter)]
    pub fn plaintext(&self) -> Vec<u8> {
        self.plaintext.to_vec()
    }
    #[wasm_bindgen(getter)]
    pub fn salt(&self) -> Vec<u8> {
        self.salt.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn iv(&self) -> Vec<u8> {
        self.iv.clone()
    }
    #[wasm_bindgen(getter)]
    pub fn iterations(&self) -> u32 {
        self.iterations
    }
}

impl core::fmt::Debug for Pkcs12Pending {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs12Pending").field("pending", &self.pending).finish_non_exhaustive()
    }
}

impl core::fmt::Debug for Pkcs12Encryption {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs12Encryption").field("iterations", &self.iterations).finish_non_exhaustive()
    }
}

fn encryption(job: &certkit_core::pkcs12::Pbes2) -> Pkcs12Encryption {
    Pkcs12Encryption {
        plaintext: job.plaintext.clone(),
        salt: job.salt.to_vec(),
        iv: job.iv.to_vec(),
        iterations: job.iterations,
    }
}

#[wasm_bindgen(js_name = pkcs12Prepare)]
pub fn pkcs12_prepare(options: &JsValue) -> JsResult<Option<Pkcs12Pending>> {
    let o = Pkcs12Options::read(options)?;
    let certkit_core::pkcs12::Protection::Modern { iterations } = o.protection else {
        return Ok(None);
    };
    let pending = certkit_core::pkcs12::prepare(&o.bundle(), iterations, &mut rng()).map_err(fail)?;
    Ok(Some(Pkcs12Pending { pending, passphrase: o.passphrase }))
}

#[wasm_bindgen]
impl Pkcs12Pending {
    #[wasm_bindgen(getter)]
    pub fn certificates(&self) -> Pkcs12Encryption {
        encryption(&self.pending.certificates)
    }
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> Pkcs12Encryption {
        encryption(&self.pending.key)
    }
    /// The file, from the two ciphertexts.
    pub fn finish(self, certificates: &[u8], key: &[u8]) -> JsResult<Vec<u8>> {
        self.pending.finish(certificates, key, &self.passphrase, &mut rng()).map_err(fail)
    }
}

/// The members of `verify`'s options object.
const VERIFY_OPTIONS: [&str; 6] = ["roots", "intermediates", "host", "purpose", "at", "crls"];

/// Verifies a certificate's chain as `certkit verify` does (the core's
/// `verify`), returning the verdict `{ ok, chain, errors }` as JSON.
/// `options` is `{ roots, intermediates?, host?, purpose?, at?, crls? }`:
/// PEM text or DER bytes for the certificates and each CRL (`crls` an
/// array, or one), `purpose` `"server"` (the default) or `"client"`, `at` a
/// `Date`, an RFC 3339 string or milliseconds since 1970 (default: now).
/// Read and checked here rather than in the JS layer, which the page
/// downloads first.
#[wasm_bindgen(js_name = verifyJson)]
pub fn verify_json(cert: &JsValue, options: &JsValue) -> JsResult<String> {
    use certkit_core::verify::Purpose;
    use wasm_bindgen::JsCast;
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(error("options must be an object: { roots, intermediates?, host?, purpose?, at?, crls? }"));
    }
    let get = |name: &str| js_sys::Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let absent = |v: &JsValue| v.is_undefined() || v.is_null();
    known_options(options, "verify", &VERIFY_OPTIONS)?;
    let cert = input_bytes(cert, "certPem")?;
    let roots = input_bytes(&get("roots"), "options.roots")?;
    let intermediates = match get("intermediates") {
        v if absent(&v) => Vec::new(),
        v => input_bytes(&v, "options.intermediates")?,
    };
    let host = match get("host") {
        v if absent(&v) => None,
        v => Some(v.as_string().ok_or_else(|| error("options.host must be a string (a DNS name or IP address)"))?),
    };
    let purpose = match get("purpose") {
        v if absent(&v) => Purpose::Server,
        v => Purpose::parse(&v.as_string().unwrap_or_default()).map_err(|e| error(&format!("options.{e}")))?,
    };
    let at = match get("at") {
        v if absent(&v) => now(),
        v if v.is_string() => {
            certkit_core::time::parse_rfc3339(&v.as_string().unwrap_or_default(), "options.at").map_err(fail)?
        }
        v => {
            let ms = v.dyn_ref::<js_sys::Date>().map_or_else(|| v.as_f64().unwrap_or(f64::NAN), js_sys::Date::get_time);
            if !ms.is_finite() || ms < 0.0 {
                return Err(error("options.at must be a Date, an RFC 3339 string or milliseconds since 1970"));
            }
            UnixTime((ms / 1000.0) as u64)
        }
    };
    verify_at(&cert, &roots, &intermediates, host.as_deref(), purpose, at, &get("crls"))
}

fn verify_at(
    cert: &[u8],
    roots: &[u8],
    intermediates: &[u8],
    host: Option<&str>,
    purpose: certkit_core::verify::Purpose,
    at: UnixTime,
    crls: &JsValue,
) -> JsResult<String> {
    let crls: Vec<Vec<u8>> = if crls.is_undefined() || crls.is_null() {
        Vec::new()
    } else if js_sys::Array::is_array(crls) {
        js_sys::Array::from(crls)
            .iter()
            .enumerate()
            .map(|(i, c)| input_bytes(&c, &format!("options.crls[{i}]")))
            .collect::<JsResult<_>>()?
    } else {
        vec![input_bytes(crls, "options.crls")?]
    };
    let crl_refs: Vec<&[u8]> = crls.iter().map(Vec::as_slice).collect();
    let request = certkit_core::verify::Request { cert, roots, intermediates, host, purpose, at, crls: &crl_refs };
    let verdict = certkit_core::verify::verify(&request).map_err(fail)?;
    serde_json::to_string(&verdict).map_err(|e| error(&format!("the verdict could not be written as JSON: {e}")))
}
