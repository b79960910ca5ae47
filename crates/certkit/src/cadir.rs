//! A CA directory on disk: its files, its lock, and its ledger.
//!
//! ```text
//! DIR/ca.pem        the CA certificate
//! DIR/ca-key.pem    the CA key, encrypted PKCS#8 unless made with --no-encrypt
//! DIR/config.json   the signing config
//! DIR/ledger.log    the append-only ledger (certkit_core::ledger)
//! DIR/lock          held (flock) by whichever certkit process uses the ledger
//! ```
//!
//! A process takes the lock before it reads the ledger and keeps it until it
//! exits, so concurrent `certkit` runs on one directory take turns and their
//! records never interleave. Records are appended and flushed to disk before
//! the certificate they describe is printed or written anywhere.

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
    pub fn config(&self) -> PathBuf {
        self.dir.join("config.json")
    }
    pub fn ledger(&self) -> PathBuf {
        self.dir.join("ledger.log")
    }
    fn lock_path(&self) -> PathBuf {
        self.dir.join("lock")
    }

    /// Takes the directory's lock (waiting for other certkit processes),
    /// reads and checks the ledger, and cuts off a torn last line.
    pub fn open_ledger(&self) -> Result<LockedLedger> {
        if !self.ledger().is_file() {
            bail!(
                "{} is not a CA directory (no ledger.log); make one with `certkit ca init {}`",
                self.dir.display(),
                self.dir.display()
            );
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())
            .with_context(|| format!("cannot open {}", self.lock_path().display()))?;
        lock.lock().with_context(|| format!("cannot lock {}", self.lock_path().display()))?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.ledger())
            .with_context(|| format!("cannot open {}", self.ledger().display()))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).with_context(|| format!("cannot read {}", self.ledger().display()))?;
        let ledger = Ledger::parse(&bytes).with_context(|| self.ledger().display().to_string())?;
        if let Some(cut) = ledger.torn_tail {
            // A record cut off by a crash: its certificate was never handed out.
            file.set_len(cut as u64).context("cutting off an unfinished ledger record")?;
            file.sync_all()?;
            eprintln!(
                "certkit: warning: removed an unfinished record at the end of {} (a run was interrupted while writing it)",
                self.ledger().display()
            );
        }
        file.seek(SeekFrom::End(0))?;
        Ok(LockedLedger { file, _lock: lock, ledger })
    }
}

/// The ledger, locked for this process.
#[derive(Debug)]
pub struct LockedLedger {
    file: File,
    _lock: File,
    pub ledger: Ledger,
}

impl LockedLedger {
    /// Appends a record and flushes it to disk.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        let line = ledger::line(record)?;
        self.file.write_all(line.as_bytes()).context("writing the ledger")?;
        self.file.sync_data().context("flushing the ledger to disk")?;
        Ok(())
    }
}

/// Writes a fresh, empty ledger.
pub fn new_ledger(path: &Path) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(format!("{}\n", ledger::HEADER).as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// Reads a ledger without taking the lock (for reports).
pub fn read_ledger(dir: &CaDir) -> Result<Vec<u8>> {
    fs::read(dir.ledger())
        .with_context(|| format!("cannot read {} (is {} a CA directory?)", dir.ledger().display(), dir.dir.display()))
}
