//! Precomputes the table of powers of the group's generator g = 2 that
//! `group::g_powers` ships in the binary, so that no process pays for it at
//! run time (about 6 400 Montgomery products, 5-6 times a warm sign-in).
//!
//! Row `i` holds `g^(d * 32^i)` for `d = 1..32` (5-bit windows; digit 0 is one
//! and is not stored), 205 rows for the protocol's 1024-bit exponents, each
//! entry in Montgomery form with R = 2^3072 as 48 little-endian 64-bit limbs.
//! The products use the crate's own portable Montgomery multiplication; a
//! test compares every entry with the table the crate builds at run time.
//!
//! The script runs on the machine that builds, not the target: the bytes it
//! writes are the same whatever either's word size or byte order, as the
//! crate reads each limb back with `u64::from_le_bytes` (the test above runs
//! on big-endian s390x and on 32-bit targets too). Nothing is generated
//! without the `precomputed-tables` feature.

use std::{env, fs, path::PathBuf};

#[path = "src/prime.rs"]
mod prime;

#[path = "src/arith/portable.rs"]
#[allow(dead_code)]
mod portable;

use portable::Portable;

/// What `portable.rs` takes from its parent module (`src/arith/mod.rs`).
const LIMBS: usize = 48;
type Limbs = [u64; LIMBS];

#[allow(dead_code)]
trait MontgomeryBackend {
    fn mont_mul(p: &Params, a: &Limbs, b: &Limbs) -> Limbs;
    fn mont_sqr(p: &Params, a: &Limbs) -> Limbs;
}

/// The host's widening product (`portable.rs` calls it; the table does not
/// depend on how the host forms it).
fn mul_wide(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

struct Params {
    n: Limbs,
    n0_inv: u64,
}

/// `carry:x - n` when that is not negative, else `x` (public data: a branch is fine).
fn conditional_subtract(x: &Limbs, carry: u64, n: &Limbs) -> Limbs {
    let (diff, borrow) = sub(x, n);
    if borrow == 1 && carry == 0 { *x } else { diff }
}

fn sub(a: &Limbs, b: &Limbs) -> (Limbs, u64) {
    let mut out = [0u64; LIMBS];
    let mut borrow = 0u64;
    for i in 0..LIMBS {
        let (d1, b1) = a[i].overflowing_sub(b[i]);
        let (d2, b2) = d1.overflowing_sub(borrow);
        out[i] = d2;
        borrow = u64::from(b1 | b2);
    }
    (out, borrow)
}

/// The generator, as `src/group.rs` declares it.
const G: u64 = 2;
/// Window width and widest exponent, as `src/group.rs` declares them.
const WINDOW: u32 = 5;
const MAX_EXP_BITS: u32 = 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/prime.rs");
    println!("cargo:rerun-if-changed=src/arith/portable.rs");
    // Without the feature the crate ships no table (`src/group.rs`).
    if env::var_os("CARGO_FEATURE_PRECOMPUTED_TABLES").is_none() {
        return;
    }

    let hex = prime::N_HEX;
    let mut n = [0u64; LIMBS];
    for (i, limb) in n.iter_mut().enumerate() {
        let end = hex.len() - 16 * i;
        *limb = u64::from_str_radix(&hex[end - 16..end], 16).expect("N_HEX is hex");
    }
    let mut inv = 1u64;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
    }
    let params = Params {
        n,
        n0_inv: inv.wrapping_neg(),
    };
    // R mod n = 2^3072 - n, as 2^3071 < n < 2^3072; then g * R mod n by doublings.
    let mut step = sub(&[0; LIMBS], &n).0;
    for _ in 0..G.trailing_zeros() {
        let (mut sum, mut carry) = ([0u64; LIMBS], 0u64);
        for i in 0..LIMBS {
            let v = u128::from(step[i]) * 2 + u128::from(carry);
            sum[i] = v as u64;
            carry = (v >> 64) as u64;
        }
        step = conditional_subtract(&sum, carry, &n);
    }
    assert_eq!(G, 1 << G.trailing_zeros(), "g is a power of two");

    let rows = MAX_EXP_BITS.div_ceil(WINDOW) as usize;
    let per_row = (1usize << WINDOW) - 1;
    let mut out = Vec::with_capacity(rows * per_row * 8 * LIMBS);
    for _ in 0..rows {
        let mut power = step;
        for _ in 0..per_row {
            out.extend(power.iter().flat_map(|limb| limb.to_le_bytes()));
            power = Portable::mont_mul(&params, &power, &step);
        }
        // step^(2^WINDOW): the next row's step.
        step = power;
    }
    let path =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("g_powers.bin");
    fs::write(path, out).expect("OUT_DIR is writable");
}
