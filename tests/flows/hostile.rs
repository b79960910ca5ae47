//! The hostile-input corpus through the command line.
//!
//! Every file in `tests/data/bad/` (made by its `make.py`; its README says
//! what each family exercises), and one 10 MB input made here, goes to each
//! certkit command that reads that kind of input — chosen by the file
//! name's prefix. Every run must:
//!
//! - exit 1, print nothing on stdout and leave no file behind;
//! - say why on stderr in ONE line starting `certkit: ` (warnings aside) —
//!   except `k8s check` and `k8s sign`, which by design report each object
//!   on its own `certkit: NAME: …` line before their one-line summary, and
//!   `verify`, which reports each failure of a chain on its own line;
//! - never panic, abort or be killed;
//! - finish within [`TIME_LIMIT`] (the goal is well under a second; the
//!   limit is generous because this runs on loaded 2-core machines — the
//!   slowest run is printed);
//! - run inside a [`AS_LIMIT`] address space, and peak at no more than
//!   [`RSS_LIMIT_KB`] resident (measured with `/usr/bin/time` where it is
//!   installed; the largest is printed).
//!
//! Every run is made before anything is judged, so one failure lists every
//! file and command that misbehaves. Run with `--nocapture` to see the
//! summary (counts, slowest run, largest RSS).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// The address-space limit each run gets (`prlimit --as`, or `ulimit -v`).
/// Not the allocation budget itself: RLIMIT_AS counts every mapping — the
/// binary (about 10 MB of the debug build), shared libraries, thread
/// stacks, and glibc's malloc arenas, which reserve 64 MiB of address space
/// for each thread that allocates (`sign` of several CSRs and RSA `genkey`
/// run threads). 256 MiB leaves room for those while still stopping any
/// input that makes certkit reach for hundreds of megabytes: the run is
/// then refused memory and aborts, which this test reports. (A normal
/// `sign` runs in 16 MiB.)
const AS_LIMIT: u64 = 256 * 1024 * 1024;

/// Peak resident memory allowed: the issue's budget of ~64 MB of allocation
/// on top of the ~10 MB an idle run of the debug binary already holds,
/// with room for allocator slack.
const RSS_LIMIT_KB: u64 = 96 * 1024;

/// Wall time allowed per run. The aim is under a second; the slowest run
/// is printed so a creeping cost shows before it fails.
const TIME_LIMIT: Duration = Duration::from_secs(5);

/// CPU seconds after which the kernel kills a run (`prlimit --cpu`), and
/// wall seconds after which `timeout` kills it with its wrapper: a hang
/// becomes a reported failure instead of a stuck test.
const CPU_KILL_SECS: u64 = 10;
const WALL_KILL_SECS: u64 = 30;

/// The test-time input: 10 MB, ten times the limit for PKI and JSON files,
/// a sixth of the 64 MiB limit for `kubectl get csr -o json` output.
const BIG_LEN: usize = 10 * 1024 * 1024;

fn corpus_dir() -> PathBuf {
    fixture("bad").canonicalize().expect("tests/data/bad is missing")
}

/// The commands that read `file` (absolute path), by its name's prefix.
/// The working folder holds `ca.pem`/`ca-key.pem` (an ECDSA CA made by
/// certkit), `rsa-ca-key.pem` (the key of the corpus's own CA certificate,
/// so that a broken CA certificate is the only thing wrong), `good.csr`
/// and `pass.txt` (the passphrase `hostile`, which the corpus's encrypted
/// keys are made with, so their KDF and cipher are really run).
fn commands(name: &str, file: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let as_csr = vec![
        v(&["certinfo", "-csr", file]),
        v(&["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", file]),
        v(&["k8s", "request", "--name", "n", "--signer", "example.com/x", file]),
        v(&["k8s", "check", "--signer", "example.com/x", file]),
    ];
    let as_cert = vec![
        v(&["certinfo", "-cert", file]),
        v(&["sign", "-ca", file, "-ca-key", "rsa-ca-key.pem", "good.csr"]),
        v(&["verify", "--ca", "ca.pem", file]),
        v(&["verify", "--ca", file, "ca.pem"]),
        v(&["verify", "--ca", "ca.pem", "--intermediates", file, "ca.pem"]),
    ];
    let as_key =
        vec![v(&["sign", "-ca", "ca.pem", "-ca-key", file, "--ca-key-passphrase-file", "pass.txt", "good.csr"])];
    let as_csr_json = vec![v(&["genkey", file])];
    let as_p12 = vec![v(&["pkcs12", "--extract", "--passphrase-file", "pass.txt", file, "-o", "extracted"])];
    let as_config = vec![v(&["sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", file, "good.csr"])];
    let as_objects = vec![
        v(&["k8s", "check", file]),
        v(&["k8s", "sign", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "--allow-unapproved", file]),
    ];
    let prefix = name.split('-').next().unwrap_or_default();
    match prefix {
        "csr" => as_csr,
        "cert" => as_cert,
        "key" => as_key,
        // Raw DER and broken PEM could be handed to any PKI input.
        "der" | "pem" => [as_csr, as_cert, as_key, as_p12].concat(),
        "json" if name.starts_with("json-csr-") => as_csr_json,
        "json" if name.starts_with("json-config-") => as_config,
        "json" => [as_csr_json, as_config].concat(),
        "k8s" => as_objects,
        // The big input goes everywhere.
        "big" => [as_csr, as_cert, as_key, as_csr_json, as_config, as_objects, as_p12].concat(),
        _ => panic!(
            "{name}: no command reads this prefix; name it csr-, cert-, key-, der-, pem-, json- or k8s- (see README.md)"
        ),
    }
}

/// `k8s check` and `k8s sign` over objects report each object on its own
/// line, and `verify` each failure of a chain it could read.
fn reports_per_object(args: &[String]) -> bool {
    args.len() >= 2
        && ((args[0] == "k8s"
            && (args[1] == "sign" || (args[1] == "check" && !args.contains(&"--signer".to_string()))))
            || args[0] == "verify")
}

/// 10 MB of a `kubectl get csr -o json`-shaped List of empty objects: too
/// large for every PKI and JSON input, within the limit for object lists.
fn big_input() -> Vec<u8> {
    let head = br#"{"apiVersion":"v1","kind":"List","items":["#;
    let mut out = Vec::with_capacity(BIG_LEN);
    out.extend_from_slice(head);
    while out.len() + 4 < BIG_LEN {
        out.extend_from_slice(b"{},");
    }
    out.extend_from_slice(b"{}]}");
    out
}

/// How each run is wrapped, from the outside in: `timeout` (kills the whole
/// process group on a hang), `/usr/bin/time` (peak RSS), `prlimit` (address
/// space and CPU limits; `bash -c ulimit` where prlimit is missing — the
/// workspace forbids the `unsafe` a `pre_exec` setrlimit would need).
struct Wrapper {
    timeout: bool,
    time: bool,
    prlimit: bool,
}

impl Wrapper {
    fn detect() -> Wrapper {
        let have = |p: &str| Path::new(p).is_file();
        Wrapper { timeout: have("/usr/bin/timeout"), time: have("/usr/bin/time"), prlimit: have("/usr/bin/prlimit") }
    }

    fn command(&self, args: &[String], rss_file: &Path) -> Command {
        let mut argv: Vec<OsString> = Vec::new();
        if self.timeout {
            argv.extend(["/usr/bin/timeout".into(), "-s".into(), "KILL".into(), WALL_KILL_SECS.to_string().into()]);
        }
        if self.time {
            argv.extend(["/usr/bin/time".into(), "-f".into(), "%M".into(), "-o".into(), rss_file.into()]);
        }
        if self.prlimit {
            argv.extend([
                "/usr/bin/prlimit".into(),
                format!("--as={AS_LIMIT}").into(),
                format!("--cpu={CPU_KILL_SECS}").into(),
                "--".into(),
            ]);
        } else {
            let script = format!("ulimit -v {}; ulimit -t {CPU_KILL_SECS}; exec \"$@\"", AS_LIMIT / 1024);
            argv.extend(["bash".into(), "-c".into(), script.into(), "certkit".into()]);
        }
        argv.push(env!("CARGO_BIN_EXE_certkit").into());
        argv.extend(args.iter().map(OsString::from));
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        cmd
    }
}

/// What one run did.
struct Run {
    file: String,
    args: Vec<String>,
    code: Option<i32>,
    wall: Duration,
    rss_kb: Option<u64>,
    problems: Vec<String>,
}

fn listing(dir: &Path) -> BTreeSet<OsString> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect()
}

/// Whether OpenSSL reads `path` as a CSR, in PEM or DER. `certinfo -csr`
/// describes such a CSR even where certkit would not sign it (a weak key, an
/// odd SAN), so for it success is allowed — never for input OpenSSL cannot
/// read.
fn openssl_reads_csr(path: &Path) -> bool {
    ["PEM", "DER"].iter().any(|form| {
        Command::new("openssl")
            .args(["req", "-noout", "-inform", form, "-in"])
            .arg(path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Runs certkit with `args`. Every run must fail cleanly, except that a run
/// `may_describe` (certinfo of a CSR OpenSSL reads) may also print its
/// description.
fn run_one(w: &Wrapper, work: &Dir, rss_file: &Path, file: &str, args: Vec<String>, may_describe: bool) -> Run {
    let before = listing(&work.0);
    let _ = std::fs::remove_file(rss_file);
    let start = Instant::now();
    let out = w
        .command(&args, rss_file)
        .current_dir(&work.0)
        .env_remove("CERTKIT_CA_KEY_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("cannot start certkit");
    let wall = start.elapsed();
    // `time` writes "Command terminated by signal N" (if so) and then %M.
    let time_report = std::fs::read_to_string(rss_file).unwrap_or_default();
    let rss_kb = time_report.lines().last().and_then(|l| l.trim().parse().ok());
    let after = listing(&work.0);

    let mut problems = Vec::new();
    let err = String::from_utf8_lossy(&out.stderr);
    if let Some(signal) = time_report.lines().find(|l| l.contains("terminated by signal")) {
        problems.push(format!("killed: {signal}"));
    }
    let described = may_describe && out.status.code() == Some(0);
    if described {
        let json: Option<serde_json::Value> = serde_json::from_slice(&out.stdout).ok();
        if !json.as_ref().is_some_and(|j| j["pem"].as_str().is_some_and(|p| p.contains("CERTIFICATE REQUEST"))) {
            problems.push("exit 0 without a certinfo object on stdout".into());
        }
    } else if out.status.code() != Some(1) {
        problems.push(format!("exit status {:?}, expected 1", out.status.code()));
    }
    if !described && !out.stdout.is_empty() {
        problems.push(format!("printed {} bytes on stdout", out.stdout.len()));
    }
    if err.contains("panicked") || err.contains("memory allocation of") || err.contains("overflowed its stack") {
        problems.push("panicked, ran out of memory or overflowed its stack".into());
    }
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("certkit: warning:")).collect();
    let well_formed = |l: &&str| l.starts_with("certkit: ") && l.len() > "certkit: ".len();
    if reports_per_object(&args) {
        if lines.is_empty() || !lines.iter().all(well_formed) {
            problems.push(format!("{} stderr lines, not all `certkit: …`", lines.len()));
        }
    } else if described {
        if !lines.is_empty() {
            problems.push(format!("described, but wrote {} stderr lines", lines.len()));
        }
    } else if lines.len() != 1 || !well_formed(&lines[0]) {
        problems.push(format!("{} stderr lines, expected one `certkit: …` line", lines.len()));
    }
    // Values quoted from the input are escaped: no NUL, escape sequence or
    // carriage return of the input reaches the terminal.
    if let Some(c) = err.chars().find(|c| c.is_control() && *c != '\n') {
        problems.push(format!("stderr holds the control character {c:?}"));
    }
    if before != after {
        let new: Vec<_> = after.difference(&before).collect();
        problems.push(format!("left files behind: {new:?}"));
    }
    if wall > TIME_LIMIT {
        problems.push(format!("took {:.2} s", wall.as_secs_f64()));
    }
    if let Some(kb) = rss_kb.filter(|&kb| kb > RSS_LIMIT_KB) {
        problems.push(format!("peak RSS {} MiB", kb / 1024));
    }
    if !problems.is_empty() {
        // Enough of stderr to recognise the failure (a panic's first lines).
        let excerpt: String = err.lines().take(4).collect::<Vec<_>>().join(" | ");
        problems.push(format!("stderr: {}", excerpt.chars().take(400).collect::<String>()));
    }
    Run { file: file.to_string(), args, code: out.status.code(), wall, rss_kb, problems }
}

#[test]
fn hostile_corpus_through_the_cli() {
    let w = Wrapper::detect();
    let work = Dir::new("hostile");
    make_ca(&work, "ecdsa", 256);
    std::fs::copy(fixture("openssl-rsa-pkcs1.pem"), work.path("rsa-ca-key.pem")).unwrap();
    std::fs::copy(fixture("csr-openssl-p256.pem"), work.path("good.csr")).unwrap();
    work.write("pass.txt", "hostile\n");
    // Kept out of the working folder, whose listing every run compares.
    let scratch = Dir::new("hostile-scratch");
    let rss_file = scratch.path("rss");
    let big = scratch.write("big-10mb.json", big_input());

    // The harness itself works: under the same wrapper and limits, a good
    // CSR signs (or every failure below could be the harness's own).
    let sign_good = commands("csr-", "good.csr").swap_remove(1);
    let sanity = run_one(&w, &work, &rss_file, "good.csr", sign_good, false);
    assert_eq!(sanity.code, Some(0), "the harness cannot sign a good CSR: {:?}", sanity.problems);

    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !matches!(p.file_name().and_then(|n| n.to_str()), Some("make.py" | "README.md")))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "tests/data/bad holds {} files; run tests/data/bad/make.py", files.len());
    let corpus_before = listing(&corpus_dir());

    let mut runs = Vec::new();
    for f in files.iter().chain([&big]) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let path = f.to_string_lossy().into_owned();
        let readable_csr = openssl_reads_csr(f);
        for args in commands(&name, &path) {
            let may_describe = readable_csr && args[0] == "certinfo" && args[1] == "-csr";
            runs.push(run_one(&w, &work, &rss_file, &name, args, may_describe));
        }
    }
    assert_eq!(listing(&corpus_dir()), corpus_before, "a run wrote into tests/data/bad");

    println!(
        "hostile CLI: {} files (+ the 10 MB input), {} runs; limits: {} MiB address space{}, {} s, {} MiB peak RSS",
        files.len(),
        runs.len(),
        AS_LIMIT >> 20,
        if w.prlimit { " (prlimit)" } else { " (ulimit -v)" },
        TIME_LIMIT.as_secs(),
        RSS_LIMIT_KB / 1024,
    );
    // The extremes over all runs, and over the runs that behaved (what a
    // fix has to keep).
    for (label, clean_only) in [("all runs", false), ("runs that behaved", true)] {
        let pick = || runs.iter().filter(move |r| !clean_only || r.problems.is_empty());
        let what = |r: &Run| format!("{} {}", r.file, r.args[..2].join(" "));
        if let Some(r) = pick().max_by_key(|r| r.wall) {
            println!("{label}: slowest {:.3} s ({})", r.wall.as_secs_f64(), what(r));
        }
        match pick().filter(|r| r.rss_kb.is_some()).max_by_key(|r| r.rss_kb) {
            Some(r) => println!("{label}: largest peak RSS {} KB ({})", r.rss_kb.unwrap_or_default(), what(r)),
            None => println!("{label}: peak RSS not measured (/usr/bin/time is not installed)"),
        }
    }

    let failures: Vec<String> = runs
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            let args: Vec<&str> =
                r.args.iter().map(|a| if a.contains("/tests/data/bad/") { r.file.as_str() } else { a }).collect();
            format!("{}: certkit {}\n    {}", r.file, args.join(" "), r.problems.join("\n    "))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} runs misbehaved:\n{}", failures.len(), runs.len(), failures.join("\n"));
}
