//! [`FixedBase`]: per-position window tables of one fixed base, and the
//! exponentiation that reads them.

use std::borrow::Cow;
use std::sync::OnceLock;

use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use super::limbs::{add_limbs, from_limbs, limbs_of, window};
use super::{Backend, LIMBS, Limbs, Modulus, ONE, U3072};

/// Bits per digit of a fixed-base table unless chosen otherwise: the fastest
/// width measured (`cargo bench --bench modexp -- fixed_base_window`, see
/// BENCHMARKS.md).
pub const FIXED_BASE_WINDOW: u32 = 5;

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
        let mut step = modulus.mont_mul(&limbs_of(&base), &modulus.r2);
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
            let one =
                *limbs_of(&modulus.pow_vartime(&U3072::from_u64(2), &[u64::from(entries_r_bits)]));
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
    #[cfg(all(test, feature = "precomputed-tables"))]
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
            from_limbs(modulus.mont_mul(&acc, self.correction(modulus, digits)))
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
                from_limbs(add_limbs(&half, &ONE).0)
            };
            *limbs_of(&modulus.pow_vartime(&base, &[shift.unsigned_abs()]))
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

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 3526's 3072-bit prime: any odd 3072-bit modulus would do.
    fn modulus(backend: Backend) -> Modulus {
        Modulus::with_backend(&U3072::from_be_hex(crate::prime::N_HEX), backend)
    }

    /// A table whose entries are in the Montgomery form of radix `2^t`, not
    /// the backend's: the case of a table shipped for R = 2^3072 used by a
    /// backend of another radix (IFMA's is 2^3120), which this CPU may not run.
    fn in_radix(m: &Modulus, table: &FixedBase, t: u32) -> FixedBase {
        // x * 2^r  ->  x * 2^r * 2^t / 2^r = x * 2^t.
        let to_t = *limbs_of(&m.pow_vartime(&U3072::from_u64(2), &[u64::from(t)]));
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
