//! What `certkit version` says it was built from: the commit (from
//! CERTKIT_COMMIT, which scripts/build-release.sh sets; "unknown" in a
//! development build, so that builds do not depend on a .git folder) and the
//! target triple.

fn main() {
    println!("cargo:rerun-if-env-changed=CERTKIT_COMMIT");
    let commit = std::env::var("CERTKIT_COMMIT").unwrap_or_default();
    let commit =
        if commit.chars().all(|c| c.is_ascii_hexdigit()) && !commit.is_empty() { commit } else { "unknown".into() };
    println!("cargo:rustc-env=CERTKIT_COMMIT={commit}");
    println!("cargo:rustc-env=CERTKIT_TARGET={}", std::env::var("TARGET").unwrap_or_default());
}
