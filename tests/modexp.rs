//! The constant-time arithmetic against num-bigint, the oracle.
//!
//! `Modulus::pow`, `Modulus::pow_vartime` and `FixedBase::pow` must equal `BigUint::modpow` for random
//! bases and exponents of the widths the protocol uses (256, 1024, 1025 bits)
//! and of random widths, and for the edge values: base 0, 1, N-1; exponent 0,
//! 1 and all ones of the width. Every backend the arithmetic has is checked.

use cognito_srp::hazmat::arith::{Backend, FixedBase, Modulus, U3072};
use cognito_srp::hazmat::group::{G, N, g_powers};
use num_bigint::BigUint;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
// Under WebAssembly the tests run in Node through wasm-bindgen-test.
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// `default` cases per property, or `PROPTEST_CASES` when set, as proptest
/// reads it (`scripts/cross` runs fewer under emulation); WebAssembly has no
/// environment, so there the value given when the tests were built counts.
fn cases(default: u32) -> u32 {
    #[cfg(not(target_family = "wasm"))]
    let given = std::env::var("PROPTEST_CASES").ok();
    #[cfg(target_family = "wasm")]
    let given = option_env!("PROPTEST_CASES").map(String::from);
    given.and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn big(n: &U3072) -> BigUint {
    BigUint::from_bytes_le(
        &n.as_words()
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
}

fn from_big(n: &BigUint) -> U3072 {
    let mut bytes = n.to_bytes_le();
    bytes.resize(384, 0);
    U3072::from_le_slice(&bytes)
}

/// Little-endian limbs of `e`, at least `limbs` of them.
fn limbs_of(e: &BigUint, limbs: usize) -> Vec<u64> {
    let mut out: Vec<u64> = e.iter_u64_digits().collect();
    out.resize(limbs.max(out.len()), 0);
    out
}

fn n_big() -> BigUint {
    big(&N)
}

struct Setup {
    modulus: Modulus,
    g_table: FixedBase,
    /// The table of g the crate ships in the binary (up to 1025 bits).
    shipped: FixedBase,
}

fn setups() -> Vec<(Backend, Setup)> {
    Backend::available()
        .into_iter()
        .map(|backend| {
            let modulus = Modulus::with_backend(&N, backend);
            let g_table = FixedBase::new(&modulus, &G, 1025);
            let shipped = g_powers(&modulus);
            (
                backend,
                Setup {
                    modulus,
                    g_table,
                    shipped,
                },
            )
        })
        .collect()
}

thread_local! {
    static SETUPS: Vec<(Backend, Setup)> = setups();
}

fn check_pow(base: &BigUint, exp: &BigUint, bits: u32) -> Result<(), TestCaseError> {
    let n = n_big();
    let expected = base.modpow(exp, &n);
    let limbs = limbs_of(exp, (bits as usize).div_ceil(64));
    SETUPS.with(|setups| {
        for (backend, setup) in setups {
            let got = setup.modulus.pow(&from_big(base), &limbs, bits);
            prop_assert_eq!(
                big(&got),
                expected.clone(),
                "pow, backend {:?}, {} bits",
                backend,
                bits
            );
            let vartime = setup.modulus.pow_vartime(&from_big(base), &limbs);
            prop_assert_eq!(
                vartime,
                got,
                "pow_vartime against pow, backend {:?}, {} bits",
                backend,
                bits
            );
            if *base == BigUint::from(2u8) && bits <= setup.g_table.max_exp_bits() {
                let got = setup.g_table.pow(&setup.modulus, &limbs, bits);
                prop_assert_eq!(
                    big(&got),
                    expected.clone(),
                    "fixed base, backend {:?}, {} bits",
                    backend,
                    bits
                );
            }
        }
        Ok(())
    })
}

fn check_fixed_base(exp: &BigUint, bits: u32) -> Result<(), TestCaseError> {
    let expected = BigUint::from(2u8).modpow(exp, &n_big());
    let limbs = limbs_of(exp, (bits as usize).div_ceil(64));
    SETUPS.with(|setups| {
        for (backend, setup) in setups {
            let got = setup.g_table.pow(&setup.modulus, &limbs, bits);
            prop_assert_eq!(
                big(&got),
                expected.clone(),
                "fixed base, backend {:?}, {} bits",
                backend,
                bits
            );
            let shipped = setup.shipped.pow(&setup.modulus, &limbs, bits);
            prop_assert_eq!(
                shipped,
                got,
                "shipped table of g, backend {:?}, {} bits",
                backend,
                bits
            );
        }
        Ok(())
    })
}

/// A uniformly random value below 2^bits.
fn below_pow2(bits: u32) -> impl Strategy<Value = BigUint> {
    proptest::collection::vec(any::<u8>(), (bits as usize).div_ceil(8)).prop_map(move |bytes| {
        let v = BigUint::from_bytes_be(&bytes);
        v % (BigUint::from(1u8) << bits)
    })
}

fn base() -> impl Strategy<Value = BigUint> {
    below_pow2(3072).prop_map(|b| b % n_big())
}

fn width() -> impl Strategy<Value = u32> {
    prop_oneof![Just(256u32), Just(1024u32), Just(1025u32), 1u32..=1100]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1000), ..ProptestConfig::default() })]

    /// 1000 random bases and exponents of the protocol's widths and random widths.
    #[test]
    fn pow_equals_num_bigint(base in base(), (bits, exp) in width().prop_flat_map(|w| (Just(w), below_pow2(w)))) {
        check_pow(&base, &exp, bits)?;
    }

    /// 1000 random exponents on the fixed base g = 2.
    #[test]
    fn fixed_base_pow_equals_num_bigint((bits, exp) in width().prop_flat_map(|w| (Just(w.min(1025)), below_pow2(w.min(1025))))) {
        check_fixed_base(&exp, bits)?;
    }
}

/// An exponent of up to `bits` bits with long runs of zeros and of ones,
/// which the sliding windows of `pow_vartime` treat specially.
fn sparse_below_pow2(bits: u32) -> impl Strategy<Value = BigUint> {
    proptest::collection::vec((0..bits, 1u32..40), 0..12).prop_map(move |runs| {
        let mut v = BigUint::from(0u8);
        for (start, len) in runs {
            for bit in start..(start + len).min(bits) {
                v.set_bit(u64::from(bit), true);
            }
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    /// The variable-time exponentiation on sparse exponents: equal to the
    /// constant-time one and to num-bigint, on every backend.
    #[test]
    fn pow_vartime_on_sparse_exponents_equals_pow(base in base(), (bits, exp) in width().prop_flat_map(|w| (Just(w), sparse_below_pow2(w)))) {
        check_pow(&base, &exp, bits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    #[test]
    fn mul_add_sub_reduce_equal_num_bigint(a in base(), b in base(), wide in below_pow2(3072)) {
        let n = n_big();
        SETUPS.with(|setups| {
            for (backend, setup) in setups {
                let m = &setup.modulus;
                let (x, y) = (from_big(&a), from_big(&b));
                prop_assert_eq!(big(&m.mul(&x, &y)), (&a * &b) % &n, "mul, {:?}", backend);
                prop_assert_eq!(big(&m.add(&x, &y)), (&a + &b) % &n, "add, {:?}", backend);
                prop_assert_eq!(big(&m.sub(&x, &y)), (&a + &n - &b) % &n, "sub, {:?}", backend);
                prop_assert_eq!(big(&m.reduce(&from_big(&wide))), &wide % &n, "reduce, {:?}", backend);
            }
            Ok(())
        })?;
    }
}

#[test]
fn edge_values() {
    let n = n_big();
    let one = BigUint::from(1u8);
    let bases = [
        BigUint::from(0u8),
        one.clone(),
        BigUint::from(2u8),
        &n - &one,
    ];
    for bits in [1u32, 64, 255, 256, 1024, 1025, 1088] {
        let all_ones = (&one << bits) - &one;
        for exp in [BigUint::from(0u8), one.clone(), all_ones] {
            for base in &bases {
                check_pow(base, &exp, bits).unwrap();
            }
            if bits <= 1025 {
                check_fixed_base(&exp, bits).unwrap();
            }
        }
    }
}

#[test]
fn bases_at_or_above_n_are_reduced_first() {
    let n = n_big();
    let max = (BigUint::from(1u8) << 3072u32) - 1u8;
    for base in [n.clone(), &n + 1u8, max] {
        check_pow(&base, &BigUint::from(65537u32), 17).unwrap();
    }
}

/// `FixedBase::<W>` against num-bigint for one window width, on every backend.
fn check_window<const W: u32>(exps: &[(BigUint, u32)]) {
    let n = n_big();
    for backend in Backend::available() {
        let modulus = Modulus::with_backend(&N, backend);
        let table = FixedBase::<W>::new(&modulus, &G, 1025);
        assert!(table.max_exp_bits() >= 1025);
        for (exp, bits) in exps {
            let limbs = limbs_of(exp, (*bits as usize).div_ceil(64));
            assert_eq!(
                big(&table.pow(&modulus, &limbs, *bits)),
                BigUint::from(2u8).modpow(exp, &n),
                "window {W}, backend {backend:?}, {bits} bits"
            );
        }
    }
}

/// Every window width the benchmarks measure gives the same answers as the default.
#[test]
fn every_fixed_base_window_equals_num_bigint() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut exps = Vec::new();
    for bits in [1u32, 7, 255, 256, 1023, 1024, 1025] {
        let all_ones = (BigUint::from(1u8) << bits) - 1u8;
        exps.push((all_ones, bits));
        let random = below_pow2(bits).new_tree(&mut runner).unwrap().current();
        exps.push((random, bits));
    }
    exps.push((BigUint::from(0u8), 1024));
    check_window::<1>(&exps);
    check_window::<2>(&exps);
    check_window::<3>(&exps);
    check_window::<4>(&exps);
    check_window::<6>(&exps);
    check_window::<8>(&exps);
}

#[test]
fn the_portable_backend_is_always_available_and_tested() {
    assert!(Backend::available().contains(&Backend::Portable));
}

/// A CPU with `mulx` and `adcx`/`adox` runs the tests above on that backend too.
#[test]
#[cfg(target_arch = "x86_64")]
fn the_adx_backend_is_tested_where_the_cpu_has_it() {
    if std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx") {
        assert!(Backend::available().contains(&Backend::Adx));
        if !std::arch::is_x86_feature_detected!("avx512ifma") {
            assert_eq!(Backend::detect(), Backend::Adx);
        }
    }
}

/// Products of values whose additions carry across every limb: 0, 1, n-1,
/// n-2, 2^(64k)-1, all limbs all ones (reduced), alternating all-ones limbs.
#[test]
fn mul_of_edge_values_equals_num_bigint() {
    let n = n_big();
    let one = BigUint::from(1u8);
    let mut values = vec![
        BigUint::from(0u8),
        one.clone(),
        &n - &one,
        &n - 2u8,
        ((&one << 3072u32) - &one) % &n,
    ];
    for k in [1u32, 2, 24, 47] {
        values.push((&one << (64 * k)) - &one);
    }
    let alternating = (0..48u32)
        .filter(|i| i % 2 == 0)
        .fold(BigUint::from(0u8), |acc, i| {
            acc + (((&one << 64u32) - &one) << (64 * i))
        });
    values.push(alternating % &n);
    SETUPS.with(|setups| {
        for (backend, setup) in setups {
            for a in &values {
                for b in &values {
                    assert_eq!(
                        big(&setup.modulus.mul(&from_big(a), &from_big(b))),
                        (a * b) % &n,
                        "{backend:?}"
                    );
                }
            }
        }
    });
    // Squarings, by the exponentiation: a^2 and a^(2^10).
    for a in &values {
        check_pow(a, &BigUint::from(2u8), 2).unwrap();
        check_pow(a, &(&one << 10u32), 11).unwrap();
    }
}
