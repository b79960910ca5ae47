//! Files, standard streams, passphrases, time and randomness: the CLI's
//! side of the world.

use std::fs::{self, File, OpenOptions};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use certkit_core::PrivateKey;
use certkit_core::UnixTime;
use zeroize::Zeroizing;

/// certkit's random generator: ChaCha20 as a CSPRNG (RustCrypto's
/// `chacha20`), seeded with 256 bits from the operating system when made.
/// Only the seeding asks the system, and it fails as an error, so a
/// random source that fails (a full /dev, a sandbox without getrandom) stops
/// the command before anything is made, never with a panic mid-signature.
pub type Rng = chacha20::ChaCha20Rng;

/// A generator freshly seeded from the operating system.
pub fn rng() -> Result<Rng> {
    use rand_core::SeedableRng;
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *seed)
        .map_err(|e| anyhow::anyhow!("the system's random generator failed ({e}); nothing was made"))?;
    Ok(Rng::from_seed(*seed))
}

/// The current time.
pub fn now() -> UnixTime {
    UnixTime(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

/// Reads a file, or standard input for `-`, refusing anything over the core's limit.
pub fn read_input(path: &str) -> Result<Vec<u8>> {
    read_input_limited(path, certkit_core::MAX_INPUT_LEN)
}

/// [`read_input`] with another limit (Kubernetes Lists hold many CSRs).
pub fn read_input_limited(path: &str, max: usize) -> Result<Vec<u8>> {
    let limit = max as u64 + 1;
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf).context("reading standard input")?;
    } else {
        let f = File::open(path).with_context(|| format!("cannot read {path}"))?;
        if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            bail!("{path} is a directory; give a file");
        }
        f.take(limit).read_to_end(&mut buf).with_context(|| format!("cannot read {path}"))?;
    }
    if buf.len() as u64 >= limit {
        bail!(
            "{} is larger than the {max}-byte limit for this input; check you gave the right file",
            display_name(path)
        );
    }
    Ok(buf)
}

/// How to name an input in messages.
pub fn display_name(path: &str) -> String {
    if path == "-" { "standard input".to_string() } else { path.to_string() }
}

/// A file to write: where, what, and whether it is secret.
pub struct Output {
    pub path: PathBuf,
    pub contents: Zeroizing<Vec<u8>>,
    pub secret: bool,
}

impl Output {
    pub fn public(path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Output {
        Output { path: path.into(), contents: Zeroizing::new(contents.into()), secret: false }
    }
    pub fn secret(path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> Output {
        Output { path: path.into(), contents: Zeroizing::new(contents.into()), secret: true }
    }
}

/// A certificate, its key and its CSR (cfssl's trio), by name and in this
/// one order, so that no call can swap two of them: the files of a base
/// name ([`Files`]), the PEM text a command hands out ([`Pems`]), or which
/// of them a command makes (`Trio<bool>`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Trio<T> {
    pub cert: T,
    pub key: T,
    pub csr: T,
}

/// The files of a base name NAME: NAME.pem, NAME-key.pem and NAME.csr.
pub type Files = Trio<PathBuf>;

/// What a command hands out of the trio, printed as cfssl's JSON or
/// written as [`Files`].
pub type Pems<'a> = Trio<Option<&'a str>>;

impl Files {
    pub fn of(name: &str) -> Files {
        Trio {
            cert: format!("{name}.pem").into(),
            key: format!("{name}-key.pem").into(),
            csr: format!("{name}.csr").into(),
        }
    }

    /// The files that `pems` fills, the key's secret (0600).
    pub fn outputs(self, pems: Pems<'_>) -> Vec<Output> {
        let cert = pems.cert.map(|c| Output::public(self.cert, c));
        let key = pems.key.map(|k| Output::secret(self.key, k));
        let csr = pems.csr.map(|c| Output::public(self.csr, c));
        [cert, key, csr].into_iter().flatten().collect()
    }

    /// The files that `makes` names.
    pub fn only(self, makes: Trio<bool>) -> Vec<PathBuf> {
        [(makes.cert, self.cert), (makes.key, self.key), (makes.csr, self.csr)]
            .into_iter()
            .filter_map(|(made, path)| made.then_some(path))
            .collect()
    }
}

/// Writes every output atomically, as a unit: each goes first to a
/// temporary file in its directory (created 0600 for secrets and for every
/// file in a CA directory, whatever the umask; 0644 less the umask
/// otherwise; before any byte is written) and is flushed to disk; only when
/// all are written are they linked into place, and the directories are
/// flushed. Without `force` an existing file is never replaced (link(2)
/// refuses to), and if any step fails the files already placed are removed,
/// so a failure leaves nothing behind.
pub fn write_all(outputs: &[Output], force: bool) -> Result<()> {
    write_files(outputs, force)?;
    for o in outputs {
        sync_dir(&parent(&o.path));
    }
    Ok(())
}

/// Flushes a directory's entries to disk (after files were linked into it).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// [`write_all`] without the directory flush, for callers that write many
/// files into one directory and flush it once with [`sync_dir`].
pub fn write_files(outputs: &[Output], force: bool) -> Result<()> {
    ensure_new(outputs.iter().map(|o| o.path.as_path()), force)?;
    let mut temps: Vec<PathBuf> = Vec::new();
    let cleanup = |temps: &[PathBuf]| {
        for t in temps {
            let _ = fs::remove_file(t);
        }
    };
    for o in outputs {
        let private = o.secret || crate::cadir::holds(&parent(&o.path));
        match write_temp(&o.path, &o.contents, private) {
            Ok(t) => temps.push(t),
            Err(e) => {
                cleanup(&temps);
                return Err(e);
            }
        }
    }
    if force {
        return replace_all(outputs, &temps, cleanup);
    }
    let mut placed: Vec<&Path> = Vec::new();
    for (o, tmp) in outputs.iter().zip(&temps) {
        if let Err(e) = fs::hard_link(tmp, &o.path) {
            cleanup(&temps);
            for p in &placed {
                let _ = fs::remove_file(p);
            }
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                bail!("{} already exists; remove it or pass --force to replace it", o.path.display());
            }
            return Err(e).with_context(|| format!("cannot write {}", o.path.display()));
        }
        placed.push(&o.path);
    }
    // Every file is in place: the temporary names only remain to go. One
    // that will not is a warning — the work is done — never an error.
    for tmp in &temps {
        if let Err(e) = fs::remove_file(tmp).or_else(|_| fs::remove_file(tmp)) {
            eprintln!("certkit: warning: cannot remove the temporary file {}: {e}; delete it", tmp.display());
        }
    }
    Ok(())
}

/// `--force`: the files replace what is there as a unit. Each existing
/// file is first linked to a backup name; if a later replacement fails, the
/// earlier ones are put back, so a set (a CRL's .crl and .pem, a
/// certificate and its key) never ends half old, half new.
fn replace_all(outputs: &[Output], temps: &[PathBuf], cleanup: impl Fn(&[PathBuf])) -> Result<()> {
    let backup = |p: &Path| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        parent(p).join(format!(".{name}.certkit-{}-old", std::process::id()))
    };
    let mut backups: Vec<(PathBuf, PathBuf)> = Vec::new();
    let drop_backups = |backups: &[(PathBuf, PathBuf)]| {
        for (_, b) in backups {
            let _ = fs::remove_file(b);
        }
    };
    for o in outputs {
        if fs::symlink_metadata(&o.path).is_ok() {
            let b = backup(&o.path);
            let _ = fs::remove_file(&b);
            if let Err(e) = fs::hard_link(&o.path, &b) {
                cleanup(temps);
                drop_backups(&backups);
                return Err(e).with_context(|| format!("cannot write {}", o.path.display()));
            }
            backups.push((o.path.clone(), b));
        }
    }
    let mut placed: Vec<&Path> = Vec::new();
    for (o, tmp) in outputs.iter().zip(temps) {
        if let Err(e) = fs::rename(tmp, &o.path) {
            cleanup(temps);
            // Put back what was replaced; remove what was new.
            for p in &placed {
                match backups.iter().find(|(orig, _)| orig.as_path() == *p) {
                    Some((orig, b)) => {
                        let _ = fs::rename(b, orig);
                    }
                    None => {
                        let _ = fs::remove_file(p);
                    }
                }
            }
            drop_backups(&backups);
            return Err(e).with_context(|| format!("cannot write {} (nothing was replaced)", o.path.display()));
        }
        placed.push(&o.path);
    }
    drop_backups(&backups);
    Ok(())
}

/// Makes a folder, and the folders above it that are missing; in a CA
/// directory, 0700 ([`crate::cadir::make_dir`]).
pub fn make_folder(dir: &Path) -> Result<()> {
    let existing =
        dir.ancestors().map(|a| if a.as_os_str().is_empty() { Path::new(".") } else { a }).find(|a| a.is_dir());
    if existing.is_some_and(crate::cadir::holds) {
        return crate::cadir::make_dir(dir);
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// Refuses a destination whose folder does not exist, and, without
/// `force`, one that already exists. Commands call it before they sign, so
/// that a certificate is not issued (and recorded in a CA directory's
/// ledger) only to be refused at the end; [`write_files`] checks again, and
/// link(2) a last time.
pub fn ensure_new<'a>(paths: impl IntoIterator<Item = &'a Path>, force: bool) -> Result<()> {
    for path in paths {
        let dir = parent(path);
        if !dir.is_dir() {
            bail!("cannot write {}: {} is not a folder; make it first", path.display(), dir.display());
        }
        if !force && (path.exists() || path.is_symlink()) {
            bail!("{} already exists; remove it or pass --force to replace it", path.display());
        }
    }
    Ok(())
}

/// Checks the base name of `-o NAME` or `cfssljson -bare NAME`, from which
/// NAME.pem, NAME-key.pem and NAME.csr are made: `flag` names the option in
/// the message.
pub fn base_name(name: &str, flag: &str) -> Result<()> {
    let example = |base: &str| format!("`{flag} {base}` writes {base}.pem, {base}-key.pem and {base}.csr");
    if name.is_empty() {
        bail!("{flag} needs a base name for the files: {}", example("web"));
    }
    if name.ends_with('/') || name.ends_with(std::path::MAIN_SEPARATOR) {
        let dir = name.trim_end_matches(['/', std::path::MAIN_SEPARATOR]);
        bail!("{flag} {name} is a folder; give a base name in it: {}", example(&format!("{dir}/web")));
    }
    if let Some(stem) = [".pem", ".csr", ".key"].iter().find_map(|ext| name.strip_suffix(ext)) {
        let stem = stem.strip_suffix("-key").unwrap_or(stem);
        bail!("{flag} takes a base name without an extension: {}", example(stem));
    }
    Ok(())
}

/// The directory a path is in (`.` for a bare file name).
pub fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn write_temp(path: &Path, contents: &[u8], private: bool) -> Result<PathBuf> {
    let dir = parent(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for i in 0..100u32 {
        let candidate = dir.join(format!(".{name}.certkit-{}-{i}.tmp", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(if private { crate::cadir::FILE_MODE } else { 0o644 });
        }
        match opts.open(&candidate) {
            Ok(mut f) => {
                let r = exact_mode(&f, private).and_then(|()| f.write_all(contents)).and_then(|()| f.sync_all());
                if let Err(e) = r {
                    let _ = fs::remove_file(&candidate);
                    return Err(e).with_context(|| format!("cannot write {}", path.display()));
                }
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create a file in {}", dir.display())),
        }
    }
    bail!("cannot create a temporary file in {}", dir.display())
}

/// A private file is exactly 0600, whatever the umask took away (0400
/// under umask 277 would leave a ledger certkit cannot append to).
fn exact_mode(f: &File, private: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        return f.set_permissions(fs::Permissions::from_mode(crate::cadir::FILE_MODE));
    }
    let _ = (f, private);
    Ok(())
}

/// Where a passphrase for an encrypted CA key comes from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PassphraseArgs {
    /// Read the CA key's passphrase from this file (first line). Otherwise
    /// the CERTKIT_CA_KEY_PASSPHRASE variable, otherwise a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub ca_key_passphrase_file: Option<String>,
}

pub const PASSPHRASE_ENV: &str = "CERTKIT_CA_KEY_PASSPHRASE";

/// Reads a CA key, asking for its passphrase only if it is encrypted.
pub fn read_ca_key(path: &str, pass: &PassphraseArgs) -> Result<PrivateKey> {
    let bytes = Zeroizing::new(read_input(path)?);
    let what = display_name(path);
    match PrivateKey::from_bytes(&bytes, None, &what) {
        Err(e) if e.kind() == &certkit_core::Error::PassphraseNeeded => {}
        other => return Ok(other?),
    }
    let passphrase = passphrase(pass, &what)?;
    Ok(PrivateKey::from_bytes(&bytes, Some(passphrase.as_bytes()), &what)?)
}

fn passphrase(pass: &PassphraseArgs, what: &str) -> Result<Zeroizing<String>> {
    if let Some(file) = &pass.ca_key_passphrase_file {
        let raw = Zeroizing::new(fs::read(file).with_context(|| format!("cannot read the passphrase file {file}"))?);
        let text = Zeroizing::new(
            String::from_utf8(raw.to_vec()).map_err(|_| anyhow::anyhow!("the passphrase file {file} is not UTF-8"))?,
        );
        let line = text.lines().next().unwrap_or("");
        return Ok(Zeroizing::new(line.to_string()));
    }
    if let Ok(v) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(v));
    }
    if std::io::stderr().is_terminal() {
        let p = rpassword::prompt_password(format!("Passphrase for {what}: ")).context("reading the passphrase")?;
        return Ok(Zeroizing::new(p));
    }
    Err(certkit_core::Error::PassphraseNeeded.in_input(what).into())
}

/// A new passphrase, for encrypting a key: from the passphrase file, the
/// variable, or asked twice on the terminal.
pub fn new_passphrase(pass: &PassphraseArgs, what: &str) -> Result<Zeroizing<String>> {
    let p = if pass.ca_key_passphrase_file.is_some() || std::env::var(PASSPHRASE_ENV).is_ok() {
        passphrase(pass, what)?
    } else if std::io::stderr().is_terminal() {
        let p = Zeroizing::new(
            rpassword::prompt_password(format!("New passphrase for {what}: ")).context("reading the passphrase")?,
        );
        let again = Zeroizing::new(rpassword::prompt_password("Again: ").context("reading the passphrase")?);
        if *p != *again {
            bail!("the two passphrases differ; try again");
        }
        p
    } else {
        bail!(
            "{what} is encrypted by default: give a passphrase with --ca-key-passphrase-file FILE or {PASSPHRASE_ENV}, or pass --no-encrypt"
        );
    };
    if p.is_empty() {
        bail!("the passphrase is empty; give a non-empty passphrase");
    }
    Ok(p)
}

/// Prints cfssl's output object: compact JSON, keys `cert`, `csr`, `key`
/// in that order, one trailing newline. The text is built in one
/// pre-sized buffer that is wiped afterwards, since it may hold a key.
/// JSON text for a terminal: Unicode bidirectional controls (which can
/// make one name display as another) and the C1 controls and DEL (which
/// serde_json writes raw) become `\uXXXX` escapes. They can only stand in
/// strings, where an escape is the same text to any JSON reader.
pub fn terminal_json(json: String) -> String {
    let shown = |c: char| !certkit_core::escape::is_bidi_control(c) && !('\u{7f}'..='\u{9f}').contains(&c);
    if json.chars().all(shown) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if shown(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        }
    }
    out
}

pub fn print_cfssl_json(pems: Pems<'_>) -> Result<()> {
    let Trio { cert, key, csr } = pems;
    #[derive(serde::Serialize)]
    struct CfsslOut<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        cert: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        csr: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<&'a str>,
    }
    let len = [cert, csr, key].iter().map(|s| s.map_or(0, |s| s.len() + s.len() / 8)).sum::<usize>() + 64;
    let mut text = Zeroizing::new(Vec::with_capacity(len));
    serde_json::to_writer(&mut *text, &CfsslOut { cert, csr, key })?;
    text.push(b'\n');
    let mut out = std::io::stdout().lock();
    out.write_all(&text).and_then(|()| out.flush()).context("cannot write to standard output")
}

/// Prints warnings from the core on stderr.
pub fn warn(warnings: &[certkit_core::Warning]) {
    for w in warnings {
        eprintln!("certkit: warning: {w}");
    }
}

/// [`warn`] for one input of several: each warning names it.
pub fn warn_for(input: &str, warnings: &[certkit_core::Warning]) {
    for w in warnings {
        eprintln!("certkit: {input}: warning: {w}");
    }
}

/// Progress over `len` steps: a bar on stderr when stderr is a terminal,
/// with report lines printed above it; plain report lines otherwise.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn new(len: u64, message: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(len);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message.to_string());
        Progress(Some(bar))
    }

    /// A report line.
    pub fn line(&self, text: String) {
        match &self.0 {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Runs `f` with a spinner on stderr when stderr is a terminal (slow work
/// such as RSA key generation); prints nothing decorative otherwise.
pub fn with_spinner<T>(message: &str, f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    let out = f();
    pb.finish_and_clear();
    out
}

/// Whether an error is a closed pipe on standard output (`certkit … | head`):
/// the reader has what it wanted, which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Prints to standard output, returning the error (a closed pipe, say)
/// rather than panicking as `print!` does.
pub fn out(text: std::fmt::Arguments<'_>) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_fmt(text).and_then(|()| stdout.flush()).context("cannot write to standard output")
}

/// [`out`] with a newline, for `println!`.
pub fn outln(text: std::fmt::Arguments<'_>) -> Result<()> {
    out(format_args!("{text}\n"))
}
