//! Fixed-width limb helpers shared by the backends, [`Modulus`](super::Modulus)
//! and [`FixedBase`](super::FixedBase): addition, subtraction and selection
//! by mask, never by branch.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::U3072;

pub(super) const LIMBS: usize = 48;
pub(super) type Limbs = [u64; LIMBS];
/// The number one.
pub(super) const ONE: Limbs = {
    let mut one = [0u64; LIMBS];
    one[0] = 1;
    one
};

// How `U3072` stores its value: 48 64-bit words, or 96 32-bit ones, by
// crypto-bigint's choice, which `cpubits` makes (64-bit on 64-bit targets and
// on wasm32, 32-bit on i686); asking the same crate keeps the two in step.
// `limbs_of(x)` derefs to `x`'s 48 64-bit limbs, least significant first.
cpubits::cpubits! {
    32 => {
        const _: () = assert!(crypto_bigint::Word::BITS == 32);

        /// `x`'s limbs, two of its 32-bit words to a limb: a copy, wiped when dropped.
        pub(super) struct LimbsOf<'a>(
            zeroize::Zeroizing<Limbs>,
            core::marker::PhantomData<&'a U3072>,
        );

        impl core::ops::Deref for LimbsOf<'_> {
            type Target = Limbs;
            #[inline]
            fn deref(&self) -> &Limbs {
                &self.0
            }
        }

        #[inline]
        pub(super) fn limbs_of(x: &U3072) -> LimbsOf<'_> {
            let words = x.as_words();
            let limbs = core::array::from_fn(|i| {
                u64::from(words[2 * i]) | u64::from(words[2 * i + 1]) << 32
            });
            LimbsOf(zeroize::Zeroizing::new(limbs), core::marker::PhantomData)
        }

        /// The `U3072` whose 64-bit limbs, least significant first, are `limbs`.
        #[inline]
        pub(super) fn from_limbs(limbs: Limbs) -> U3072 {
            use zeroize::Zeroize;
            let mut words: [u32; 2 * LIMBS] =
                core::array::from_fn(|i| (limbs[i / 2] >> (32 * (i % 2))) as u32);
            let out = U3072::from_words(words);
            words.zeroize();
            out
        }
    }
    64 => {
        /// `x`'s limbs: its own words, borrowed.
        pub(super) struct LimbsOf<'a>(&'a Limbs);

        impl core::ops::Deref for LimbsOf<'_> {
            type Target = Limbs;
            #[inline]
            fn deref(&self) -> &Limbs {
                self.0
            }
        }

        #[inline]
        pub(super) fn limbs_of(x: &U3072) -> LimbsOf<'_> {
            LimbsOf(x.as_words())
        }

        /// The `U3072` whose 64-bit limbs, least significant first, are `limbs`.
        #[inline]
        pub(super) fn from_limbs(limbs: Limbs) -> U3072 {
            U3072::from_words(limbs)
        }
    }
}

/// `a * b` as 128 bits. On 64-bit targets one widening multiplication. On
/// 32-bit ones (i686, wasm32) the compiler would call a library routine for a
/// 128-bit product (`__multi3`), whose code this crate does not control; it
/// is built here from four `u32 x u32 -> u64` products instead, each one
/// machine multiplication, with no branch.
#[cfg(target_pointer_width = "64")]
#[inline(always)]
pub(crate) fn mul_wide(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

/// `a * b` as 128 bits. On 64-bit targets one widening multiplication. On
/// 32-bit ones (i686, wasm32) the compiler would call a library routine for a
/// 128-bit product (`__multi3`), whose code this crate does not control; it
/// is built here from four `u32 x u32 -> u64` products instead, each one
/// machine multiplication, with no branch.
#[cfg(not(target_pointer_width = "64"))]
#[inline(always)]
pub(crate) fn mul_wide(a: u64, b: u64) -> u128 {
    const LOW: u64 = 0xffff_ffff;
    let (a0, a1) = (a & LOW, a >> 32);
    let (b0, b1) = (b & LOW, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // The middle column: at most 3 * (2^32 - 1), no overflow.
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    let low = (p00 & LOW) | mid << 32;
    let high = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    u128::from(high) << 64 | u128::from(low)
}

/// `entry = table[digit]`, reading every entry and keeping one by mask.
#[inline]
pub(super) fn select_entry(table: &[Limbs], digit: u64, entry: &mut Limbs) {
    for (d, candidate) in table.iter().enumerate() {
        let hit = (d as u64).ct_eq(&digit);
        for (e, c) in entry.iter_mut().zip(candidate) {
            e.conditional_assign(c, hit);
        }
    }
}

/// The `width` bits of `exp` starting at bit `start` (`start + width` is
/// within the declared width, so the limbs read depend only on public values).
#[inline]
pub(super) fn window(exp: &[u64], start: u32, width: u32) -> u64 {
    let mut digit = 0u64;
    for k in 0..width {
        let bit = start + k;
        digit |= ((exp[(bit / 64) as usize] >> (bit % 64)) & 1) << k;
    }
    digit
}

/// `x - n` when `carry:x >= n`, else `x`, by mask (for `carry:x < 2n`).
#[inline]
pub(super) fn conditional_subtract(x: &Limbs, carry: u64, n: &Limbs) -> Limbs {
    let (diff, borrow) = sub_limbs(x, n);
    // Keep x only when it did not overflow and the subtraction borrowed.
    select(&diff, x, Choice::from((borrow & !carry & 1) as u8))
}

pub(super) fn add_limbs(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS];
    let mut carry = 0u64;
    for i in 0..LIMBS {
        let v = u128::from(a[i]) + u128::from(b[i]) + u128::from(carry);
        out[i] = v as u64;
        carry = (v >> 64) as u64;
    }
    (out, carry)
}

#[inline]
pub(super) fn sub_limbs(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS];
    let mut borrow = 0u64;
    for i in 0..LIMBS {
        let v = u128::from(a[i])
            .wrapping_sub(u128::from(b[i]))
            .wrapping_sub(u128::from(borrow));
        out[i] = v as u64;
        borrow = ((v >> 64) as u64) & 1;
    }
    (out, borrow)
}

/// `if_one` when `choice` is set, else `if_zero`, through `subtle`.
#[inline]
pub(super) fn select(if_zero: &Limbs, if_one: &Limbs, choice: Choice) -> Limbs {
    let mut out = *if_zero;
    for (o, c) in out.iter_mut().zip(if_one) {
        o.conditional_assign(c, choice);
    }
    out
}
