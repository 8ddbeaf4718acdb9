//! A dudect-style timing-leak test (Welch's t-test on two input classes).
//!
//! Each test times one operation on inputs of two classes, interleaved in a
//! random order: class 0 holds inputs that would expose a secret-dependent
//! running time (an exponent of Hamming weight one, a private ephemeral whose
//! value is small), class 1 random inputs of the same declared width. If the time
//! does not depend on the secret, the two classes' means agree and Welch's
//! |t| stays small; dudect's threshold for "leak" is |t| > 4.5. As in dudect,
//! t is also computed on the measurements below several percentiles (timing
//! noise is one-sided), and the largest |t| is reported.
//!
//! num-bigint's `modpow`, which is not constant time, runs the same test for
//! contrast and must fail it.
//!
//! `cargo bench --bench ct` runs everything with 100 000 measurements per
//! class; `CT_MEASUREMENTS=<n>` and `CT_TEST=<name>` change that.

use std::hint::black_box;
use std::time::Instant;

use cognito_srp::hazmat::arith::{Backend, Modulus, U3072};
use cognito_srp::hazmat::group::{N, N_HEX, g_powers};
use cognito_srp::hazmat::{UserSrpClientExt, UserSrpSignInExt};
use cognito_srp::{
    Password, PasswordVerifierChallenge, PoolId, SrpServer, StoredVerifier, Timestamp,
    UserSrpClient,
};
use num_bigint::BigUint;

/// splitmix64: a small, fast generator for inputs and class order.
struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("OS random");
        Rng(u64::from_le_bytes(seed))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn limbs(&mut self, n: usize) -> Vec<u64> {
        (0..n).map(|_| self.next()).collect()
    }
}

/// Welch's t between the two classes of `samples` (class, nanoseconds).
fn welch_t(samples: &[(usize, f64)]) -> f64 {
    let mut n = [0f64; 2];
    let mut sum = [0f64; 2];
    let mut sum_sq = [0f64; 2];
    for &(class, x) in samples {
        n[class] += 1.0;
        sum[class] += x;
        sum_sq[class] += x * x;
    }
    let mean = [sum[0] / n[0], sum[1] / n[1]];
    let var = [
        sum_sq[0] / n[0] - mean[0] * mean[0],
        sum_sq[1] / n[1] - mean[1] * mean[1],
    ];
    (mean[0] - mean[1]) / (var[0] / n[0] + var[1] / n[1]).sqrt()
}

struct Outcome {
    max_t: f64,
    per_crop: Vec<(f64, f64)>,
    means_us: [f64; 2],
}

/// Times `op` on `per_class` inputs of each class, interleaved at random.
fn measure<I>(
    per_class: usize,
    mut input: impl FnMut(usize, &mut Rng) -> I,
    mut op: impl FnMut(I),
) -> Outcome {
    let mut rng = Rng::seeded();
    let mut samples = Vec::with_capacity(2 * per_class);
    let mut left = [per_class, per_class];
    const BATCH: usize = 256;
    while left[0] + left[1] > 0 {
        // Prepare a batch of inputs in a random class order, then time them.
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH && left[0] + left[1] > 0 {
            let class = if left[0] == 0 {
                1
            } else if left[1] == 0 {
                0
            } else {
                (rng.next() & 1) as usize
            };
            left[class] -= 1;
            batch.push((class, input(class, &mut rng)));
        }
        for (class, i) in batch {
            let start = Instant::now();
            op(black_box(i));
            samples.push((class, start.elapsed().as_nanos() as f64));
        }
    }
    let mut sorted: Vec<f64> = samples.iter().map(|s| s.1).collect();
    sorted.sort_by(f64::total_cmp);
    let mut per_crop = Vec::new();
    for percentile in [100.0, 99.0, 95.0, 90.0, 75.0, 50.0] {
        let index = ((sorted.len() - 1) as f64 * percentile / 100.0) as usize;
        let limit = sorted[index];
        let kept: Vec<(usize, f64)> = samples.iter().copied().filter(|s| s.1 <= limit).collect();
        per_crop.push((percentile, welch_t(&kept)));
    }
    let max_t = per_crop.iter().map(|c| c.1.abs()).fold(0.0, f64::max);
    let mean = |c: usize| {
        let xs: Vec<f64> = samples.iter().filter(|s| s.0 == c).map(|s| s.1).collect();
        xs.iter().sum::<f64>() / xs.len() as f64 / 1e3
    };
    Outcome {
        max_t,
        per_crop,
        means_us: [mean(0), mean(1)],
    }
}

fn report(name: &str, per_class: usize, outcome: &Outcome, must_pass: bool) -> bool {
    let verdict = if outcome.max_t < 4.5 {
        "no leak detected"
    } else {
        "LEAK"
    };
    let crops: Vec<String> = outcome
        .per_crop
        .iter()
        .map(|(p, t)| format!("p{p}: {t:+.2}"))
        .collect();
    println!(
        "{name}: {per_class} measurements per class, means {:.1} / {:.1} us, max |t| = {:.2} ({verdict}) [{}]",
        outcome.means_us[0],
        outcome.means_us[1],
        outcome.max_t,
        crops.join(", ")
    );
    !must_pass || outcome.max_t < 4.5
}

fn low_weight(limbs: usize, bit: usize) -> Vec<u64> {
    let mut e = vec![0u64; limbs];
    e[bit / 64] = 1 << (bit % 64);
    e
}

fn main() {
    let per_class: usize = std::env::var("CT_MEASUREMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let only = std::env::var("CT_TEST").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing: run tiny then.
    let per_class = if std::env::args().any(|a| a == "--bench") {
        per_class
    } else {
        200
    };
    let mut all_pass = true;

    for backend in Backend::available() {
        let name = format!("var_1025 {backend:?}");
        if !wanted(&name) {
            continue;
        }
        let modulus = Modulus::with_backend(&N, backend);
        // Variable base, 1025-bit exponent: 2^1024 (weight one) vs random.
        let outcome = measure(
            per_class,
            |class, rng| {
                let base = U3072::from_words(rng.limbs(48).try_into().unwrap());
                let exp = if class == 0 {
                    low_weight(17, 1024)
                } else {
                    let mut e = rng.limbs(17);
                    e[16] = 1;
                    e
                };
                (base, exp)
            },
            |(base, exp)| {
                black_box(modulus.pow(&base, &exp, 1025));
            },
        );
        all_pass &= report(
            &format!("crate var_1025, {backend:?} backend (low weight vs random exponent)"),
            per_class,
            &outcome,
            true,
        );
    }
    for backend in Backend::available() {
        let name = format!("g_a_1024 {backend:?}");
        if !wanted(&name) {
            continue;
        }
        let modulus = Modulus::with_backend(&N, backend);
        // The table the crate uses, shipped in the binary.
        let g_table = g_powers(&modulus);
        // Fixed base g, 1024-bit exponent: 1 (weight one) vs random.
        let outcome = measure(
            per_class,
            |class, rng| {
                if class == 0 {
                    low_weight(16, 0)
                } else {
                    rng.limbs(16)
                }
            },
            |exp| {
                black_box(g_table.pow(&modulus, &exp, 1024));
            },
        );
        all_pass &= report(
            &format!("crate fixed-base g_a_1024, {backend:?} backend (exponent 1 vs random)"),
            per_class,
            &outcome,
            true,
        );
    }
    if wanted("password_verifier") {
        let pool = PoolId::parse("us-east-1_CtTest1").unwrap();
        let password = Password::new("correct horse battery staple");
        let stored = StoredVerifier::register_user(&pool, "user", &password).unwrap();
        let first = UserSrpClient::new(pool.clone()).start("user").unwrap();
        let session = SrpServer::new()
            .start_user(&pool, "user", &stored, first.srp_a())
            .unwrap();
        let challenge =
            PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
                .unwrap();
        let timestamp = Timestamp::parse("Sun Jun 1 12:00:00 UTC 2025").unwrap();
        let client = UserSrpClient::new(pool);
        let outcome = measure(
            per_class,
            |class, rng| {
                let mut a = [0u8; 128];
                if class == 0 {
                    // A short value (4096, weight one) in a full-length encoding.
                    // Not a = 1: then A = g^1 = 2 would be a 1-byte public value,
                    // and hashing pad(A) is faster for it than for a 384-byte A;
                    // that measures the length of a public value, not a leak of a.
                    a[126] = 0x10;
                } else {
                    for chunk in a.chunks_mut(8) {
                        chunk.copy_from_slice(&rng.next().to_be_bytes());
                    }
                }
                a
            },
            |a| {
                let started = client.start_with_private_ephemeral("user", &a).unwrap();
                black_box(
                    started
                        .respond_at(&challenge, &password, &timestamp)
                        .unwrap(),
                );
            },
        );
        all_pass &= report(
            &format!(
                "crate PASSWORD_VERIFIER response, {:?} backend (a = 4096 vs random a)",
                Backend::detect()
            ),
            per_class,
            &outcome,
            true,
        );
    }
    if wanted("num-bigint") {
        // The same test on num-bigint's modpow, which is not constant time.
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap();
        let contrast = (per_class / 20).max(200);
        let outcome = measure(
            contrast,
            |class, rng| {
                let base = BigUint::from_slice(
                    &rng.limbs(48)
                        .iter()
                        .flat_map(|w| [*w as u32, (*w >> 32) as u32])
                        .collect::<Vec<_>>(),
                ) % &n;
                let exp = if class == 0 {
                    BigUint::from(1u8) << 1024u32
                } else {
                    BigUint::from_slice(
                        &rng.limbs(17)
                            .iter()
                            .flat_map(|w| [*w as u32, (*w >> 32) as u32])
                            .collect::<Vec<_>>(),
                    ) % (BigUint::from(1u8) << 1025u32)
                };
                (base, exp)
            },
            |(base, exp)| {
                black_box(base.modpow(&exp, &n));
            },
        );
        report(
            "num-bigint modpow (contrast; expected to leak)",
            contrast,
            &outcome,
            false,
        );
    }
    if !all_pass {
        eprintln!("a constant-time test found a leak (|t| >= 4.5)");
        std::process::exit(1);
    }
}
