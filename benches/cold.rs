//! Cold start as a process sees it: every sample is a fresh child process.
//!
//! A child times its first sign-in (everything the process has not done yet
//! included: the group's Montgomery context, the table of powers of g, the
//! first touch of its pages), then five more, and prints both. The parent runs
//! `COLD_CHILDREN` children (default 30) per case and reports the medians:
//! - `sign_in`: the client's whole sign-in through the public API (`SRP_A`,
//!   then the `PASSWORD_VERIFIER` response), on the backend the crate detects;
//! - `math/<backend>`: the sign-in's three exponentiations (`g^a`, `g^x`,
//!   `(B - k g^x)^(a + u x)`) on each backend this CPU runs, context and
//!   table of g included in the first.
//!
//! For comparison, in the same run: what building the table of g at run time
//! (the crate's previous design) costs, and OpenSSL's three constant-time
//! exponentiations (warm, in the parent).
//!
//! `cargo bench --bench cold`; not a criterion bench, as criterion's samples
//! all run in one process.

use std::collections::HashMap;
use std::env;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use cognito_srp::hazmat::UserSrpSignInExt;
use cognito_srp::hazmat::arith::{Backend, FixedBase, Modulus, U3072};
use cognito_srp::hazmat::group::{G, N, N_HEX, g_powers};
use cognito_srp::{
    Password, PasswordVerifierChallenge, PoolId, SrpServer, StoredVerifier, Timestamp,
    UserSrpClient,
};
use openssl::bn::{BigNum, BigNumContext};

const USER: &str = "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c";
const PASSWORD: &str = "correct horse battery staple";
/// Sign-ins after the first, in each child (`COLD_WARM_RUNS` changes it, e.g.
/// to 0 and 1 under `valgrind --tool=callgrind` to count instructions).
fn warm_runs() -> usize {
    env::var("COLD_WARM_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
}

fn pool() -> PoolId {
    PoolId::parse("us-east-1_BenchPool1").unwrap()
}

/// Deterministic pseudo-random limbs (xorshift).
fn limbs(seed: u64, n: usize) -> Vec<u64> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
        .collect()
}

/// The three exponentiations of a sign-in on `backend`, context and table
/// from scratch the first time (`cold`), reused after.
struct Math {
    backend: Backend,
    ready: Option<(Modulus, FixedBase)>,
}

impl Math {
    fn run(&mut self) {
        let backend = self.backend;
        let (modulus, g) = self.ready.get_or_insert_with(|| {
            let modulus = Modulus::with_backend(&N, backend);
            let g = g_powers(&modulus);
            (modulus, g)
        });
        let a = limbs(1, 16);
        let x = limbs(2, 4);
        let mut e = limbs(4, 17);
        e[16] &= 1;
        let base = modulus.reduce(&U3072::from_words(limbs(3, 48).try_into().unwrap()));
        black_box(g.pow(modulus, black_box(&a), 1024));
        black_box(g.pow(modulus, black_box(&x), 256));
        black_box(modulus.pow(black_box(&base), black_box(&e), 1025));
    }
}

fn child(case: &str) {
    let mut times = Vec::new();
    if case == "sign_in" {
        let params: HashMap<String, String> =
            serde_json::from_str(&env::var("COLD_CHALLENGE").unwrap()).unwrap();
        let challenge = PasswordVerifierChallenge::from_challenge_parameters(&params).unwrap();
        let client = UserSrpClient::new(pool());
        let password = Password::new(PASSWORD);
        let now = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
        let timestamp = Timestamp::from_datetime(now).unwrap();
        for _ in 0..=warm_runs() {
            let start = Instant::now();
            let started = client.start(USER).unwrap();
            black_box(
                started
                    .respond_at(&challenge, &password, &timestamp)
                    .unwrap(),
            );
            times.push(start.elapsed());
        }
    } else if case == "runtime_table" {
        // The previous design's first-use cost: building the table of g.
        let modulus = Modulus::new(&N);
        let start = Instant::now();
        black_box(FixedBase::<5>::new(&modulus, &G, 1024));
        times.push(start.elapsed());
        times.push(start.elapsed());
    } else {
        let backend = *Backend::available()
            .iter()
            .find(|b| case == format!("math/{b:?}").to_lowercase())
            .unwrap();
        let mut math = Math {
            backend,
            ready: None,
        };
        for _ in 0..=warm_runs() {
            let start = Instant::now();
            math.run();
            times.push(start.elapsed());
        }
    }
    let mut warm = times[1..].to_vec();
    warm.sort();
    let warm = warm.get(warm.len() / 2).copied().unwrap_or_default();
    println!("{} {}", times[0].as_nanos(), warm.as_nanos());
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    if let Ok(case) = env::var("COLD_CASE") {
        child(&case);
        return;
    }
    // `cargo bench` passes `--bench`; a name filter is not supported.
    let children: usize = env::var("COLD_CHILDREN")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);

    // A real server's challenge, made once in the parent.
    let stored = StoredVerifier::register_user(&pool(), USER, &Password::new(PASSWORD)).unwrap();
    let srp_a = UserSrpClient::new(pool())
        .start(USER)
        .unwrap()
        .srp_a()
        .to_owned();
    let session = SrpServer::new()
        .start_user(&pool(), USER, &stored, &srp_a)
        .unwrap();
    let challenge = serde_json::to_string(&session.challenge_parameters()).unwrap();
    if env::var_os("COLD_PRINT_CHALLENGE").is_some() {
        // For running a child by hand (under valgrind, say) with COLD_CHALLENGE.
        println!("{challenge}");
        return;
    }

    let mut cases = vec!["sign_in".to_owned()];
    cases.extend(
        Backend::available()
            .iter()
            .map(|b| format!("math/{b:?}").to_lowercase()),
    );
    cases.push("runtime_table".to_owned());
    let exe = env::current_exe().unwrap();
    println!(
        "cold start: {children} child processes per case; first = the process's first call, warm = median of the next {}",
        warm_runs()
    );
    println!("backend detected: {:?}", Backend::detect());
    let mut report = Vec::new();
    let mut runtime_table_ms = 0.0;
    for case in &cases {
        let (mut first, mut warm) = (Vec::new(), Vec::new());
        for _ in 0..children {
            let out = Command::new(&exe)
                .env("COLD_CASE", case)
                .env("COLD_CHALLENGE", &challenge)
                .output()
                .unwrap();
            assert!(out.status.success(), "child failed: {out:?}");
            let line = String::from_utf8(out.stdout).unwrap();
            let mut fields = line.split_whitespace().map(|f| f.parse::<u64>().unwrap());
            first.push(Duration::from_nanos(fields.next().unwrap()));
            warm.push(Duration::from_nanos(fields.next().unwrap()));
        }
        let (first, warm) = (median(first), median(warm));
        if case == "runtime_table" {
            runtime_table_ms = first.as_secs_f64() * 1e3;
            println!(
                "cold/{case}: building the table of g at run time: {}",
                ms(first)
            );
        } else {
            report.push(serde_json::json!({
                "name": case,
                "first_ms": first.as_secs_f64() * 1e3,
                "warm_ms": warm.as_secs_f64() * 1e3,
            }));
            println!(
                "cold/{case}: first {} warm {} ratio {:.2}x",
                ms(first),
                ms(warm),
                first.as_secs_f64() / warm.as_secs_f64()
            );
        }
    }

    // OpenSSL's three constant-time exponentiations, warm, for reference.
    let n = BigNum::from_hex_str(N_HEX).unwrap();
    let mut ctx = BigNumContext::new().unwrap();
    let be = |l: &[u64]| -> Vec<u8> { l.iter().rev().flat_map(|w| w.to_be_bytes()).collect() };
    let two = BigNum::from_u32(2).unwrap();
    let base = BigNum::from_slice(&be(&limbs(3, 48))).unwrap();
    let mut exps = Vec::new();
    for (seed, len) in [(1, 16), (2, 4), (4, 17)] {
        let mut l = limbs(seed, len);
        if len == 17 {
            l[16] &= 1; // 1025 bits, as in `Math`
        }
        let mut e = BigNum::from_slice(&be(&l)).unwrap();
        e.set_const_time();
        exps.push(e);
    }
    let mut out = BigNum::new().unwrap();
    let mut samples = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        out.mod_exp(&two, &exps[0], &n, &mut ctx).unwrap();
        out.mod_exp(&two, &exps[1], &n, &mut ctx).unwrap();
        out.mod_exp(&base, &exps[2], &n, &mut ctx).unwrap();
        samples.push(start.elapsed());
    }
    let openssl = median(samples);
    println!(
        "openssl three constant-time exponentiations (warm, median of 20): {}",
        ms(openssl)
    );
    // For scripts/bench-table.
    let modulus = Modulus::new(&N);
    let summary = serde_json::json!({
        "children": children,
        "cases": report,
        "runtime_table_ms": runtime_table_ms,
        "openssl_ms": openssl.as_secs_f64() * 1e3,
        "table_bytes": g_powers(&modulus).table_bytes(),
    });
    let target = env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
    let path = std::path::Path::new(&target).join("cold-start.json");
    std::fs::write(&path, summary.to_string()).unwrap();
    println!("written: {}", path.display());
}
