//! Durations as cfssl's configs write them.
//!
//! Go's `time.ParseDuration` syntax — a sequence of decimal numbers, each
//! with an optional fraction and a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`,
//! `h`), such as `876000h` or `1h30m` — plus two units Go lacks and
//! operators reach for: `d` (24 hours) and `y` (365 days). `"0"` alone is
//! zero. Negative durations are refused: no certkit field means anything by
//! them.

use alloc::string::ToString;
use core::time::Duration;

use crate::{Error, Result};

/// Parses `value`; `field` names it in errors (`signing.default.expiry`).
pub fn parse(value: &str, field: &str) -> Result<Duration> {
    let err = |reason: &'static str| Error::Duration { field: field.to_string(), value: value.to_string(), reason };
    let s = value.trim();
    if s.is_empty() {
        return Err(err("it is empty"));
    }
    if s.starts_with('-') {
        return Err(err("it is negative"));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total_nanos: u128 = 0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err("a number is missing before the unit"));
        }
        let (num, after) = rest.split_at(num_len);
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            "d" => 86_400 * 1_000_000_000,
            "y" => 365 * 86_400 * 1_000_000_000,
            "" => return Err(err("a unit is missing")),
            _ => return Err(err("the unit is not one of ns, us, ms, s, m, h, d, y")),
        };
        let (int_part, frac_part) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if frac_part.contains('.') || (int_part.is_empty() && frac_part.is_empty()) {
            return Err(err("a number is malformed"));
        }
        let int: u128 =
            if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| err("a number is too large"))? };
        let mut nanos = int.checked_mul(unit_nanos).ok_or_else(|| err("it is too large"))?;
        // Fraction: at most 18 digits matter at nanosecond resolution.
        let mut scale: u128 = 1;
        let mut frac: u128 = 0;
        for c in frac_part.chars().take(18) {
            frac = frac * 10 + u128::from(c as u8 - b'0');
            scale *= 10;
        }
        nanos = nanos.checked_add(frac * unit_nanos / scale).ok_or_else(|| err("it is too large"))?;
        total_nanos = total_nanos.checked_add(nanos).ok_or_else(|| err("it is too large"))?;
        rest = after;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000).map_err(|_| err("it is too large"))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

/// Formats a duration briefly, for messages: its nonzero hours, minutes and
/// seconds (`1h30m`, `5m`, `1s`), milliseconds under a second, `0s` for zero.
pub fn format_short(d: Duration) -> alloc::string::String {
    use core::fmt::Write;
    let s = d.as_secs();
    let mut out = alloc::string::String::new();
    for (n, unit) in [(s / 3600, "h"), ((s % 3600) / 60, "m"), (s % 60, "s")] {
        if n > 0 {
            let _ = write!(out, "{n}{unit}");
        }
    }
    if out.is_empty() {
        let ms = d.subsec_millis();
        let _ = if ms > 0 { write!(out, "{ms}ms") } else { write!(out, "0s") };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> u64 {
        parse(s, "expiry").unwrap().as_secs()
    }

    #[test]
    fn short_forms() {
        for (text, short) in [
            ("8760h", "8760h"),
            ("1h30m", "1h30m"),
            ("5m", "5m"),
            ("90s", "1m30s"),
            ("1500ms", "1s"),
            ("250ms", "250ms"),
            ("0", "0s"),
        ] {
            assert_eq!(format_short(parse(text, "x").unwrap()), short);
        }
    }

    #[test]
    fn go_forms() {
        assert_eq!(secs("876000h"), 876_000 * 3600);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("8760h0m0s"), 8760 * 3600);
        assert_eq!(secs("1.5h"), 5400);
        assert_eq!(secs(".5m"), 30);
        assert_eq!(secs("0"), 0);
        assert_eq!(secs("5m"), 300);
        assert_eq!(parse("1500ms", "x").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse("2µs", "x").unwrap(), Duration::from_micros(2));
    }

    #[test]
    fn days_and_years() {
        assert_eq!(secs("90d"), 90 * 86_400);
        assert_eq!(secs("1y"), 365 * 86_400);
        assert_eq!(secs("1y12h"), 365 * 86_400 + 12 * 3600);
    }

    #[test]
    fn refusals_name_field_and_value() {
        for bad in ["", "h", "10", "10x", "-5h", "1..5h", "99999999999999999999999999999h", "1h-"] {
            let e = parse(bad, "signing.default.expiry").unwrap_err().to_string();
            assert!(e.starts_with("signing.default.expiry"), "{bad}: {e}");
        }
    }
}
