//! Constant-time modular arithmetic for one fixed odd 3072-bit modulus (hazmat).
//!
//! Montgomery arithmetic on 48 little-endian 64-bit limbs, a fixed-window
//! exponentiation for any base, and per-position window tables for a fixed
//! base. Knows nothing of SRP.
//!
//! Constant time means: the sequence of operations, every loop count and
//! every memory address depend only on the *declared* exponent width and the
//! number of exponent limbs, never on the values of the base or the exponent.
//! A window always multiplies (by the table entry for zero too); table entries
//! are chosen by reading the whole table and keeping one entry by mask; the
//! final subtraction of a Montgomery product is a mask, not a branch.

use std::borrow::Cow;
use std::sync::OnceLock;

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

pub use crypto_bigint::U3072;

#[cfg(target_arch = "x86_64")]
mod adx;
#[cfg(target_arch = "x86_64")]
mod ifma;
mod portable;

const LIMBS: usize = 48;
type Limbs = [u64; LIMBS];
/// The number one.
const ONE: Limbs = {
    let mut one = [0u64; LIMBS];
    one[0] = 1;
    one
};

/// Bits per window of the variable-base exponentiation.
const WINDOW: u32 = 5;
/// Bits per digit of a fixed-base table unless chosen otherwise: the fastest
/// width measured (`cargo bench --bench modexp -- fixed_base_window`, see
/// BENCHMARKS.md).
pub const FIXED_BASE_WINDOW: u32 = 5;

/// A Montgomery multiplication backend for 48-limb numbers.
trait MontgomeryBackend {
    /// `a * b / R mod n` for `a, b < n`, fully reduced.
    fn mont_mul(p: &Params, a: &Limbs, b: &Limbs) -> Limbs;
    /// `a * a / R mod n` for `a < n`, fully reduced.
    fn mont_sqr(p: &Params, a: &Limbs) -> Limbs;
}

/// Which implementation of the Montgomery multiplication to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Plain Rust, on every target.
    Portable,
    /// x86-64 AVX-512 IFMA (52-bit multiply-add), chosen at run time when the CPU has it.
    #[cfg(target_arch = "x86_64")]
    Ifma,
    /// x86-64 BMI2 `mulx` with ADX `adcx`/`adox` (two carry chains at once),
    /// chosen at run time when the CPU has them and not IFMA.
    #[cfg(target_arch = "x86_64")]
    Adx,
}

impl Backend {
    /// The fastest backend this CPU supports.
    pub fn detect() -> Backend {
        #[cfg(target_arch = "x86_64")]
        if ifma::supported() {
            return Backend::Ifma;
        }
        #[cfg(target_arch = "x86_64")]
        if adx::supported() {
            return Backend::Adx;
        }
        Backend::Portable
    }

    /// The backend the protocol's group uses: the one named (case-insensitively,
    /// as `Debug` spells it) by the environment variable `COGNITO_SRP_BACKEND`
    /// when this CPU can run it, else [`Backend::detect`]. Tests use the variable
    /// to run the whole protocol on each backend of [`Backend::available`].
    pub fn chosen() -> Backend {
        std::env::var("COGNITO_SRP_BACKEND")
            .ok()
            .and_then(|name| Backend::named(&name))
            .unwrap_or_else(Backend::detect)
    }

    /// The available backend whose `Debug` name is `name`, ignoring case.
    pub fn named(name: &str) -> Option<Backend> {
        Backend::available()
            .into_iter()
            .find(|backend| format!("{backend:?}").eq_ignore_ascii_case(name))
    }

    /// Every backend this CPU can run (tests check each against num-bigint).
    pub fn available() -> Vec<Backend> {
        let mut out = vec![Backend::Portable];
        #[cfg(target_arch = "x86_64")]
        if adx::supported() {
            out.push(Backend::Adx);
        }
        #[cfg(target_arch = "x86_64")]
        if ifma::supported() {
            out.push(Backend::Ifma);
        }
        out
    }

    /// log2 of the backend's Montgomery radix R.
    fn r_bits(self) -> u32 {
        match self {
            Backend::Portable => 64 * LIMBS as u32,
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => 64 * LIMBS as u32,
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::R_BITS,
        }
    }
}

/// The modulus and its Montgomery constants.
#[derive(Clone)]
struct Params {
    n: Limbs,
    /// `-n^-1 mod 2^64`.
    n0_inv: u64,
    /// `n` as the IFMA backend's 52-bit digits, converted once rather than per product.
    #[cfg(target_arch = "x86_64")]
    n_digits: ifma::Digits,
}

/// Montgomery context for an odd modulus of exactly 3072 bits.
#[derive(Clone)]
pub struct Modulus {
    value: U3072,
    params: Params,
    backend: Backend,
    /// `R mod n` with `R = 2^3072`: one in Montgomery form.
    r1: Limbs,
    /// `R^2 mod n`: converts into Montgomery form.
    r2: Limbs,
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
        let limbs = *n.as_words();
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
        U3072::from_words(conditional_subtract(x.as_words(), 0, &self.params.n))
    }

    /// `(a + b) mod n` for `a, b < n`.
    pub fn add(&self, a: &U3072, b: &U3072) -> U3072 {
        U3072::from_words(self.add_limbs(a.as_words(), b.as_words()))
    }

    /// `(a - b) mod n` for `a, b < n`.
    pub fn sub(&self, a: &U3072, b: &U3072) -> U3072 {
        let (diff, borrow) = sub_limbs(a.as_words(), b.as_words());
        let (wrapped, _) = add_limbs(&diff, &self.params.n);
        U3072::from_words(select(&diff, &wrapped, Choice::from(borrow as u8)))
    }

    /// `a * b mod n` for `a, b < n`.
    pub fn mul(&self, a: &U3072, b: &U3072) -> U3072 {
        let mut a_mont = self.mont_mul(a.as_words(), &self.r2);
        let product = self.mont_mul(&a_mont, b.as_words());
        a_mont.zeroize();
        U3072::from_words(product)
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
        table[1] = self.mont_mul(base.as_words(), &self.r2);
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
        odd[0] = self.mont_mul(base.as_words(), &self.r2);
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
    fn leave_montgomery(&self, x: &Limbs) -> U3072 {
        U3072::from_words(self.mont_mul(x, &ONE))
    }

    fn add_limbs(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let (sum, carry) = add_limbs(a, b);
        conditional_subtract(&sum, carry, &self.params.n)
    }

    #[inline]
    fn mont_mul(&self, a: &Limbs, b: &Limbs) -> Limbs {
        match self.backend {
            Backend::Portable => portable::Portable::mont_mul(&self.params, a, b),
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => adx::Adx::mont_mul(&self.params, a, b),
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::Ifma::mont_mul(&self.params, a, b),
        }
    }

    #[inline]
    fn mont_sqr(&self, a: &Limbs) -> Limbs {
        match self.backend {
            Backend::Portable => portable::Portable::mont_sqr(&self.params, a),
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => adx::Adx::mont_sqr(&self.params, a),
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::Ifma::mont_sqr(&self.params, a),
        }
    }
}

/// Precomputed powers of one fixed base: per-position window tables.
///
/// Row `i` holds `base^(d * 2^(W*i))` for `d = 1..2^W` in Montgomery form (the
/// entry for `d = 0` is one and is not stored), so `base^e` is the product of
/// one entry per `W`-bit digit of `e`: no squarings, `ceil(bits / W)`
/// multiplications, each entry chosen by a masked scan of its row. With the
/// default `W` = [`FIXED_BASE_WINDOW`] = 5, the table for the protocol's
/// 1024-bit exponents holds 205 rows of 31 entries (2.3 MiB). Other widths
/// exist to be measured against it: wider windows need fewer multiplications
/// but longer scans.
///
/// The table of the group's `g` is not built at run time: it is computed when
/// the crate is compiled and shipped in the binary
/// ([`group::g_powers`](crate::group::g_powers)).
#[derive(Clone)]
pub struct FixedBase<const W: u32 = FIXED_BASE_WINDOW> {
    /// The rows one after another, `2^W - 1` entries each, every entry 48
    /// little-endian limbs as bytes (so a table can live in the binary).
    entries: Cow<'static, [u8]>,
    /// The entries hold `x * 2^entries_r_bits mod n`: the Montgomery form of
    /// the backend that built them, which need not be the backend using them.
    entries_r_bits: u32,
    /// One in that form: `2^entries_r_bits mod n`, the entry for digit 0.
    one: Limbs,
    /// The backend whose modulus the table serves.
    backend: Backend,
    /// The modulus the table serves.
    n: Limbs,
    /// When the entries' radix is not the backend's, each product is off by
    /// `2^(entries_r_bits - r_bits)`; `corrections[k]` is `2^(k * (r_bits -
    /// entries_r_bits)) mod n`, which undoes `k` of them, computed on first use.
    corrections: Box<[OnceLock<Limbs>]>,
}

impl<const W: u32> FixedBase<W> {
    /// Entries per row: every digit but 0.
    const ROW: usize = {
        assert!(W >= 1 && W <= 8, "a window of 1 to 8 bits");
        (1 << W) - 1
    };
    /// Bytes per entry.
    const ENTRY: usize = 8 * LIMBS;

    /// The table of `base` for exponents of up to `max_exp_bits` bits (the
    /// base is public: building the table need not be constant time).
    pub fn new(modulus: &Modulus, base: &U3072, max_exp_bits: u32) -> Self {
        let row_count = max_exp_bits.div_ceil(W) as usize;
        let mut entries = Vec::with_capacity(row_count * Self::ROW * Self::ENTRY);
        let base = modulus.reduce(base);
        // base^(2^(W*i)) in Montgomery form.
        let mut step = modulus.mont_mul(base.as_words(), &modulus.r2);
        for _ in 0..row_count {
            let mut power = step;
            for _ in 0..Self::ROW {
                entries.extend(power.iter().flat_map(|limb| limb.to_le_bytes()));
                power = modulus.mont_mul(&power, &step);
            }
            // After the row, `power` is step^(2^W): the next row's step.
            step = power;
        }
        Self::from_entries(modulus, Cow::Owned(entries), modulus.backend.r_bits())
    }

    /// A table from its entries, laid out as [`FixedBase::new`] lays them out
    /// but in the Montgomery form of radix `2^entries_r_bits`, for `modulus`.
    /// The caller vouches that the entries are the powers of one base.
    ///
    /// # Panics
    /// If `entries` is not a whole number of rows.
    pub(crate) fn from_entries(
        modulus: &Modulus,
        entries: Cow<'static, [u8]>,
        entries_r_bits: u32,
    ) -> Self {
        assert!(
            entries.len().is_multiple_of(Self::ROW * Self::ENTRY),
            "a whole number of rows"
        );
        let r_bits = modulus.backend.r_bits();
        let (one, corrections) = if entries_r_bits == r_bits {
            (modulus.r1, Box::default())
        } else {
            let rows = entries.len() / (Self::ROW * Self::ENTRY);
            let one = *modulus
                .pow_vartime(&U3072::from_u64(2), &[u64::from(entries_r_bits)])
                .as_words();
            (one, (0..=rows).map(|_| OnceLock::new()).collect())
        };
        FixedBase {
            entries,
            entries_r_bits,
            one,
            backend: modulus.backend,
            n: modulus.params.n,
            corrections,
        }
    }

    /// The widest exponent the table serves.
    pub fn max_exp_bits(&self) -> u32 {
        (self.entries.len() / (Self::ROW * Self::ENTRY)) as u32 * W
    }

    /// The entries as stored, for the test that checks the shipped table.
    #[cfg(test)]
    pub(crate) fn entry_bytes(&self) -> &[u8] {
        &self.entries
    }

    /// Bytes the entries take.
    pub fn table_bytes(&self) -> usize {
        self.entries.len()
    }

    /// `base^exp mod n`, with the contract of [`Modulus::pow`]; `modulus` must be
    /// the one the table was built for.
    ///
    /// # Panics
    /// If `exp_bits > 64 * exp.len()` or `exp_bits > max_exp_bits()`, or if
    /// `modulus` is another modulus or uses another backend than the table's.
    pub fn pow(&self, modulus: &Modulus, exp: &[u64], exp_bits: u32) -> U3072 {
        assert!(
            modulus.backend == self.backend && modulus.params.n == self.n,
            "a table is used with the modulus it was built for"
        );
        assert!(
            exp_bits as usize <= 64 * exp.len(),
            "exponent narrower than its declared width"
        );
        assert!(
            exp_bits <= self.max_exp_bits(),
            "exponent wider than the table"
        );
        let digits = exp_bits.div_ceil(W);
        let mut acc = modulus.r1;
        let mut entry = [0u64; LIMBS];
        let rows = self.entries.chunks_exact(Self::ROW * Self::ENTRY);
        for (i, row) in rows.take(digits as usize).enumerate() {
            let start = i as u32 * W;
            let mut digit = window(exp, start, (exp_bits - start).min(W));
            select_row_entry(row, &self.one, digit, &mut entry);
            acc = modulus.mont_mul(&acc, &entry);
            digit.zeroize();
        }
        // Which branch is taken depends on the backend and the table only.
        let out = if self.corrections.is_empty() {
            modulus.leave_montgomery(&acc)
        } else {
            U3072::from_words(modulus.mont_mul(&acc, self.correction(modulus, digits)))
        };
        entry.zeroize();
        acc.zeroize();
        out
    }

    /// `2^(k * (r_bits - entries_r_bits)) mod n`: after `k` products by
    /// entries of the other radix, one more product by it leaves the
    /// accumulator's Montgomery form and undoes their offset at once.
    fn correction(&self, modulus: &Modulus, k: u32) -> &Limbs {
        self.corrections[k as usize].get_or_init(|| {
            let shift = i64::from(k)
                * (i64::from(modulus.backend.r_bits()) - i64::from(self.entries_r_bits));
            // 2^-1 mod n is (n + 1) / 2, as n is odd.
            let base = if shift >= 0 {
                U3072::from_u64(2)
            } else {
                let mut half = [0u64; LIMBS];
                for (i, h) in half.iter_mut().enumerate() {
                    *h = self.n[i] >> 1 | self.n.get(i + 1).map_or(0, |w| w << 63);
                }
                U3072::from_words(add_limbs(&half, &ONE).0)
            };
            *modulus
                .pow_vartime(&base, &[shift.unsigned_abs()])
                .as_words()
        })
    }
}

/// `entry` = the row's entry for `digit`, or `one` for digit 0, reading every
/// entry and keeping one by mask.
#[inline]
fn select_row_entry(row: &[u8], one: &Limbs, digit: u64, entry: &mut Limbs) {
    *entry = *one;
    for (d, candidate) in row.chunks_exact(8 * LIMBS).enumerate() {
        let hit = (d as u64 + 1).ct_eq(&digit);
        for (e, c) in entry.iter_mut().zip(candidate.chunks_exact(8)) {
            let c = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            e.conditional_assign(&c, hit);
        }
    }
}

/// `entry = table[digit]`, reading every entry and keeping one by mask.
#[inline]
fn select_entry(table: &[Limbs], digit: u64, entry: &mut Limbs) {
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
fn window(exp: &[u64], start: u32, width: u32) -> u64 {
    let mut digit = 0u64;
    for k in 0..width {
        let bit = start + k;
        digit |= ((exp[(bit / 64) as usize] >> (bit % 64)) & 1) << k;
    }
    digit
}

/// `x - n` when `carry:x >= n`, else `x`, by mask (for `carry:x < 2n`).
#[inline]
fn conditional_subtract(x: &Limbs, carry: u64, n: &Limbs) -> Limbs {
    let (diff, borrow) = sub_limbs(x, n);
    // Keep x only when it did not overflow and the subtraction borrowed.
    select(&diff, x, Choice::from((borrow & !carry & 1) as u8))
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

#[inline]
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

/// `if_one` when `choice` is set, else `if_zero`, through `subtle`.
#[inline]
fn select(if_zero: &Limbs, if_one: &Limbs, choice: Choice) -> Limbs {
    let mut out = *if_zero;
    for (o, c) in out.iter_mut().zip(if_one) {
        o.conditional_assign(c, choice);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3526's 3072-bit prime: any odd 3072-bit modulus would do.
    fn modulus(backend: Backend) -> Modulus {
        Modulus::with_backend(&U3072::from_be_hex(crate::prime::N_HEX), backend)
    }

    /// A table whose entries are in the Montgomery form of radix `2^t`, not
    /// the backend's: the case of a table shipped for R = 2^3072 used by a
    /// backend of another radix (IFMA's is 2^3120), which this CPU may not run.
    fn in_radix(m: &Modulus, table: &FixedBase, t: u32) -> FixedBase {
        // x * 2^r  ->  x * 2^r * 2^t / 2^r = x * 2^t.
        let to_t = *m
            .pow_vartime(&U3072::from_u64(2), &[u64::from(t)])
            .as_words();
        let mut bytes = Vec::new();
        for entry in table.entries.chunks_exact(8 * LIMBS) {
            let mut limbs = [0u64; LIMBS];
            for (l, c) in limbs.iter_mut().zip(entry.chunks_exact(8)) {
                *l = u64::from_le_bytes(c.try_into().unwrap());
            }
            bytes.extend(
                m.mont_mul(&limbs, &to_t)
                    .iter()
                    .flat_map(|l| l.to_le_bytes()),
            );
        }
        FixedBase::from_entries(m, Cow::Owned(bytes), t)
    }

    #[test]
    fn a_table_in_another_radix_gives_the_same_powers() {
        let base = U3072::from_u64(0x1234_5678_9abc_def1);
        let exps: [(&[u64], u32); 5] = [
            (&[0], 0),
            (&[1], 1),
            (&[0xdead_beef_0bad_f00d, 7, 0, 1 << 63], 256),
            (&[u64::MAX; 16], 1024),
            (&[0x5555_5555_5555_5555; 17], 1025),
        ];
        for backend in Backend::available() {
            let m = modulus(backend);
            let table = FixedBase::<5>::new(&m, &base, 1025);
            for t in [2816, 3024, 3072, 3120, 3200] {
                let other = in_radix(&m, &table, t);
                assert_eq!(other.corrections.is_empty(), t == backend.r_bits());
                for (exp, bits) in exps {
                    assert_eq!(
                        other.pow(&m, exp, bits),
                        m.pow(&base, exp, bits),
                        "{backend:?}, entries in radix 2^{t}, {bits} bits"
                    );
                }
            }
        }
    }
}
