//! The crate's own client against a running endpoint, over HTTP.
//!
//! `cognito-srp-local-client check URL POOL CLIENT SECRET_CLIENT SECRET USER PASSWORD`:
//!   sign-in, a wrong password refused, ConfirmDevice, DEVICE_SRP_AUTH, and a
//!   sign-in through an app client with a secret.
//! `cognito-srp-local-client load URL POOL CLIENT USER PASSWORD SIGN_INS CONNECTIONS`:
//!   SIGN_INS sign-ins over CONNECTIONS threads; prints sign-ins per second.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use cognito_srp_local::client::CognitoHttp;

fn check(args: &[String]) -> Result<(), String> {
    let [url, pool, client, secret_client, secret, user, password] = args else {
        return Err("check URL POOL CLIENT SECRET_CLIENT SECRET USER PASSWORD".into());
    };
    let http = CognitoHttp::new(url, pool, client, None)?;
    let first = http.sign_in(user, password, None)?;
    println!(
        "rust: USER_SRP_AUTH ok (AccessToken of {} bytes)",
        first.result["AccessToken"].as_str().unwrap_or("").len()
    );
    match http.sign_in(user, "not-the-password", None) {
        Err(e) if e.starts_with("NotAuthorizedException") => {
            println!("rust: wrong password refused ({e})")
        }
        other => return Err(format!("a wrong password was not refused: {other:?}")),
    }
    let device = http.confirm_device(&first.result)?;
    println!("rust: ConfirmDevice ok ({})", device.device_key());
    let second = http.sign_in(user, password, Some(&device))?;
    if !second.used_device {
        return Err("the second sign-in did not go through DEVICE_SRP_AUTH".into());
    }
    println!("rust: DEVICE_SRP_AUTH ok");
    let with_secret = CognitoHttp::new(url, pool, secret_client, Some(secret))?;
    with_secret.sign_in(user, password, None)?;
    println!("rust: USER_SRP_AUTH with SECRET_HASH ok");
    Ok(())
}

fn load(args: &[String]) -> Result<(), String> {
    let [url, pool, client, user, password, count, connections] = args else {
        return Err("load URL POOL CLIENT USER PASSWORD SIGN_INS CONNECTIONS".into());
    };
    let count: usize = count.parse().map_err(|_| "SIGN_INS must be a number")?;
    let connections: usize = connections
        .parse()
        .map_err(|_| "CONNECTIONS must be a number")?;
    let next = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..connections.max(1) {
            scope.spawn(|| {
                let Ok(http) = CognitoHttp::new(url, pool, client, None) else {
                    failures.fetch_add(1, Ordering::Relaxed);
                    return;
                };
                while next.fetch_add(1, Ordering::Relaxed) < count {
                    if let Err(e) = http.sign_in(user, password, None) {
                        eprintln!("sign-in failed: {e}");
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    let failed = failures.load(Ordering::Relaxed);
    println!(
        "load: {count} sign-ins over {connections} connections in {seconds:.2} s: {:.1} sign-ins/s, {failed} failed",
        count as f64 / seconds
    );
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} sign-ins failed"))
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("load") => load(&args[1..]),
        _ => Err("usage: cognito-srp-local-client check|load ...".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cognito-srp-local-client: {e}");
            ExitCode::FAILURE
        }
    }
}
