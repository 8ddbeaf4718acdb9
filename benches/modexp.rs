//! The three exponentiations of a sign-in, against num-bigint and OpenSSL's
//! constant-time path, on the same inputs:
//! - `g_a_1024`: `g^a`, a 1024-bit secret exponent on the fixed base g = 2;
//! - `g_x_256`: `g^x`, a 256-bit secret exponent on g;
//! - `var_1025`: `(B - k*g^x)^(a + u*x)`, a 1025-bit exponent on a variable base.
//!
//! `scripts/bench-table` turns the results into BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use cognito_srp::hazmat::arith::{Backend, FixedBase, Modulus, U3072};
use cognito_srp::hazmat::group::{G, N, N_HEX, g_powers};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use openssl::bn::{BigNum, BigNumContext};

/// Deterministic pseudo-random bytes (xorshift), so every run uses the same inputs.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn limbs(be: &[u8]) -> Vec<u64> {
    let mut out: Vec<u64> = be
        .rchunks(8)
        .map(|c| c.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
        .collect();
    out.resize(out.len().max(1), 0);
    out
}

struct Input {
    name: &'static str,
    base: Vec<u8>,
    exp: Vec<u8>,
    bits: u32,
    fixed: bool,
}

fn inputs() -> Vec<Input> {
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap();
    let var_base = (BigUint::from_bytes_be(&bytes(3, 384)) % &n).to_bytes_be();
    let mut exp_1025 = bytes(4, 129);
    exp_1025[0] = 1; // exactly 1025 bits, as a + u*x usually is
    vec![
        Input {
            name: "g_a_1024",
            base: vec![2],
            exp: bytes(1, 128),
            bits: 1024,
            fixed: true,
        },
        Input {
            name: "g_x_256",
            base: vec![2],
            exp: bytes(2, 32),
            bits: 256,
            fixed: true,
        },
        Input {
            name: "var_1025",
            base: var_base,
            exp: exp_1025,
            bits: 1025,
            fixed: false,
        },
    ]
}

fn modexp(c: &mut Criterion) {
    let mut group = c.benchmark_group("modexp");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let n_big = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap();
    let n_ssl = BigNum::from_hex_str(N_HEX).unwrap();
    let mut ctx = BigNumContext::new().unwrap();

    record_backends();
    for backend in Backend::available() {
        let modulus = Modulus::with_backend(&N, backend);
        // The table the crate uses: shipped in the binary.
        let g_table = g_powers(&modulus);
        let label = if backend == Backend::detect() {
            "crate".to_owned()
        } else {
            format!("crate-{backend:?}").to_lowercase()
        };
        for input in inputs() {
            let exp = limbs(&input.exp);
            let base = U3072::from_be_slice(&{
                let mut full = [0u8; 384];
                full[384 - input.base.len()..].copy_from_slice(&input.base);
                full
            });
            group.bench_function(format!("{label}/{}", input.name), |b| {
                if input.fixed {
                    b.iter(|| g_table.pow(&modulus, black_box(&exp), input.bits))
                } else {
                    b.iter(|| modulus.pow(black_box(&base), black_box(&exp), input.bits))
                }
            });
        }
        // The server's v^u: u is a hash of public values, so the variable-time
        // routine may be used; the constant-time one beside it for comparison.
        let v = U3072::from_be_slice(&bytes(5, 384));
        let u = limbs(&bytes(6, 32));
        group.bench_function(format!("{label}/v_u_256"), |b| {
            b.iter(|| modulus.pow(black_box(&v), black_box(&u), 256))
        });
        group.bench_function(format!("{label}/v_u_256_vartime"), |b| {
            b.iter(|| modulus.pow_vartime(black_box(&v), black_box(&u)))
        });
    }
    for input in inputs() {
        let (base, exp) = (
            BigUint::from_bytes_be(&input.base),
            BigUint::from_bytes_be(&input.exp),
        );
        group.bench_function(format!("num-bigint/{}", input.name), |b| {
            b.iter(|| black_box(&base).modpow(black_box(&exp), &n_big))
        });
        let base = BigNum::from_slice(&input.base).unwrap();
        let mut exp = BigNum::from_slice(&input.exp).unwrap();
        exp.set_const_time();
        let mut out = BigNum::new().unwrap();
        group.bench_function(format!("openssl/{}", input.name), |b| {
            b.iter(|| {
                out.mod_exp(black_box(&base), black_box(&exp), &n_ssl, &mut ctx)
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// The fixed-base variants for `g^a` (1024 bits) on the fastest backend: no
/// table (the variable-base `pow` on g), and per-position tables of 2- to
/// 6-bit windows. The crate uses the fastest, `FIXED_BASE_WINDOW`.
fn fixed_base_window(c: &mut Criterion) {
    let mut group = c.benchmark_group("fixed_base_window");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    let modulus = Modulus::new(&N);
    let exp = limbs(&bytes(1, 128));
    group.bench_function("no_table", |b| {
        b.iter(|| modulus.pow(black_box(&G), black_box(&exp), 1024))
    });
    fn window<const W: u32>(
        group: &mut BenchmarkGroup<'_, WallTime>,
        modulus: &Modulus,
        exp: &[u64],
    ) {
        let table = FixedBase::<W>::new(modulus, &G, 1024);
        group.bench_function(format!("w{W}"), |b| {
            b.iter(|| table.pow(modulus, black_box(exp), 1024))
        });
    }
    window::<2>(&mut group, &modulus, &exp);
    window::<3>(&mut group, &modulus, &exp);
    window::<4>(&mut group, &modulus, &exp);
    window::<5>(&mut group, &modulus, &exp);
    window::<6>(&mut group, &modulus, &exp);
    group.finish();
}

/// Which backend the rows labelled `crate` ran on, and which others this CPU
/// has, for `scripts/bench-table` to name the backend on every row.
fn record_backends() {
    let names = |b: Backend| format!("{b:?}");
    let record = format!(
        "{{\"detected\":\"{}\",\"available\":[{}]}}",
        names(Backend::detect()),
        Backend::available()
            .into_iter()
            .map(|b| format!("\"{}\"", names(b)))
            .collect::<Vec<_>>()
            .join(",")
    );
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
    let path = std::path::Path::new(&target).join("bench-backend.json");
    std::fs::write(path, record).unwrap();
}

criterion_group!(benches, modexp, fixed_base_window);
criterion_main!(benches);
