//! Constant-time modular arithmetic for one fixed odd 3072-bit modulus (hazmat).
//!
//! Montgomery multiplication (CIOS) over 48 little-endian 64-bit limbs and a
//! fixed-window exponentiation whose steps depend only on the declared
//! exponent width. Knows nothing of SRP.

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

pub use crypto_bigint::U3072;

const LIMBS: usize = 48;
const WINDOW: u32 = 4;
const TABLE: usize = 1 << WINDOW;

type Limbs = [u64; LIMBS];

/// Montgomery context for an odd modulus of exactly 3072 bits.
#[derive(Clone)]
pub struct Modulus {
    n: U3072,
    limbs: Limbs,
    /// `-n^-1 mod 2^64`.
    n0_inv: u64,
    /// `R^2 mod n` with `R = 2^3072`.
    r2: Limbs,
    /// `R mod n`: one in Montgomery form.
    r1: Limbs,
}

impl Modulus {
    /// The context for `n`.
    ///
    /// # Panics
    /// If `n` is even or its top bit is clear (the modulus is a constant of the caller).
    pub fn new(n: &U3072) -> Self {
        let limbs = *n.as_words();
        assert!(limbs[0] & 1 == 1, "modulus must be odd");
        assert!(
            limbs[LIMBS - 1] >> 63 == 1,
            "modulus must have exactly 3072 bits"
        );
        // Newton iteration for n^-1 mod 2^64.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(inv)));
        }
        // R mod n = 2^3072 - n (since 2^3071 <= n < 2^3072).
        let r1 = sub_limbs(&[0; LIMBS], &limbs).0;
        let mut m = Modulus {
            n: *n,
            limbs,
            n0_inv: inv.wrapping_neg(),
            r2: [0; LIMBS],
            r1,
        };
        // R^2 mod n by 3072 modular doublings of R mod n.
        let mut r2 = r1;
        for _ in 0..3072 {
            r2 = m.add_limbs(&r2, &r2);
        }
        m.r2 = r2;
        m
    }

    /// The modulus.
    pub fn modulus(&self) -> &U3072 {
        &self.n
    }

    /// `x mod n` for any `x < 2^3072`, in constant time.
    pub fn reduce(&self, x: &U3072) -> U3072 {
        let (diff, borrow) = sub_limbs(x.as_words(), &self.limbs);
        U3072::from_words(select(&diff, x.as_words(), borrow))
    }

    /// `(a + b) mod n` for `a, b < n`.
    pub fn add(&self, a: &U3072, b: &U3072) -> U3072 {
        U3072::from_words(self.add_limbs(a.as_words(), b.as_words()))
    }

    /// `(a - b) mod n` for `a, b < n`.
    pub fn sub(&self, a: &U3072, b: &U3072) -> U3072 {
        let (diff, borrow) = sub_limbs(a.as_words(), b.as_words());
        let (fixed, _) = add_limbs(&diff, &self.limbs);
        U3072::from_words(select(&diff, &fixed, borrow))
    }

    /// `a * b mod n` for `a, b < n`.
    pub fn mul(&self, a: &U3072, b: &U3072) -> U3072 {
        let am = self.mont_mul(a.as_words(), &self.r2);
        U3072::from_words(self.mont_mul(&am, b.as_words()))
    }

    /// `base^exp mod n`, using the low `exp_bits` bits of the little-endian
    /// limbs `exp`. Constant time: the steps and memory addresses depend only
    /// on `exp_bits` and `exp.len()`.
    ///
    /// # Panics
    /// If `exp_bits > 64 * exp.len()` (a caller bug, not an input).
    pub fn pow(&self, base: &U3072, exp: &[u64], exp_bits: u32) -> U3072 {
        assert!(
            exp_bits as usize <= 64 * exp.len(),
            "exponent narrower than its declared width"
        );
        let base = self.reduce(base);
        let mut table = [[0u64; LIMBS]; TABLE];
        table[0] = self.r1;
        table[1] = self.mont_mul(base.as_words(), &self.r2);
        for i in 2..TABLE {
            table[i] = self.mont_mul(&table[i - 1], &table[1]);
        }
        let mut acc = self.r1;
        let windows = exp_bits.div_ceil(WINDOW);
        let mut entry = [0u64; LIMBS];
        for w in (0..windows).rev() {
            for _ in 0..WINDOW {
                acc = self.mont_mul(&acc, &acc);
            }
            let mut digit = window(exp, w * WINDOW, exp_bits);
            for (i, candidate) in table.iter().enumerate() {
                let hit = (i as u64).ct_eq(&digit);
                for (e, c) in entry.iter_mut().zip(candidate) {
                    e.conditional_assign(c, hit);
                }
            }
            acc = self.mont_mul(&acc, &entry);
            digit.zeroize();
        }
        let out = self.mont_mul(&acc, &one());
        table.zeroize();
        entry.zeroize();
        acc.zeroize();
        U3072::from_words(out)
    }

    fn add_limbs(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let (sum, carry) = add_limbs(a, b);
        let (diff, borrow) = sub_limbs(&sum, &self.limbs);
        // Keep the sum only when it did not overflow and was below n.
        select(&diff, &sum, borrow & !carry & 1)
    }

    /// Montgomery product `a * b / R mod n` (CIOS).
    fn mont_mul(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let mut t = [0u64; LIMBS + 2];
        for &ai in a.iter() {
            let mut carry = 0u64;
            for j in 0..LIMBS {
                let v = u128::from(t[j]) + u128::from(ai) * u128::from(b[j]) + u128::from(carry);
                t[j] = v as u64;
                carry = (v >> 64) as u64;
            }
            let v = u128::from(t[LIMBS]) + u128::from(carry);
            t[LIMBS] = v as u64;
            t[LIMBS + 1] = (v >> 64) as u64;
            let m = t[0].wrapping_mul(self.n0_inv);
            let v = u128::from(t[0]) + u128::from(m) * u128::from(self.limbs[0]);
            let mut carry = (v >> 64) as u64;
            for j in 1..LIMBS {
                let v = u128::from(t[j])
                    + u128::from(m) * u128::from(self.limbs[j])
                    + u128::from(carry);
                t[j - 1] = v as u64;
                carry = (v >> 64) as u64;
            }
            let v = u128::from(t[LIMBS]) + u128::from(carry);
            t[LIMBS - 1] = v as u64;
            t[LIMBS] = t[LIMBS + 1] + (v >> 64) as u64;
        }
        let mut r = [0u64; LIMBS];
        r.copy_from_slice(&t[..LIMBS]);
        let (diff, borrow) = sub_limbs(&r, &self.limbs);
        // Subtract n when t >= n, i.e. the top word is set or no borrow.
        let keep = borrow & !t[LIMBS] & 1;
        let out = select(&diff, &r, keep);
        t.zeroize();
        r.zeroize();
        out
    }
}

/// Precomputed powers of one fixed base.
#[derive(Clone)]
pub struct FixedBase {
    base: U3072,
    max_exp_bits: u32,
}

impl FixedBase {
    /// Powers of `base` for exponents of up to `max_exp_bits` bits.
    pub fn new(_modulus: &Modulus, base: &U3072, max_exp_bits: u32) -> Self {
        FixedBase {
            base: *base,
            max_exp_bits,
        }
    }

    /// `base^exp mod n`, with [`Modulus::pow`]'s contract and `exp_bits <= max_exp_bits`.
    pub fn pow(&self, modulus: &Modulus, exp: &[u64], exp_bits: u32) -> U3072 {
        assert!(
            exp_bits <= self.max_exp_bits,
            "exponent wider than the table"
        );
        modulus.pow(&self.base, exp, exp_bits)
    }
}

fn one() -> Limbs {
    let mut o = [0u64; LIMBS];
    o[0] = 1;
    o
}

/// The `WINDOW` bits of `exp` starting at bit `start`, masked to `exp_bits`.
fn window(exp: &[u64], start: u32, exp_bits: u32) -> u64 {
    let mut digit = 0u64;
    for k in 0..WINDOW {
        let bit = start + k;
        if bit < exp_bits {
            let limb = exp[(bit / 64) as usize];
            digit |= ((limb >> (bit % 64)) & 1) << k;
        }
    }
    digit
}

fn add_limbs(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS];
    let mut carry = 0u64;
    for i in 0..LIMBS {
        let v = u128::from(a[i]) + u128::from(b[i]) + u128::from(carry);
        out[i] = v as u64;
        carry = (v >> 64) as u64;
    }
    (out, carry)
}

fn sub_limbs(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
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

/// `if_one` when `choice == 1`, else `if_zero`, by mask.
fn select(if_zero: &Limbs, if_one: &Limbs, choice: u64) -> Limbs {
    let mask = choice.wrapping_neg();
    let mut out = [0u64; LIMBS];
    for i in 0..LIMBS {
        out[i] = if_zero[i] ^ (mask & (if_zero[i] ^ if_one[i]));
    }
    out
}
