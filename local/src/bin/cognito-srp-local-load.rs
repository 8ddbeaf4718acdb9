//! Load and abuse of a running endpoint, from another process (used by
//! `scripts/interop`).
//!
//! `cognito-srp-local-load sweep URL POOL CLIENT USER PASSWORD [SIGN_INS]`:
//!   sign-ins per second and p50/p99/max sign-in latency at 1, 4, 16 and 64
//!   keep-alive connections, at least SIGN_INS (200) sign-ins per level; fails
//!   if any sign-in (two requests) takes over 2 s or fails.
//! `cognito-srp-local-load knock URL POOL CLIENT USER PASSWORD SERVER_PID CASE...`:
//!   the knock-over cases, each followed by a sign-in that must complete within
//!   2 s with the endpoint's process still alive: `content-length` (a huge
//!   Content-Length then hang up, half-close, an oversized body), `idle` (more
//!   idle connections than the endpoint's file limit), `keep-alive` (16
//!   keep-alive connections at once), `headers` (a 200 MB header line, then 3
//!   million headers; the endpoint's memory must come back), `flood` (a sign-in
//!   in progress completes after a flood of unanswered InitiateAuth; run it
//!   last: the challenges it leaves may refuse newcomers for three minutes).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use cognito_srp::signin::Next;
use cognito_srp_local::client::CognitoHttp;
use serde_json::{Value, json};

/// No request may take longer: the endpoint's promise under abuse.
const LIMIT: Duration = Duration::from_secs(2);

/// Where to sign in, and as whom.
struct Target {
    url: String,
    pool: String,
    client: String,
    user: String,
    password: String,
}

impl Target {
    fn http(&self) -> Result<CognitoHttp, String> {
        CognitoHttp::new(&self.url, &self.pool, &self.client, None)
    }

    /// One whole sign-in over `http`, timed.
    fn sign_in(&self, http: &CognitoHttp) -> Result<Duration, String> {
        let start = Instant::now();
        http.sign_in(&self.user, &self.password, None)?;
        Ok(start.elapsed())
    }

    /// A sign-in on a fresh connection that must complete within [`LIMIT`].
    fn still_signs_in(&self) -> Result<Duration, String> {
        let took = self.sign_in(&self.http()?)?;
        if took > LIMIT {
            return Err(format!("a sign-in took {took:?}"));
        }
        Ok(took)
    }

    /// `host:port` of the URL, for raw sockets.
    fn address(&self) -> Result<String, String> {
        let rest = self
            .url
            .strip_prefix("http://")
            .ok_or("the URL must start with http://")?;
        Ok(rest.trim_end_matches('/').to_owned())
    }

    fn connect(&self) -> Result<TcpStream, String> {
        let stream = TcpStream::connect(self.address()?).map_err(|e| format!("connect: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .and_then(|()| stream.set_write_timeout(Some(Duration::from_secs(5))))
            .map_err(|e| e.to_string())?;
        Ok(stream)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn sweep(target: &Target, at_least: usize) -> Result<(), String> {
    let mut slow = 0;
    let (mut total, mut total_seconds) = (0usize, 0f64);
    for connections in [1usize, 4, 16, 64] {
        let count = at_least.max(4 * connections);
        let next = AtomicUsize::new(0);
        let latencies = Mutex::new(Vec::with_capacity(count));
        let failures = Mutex::new(Vec::new());
        let ready = Barrier::new(connections);
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..connections {
                scope.spawn(|| {
                    let http = target.http();
                    ready.wait();
                    let http = match http {
                        Ok(http) => http,
                        Err(e) => return failures.lock().unwrap().push(e),
                    };
                    while next.fetch_add(1, Ordering::Relaxed) < count {
                        match target.sign_in(&http) {
                            Ok(took) => latencies.lock().unwrap().push(took),
                            Err(e) => failures.lock().unwrap().push(e),
                        }
                    }
                });
            }
        });
        let seconds = start.elapsed().as_secs_f64();
        total += count;
        total_seconds += seconds;
        let failures = failures.into_inner().unwrap();
        if let Some(first) = failures.first() {
            return Err(format!(
                "{} of {count} sign-ins failed at {connections} connections, first: {first}",
                failures.len()
            ));
        }
        let mut latencies = latencies.into_inner().unwrap();
        latencies.sort_unstable();
        let max = *latencies.last().ok_or("no sign-in was timed")?;
        slow += latencies.iter().filter(|&&d| d > LIMIT).count();
        println!(
            "load: {connections:>2} connections: {count} sign-ins in {seconds:.2} s = {:.1} sign-ins/s; \
             latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            count as f64 / seconds,
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.99)),
            ms(max),
        );
    }
    // The figure scripts compare (`scripts/interop`: with `--data-dir`
    // against in memory).
    println!(
        "load: total: {total} sign-ins in {total_seconds:.2} s = {:.1} sign-ins/s",
        total as f64 / total_seconds
    );
    if slow > 0 {
        return Err(format!("{slow} sign-ins took over {LIMIT:?}"));
    }
    Ok(())
}

/// The endpoint's resident memory, from procfs.
fn resident_kib(pid: u32) -> Result<u64, String> {
    let gone = || format!("the endpoint (pid {pid}) is gone");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|_| gone())?;
    // A process that has exited but is not yet reaped has no VmRSS line.
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(gone)
}

/// Reads whatever the endpoint answers until it closes or goes quiet.
fn drain(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 || answer.len() > 64 * 1024 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or("(closed without an answer)")
        .to_owned()
}

const HEAD: &str = "POST / HTTP/1.1\r\nHost: mock\r\nContent-Type: application/x-amz-json-1.1\r\n\
                    X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n";

fn content_length(target: &Target) -> Result<String, String> {
    // A huge Content-Length, a few bytes, then the client gives up.
    let mut s = target.connect()?;
    let _ = s.write_all(format!("{HEAD}Content-Length: 100000000000\r\n\r\n{{\"a\":").as_bytes());
    drop(s);
    // The same, half-closed: the endpoint sees the end of the body early.
    let mut s = target.connect()?;
    let _ = s.write_all(format!("{HEAD}Content-Length: 100000000000\r\n\r\n{{\"a\":").as_bytes());
    let _ = s.shutdown(Shutdown::Write);
    let half_closed = drain(&mut s);
    // A whole body over any sensible limit, sent to the end.
    let mut s = target.connect()?;
    let body = vec![b' '; 300 * 1024];
    let _ = s.write_all(format!("{HEAD}Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    let _ = s.write_all(&body);
    let oversized = drain(&mut s);
    Ok(format!(
        "half-closed: {half_closed}; 300 KiB body: {oversized}"
    ))
}

fn idle(target: &Target, count: usize) -> Result<String, String> {
    let mut held = Vec::with_capacity(count);
    let mut refused = 0;
    for _ in 0..count {
        match TcpStream::connect(target.address()?) {
            Ok(s) => held.push(s),
            Err(_) => refused += 1,
        }
    }
    // Give the endpoint time to accept (and fail to accept) them all.
    std::thread::sleep(Duration::from_secs(1));
    let during = match target.still_signs_in() {
        Ok(took) => format!("a sign-in while they were held took {:.1} ms", ms(took)),
        Err(e) => format!("a sign-in while they were held failed ({e})"),
    };
    let opened = held.len();
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    Ok(format!(
        "{opened} idle connections ({refused} refused at connect); {during}"
    ))
}

fn keep_alive(target: &Target) -> Result<String, String> {
    const CONNECTIONS: usize = 16;
    const EACH: usize = 4;
    let ready = Barrier::new(CONNECTIONS);
    let slowest = Mutex::new(Duration::ZERO);
    let failed = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..CONNECTIONS {
            scope.spawn(|| {
                let http = target.http();
                ready.wait();
                for _ in 0..EACH {
                    match http
                        .as_ref()
                        .map_err(Clone::clone)
                        .and_then(|h| target.sign_in(h))
                    {
                        Ok(took) => {
                            let mut slowest = slowest.lock().unwrap();
                            *slowest = (*slowest).max(took);
                        }
                        Err(e) => *failed.lock().unwrap() = Some(e),
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().unwrap() {
        return Err(format!("a sign-in failed: {e}"));
    }
    let slowest = slowest.into_inner().unwrap();
    if slowest > LIMIT {
        return Err(format!("a sign-in took {slowest:?}"));
    }
    Ok(format!(
        "{CONNECTIONS} connections x {EACH} sign-ins at once, slowest {:.1} ms",
        ms(slowest)
    ))
}

/// Streams `total` bytes made by `chunk` after `start`, until the endpoint stops reading.
fn stream_until_refused(
    target: &Target,
    start: &str,
    chunk: &[u8],
    total: usize,
) -> Result<usize, String> {
    let mut s = target.connect()?;
    let _ = s.write_all(start.as_bytes());
    let mut sent = 0;
    while sent < total {
        match s.write(chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => sent += n,
        }
    }
    let _ = s.shutdown(Shutdown::Write);
    drain(&mut s);
    Ok(sent)
}

fn headers(target: &Target, pid: u32) -> Result<String, String> {
    let before = resident_kib(pid)?;
    let line = stream_until_refused(
        target,
        &format!("{HEAD}X-Big: "),
        &[b'a'; 64 * 1024],
        200 * 1024 * 1024,
    )?;
    let after_line = resident_kib(pid)?;
    let many: Vec<u8> = b"X-H: v\r\n".repeat(8 * 1024);
    let count = stream_until_refused(target, HEAD, &many, 3_000_000 * 8)? / 8;
    std::thread::sleep(Duration::from_millis(500));
    let after = resident_kib(pid)?;
    let grown = after.saturating_sub(before) / 1024;
    let summary = format!(
        "resident {} MiB before, {} MiB after the 200 MB line ({} MB of it sent before the endpoint closed), \
         {} MiB after {count} headers sent",
        before / 1024,
        after_line / 1024,
        line / 1_000_000,
        after / 1024
    );
    if grown > 64 {
        return Err(format!("the endpoint kept {grown} MiB: {summary}"));
    }
    Ok(summary)
}

fn flood(target: &Target, most: usize) -> Result<String, String> {
    let http = target.http()?;
    // The sign-in in progress, through the crate's driver: its first step goes
    // out before the flood, its answer after it.
    let in_progress = http.start(&target.user, &target.password)?;
    let (_, started) = http.send(in_progress.request())?;
    // The flood reuses one SRP_A: each call still makes the endpoint hold a challenge.
    let flood_step = http.start(&target.user, &target.password)?;
    let request: Value = serde_json::from_str(&flood_step.request().to_json())
        .map_err(|e| format!("request body: {e}"))?;
    let (sent, accepted, refused) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let other = Mutex::new(HashMap::<String, usize>::new());
    let enough = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                let Ok(http) = target.http() else { return };
                while !enough.load(Ordering::Relaxed) && sent.fetch_add(1, Ordering::Relaxed) < most
                {
                    match http.call("InitiateAuth", &request) {
                        Ok(_) => accepted.fetch_add(1, Ordering::Relaxed),
                        Err(e) if e.starts_with("TooManyRequestsException") => {
                            // The endpoint is full and says so: a thousand refusals prove it.
                            if refused.fetch_add(1, Ordering::Relaxed) >= 1000 {
                                enough.store(true, Ordering::Relaxed);
                            }
                            0
                        }
                        Err(e) => {
                            let kind = e.split(':').next().unwrap_or("").to_owned();
                            *other.lock().unwrap().entry(kind).or_default() += 1;
                            0
                        }
                    };
                }
            });
        }
    });
    let flooded = start.elapsed();
    let (accepted, refused) = (accepted.into_inner(), refused.into_inner());
    let summary = format!(
        "{accepted} challenges accepted, {refused} refused as TooManyRequestsException, other answers {:?}, in {:.1} s",
        other.into_inner().unwrap(),
        flooded.as_secs_f64()
    );
    let answer = match in_progress.receive(started).map_err(|e| e.to_string())? {
        Next::Send(answer) => answer,
        _ => return Err(format!("no PASSWORD_VERIFIER before the flood; {summary}")),
    };
    let (_, done) = http.send(answer.request()).map_err(|e| {
        format!("the sign-in in progress was refused after the flood ({e}); {summary}")
    })?;
    if !matches!(answer.receive(done), Ok(Next::SignedIn(_))) {
        return Err(format!("the sign-in in progress got no tokens; {summary}"));
    }
    Ok(format!("the sign-in in progress completed; {summary}"))
}

/// After the flood the endpoint may refuse new sign-ins, but must answer.
fn still_answers(target: &Target) -> Result<(), String> {
    match target
        .http()?
        .call("GetUser", &json!({ "AccessToken": "not-a-token" }))
    {
        Ok(_) => Err("GetUser took a made-up token".into()),
        Err(e) if e.starts_with("HTTP") || e.starts_with("bad JSON") => Err(e),
        Err(_) => Ok(()),
    }
}

fn knock(target: &Target, pid: u32, cases: &[String]) -> Result<(), String> {
    for case in cases {
        let start = Instant::now();
        let result = match case.as_str() {
            "content-length" => content_length(target),
            "idle" => idle(target, 1100),
            "keep-alive" => keep_alive(target),
            "headers" => headers(target, pid),
            "flood" => flood(target, 70_000),
            other => return Err(format!("no knock-over case {other}")),
        };
        let detail = result.map_err(|e| format!("knock {case}: {e}"))?;
        resident_kib(pid).map_err(|e| format!("knock {case}: {e}"))?;
        let after = if case == "flood" {
            still_answers(target).map(|()| "it still answers".to_owned())
        } else {
            target
                .still_signs_in()
                .map(|took| format!("a sign-in after it took {:.1} ms", ms(took)))
        }
        .map_err(|e| format!("knock {case}: survived but then: {e} ({detail})"))?;
        println!(
            "knock {case}: ok in {:.1} s: {detail}; {after}",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: cognito-srp-local-load sweep URL POOL CLIENT USER PASSWORD [SIGN_INS]\n       \
                 cognito-srp-local-load knock URL POOL CLIENT USER PASSWORD SERVER_PID CASE...";
    let (Some(mode), Some([url, pool, client, user, password]), rest) = (
        args.first(),
        args.get(1..6)
            .and_then(|a| <&[String; 5]>::try_from(a).ok()),
        args.get(6..).unwrap_or_default(),
    ) else {
        return Err(usage.into());
    };
    let target = Target {
        url: url.clone(),
        pool: pool.clone(),
        client: client.clone(),
        user: user.clone(),
        password: password.clone(),
    };
    match (mode.as_str(), rest) {
        ("sweep", []) => sweep(&target, 200),
        ("sweep", [n]) => sweep(&target, n.parse().map_err(|_| "SIGN_INS must be a number")?),
        ("knock", [pid, cases @ ..]) if !cases.is_empty() => knock(
            &target,
            pid.parse().map_err(|_| "SERVER_PID must be a number")?,
            cases,
        ),
        _ => Err(usage.into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cognito-srp-local-load: {e}");
            ExitCode::FAILURE
        }
    }
}
