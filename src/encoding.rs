//! SRP's byte encodings of integers: `pad(n)`, the shortest big-endian two's
//! complement (Java's `BigInteger.toByteArray()`, the SDKs' `padHex`).
//!
//! These are the bytes that get hashed. The hex and base64 text forms that
//! travel on the wire live in [`crate::wire`].

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::arith::U3072;

/// Bytes in a `U3072`.
pub(crate) const U3072_BYTES: usize = 384;

/// `bytes` without its leading zero bytes (variable time: public values only).
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// The integer whose big-endian bytes are `bytes`, or `None` when it does
/// not fit in 3072 bits. Leading zeros may be given in any number.
pub(crate) fn u3072_from_be(bytes: &[u8]) -> Option<U3072> {
    let bytes = strip_leading_zeros(bytes);
    if bytes.len() > U3072_BYTES {
        return None;
    }
    let mut full = Zeroizing::new([0u8; U3072_BYTES]);
    full[U3072_BYTES - bytes.len()..].copy_from_slice(bytes);
    Some(U3072::from_be_slice(&full[..]))
}

/// As [`u3072_from_be`], for the bytes of a secret (a verifier): no branch
/// on their values; only their length, which is public, decides what is read.
pub(crate) fn u3072_from_be_secret(bytes: &[u8]) -> Option<U3072> {
    let (excess, value) = bytes.split_at(bytes.len().saturating_sub(U3072_BYTES));
    let fits = excess.iter().fold(0u8, |acc, &b| acc | b).ct_eq(&0);
    let mut full = Zeroizing::new([0u8; U3072_BYTES]);
    full[U3072_BYTES - value.len()..].copy_from_slice(value);
    let n = U3072::from_be_slice(&full[..]);
    // Reveals only whether the bytes fit in 3072 bits.
    bool::from(fits).then_some(n)
}

/// The 384 big-endian bytes of `n`.
pub(crate) fn u3072_to_be(n: &U3072) -> Zeroizing<[u8; U3072_BYTES]> {
    let mut out = Zeroizing::new([0u8; U3072_BYTES]);
    // The words are 64 or 32 bits as the target's are; least significant first.
    let word_bytes = size_of::<crypto_bigint::Word>();
    for (chunk, word) in out
        .chunks_exact_mut(word_bytes)
        .zip(n.as_words().iter().rev())
    {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// `pad(m)` for the non-negative integer with minimal big-endian bytes `m`:
/// those bytes, with a `0x00` in front when the top bit is set; `00` for zero.
pub(crate) fn pad_unsigned_bytes(minimal: &[u8]) -> Vec<u8> {
    let minimal = strip_leading_zeros(minimal);
    match minimal.first() {
        None => vec![0],
        Some(&top) if top & 0x80 != 0 => {
            let mut out = Vec::with_capacity(minimal.len() + 1);
            out.push(0);
            out.extend_from_slice(minimal);
            out
        }
        Some(_) => minimal.to_vec(),
    }
}

/// `pad(-m)` for a magnitude `m > 0` given as big-endian bytes: the shortest
/// two's complement of the negative number (`pad(-1) = ff`, `pad(-128) = 80`,
/// `pad(-129) = ff 7f`). A zero magnitude gives `pad(0) = 00`.
pub(crate) fn pad_negative_bytes(magnitude: &[u8]) -> Vec<u8> {
    let m = strip_leading_zeros(magnitude);
    if m.is_empty() {
        return vec![0];
    }
    // -m fits in L bytes of two's complement iff m <= 2^(8L-1), that is iff the
    // top byte is below 0x80 or m is exactly 0x80 00 .. 00.
    let fits = m[0] < 0x80 || (m[0] == 0x80 && m[1..].iter().all(|&b| b == 0));
    let mut out = if fits {
        m.to_vec()
    } else {
        [&[0u8][..], m].concat()
    };
    // Two's complement in place: invert every byte, then add one.
    let mut carry = true;
    for byte in out.iter_mut().rev() {
        let inverted = !*byte;
        let (sum, overflow) = inverted.overflowing_add(u8::from(carry));
        *byte = sum;
        carry = overflow;
    }
    out
}

/// `pad(n)` of a public integer (`A`, `B`, `N`, `g`, `u`, a verifier that is
/// being sent): variable time.
pub(crate) fn pad(n: &U3072) -> Vec<u8> {
    pad_unsigned_bytes(&u3072_to_be(n)[..])
}

/// `pad(S)` of a secret integer.
///
/// The scan runs in constant time, but the protocol hashes this minimal-length
/// encoding, so its *length* (how many leading zero bytes `S` has, and whether
/// its top bit is set) unavoidably reaches SHA-256's block count and the
/// copying below. That is a leak the protocol forces on every implementation;
/// it reveals about one bit of `S` in 256 cases on average.
pub(crate) fn pad_secret(n: &U3072) -> Zeroizing<Vec<u8>> {
    let be = u3072_to_be(n);
    // Count leading zero bytes and find the first non-zero byte without
    // branching on any byte's value.
    let mut leading: u32 = 0;
    let mut seen_nonzero = Choice::from(0);
    let mut first = 0u8;
    for &byte in be.iter() {
        let is_nonzero = !byte.ct_eq(&0);
        let is_first = is_nonzero & !seen_nonzero;
        first.conditional_assign(&byte, is_first);
        seen_nonzero |= is_nonzero;
        leading += u32::conditional_select(&1, &0, seen_nonzero);
    }
    let start = leading as usize;
    // One zero byte in front when the top bit is set, or when n = 0.
    let needs_zero = (first >> 7) | u8::from(start == U3072_BYTES);
    let mut out = Zeroizing::new(Vec::with_capacity(U3072_BYTES + 1));
    if needs_zero == 1 {
        out.push(0);
    }
    out.extend_from_slice(&be[start..]);
    out
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn pad_u64(n: u64) -> Vec<u8> {
        pad(&U3072::from_u64(n))
    }

    #[test]
    fn pad_of_non_negative_integers_matches_java_to_byte_array() {
        assert_eq!(pad_u64(0), [0x00]);
        assert_eq!(pad_u64(1), [0x01]);
        assert_eq!(pad_u64(0x7f), [0x7f]);
        assert_eq!(pad_u64(0x80), [0x00, 0x80]);
        assert_eq!(pad_u64(0xff), [0x00, 0xff]);
        assert_eq!(pad_u64(0x0100), [0x01, 0x00]);
        assert_eq!(pad_u64(0x8000), [0x00, 0x80, 0x00]);
    }

    #[test]
    fn pad_of_negative_integers_is_the_shortest_twos_complement() {
        assert_eq!(pad_negative_bytes(&[0x01]), [0xff]);
        assert_eq!(pad_negative_bytes(&[0x7f]), [0x81]);
        assert_eq!(pad_negative_bytes(&[0x80]), [0x80]);
        assert_eq!(pad_negative_bytes(&[0x81]), [0xff, 0x7f]);
        assert_eq!(pad_negative_bytes(&[0x00, 0x81]), [0xff, 0x7f]);
        assert_eq!(pad_negative_bytes(&[0x80, 0x00]), [0x80, 0x00]);
        assert_eq!(pad_negative_bytes(&[0x80, 0x01]), [0xff, 0x7f, 0xff]);
        assert_eq!(pad_negative_bytes(&[0x01, 0x00]), [0xff, 0x00]);
        assert_eq!(pad_negative_bytes(&[]), [0x00]);
    }

    #[test]
    fn pad_secret_agrees_with_pad_on_every_length_class() {
        let mut values = vec![U3072::ZERO, U3072::ONE, U3072::from_u64(0x80), U3072::MAX];
        for shift in [7u32, 8, 9, 255, 256, 3071] {
            values.push(U3072::ONE.shl_vartime(shift));
        }
        values.push(crate::group::N);
        for v in values {
            assert_eq!(pad_secret(&v)[..], pad(&v)[..], "{v:?}");
        }
    }

    #[test]
    fn integers_round_trip_through_big_endian_bytes() {
        let n = crate::group::N;
        assert_eq!(u3072_from_be(&u3072_to_be(&n)[..]), Some(n));
        assert_eq!(u3072_from_be(&[0; 1000]), Some(U3072::ZERO));
        assert_eq!(u3072_from_be(&[1; 385]), None);
        for bytes in [&[0u8; 0][..], &[0; 1000], &[7; 5], &[0xff; 384]] {
            assert_eq!(
                u3072_from_be_secret(bytes),
                u3072_from_be(bytes),
                "{bytes:?}"
            );
        }
        let mut wide = vec![0u8; 500];
        wide[115] = 1;
        assert_eq!(u3072_from_be_secret(&wide), None);
        wide[115] = 0;
        wide[116] = 1;
        assert_eq!(u3072_from_be_secret(&wide), u3072_from_be(&wide));
    }
}
