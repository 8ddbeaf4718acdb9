//! The command's other flows against the real local endpoint: the password
//! flows (public and admin, with and without a client secret), `USER_AUTH`
//! with each first factor, one-time codes read from the endpoint's local code
//! channel, `WEB_AUTHN` and `MFA_SETUP`; from a script through standard input,
//! and through a real pseudo-terminal each prompt a person answers: the
//! `SELECT_CHALLENGE` menu, the codes with their masked destination, the
//! passkey request options and the credential, `MFA_SETUP`'s URI and QR code,
//! SMS and email MFA codes and the `SELECT_MFA_TYPE` menu.

#[path = "../../sdk/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-srp");

/// A credential from an authenticator, for a user Cognito knows no passkey of.
const UNKNOWN_PASSKEY: &str = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA"}}"#;

/// `cognito-srp SUBCOMMAND` of `user` of `pool` through `client` at
/// `endpoint`, then `extra`, with the seed's IAM credentials, no shared AWS
/// files and no client secret.
fn command(
    subcommand: &str,
    endpoint: &Endpoint,
    (pool, client, user): (&str, &str, &str),
    extra: &[&str],
) -> Command {
    let mut command = Command::new(BIN);
    command
        .args([subcommand, "--user-pool-id", pool, "--client-id", client])
        .args(["--username", user, "--endpoint-url", &endpoint.url])
        .args(extra)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("COGNITO_CLIENT_SECRET")
        .env_remove("COGNITO_SRP_CLOCK_SKEW")
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

/// `cognito-srp sign-in` of `user` of the seed's first pool through the
/// public app client or, with `secret`, the one with a client secret (given
/// through `COGNITO_CLIENT_SECRET`).
fn sign_in(endpoint: &Endpoint, secret: bool, user: &str, extra: &[&str]) -> Command {
    let client = if secret { SECRET_CLIENT } else { PUBLIC_CLIENT };
    let mut command = command("sign-in", endpoint, (POOL, client, user), extra);
    if secret {
        command.env("COGNITO_CLIENT_SECRET", CLIENT_SECRET);
    }
    command
}

/// Starts `command` with its three streams piped.
fn spawn_piped(mut command: Command) -> Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cognito-srp binary")
}

/// Runs `command` with `stdin` as its standard input (a pipe, not a terminal).
fn run(command: Command, stdin: &str) -> Output {
    let mut child = spawn_piped(command);
    // A usage error exits before reading standard input: a broken pipe here, not a failure.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

/// Runs `command`, which will be asked one-time codes sent to `user`: each
/// time the endpoint sends one (a code newer than those live before), reads it
/// from the local code channel and writes it to the command's standard input.
fn run_with_code(command: Command, endpoint: &Endpoint, pool: &str, user: &str) -> Output {
    run_answering_code(command, endpoint, (pool, user), |code| code)
}

/// [`run_with_code`], answering `answer(code)` instead of each code.
fn run_answering_code(
    command: Command,
    endpoint: &Endpoint,
    (pool, user): (&str, &str),
    mut answer: impl FnMut(String) -> String,
) -> Output {
    let mut seen = delivered_codes(&endpoint.url, pool, user).len();
    let mut child = spawn_piped(command);
    let mut stdin = child.stdin.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        let codes = delivered_codes(&endpoint.url, pool, user);
        if codes.len() > seen {
            seen = codes.len();
            // Written while the command waits for it; a command that has
            // ended meanwhile is judged by its output below.
            let _ = writeln!(stdin, "{}", answer(codes[0].clone()));
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("{user}: still running after 60 s: {}", stderr(&output));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// `code` with its last digit changed: a code that was not sent.
fn other_code(code: String) -> String {
    let (head, last) = code.split_at(code.len() - 1);
    let digit = last.parse::<u8>().expect("a digit");
    format!("{head}{}", (digit + 1) % 10)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The tokens printed on standard output (which holds nothing else).
fn tokens(output: &Output) -> Value {
    assert!(output.status.success(), "failed: {}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("stdout is exactly the JSON of the tokens")
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

fn access_claims(tokens: &Value) -> Value {
    claims(tokens["AccessToken"].as_str().expect("AccessToken"))
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr: {}",
        stderr(output)
    );
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout after a failure"
    );
}

/// A scratch file path (a device or session store), in a fresh directory.
fn scratch(name: &str, file: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-flows-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join(file)
}

#[test]
fn the_password_flows_sign_in_publicly_and_through_the_admin_operations() {
    let endpoint = Endpoint::start();
    for secret in [false, true] {
        for extra in [
            &["--flow", "password"][..],
            &["--flow", "password", "--admin"],
            &["--flow", "user-auth", "--first-factor", "password"],
            &[
                "--flow",
                "user-auth",
                "--first-factor",
                "password",
                "--admin",
            ],
        ] {
            let output = run(
                sign_in(&endpoint, secret, ALICE.0, extra),
                &format!("{}\n", ALICE.1),
            );
            let tokens = tokens(&output);
            let client = if secret { SECRET_CLIENT } else { PUBLIC_CLIENT };
            let access = access_claims(&tokens);
            assert_eq!(access["client_id"], client, "{extra:?}");
            assert_eq!(access["username"], ALICE.0, "{extra:?}");
            assert!(!stderr(&output).contains(ALICE.1));
        }
    }
    // A wrong password is refused as in the SRP flows, publicly and through the admin operation.
    for extra in [
        &["--flow", "password"][..],
        &["--flow", "password", "--admin"],
    ] {
        let wrong = run(
            sign_in(&endpoint, false, ALICE.0, extra),
            "Wrong-Horse-Battery-1\n",
        );
        assert_exit(&wrong, 1);
        assert!(
            stderr(&wrong).contains("NotAuthorizedException"),
            "{}",
            stderr(&wrong)
        );
    }
    // Without the secret, the app client that has one refuses.
    let no_secret = run(
        command(
            "sign-in",
            &endpoint,
            (POOL, SECRET_CLIENT, ALICE.0),
            &["--flow", "password"],
        ),
        &format!("{}\n", ALICE.1),
    );
    assert_exit(&no_secret, 1);
}

#[test]
fn a_first_factor_goes_with_user_auth_only() {
    let endpoint = Endpoint::start();
    for extra in [
        &["--first-factor", "email-otp"][..],
        &["--flow", "password", "--first-factor", "password"],
        &["--flow", "custom-auth", "--first-factor", "password-srp"],
    ] {
        let output = run(sign_in(&endpoint, false, ALICE.0, extra), "");
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("--first-factor goes with --flow user-auth"),
            "{}",
            stderr(&output)
        );
    }
    // clap refuses a factor it does not know.
    let unknown = run(
        sign_in(
            &endpoint,
            false,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "carrier-pigeon"],
        ),
        "",
    );
    assert_exit(&unknown, 2);
}

#[test]
fn one_time_codes_from_a_script_need_no_password() {
    let endpoint = Endpoint::start();
    for (user, factor) in [(ALICE.0, "email-otp"), (FRANK.0, "sms-otp")] {
        for secret in [false, true] {
            for admin in [false, true] {
                let mut extra = vec!["--flow", "user-auth", "--first-factor", factor];
                if admin {
                    extra.push("--admin");
                }
                let output = run_with_code(
                    sign_in(&endpoint, secret, user, &extra),
                    &endpoint,
                    POOL,
                    user,
                );
                let tokens = tokens(&output);
                assert_eq!(access_claims(&tokens)["username"], user, "{extra:?}");
                assert!(!stderr(&output).contains("Password"), "{}", stderr(&output));
            }
        }
    }
    // A code that is not the one sent is refused, and nothing is printed.
    let wrong = run_answering_code(
        sign_in(
            &endpoint,
            false,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "email-otp"],
        ),
        &endpoint,
        (POOL, ALICE.0),
        other_code,
    );
    assert_exit(&wrong, 1);
    assert!(
        stderr(&wrong).contains("CodeMismatchException"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn select_challenge_from_a_script_takes_a_name_or_a_number() {
    let endpoint = Endpoint::start();
    // A password factor by name: the password is the next line after the choice.
    for (choice, secret) in [("password", false), ("PASSWORD_SRP", true), ("2", false)] {
        let output = run(
            sign_in(
                &endpoint,
                secret,
                ALICE.0,
                &["--flow", "user-auth", "--first-factor", "choose"],
            ),
            &format!("{choice}\n{}\n", ALICE.1),
        );
        tokens(&output);
        // The menu goes to standard error, in the pool's order.
        let menu = stderr(&output);
        for line in [
            "SELECT_CHALLENGE: how do you want to sign in?",
            "  1) PASSWORD (the password, sent to the service)",
            "  2) PASSWORD_SRP (the password, proved by SRP: never sent)",
            "  3) EMAIL_OTP (a code sent by email)",
            "  4) WEB_AUTHN (a passkey)",
        ] {
            assert!(menu.contains(line), "{line:?} in {menu}");
        }
    }
    // A factor the menu does not offer (Alice has no phone number) is a usage error.
    for choice in ["sms-otp", "9", "0"] {
        let output = run(
            sign_in(
                &endpoint,
                false,
                ALICE.0,
                &["--flow", "user-auth", "--first-factor", "choose"],
            ),
            &format!("{choice}\n"),
        );
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("no first factor"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn web_authn_from_a_script_prints_the_options_and_reads_the_credential() {
    let endpoint = Endpoint::start();
    let output = run(
        sign_in(
            &endpoint,
            false,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "web-authn"],
        ),
        &format!("{UNKNOWN_PASSKEY}\n"),
    );
    // The endpoint's users have no passkey: Cognito refuses a credential it does not know.
    assert_exit(&output, 1);
    let options = web_authn_options(&stderr(&output));
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["allowCredentials"], serde_json::json!([]));
    // A fresh challenge of 32 random bytes, base64url.
    let challenge = options["challenge"].as_str().unwrap();
    assert_eq!(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(challenge)
            .unwrap()
            .len(),
        32
    );
    // A credential that is not JSON never leaves: a usage error.
    let not_json = run(
        sign_in(
            &endpoint,
            false,
            ALICE.0,
            &["--flow", "user-auth", "--first-factor", "web-authn"],
        ),
        "not json\n",
    );
    assert_exit(&not_json, 2);
}

/// The credential request options the command printed: the JSON line after
/// the `WEB_AUTHN` line.
fn web_authn_options(text: &str) -> Value {
    let line = text
        .lines()
        .skip_while(|line| !line.starts_with("WEB_AUTHN"))
        .find(|line| line.trim_start().starts_with('{'))
        .unwrap_or_else(|| panic!("no options in {text}"));
    serde_json::from_str(line.trim()).unwrap()
}

#[test]
fn mfa_setup_from_a_script_prints_the_secret_and_its_uri_then_signs_in_with_its_code() {
    let endpoint = Endpoint::start();
    let target = (MFA_POOL, MFA_CLIENT, ERIN.0);
    // The code is computed from the secret the command printed, so the
    // command runs with its standard error read as it goes.
    let mut child = spawn_piped(command(
        "sign-in",
        &endpoint,
        target,
        &["--totp-issuer", "Example Corp"],
    ));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", ERIN.1).unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut shown = String::new();
    let uri = loop {
        let mut line = String::new();
        assert!(
            lines.read_line(&mut line).unwrap() > 0,
            "no otpauth URI in {shown}"
        );
        shown.push_str(&line);
        if let Some(uri) = line.trim().strip_prefix("otpauth://") {
            break format!("otpauth://{uri}");
        }
    };
    // The label names the issuer and the user, and the issuer is repeated as a parameter.
    assert!(
        uri.starts_with("otpauth://totp/Example%20Corp:erin?secret="),
        "{uri}"
    );
    assert!(uri.contains("issuer=Example%20Corp"), "{uri}");
    let secret = uri
        .split(['?', '&'])
        .find_map(|part| part.strip_prefix("secret="))
        .unwrap()
        .to_owned();
    // The base32 secret is printed by itself as well, for typing in.
    assert!(shown.contains(&format!("  {secret}\n")), "{shown}");
    writeln!(stdin, "{}", totp_now(&secret)).unwrap();
    drop(stdin);
    let mut rest = String::new();
    lines.read_to_string(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{shown}{rest}");
    // No QR code where standard error is not a terminal.
    let text = format!("{shown}{rest}");
    assert!(
        !text.contains("scan") && !text.contains(['▀', '▄', '█']),
        "{text}"
    );
    let first: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(access_claims(&first)["username"], ERIN.0);

    // Set up: the next sign-in asks for a code of that app (the next
    // step's: the one just used is refused the second time).
    let next = totp_code_at(&secret, 30);
    let again = run(
        command("sign-in", &endpoint, target, &["--mfa-code", &next]),
        &format!("{}\n", ERIN.1),
    );
    tokens(&again);
}

/// The code of the base32 TOTP `secret`, `offset` seconds from now.
fn totp_code_at(secret: &str, offset: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(now + offset)
        .to_string()
}

#[test]
fn each_flow_keeps_its_sign_in_for_token_refresh_and_sign_out() {
    let endpoint = Endpoint::start();
    let cases: [(&str, bool, &[&str]); 4] = [
        ("password", true, &["--flow", "password"]),
        ("password-admin", false, &["--flow", "password", "--admin"]),
        (
            "email-otp",
            true,
            &["--flow", "user-auth", "--first-factor", "email-otp"],
        ),
        (
            "choose-password",
            false,
            &["--flow", "user-auth", "--first-factor", "choose"],
        ),
    ];
    for (name, secret, flow) in cases {
        let store = scratch(name, "sessions.json");
        let store_arg = store.to_str().unwrap();
        let client = if secret { SECRET_CLIENT } else { PUBLIC_CLIENT };
        let with_store = |subcommand: &str, extra: &[&str]| {
            let mut args = vec!["--session-store", store_arg];
            args.extend_from_slice(extra);
            let mut command = command(subcommand, &endpoint, (POOL, client, ALICE.0), &args);
            if secret {
                command.env("COGNITO_CLIENT_SECRET", CLIENT_SECRET);
            }
            command
        };
        // `token` signs in with the flow the first time and keeps the sign-in.
        let first = match name {
            "email-otp" => run_with_code(with_store("token", flow), &endpoint, POOL, ALICE.0),
            "choose-password" => run(with_store("token", flow), &format!("1\n{}\n", ALICE.1)),
            _ => run(with_store("token", flow), &format!("{}\n", ALICE.1)),
        };
        assert!(first.status.success(), "{name}: {}", stderr(&first));
        let token = String::from_utf8(first.stdout).unwrap();
        assert_eq!(claims(token.trim())["client_id"], client, "{name}");
        // The next call prints the kept token, asking nothing (stdin is empty).
        let kept = run(with_store("token", flow), "");
        assert_eq!(String::from_utf8(kept.stdout).unwrap(), token, "{name}");
        // Even then, a first factor without USER_AUTH is a usage error.
        let misused = run(with_store("token", &["--first-factor", "email-otp"]), "");
        assert_exit(&misused, 2);
        // The kept refresh token refreshes (with SECRET_HASH of the real username).
        let refreshed = run(with_store("refresh", &[]), "");
        let refreshed = tokens(&refreshed);
        assert_eq!(access_claims(&refreshed)["username"], ALICE.0, "{name}");
        // And signs out.
        let signed_out = run(with_store("sign-out", &[]), "");
        assert!(
            signed_out.status.success(),
            "{name}: {}",
            stderr(&signed_out)
        );
        std::fs::remove_dir_all(store.parent().unwrap()).unwrap();
    }
}

#[test]
fn a_device_remembered_after_a_one_time_code_signs_in_with_device_srp_auth_next_until_forgotten() {
    let endpoint = Endpoint::start();
    let store = scratch("device-otp", "devices.json");
    let store_arg = store.to_str().unwrap();
    let email_otp = ["--flow", "user-auth", "--first-factor", "email-otp"];
    let mut remember = email_otp.to_vec();
    remember.extend(["--remember-device", "--device-store", store_arg]);
    let first = run_with_code(
        sign_in(&endpoint, false, ALICE.0, &remember),
        &endpoint,
        POOL,
        ALICE.0,
    );
    let first = tokens(&first);
    let device_key = first["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .expect("a new device")
        .to_owned();

    let mut with_store = email_otp.to_vec();
    with_store.extend(["--device-store", store_arg]);
    let second = run_with_code(
        sign_in(&endpoint, false, ALICE.0, &with_store),
        &endpoint,
        POOL,
        ALICE.0,
    );
    assert!(
        stderr(&second).contains("remembered device"),
        "{}",
        stderr(&second)
    );
    let second = tokens(&second);
    assert_eq!(access_claims(&second)["device_key"], device_key.as_str());
    assert!(second.get("NewDeviceMetadata").is_none());

    // Forgotten elsewhere (ForgetDevice): Cognito says `Device does not
    // exist.` after the code, and the command signs in again without the
    // device (a second code) and drops it from the store.
    forget_device(
        &endpoint,
        second["AccessToken"].as_str().unwrap(),
        &device_key,
    );
    let third = run_with_code(
        sign_in(&endpoint, false, ALICE.0, &with_store),
        &endpoint,
        POOL,
        ALICE.0,
    );
    assert!(
        stderr(&third).contains("Cognito no longer knows the remembered device"),
        "{}",
        stderr(&third)
    );
    let third = tokens(&third);
    assert!(access_claims(&third).get("device_key").is_none());
    let kept: Value = serde_json::from_slice(&std::fs::read(&store).unwrap()).unwrap();
    assert!(
        !kept.to_string().contains(&device_key),
        "still in the store: {kept}"
    );
    std::fs::remove_dir_all(store.parent().unwrap()).unwrap();
}

/// `ForgetDevice` of `device_key` with the user's `access_token`, as another
/// client of the user would send it.
fn forget_device(endpoint: &Endpoint, access_token: &str, device_key: &str) {
    use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::{Client, config};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let shared = cognito_srp_sdk::load_config("us-east-1", Some(&endpoint.url)).await;
        let conf = config::Builder::from(&shared)
            .credentials_provider(config::Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "seed",
            ))
            .build();
        Client::from_conf(conf)
            .forget_device()
            .access_token(access_token)
            .device_key(device_key)
            .send()
            .await
            .expect("ForgetDevice");
    });
}

/// The seed's first pool asks SMS and email codes as MFA (`OPTIONAL`, both
/// configured), and `users` turn them on as given: `(username, sms, email)`;
/// alice gets a phone number first, so she can have both.
fn turn_on_code_mfa(endpoint: &Endpoint, users: &[(&str, bool, bool)]) {
    use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::{Client, config, types};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let shared = cognito_srp_sdk::load_config("us-east-1", Some(&endpoint.url)).await;
        let conf = config::Builder::from(&shared)
            .credentials_provider(config::Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "seed",
            ))
            .build();
        let client = Client::from_conf(conf);
        let sms = types::SmsConfigurationType::builder()
            .sns_caller_arn("arn:aws:iam::000000000000:role/cli-tests-sms")
            .build();
        client
            .set_user_pool_mfa_config()
            .user_pool_id(POOL)
            .mfa_configuration(types::UserPoolMfaType::Optional)
            .sms_mfa_configuration(
                types::SmsMfaConfigType::builder()
                    .sms_configuration(sms)
                    .build(),
            )
            .email_mfa_configuration(types::EmailMfaConfigType::builder().build())
            .send()
            .await
            .expect("SetUserPoolMfaConfig");
        client
            .admin_update_user_attributes()
            .user_pool_id(POOL)
            .username(ALICE.0)
            .user_attributes(
                types::AttributeType::builder()
                    .name("phone_number")
                    .value("+15555550199")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("AdminUpdateUserAttributes");
        for &(username, sms, email) in users {
            let on = |enabled| {
                types::SmsMfaSettingsType::builder()
                    .enabled(enabled)
                    .build()
            };
            client
                .admin_set_user_mfa_preference()
                .user_pool_id(POOL)
                .username(username)
                .sms_mfa_settings(on(sms))
                .email_mfa_settings(
                    types::EmailMfaSettingsType::builder()
                        .enabled(email)
                        .build(),
                )
                .send()
                .await
                .expect("AdminSetUserMFAPreference");
        }
    });
}

/// Through a real pseudo-terminal: the prompts a person sees, echo off for secrets.
#[cfg(unix)]
mod terminal {
    use super::*;
    use expectrl::process::unix::WaitStatus;
    use expectrl::session::OsSession as Session;
    use expectrl::{Eof, Expect, Regex};

    fn spawn(command: Command) -> Session {
        let mut session = Session::spawn(command).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        session
    }

    /// Everything printed until the end, and the exit code.
    fn finish(mut session: Session) -> (String, i32) {
        let rest = session.expect(Eof).expect("the end of the output");
        // Eof matches everything left, so the text is the match, not what came before it.
        let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        match session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (text, code),
            other => panic!("{other:?}"),
        }
    }

    /// The tokens the terminal showed, after a successful exit.
    fn signed_in(session: Session) -> Value {
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        let line = text
            .lines()
            .find(|line| line.starts_with('{'))
            .unwrap_or_else(|| panic!("no tokens in {text}"));
        let tokens: Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(tokens["TokenType"], "Bearer");
        tokens
    }

    #[test]
    fn select_challenge_is_a_menu_then_the_email_code_is_asked() {
        let endpoint = Endpoint::start();
        for secret in [false, true] {
            let mut session = spawn(sign_in(
                &endpoint,
                secret,
                ALICE.0,
                &["--flow", "user-auth", "--first-factor", "choose"],
            ));
            session
                .expect("SELECT_CHALLENGE: how do you want to sign in?")
                .unwrap();
            session.expect("1) PASSWORD (").unwrap();
            session.expect("2) PASSWORD_SRP (").unwrap();
            session
                .expect("3) EMAIL_OTP (a code sent by email)")
                .unwrap();
            session.expect("4) WEB_AUTHN (a passkey)").unwrap();
            session.expect("First factor (number or name): ").unwrap();
            session.send_line("3").unwrap();
            session
                .expect("EMAIL_OTP code (sent to a***@e***): ")
                .unwrap();
            session
                .send_line(last_code(&endpoint.url, POOL, ALICE.0))
                .unwrap();
            let tokens = signed_in(session);
            assert_eq!(access_claims(&tokens)["username"], ALICE.0);
        }
    }

    #[test]
    fn a_password_factor_chosen_from_the_menu_asks_for_the_password_unechoed() {
        let endpoint = Endpoint::start();
        for (choice, admin) in [("password-srp", false), ("1", true)] {
            let mut extra = vec!["--flow", "user-auth", "--first-factor", "choose"];
            if admin {
                extra.push("--admin");
            }
            let mut session = spawn(sign_in(&endpoint, false, ALICE.0, &extra));
            session.expect("First factor (number or name): ").unwrap();
            session.send_line(choice).unwrap();
            session.expect("Password for alice: ").unwrap();
            session.send_line(ALICE.1).unwrap();
            let (text, code) = finish(session);
            assert_eq!(code, 0, "{text}");
            assert!(!text.contains(ALICE.1), "the password was echoed: {text}");
        }
    }

    #[test]
    fn the_password_flow_prompts_for_the_password_unechoed() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(
            &endpoint,
            true,
            ALICE.0,
            &["--flow", "password", "--admin"],
        ));
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains(ALICE.1), "the password was echoed: {text}");
    }

    #[test]
    fn one_time_codes_are_asked_with_their_masked_destination() {
        let endpoint = Endpoint::start();
        for (user, factor, prompt) in [
            (ALICE.0, "email-otp", "EMAIL_OTP code (sent to a***@e***): "),
            (FRANK.0, "sms-otp", "SMS_OTP code (sent to +*******0123): "),
        ] {
            let mut session = spawn(sign_in(
                &endpoint,
                false,
                user,
                &["--flow", "user-auth", "--first-factor", factor],
            ));
            session.expect(prompt).unwrap();
            session
                .send_line(last_code(&endpoint.url, POOL, user))
                .unwrap();
            let tokens = signed_in(session);
            assert_eq!(access_claims(&tokens)["username"], user);
        }
        // A wrong code typed at the terminal is refused.
        let mut session = spawn(sign_in(
            &endpoint,
            false,
            FRANK.0,
            &["--flow", "user-auth", "--first-factor", "sms-otp"],
        ));
        session
            .expect("SMS_OTP code (sent to +*******0123): ")
            .unwrap();
        let sent = last_code(&endpoint.url, POOL, FRANK.0);
        session.send_line(other_code(sent)).unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("CodeMismatchException"), "{text}");
    }

    #[test]
    fn web_authn_prints_the_options_and_reads_the_credential() {
        let endpoint = Endpoint::start();
        // Preferred, and chosen from the menu.
        for (factor, choice) in [("web-authn", None), ("choose", Some("web-authn"))] {
            let mut session = spawn(sign_in(
                &endpoint,
                false,
                ALICE.0,
                &["--flow", "user-auth", "--first-factor", factor],
            ));
            if let Some(choice) = choice {
                session.expect("First factor (number or name): ").unwrap();
                session.send_line(choice).unwrap();
            }
            session.expect("navigator.credentials.get").unwrap();
            let shown = session.expect("Credential (JSON, one line): ").unwrap();
            let text = String::from_utf8_lossy(shown.before()).into_owned();
            let options: Value = serde_json::from_str(
                text.lines()
                    .find(|line| line.starts_with('{'))
                    .unwrap_or_else(|| panic!("no options in {text}"))
                    .trim(),
            )
            .unwrap();
            assert_eq!(options["rpId"], "localhost");
            assert!(options["challenge"].is_string(), "{options}");
            session.send_line(UNKNOWN_PASSKEY).unwrap();
            // The endpoint's users have no passkey: the credential is refused there.
            let (text, code) = finish(session);
            assert_eq!(code, 1, "{text}");
            assert!(text.contains("Incorrect username or password."), "{text}");
        }
    }

    #[test]
    fn sms_and_email_mfa_codes_are_asked_and_select_mfa_type_is_a_menu() {
        let endpoint = Endpoint::start();
        turn_on_code_mfa(&endpoint, &[(FRANK.0, true, false), (ALICE.0, true, true)]);
        // One factor on: its code is asked, with where it went (publicly
        // without a client secret; through the admin operations with one).
        for (secret, extra) in [(false, &[][..]), (true, &["--admin"][..])] {
            let mut session = spawn(sign_in(&endpoint, secret, FRANK.0, extra));
            session.expect("Password for frank: ").unwrap();
            session.send_line(FRANK.1).unwrap();
            session
                .expect("SMS_MFA code (sent to +*******0123): ")
                .unwrap();
            session
                .send_line(last_code(&endpoint.url, POOL, FRANK.0))
                .unwrap();
            let tokens = signed_in(session);
            assert_eq!(access_claims(&tokens)["username"], FRANK.0);
        }
        // Two on, none preferred: a menu, then the chosen factor's code.
        let mut session = spawn(sign_in(&endpoint, false, ALICE.0, &[]));
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        session.expect("1) SMS_MFA").unwrap();
        session.expect("2) EMAIL_OTP").unwrap();
        session.expect("MFA type (number): ").unwrap();
        session.send_line("2").unwrap();
        session
            .expect("EMAIL_OTP code (sent to a***@e***): ")
            .unwrap();
        session
            .send_line(last_code(&endpoint.url, POOL, ALICE.0))
            .unwrap();
        let tokens = signed_in(session);
        assert_eq!(access_claims(&tokens)["username"], ALICE.0);
    }

    #[test]
    fn mfa_setup_prints_the_otpauth_uri_and_a_qr_code_then_takes_the_first_code() {
        let endpoint = Endpoint::start();
        let mut session = spawn(command(
            "sign-in",
            &endpoint,
            (MFA_POOL, MFA_CLIENT, ERIN.0),
            &[],
        ));
        session.expect("Password for erin: ").unwrap();
        session.send_line(ERIN.1).unwrap();
        session
            .expect("MFA_SETUP: add this secret to an authenticator app")
            .unwrap();
        let found = session
            .expect(Regex("otpauth://totp/[^ \\r\\n]+secret=([A-Z2-7]+)"))
            .unwrap();
        let uri = String::from_utf8_lossy(found.get(0).unwrap()).into_owned();
        // Without --totp-issuer the issuer is the pool id.
        assert!(
            uri.starts_with(&format!("otpauth://totp/{MFA_POOL}:erin?")),
            "{uri}"
        );
        let secret = String::from_utf8_lossy(found.get(1).unwrap()).into_owned();
        let shown = session.expect("Code from the app: ").unwrap();
        let qr = String::from_utf8_lossy(shown.before()).into_owned();
        assert!(qr.contains("or scan:"), "{qr}");
        let modules = qr.chars().filter(|c| matches!(c, '▀' | '▄' | '█')).count();
        assert!(modules > 100, "a QR code of half blocks: {qr}");
        session.send_line(totp_now(&secret)).unwrap();
        let tokens = signed_in(session);
        assert_eq!(access_claims(&tokens)["username"], ERIN.0);
    }
}
