//! Portable Montgomery arithmetic on 48 limbs: plain Rust, 64 x 64 -> 128-bit
//! products (`mul_wide`, which avoids a library call on 32-bit targets).

use super::{LIMBS, Limbs, MontgomeryBackend, Params, conditional_subtract, mul_wide};

/// The portable backend: runs everywhere, the reference for the others.
pub(super) struct Portable;

impl MontgomeryBackend for Portable {
    /// Montgomery product `a * b / R mod n`, one pass per limb of `a` that
    /// multiplies and reduces together (FIOS): the two carry chains are
    /// independent, so the CPU overlaps them.
    #[inline]
    fn mont_mul(p: &Params, a: &Limbs, b: &Limbs) -> Limbs {
        let n = &p.n;
        // t < 2n < 2R throughout, so its top word is 0 or 1.
        let mut t = [0u64; LIMBS + 1];
        for &ai in a.iter() {
            let v = u128::from(t[0]) + mul_wide(ai, b[0]);
            let mut c1 = (v >> 64) as u64;
            let m = (v as u64).wrapping_mul(p.n0_inv);
            let w = u128::from(v as u64) + mul_wide(m, n[0]);
            let mut c2 = (w >> 64) as u64;
            for j in 1..LIMBS {
                let v = u128::from(t[j]) + mul_wide(ai, b[j]) + u128::from(c1);
                c1 = (v >> 64) as u64;
                let w = u128::from(v as u64) + mul_wide(m, n[j]) + u128::from(c2);
                c2 = (w >> 64) as u64;
                t[j - 1] = w as u64;
            }
            let v = u128::from(t[LIMBS]) + u128::from(c1) + u128::from(c2);
            t[LIMBS - 1] = v as u64;
            t[LIMBS] = (v >> 64) as u64;
        }
        let mut r = [0u64; LIMBS];
        r.copy_from_slice(&t[..LIMBS]);
        conditional_subtract(&r, t[LIMBS], n)
    }

    /// Montgomery square: the full square with each cross product computed
    /// once and doubled (about half of the `a_i * a_j` products), then one
    /// Montgomery reduction.
    #[inline]
    fn mont_sqr(p: &Params, a: &Limbs) -> Limbs {
        let mut t = [0u64; 2 * LIMBS];
        // Cross products a_i * a_j for i < j.
        for i in 0..LIMBS {
            let mut carry = 0u64;
            for j in i + 1..LIMBS {
                let v = u128::from(t[i + j]) + mul_wide(a[i], a[j]) + u128::from(carry);
                t[i + j] = v as u64;
                carry = (v >> 64) as u64;
            }
            t[i + LIMBS] = carry;
        }
        // Double them.
        let mut top = 0u64;
        for word in t.iter_mut() {
            let v = *word;
            *word = (v << 1) | top;
            top = v >> 63;
        }
        // Add the squares a_i^2 on the diagonal.
        let mut carry = 0u64;
        for i in 0..LIMBS {
            let sq = mul_wide(a[i], a[i]);
            let lo = u128::from(t[2 * i]) + (sq as u64 as u128) + u128::from(carry);
            t[2 * i] = lo as u64;
            let hi = u128::from(t[2 * i + 1]) + (sq >> 64) + (lo >> 64);
            t[2 * i + 1] = hi as u64;
            carry = (hi >> 64) as u64;
        }
        redc(p, &mut t)
    }
}

/// Montgomery reduction of a double-width `t < n * R`: `t / R mod n`.
///
/// Rows are reduced two at a time: once the second row's multiplier is known
/// (it needs only the first two words of the first row), the two rows' carry
/// chains are independent and the CPU overlaps them.
#[inline]
fn redc(p: &Params, t: &mut [u64; 2 * LIMBS]) -> Limbs {
    let n = &p.n;
    // Overflow out of word i + 47 of the previous pair, owed to word i + 48.
    let mut carry_top = 0u64;
    for i in (0..LIMBS).step_by(2) {
        let m0 = t[i].wrapping_mul(p.n0_inv);
        let w = u128::from(t[i]) + mul_wide(m0, n[0]);
        let mut c0 = (w >> 64) as u64;
        let w = u128::from(t[i + 1]) + mul_wide(m0, n[1]) + u128::from(c0);
        c0 = (w >> 64) as u64;
        let m1 = (w as u64).wrapping_mul(p.n0_inv);
        let w = u128::from(w as u64) + mul_wide(m1, n[0]);
        let mut c1 = (w >> 64) as u64;
        for j in 2..LIMBS {
            let w0 = u128::from(t[i + j]) + mul_wide(m0, n[j]) + u128::from(c0);
            c0 = (w0 >> 64) as u64;
            let w1 = u128::from(w0 as u64) + mul_wide(m1, n[j - 1]) + u128::from(c1);
            c1 = (w1 >> 64) as u64;
            t[i + j] = w1 as u64;
        }
        let w = u128::from(t[i + LIMBS])
            + u128::from(c0)
            + u128::from(carry_top)
            + mul_wide(m1, n[LIMBS - 1])
            + u128::from(c1);
        t[i + LIMBS] = w as u64;
        let v = u128::from(t[i + LIMBS + 1]) + (w >> 64);
        t[i + LIMBS + 1] = v as u64;
        carry_top = (v >> 64) as u64;
    }
    let mut r = [0u64; LIMBS];
    r.copy_from_slice(&t[LIMBS..]);
    conditional_subtract(&r, carry_top, n)
}
