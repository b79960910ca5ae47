//! The facade's tests, run by wasm-bindgen-test in Node (`node.rs`) and in
//! headless Chromium (`browser.rs`). They call the exports as JavaScript
//! would and check what comes back, errors included.

use certkit_wasm::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const REQUEST: &str =
    r#"{"CN":"web.example.com","hosts":["web.example.com","10.0.0.1"],"key":{"algo":"ecdsa","size":256}}"#;

fn message(e: &JsValue) -> String {
    js_sys::Error::from(e.clone()).message().into()
}

fn field(e: &JsValue) -> Option<String> {
    js_sys::Reflect::get(e, &"field".into()).ok().and_then(|f| f.as_string())
}

/// `[csr, key]` of a `{ csr, key }` result.
fn strings(made: JsValue) -> Vec<String> {
    ["csr", "key"]
        .iter()
        .map(|name| js_sys::Reflect::get(&made, &(*name).into()).unwrap().as_string().expect("a string"))
        .collect()
}

fn genkey(json: &str) -> (String, String) {
    let req = KeyRequest::new(json).expect("a valid request");
    let out = strings(req.generate().expect("a key and a CSR"));
    (out[0].clone(), out[1].clone())
}

#[wasm_bindgen_test]
fn version_is_the_crates() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn a_bad_host_is_an_error_that_names_the_field() {
    let e = KeyRequest::new(r#"{"CN":"x","hosts":["ok.example","bad host!"]}"#).unwrap_err();
    assert!(message(&e).starts_with("hosts[1] `bad host!` is not a valid DNS name"), "{}", message(&e));
    assert_eq!(field(&e).as_deref(), Some("hosts[1]"));
}

#[wasm_bindgen_test]
fn a_bad_key_size_is_an_error_that_names_the_field() {
    let e = check_request(r#"{"CN":"x","key":{"algo":"rsa","size":1000}}"#).unwrap_err();
    assert_eq!(message(&e), "key.size 1000 is not valid for rsa; use 2048, 3072 or 4096");
    assert_eq!(field(&e).as_deref(), Some("key.size"));
}

#[wasm_bindgen_test]
fn every_key_type_makes_a_csr_certinfo_reads_back() {
    for (algo, size, sigalg) in
        [("ecdsa", 256, "ECDSAWithSHA256"), ("ecdsa", 384, "ECDSAWithSHA384"), ("ed25519", 0, "Ed25519")]
    {
        let json =
            format!(r#"{{"CN":"web","hosts":["web.example.com","10.0.0.1"],"key":{{"algo":"{algo}","size":{size}}}}}"#);
        let (csr, key) = genkey(&json);
        assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
        let info: serde_json::Value = serde_json::from_str(&certinfo_json(csr.as_bytes()).unwrap()).unwrap();
        assert_eq!(info["subject"]["common_name"], "web");
        assert_eq!(info["sans"], serde_json::json!(["web.example.com", "10.0.0.1"]));
        assert_eq!(info["sigalg"], sigalg, "{algo} {size}");
        assert!(key_matches(csr.as_bytes(), key.as_bytes()).unwrap());
    }
}

#[wasm_bindgen_test]
fn garbage_is_an_error_not_a_panic() {
    for input in [
        &b"garbage"[..],
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"",
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
    ] {
        let e = certinfo_json(input).unwrap_err();
        assert!(!message(&e).is_empty());
    }
    assert!(KeyRequest::new("{").is_err());
    assert!(KeyRequest::new(r#"{"CN":"x","unknown":1}"#).is_err());
    assert_eq!(last_panic(), "");
}

#[wasm_bindgen_test]
fn keys_encrypt_and_decrypt_and_a_wrong_passphrase_is_refused() {
    let (_, key) = genkey(REQUEST);
    let encrypted = encrypt_key(key.as_bytes(), "correct horse", None).unwrap();
    assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert_eq!(decrypt_key(encrypted.as_bytes(), "correct horse", None).unwrap().as_string().unwrap(), key);
    let e = decrypt_key(encrypted.as_bytes(), "wrong", None).unwrap_err();
    assert!(message(&e).contains("passphrase does not decrypt"), "{}", message(&e));
    assert!(!message(&e).contains("PRIVATE KEY"));
}

#[wasm_bindgen_test]
fn a_csr_is_signed_by_a_ca_and_the_certificate_names_its_hosts() {
    let (_, ca_key) = genkey(r#"{"CN":"Test CA","key":{"algo":"ecdsa","size":256}}"#);
    let ca_cert = self_signed(r#"{"CN":"Test CA"}"#, &ca_key);
    let (csr, _) = genkey(REQUEST);
    let out = sign(csr.as_bytes(), ca_cert.as_bytes(), ca_key.as_bytes(), None, None).unwrap();
    let cert = js_sys::Reflect::get(&out, &"cert".into()).unwrap().as_string().expect("the certificate's PEM");
    let warnings = js_sys::Reflect::get(&out, &"warnings".into()).unwrap();
    assert!(js_sys::Array::is_array(&warnings), "warnings is an array");
    let info: serde_json::Value = serde_json::from_str(&certinfo_json(cert.as_bytes()).unwrap()).unwrap();
    assert_eq!(info["issuer"]["common_name"], "Test CA");
    assert_eq!(info["sans"], serde_json::json!(["web.example.com", "10.0.0.1"]));
    // The wrong CA key is refused.
    let (_, other_key) = genkey(REQUEST);
    let e = sign(csr.as_bytes(), ca_cert.as_bytes(), other_key.as_bytes(), None, None).unwrap_err();
    assert!(message(&e).contains("does not match the CA certificate"), "{}", message(&e));
}

/// A self-signed CA certificate for `key`, made by the core directly (as
/// `gencert -initca` makes one).
fn self_signed(request: &str, key: &str) -> String {
    let req = certkit_core::CsrRequest::from_json(request.as_bytes(), "ca json").unwrap().validate(true).unwrap();
    let key = certkit_core::PrivateKey::from_bytes(key.as_bytes(), None, "ca key").unwrap();
    let now = certkit_core::UnixTime((js_sys::Date::now() / 1000.0) as u64);
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let generated = certkit_core::generate::csr_for_key(&req, key, &mut rng).unwrap();
    certkit_core::generate::self_signed_ca(&req, &generated, now, &mut rng).unwrap().to_pem()
}

#[wasm_bindgen_test]
fn the_kubernetes_manifest_is_checked_and_written() {
    let (csr, _) = genkey(REQUEST);
    let yaml =
        kubernetes_csr(csr.as_bytes(), r#"{"name":"web","signerName":"example.com/serving","expirationSeconds":3600}"#)
            .unwrap();
    assert!(yaml.contains("kind: CertificateSigningRequest"), "{yaml}");
    assert!(yaml.contains("signerName: example.com/serving"), "{yaml}");
    assert!(yaml.contains("expirationSeconds: 3600"), "{yaml}");
    let e =
        kubernetes_csr(csr.as_bytes(), r#"{"name":"web","signerName":"example.com/serving","expirationSeconds":60}"#)
            .unwrap_err();
    assert_eq!(field(&e).as_deref(), Some("expirationSeconds"));
    let e = kubernetes_csr(csr.as_bytes(), r#"{"name":"web","signer":"x"}"#).unwrap_err();
    assert!(message(&e).contains("unknown field `signer`"), "{}", message(&e));
}

#[wasm_bindgen_test]
fn an_external_key_goes_through_prepare_and_finish() {
    // What the JavaScript does with Web Crypto, with the core's own key
    // standing in for the platform's.
    let key = certkit_core::PrivateKey::generate(
        certkit_core::KeyAlgorithm::EcdsaP256,
        &mut rand_core::UnwrapErr(getrandom::SysRng),
    )
    .unwrap();
    let mut req = KeyRequest::new(REQUEST).unwrap();
    assert_eq!((req.algo(), req.size(), req.hash()), ("ecdsa".into(), 256, "SHA-256".into()));
    let tbs = req.prepare(&key.public_key().spki_der()).unwrap();
    let der_sig = key.sign(&tbs, &mut rand_core::UnwrapErr(getrandom::SysRng)).unwrap();
    let pkcs8 = key.to_pkcs8_der().unwrap();
    let out = strings(req.finish(&der_sig_to_fixed(&der_sig), &pkcs8, false).unwrap());
    assert!(key_matches(out[0].as_bytes(), out[1].as_bytes()).unwrap());
    // A signature that does not verify is refused.
    let mut req = KeyRequest::new(REQUEST).unwrap();
    req.prepare(&key.public_key().spki_der()).unwrap();
    let e = req.finish(&[1u8; 64], &pkcs8, false).unwrap_err();
    assert!(message(&e).contains("does not verify"), "{}", message(&e));
    // finish before prepare is an error, not a panic.
    let mut req = KeyRequest::new(REQUEST).unwrap();
    assert!(req.finish(&[1u8; 64], &pkcs8, false).is_err());
    // Another key's PKCS#8 is refused.
    let other = certkit_core::PrivateKey::generate(
        certkit_core::KeyAlgorithm::EcdsaP256,
        &mut rand_core::UnwrapErr(getrandom::SysRng),
    )
    .unwrap();
    let mut req = KeyRequest::new(REQUEST).unwrap();
    req.prepare(&key.public_key().spki_der()).unwrap();
    let e = req.finish(&der_sig_to_fixed(&der_sig), &other.to_pkcs8_der().unwrap(), false).unwrap_err();
    assert!(message(&e).contains("not the one"), "{}", message(&e));
}

/// DER ECDSA-Sig-Value → r ‖ s, as Web Crypto returns it.
fn der_sig_to_fixed(der: &[u8]) -> Vec<u8> {
    let sig = p256::ecdsa::Signature::from_der(der).unwrap();
    sig.to_bytes().to_vec()
}
