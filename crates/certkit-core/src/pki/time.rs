//! Time, as passed in by the caller.
//!
//! The core never reads a clock: every function that needs "now" takes a
//! [`UnixTime`]. Certificates encode times as RFC 5280 §4.1.2.5 requires:
//! UTCTime through 2049, GeneralizedTime from 2050 on, always in UTC with
//! seconds and no fractions.

use alloc::string::String;
use core::fmt;
use core::time::Duration;

use der::DateTime;
use der::asn1::{GeneralizedTime, UtcTime};
use x509_cert::time::Time;

use crate::{Error, Result};

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The last second GeneralizedTime can express here (9999-12-31T23:59:59Z).
    pub const MAX: UnixTime = UnixTime(253_402_300_799);

    /// This time plus `d`, saturating at [`UnixTime::MAX`].
    pub fn saturating_add(self, d: Duration) -> UnixTime {
        UnixTime(self.0.saturating_add(d.as_secs()).min(Self::MAX.0))
    }

    /// This time minus `d`, saturating at the epoch.
    pub fn saturating_sub(self, d: Duration) -> UnixTime {
        UnixTime(self.0.saturating_sub(d.as_secs()))
    }

    /// The RFC 5280 encoding: UTCTime through 2049, GeneralizedTime after.
    pub fn to_x509(self) -> Result<Time> {
        let dt = self.date_time()?;
        if dt.year() < 2050 {
            Ok(Time::UtcTime(UtcTime::from_date_time(dt).map_err(|_| Error::TimeOutOfRange { secs: self.0 })?))
        } else {
            Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
        }
    }

    /// Reads an X.509 time.
    pub fn from_x509(t: &Time) -> UnixTime {
        UnixTime(t.to_unix_duration().as_secs())
    }

    fn date_time(self) -> Result<DateTime> {
        DateTime::from_unix_duration(Duration::from_secs(self.0)).map_err(|_| Error::TimeOutOfRange { secs: self.0 })
    }

    /// RFC 3339 in UTC (`2026-11-27T02:42:19Z`), the form cfssl prints.
    pub fn rfc3339(self) -> String {
        alloc::format!("{self}")
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.date_time() {
            Ok(dt) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minutes(),
                dt.seconds()
            ),
            Err(_) => write!(f, "@{}", self.0),
        }
    }
}

/// Parses an RFC 3339 UTC or offset time (`2030-01-02T03:04:05Z`).
pub fn parse_rfc3339(s: &str, field: &str) -> Result<UnixTime> {
    let err = || Error::Config {
        field: alloc::string::ToString::to_string(field),
        reason: alloc::format!("`{s}` is not an RFC 3339 time like \"2030-01-02T03:04:05Z\""),
    };
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(err());
    }
    let num = |r: core::ops::Range<usize>| -> Result<u64> {
        let t = s.get(r).ok_or_else(err)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        t.parse::<u64>().map_err(|_| err())
    };
    let (y, mo, d, h, mi, se) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
    }
    let ob = rest.as_bytes();
    let offset: i64 = match ob {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let v = i64::from((h1 - b'0') * 10 + (h2 - b'0')) * 3600 + i64::from((m1 - b'0') * 10 + (m2 - b'0')) * 60;
            if *sign == b'+' { v } else { -v }
        }
        _ => return Err(err()),
    };
    let dt = der::DateTime::new(y as u16, mo as u8, d as u8, h as u8, mi as u8, se as u8).map_err(|_| err())?;
    let secs = dt.unix_duration().as_secs() as i64 - offset;
    u64::try_from(secs).map(UnixTime).map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_time_until_2049_then_generalized() {
        // 2049-12-31T23:59:59Z
        assert!(matches!(UnixTime(2_524_607_999).to_x509().unwrap(), Time::UtcTime(_)));
        // 2050-01-01T00:00:00Z
        assert!(matches!(UnixTime(2_524_608_000).to_x509().unwrap(), Time::GeneralTime(_)));
    }

    #[test]
    fn rfc3339_formatting() {
        assert_eq!(UnixTime(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(UnixTime(1_795_833_739).rfc3339(), "2026-11-28T02:42:19Z");
    }

    #[test]
    fn saturates() {
        assert_eq!(UnixTime(5).saturating_sub(Duration::from_secs(10)), UnixTime(0));
        assert_eq!(UnixTime::MAX.saturating_add(Duration::from_secs(10)), UnixTime::MAX);
    }
}
