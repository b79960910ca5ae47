//! Golden tests: what `certkit` prints and exits with, one case a command
//! and one a documented refusal. The cases are `tests/cmd/*.toml`, each with
//! its `.stdout` and `.stderr` (and `.out/` for files it must write), run by
//! trycmd in a fresh copy of the shared fixture folder `tests/cmd/pki.in`;
//! see tests/cmd/README.md. `TRYCMD=overwrite` rewrites the expectations
//! from what the binary prints: review every change, and put the wildcards
//! back where values are random or depend on the time.

#[test]
fn golden() {
    #[cfg(unix)]
    private_fixtures(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/cmd/pki.in")));
    trycmd::TestCases::new()
        .register_bin("certkit", std::path::Path::new(env!("CARGO_BIN_EXE_certkit")))
        // Not the developer's terminal: no colours, and clap wraps help at
        // its default width (it reads COLUMNS when there is no terminal).
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("../../tests/cmd/*.toml");
}

/// The fixtures' CA directories as certkit accepts them whatever the
/// checkout's umask: trycmd copies `pki.in` with its files' modes into
/// folders made under this process's umask, and certkit refuses a CA
/// directory the group or others may write (a checkout under umask 002
/// makes its files 0664). So: umask 022, and no group or world write bit
/// in `pki.in` (git keeps no such bit, so the checkout does not change).
#[cfg(unix)]
fn private_fixtures(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let mode = meta.permissions().mode();
        if mode & 0o022 != 0 && !meta.file_type().is_symlink() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode & !0o022)).unwrap();
        }
        if meta.is_dir() {
            todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        }
    }
}
