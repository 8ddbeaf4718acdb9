//! Fixed-width limb helpers shared by the backends, [`Modulus`](super::Modulus)
//! and [`FixedBase`](super::FixedBase): addition, subtraction and selection
//! by mask, never by branch.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

pub(super) const LIMBS: usize = 48;
pub(super) type Limbs = [u64; LIMBS];
/// The number one.
pub(super) const ONE: Limbs = {
    let mut one = [0u64; LIMBS];
    one[0] = 1;
    one
};

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
