//! Timestamps: parsing never panics, accepts exactly what the model accepts
//! and gives the text back; formatting then parsing gives the same instant.
#![no_main]

use chrono::{DateTime, Utc};
use cognito_srp::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = Timestamp::parse(&text);
    assert_eq!(
        parsed.is_ok(),
        reference::timestamp_ok(&text),
        "{text:?}: {parsed:?}"
    );
    if let Ok(ts) = parsed {
        assert_eq!(ts.as_str(), text);
    }
    if data.len() >= 8 {
        let secs = i64::from_le_bytes(data[..8].try_into().unwrap()) % 400_000_000_000;
        if let Some(at) = DateTime::<Utc>::from_timestamp(secs, 0) {
            if let Ok(ts) = Timestamp::from_datetime(at) {
                let back = Timestamp::parse(ts.as_str()).expect("a formatted timestamp must parse");
                assert_eq!(back.datetime(), at);
                assert_eq!(back, ts);
            }
        }
    }
});
