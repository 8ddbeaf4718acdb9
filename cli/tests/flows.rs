//! The command's other flows against the real local endpoint: the password
//! flows from a script, and through a real pseudo-terminal each prompt a
//! person answers: the SELECT_CHALLENGE menu, EMAIL_OTP/SMS_OTP codes, the
//! WEB_AUTHN options and credential, MFA_SETUP's URI and QR code.

#[path = "../../sdk/tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-srp");

/// `cognito-srp sign-in` of `user` of `pool` through `client` at `endpoint`,
/// then `extra`, with the seed's IAM credentials and no shared AWS files.
fn sign_in(endpoint: &Endpoint, pool: &str, client: &str, user: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["sign-in", "--user-pool-id", pool, "--client-id", client])
        .args(["--username", user, "--endpoint-url", &endpoint.url])
        .args(extra)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("COGNITO_CLIENT_SECRET")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", "/nonexistent/cognito-srp-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/cognito-srp-tests/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

/// Runs `command` with `stdin` piped in: (exit code, stdout, stderr).
fn run(mut command: Command, stdin: &str) -> (i32, String, String) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cognito-srp binary");
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_password_flows_from_a_script() {
    let endpoint = Endpoint::start();
    for extra in [
        &["--flow", "password"][..],
        &["--flow", "password", "--admin"],
        &["--flow", "user-auth", "--first-factor", "password"],
    ] {
        let mut args = extra.to_vec();
        args.extend(["--output", "json"]);
        let (code, stdout, stderr) = run(
            sign_in(&endpoint, POOL, PUBLIC_CLIENT, ALICE.0, &args),
            &format!("{}\n", ALICE.1),
        );
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        let tokens: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(tokens["TokenType"], "Bearer");
    }
    // A first factor without USER_AUTH is a usage error.
    let (code, _, stderr) = run(
        sign_in(
            &endpoint,
            POOL,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--first-factor", "email-otp"],
        ),
        "",
    );
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn an_email_code_from_a_script_needs_no_password() {
    let endpoint = Endpoint::start();
    // The code is read once asked: a script gets it from the channel first.
    let command = sign_in(
        &endpoint,
        POOL,
        PUBLIC_CLIENT,
        ALICE.0,
        &["--flow", "user-auth", "--first-factor", "email-otp"],
    );
    let mut child = {
        let mut command = command;
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Wait for the code to be sent, then answer with it.
    let code = loop {
        if let Some(code) = try_last_code(&endpoint.url, POOL, ALICE.0) {
            break code;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    writeln!(child.stdin.take().unwrap(), "{code}").unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("Password for"), "{stderr}");
}

#[cfg(unix)]
mod terminal {
    use super::*;
    use expectrl::process::unix::WaitStatus;
    use expectrl::session::OsSession as Session;
    use expectrl::{Eof, Expect, Regex};
    use std::time::Duration;

    fn spawn(command: Command) -> Session {
        let mut session = Session::spawn(command).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        session
    }

    fn finish(mut session: Session) -> (String, i32) {
        let rest = session.expect(Eof).expect("the end of the output");
        let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        match session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (text, code),
            other => panic!("{other:?}"),
        }
    }

    fn signed_in(session: Session) {
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        let line = text
            .lines()
            .find(|line| line.starts_with('{'))
            .expect("the tokens");
        let tokens: Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(tokens["TokenType"], "Bearer");
    }

    #[test]
    fn select_challenge_is_a_menu_then_the_email_code_is_asked() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(
            &endpoint,
            POOL,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "choose"],
        ));
        session.expect("SELECT_CHALLENGE").unwrap();
        session
            .expect("3) EMAIL_OTP (a code sent by email)")
            .unwrap();
        session.expect("First factor (number or name): ").unwrap();
        session.send_line("3").unwrap();
        session
            .expect("EMAIL_OTP code (sent to a***@e***): ")
            .unwrap();
        session
            .send_line(last_code(&endpoint.url, POOL, ALICE.0))
            .unwrap();
        signed_in(session);
    }

    #[test]
    fn a_password_factor_chosen_from_the_menu_asks_for_the_password() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(
            &endpoint,
            POOL,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "choose"],
        ));
        session.expect("First factor (number or name): ").unwrap();
        session.send_line("password-srp").unwrap();
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains(ALICE.1), "the password was echoed: {text}");
    }

    #[test]
    fn an_sms_code_is_asked_with_its_masked_destination() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(
            &endpoint,
            POOL,
            PUBLIC_CLIENT,
            FRANK.0,
            &["--flow", "user-auth", "--first-factor", "sms-otp"],
        ));
        session
            .expect("SMS_OTP code (sent to +*******0123): ")
            .unwrap();
        session
            .send_line(last_code(&endpoint.url, POOL, FRANK.0))
            .unwrap();
        signed_in(session);
    }

    #[test]
    fn web_authn_prints_the_options_and_reads_the_credential() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(
            &endpoint,
            POOL,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "web-authn"],
        ));
        session.expect("navigator.credentials.get").unwrap();
        session.expect("\"rpId\":\"localhost\"").unwrap();
        session.expect("Credential (JSON, one line): ").unwrap();
        session
            .send_line(r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}"#)
            .unwrap();
        // The endpoint's users have no passkey: the credential is refused there.
        let (text, code) = finish(session);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("Incorrect username or password."), "{text}");
    }

    #[test]
    fn mfa_setup_prints_the_otpauth_uri_and_a_qr_code_then_takes_the_first_code() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(&endpoint, MFA_POOL, MFA_CLIENT, ERIN.0, &[]));
        session.expect("Password for erin: ").unwrap();
        session.send_line(ERIN.1).unwrap();
        let found = session
            .expect(Regex("otpauth://totp/[^ \\r\\n]+secret=([A-Z2-7]+)"))
            .unwrap();
        let uri = String::from_utf8_lossy(found.get(0).unwrap()).into_owned();
        assert!(
            uri.starts_with(&format!("otpauth://totp/{MFA_POOL}:erin?")),
            "{uri}"
        );
        let secret = String::from_utf8_lossy(found.get(1).unwrap()).into_owned();
        let shown = session.expect("Code from the app: ").unwrap();
        let qr = String::from_utf8_lossy(shown.before()).into_owned();
        assert!(qr.contains("or scan:"), "{qr}");
        assert!(
            qr.chars().filter(|c| matches!(c, '▀' | '▄' | '█')).count() > 100,
            "a QR code of half blocks: {qr}"
        );
        session.send_line(totp_now(&secret)).unwrap();
        signed_in(session);
    }
}
