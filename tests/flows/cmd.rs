//! Golden tests: what `certkit` prints and exits with, one case a command
//! and one a documented refusal. The cases are `tests/cmd/*.toml`, each with
//! its `.stdout` and `.stderr` (and `.out/` for files it must write), run by
//! trycmd in a fresh copy of the shared fixture folder `tests/cmd/pki.in`;
//! see tests/cmd/README.md. `TRYCMD=overwrite` rewrites the expectations
//! from what the binary prints: review every change, and put the wildcards
//! back where values are random or depend on the time.

#[test]
fn golden() {
    trycmd::TestCases::new()
        .register_bin("certkit", std::path::Path::new(env!("CARGO_BIN_EXE_certkit")))
        // Not the developer's terminal: no colours, and clap wraps help at
        // its default width (it reads COLUMNS when there is no terminal).
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case("../../tests/cmd/*.toml");
}
