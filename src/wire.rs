//! The wire's text forms: strict hex for big numbers, strict standard base64
//! for byte strings, and the names of the parameters in Cognito's maps.
//!
//! Everything that arrives from the network is parsed here, strictly, before
//! the protocol sees it. The grammar (SPEC, "Challenge"):
//! - a big number is one or more ASCII hex digits (either case, leading zeros
//!   allowed), with no prefix, sign, whitespace or other character; only
//!   `SALT` may carry a leading `-`;
//! - a byte string is standard base64 with canonical `=` padding and nothing else.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::arith::U3072;
use crate::encoding::{strip_leading_zeros, u3072_from_be, u3072_to_be};
use crate::error::{Error, Field, Result};
use crate::salt::Salt;

/// Parameter names of `AuthParameters`, `ChallengeParameters` and `ChallengeResponses`.
pub mod names {
    /// `USERNAME`.
    pub const USERNAME: &str = "USERNAME";
    /// `SRP_A`.
    pub const SRP_A: &str = "SRP_A";
    /// `SRP_B`.
    pub const SRP_B: &str = "SRP_B";
    /// `SALT`.
    pub const SALT: &str = "SALT";
    /// `SECRET_BLOCK`.
    pub const SECRET_BLOCK: &str = "SECRET_BLOCK";
    /// `USER_ID_FOR_SRP`.
    pub const USER_ID_FOR_SRP: &str = "USER_ID_FOR_SRP";
    /// `SECRET_HASH`.
    pub const SECRET_HASH: &str = "SECRET_HASH";
    /// `DEVICE_KEY`.
    pub const DEVICE_KEY: &str = "DEVICE_KEY";
    /// `PASSWORD_CLAIM_SECRET_BLOCK`.
    pub const PASSWORD_CLAIM_SECRET_BLOCK: &str = "PASSWORD_CLAIM_SECRET_BLOCK";
    /// `PASSWORD_CLAIM_SIGNATURE`.
    pub const PASSWORD_CLAIM_SIGNATURE: &str = "PASSWORD_CLAIM_SIGNATURE";
    /// `TIMESTAMP`.
    pub const TIMESTAMP: &str = "TIMESTAMP";
}

/// A string-to-string map as Cognito's JSON carries it and the AWS SDKs take it.
pub type ParameterMap = HashMap<String, String>;

/// The value of `key` in `map`, or [`Error::Missing`].
pub(crate) fn required<'m>(map: &'m ParameterMap, key: &str, field: Field) -> Result<&'m str> {
    map.get(key)
        .map(String::as_str)
        .ok_or(Error::Missing { field })
}

const NOT_HEX: &str =
    "not hexadecimal: only ASCII 0-9, a-f and A-F are allowed, with no prefix, sign or whitespace";

/// The minimal big-endian bytes of the non-negative integer written in `text`
/// (no sign allowed).
pub(crate) fn parse_hex_magnitude(field: Field, text: &str) -> Result<Vec<u8>> {
    if text.is_empty() {
        return Err(Error::invalid(field, "empty"));
    }
    let digits = text.as_bytes();
    let mut out = Vec::with_capacity(digits.len().div_ceil(2));
    // An odd number of digits has an implied leading zero.
    let (head, rest) = digits.split_at(digits.len() % 2);
    if let [d] = head {
        out.push(hex_digit(*d).ok_or(Error::invalid(field, NOT_HEX))?);
    }
    for pair in rest.chunks_exact(2) {
        let hi = hex_digit(pair[0]).ok_or(Error::invalid(field, NOT_HEX))?;
        let lo = hex_digit(pair[1]).ok_or(Error::invalid(field, NOT_HEX))?;
        out.push(hi << 4 | lo);
    }
    let start = out.len() - strip_leading_zeros(&out).len();
    out.drain(..start);
    Ok(out)
}

fn hex_digit(d: u8) -> Option<u8> {
    match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        b'A'..=b'F' => Some(d - b'A' + 10),
        _ => None,
    }
}

/// A non-negative integer below `2^3072` written in hex (`SRP_A`, `SRP_B`, a verifier).
pub fn parse_hex_u3072(field: Field, text: &str) -> Result<U3072> {
    let magnitude = parse_hex_magnitude(field, text)?;
    u3072_from_be(&magnitude).ok_or(Error::invalid(
        field,
        "larger than the 3072-bit group prime N",
    ))
}

/// `SALT`: hex, with an optional leading `-` (see [`Salt`]).
pub fn parse_salt_hex(text: &str) -> Result<Salt> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if negative && digits.is_empty() {
        return Err(Error::invalid(Field::Salt, "a sign with no digits"));
    }
    let magnitude = parse_hex_magnitude(Field::Salt, digits)?;
    Salt::from_sign_and_magnitude(negative, &magnitude)
        .ok_or(Error::invalid(Field::Salt, "longer than 384 bytes"))
}

/// `hex(n)`: lowercase, no leading zeros, `"0"` for zero.
pub fn hex_u3072(n: &U3072) -> String {
    hex_magnitude(strip_leading_zeros(&u3072_to_be(n)[..]))
}

/// Lowercase hex of a magnitude without leading zeros, `"0"` when it is zero.
pub(crate) fn hex_magnitude(magnitude: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits: String = magnitude
        .iter()
        .flat_map(|&b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .skip_while(|&c| c == '0')
        .collect();
    if digits.is_empty() {
        "0".to_owned()
    } else {
        digits
    }
}

/// `hex(salt)` with its sign: how a server writes `SALT`.
pub fn hex_salt(salt: &Salt) -> String {
    let digits = hex_magnitude(salt.magnitude());
    if salt.is_negative() {
        format!("-{digits}")
    } else {
        digits
    }
}

/// Strict standard base64 with canonical padding.
pub(crate) fn decode_base64(field: Field, text: &str) -> Result<Vec<u8>> {
    STANDARD.decode(text).map_err(|e| {
        Error::invalid(
            field,
            match e {
                base64::DecodeError::InvalidByte(..) => {
                    "not base64: a character outside the standard alphabet A-Z a-z 0-9 + / ="
                }
                base64::DecodeError::InvalidLength(_) => {
                    "not base64: truncated (length is not a multiple of 4)"
                }
                base64::DecodeError::InvalidLastSymbol { .. } => {
                    "not base64: non-canonical final character"
                }
                base64::DecodeError::InvalidPadding => {
                    "not base64: misplaced or missing '=' padding"
                }
            },
        )
    })
}

/// Standard padded base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_parsing_accepts_only_plain_digits() {
        assert_eq!(
            parse_hex_magnitude(Field::SrpB, "0").unwrap(),
            Vec::<u8>::new()
        );
        assert_eq!(parse_hex_magnitude(Field::SrpB, "00ff").unwrap(), [0xff]);
        assert_eq!(
            parse_hex_magnitude(Field::SrpB, "AbC").unwrap(),
            [0x0a, 0xbc]
        );
        for bad in ["", "0x12", " 12", "12\n", "-12", "+12", "1g", "١٢", "12 34"] {
            assert!(parse_hex_magnitude(Field::SrpB, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hex_formatting_is_lowercase_without_leading_zeros() {
        assert_eq!(hex_magnitude(&[]), "0");
        assert_eq!(hex_magnitude(&[0x0a, 0xbc]), "abc");
        assert_eq!(hex_magnitude(&[0xab]), "ab");
        assert_eq!(hex_u3072(&U3072::ZERO), "0");
        assert_eq!(hex_u3072(&U3072::from_u64(0x1f)), "1f");
    }

    #[test]
    fn salt_may_be_negative_but_not_a_bare_sign() {
        let s = parse_salt_hex("-16e4").unwrap();
        assert!(s.is_negative());
        assert_eq!(hex_salt(&s), "-16e4");
        assert!(!parse_salt_hex("-0").unwrap().is_negative());
        assert!(parse_salt_hex("-").is_err());
        assert!(parse_salt_hex("--1").is_err());
        assert!(parse_salt_hex("+1").is_err());
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(decode_base64(Field::SecretBlock, "").unwrap(), b"");
        assert_eq!(decode_base64(Field::SecretBlock, "YWJj").unwrap(), b"abc");
        for bad in [
            "abc",
            "ab=c",
            "YWJj\n",
            "not base64!!",
            "YW_j",
            "YWI",
            "YWI==",
        ] {
            assert!(decode_base64(Field::SecretBlock, bad).is_err(), "{bad:?}");
        }
    }
}
