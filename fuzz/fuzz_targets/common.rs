//! A CA made once per fuzzing process.
use std::sync::OnceLock;

use certkit_core::{Ca, CaCert, CsrRequest, PrivateKey, SigningConfig};

pub fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// The fuzzing CA (made once: its certificate's DER and its key's PEM)
/// with the signing config `config`.
pub fn ca(config: SigningConfig) -> Ca {
    static ROOT: OnceLock<(Vec<u8>, String)> = OnceLock::new();
    let (der, key_pem) = ROOT.get_or_init(|| {
        let req = CsrRequest::from_json(br#"{"CN":"Fuzz CA"}"#, "ca").unwrap().validate(true).unwrap();
        let g = certkit_core::generate::key_and_csr(&req, &mut rng()).unwrap();
        let issued = certkit_core::generate::self_signed_ca(&req, &g, certkit_core::UnixTime(1_800_000_000), &mut rng()).unwrap();
        (issued.der, g.key.to_pkcs8_pem().unwrap().to_string())
    });
    let key = PrivateKey::from_bytes(key_pem.as_bytes(), None, "ca-key").unwrap();
    Ca::new(CaCert::parse(der, "ca").unwrap(), key, config).unwrap()
}
