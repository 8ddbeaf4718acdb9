//! [`Modulus`]: the Montgomery context for one odd 3072-bit modulus, and the
//! variable-base exponentiations.

use subtle::Choice;
use zeroize::Zeroize;

use super::limbs::{
    add_limbs, conditional_subtract, from_limbs, limbs_of, select, select_entry, sub_limbs, window,
};
use super::{Backend, LIMBS, Limbs, MontgomeryBackend, ONE, U3072, portable};
#[cfg(target_arch = "x86_64")]
use super::{adx, ifma};

/// Bits per window of the variable-base exponentiation.
const WINDOW: u32 = 5;
/// The modulus and its Montgomery constants.
#[derive(Clone)]
pub(super) struct Params {
    pub(super) n: Limbs,
    /// `-n^-1 mod 2^64`.
    pub(super) n0_inv: u64,
    /// `n` as the IFMA backend's 52-bit digits, converted once rather than per product.
    #[cfg(target_arch = "x86_64")]
    pub(super) n_digits: ifma::Digits,
}

/// Montgomery context for an odd modulus of exactly 3072 bits.
#[derive(Clone)]
pub struct Modulus {
    value: U3072,
    pub(super) params: Params,
    pub(super) backend: Backend,
    /// `R mod n` with `R = 2^3072`: one in Montgomery form.
    pub(super) r1: Limbs,
    /// `R^2 mod n`: converts into Montgomery form.
    pub(super) r2: Limbs,
}

impl Modulus {
    /// The context for `n`, with the fastest backend this CPU supports.
    ///
    /// # Panics
    /// If `n` is even or its top bit is clear (the modulus is a constant of the caller).
    pub fn new(n: &U3072) -> Self {
        Self::with_backend(n, Backend::detect())
    }

    /// The context for `n` with a chosen backend.
    ///
    /// # Panics
    /// As [`Modulus::new`], and if the CPU cannot run `backend`.
    pub fn with_backend(n: &U3072, backend: Backend) -> Self {
        let limbs = *limbs_of(n);
        assert!(limbs[0] & 1 == 1, "the modulus must be odd");
        assert!(
            limbs[LIMBS - 1] >> 63 == 1,
            "the modulus must have exactly 3072 bits"
        );
        assert!(
            Backend::available().contains(&backend),
            "this CPU cannot run {backend:?}"
        );
        // Newton's iteration doubles the correct low bits of n^-1 mod 2^64 each step.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(inv)));
        }
        // 2^3072 mod n = 2^3072 - n, since 2^3071 <= n < 2^3072.
        let r_3072 = sub_limbs(&[0; LIMBS], &limbs).0;
        let mut modulus = Modulus {
            value: *n,
            params: Params {
                n: limbs,
                n0_inv: inv.wrapping_neg(),
                #[cfg(target_arch = "x86_64")]
                n_digits: ifma::to_digits(&limbs),
            },
            backend,
            r1: r_3072,
            r2: [0; LIMBS],
        };
        // R mod n by modular doublings (public data).
        let mut r1 = r_3072;
        for _ in 64 * LIMBS as u32..backend.r_bits() {
            r1 = modulus.add_limbs(&r1, &r1);
        }
        // R^2 mod n is 2^r_bits in Montgomery form. With r_bits = k * 2^j
        // (k odd): k doublings of R give 2^k in Montgomery form, and j
        // Montgomery squarings raise it to 2^r_bits; a few products instead
        // of 3072 doublings, which a process's first sign-in would pay.
        let r_bits = backend.r_bits();
        let mut r2 = r1;
        for _ in 0..r_bits >> r_bits.trailing_zeros() {
            r2 = modulus.add_limbs(&r2, &r2);
        }
        for _ in 0..r_bits.trailing_zeros() {
            r2 = modulus.mont_sqr(&r2);
        }
        modulus.r1 = r1;
        modulus.r2 = r2;
        modulus
    }

    /// The modulus.
    pub fn modulus(&self) -> &U3072 {
        &self.value
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `x mod n` for any `x < 2^3072` (one masked subtraction, as `x < 2n`).
    pub fn reduce(&self, x: &U3072) -> U3072 {
        from_limbs(conditional_subtract(&limbs_of(x), 0, &self.params.n))
    }

    /// `(a + b) mod n` for `a, b < n`.
    pub fn add(&self, a: &U3072, b: &U3072) -> U3072 {
        from_limbs(self.add_limbs(&limbs_of(a), &limbs_of(b)))
    }

    /// `(a - b) mod n` for `a, b < n`.
    pub fn sub(&self, a: &U3072, b: &U3072) -> U3072 {
        let (diff, borrow) = sub_limbs(&limbs_of(a), &limbs_of(b));
        let (wrapped, _) = add_limbs(&diff, &self.params.n);
        from_limbs(select(&diff, &wrapped, Choice::from(borrow as u8)))
    }

    /// `a * b mod n` for `a, b < n`.
    pub fn mul(&self, a: &U3072, b: &U3072) -> U3072 {
        let mut a_mont = self.mont_mul(&limbs_of(a), &self.r2);
        let product = self.mont_mul(&a_mont, &limbs_of(b));
        a_mont.zeroize();
        from_limbs(product)
    }

    /// `base^exp mod n`, using the low `exp_bits` bits of the little-endian
    /// limbs `exp`; `base` is reduced first. `exp = 0` gives 1.
    ///
    /// Constant time: `exp_bits` squarings and `ceil(exp_bits / 5)`
    /// multiplications by table entries chosen by a masked scan, whatever the
    /// values.
    ///
    /// # Panics
    /// If `exp_bits > 64 * exp.len()` (a caller bug, not an input).
    pub fn pow(&self, base: &U3072, exp: &[u64], exp_bits: u32) -> U3072 {
        assert!(
            exp_bits as usize <= 64 * exp.len(),
            "exponent narrower than its declared width"
        );
        let mut base = self.reduce(base);
        // table[d] = base^d in Montgomery form.
        let mut table = [[0u64; LIMBS]; 1 << WINDOW];
        table[0] = self.r1;
        table[1] = self.mont_mul(&limbs_of(&base), &self.r2);
        for d in 2..table.len() {
            table[d] = if d % 2 == 0 {
                self.mont_sqr(&table[d / 2])
            } else {
                self.mont_mul(&table[d - 1], &table[1])
            };
        }
        let windows = exp_bits.div_ceil(WINDOW);
        let mut acc = self.r1;
        let mut entry = [0u64; LIMBS];
        for w in (0..windows).rev() {
            // The top window may be narrower; it still squares once per bit.
            let width = (exp_bits - w * WINDOW).min(WINDOW);
            for _ in 0..width {
                acc = self.mont_sqr(&acc);
            }
            let mut digit = window(exp, w * WINDOW, width);
            select_entry(&table, digit, &mut entry);
            acc = self.mont_mul(&acc, &entry);
            digit.zeroize();
        }
        let out = self.leave_montgomery(&acc);
        table.zeroize();
        base.zeroize();
        entry.zeroize();
        acc.zeroize();
        out
    }

    /// `base^exp mod n` in **variable time**: the running time depends on
    /// the exponent's value (its bit length and which windows are zero), so
    /// it leaks the exponent. Never use it on a secret exponent; it exists for
    /// exponents computed from public values only, such as the server's `u`
    /// in `v^u`. Named as `crypto-bigint` names its variable-time routines.
    ///
    /// The base may be secret: every product is the constant-time Montgomery
    /// multiplication, and which table entry is used depends on the exponent
    /// alone. `base` is reduced first; `exp = 0` gives 1.
    ///
    /// Left to right with sliding windows of up to 5 bits over a table of the
    /// odd powers `base^1, base^3, ..., base^31`: zero bits cost one squaring
    /// each, and no window multiplies by a table entry for zero.
    pub fn pow_vartime(&self, base: &U3072, exp: &[u64]) -> U3072 {
        let bit = |i: usize| (exp[i / 64] >> (i % 64)) & 1 == 1;
        let Some(top) = (0..64 * exp.len()).rev().find(|&i| bit(i)) else {
            return self.leave_montgomery(&self.r1);
        };
        let mut base = self.reduce(base);
        // odd[k] = base^(2k + 1) in Montgomery form.
        let mut odd = [[0u64; LIMBS]; 1 << (WINDOW - 1)];
        odd[0] = self.mont_mul(&limbs_of(&base), &self.r2);
        let mut square = self.mont_sqr(&odd[0]);
        for k in 1..odd.len() {
            odd[k] = self.mont_mul(&odd[k - 1], &square);
        }
        let mut acc: Option<Limbs> = None;
        let mut i = top as isize;
        while i >= 0 {
            if !bit(i as usize) {
                if let Some(a) = acc.as_mut() {
                    *a = self.mont_sqr(a);
                }
                i -= 1;
                continue;
            }
            // The longest window of at most WINDOW bits that starts at bit i
            // and ends on a set bit, so its value is odd.
            let mut low = (i - WINDOW as isize + 1).max(0);
            while !bit(low as usize) {
                low += 1;
            }
            let mut digit = 0usize;
            for j in (low..=i).rev() {
                digit = digit << 1 | usize::from(bit(j as usize));
            }
            acc = Some(match acc {
                None => odd[digit >> 1],
                Some(mut a) => {
                    for _ in low..=i {
                        a = self.mont_sqr(&a);
                    }
                    self.mont_mul(&a, &odd[digit >> 1])
                }
            });
            i = low - 1;
        }
        let mut acc = acc.unwrap_or(self.r1);
        let out = self.leave_montgomery(&acc);
        odd.zeroize();
        square.zeroize();
        base.zeroize();
        acc.zeroize();
        out
    }

    /// `x / R mod n`: the value of `x` out of Montgomery form.
    pub(super) fn leave_montgomery(&self, x: &Limbs) -> U3072 {
        from_limbs(self.mont_mul(x, &ONE))
    }

    fn add_limbs(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let (sum, carry) = add_limbs(a, b);
        conditional_subtract(&sum, carry, &self.params.n)
    }

    #[inline]
    pub(super) fn mont_mul(&self, a: &Limbs, b: &Limbs) -> Limbs {
        match self.backend {
            Backend::Portable => portable::Portable::mont_mul(&self.params, a, b),
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => adx::Adx::mont_mul(&self.params, a, b),
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::Ifma::mont_mul(&self.params, a, b),
        }
    }

    #[inline]
    pub(super) fn mont_sqr(&self, a: &Limbs) -> Limbs {
        match self.backend {
            Backend::Portable => portable::Portable::mont_sqr(&self.params, a),
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => adx::Adx::mont_sqr(&self.params, a),
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::Ifma::mont_sqr(&self.params, a),
        }
    }
}
