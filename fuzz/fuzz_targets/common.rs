//! A CA made once per fuzzing process.
use std::sync::OnceLock;

use certkit_core::issue::CaCert;
use certkit_core::key::PrivateKey;
use certkit_core::request::CsrRequest;

pub fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

pub struct Ca {
    pub cert: CaCert,
    pub key: PrivateKey,
}

pub fn ca() -> &'static Ca {
    static CA: OnceLock<Ca> = OnceLock::new();
    CA.get_or_init(|| {
        let req = CsrRequest::from_json(br#"{"CN":"Fuzz CA"}"#, "ca").unwrap().validate(true).unwrap();
        let g = certkit_core::generate::key_and_csr(&req, &mut rng()).unwrap();
        let issued = certkit_core::generate::self_signed_ca(&req, &g, certkit_core::time::UnixTime(1_800_000_000), &mut rng()).unwrap();
        Ca { cert: CaCert::parse(&issued.der, "ca").unwrap(), key: g.key }
    })
}
