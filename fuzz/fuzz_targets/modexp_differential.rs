//! The constant-time exponentiation, the variable-time one and the tables of
//! g (built at run time, and shipped in the binary) against `BigUint::modpow`.
#![no_main]

use std::sync::OnceLock;

use cognito_srp::hazmat::arith::{Backend, FixedBase, Modulus, U3072};
use cognito_srp::hazmat::group::{G, N, g_powers};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

/// Every backend this CPU runs (portable, and ADX and IFMA where present).
fn setups() -> &'static Vec<(Modulus, FixedBase, FixedBase)> {
    static SETUPS: OnceLock<Vec<(Modulus, FixedBase, FixedBase)>> = OnceLock::new();
    SETUPS.get_or_init(|| {
        Backend::available()
            .into_iter()
            .map(|backend| {
                let m = Modulus::with_backend(&N, backend);
                let t = FixedBase::new(&m, &G, 1024);
                let shipped = g_powers(&m);
                (m, t, shipped)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    // 2 bytes of width, 384 bytes of base, then the exponent (big-endian).
    if data.len() < 386 {
        return;
    }
    let bits = u32::from(u16::from_be_bytes([data[0], data[1]])) % 1200 + 1;
    let base_bytes = &data[2..386];
    let exp_bytes = &data[386..];
    let limbs_needed = (bits as usize).div_ceil(64);
    let mut exp = vec![0u64; limbs_needed];
    for (i, &b) in exp_bytes.iter().rev().enumerate().take(limbs_needed * 8) {
        exp[i / 8] |= u64::from(b) << (8 * (i % 8));
    }
    let mask_bits = bits as usize;
    let exp_big = {
        let le: Vec<u8> = exp.iter().flat_map(|w| w.to_le_bytes()).collect();
        BigUint::from_bytes_le(&le) % (BigUint::from(1u8) << mask_bits)
    };
    // pow_vartime reads every bit it is given: only the declared width's.
    let mut exp_masked = exp.clone();
    if bits % 64 != 0 {
        exp_masked[limbs_needed - 1] &= (1u64 << (bits % 64)) - 1;
    }
    let base = U3072::from_be_slice(base_bytes);
    let n = reference::n();
    let expected = BigUint::from_bytes_be(base_bytes).modpow(&exp_big, &n);
    let big = |x: U3072| {
        BigUint::from_bytes_le(
            &x.as_words()
                .iter()
                .flat_map(|w| w.to_le_bytes())
                .collect::<Vec<_>>(),
        )
    };
    for (modulus, g_table, shipped) in setups() {
        assert_eq!(
            big(modulus.pow(&base, &exp, bits)),
            expected,
            "{:?}",
            modulus.backend()
        );
        assert_eq!(
            big(modulus.pow_vartime(&base, &exp_masked)),
            expected,
            "pow_vartime, {:?}",
            modulus.backend()
        );
        if bits <= 1024 {
            let expected = BigUint::from(2u8).modpow(&exp_big, &n);
            assert_eq!(
                big(g_table.pow(modulus, &exp, bits)),
                expected,
                "{:?}",
                modulus.backend()
            );
            assert_eq!(
                big(shipped.pow(modulus, &exp, bits)),
                expected,
                "shipped table, {:?}",
                modulus.backend()
            );
        }
    }
});
