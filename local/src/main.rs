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
//! `--clock-offset SECONDS` (may be negative) runs the endpoint's clock that
//! far from the system clock, for tests of token, code and temporary
//! password expiry (ahead, it ages challenges in flight too).
//!
//! `--lambda-endpoint-url URL` (else the `AWS_ENDPOINT_URL_LAMBDA` environment
//! variable, as the AWS SDKs read it) is the Lambda Invoke API the pools'
//! triggers run on; calls are signed with `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` when set. `--lambda-timeout-ms MS` (default 5000).

use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut port = "0".to_owned();
    let mut seed = None;
    let mut data_dir = None;
    let mut limits = cognito_srp_local::Limits::default();
    let mut max_challenges = None;
    let mut clock_offset = 0i64;
    let mut lambda_url = std::env::var("AWS_ENDPOINT_URL_LAMBDA")
        .ok()
        .filter(|u| !u.is_empty());
    let mut lambda_timeout = cognito_srp_local::INVOKE_TIMEOUT;
    let usage = || {
        eprintln!(
            "usage: cognito-srp-local [--port PORT] [--seed FILE] [--data-dir DIR] [--threads N] [--max-connections N] \
             [--head-timeout-ms MS] [--body-timeout-ms MS] [--max-challenges N] (numbers 1 or more) \
             [--clock-offset SECONDS] [--lambda-endpoint-url URL] [--lambda-timeout-ms MS]"
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
            ("--lambda-endpoint-url", _) => lambda_url = Some(value),
            ("--lambda-timeout-ms", Some(n)) => lambda_timeout = Duration::from_millis(n as u64),
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
    let endpoint = match lambda_url {
        Some(url) if url.starts_with("http://") => {
            let mut host = cognito_srp_local::LambdaHost::new(&url).with_timeout(lambda_timeout);
            if let (Ok(key), Ok(secret)) = (
                std::env::var("AWS_ACCESS_KEY_ID"),
                std::env::var("AWS_SECRET_ACCESS_KEY"),
            ) {
                host = host.with_credentials(&key, &secret);
            }
            eprintln!("cognito-srp-local: Lambda triggers run at {url}");
            endpoint.with_lambda_host(host)
        }
        Some(url) => {
            eprintln!("the Lambda endpoint must be an http:// URL, not {url}");
            return ExitCode::from(2);
        }
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
