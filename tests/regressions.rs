//! Inputs the fuzzers found interesting, kept as tests.

use cognito_srp::Timestamp;

/// `timestamp_parse`, first campaign: chrono reads `:60` as a leap second and
/// the fuzz target's reference model accepted it; the crate refuses it, as
/// Cognito's TIMESTAMP has no leap seconds. (The model was fixed; the crate was right.)
#[test]
fn a_leap_second_is_not_a_timestamp() {
    assert!(Timestamp::parse("Sat Jan 5 10:45:60 UTC 2019").is_err());
    assert!(Timestamp::parse("Sat Jan 5 10:45:59 UTC 2019").is_ok());
}
