//! The endpoint's clock: the system clock moved by an offset, so that a
//! test sees an hour-long token, a thirty-day refresh token or a week-old
//! temporary password expire without waiting for it.
//!
//! These read it: `iat` and `exp` of the tokens minted, the expiry of
//! refresh tokens, the grace period of a rotated-out refresh token, and the
//! check of an access token's `exp`; the sign-up confirmation and attribute
//! verification codes (when sent, when they expire) and the attribute
//! changes' `LastModifiedDate`; and when a temporary password was set
//! (`AdminCreateUser`, its `RESEND`, `AdminSetUserPassword` with
//! `Permanent` false, a seed's `temporary_password`) and whether it has
//! outlived the pool's `TemporaryPasswordValidityDays` at sign-in. Moved
//! forward, it also ages the challenges in flight (`Session`s and
//! `SECRET_BLOCK`s, valid for the app client's `AuthSessionValidity`).
//! Moving it changes nothing else (`ForgotPassword` codes, the local code
//! channel's listing and SigV4 keep the system clock).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A clock that runs with the system clock, `offset` ahead of it.
///
/// ```
/// use std::time::Duration;
/// let endpoint = cognito_srp_local::Endpoint::new().unwrap();
/// let before = endpoint.clock().unix_seconds();
/// endpoint.clock().advance(Duration::from_secs(31 * 24 * 3600)); // past a refresh token's life
/// assert!(endpoint.clock().unix_seconds() >= before + 31 * 24 * 3600);
/// ```
#[derive(Debug, Default)]
pub struct Clock {
    offset_millis: AtomicI64,
}

impl Clock {
    /// Moves the clock forward by `by` (it keeps running from there).
    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let _ = self
            .offset_millis
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(millis))
            });
    }

    /// Sets the offset from the system clock, in seconds (negative: behind it).
    pub fn set_offset_seconds(&self, seconds: i64) {
        self.offset_millis
            .store(seconds.saturating_mul(1000), Ordering::SeqCst);
    }

    /// The offset from the system clock, in milliseconds.
    pub fn offset_millis(&self) -> i64 {
        self.offset_millis.load(Ordering::SeqCst)
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system.saturating_add(self.offset_millis())
    }

    /// Now, in whole seconds since the Unix epoch (the unit of `iat` and `exp`).
    pub fn unix_seconds(&self) -> i64 {
        self.unix_millis().div_euclid(1000)
    }

    /// Now on the monotonic clock that challenges in flight age by: the
    /// system's, moved forward by the offset when it is ahead (a negative
    /// offset leaves it alone: an [`Instant`] cannot go before the
    /// system's own).
    pub(crate) fn instant(&self) -> Instant {
        let now = Instant::now();
        let ahead = u64::try_from(self.offset_millis()).unwrap_or(0);
        now.checked_add(Duration::from_millis(ahead)).unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_moves_the_clock_and_only_it() {
        let clock = Clock::default();
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!((clock.unix_seconds() - system).abs() <= 1);
        clock.advance(Duration::from_millis(1500));
        clock.advance(Duration::from_secs(3600));
        assert_eq!(clock.offset_millis(), 3_601_500);
        clock.set_offset_seconds(-60);
        assert_eq!(clock.offset_millis(), -60_000);
        assert!((clock.unix_seconds() - (system - 60)).abs() <= 1);
    }

    #[test]
    fn challenges_age_by_the_clock_moved_forward_only() {
        let clock = Clock::default();
        let before = Instant::now();
        clock.advance(Duration::from_secs(240));
        assert!(clock.instant() >= before + Duration::from_secs(240));
        clock.set_offset_seconds(-60);
        let now = Instant::now();
        assert!(clock.instant() >= now && clock.instant() < now + Duration::from_secs(60));
    }
}
