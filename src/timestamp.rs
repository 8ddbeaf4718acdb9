//! Cognito's `TIMESTAMP`: `"%a %b %-d %H:%M:%S UTC %Y"` in English, for
//! example `Wed Jan 1 00:00:00 UTC 2025`.

use core::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc, Weekday};

use crate::error::{Error, Field, Result};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A `TIMESTAMP`: a whole second in UTC and its exact text.
///
/// Only years 1000 to 9999 are representable: the SDKs write the year
/// without padding, so other years have no single agreed spelling.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use cognito_srp::Timestamp;
/// let at = Utc.with_ymd_and_hms(2018, 9, 25, 13, 4, 5).unwrap();
/// let ts = Timestamp::from_datetime(at)?;
/// assert_eq!(ts.as_str(), "Tue Sep 25 13:04:05 UTC 2018");
/// assert_eq!(Timestamp::parse("Tue Sep 25 13:04:05 UTC 2018")?, ts);
/// assert!(Timestamp::parse("Tue Sep 25 13:04:05 UTC 2018 ").is_err());
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    at: DateTime<Utc>,
    text: String,
}

impl Timestamp {
    /// The current time, to the second (an error only if the system clock is
    /// set outside the years 1000 to 9999).
    pub fn now() -> Result<Self> {
        Self::from_datetime(Utc::now())
    }

    /// The timestamp of `at`, truncated to the second.
    ///
    /// Fails for years outside 1000 to 9999.
    pub fn from_datetime(at: DateTime<Utc>) -> Result<Self> {
        if !(1000..=9999).contains(&at.year()) {
            return Err(Error::invalid(
                Field::Timestamp,
                "the year must be 1000 to 9999",
            ));
        }
        let at = at.with_nanosecond(0).unwrap_or(at);
        let text = format!(
            "{} {} {} {:02}:{:02}:{:02} UTC {}",
            WEEKDAYS[at.weekday().num_days_from_monday() as usize],
            MONTHS[at.month0() as usize],
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.year(),
        );
        Ok(Timestamp { at, text })
    }

    /// Parses a `TIMESTAMP` strictly: single spaces, English names, the day
    /// without padding, two-digit time fields, `UTC`, a four-digit year, a real
    /// date whose weekday is the one given, no leap second.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason| Error::invalid(Field::Timestamp, reason);
        let mut parts = text.split(' ');
        let mut next = || {
            parts
                .next()
                .ok_or(bad("expected \"Www Mmm D HH:MM:SS UTC YYYY\""))
        };
        let (weekday, month, day, time, zone, year) =
            (next()?, next()?, next()?, next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(bad("expected \"Www Mmm D HH:MM:SS UTC YYYY\""));
        }
        let weekday = WEEKDAYS
            .iter()
            .position(|&w| w == weekday)
            .ok_or(bad("unknown weekday: expected Mon to Sun"))?;
        let month = MONTHS
            .iter()
            .position(|&m| m == month)
            .ok_or(bad("unknown month: expected Jan to Dec"))?;
        let day = decimal(day, 1, 2).ok_or(bad("the day must be 1 to 31 without leading zeros"))?;
        let time = time.as_bytes();
        if time.len() != 8 || time[2] != b':' || time[5] != b':' {
            return Err(bad("the time must be HH:MM:SS"));
        }
        let field = |i: usize| {
            let s = core::str::from_utf8(&time[i..i + 2]).ok()?;
            decimal2(s)
        };
        let (hour, minute, second) = match (field(0), field(3), field(6)) {
            (Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s < 60 => (h, m, s),
            _ => return Err(bad("the time must be HH:MM:SS within 00:00:00 to 23:59:59")),
        };
        if zone != "UTC" {
            return Err(bad("the zone must be UTC"));
        }
        let year = decimal(year, 4, 4).ok_or(bad("the year must be four digits, 1000 to 9999"))?;
        let date = NaiveDate::from_ymd_opt(year as i32, month as u32 + 1, day)
            .ok_or(bad("no such date"))?;
        if date.weekday() != Weekday::try_from(weekday as u8).map_err(|_| bad("unknown weekday"))? {
            return Err(bad("the weekday does not match the date"));
        }
        let at = Utc.from_utc_datetime(
            &date
                .and_hms_opt(hour, minute, second)
                .ok_or(bad("no such time"))?,
        );
        Self::from_datetime(at)
    }

    /// The instant.
    pub fn datetime(&self) -> DateTime<Utc> {
        self.at
    }

    /// The exact text sent as `TIMESTAMP` and signed.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// An unsigned decimal of `min..=max` digits with no leading zero.
fn decimal(s: &str, min: usize, max: usize) -> Option<u32> {
    if !(min..=max).contains(&s.len())
        || !s.bytes().all(|b| b.is_ascii_digit())
        || s.starts_with('0')
    {
        return None;
    }
    s.parse().ok()
}

/// Exactly two decimal digits (leading zero allowed).
fn decimal2(s: &str) -> Option<u32> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl core::str::FromStr for Timestamp {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Timestamp::parse(s)
    }
}

impl TryFrom<DateTime<Utc>> for Timestamp {
    type Error = Error;
    fn try_from(at: DateTime<Utc>) -> Result<Self> {
        Timestamp::from_datetime(at)
    }
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formats_as_cognito_does() {
        let at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            Timestamp::from_datetime(at).unwrap().as_str(),
            "Wed Jan 1 00:00:00 UTC 2025"
        );
    }

    #[test]
    fn drops_subseconds() {
        let at = Utc.timestamp_opt(1_700_000_000, 999_999_999).unwrap();
        let ts = Timestamp::from_datetime(at).unwrap();
        assert_eq!(ts.datetime().timestamp(), 1_700_000_000);
        assert_eq!(ts.datetime().timestamp_subsec_nanos(), 0);
    }

    #[test]
    fn rejects_everything_outside_the_grammar() {
        for bad in [
            "",
            "Wed Jan 01 00:00:00 UTC 2025",
            "Wed Jan  1 00:00:00 UTC 2025",
            "Thu Jan 1 00:00:00 UTC 2025",
            "wed Jan 1 00:00:00 UTC 2025",
            "Wed Jan 1 0:00:00 UTC 2025",
            "Wed Jan 1 24:00:00 UTC 2025",
            "Wed Jan 1 23:59:60 UTC 2025",
            "Wed Jan 1 00:00:00 GMT 2025",
            "Wed Jan 1 00:00:00 UTC 02025",
            "Wed Jan 1 00:00:00 UTC 999",
            "Sat Feb 29 00:00:00 UTC 2025",
            "Wed Jan 1 00:00:00 UTC 2025\n",
            "Wed Jan 1 00:00:00 UTC +2025",
            "Wed Jan 1 0a:00:00 UTC 2025",
            "Wed Jan 1 00:00:00 UTC 2025 x",
            "Wed Jan 1 00:00:٠٠ UTC 2025",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn parse_then_format_is_the_identity() {
        for good in [
            "Tue Sep 25 13:04:05 UTC 2018",
            "Thu Feb 29 23:59:59 UTC 2024",
            "Wed Jan 1 00:00:00 UTC 1000",
            "Fri Dec 31 23:59:59 UTC 9999",
        ] {
            assert_eq!(Timestamp::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn years_outside_four_digits_are_refused() {
        let at = Utc.with_ymd_and_hms(999, 12, 31, 0, 0, 0).unwrap();
        assert!(Timestamp::from_datetime(at).is_err());
    }
}
