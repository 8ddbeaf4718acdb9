//! The local endpoint the tests sign in to: the workspace's `cognito-srp-local`
//! binary, started on a free port with `tests/seed.json`, stopped on drop.
//! Shared by the runner's tests (`sdk/tests`) and the command's (`cli/tests`).
#![allow(dead_code)] // each test crate uses its own part

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The seed's pool, app clients, users and IAM credentials.
pub const POOL: &str = "us-east-1_RunnerCli1";
pub const PUBLIC_CLIENT: &str = "publicclient000000000000001";
pub const SECRET_CLIENT: &str = "secretclient000000000000001";
pub const CLIENT_SECRET: &str = "runner-cli-client-secret-7d6c5b4a3f2e1d";
pub const ACCESS_KEY_ID: &str = "AKIARUNNERCLI0000001";
pub const SECRET_ACCESS_KEY: &str = "runner/cli/secret/0000000000000000000001";
/// A user with a permanent password.
pub const ALICE: (&str, &str) = ("alice", "Correct-Horse-Battery-1");
/// A user in FORCE_CHANGE_PASSWORD: the first sign-in asks for a new password.
pub const CAROL: (&str, &str) = ("carol", "Temporary-Pass-4!");
/// A user with TOTP MFA (secret below).
pub const DAVE: (&str, &str) = ("dave", "Dave-Password-5#");
pub const DAVE_TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// A user with a phone number (SMS_OTP) and no email.
pub const FRANK: (&str, &str) = ("frank", "Frank-Password-6$");
/// A pool that requires MFA, its app client, and a user without MFA (so
/// MFA_SETUP at the first sign-in).
pub const MFA_POOL: &str = "us-east-1_RunnerMfa1";
pub const MFA_CLIENT: &str = "mfaclient0000000000000001";
pub const ERIN: (&str, &str) = ("erin", "Erin-Password-7%");
/// The answer to the pool's CUSTOM_CHALLENGE.
pub const CUSTOM_ANSWER: &str = "4";

/// A running `cognito-srp-local`, killed when dropped.
pub struct Endpoint {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Endpoint {
    /// Starts the endpoint with the tests' seed and waits for its `listening on` line.
    pub fn start() -> Endpoint {
        let binary = cognito_srp_local_binary();
        let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../sdk/tests/seed.json")
            .canonicalize()
            .expect("sdk/tests/seed.json");
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--seed"])
            .arg(&seed)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        // The line may come on either stream; read both until it does.
        let (lines, receive) = mpsc::channel();
        forward_lines(child.stdout.take().unwrap(), lines.clone());
        forward_lines(child.stderr.take().unwrap(), lines);
        let mut seen = Vec::new();
        let url = loop {
            match receive.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => match line.strip_prefix("listening on ") {
                    Some(url) => break url.trim().to_owned(),
                    None => seen.push(line),
                },
                Err(_) => {
                    let _ = child.kill();
                    panic!("cognito-srp-local did not start: {seen:?}");
                }
            }
        };
        Endpoint { child, url }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn forward_lines(stream: impl Read + Send + 'static, lines: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                // Keep draining so the endpoint never blocks on a full pipe.
                continue;
            }
        }
    });
}

/// The `cognito-srp-local` that cargo built beside this test (`cargo test
/// --workspace` builds every member's binaries into the same directory), or
/// `$COGNITO_SRP_LOCAL`.
pub fn cognito_srp_local_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("COGNITO_SRP_LOCAL") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<this test> -> target/<profile>/cognito-srp-local
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let binary = dir.join(format!("cognito-srp-local{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test --workspace` (or `cargo build --profile test -p cognito-srp-local`), \
         or set COGNITO_SRP_LOCAL",
        binary.display()
    );
    binary
}

/// Dave's current TOTP code, computed as an authenticator app does (RFC 6238:
/// SHA-1, 6 digits, 30-second steps).
pub fn dave_totp_code() -> String {
    totp_code(DAVE_TOTP_SECRET, now())
}

/// Dave's code of the next 30-second step: still accepted (one step of clock
/// skew either way), and fresh when the current step's code was just used, since
/// a used code is refused the second time.
pub fn next_dave_totp_code() -> String {
    totp_code(DAVE_TOTP_SECRET, now() + 30)
}

/// A TOTP code that was valid long ago, and so is wrong now.
pub fn stale_totp_code() -> String {
    totp_code(DAVE_TOTP_SECRET, now() - 3600)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn totp_code(secret: &str, time: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32 secret");
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("a valid TOTP");
    totp.generate(time).to_string()
}

/// The newest one-time code the endpoint at `url` sent `username` of `pool`,
/// read from its local channel (`GET /_local/codes/<pool>/<username>`).
pub fn last_code(url: &str, pool: &str, username: &str) -> String {
    try_last_code(url, pool, username).unwrap_or_else(|| panic!("no code for {username} of {pool}"))
}

/// [`last_code`], or `None` while no code was sent yet.
pub fn try_last_code(url: &str, pool: &str, username: &str) -> Option<String> {
    delivered_codes(url, pool, username).into_iter().next()
}

/// Every live code the endpoint at `url` sent `username` of `pool`, newest
/// first (a code that was used stays listed until it expires).
pub fn delivered_codes(url: &str, pool: &str, username: &str) -> Vec<String> {
    use std::io::Write;
    let address = url.strip_prefix("http://").expect("an http:// URL");
    let mut stream = std::net::TcpStream::connect(address).expect("the endpoint");
    write!(
        stream,
        "GET /_local/codes/{pool}/{username} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split("\r\n\r\n").nth(1).expect("a body");
    let codes: serde_json::Value = serde_json::from_str(body).expect("JSON codes");
    codes["Codes"]
        .as_array()
        .expect("a Codes list")
        .iter()
        .map(|code| code["Code"].as_str().expect("a Code").to_owned())
        .collect()
}

/// The current code of the base32 TOTP `secret` (as an authenticator app computes it).
pub fn totp_now(secret: &str) -> String {
    totp_code(secret, now())
}
