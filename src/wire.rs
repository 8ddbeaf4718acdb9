//! The wire's text forms: strict hex for big numbers, strict standard base64
//! for byte strings, and the names of the parameters in Cognito's maps.
//!
//! Everything that arrives from the network is parsed here, strictly, before
//! the protocol sees it. The grammar (docs/PROTOCOL.md, step 3):
//! - a big number is one or more ASCII hex digits (either case, leading zeros
//!   allowed), with no prefix, sign, whitespace or other character; only
//!   `SALT` may carry a leading `-`;
//! - a byte string is standard base64 with canonical `=` padding and nothing else.
//!
//! Public values (`SRP_A`, `SRP_B`, `SALT`, `SECRET_BLOCK`, signatures) are
//! encoded and parsed in variable time. Secret values that have a text form
//! (a device password, a verifier) go through the `*_secret` functions, which
//! map every digit with arithmetic and masks: no table index and no branch
//! depends on a secret byte; only the (public) length decides the work done.

use std::collections::HashMap;

use base64ct::{Base64, Encoding as _};
use subtle::{Choice, ConditionallySelectable, ConstantTimeGreater, ConstantTimeLess};
use zeroize::Zeroizing;

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

/// Strict standard base64 with canonical padding, of public bytes.
///
/// Decoded by `base64ct`, as secrets are; the text is public, so a failure is
/// first classified, in variable time, to say what is wrong with it.
pub(crate) fn decode_base64(field: Field, text: &str) -> Result<Vec<u8>> {
    Base64::decode_vec(text).map_err(|_| Error::invalid(field, base64_problem(text)))
}

/// What is wrong with `text`, which is not canonical standard base64.
fn base64_problem(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let in_alphabet = |c: &u8| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/';
    let data = bytes.iter().take_while(|c| in_alphabet(c)).count();
    let (padding, rest) =
        bytes[data..].split_at(bytes[data..].iter().take_while(|&&c| c == b'=').count());
    if rest.iter().any(|c| !in_alphabet(c) && *c != b'=') {
        "not base64: a character outside the standard alphabet A-Z a-z 0-9 + / ="
    } else if !rest.is_empty() || padding.len() > 2 {
        "not base64: misplaced or missing '=' padding"
    } else if !bytes.len().is_multiple_of(4) {
        "not base64: truncated (length is not a multiple of 4)"
    } else {
        "not base64: non-canonical final character"
    }
}

/// Standard padded base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// Standard padded base64 of secret bytes, in constant time (`base64ct`).
pub(crate) fn encode_base64_secret(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(Base64::encode_string(bytes))
}

/// Strict standard base64 of secret bytes, decoded in constant time
/// (`base64ct`, which also refuses non-canonical padding and final characters).
pub(crate) fn decode_base64_secret(field: Field, text: &str) -> Result<Zeroizing<Vec<u8>>> {
    // Decoded into a buffer that is wiped on every path, the error's too.
    let mut out = Zeroizing::new(vec![0u8; (text.len() / 4 + 1) * 3]);
    let len = Base64::decode(text, &mut out[..])
        .map_err(|_| Error::invalid(field, "not canonical standard base64"))?
        .len();
    out.truncate(len);
    Ok(out)
}

/// Lowercase hex of secret bytes, two digits per byte (leading zeros kept, so
/// the length tells nothing of the value).
pub(crate) fn hex_secret(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(2 * bytes.len()));
    for &byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            // '0' + n, plus the gap from '9' + 1 to 'a' when n > 9, by mask.
            let gap = u8::conditional_select(&0, &(b'a' - b'0' - 10), nibble.ct_gt(&9));
            out.push(char::from(b'0' + nibble + gap));
        }
    }
    out
}

/// The bytes written as exactly `2 * LEN` hex digits (either case), decoded
/// without branching on any digit; one error for any bad digit, which
/// reveals only that the text is malformed.
pub(crate) fn parse_hex_secret<const LEN: usize>(
    field: Field,
    text: &str,
    wrong_length: &'static str,
) -> Result<Zeroizing<[u8; LEN]>> {
    let digits = text.as_bytes();
    if digits.len() != 2 * LEN {
        return Err(Error::invalid(field, wrong_length));
    }
    let mut out = Zeroizing::new([0u8; LEN]);
    let mut valid = Choice::from(1);
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let (hi, hi_ok) = hex_digit_secret(pair[0]);
        let (lo, lo_ok) = hex_digit_secret(pair[1]);
        *byte = hi << 4 | lo;
        valid &= hi_ok & lo_ok;
    }
    if bool::from(valid) {
        Ok(out)
    } else {
        Err(Error::invalid(field, NOT_HEX))
    }
}

/// The value of one hex digit and whether it is one, by masks.
fn hex_digit_secret(c: u8) -> (u8, Choice) {
    let within = |lo: u8, hi: u8| !c.ct_lt(&lo) & !c.ct_gt(&hi);
    let (decimal, lower, upper) = (within(b'0', b'9'), within(b'a', b'f'), within(b'A', b'F'));
    let mut value = 0u8;
    value.conditional_assign(&c.wrapping_sub(b'0'), decimal);
    value.conditional_assign(&c.wrapping_sub(b'a' - 10), lower);
    value.conditional_assign(&c.wrapping_sub(b'A' - 10), upper);
    (value, decimal | lower | upper)
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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
    fn secret_hex_is_fixed_width_lowercase_and_parses_back() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = hex_secret(&bytes);
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(text.as_str(), expected);
        let parsed = parse_hex_secret::<256>(Field::PasswordVerifier, &text, "length").unwrap();
        assert_eq!(parsed[..], bytes[..]);
        let upper =
            parse_hex_secret::<256>(Field::PasswordVerifier, &text.to_uppercase(), "length");
        assert_eq!(upper.unwrap()[..], bytes[..]);
        assert_eq!(hex_secret(&[0x00, 0x0f]).as_str(), "000f");
    }

    #[test]
    fn secret_hex_refuses_every_non_digit_and_a_wrong_length() {
        for c in 0..=255u8 {
            let text = format!("0{}", char::from(c));
            let ok = c.is_ascii_hexdigit();
            let parsed = parse_hex_secret::<1>(Field::PasswordVerifier, &text, "length");
            assert_eq!(parsed.is_ok(), ok && text.len() == 2, "{c:#04x}");
            if ok {
                assert_eq!(parsed.unwrap()[0], u8::from_str_radix(&text, 16).unwrap());
            }
        }
        assert_eq!(
            parse_hex_secret::<2>(Field::PasswordVerifier, "abc", "needs 4 digits"),
            Err(Error::invalid(Field::PasswordVerifier, "needs 4 digits"))
        );
        assert!(parse_hex_secret::<1>(Field::PasswordVerifier, "١", "length").is_err());
    }

    #[test]
    fn secret_base64_agrees_with_the_public_codec_and_is_as_strict() {
        for len in 0..70 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode_base64_secret(&bytes);
            assert_eq!(text.as_str(), encode_base64(&bytes));
            assert_eq!(
                decode_base64_secret(Field::PasswordVerifier, &text).unwrap()[..],
                bytes[..]
            );
        }
        for bad in [
            "abc", "ab=c", "YWJj\n", "YW_j", "YWI", "YWI==", "YWJ=", "YQ=", "YR==",
        ] {
            assert!(
                decode_base64(Field::PasswordVerifier, bad).is_err(),
                "{bad:?}"
            );
            assert!(
                decode_base64_secret(Field::PasswordVerifier, bad).is_err(),
                "{bad:?}"
            );
        }
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
