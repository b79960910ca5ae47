//! A CA directory on disk: its files, its lock, and its ledger.
//!
//! ```text
//! DIR/ca.pem        the CA certificate
//! DIR/ca-key.pem    the CA key, encrypted PKCS#8 unless made with --no-encrypt
//! DIR/ca-key.uri    instead, for a key in a hardware token: its PKCS#11 URI (no PIN)
//! DIR/config.json   the signing config
//! DIR/ledger.log    the append-only ledger (certkit_core::ledger)
//! DIR/lock          held (flock) by whichever certkit process uses the ledger
//! ```
//!
//! A process takes the lock before it reads the ledger and keeps it until it
//! exits, so concurrent `certkit` runs on one directory take turns and their
//! records never interleave. Records are appended and flushed to disk before
//! the certificate they describe is printed or written anywhere.
//!
//! Whoever can write the directory, its config, ledger or key decides what
//! the CA signs and what it has revoked (the ledger's checksums are not a
//! MAC). So, whatever the umask, certkit makes every folder in a CA
//! directory 0700 and every file 0600 ([`make_dir`], [`holds`]), and, as
//! ssh's StrictModes, refuses to sign from or write to one whose files
//! another user owns or may write ([`CaDir::check_modes`]); commands that
//! only read it warn ([`CaDir::warn_modes`]).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use certkit_core::ledger::{self, Ledger, Record};

/// The paths of a CA directory.
#[derive(Debug, Clone)]
pub struct CaDir {
    pub dir: PathBuf,
}

impl CaDir {
    pub fn new(dir: impl Into<PathBuf>) -> CaDir {
        CaDir { dir: dir.into() }
    }
    pub fn cert(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    pub fn key(&self) -> PathBuf {
        self.dir.join("ca-key.pem")
    }
    /// The PKCS#11 URI of a CA key kept in a token (instead of ca-key.pem).
    pub fn key_uri(&self) -> PathBuf {
        self.dir.join("ca-key.uri")
    }
    /// Where the CA key is: the token's URI when the directory records one,
    /// else the key file.
    pub fn key_ref(&self) -> Result<String> {
        match fs::read_to_string(self.key_uri()) {
            Ok(text) => Ok(text.trim().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(self.key().to_string_lossy().into_owned()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", self.key_uri().display())),
        }
    }
    /// The directory's CA certificates, newest trust first: ca.pem, then
    /// cross.pem (after a rotation), then previous/*/ca.pem, newest first.
    /// What a trust bundle holds and what `ca check` verifies leaves against
    /// (a rotated CA's old root still anchors what it signed).
    pub fn trust_files(&self) -> Result<Vec<String>> {
        if !self.cert().is_file() {
            bail!("{} has no ca.pem; give a CA directory made by `certkit ca init`", self.dir.display());
        }
        let mut files = vec![self.cert().to_string_lossy().into_owned()];
        let cross = self.dir.join("cross.pem");
        if cross.is_file() {
            files.push(cross.to_string_lossy().into_owned());
        }
        let prev = self.dir.join("previous");
        if prev.is_dir() {
            let mut dirs: Vec<PathBuf> = fs::read_dir(&prev)
                .with_context(|| format!("cannot read {}", prev.display()))?
                .filter_map(|e| e.ok().map(|e| e.path().join("ca.pem")))
                .filter(|p| p.is_file())
                .collect();
            dirs.sort();
            files.extend(dirs.iter().rev().map(|p| p.to_string_lossy().into_owned()));
        }
        Ok(files)
    }
    pub fn config(&self) -> PathBuf {
        self.dir.join("config.json")
    }
    pub fn ledger(&self) -> PathBuf {
        self.dir.join("ledger.log")
    }
    fn lock_path(&self) -> PathBuf {
        self.dir.join("lock")
    }

    fn index_dir(&self) -> PathBuf {
        self.dir.join("ledger.idx")
    }
    /// The index file of a serial: serials are spread over 100 files by
    /// their last two decimal digits, so a lookup reads about 1% of them.
    fn bucket(&self, serial: &str) -> PathBuf {
        // Ledger serials are decimal (checked when the ledger is read); take
        // the last two characters only if they are digits.
        let tail: String = serial.chars().rev().take(2).filter(char::is_ascii_digit).collect();
        self.index_dir().join(if tail.is_empty() { "x".to_string() } else { tail.chars().rev().collect() })
    }
    fn state_path(&self) -> PathBuf {
        self.dir.join("ledger.state")
    }

    /// Takes the directory's lock, waiting for other certkit processes; held
    /// until the returned file is dropped. A directory others may write
    /// ([`CaDir::check_modes`]) is refused first.
    pub fn lock(&self) -> Result<File> {
        self.check_modes()?;
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        let lock = private(&mut opts)
            .open(self.lock_path())
            .with_context(|| format!("cannot open {}", self.lock_path().display()))?;
        lock.lock().with_context(|| format!("cannot lock {}", self.lock_path().display()))?;
        Ok(lock)
    }

    /// What decides what this CA signs and has revoked: the directory, its
    /// certificate, key (or the URI of its token's key, whose module-path
    /// certkit loads) and config, the ledger and what vouches for it.
    fn guarded(&self) -> [PathBuf; 9] {
        [
            self.dir.clone(),
            self.cert(),
            self.key(),
            self.key_uri(),
            self.config(),
            self.ledger(),
            self.state_path(),
            self.index_dir(),
            self.lock_path(),
        ]
    }

    /// Refuses (as ssh's StrictModes does) a CA directory whose folder or
    /// files another user owns, or the group or others may write: they
    /// could rewrite the config to make every `sign` issue a CA, or delete
    /// a revocation from the ledger. The message names the path and the fix.
    pub fn check_modes(&self) -> Result<()> {
        match self.guarded().iter().find_map(|p| unsafe_mode(p)) {
            Some(problem) => bail!("{problem}"),
            None => Ok(()),
        }
    }

    /// [`CaDir::check_modes`] for commands that only read the directory
    /// (`list`, `ca bundle`): each problem is a warning.
    pub fn warn_modes(&self) {
        for problem in self.guarded().iter().filter_map(|p| unsafe_mode(p)) {
            eprintln!("certkit: warning: {problem}");
        }
    }

    /// Takes the directory's lock (waiting for other certkit processes) and
    /// opens the ledger.
    ///
    /// The whole ledger is read and every line's checksum verified whenever
    /// the file is not exactly as certkit last left it (its length and
    /// modification time are kept in `ledger.state`), so an edit or damage
    /// is caught before anything is signed. When it is as certkit left it,
    /// a serial is checked against one small file of the serial index
    /// (`ledger.idx/`): signing then costs the same with a hundred
    /// certificates or a hundred thousand. `certkit ca check` always reads
    /// everything. A torn last line is cut off.
    pub fn open_ledger(&self) -> Result<LockedLedger> {
        if !self.ledger().is_file() {
            bail!(
                "{} is not a CA directory (no ledger.log); make one with `certkit ca init {}`",
                self.dir.display(),
                self.dir.display()
            );
        }
        let lock = self.lock()?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.ledger())
            .with_context(|| format!("cannot open {}", self.ledger().display()))?;
        let mut locked =
            LockedLedger { file, _lock: lock, dir: self.clone(), serials: HashSet::new(), full: None, broken: false };
        if !locked.fast_open()? {
            locked.full_open()?;
        }
        locked.file.seek(SeekFrom::End(0))?;
        Ok(locked)
    }
}

/// The ledger, locked for this process.
#[derive(Debug)]
pub struct LockedLedger {
    file: File,
    _lock: File,
    dir: CaDir,
    /// Serials issued by this process (the index holds the others).
    serials: HashSet<String>,
    full: Option<Ledger>,
    /// A write failed: no further appends from this process.
    broken: bool,
}

/// What identifies the ledger file as certkit left it: length, mtime and,
/// on Unix, inode and ctime (which `touch` cannot set back).
fn stamp(meta: &std::fs::Metadata) -> String {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        format!("v2 {} {mtime} {} {}.{}", meta.len(), meta.ino(), meta.ctime(), meta.ctime_nsec())
    }
    #[cfg(not(unix))]
    format!("v2 {} {mtime}", meta.len())
}

impl LockedLedger {
    /// Uses the index when the ledger is exactly as certkit left it.
    fn fast_open(&mut self) -> Result<bool> {
        let Ok(state) = fs::read_to_string(self.dir.state_path()) else { return Ok(false) };
        Ok(state.trim() == stamp(&self.file.metadata()?) && self.dir.index_dir().is_dir())
    }

    /// Reads and verifies everything, cuts off a torn tail, rebuilds the index.
    fn full_open(&mut self) -> Result<&Ledger> {
        let path = self.dir.ledger();
        let mut bytes = Vec::new();
        self.file.seek(SeekFrom::Start(0))?;
        self.file.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
        let ledger = crate::io::with_spinner("verifying the ledger", || Ledger::parse(&bytes))
            .with_context(|| path.display().to_string())?;
        if let Some(cut) = ledger.torn_tail {
            // A record cut off by a crash: its certificate was never handed out.
            self.file
                .set_len(cut as u64)
                .with_context(|| format!("cannot cut an unfinished record off {}", path.display()))?;
            self.file.sync_all()?;
            eprintln!(
                "certkit: warning: removed an unfinished record at the end of {} (a run was interrupted while writing it)",
                path.display()
            );
        }
        self.file.seek(SeekFrom::End(0))?;
        // Rebuild the index from the verified ledger; until it is complete,
        // no state file vouches for it.
        let _ = fs::remove_file(self.dir.state_path());
        let mut buckets: std::collections::BTreeMap<PathBuf, String> = std::collections::BTreeMap::new();
        for i in ledger.issued() {
            let b = buckets.entry(self.dir.bucket(&i.serial)).or_default();
            b.push_str(&i.serial);
            b.push('\n');
        }
        let dir = self.dir.index_dir();
        if dir.is_dir() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        make_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (path, text) in buckets {
            write_private(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        }
        self.write_state()?;
        Ok(self.full.insert(ledger))
    }

    fn write_state(&self) -> Result<()> {
        let tmp = self.dir.dir.join(".ledger.state.tmp");
        let written = self
            .file
            .metadata()
            .and_then(|m| write_private(&tmp, format!("{}\n", stamp(&m)).as_bytes()))
            .and_then(|()| fs::rename(&tmp, self.dir.state_path()));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("cannot write {}", self.dir.state_path().display()));
        }
        Ok(())
    }

    /// After a record is in the ledger: the serial index and the state
    /// file, which only speed up the next run. A failure to update them is
    /// a warning, not an error — the record is kept and the result
    /// delivered — and the state file is removed, so that the next run
    /// reads the whole ledger and rebuilds the index.
    fn update_index(&mut self, record: &Record) {
        let indexed = match record {
            Record::Issued(i) => (|| -> Result<()> {
                let dir = self.dir.index_dir();
                if !dir.is_dir() {
                    make_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let bucket = self.dir.bucket(&i.serial);
                private(OpenOptions::new().create(true).append(true))
                    .open(&bucket)
                    .and_then(|mut idx| idx.write_all(format!("{}\n", i.serial).as_bytes()))
                    .with_context(|| format!("cannot write {}", bucket.display()))
            })(),
            _ => Ok(()),
        };
        if let Err(e) = indexed.and_then(|()| self.write_state()) {
            let _ = fs::remove_file(self.dir.state_path());
            eprintln!(
                "certkit: warning: {e:#}; the record is in {} all the same, and the next run rebuilds the index from it",
                self.dir.ledger().display()
            );
        }
    }

    /// The whole ledger, read and verified (revocations, records).
    pub fn ledger(&mut self) -> Result<&Ledger> {
        if self.full.is_none() {
            self.full_open()?;
        }
        self.full.as_ref().context("the ledger could not be read")
    }

    /// Whether a serial (decimal) was issued.
    pub fn has_serial(&self, serial: &str) -> Result<bool> {
        if self.serials.contains(serial) {
            return Ok(true);
        }
        if let Some(full) = &self.full {
            return Ok(full.find(serial).is_some());
        }
        match fs::read_to_string(self.dir.bucket(serial)) {
            Ok(text) => Ok(text.lines().any(|l| l == serial)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e).context("reading ledger.idx"),
        }
    }

    /// The ledger file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.ledger()
    }

    /// Appends a record and flushes it to disk, then updates the index.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        if self.broken {
            bail!("an earlier write to the ledger failed; nothing more is recorded by this run");
        }
        let line = ledger::line(record)?;
        let start = self.file.seek(SeekFrom::End(0))?;
        let written = self.file.write_all(line.as_bytes()).and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Take the fragment back, so the next record does not join onto it.
            self.broken = true;
            let path = self.dir.ledger();
            if self.file.set_len(start).and_then(|()| self.file.sync_all()).is_err() {
                return Err(e).with_context(|| {
                    format!(
                        "cannot write {} (the record may be left in it, unfinished or unconfirmed; `certkit ca check {}` tells, and `certkit ca repair` removes a damaged one)",
                        path.display(),
                        self.dir.dir.display()
                    )
                });
            }
            return Err(e).with_context(|| format!("cannot write {} (the record was not kept)", path.display()));
        }
        if let Record::Issued(i) = record {
            self.serials.insert(i.serial.clone());
        }
        if let Some(full) = &mut self.full {
            full.push(record.clone())?;
        }
        self.update_index(record);
        Ok(())
    }
}

/// Writes a fresh, empty ledger (0600).
pub fn new_ledger(path: &Path) -> Result<()> {
    let mut f = private(OpenOptions::new().write(true).create_new(true))
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(format!("{}\n", ledger::HEADER).as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// The mode of every file in a CA directory.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;
/// The mode of every folder in a CA directory.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// `opts`, creating files 0600 (a file that exists keeps its mode).
fn private(opts: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(FILE_MODE);
    }
    opts
}

/// Writes a file of a CA directory, 0600 when it is new.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    private(OpenOptions::new().write(true).create(true).truncate(true)).open(path)?.write_all(contents)
}

/// Makes a CA directory, or a folder in one (and the folders above it that
/// are missing), 0700 whatever the umask; a folder that is there already
/// (an empty one given to `ca init`) is set to 0700 too.
pub fn make_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(DIR_MODE);
        builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // The umask may have taken bits away (0500 under umask 277).
        fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
            .with_context(|| format!("cannot make {} private (chmod 700)", dir.display()))?;
    }
    #[cfg(not(unix))]
    builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    Ok(())
}

/// Whether `dir` is in a CA directory (or is one): it, or a folder above
/// it, holds a certkit ledger. Files written there are made 0600 and
/// folders 0700, like the directory's own.
pub fn holds(dir: &Path) -> bool {
    let Ok(full) = fs::canonicalize(dir) else { return false };
    full.ancestors().any(|d| {
        let mut head = [0u8; ledger::HEADER.len()];
        File::open(d.join("ledger.log")).and_then(|mut f| f.read_exact(&mut head)).is_ok()
            && head == ledger::HEADER.as_bytes()
    })
}

/// Why `path` cannot be trusted to be this user's alone: owned by another
/// user (root aside), or writable by its group or others. `None` when it
/// is fine or missing.
#[cfg(unix)]
fn unsafe_mode(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    let shown = shell_word(path);
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Some(format!(
            "{} is owned by user {}, not by you (user {me}), who could change what this CA signs or has revoked; run `chown {me} {shown}` as root, or use the CA as its owner",
            path.display(),
            meta.uid()
        ));
    }
    let mode = meta.mode() & 0o7777;
    (mode & 0o022 != 0).then(|| {
        format!(
            "{} is writable by others (mode {mode:04o}), who could change what this CA signs or has revoked; run `chmod go-w {shown}`",
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn unsafe_mode(_: &Path) -> Option<String> {
    None
}

/// A path as a shell word, quoted when it holds anything but letters,
/// digits and `/._-`.
#[cfg(unix)]
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Reads a ledger without taking the lock (for reports).
pub fn read_ledger(dir: &CaDir) -> Result<Vec<u8>> {
    fs::read(dir.ledger())
        .with_context(|| format!("cannot read {} (is {} a CA directory?)", dir.ledger().display(), dir.dir.display()))
}
