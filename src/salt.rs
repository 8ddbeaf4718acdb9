//! The SRP salt: a signed integer, because Cognito sometimes sends a negative one.

use core::fmt;

use crate::encoding::{pad_negative_bytes, pad_unsigned_bytes, strip_leading_zeros};

/// The salt `s` of a user or a device, as an integer.
///
/// Cognito has been seen to send a `SALT` with a leading `-` (its decoy salt
/// for user names that do not exist); the AWS SDKs read it as a negative
/// integer and hash its two's complement, and so does this crate, so that a
/// caller cannot tell a decoy from a real user before Cognito answers.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Salt {
    negative: bool,
    /// Minimal big-endian magnitude (empty for zero).
    magnitude: Vec<u8>,
}

impl Salt {
    /// The largest salt accepted, in bytes of magnitude. Cognito's salts are
    /// 16 bytes; this bound only stops absurd inputs.
    pub const MAX_BYTES: usize = 384;

    /// The non-negative salt whose big-endian bytes are `bytes` (for a device
    /// salt, the 16 random bytes drawn at `ConfirmDevice`).
    ///
    /// Returns `None` when it has more than [`Salt::MAX_BYTES`] significant bytes.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Self> {
        Self::from_sign_and_magnitude(false, bytes)
    }

    /// The salt whose shortest-or-longer big-endian two's complement is `bytes`
    /// (Java's `new BigInteger(bytes)`): how a server reads the base64 `Salt` of a
    /// `DeviceSecretVerifierConfig`. Returns `None` for an empty or too long input.
    pub fn from_twos_complement_be(bytes: &[u8]) -> Option<Self> {
        let (&top, _) = bytes.split_first()?;
        if top & 0x80 == 0 {
            return Self::from_be_bytes(bytes);
        }
        // Negative: the magnitude is the two's complement of the bytes.
        let mut magnitude = bytes.to_vec();
        let mut carry = true;
        for byte in magnitude.iter_mut().rev() {
            let (sum, overflow) = (!*byte).overflowing_add(u8::from(carry));
            *byte = sum;
            carry = overflow;
        }
        Self::from_sign_and_magnitude(true, &magnitude)
    }

    /// `SALT` is read as the integer `-m` when `negative`, else `m`; `m` is big-endian.
    pub(crate) fn from_sign_and_magnitude(negative: bool, magnitude: &[u8]) -> Option<Self> {
        let magnitude = strip_leading_zeros(magnitude);
        if magnitude.len() > Self::MAX_BYTES {
            return None;
        }
        Some(Salt {
            // "-0" is zero, not negative.
            negative: negative && !magnitude.is_empty(),
            magnitude: magnitude.to_vec(),
        })
    }

    /// Whether the salt is negative.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The minimal big-endian bytes of the salt's absolute value (empty for zero).
    pub fn magnitude(&self) -> &[u8] {
        &self.magnitude
    }

    /// `pad(salt)`: the bytes that are hashed into `x`, and the bytes a device
    /// sends (base64-encoded) as the `Salt` of its `DeviceSecretVerifierConfig`.
    pub fn pad(&self) -> Vec<u8> {
        if self.negative {
            pad_negative_bytes(&self.magnitude)
        } else {
            pad_unsigned_bytes(&self.magnitude)
        }
    }
}

impl fmt::Debug for Salt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Salt(")?;
        if self.negative {
            f.write_str("-")?;
        }
        if self.magnitude.is_empty() {
            f.write_str("0")?;
        }
        for b in &self.magnitude {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn twos_complement_bytes_read_back_to_their_pad() {
        for bytes in [
            &[0x00][..],
            &[0x01],
            &[0x7f],
            &[0x00, 0x80],
            &[0xff],
            &[0x80],
            &[0xff, 0x7f],
            &[0x80, 0x00],
        ] {
            let salt = Salt::from_twos_complement_be(bytes).unwrap();
            assert_eq!(salt.pad(), bytes, "{bytes:02x?}");
        }
        assert_eq!(
            Salt::from_twos_complement_be(&[0xff]).unwrap().magnitude(),
            [1]
        );
        assert!(Salt::from_twos_complement_be(&[]).is_none());
    }
}
