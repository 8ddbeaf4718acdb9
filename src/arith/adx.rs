//! Montgomery arithmetic with BMI2 `mulx` and ADX `adcx`/`adox`.
//!
//! Each row `t += x * y` (48 limbs of `y`) runs two carry chains at once: the
//! low halves of the products go into `t` through the carry flag (`adcx`),
//! the high halves one word up through the overflow flag (`adox`), and
//! `mulx` touches neither flag. The compiler does not emit these two
//! interleaved chains from Rust (it serialises every addition through the
//! carry flag); writing them out is the reason for the `unsafe` below.
//!
//! A product is computed in full (96 words) and then reduced (separated
//! operand scanning); a square computes each cross product `a_i * a_j`
//! (`i < j`) once, doubles the sum and adds the squares `a_i^2`, then reduces
//! the same way. Every row is fully unrolled with fixed offsets, every loop
//! count is fixed: no branch, address or loop count depends on a value. The
//! final subtraction of `n` is by mask (`subtle`), as in the other backends.
#![allow(unsafe_code)]

use core::arch::asm;

use super::{LIMBS, Limbs, MontgomeryBackend, Params, conditional_subtract};

/// A double-width product, little-endian.
type Wide = [u64; 2 * LIMBS];

/// Whether this CPU has BMI2 (`mulx`) and ADX (`adcx`, `adox`); the standard
/// library caches the answer.
pub(super) fn supported() -> bool {
    std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx")
}

/// The `mulx`/`adcx`/`adox` backend.
pub(super) struct Adx;

impl MontgomeryBackend for Adx {
    #[inline]
    fn mont_mul(p: &Params, a: &Limbs, b: &Limbs) -> Limbs {
        assert!(supported(), "the ADX backend needs BMI2 and ADX");
        let mut t = [0u64; 2 * LIMBS];
        // SAFETY: the CPU has BMI2 and ADX (checked above).
        unsafe {
            mul_wide(&mut t, a, b);
            redc(p, &mut t)
        }
    }

    #[inline]
    fn mont_sqr(p: &Params, a: &Limbs) -> Limbs {
        assert!(supported(), "the ADX backend needs BMI2 and ADX");
        let mut t = [0u64; 2 * LIMBS];
        // SAFETY: as in `mont_mul`.
        unsafe {
            sqr_wide(&mut t, a);
            redc(p, &mut t)
        }
    }
}

/// One step of a row: `mulx` the multiplier in `rdx` by the word of `$y` at
/// offset `$j`; the low half joins the word of `t` at `$j` on the carry-flag
/// chain, the previous step's high half (`$prev`) on the overflow-flag chain,
/// and this step's high half waits in `$high` for the next word.
macro_rules! step {
    ($y:literal, $prev:literal, $high:literal, $j:literal) => {
        concat!(
            "mulx ",
            $high,
            ", r10, qword ptr [",
            $y,
            " + ",
            $j,
            "]\n",
            "adcx r10, qword ptr [{t} + ",
            $j,
            "]\n",
            "adox r10, ",
            $prev,
            "\n",
            "mov qword ptr [{t} + ",
            $j,
            "], r10\n",
        )
    };
}

/// The steps of a row at offsets `$j...`, the high halves alternating between
/// r9 and r11; afterwards both chains' carries join the last high half, and
/// the row's carry word is left in r8.
macro_rules! steps {
    ($y:literal; $prev:literal, $high:literal;) => {
        concat!(
            "mov r10d, 0\n",
            "adcx ", $prev, ", r10\n",
            "adox ", $prev, ", r10\n",
            "mov r8, ", $prev, "\n",
        )
    };
    ($y:literal; $prev:literal, $high:literal; $j:literal $($rest:literal)*) => {
        concat!(
            step!($y, $prev, $high, $j),
            steps!($y; $high, $prev; $($rest)*)
        )
    };
}

/// A row `t[j] += rdx * y[j]` for every offset `$j...`, starting with both
/// flags clear and no high half pending; the carry word ends in r8.
macro_rules! row {
    ($y:literal; $($j:literal)*) => {
        concat!("xor r9d, r9d\n", steps!($y; "r9", "r11"; $($j)*))
    };
}

/// A full row over the 48 words of `$y`.
macro_rules! full_row {
    ($y:literal) => {
        row!($y; 0 8 16 24 32 40 48 56 64 72 80 88 96 104 112 120 128 136 144 152 160 168 176 184
            192 200 208 216 224 232 240 248 256 264 272 280 288 296 304 312 320 328 336 344 352
            360 368 376)
    };
}

/// The cross products of a square, one row per `a_i` (offset `$i`) over the
/// `a_j` with `j > i` (offsets `$j...`). `{t}` points at word `i` of the
/// result, so `a_i * a_j` lands at `{t} + 8j`, and the row's carry word at
/// word `i + 48`, not yet written by any row.
macro_rules! cross {
    ($i:literal) => { "" };
    ($i:literal $($j:literal)+) => {
        concat!(
            "mov rdx, qword ptr [{a} + ", $i, "]\n",
            row!("{a}"; $($j)+),
            "mov qword ptr [{t} + 384], r8\n",
            "lea {t}, [{t} + 8]\n",
            cross!($($j)+)
        )
    };
}

/// Words `2i` and `2i + 1` of `2 * t + a_i^2`: the doubling on the carry-flag
/// chain, the square on the overflow-flag chain.
macro_rules! diagonal {
    ($($i:literal)*) => {
        concat!($(
            "mov rdx, qword ptr [{a} + ", $i, "]\n",
            "mulx r11, r10, rdx\n",
            "mov r8, qword ptr [{t} + 2 * ", $i, "]\n",
            "adcx r8, r8\n",
            "adox r8, r10\n",
            "mov qword ptr [{t} + 2 * ", $i, "], r8\n",
            "mov r9, qword ptr [{t} + 2 * ", $i, " + 8]\n",
            "adcx r9, r9\n",
            "adox r9, r11\n",
            "mov qword ptr [{t} + 2 * ", $i, " + 8], r9\n",
        )*)
    };
}

/// `t = a * b` (`t` zero on entry).
///
/// # Safety
/// The CPU must have BMI2 and ADX.
unsafe fn mul_wide(t: &mut Wide, a: &Limbs, b: &Limbs) {
    // SAFETY: per the contract; row i reads a[i], b[0..48] and adds into
    // t[i..i + 48], storing its carry word at t[i + 48] (i < 48).
    unsafe {
        asm!(
            "2:",
            "mov rdx, qword ptr [{a}]",
            "lea {a}, [{a} + 8]",
            full_row!("{b}"),
            "mov qword ptr [{t} + 384], r8",
            "lea {t}, [{t} + 8]",
            "dec {count}",
            "jnz 2b",
            a = inout(reg) a.as_ptr() => _,
            b = in(reg) b.as_ptr(),
            t = inout(reg) t.as_mut_ptr() => _,
            count = inout(reg) LIMBS => _,
            out("rdx") _, out("r8") _, out("r9") _, out("r10") _, out("r11") _,
            options(nostack),
        );
    }
}

/// `t = a * a` (`t` zero on entry).
///
/// # Safety
/// The CPU must have BMI2 and ADX.
unsafe fn sqr_wide(t: &mut Wide, a: &Limbs) {
    // SAFETY: per the contract; the cross rows add into t[1..95] and the
    // diagonal pass rewrites t[0..96], all within the array.
    unsafe {
        asm!(
            cross!(0 8 16 24 32 40 48 56 64 72 80 88 96 104 112 120 128 136 144 152 160 168 176
                184 192 200 208 216 224 232 240 248 256 264 272 280 288 296 304 312 320 328 336
                344 352 360 368 376),
            // Back to word 0 after the 47 rows.
            "sub {t}, 376",
            // Clears both flags for the two chains.
            "xor r8d, r8d",
            diagonal!(0 8 16 24 32 40 48 56 64 72 80 88 96 104 112 120 128 136 144 152 160 168 176
                184 192 200 208 216 224 232 240 248 256 264 272 280 288 296 304 312 320 328 336
                344 352 360 368 376),
            a = in(reg) a.as_ptr(),
            t = inout(reg) t.as_mut_ptr() => _,
            out("rdx") _, out("r8") _, out("r9") _, out("r10") _, out("r11") _,
            options(nostack),
        );
    }
}

/// Montgomery reduction of `t < n * R`: `t / R mod n`, fully reduced.
///
/// # Safety
/// The CPU must have BMI2 and ADX.
#[inline]
unsafe fn redc(p: &Params, t: &mut Wide) -> Limbs {
    let top: u64;
    // SAFETY: per the contract; row i reads
    // n[0..48] and t[i..i + 49] and writes t[i..i + 49], i < 48.
    unsafe {
        asm!(
            "xor {top:e}, {top:e}",
            "2:",
            // m = t[i] * (-n^-1) mod 2^64 makes word i of t + m * n zero.
            "mov rdx, qword ptr [{t}]",
            "imul rdx, {n0_inv}",
            full_row!("{n}"),
            // Word i + 48 takes the row's carry word and the bit owed by the
            // previous row; what overflows is owed to word i + 49.
            "xor r10d, r10d",
            "add r8, qword ptr [{t} + 384]",
            "adc r10, 0",
            "add r8, {top}",
            "adc r10, 0",
            "mov qword ptr [{t} + 384], r8",
            "mov {top}, r10",
            "lea {t}, [{t} + 8]",
            "dec {count}",
            "jnz 2b",
            n = in(reg) p.n.as_ptr(),
            n0_inv = in(reg) p.n0_inv,
            t = inout(reg) t.as_mut_ptr() => _,
            top = out(reg) top,
            count = inout(reg) LIMBS => _,
            out("rdx") _, out("r8") _, out("r9") _, out("r10") _, out("r11") _,
            options(nostack),
        );
    }
    let mut r = [0u64; LIMBS];
    r.copy_from_slice(&t[LIMBS..]);
    conditional_subtract(&r, top, &p.n)
}

#[cfg(test)]
mod tests {
    use super::super::portable::Portable;
    use super::super::{Backend, Modulus};
    use super::*;
    use crate::group::N;

    /// Values whose carries run across every limb, and the extremes below n.
    fn edge_values(n: &Limbs) -> Vec<Limbs> {
        let mut out = Vec::new();
        let n_minus = |k: u64| {
            let mut v = *n;
            v[0] -= k; // n is odd and its low limb is all ones: no borrow
            v
        };
        out.push(n_minus(1));
        out.push(n_minus(2));
        out.push([0; LIMBS]);
        let mut one = [0; LIMBS];
        one[0] = 1;
        out.push(one);
        // 2^(64k) - 1: all-ones low limbs, so sums carry across all of them.
        for k in [1, 2, 24, 47] {
            let mut v = [0; LIMBS];
            v[..k].fill(u64::MAX);
            out.push(v);
        }
        // Every limb all ones but the top one, which keeps the value below n.
        let mut v = [u64::MAX; LIMBS];
        v[LIMBS - 1] = n[LIMBS - 1] - 1;
        out.push(v);
        // Alternating all-ones and zero limbs.
        out.push(core::array::from_fn(
            |i| if i % 2 == 0 { u64::MAX } else { 0 },
        ));
        out
    }

    fn random_values(count: usize, n: &Limbs) -> Vec<Limbs> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..count)
            .map(|_| {
                let mut v: Limbs = core::array::from_fn(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state
                });
                v[LIMBS - 1] %= n[LIMBS - 1]; // below n
                v
            })
            .collect()
    }

    /// The assembly against the portable backend (itself checked against
    /// num-bigint in tests/modexp.rs), on raw limb patterns the public API
    /// only reaches through Montgomery form.
    #[test]
    fn products_and_squares_equal_the_portable_backend() {
        if !supported() {
            return;
        }
        let modulus = Modulus::with_backend(&N, Backend::Adx);
        let p = &modulus.params;
        let mut values = edge_values(&p.n);
        values.extend(random_values(40, &p.n));
        for a in &values {
            assert_eq!(
                Adx::mont_sqr(p, a),
                Portable::mont_sqr(p, a),
                "square of {a:x?}"
            );
            for b in &values {
                assert_eq!(
                    Adx::mont_mul(p, a, b),
                    Portable::mont_mul(p, a, b),
                    "{a:x?} * {b:x?}"
                );
            }
        }
    }
}
