//! `mock-cognito [--port PORT] [--seed FILE] [--threads N]`: serves Cognito's
//! JSON protocol on 127.0.0.1 and prints `listening on http://127.0.0.1:PORT`;
//! `--threads` bounds how many requests compute at once.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut port = "0".to_owned();
    let mut seed = None;
    let mut threads = 8usize;
    let usage = || {
        eprintln!("usage: mock-cognito [--port PORT] [--seed FILE] [--threads N (1 or more)]");
        ExitCode::from(2)
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(v)) => port = v,
            ("--seed", Some(v)) => seed = Some(v),
            ("--threads", Some(v)) => match v.parse() {
                Ok(n) if n > 0 => threads = n,
                _ => return usage(),
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
    let endpoint = match serde_json::from_str(&seed_json)
        .map_err(|e| e.to_string())
        .and_then(|v| mock_cognito::seed_from_json(&v))
    {
        Ok(endpoint) => endpoint,
        Err(e) => {
            eprintln!("bad seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    match endpoint.serve(&format!("127.0.0.1:{port}"), threads) {
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
