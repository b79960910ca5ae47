//! certkit's exit codes: one table, printed by `--help` and in the README
//! (tests/flows check that the two agree and that each code is produced).

/// Done (warnings, if any, on stderr as `certkit: warning: …`).
pub const DONE: u8 = 0;
/// An error: one line on stderr; nothing printed on stdout, no file written.
pub const ERROR: u8 = 1;
/// Bad usage: an unknown flag, a missing argument (clap's code).
pub const USAGE: u8 = 2;
/// Partly done: a command given several items did some (printed or wrote
/// them) and not others. 1 would promise that nothing was done.
pub const PARTLY_DONE: u8 = 3;
/// Found what it looks for: `expiry` found a certificate expiring within
/// the window (or expired), `ca check` a damaged ledger line. Distinct from
/// 1, so that a cron job tells "renew now" from "could not look".
pub const FOUND: u8 = 4;

/// The table, as `certkit --help` ends.
pub const TABLE: &str = "Exit codes:\n  \
0  done (warnings, if any, on stderr)\n  \
1  error: one line on stderr saying what is wrong and how to fix it (`verify`: one per failure)\n  \
2  bad usage (unknown flag, missing argument)\n  \
3  partly done: `sign`, `k8s sign`, `renew --expiring` did some items, not others (see stderr)\n  \
4  found: `expiry` a certificate expiring within the window; `ca check` a damaged line or chain";

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_lists_every_code_in_order() {
        let codes: Vec<u8> = super::TABLE.lines().skip(1).map(|l| l.trim_start()[..1].parse().unwrap()).collect();
        assert_eq!(codes, [super::DONE, super::ERROR, super::USAGE, super::PARTLY_DONE, super::FOUND]);
    }
}
