//! Criterion benchmarks of the core operations behind `genkey` and `sign`.
//! Run with `cargo bench -p certkit-core`; results are summarised in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)] // fixed inputs: a failure here is a broken benchmark

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use certkit_core::generate;
use certkit_core::{Ca, CaCert, Csr, CsrRequest, KeyAlgorithm, PrivateKey, SigningConfig, UnixTime};
use criterion::{Criterion, criterion_group, criterion_main};

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn now() -> UnixTime {
    UnixTime(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs())
}

fn request(json: &str, initca: bool) -> certkit_core::Validated {
    CsrRequest::from_json(json.as_bytes(), "bench").unwrap().validate(initca).unwrap()
}

fn make_ca(algo: &str, size: u32) -> Ca {
    let req = request(&format!(r#"{{"CN":"Bench CA","key":{{"algo":"{algo}","size":{size}}}}}"#), true);
    let g = generate::key_and_csr(&req, &mut rng()).unwrap();
    let issued = generate::self_signed_ca(&req, &g, now(), &mut rng()).unwrap();
    Ca::new(CaCert::parse(&issued.der, "ca").unwrap(), g.key, SigningConfig::default()).unwrap()
}

fn benches(c: &mut Criterion) {
    let leaf = request(r#"{"CN":"web","hosts":["web.example.com","10.0.0.1"]}"#, false);
    c.bench_function("p256 key + csr", |b| b.iter(|| black_box(generate::key_and_csr(&leaf, &mut rng()).unwrap())));

    let csr_der = generate::key_and_csr(&leaf, &mut rng()).unwrap().csr_der;
    c.bench_function("parse + verify p256 csr", |b| b.iter(|| black_box(Csr::from_der(&csr_der, "bench").unwrap())));

    let csr = Csr::from_der(&csr_der, "bench").unwrap();
    for (name, algo, size) in [("sign with p256 ca", "ecdsa", 256), ("sign with rsa2048 ca", "rsa", 2048)] {
        let ca = make_ca(algo, size);
        c.bench_function(name, |b| b.iter(|| black_box(ca.sign_csr(&csr, None, None, now(), &mut rng()).unwrap())));
    }

    let mut g = c.benchmark_group("keygen");
    g.sample_size(20);
    g.bench_function("rsa2048", |b| {
        b.iter(|| black_box(PrivateKey::generate(KeyAlgorithm::Rsa(2048), &mut rng()).unwrap()))
    });
    g.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
