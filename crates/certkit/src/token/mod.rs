//! A CA key in a hardware token, through PKCS#11 (the `cryptoki` crate).
//!
//! certkit hands the token the bytes to sign and takes back a signature,
//! which the core verifies against the CA's public key before it makes
//! anything ([`certkit_core::CaKey`]). The private key never leaves the
//! token: keys certkit makes there are `CKA_SENSITIVE` and not
//! `CKA_EXTRACTABLE`, and nothing of them is read but the public half.
//!
//! Mechanisms: ECDSA as `CKM_ECDSA` over the hash certkit computes (every
//! token has it; the hash-and-sign variants are optional), the signature's
//! `r ‖ s` converted by the core; RSA as `CKM_SHA{256,384,512}_RSA_PKCS`,
//! or `CKM_RSA_PKCS` over the DigestInfo where the token lacks those;
//! Ed25519 as `CKM_EDDSA`.
//!
//! The PIN comes from the URI's `pin-source` (a file), the
//! `CERTKIT_PKCS11_PIN` variable, or a prompt on the terminal — never from
//! the command line — and is zeroized once the token has it.

pub mod uri;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result, anyhow, bail};
use certkit_core::{KeyAlgorithm, PublicKey, SignatureAlgorithm};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use sha2::Digest;
use zeroize::Zeroizing;

pub use uri::{Pkcs11Uri, is_uri};

/// The environment variable a PIN may come from.
pub const PIN_ENV: &str = "CERTKIT_PKCS11_PIN";

/// How the token signs.
#[derive(Debug, Clone, Copy)]
enum How {
    /// `CKM_ECDSA` over a hash certkit computes.
    Ecdsa,
    /// `CKM_SHAxxx_RSA_PKCS`: the token hashes.
    RsaHashing,
    /// `CKM_RSA_PKCS` over the DigestInfo certkit builds.
    RsaDigestInfo,
    /// `CKM_EDDSA` (Ed25519, the message itself).
    Eddsa,
}

/// A private key in a token, logged in and ready to sign.
pub struct TokenKey {
    uri: Pkcs11Uri,
    public: PublicKey,
    how: How,
    handle: ObjectHandle,
    /// PKCS#11 sessions are not to be shared between threads at once.
    session: Mutex<Session>,
    /// Set when the token went away: the rest of a batch stops at once.
    gone: AtomicBool,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey").field("uri", &self.uri).field("how", &self.how).finish_non_exhaustive()
    }
}

impl TokenKey {
    /// The key's public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Whether the token went away during this run (nothing more will sign).
    pub fn gone(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }

    /// The URI naming this key (no PIN), as a CA directory records it.
    pub fn uri(&self) -> &Pkcs11Uri {
        &self.uri
    }

    /// Signs `tbs` as X.509 wants it for the key's signature algorithm.
    pub fn sign(&self, tbs: &[u8]) -> certkit_core::Result<Vec<u8>> {
        self.sign_anyhow(tbs).map_err(|e| certkit_core::Error::Crypto { op: "signing", detail: format!("{e:#}") })
    }

    fn sign_anyhow(&self, tbs: &[u8]) -> Result<Vec<u8>> {
        if self.gone.load(Ordering::Relaxed) {
            bail!("not signed: {} went away earlier in this run", self.uri.token_name());
        }
        let alg = self.public.algorithm().signature_algorithm();
        let (mechanism, data) = match self.how {
            How::Ecdsa => (Mechanism::Ecdsa, digest(alg, tbs)),
            How::RsaHashing => (
                match alg {
                    SignatureAlgorithm::RsaSha384 => Mechanism::Sha384RsaPkcs,
                    SignatureAlgorithm::RsaSha512 => Mechanism::Sha512RsaPkcs,
                    _ => Mechanism::Sha256RsaPkcs,
                },
                tbs.to_vec(),
            ),
            How::RsaDigestInfo => {
                let mut info = digest_info_prefix(alg).to_vec();
                info.extend_from_slice(&digest(alg, tbs));
                (Mechanism::RsaPkcs, info)
            }
            How::Eddsa => (Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)), tbs.to_vec()),
        };
        let session = self.session.lock().map_err(|_| anyhow!("the token session was poisoned by a failed worker"))?;
        let signature = session.sign(&mechanism, self.handle, &data).map_err(|e| {
            if is_gone(&e) {
                self.gone.store(true, Ordering::Relaxed);
            }
            anyhow!("{} could not sign with the {}: {}", self.uri.token_name(), self.uri.key_name(), explain(&e))
        })?;
        Ok(certkit_core::signer::signature_from_fixed(self.public.algorithm(), &signature)?)
    }
}

impl certkit_core::CaKey for TokenKey {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }
    fn sign<R: certkit_core::rand_core::CryptoRng + ?Sized>(
        &self,
        tbs: &[u8],
        _blinded: bool,
        _rng: &mut R,
    ) -> certkit_core::Result<Vec<u8>> {
        TokenKey::sign(self, tbs)
    }
}

impl certkit_core::signer::Signer for &TokenKey {
    fn public_key(&self) -> &PublicKey {
        &self.public
    }
    fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.public.algorithm().signature_algorithm()
    }
    fn sign(&mut self, tbs: &[u8]) -> certkit_core::Result<Vec<u8>> {
        TokenKey::sign(self, tbs)
    }
}

/// Opens the key a `pkcs11:` URI names, logging in to its token.
/// `fallback` is the public key to use when the token keeps no public-key
/// object beside an EC key (the CA certificate's): signatures are verified
/// against it, so a wrong key cannot sign.
pub fn open(text: &str, fallback: Option<&PublicKey>) -> Result<TokenKey> {
    let uri = Pkcs11Uri::parse(text)?;
    let (ctx, slot) = find_token(&uri)?;
    let session = ctx
        .open_ro_session(slot)
        .map_err(|e| anyhow!("cannot open a session on {}: {}", uri.token_name(), explain(&e)))?;
    login(&ctx, slot, &session, &uri)?;
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(o) = &uri.object {
        template.push(Attribute::Label(o.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    let found =
        session.find_objects(&template).map_err(|e| anyhow!("cannot search {}: {}", uri.token_name(), explain(&e)))?;
    let handle = match found.as_slice() {
        [one] => *one,
        [] => {
            let present = labels(&session, ObjectClass::PRIVATE_KEY);
            bail!(
                "{} has no {}{}; name the key with object=LABEL or id=%NN",
                uri.token_name(),
                uri.key_name(),
                if present.is_empty() {
                    " (it holds no private keys)".to_string()
                } else {
                    format!(" (private keys on it: {})", present.join(", "))
                }
            );
        }
        many => bail!(
            "{} private keys on {} match the URI; name one with object=LABEL or id=%NN (keys: {})",
            many.len(),
            uri.token_name(),
            labels(&session, ObjectClass::PRIVATE_KEY).join(", ")
        ),
    };
    let public = public_key(&session, handle, &uri, fallback)?;
    let how = mechanism_for(&ctx, slot, public.algorithm(), &uri)?;
    Ok(TokenKey { uri, public, how, handle, session: Mutex::new(session), gone: AtomicBool::new(false) })
}

/// Makes a key pair inside the token the URI names, labelled with its
/// `object` (which must be new there): the private key sensitive and not
/// extractable, so it never leaves the token. Returns it opened, with the
/// URI narrowed to the new key's label and id.
pub fn generate(text: &str, algorithm: KeyAlgorithm) -> Result<TokenKey> {
    let uri = Pkcs11Uri::parse(text)?;
    let Some(label) = uri.object.clone() else {
        bail!(
            "name the key to make with object=LABEL in the PKCS#11 URI (e.g. pkcs11:token=offline-root;object=root-2026)"
        );
    };
    if uri.id.is_some() {
        bail!("the PKCS#11 URI of a key to make gives an id; leave it out (certkit draws a new one)");
    }
    let (ctx, slot) = find_token(&uri)?;
    let session = ctx
        .open_rw_session(slot)
        .map_err(|e| anyhow!("cannot open a read-write session on {}: {}", uri.token_name(), explain(&e)))?;
    login(&ctx, slot, &session, &uri)?;
    let taken = session
        .find_objects(&[Attribute::Label(label.as_bytes().to_vec())])
        .map_err(|e| anyhow!("cannot search {}: {}", uri.token_name(), explain(&e)))?;
    if !taken.is_empty() {
        bail!(
            "{} already holds an object labelled \"{label}\"; certkit never replaces a key in a token: choose another object=",
            uri.token_name()
        );
    }
    let mut id = vec![0u8; 8];
    getrandom::fill(&mut id).map_err(|e| anyhow!("the system's random source failed: {e}"))?;
    let common = |public: bool| {
        let mut t =
            vec![Attribute::Token(true), Attribute::Label(label.as_bytes().to_vec()), Attribute::Id(id.clone())];
        if public {
            t.push(Attribute::Verify(true));
        } else {
            t.extend([
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
            ]);
        }
        t
    };
    let (mechanism, mut public_template) = match algorithm {
        KeyAlgorithm::Rsa(bits) => (
            Mechanism::RsaPkcsKeyPairGen,
            vec![Attribute::ModulusBits(u64::from(bits).into()), Attribute::PublicExponent(vec![1, 0, 1])],
        ),
        KeyAlgorithm::Ed25519 => (Mechanism::EccEdwardsKeyPairGen, vec![Attribute::EcParams(curve(algorithm))]),
        _ => (Mechanism::EccKeyPairGen, vec![Attribute::EcParams(curve(algorithm))]),
    };
    let needed = mechanism.mechanism_type();
    if !ctx.get_mechanism_list(slot).unwrap_or_default().contains(&needed) {
        bail!("{} cannot make {algorithm} keys (it lacks {needed}); choose another key type", uri.token_name());
    }
    // A key the token could not sign with is never made.
    let how = mechanism_for(&ctx, slot, algorithm, &uri)?;
    public_template.extend(common(true));
    let (_, private) = session
        .generate_key_pair(&mechanism, &public_template, &common(false))
        .map_err(|e| anyhow!("{} could not make an {algorithm} key: {}", uri.token_name(), explain(&e)))?;
    let uri = uri.for_key(&label, &id);
    let public = public_key(&session, private, &uri, None)?;
    if public.algorithm() != algorithm {
        bail!("{} made a {} key where {algorithm} was asked", uri.token_name(), public.algorithm());
    }
    Ok(TokenKey { uri, public, how, handle: private, session: Mutex::new(session), gone: AtomicBool::new(false) })
}

/// The module's context, loaded and initialized once per process (a
/// module may be initialized only once; several keys share it).
fn context(module: &Path) -> Result<Pkcs11> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut loaded =
        LOADED.get_or_init(Default::default).lock().map_err(|_| anyhow!("the PKCS#11 module table was poisoned"))?;
    if let Some(ctx) = loaded.get(module) {
        return Ok(ctx.clone());
    }
    if !module.is_file() {
        bail!(
            "the PKCS#11 module {} does not exist; give the module's file with module-path= (for SoftHSM: /usr/lib/softhsm/libsofthsm2.so)",
            module.display()
        );
    }
    let ctx = Pkcs11::new(module).map_err(|e| {
        anyhow!(
            "cannot load the PKCS#11 module {}: {}{}",
            module.display(),
            explain(&e),
            if cfg!(target_feature = "crt-static") {
                " (this certkit is statically linked and cannot load modules; use the dynamically linked release build)"
            } else {
                ""
            }
        )
    })?;
    ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .map_err(|e| anyhow!("the PKCS#11 module {} failed to start: {}", module.display(), explain(&e)))?;
    loaded.insert(module.to_path_buf(), ctx.clone());
    Ok(ctx)
}

/// The one slot whose token the URI names.
fn find_token(uri: &Pkcs11Uri) -> Result<(Pkcs11, Slot)> {
    let module = uri.module()?;
    let ctx = context(&module)?;
    if uri.library_manufacturer.is_some() || uri.library_description.is_some() {
        let info =
            ctx.get_library_info().map_err(|e| anyhow!("cannot read the module's information: {}", explain(&e)))?;
        let mismatch = |want: &Option<String>, have: &str| want.as_deref().is_some_and(|w| w != have.trim_end());
        if mismatch(&uri.library_manufacturer, info.manufacturer_id())
            || mismatch(&uri.library_description, info.library_description())
        {
            bail!(
                "the PKCS#11 module {} is not the library the URI names (library-manufacturer/library-description)",
                module.display()
            );
        }
    }
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| anyhow!("cannot list the tokens of {}: {}", module.display(), explain(&e)))?;
    let mut matching = Vec::new();
    let mut present = Vec::new();
    for slot in slots {
        let Ok(info) = ctx.get_token_info(slot) else { continue };
        if !info.token_initialized() {
            continue;
        }
        let label = info.label().trim_end().to_string();
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have.trim_end());
        let slot_ok = if uri.slot_description.is_some() || uri.slot_manufacturer.is_some() {
            ctx.get_slot_info(slot).is_ok_and(|s| {
                eq(&uri.slot_description, s.slot_description()) && eq(&uri.slot_manufacturer, s.manufacturer_id())
            })
        } else {
            true
        };
        if eq(&uri.token, &label)
            && eq(&uri.manufacturer, info.manufacturer_id())
            && eq(&uri.serial, info.serial_number())
            && eq(&uri.model, info.model())
            && uri.slot_id.is_none_or(|id| id == slot.id())
            && slot_ok
        {
            matching.push(slot);
        }
        present.push(format!("\"{label}\" (serial {})", info.serial_number().trim_end()));
    }
    match matching.as_slice() {
        [one] => Ok((ctx, *one)),
        [] if present.is_empty() => {
            bail!("{} has no token: initialize one, or check that it is plugged in", module.display())
        }
        [] => bail!(
            "no token in {} matches {}; tokens present: {}",
            module.display(),
            uri.token_name(),
            present.join(", ")
        ),
        many => bail!(
            "{} tokens in {} match the URI; name one with token=LABEL or serial=… (tokens: {})",
            many.len(),
            module.display(),
            present.join(", ")
        ),
    }
}

/// Logs in as the user, when the token asks for it.
fn login(ctx: &Pkcs11, slot: Slot, session: &Session, uri: &Pkcs11Uri) -> Result<()> {
    let info = ctx.get_token_info(slot).map_err(|e| anyhow!("cannot read {}: {}", uri.token_name(), explain(&e)))?;
    if info.user_pin_locked() {
        bail!(
            "{} is locked: its user PIN was entered wrongly too often; unblock it with the SO PIN (e.g. `pkcs11-tool --unlock-pin`)",
            uri.token_name()
        );
    }
    if !info.user_pin_initialized() {
        bail!(
            "{} has no user PIN yet; set one (e.g. `softhsm2-util --init-token` or `pkcs11-tool --init-pin`)",
            uri.token_name()
        );
    }
    if !info.login_required() {
        return Ok(());
    }
    let result = if info.protected_authentication_path() {
        eprintln!("certkit: enter the PIN on {}'s own keypad", uri.token_name());
        session.login(UserType::User, None)
    } else {
        let pin = read_pin(uri)?;
        session.login(UserType::User, Some(&pin))
    };
    match result {
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(P11Error::Pkcs11(RvError::PinIncorrect, _)) => {
            let state = match ctx.get_token_info(slot) {
                Ok(i) if i.user_pin_locked() => " The token is now locked; unblock it with the SO PIN.",
                Ok(i) if i.user_pin_final_try() => " One try is left before the token locks.",
                Ok(i) if i.user_pin_count_low() => " Few tries are left before the token locks.",
                _ => "",
            };
            bail!("wrong PIN for {}.{state}", uri.token_name())
        }
        Err(P11Error::Pkcs11(RvError::PinLocked, _)) => {
            bail!(
                "{} is locked: its user PIN was entered wrongly too often; unblock it with the SO PIN",
                uri.token_name()
            )
        }
        Err(e) => bail!("cannot log in to {}: {}", uri.token_name(), explain(&e)),
    }
}

/// The user PIN: `pin-source`, else `CERTKIT_PKCS11_PIN`, else the prompt.
fn read_pin(uri: &Pkcs11Uri) -> Result<AuthPin> {
    use std::io::IsTerminal;
    let text: Zeroizing<String> = if let Some(source) = &uri.pin_source {
        let path = source.strip_prefix("file://").or_else(|| source.strip_prefix("file:")).unwrap_or(source);
        let bytes = Zeroizing::new(
            std::fs::read(path).with_context(|| format!("cannot read the PIN file {path} (pin-source)"))?,
        );
        warn_if_readable(Path::new(path));
        let text = std::str::from_utf8(&bytes).map_err(|_| anyhow!("the PIN file {path} is not UTF-8"))?;
        let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if line.is_empty() {
            bail!("the PIN file {path} is empty; put the PIN on its first line");
        }
        Zeroizing::new(line.to_string())
    } else if let Ok(v) = std::env::var(PIN_ENV) {
        Zeroizing::new(v)
    } else if std::io::stderr().is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password(format!("PIN for {}: ", uri.token_name())).context("reading the PIN")?,
        )
    } else {
        bail!(
            "{} needs its user PIN: add pin-source=file:PATH to the URI's query, set {PIN_ENV}, or run on a terminal to be asked",
            uri.token_name()
        );
    };
    Ok(AuthPin::new(text.as_str().into()))
}

/// A PIN file others can read is worth a warning (as ssh does for keys).
fn warn_if_readable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                eprintln!(
                    "certkit: warning: the PIN file {} can be read by others (mode {mode:04o}); chmod 600 {}",
                    path.display(),
                    path.display()
                );
            }
        }
    }
}

/// The key's public half: from a public-key object beside it (same id, else
/// same label), RSA's from the private key's own public attributes, else
/// `fallback`.
fn public_key(
    session: &Session,
    private: ObjectHandle,
    uri: &Pkcs11Uri,
    fallback: Option<&PublicKey>,
) -> Result<PublicKey> {
    let what = uri.key_name();
    let attrs = session
        .get_attributes(
            private,
            &[
                AttributeType::KeyType,
                AttributeType::Id,
                AttributeType::Label,
                AttributeType::Modulus,
                AttributeType::PublicExponent,
                AttributeType::EcParams,
            ],
        )
        .map_err(|e| anyhow!("cannot read the {what}: {}", explain(&e)))?;
    let mut key_type = None;
    let (mut id, mut label, mut modulus, mut exponent) = (None, None, None, None);
    for a in attrs {
        match a {
            Attribute::KeyType(t) => key_type = Some(t),
            Attribute::Id(v) if !v.is_empty() => id = Some(v),
            Attribute::Label(v) if !v.is_empty() => label = Some(v),
            Attribute::Modulus(v) => modulus = Some(v),
            Attribute::PublicExponent(v) => exponent = Some(v),
            _ => {}
        }
    }
    match key_type {
        Some(t) if t == KeyType::RSA => {
            if let (Some(n), Some(e)) = (modulus, exponent) {
                return Ok(PublicKey::from_rsa_parts(&n, &e, &what)?);
            }
        }
        Some(t) if t == KeyType::EC || t == KeyType::EC_EDWARDS => {}
        Some(t) => bail!("the {what} is a {t} key; certkit signs with ECDSA P-256/P-384, RSA or Ed25519 keys"),
        None => bail!("{} does not say what type the {what} is", uri.token_name()),
    }
    // The public-key object of the pair.
    let by = |attr: Attribute| -> Option<ObjectHandle> {
        let found = session.find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY), attr]).ok()?;
        (found.len() == 1).then(|| found[0])
    };
    let public = id.map(Attribute::Id).and_then(&by).or_else(|| label.map(Attribute::Label).and_then(&by));
    if let Some(handle) = public {
        let attrs = session
            .get_attributes(
                handle,
                &[
                    AttributeType::EcParams,
                    AttributeType::EcPoint,
                    AttributeType::Modulus,
                    AttributeType::PublicExponent,
                ],
            )
            .map_err(|e| anyhow!("cannot read the public half of the {what}: {}", explain(&e)))?;
        let (mut params, mut point, mut n, mut e) = (None, None, None, None);
        for a in attrs {
            match a {
                Attribute::EcParams(v) => params = Some(v),
                Attribute::EcPoint(v) => point = Some(v),
                Attribute::Modulus(v) => n = Some(v),
                Attribute::PublicExponent(v) => e = Some(v),
                _ => {}
            }
        }
        match (params, point, n, e) {
            (Some(params), Some(point), _, _) => return Ok(PublicKey::from_curve_point(&params, &point, &what)?),
            (_, _, Some(n), Some(e)) => return Ok(PublicKey::from_rsa_parts(&n, &e, &what)?),
            _ => {}
        }
    }
    fallback.cloned().ok_or_else(|| {
        anyhow!(
            "{} keeps no public key beside the {what}; import its public key (same id) or give the CA certificate",
            uri.token_name()
        )
    })
}

/// How the token will sign with a key of `algorithm`.
fn mechanism_for(ctx: &Pkcs11, slot: Slot, algorithm: KeyAlgorithm, uri: &Pkcs11Uri) -> Result<How> {
    let list = ctx
        .get_mechanism_list(slot)
        .map_err(|e| anyhow!("cannot list what {} can do: {}", uri.token_name(), explain(&e)))?;
    let has = |m: MechanismType| list.contains(&m);
    let hashing = match algorithm.signature_algorithm() {
        SignatureAlgorithm::RsaSha384 => MechanismType::SHA384_RSA_PKCS,
        SignatureAlgorithm::RsaSha512 => MechanismType::SHA512_RSA_PKCS,
        _ => MechanismType::SHA256_RSA_PKCS,
    };
    let (how, needs) = match algorithm {
        KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 => (How::Ecdsa, MechanismType::ECDSA),
        KeyAlgorithm::Ed25519 => (How::Eddsa, MechanismType::EDDSA),
        KeyAlgorithm::Rsa(_) if has(hashing) => (How::RsaHashing, hashing),
        KeyAlgorithm::Rsa(_) => (How::RsaDigestInfo, MechanismType::RSA_PKCS),
    };
    if !has(needs) {
        bail!("{} cannot sign with {algorithm} keys: it lacks the mechanism {needs}", uri.token_name());
    }
    Ok(how)
}

/// The curve of a key to make, as CKA_EC_PARAMS holds it.
fn curve(algorithm: KeyAlgorithm) -> Vec<u8> {
    algorithm.curve_der().unwrap_or_default()
}

/// The labels of the objects of `class` on the token, for messages.
fn labels(session: &Session, class: ObjectClass) -> Vec<String> {
    let Ok(found) = session.find_objects(&[Attribute::Class(class)]) else { return Vec::new() };
    found
        .into_iter()
        .take(20)
        .filter_map(|h| session.get_attributes(h, &[AttributeType::Label, AttributeType::Id]).ok())
        .map(|attrs| {
            let mut label = String::new();
            let mut id = Vec::new();
            for a in attrs {
                match a {
                    Attribute::Label(v) => {
                        label = String::from_utf8_lossy(&v).chars().flat_map(char::escape_debug).collect()
                    }
                    Attribute::Id(v) => id = v,
                    _ => {}
                }
            }
            format!("\"{label}\" (id {})", uri::hex(&id))
        })
        .collect()
}

fn digest(alg: SignatureAlgorithm, data: &[u8]) -> Vec<u8> {
    match alg {
        SignatureAlgorithm::RsaSha384 | SignatureAlgorithm::EcdsaSha384 => sha2::Sha384::digest(data).to_vec(),
        SignatureAlgorithm::RsaSha512 | SignatureAlgorithm::EcdsaSha512 => sha2::Sha512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    }
}

/// The DER of `DigestInfo` up to the digest (RFC 8017 §9.2, note 1).
fn digest_info_prefix(alg: SignatureAlgorithm) -> &'static [u8] {
    match alg {
        SignatureAlgorithm::RsaSha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04,
            0x30,
        ],
        SignatureAlgorithm::RsaSha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04,
            0x40,
        ],
        _ => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ],
    }
}

/// Whether the token or its session went away.
fn is_gone(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::DeviceError,
            _
        )
    )
}

/// A PKCS#11 failure in words, with its CKR_ name for the token's manual.
fn explain(e: &P11Error) -> String {
    let P11Error::Pkcs11(rv, _) = e else { return e.to_string() };
    let said = match rv {
        RvError::DeviceRemoved | RvError::TokenNotPresent => "the token was removed",
        RvError::SessionHandleInvalid | RvError::SessionClosed => {
            "the token's session was closed (was the token removed?)"
        }
        RvError::DeviceError => "the token reported a device error",
        RvError::MechanismInvalid => "the token does not support this mechanism",
        RvError::KeyFunctionNotPermitted => "the key is not allowed to sign (CKA_SIGN is false)",
        RvError::KeyTypeInconsistent => "the key's type does not fit the mechanism",
        RvError::UserNotLoggedIn => "not logged in",
        RvError::PinIncorrect => "wrong PIN",
        RvError::PinLocked => "the PIN is locked",
        RvError::TemplateInconsistent | RvError::AttributeValueInvalid => "the token refused the key's attributes",
        RvError::DeviceMemory => "the token is full",
        _ => "",
    };
    let code = format!("{rv:?}");
    if said.is_empty() { format!("the token refused ({code})") } else { format!("{said} ({code})") }
}
