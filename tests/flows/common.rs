use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh folder, removed when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let base = std::env::temp_dir().join(format!("certkit-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        Dir(base)
    }
    pub fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }
    pub fn write(&self, f: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(f);
        std::fs::write(&p, contents).unwrap();
        p
    }
    pub fn read(&self, f: &str) -> String {
        std::fs::read_to_string(self.path(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(name)
}

/// Runs a program in `dir` with `stdin`, returning its output.
pub fn run_in(dir: &Dir, program: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(&dir.0)
        .env_remove("CERTKIT_CA_KEY_PASSPHRASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

pub fn certkit(dir: &Dir, args: &[&str], stdin: &[u8]) -> Output {
    run_in(dir, env!("CARGO_BIN_EXE_certkit"), args, stdin)
}

/// Runs certkit and insists it succeeded.
pub fn ok(dir: &Dir, args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let out = certkit(dir, args, stdin);
    assert!(out.status.success(), "certkit {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Runs openssl and insists it succeeded; returns stdout + stderr.
pub fn openssl(dir: &Dir, args: &[&str]) -> String {
    let out = run_in(dir, "openssl", args, b"");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "openssl {args:?} failed:\n{text}");
    text
}

/// Makes a CA (`gencert -initca`) named `ca` in `dir` with the given key.
pub fn make_ca(dir: &Dir, algo: &str, size: u32) {
    let json = format!(
        r#"{{"CN":"Test CA {algo} {size}","key":{{"algo":"{algo}","size":{size}}},"names":[{{"O":"certkit tests"}}]}}"#
    );
    let out = ok(dir, &["gencert", "-initca", "-"], json.as_bytes());
    split(dir, &out, "ca");
}

/// `certkit cfssljson -bare name` on `json`.
pub fn split(dir: &Dir, json: &[u8], name: &str) {
    ok(dir, &["cfssljson", "-bare", name], json);
}

/// OpenSSL's hex serial in decimal (as certinfo and the ledger write it).
pub fn hex_to_dec(hex: &str) -> String {
    let mut digits: Vec<u32> = vec![0];
    for c in hex.chars() {
        let mut carry = c.to_digit(16).unwrap();
        for d in digits.iter_mut() {
            let v = *d * 16 + carry;
            *d = v % 10;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push(carry % 10);
            carry /= 10;
        }
    }
    while digits.len() > 1 && *digits.last().unwrap() == 0 {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from_digit(*d, 10).unwrap()).collect()
}

/// A Python with pyca/cryptography (its X.509 verifier too):
/// CERTKIT_PYTHON (scripts/test.sh makes a venv), else the system's
/// python3 if it has the package.
pub fn python() -> Option<String> {
    if let Ok(p) = std::env::var("CERTKIT_PYTHON") {
        return Some(p);
    }
    let has = Command::new("python3")
        .args(["-c", "import cryptography.x509.verification"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has {
        return Some("python3".into());
    }
    assert!(std::env::var("CI").is_err(), "CI must set CERTKIT_PYTHON (scripts/test.sh does)");
    eprintln!("pyca/cryptography not installed (run scripts/test.sh); its check skipped");
    None
}
