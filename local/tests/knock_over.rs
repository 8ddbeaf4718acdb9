//! The five ways one unauthenticated client knocked the endpoint over or
//! stalled it, each against a real server process.
//!
//! Some limits are lowered through the binary's options so that each test
//! runs in seconds: `--max-challenges 64` instead of 65 536 for the flood,
//! and `ulimit -n 64` instead of the default descriptor limit for `EMFILE`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cognito_srp::{Password, PasswordVerifierChallenge, PoolId, UserSrpClient};
use cognito_srp_local::client::CognitoHttp;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_KnockOver1";
const CLIENT: &str = "knockclient";

/// A running `cognito-srp-local` process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr_path: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

impl Server {
    /// Starts the binary with `args`, under `ulimit -n` when given.
    fn start(args: &[&str], nofile: Option<u32>) -> Server {
        let tag = format!("{}-{:?}", std::process::id(), std::thread::current().id())
            .replace(|c: char| !c.is_ascii_alphanumeric(), "");
        let seed_path = std::env::temp_dir().join(format!("knock-seed-{tag}.json"));
        let seed = json!({ "pools": [{ "id": POOL, "clients": [{ "id": CLIENT }],
            "users": [{ "username": "alice", "password": "Correct-Horse-1" }] }] });
        std::fs::write(&seed_path, seed.to_string()).unwrap();
        let stderr_path = std::env::temp_dir().join(format!("knock-stderr-{tag}.txt"));
        let binary = env!("CARGO_BIN_EXE_cognito-srp-local");
        let mut command = match nofile {
            // The lowered limit applies to the server process only.
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(binary);
                c
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args(["--port", "0", "--seed"])
            .arg(&seed_path)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let _ = std::fs::remove_file(&seed_path);
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Server {
            child,
            addr,
            stderr_path,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn client(&self) -> CognitoHttp {
        CognitoHttp::new(&self.url(), POOL, CLIENT, None).unwrap()
    }

    /// Resident memory of the server process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// A full sign-in still works.
    fn assert_serving(&self) {
        let started = Instant::now();
        let result = self.client().sign_in("alice", "Correct-Horse-1", None);
        assert!(result.is_ok(), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }
}

/// The status code of the first response on `stream` (0 if it closed without one).
fn status_of(stream: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head)
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn post_head(addr: SocketAddr, content_length: u64) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

#[test]
fn a_huge_promised_body_a_half_close_or_an_oversized_body_leaves_the_server_serving() {
    let server = Server::start(&[], None);
    // 100 GB promised, a byte sent, then the client gives up.
    let mut s = server.connect();
    s.write_all(post_head(server.addr, 100_000_000_000).as_bytes())
        .unwrap();
    s.write_all(b"{").unwrap();
    drop(s);
    server.assert_serving();
    // The same with a half-close: refused before the body is read.
    let mut s = server.connect();
    s.write_all(post_head(server.addr, 100_000_000_000).as_bytes())
        .unwrap();
    s.write_all(b"{").unwrap();
    s.shutdown(Shutdown::Write).unwrap();
    assert_eq!(status_of(&mut s), 413);
    drop(s);
    server.assert_serving();
    // A body over 256 KiB really sent (no Content-Length limit to trust:
    // chunked), refused with 413 once the limit is crossed.
    let mut s = server.connect();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        server.addr
    );
    s.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..5 {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    assert_eq!(status_of(&mut s), 413);
    drop(s);
    // And one with Content-Length over the limit, sent in full.
    let mut s = server.connect();
    let body = vec![b' '; cognito_srp_local::MAX_BODY_BYTES + 1];
    s.write_all(post_head(server.addr, body.len() as u64).as_bytes())
        .unwrap();
    let _ = s.write_all(&body);
    assert_eq!(status_of(&mut s), 413);
    drop(s);
    server.assert_serving();
}

#[test]
fn accept_failing_with_emfile_does_not_end_the_server() {
    let server = Server::start(&["--max-connections", "1000"], Some(64));
    // Far more idle connections than the server has descriptors: accept
    // fails with EMFILE while they are held.
    let idle: Vec<TcpStream> = (0..200).map(|_| server.connect()).collect();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut log = String::new();
    while !log.contains("accept failed") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        log = std::fs::read_to_string(&server.stderr_path).unwrap_or_default();
    }
    assert!(log.contains("accept failed"), "stderr: {log:?}");
    assert!(server.child.try_wait_ref().is_none(), "the server exited");
    drop(idle);
    // Once the idle clients go, their descriptors free and the server
    // serves again.
    server.assert_serving();
}

trait TryWaitRef {
    fn try_wait_ref(&self) -> Option<std::process::ExitStatus>;
}

impl TryWaitRef for Child {
    /// Whether the process has exited, without reaping it (`/proc` state).
    fn try_wait_ref(&self) -> Option<std::process::ExitStatus> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.id())).ok()?;
        let state = stat.rsplit(')').next()?.split_whitespace().next()?;
        (state == "Z").then(std::process::ExitStatus::default)
    }
}

#[test]
fn sixteen_keep_alive_connections_opened_at_once_are_all_answered_promptly() {
    let server = Server::start(&[], None);
    let login = UserSrpClient::new(PoolId::parse(POOL).unwrap())
        .start("alice")
        .unwrap();
    let body = json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                       "AuthParameters": login.auth_parameters() })
    .to_string();
    let mut connections: Vec<TcpStream> = (0..16).map(|_| server.connect()).collect();
    let started = Instant::now();
    let worst = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .iter_mut()
            .map(|stream| {
                let body = &body;
                let addr = server.addr;
                scope.spawn(move || {
                    let mut slowest = Duration::ZERO;
                    // Three requests on each kept-alive connection.
                    for _ in 0..3 {
                        let t = Instant::now();
                        stream
                            .write_all(
                                format!("{}{body}", post_head(addr, body.len() as u64)).as_bytes(),
                            )
                            .unwrap();
                        assert_eq!(status_of(stream), 200);
                        // Read the body by its length.
                        let mut rest = vec![0u8; 1];
                        let mut seen = Vec::new();
                        while !seen.ends_with(b"}")
                            || serde_json::from_slice::<Value>(&seen).is_err()
                        {
                            stream.read_exact(&mut rest).unwrap();
                            seen.push(rest[0]);
                        }
                        slowest = slowest.max(t.elapsed());
                    }
                    slowest
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .max()
            .unwrap()
    });
    // 48 challenges on 2 cores take well under a second; the old server
    // kept some connections waiting up to 60 s.
    eprintln!("16 connections x 3 InitiateAuth: slowest answer {worst:?}");
    assert!(worst < Duration::from_secs(2), "slowest answer {worst:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_200_mb_header_line_and_3_million_headers_are_refused_with_bounded_memory() {
    let server = Server::start(&[], None);
    server.assert_serving();
    let before = server.rss_kib();
    let mut peak = before;
    // One 200 MB header line.
    let mut s = server.connect();
    s.write_all(b"POST / HTTP/1.1\r\nX-Big: ").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..200 {
        if s.write_all(&chunk).is_err() {
            break;
        }
        peak = peak.max(server.rss_kib());
    }
    drop(s);
    // Three million headers.
    let mut s = server.connect();
    s.write_all(b"POST / HTTP/1.1\r\n").unwrap();
    let headers = b"X-H: v\r\n".repeat(100_000);
    for _ in 0..30 {
        if s.write_all(&headers).is_err() {
            break;
        }
        peak = peak.max(server.rss_kib());
    }
    drop(s);
    server.assert_serving();
    let after = server.rss_kib();
    eprintln!("RSS: before {before} KiB, peak {peak} KiB, after {after} KiB");
    // The old server grew by 214-368 MB and kept it.
    assert!(
        peak < before + 16 * 1024,
        "RSS {before} KiB -> peak {peak} KiB"
    );
    assert!(
        after < before + 16 * 1024,
        "RSS {before} KiB -> {after} KiB"
    );
}

#[test]
fn a_flood_of_unanswered_challenges_does_not_evict_a_sign_in_in_progress() {
    // 64 challenges in flight instead of 65 536, so the flood takes a second.
    let server = Server::start(&["--max-challenges", "64"], None);
    let client = server.client();
    let start = |name: &str| {
        let login = UserSrpClient::new(PoolId::parse(POOL).unwrap())
            .start(name)
            .unwrap();
        let reply = client.call(
            "InitiateAuth",
            &json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT, "AuthParameters": login.auth_parameters() }),
        );
        (login, reply)
    };
    let (login, reply) = start("alice");
    let reply = reply.unwrap();
    let mut refused = 0;
    for _ in 0..100 {
        match start("alice").1 {
            Ok(_) => {}
            Err(e) if e.starts_with("TooManyRequestsException") => refused += 1,
            Err(e) => panic!("unexpected refusal {e}"),
        }
    }
    // 63 more fit beside the sign-in in progress; the other newcomers wait.
    assert_eq!(refused, 100 - 63);
    let parameters: HashMap<String, String> =
        serde_json::from_value(reply["ChallengeParameters"].clone()).unwrap();
    let challenge = PasswordVerifierChallenge::from_challenge_parameters(&parameters).unwrap();
    let claim = login
        .respond(&challenge, &Password::new("Correct-Horse-1"))
        .unwrap();
    let answer = client
        .call(
            "RespondToAuthChallenge",
            &json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": CLIENT,
                     "ChallengeResponses": claim.challenge_responses() }),
        )
        .unwrap();
    assert!(answer["AuthenticationResult"]["AccessToken"].is_string());
}
