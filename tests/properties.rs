//! Properties of the encodings and the strict parsers.
//!
//! - `pad` is Java's `BigInteger.toByteArray()` (num-bigint's signed bytes);
//! - hex and base64 round-trip;
//! - every strict parser rejects what lies outside its grammar;
//! - a timestamp formatted then parsed is the same instant.

use chrono::{DateTime, Utc};
use cognito_srp::hazmat::arith::U3072;
use cognito_srp::hazmat::srp;
use cognito_srp::hazmat::wire::{hex_salt, hex_u3072, parse_hex_u3072, parse_salt_hex};
use cognito_srp::{Field, PoolId, SecretBlock, Timestamp};
use num_bigint::{BigInt, BigUint, Sign};
use proptest::prelude::*;
// Under WebAssembly the tests run in Node through wasm-bindgen-test.
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// `default` cases per property, or `PROPTEST_CASES` when set, as proptest
/// reads it (`scripts/cross` runs fewer under emulation); WebAssembly has no
/// environment, so there the value given when the tests were built counts.
fn cases(default: u32) -> u32 {
    #[cfg(not(target_family = "wasm"))]
    let given = std::env::var("PROPTEST_CASES").ok();
    #[cfg(target_family = "wasm")]
    let given = option_env!("PROPTEST_CASES").map(String::from);
    given.and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn u3072(n: &BigUint) -> U3072 {
    let mut bytes = n.to_bytes_le();
    bytes.resize(384, 0);
    U3072::from_le_slice(&bytes)
}

fn n() -> BigUint {
    BigUint::parse_bytes(cognito_srp::hazmat::group::N_HEX.as_bytes(), 16).unwrap()
}

/// Characters that must never pass a hex or base64 parser.
const JUNK: &[&str] = &[
    " ", "\n", "\t", "\0", "x", "g", "G", "+", "-", "_", ".", ",", "٣", "０", "é", "\u{200b}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(500), ..ProptestConfig::default() })]

    /// pad(salt) for any signed salt is the shortest two's complement.
    #[test]
    fn salt_pad_is_javas_to_byte_array(negative: bool, magnitude in proptest::collection::vec(any::<u8>(), 0..64)) {
        let value = BigInt::from_bytes_be(if negative { Sign::Minus } else { Sign::Plus }, &magnitude);
        let text = if value.sign() == Sign::Minus { format!("-{:x}", value.magnitude()) } else { format!("{:x}", value.magnitude()) };
        let salt = parse_salt_hex(&text).unwrap();
        prop_assert_eq!(salt.pad(), value.to_signed_bytes_be());
        prop_assert_eq!(hex_salt(&salt), text);
    }

    /// pad of a secret group element (through a verifier) is the shortest two's complement.
    #[test]
    fn verifier_pad_is_javas_to_byte_array(x_seed in any::<[u8; 8]>()) {
        let salt = cognito_srp::Salt::from_be_bytes(&x_seed).unwrap();
        let x = srp::compute_x(&salt, "pool", "user", b"pw");
        let v = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&x.to_be_bytes()), &n());
        prop_assert_eq!(&srp::compute_verifier(&x).pad()[..], &BigInt::from(v).to_signed_bytes_be()[..]);
    }

    /// hex(parse(text)) is the canonical spelling of text's value, and parse(hex(n)) = n.
    #[test]
    fn hex_round_trips(value in proptest::collection::vec(any::<u8>(), 0..384), zeros in 0usize..4, upper: bool) {
        let big = BigUint::from_bytes_be(&value);
        let canonical = format!("{big:x}");
        let mut written = format!("{}{}", "0".repeat(zeros), canonical);
        if upper { written = written.to_uppercase(); }
        let parsed = parse_hex_u3072(Field::SrpB, &written).unwrap();
        prop_assert_eq!(parsed, u3072(&big));
        prop_assert_eq!(hex_u3072(&parsed), canonical);
    }

    /// A hex number with any junk character anywhere is refused.
    #[test]
    fn hex_with_junk_is_refused(value in proptest::collection::vec(any::<u8>(), 1..64), junk in proptest::sample::select(JUNK), at in any::<proptest::sample::Index>()) {
        let mut text = format!("{:x}", BigUint::from_bytes_be(&value));
        let chars: Vec<char> = text.chars().collect();
        let position = at.index(chars.len() + 1);
        text = chars[..position].iter().collect::<String>() + junk + &chars[position..].iter().collect::<String>();
        prop_assert!(parse_hex_u3072(Field::SrpB, &text).is_err(), "{:?}", text);
        // A sign is only ever allowed at the very start of SALT.
        if !(junk == "-" && position == 0) {
            prop_assert!(parse_salt_hex(&text).is_err(), "{:?}", text);
        }
        let prefixed = format!("0x{text}");
        prop_assert!(parse_hex_u3072(Field::SrpB, &prefixed).is_err());
    }

    /// Numbers of 3073 bits or more are refused where a group element is expected.
    #[test]
    fn hex_above_3072_bits_is_refused(extra in 1usize..8, top in 1u8..=255) {
        let mut bytes = vec![top];
        bytes.extend(std::iter::repeat_n(0u8, 383 + extra));
        let text = format!("{:x}", BigUint::from_bytes_be(&bytes));
        prop_assert!(parse_hex_u3072(Field::SrpB, &text).is_err());
    }

    /// base64 of any bytes reads back to the bytes.
    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let block = SecretBlock::from_bytes(bytes.clone());
        let parsed = SecretBlock::parse(block.as_str()).unwrap();
        prop_assert_eq!(parsed.as_bytes(), &bytes[..]);
    }

    /// base64 with junk inserted, or with its padding removed or doubled, is refused.
    #[test]
    fn base64_outside_the_grammar_is_refused(bytes in proptest::collection::vec(any::<u8>(), 1..100), junk in proptest::sample::select(JUNK), at in any::<proptest::sample::Index>()) {
        let text = SecretBlock::from_bytes(bytes).as_str().to_owned();
        let position = at.index(text.len() + 1);
        let with_junk = format!("{}{}{}", &text[..position], junk, &text[position..]);
        prop_assert!(SecretBlock::parse(&with_junk).is_err(), "{:?}", with_junk);
        if text.ends_with('=') {
            prop_assert!(SecretBlock::parse(text.trim_end_matches('=')).is_err());
        }
        let (extra_pad, newline) = (format!("{text}="), format!("{text}\n"));
        prop_assert!(SecretBlock::parse(&extra_pad).is_err());
        prop_assert!(SecretBlock::parse(&newline).is_err());
    }

    /// Pool ids: `<region>_<name>` within 55 characters is accepted, anything else refused.
    #[test]
    fn pool_ids_follow_their_grammar(region in "[a-z0-9-]{1,20}", name in "[A-Za-z0-9]{1,30}", junk in proptest::sample::select(JUNK), at in any::<proptest::sample::Index>()) {
        let id = format!("{region}_{name}");
        prop_assert_eq!(PoolId::parse(&id).is_ok(), id.len() <= 55);
        if let Ok(pool) = PoolId::parse(&id) {
            prop_assert_eq!(pool.pool_name(), name.as_str());
        }
        let chars: Vec<char> = id.chars().collect();
        let position = at.index(chars.len() + 1);
        let broken: String = chars[..position].iter().collect::<String>() + junk + &chars[position..].iter().collect::<String>();
        // Letters and digits are allowed anywhere, '-' in the region.
        let allowed = junk.chars().all(|c| c.is_ascii_alphanumeric()) || (junk == "-" && position <= region.len());
        if !allowed {
            prop_assert!(PoolId::parse(&broken).is_err(), "{:?}", broken);
        }
    }

    /// Any instant of years 1000 to 9999, formatted then parsed, is the same instant.
    #[test]
    fn timestamps_round_trip(secs in -30_610_224_000i64..253_402_300_799) {
        let at = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
        let formatted = Timestamp::from_datetime(at).unwrap();
        let parsed = Timestamp::parse(formatted.as_str()).unwrap();
        prop_assert_eq!(parsed.datetime(), at);
        prop_assert_eq!(parsed.as_str(), formatted.as_str());
    }

    /// A formatted timestamp with any one character changed, added or removed
    /// is refused unless it is another valid timestamp (same format, real date).
    #[test]
    fn timestamps_outside_the_grammar_are_refused(secs in 0i64..4_102_444_800, at in any::<proptest::sample::Index>(), junk in proptest::sample::select(JUNK)) {
        let text = Timestamp::from_datetime(DateTime::<Utc>::from_timestamp(secs, 0).unwrap()).unwrap().as_str().to_owned();
        let position = at.index(text.len() + 1);
        let inserted = format!("{}{}{}", &text[..position], junk, &text[position..]);
        prop_assert!(Timestamp::parse(&inserted).is_err(), "{:?}", inserted);
        prop_assert!(Timestamp::parse(&text.to_lowercase()).is_err());
        prop_assert!(Timestamp::parse(&text.replacen(' ', "  ", 1)).is_err());
        let leading_space = format!(" {text}");
        prop_assert!(Timestamp::parse(&leading_space).is_err());
    }
}
