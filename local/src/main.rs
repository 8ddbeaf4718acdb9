//! `cognito-srp-local [--port PORT] [--seed FILE] [--data-dir DIR] [--threads N] [limits]`: serves
//! Cognito's JSON protocol on 127.0.0.1 and prints
//! `listening on http://127.0.0.1:PORT`; `--threads` bounds how many
//! requests compute at once.
//!
//! Limits (defaults in `LOCAL-ENDPOINT.md`; tests lower them to run fast):
//! `--max-connections N`, `--head-timeout-ms MS` (request head, and idle
//! keep-alive), `--body-timeout-ms MS`, `--max-challenges N`.
//!
//! `--data-dir DIR` keeps the state (pools, clients, users, groups, devices,
//! refresh tokens, signing keys) in `DIR/state.redb`, each change durable
//! before its answer; the seed then adds only what `DIR` lacks. Without it
//! the state lives in memory and dies with the process.
//!
//! `--clock-offset SECONDS` (may be negative) runs the tokens' clock that far
//! from the system clock, for tests of token expiry.

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut port = "0".to_owned();
    let mut seed = None;
    let mut data_dir = None;
    let mut limits = cognito_srp_local::Limits::default();
    let mut max_challenges = None;
    let mut clock_offset = 0i64;
    let usage = || {
        eprintln!(
            "usage: cognito-srp-local [--port PORT] [--seed FILE] [--data-dir DIR] [--threads N] [--max-connections N] \
             [--head-timeout-ms MS] [--body-timeout-ms MS] [--max-challenges N] (numbers 1 or more) \
             [--clock-offset SECONDS]"
        );
        ExitCode::from(2)
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some(value) = args.next() else {
            return usage();
        };
        let number = match value.parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => None,
        };
        match (arg.as_str(), number) {
            ("--port", _) => port = value,
            ("--seed", _) => seed = Some(value),
            ("--data-dir", _) => data_dir = Some(value),
            ("--threads", Some(n)) => limits.compute = n,
            ("--max-connections", Some(n)) => limits.connections = n,
            ("--head-timeout-ms", Some(n)) => limits.head_time = Duration::from_millis(n as u64),
            ("--body-timeout-ms", Some(n)) => limits.body_time = Duration::from_millis(n as u64),
            ("--max-challenges", Some(n)) => max_challenges = Some(n),
            ("--clock-offset", _) => match value.parse::<i64>() {
                Ok(seconds) => clock_offset = seconds,
                Err(_) => return usage(),
            },
            _ => return usage(),
        }
    }
    let seed_json = match seed.map(std::fs::read_to_string).transpose() {
        Ok(text) => text.unwrap_or_else(|| r#"{"pools": []}"#.to_owned()),
        Err(e) => {
            eprintln!("cannot read the seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opened = match &data_dir {
        Some(dir) => cognito_srp_local::Endpoint::open(dir),
        None => cognito_srp_local::Endpoint::new().map_err(|e| e.to_string()),
    };
    let endpoint = match opened {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("cannot open the state: {e}");
            return ExitCode::FAILURE;
        }
    };
    let endpoint = match serde_json::from_str(&seed_json)
        .map_err(|e| e.to_string())
        .and_then(|v| endpoint.apply_seed(&v))
    {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("bad seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let endpoint = match max_challenges {
        Some(cap) => endpoint.with_max_challenges(cap),
        None => endpoint,
    };
    endpoint.clock().set_offset_seconds(clock_offset);
    match endpoint.serve_with(&format!("127.0.0.1:{port}"), limits) {
        Ok((addr, handles)) => {
            println!("listening on http://{addr}");
            for handle in handles {
                let _ = handle.join();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot listen: {e}");
            ExitCode::FAILURE
        }
    }
}
