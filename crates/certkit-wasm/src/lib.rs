//! certkit-wasm: certkit's core for JavaScript.
//!
//! A thin facade over `certkit-core`: every decision (what a valid request
//! is, how a CSR or certificate is built and checked, every error message)
//! is the core's, so the npm package, the web page and the CLI behave the
//! same. The npm package's JavaScript (`npm/src/`) wraps these exports in
//! its public, promise-based API; where the runtime has Web Crypto it lets
//! the platform make the key and the signature ([`KeyRequest::prepare`] /
//! [`KeyRequest::finish`]) while the core builds and verifies the DER.
//!
//! Randomness comes from Web Crypto's `getRandomValues` (through
//! `getrandom`), time from `Date.now()`. Errors become JS `Error`s carrying
//! the core's one-line message. A panic (a bug) is recorded ([`panic`]) so
//! the JavaScript side can report it as a readable `Error`.
//!
//! The npm package builds three modules from this crate: `full` (the
//! default features), `lite` (`--no-default-features --features lite`:
//! `lite.rs`'s exports) and `kube` (`--features kube`:
//! [`kubernetes_csr_from_request`]). The two small ones are `no_std`: their own
//! panic handler and allocator (talc) are smaller than std's.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

use alloc::string::{String, ToString};
#[cfg(any(feature = "kube", feature = "full"))]
use certkit_core::CsrRequest;
use certkit_core::Error;
#[cfg(feature = "full")]
use certkit_core::UnixTime;
#[cfg(any(feature = "kube", feature = "full"))]
use certkit_core::json;
#[cfg(any(feature = "kube", feature = "full"))]
use certkit_core::kube::{self, ManifestParams};
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

/// A JS `Error` with the core's message and, where the core names one, the
/// cfssl JSON path of the field at fault as `error.field`.
fn fail(e: Error) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    if let Some(field) = e.field() {
        // Setting a property on a fresh Error cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("field"), &JsValue::from_str(&field));
    }
    error.into()
}

/// A JS `Error` with a message of the facade's own.
#[cfg(feature = "lite")]
fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

#[cfg(feature = "full")]
fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

#[cfg(feature = "full")]
fn now() -> UnixTime {
    UnixTime((js_sys::Date::now() / 1000.0) as u64)
}

mod panic;
pub use panic::last_panic;

/// The core's limit on any one input, in bytes (`certkit_core::MAX_INPUT_LEN`);
/// the JavaScript side refuses larger inputs before they reach wasm memory.
#[wasm_bindgen(js_name = maxInputLen)]
pub fn max_input_len() -> usize {
    certkit_core::MAX_INPUT_LEN
}

/// certkit's version.
#[wasm_bindgen]
pub fn version() -> String {
    certkit_core::VERSION.into()
}

/// The Kubernetes CertificateSigningRequest manifest (YAML) of `csr_der`,
/// a CSR made from the cfssl CSR JSON `request`, as `kubernetesCsr` writes
/// it, without decoding the CSR ([`kube::manifest_for_request`]): what the
/// `kube` module (the request reader, the CSR builder and this) is for.
/// `undefined` when the CSR is not the one certkit makes from that request
/// for its key, or when the request asks for cA (the small modules read no
/// `ca` section): the caller then has the full module read the CSR.
#[cfg(any(feature = "kube", feature = "full"))]
#[wasm_bindgen(js_name = kubernetesCsrFromRequest)]
pub fn kubernetes_csr_from_request(request: &str, csr_der: &[u8], options_json: &str) -> JsResult<Option<String>> {
    let req = CsrRequest::from_json(request.as_bytes(), "the request").map_err(fail)?;
    if req.ca.is_some() {
        return Ok(None);
    }
    let req = req.validate(false).map_err(fail)?;
    let params = manifest_params(options_json)?;
    let made = kube::manifest_for_request(csr_der, &req.subject, &req.sans, None, &params).map_err(fail)?;
    Ok(made.map(|(manifest, _)| manifest.to_yaml()))
}

/// `kubernetesCsr`'s options: `{ name, signerName, usages?, expirationSeconds? }`.
#[cfg(any(feature = "kube", feature = "full"))]
fn manifest_params(options_json: &str) -> JsResult<ManifestParams> {
    let what = "the options";
    let value = json::value(options_json.as_bytes(), what, json::MAX_VALUES).map_err(fail)?;
    let read = || -> Result<ManifestParams, json::FieldError> {
        let o = json::Object::new(&value, "", &["name", "signerName", "usages", "expirationSeconds"])?;
        Ok(ManifestParams {
            name: o.string("name")?,
            signer_name: o.string("signerName")?,
            usages: o.list("usages", json::string)?,
            expiration_seconds: match o.get("expirationSeconds") {
                None => None,
                Some(_) => Some(o.number("expirationSeconds", "0 to 4294967295")?),
            },
        })
    };
    read().map_err(|e| fail(e.into_error(what)))
}

#[cfg(feature = "lite")]
mod lite;
#[cfg(feature = "lite")]
pub use lite::*;

#[cfg(feature = "full")]
mod full;
#[cfg(feature = "full")]
pub use full::*;
