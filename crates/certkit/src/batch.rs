//! Many items in one run: `sign` (CSRs), `k8s sign` (objects) and `renew
//! --expiring` (due certificates). What they share: the files they will
//! write, claimed before anything is signed; `sign`'s worker pool; and the
//! count of what was done, which decides the exit status.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;

use crate::io;

/// The files a batch will write, one an item, each claimed before anything
/// is signed: a certificate that could not be written would sit in the
/// ledger, issued but never handed out.
pub struct Destinations {
    claimed: BTreeSet<PathBuf>,
    force: bool,
    /// Whether a claim looks at the file system: not for a folder still to be made.
    look: bool,
}

impl Destinations {
    /// For files in folders that exist.
    pub fn new(force: bool) -> Destinations {
        Destinations { claimed: BTreeSet::new(), force, look: true }
    }

    /// For files in `dir`, which is made once every file is claimed: while
    /// it does not exist, nothing in it can be in the way.
    pub fn in_folder(dir: &Path, force: bool) -> Destinations {
        Destinations { claimed: BTreeSet::new(), force, look: dir.is_dir() }
    }

    /// Claims `dest` for one item: refused, with the message `clash` makes,
    /// when another item has claimed it, and by [`io::ensure_new`] when its
    /// folder is missing or (without --force) it exists.
    pub fn claim(&mut self, dest: &Path, clash: impl FnOnce(&Path) -> String) -> Result<()> {
        if !self.claimed.insert(dest.to_path_buf()) {
            return Err(anyhow::Error::msg(clash(dest)));
        }
        if self.look {
            io::ensure_new([dest], self.force)?;
        }
        Ok(())
    }

    /// Flushes the entries of the folders written into, once each, after
    /// the files themselves were flushed ([`io::write_files`]).
    pub fn sync_folders(&self) {
        for dir in self.claimed.iter().map(|d| io::parent(d)).collect::<BTreeSet<_>>() {
            io::sync_dir(&dir);
        }
    }
}

/// Runs `work` on every item, several at a time, with a progress bar
/// labelled `progress` on a terminal; the results come back in the items'
/// order, `None` where a worker stopped before it answered. Four workers a
/// core: signing is CPU-bound, but each file is also fsynced, and
/// concurrent fsyncs share journal commits.
pub fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    progress: &str,
    work: impl Fn(&T) -> Result<R> + Sync,
    stop: impl Fn() -> bool + Sync,
) -> Vec<Option<Result<R>>> {
    let workers = (std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) * 4).min(items.len()).max(1);
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<R>>> = (0..items.len()).map(|_| None).collect();
    let slots = Mutex::new(&mut results);
    let bar = io::Progress::new(items.len() as u64, progress);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    if stop() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = work(item);
                    bar.inc();
                    if let Ok(mut s) = slots.lock() {
                        s[i] = Some(r);
                    }
                }
            });
        }
    });
    bar.finish();
    results
}

/// How much of a batch of `total` items was done.
pub struct Tally {
    total: usize,
    failed: usize,
    /// Of the failed: signed and recorded in the ledger, but not delivered.
    recorded: usize,
}

impl Tally {
    pub fn new(total: usize) -> Tally {
        Tally { total, failed: 0, recorded: 0 }
    }

    /// Counts an item that was not done (its reason said on stderr).
    pub fn fail(&mut self) {
        self.failed += 1;
    }

    /// Counts a failed item by its error: one whose certificate is in the
    /// ledger but was not delivered ([`crate::cmd::Undelivered`]) is counted
    /// as such, so the summary never says it was not signed.
    pub fn fail_with(&mut self, e: &anyhow::Error) {
        self.failed += 1;
        if e.downcast_ref::<crate::cmd::Undelivered>().is_some() {
            self.recorded += 1;
        }
    }

    pub fn failed(&self) -> usize {
        self.failed
    }

    pub fn done(&self) -> usize {
        self.total - self.failed
    }

    /// "3 of 4 CSRs": how many of the `noun` were done.
    pub fn done_of(&self, noun: &str) -> String {
        format!("{} of {} {noun}", self.done(), self.total)
    }

    /// Refuses a batch of which nothing was done: then, and only then,
    /// nothing was printed or written, as exit status 1 promises.
    pub fn some_done(&self, noun: &str, verb: &str) -> Result<()> {
        if self.failed == self.total && self.recorded > 0 {
            anyhow::bail!(
                "none of the {} {noun} was delivered; {} of them were signed and recorded in the ledger all the same (see above: `certkit list` shows them, `certkit revoke` withdraws them)",
                self.total,
                self.recorded
            );
        }
        if self.failed == self.total {
            anyhow::bail!("none of the {} {noun} was {verb} (see above)", self.total);
        }
        Ok(())
    }

    /// The end of a batch: an error when nothing was done, [`Outcome::Partly`]
    /// when some items were not.
    pub fn outcome(&self, noun: &str, verb: &str) -> Result<Outcome> {
        self.some_done(noun, verb)?;
        if self.failed == 0 {
            return Ok(Outcome::Done);
        }
        if self.recorded > 0 {
            return Ok(Outcome::Partly(format!(
                "{} were {verb}; {} more were signed and recorded in the ledger but not delivered, and the rest were not (see above)",
                self.done_of(noun),
                self.recorded
            )));
        }
        Ok(Outcome::Partly(format!("{} were {verb}; the rest were not (see above)", self.done_of(noun))))
    }
}

/// How a batch that did something ended: all done, or part, with the
/// summary line that says so.
#[must_use]
pub enum Outcome {
    Done,
    Partly(String),
}

impl Outcome {
    /// The exit status: 0 when all was done; when part was, the summary on
    /// stderr and [`crate::exit::PARTLY_DONE`]. Called once the command has dropped what
    /// it held (the CA key, the ledger's lock).
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::Partly(summary) => {
                eprintln!("certkit: {summary}");
                ExitCode::from(crate::exit::PARTLY_DONE)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_says_none_some_or_all() {
        let mut t = Tally::new(2);
        assert!(matches!(t.outcome("CSRs", "signed"), Ok(Outcome::Done)));
        t.fail();
        match t.outcome("CSRs", "signed") {
            Ok(Outcome::Partly(s)) => assert_eq!(s, "1 of 2 CSRs were signed; the rest were not (see above)"),
            _ => panic!("one of two is partly done"),
        }
        t.fail();
        let e = t.outcome("objects", "signed").err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("none of the 2 objects was signed (see above)"));
        assert_eq!(Tally::new(0).done_of("due certificates"), "0 of 0 due certificates");
    }

    #[test]
    fn results_come_back_in_order() {
        let items: Vec<usize> = (0..50).collect();
        let out =
            in_parallel(&items, "testing", |i| if i % 7 == 3 { anyhow::bail!("no {i}") } else { Ok(i * 2) }, || false);
        for (i, r) in out.into_iter().enumerate() {
            match r {
                Some(Ok(v)) => assert_eq!(v, i * 2),
                Some(Err(e)) => assert_eq!((i % 7, e.to_string()), (3, format!("no {i}"))),
                None => panic!("no answer for {i}"),
            }
        }
    }

    #[test]
    fn a_destination_is_claimed_once() {
        let dir = std::env::temp_dir().join("certkit-batch-test-missing");
        let mut d = Destinations::in_folder(&dir, false);
        let p = dir.join("a.json");
        assert!(d.claim(&p, |_| "clash".into()).is_ok(), "a folder to be made is not looked in");
        let e = d.claim(&p, |p| format!("twice: {}", p.display())).unwrap_err();
        assert_eq!(e.to_string(), format!("twice: {}", p.display()));
    }
}
