//! Validity periods, RFC 5280 §4.1.2.5: the defaults certkit (like cfssl)
//! gives a certificate's lifetime and backdate, and the rule every lifetime
//! setting must meet. The request JSON (`ca.expiry`, `ca.backdate`) and the
//! signing config (`expiry`, `backdate`) both apply it, so they cannot
//! disagree.

use core::time::Duration;

use crate::cfssl::duration;
use crate::{Error, Result};

/// cfssl's default lifetime for leaf certificates: 8760h (one year).
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(8760 * 3600);

/// cfssl's default CA lifetime: 43800h (five years of 365 days).
pub const DEFAULT_CA_EXPIRY: Duration = Duration::from_secs(43_800 * 3600);

/// cfssl's default backdate: five minutes.
pub const DEFAULT_BACKDATE: Duration = Duration::from_secs(300);

/// Refuses a lifetime that would issue certificates already expired: the
/// lifetime (`expiry`) runs from now − `backdate`, so it must be longer than
/// the backdate, and not zero. The fields name the two settings in errors.
pub fn check_lifetime(expiry: Duration, backdate: Duration, expiry_field: &str, backdate_field: &str) -> Result<()> {
    // Validity is counted in whole seconds (X.509 times have no fractions).
    if expiry.as_secs() == 0 {
        return Err(Error::Config {
            field: expiry_field.into(),
            reason: "the expiry is under a second; give a lifetime such as \"8760h\"".into(),
        });
    }
    if backdate.as_secs() >= expiry.as_secs() {
        return Err(Error::Config {
            field: backdate_field.into(),
            reason: alloc::format!(
                "{} is not shorter than {expiry_field} ({}), so every certificate would be born expired; a backdate covers clock skew, minutes (cfssl's default is 5m)",
                duration::format_short(backdate),
                duration::format_short(expiry),
            ),
        });
    }
    Ok(())
}
