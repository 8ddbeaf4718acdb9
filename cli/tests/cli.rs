//! The `cognito-srp` command against the real local endpoint (`cognito-srp-local`,
//! started per test): scripts through options and standard input, people
//! through a real pseudo-terminal, and the exit status of each outcome.

#[path = "../../sdk/tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine;
use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-srp");

/// The command with an environment of its own: the seed's IAM credentials,
/// no shared AWS files, no instance metadata, no client secret.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
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

/// `cognito-srp sign-in` of `user` through `client` at `endpoint`, then `extra`.
fn sign_in(endpoint: &Endpoint, client: &str, user: &str, extra: &[&str]) -> Command {
    let mut command = command(&[
        "sign-in",
        "--user-pool-id",
        POOL,
        "--client-id",
        client,
        "--username",
        user,
        "--endpoint-url",
        &endpoint.url,
    ]);
    command.args(extra);
    command
}

/// Runs the command with `stdin` as its standard input (a pipe, not a terminal).
fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cognito-srp binary");
    // A usage error exits before reading standard input: that is a broken pipe here, not a failure.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

/// A scratch device store path, in a fresh directory.
fn scratch_store(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("devices.json")
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

#[test]
fn sign_in_with_the_password_on_stdin_prints_the_tokens_as_json() {
    let endpoint = Endpoint::start();
    let output = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &[]),
        &format!("{}\n", ALICE.1),
    );
    let tokens = tokens(&output);
    assert_eq!(tokens["TokenType"], "Bearer");
    assert!(tokens["IdToken"].is_string() && tokens["RefreshToken"].is_string());
    assert_eq!(access_claims(&tokens)["client_id"], PUBLIC_CLIENT);
    // The password never reaches the terminal's output streams.
    assert!(!stderr(&output).contains(ALICE.1));
}

#[test]
fn the_client_secret_comes_from_the_environment_or_stdin() {
    let endpoint = Endpoint::start();
    let mut from_env = sign_in(&endpoint, SECRET_CLIENT, ALICE.0, &[]);
    from_env.env("COGNITO_CLIENT_SECRET", CLIENT_SECRET);
    let tokens_env = tokens(&run(from_env, &format!("{}\n", ALICE.1)));
    assert_eq!(access_claims(&tokens_env)["client_id"], SECRET_CLIENT);

    let from_stdin = sign_in(
        &endpoint,
        SECRET_CLIENT,
        ALICE.0,
        &["--client-secret-stdin"],
    );
    let tokens_stdin = tokens(&run(from_stdin, &format!("{CLIENT_SECRET}\n{}\n", ALICE.1)));
    assert_eq!(access_claims(&tokens_stdin)["client_id"], SECRET_CLIENT);

    // Without it the endpoint refuses, as Cognito does.
    let output = run(
        sign_in(&endpoint, SECRET_CLIENT, ALICE.0, &[]),
        &format!("{}\n", ALICE.1),
    );
    assert_exit(&output, 1);
}

#[test]
fn admin_sign_in_uses_the_standard_credential_chain() {
    let endpoint = Endpoint::start();
    let output = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &["--admin"]),
        &format!("{}\n", ALICE.1),
    );
    assert_eq!(access_claims(&tokens(&output))["token_use"], "access");

    let mut secret = sign_in(&endpoint, SECRET_CLIENT, ALICE.0, &["--admin"]);
    secret.env("COGNITO_CLIENT_SECRET", CLIENT_SECRET);
    tokens(&run(secret, &format!("{}\n", ALICE.1)));

    // A wrong signing key is the service refusing the request, not the person.
    let mut wrong_key = sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &["--admin"]);
    wrong_key.env(
        "AWS_SECRET_ACCESS_KEY",
        "wrong/secret/key/000000000000000000000001",
    );
    assert_exit(&run(wrong_key, &format!("{}\n", ALICE.1)), 3);
}

#[test]
fn output_env_prints_shell_export_lines() {
    let endpoint = Endpoint::start();
    let output = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &["--output", "env"]),
        &format!("{}\n", ALICE.1),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let names: Vec<_> = stdout
        .lines()
        .map(|line| {
            line.strip_prefix("export ")
                .unwrap()
                .split('=')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        names,
        [
            "COGNITO_ACCESS_TOKEN",
            "COGNITO_ID_TOKEN",
            "COGNITO_REFRESH_TOKEN",
            "COGNITO_TOKEN_TYPE",
            "COGNITO_EXPIRES_IN"
        ]
    );
    // The shell reads them back.
    let echoed = Command::new("sh")
        .arg("-c")
        .arg(format!("{stdout}\nprintf %s \"$COGNITO_TOKEN_TYPE\""))
        .output()
        .unwrap();
    assert_eq!(echoed.stdout, b"Bearer");
}

#[test]
fn user_auth_and_custom_auth_flows() {
    let endpoint = Endpoint::start();
    let user_auth = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &["--flow", "user-auth"]),
        &format!("{}\n", ALICE.1),
    );
    tokens(&user_auth);

    let custom = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "custom-auth", "--custom-answer", CUSTOM_ANSWER],
        ),
        &format!("{}\n", ALICE.1),
    );
    tokens(&custom);
    // Without the option, the answer is the next line of stdin.
    let custom_stdin = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "custom-auth"],
        ),
        &format!("{}\n{CUSTOM_ANSWER}\n", ALICE.1),
    );
    tokens(&custom_stdin);
    let wrong = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--flow", "custom-auth", "--custom-answer", "5"],
        ),
        &format!("{}\n", ALICE.1),
    );
    assert_exit(&wrong, 1);
}

#[test]
fn first_sign_in_with_a_temporary_password_sets_the_new_one_from_stdin() {
    let endpoint = Endpoint::start();
    let (user, temporary) = CAROL;
    let new = "Chosen-Password-9$";
    // A script that did not expect the challenge gets a usage error, and nothing changes.
    let unprepared = run(
        sign_in(&endpoint, PUBLIC_CLIENT, user, &[]),
        &format!("{temporary}\n"),
    );
    assert_exit(&unprepared, 2);
    assert!(
        stderr(&unprepared).contains("--new-password-stdin"),
        "{}",
        stderr(&unprepared)
    );

    let output = run(
        sign_in(&endpoint, PUBLIC_CLIENT, user, &["--new-password-stdin"]),
        &format!("{temporary}\n{new}\n"),
    );
    tokens(&output);
    tokens(&run(
        sign_in(&endpoint, PUBLIC_CLIENT, user, &[]),
        &format!("{new}\n"),
    ));
    assert_exit(
        &run(
            sign_in(&endpoint, PUBLIC_CLIENT, user, &[]),
            &format!("{temporary}\n"),
        ),
        1,
    );
}

#[test]
fn totp_mfa_takes_the_code_from_an_option_and_refuses_a_wrong_one() {
    let endpoint = Endpoint::start();
    let (user, password) = DAVE;
    let code = dave_totp_code();
    let output = run(
        sign_in(&endpoint, PUBLIC_CLIENT, user, &["--mfa-code", &code]),
        &format!("{password}\n"),
    );
    tokens(&output);
    let admin = run(
        sign_in(&endpoint, PUBLIC_CLIENT, user, &["--admin"]),
        // A fresh code: the one just used is refused the second time.
        &format!("{password}\n{}\n", next_dave_totp_code()),
    );
    tokens(&admin);
    let wrong = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            user,
            &["--mfa-code", &stale_totp_code()],
        ),
        &format!("{password}\n"),
    );
    assert_exit(&wrong, 1);
    assert!(
        stderr(&wrong).contains("CodeMismatchException"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn remember_device_then_the_next_sign_in_uses_device_srp_auth() {
    let endpoint = Endpoint::start();
    let store = scratch_store("remember");
    let store_arg = store.to_str().unwrap();
    let first = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--remember-device", "--device-store", store_arg],
        ),
        &format!("{}\n", ALICE.1),
    );
    let first_tokens = tokens(&first);
    assert!(stderr(&first).contains("remembered"), "{}", stderr(&first));
    let device_key = first_tokens["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_owner_only(&store);

    let second = run(
        sign_in(
            &endpoint,
            PUBLIC_CLIENT,
            ALICE.0,
            &["--device-store", store_arg],
        ),
        &format!("{}\n", ALICE.1),
    );
    let second_tokens = tokens(&second);
    assert!(
        stderr(&second).contains("remembered device"),
        "{}",
        stderr(&second)
    );
    assert_eq!(
        access_claims(&second_tokens)["device_key"],
        device_key.as_str()
    );
    assert!(second_tokens.get("NewDeviceMetadata").is_none());
    std::fs::remove_dir_all(store.parent().unwrap()).unwrap();
}

#[cfg(unix)]
fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_owner_only(_: &Path) {}

#[test]
fn refusals_exit_1() {
    let endpoint = Endpoint::start();
    let wrong_password = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &[]),
        "Wrong-Password-1\n",
    );
    assert_exit(&wrong_password, 1);
    assert!(stderr(&wrong_password).contains("NotAuthorizedException"));
    let admin_wrong = run(
        sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &["--admin"]),
        "Wrong-Password-1\n",
    );
    assert_exit(&admin_wrong, 1);
    let unknown = run(
        sign_in(&endpoint, PUBLIC_CLIENT, "nobody", &[]),
        "Any-Password-1\n",
    );
    assert_exit(&unknown, 1);
    assert!(stderr(&unknown).contains("UserNotFoundException"));
}

#[test]
fn usage_errors_exit_2_and_network_errors_exit_3() {
    let endpoint = Endpoint::start();
    // clap's own usage errors.
    assert_exit(&run(command(&["sign-in", "--user-pool-id", POOL]), ""), 2);
    assert_exit(&run(command(&["sign-in", "--password", "x"]), ""), 2);
    // A malformed pool id.
    let bad_pool = command(&[
        "sign-in",
        "--user-pool-id",
        "nopool",
        "--client-id",
        PUBLIC_CLIENT,
        "--username",
        "alice",
    ]);
    assert_exit(&run(bad_pool, "pw\n"), 2);
    // No password on stdin.
    assert_exit(&run(sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &[]), ""), 2);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = command(&[
        "sign-in",
        "--user-pool-id",
        POOL,
        "--client-id",
        PUBLIC_CLIENT,
        "--username",
        "alice",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    let output = run(nowhere, &format!("{}\n", ALICE.1));
    assert_exit(&output, 3);
    assert!(
        stderr(&output).contains("network error"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_world_readable_device_store_is_refused() {
    let endpoint = Endpoint::start();
    let store = scratch_store("modes");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    std::fs::write(&store, "{\"devices\":{}}").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).unwrap();
        let output = run(
            sign_in(
                &endpoint,
                PUBLIC_CLIENT,
                ALICE.0,
                &["--device-store", store.to_str().unwrap()],
            ),
            &format!("{}\n", ALICE.1),
        );
        assert_exit(&output, 4);
        assert!(stderr(&output).contains("chmod 600"), "{}", stderr(&output));
    }
    std::fs::remove_dir_all(store.parent().unwrap()).unwrap();
}

#[test]
fn secret_hash_from_the_environment_or_stdin() {
    // The known answer of the crate's `AppClient` documentation.
    let args = [
        "secret-hash",
        "--username",
        "cd502d42-af1f-4e0d-a8d7-9f49af6d114c",
        "--client-id",
        "lojolie8nsb1iarjfq21iqwo59",
    ];
    let secret = "1x1uhwq29i228lsml7wqx3qrzi59ppmxie13ya1coj52qk0qwmx";
    let expected = "RhiZ383ySjiFMvc4S93uhgGJ7jgcRshfgVrV8rvtraM=\n";
    let mut from_env = command(&args);
    from_env.env("COGNITO_CLIENT_SECRET", secret);
    let output = run(from_env, "");
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
    let output = run(command(&args), &format!("{secret}\n"));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
}

#[test]
fn device_verifier_prints_a_config_that_matches_the_device_password() {
    let output = run(
        command(&[
            "device-verifier",
            "--device-group-key",
            "-Xy7KqP2w",
            "--device-key",
            "us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c",
        ]),
        "",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["DeviceGroupKey"], "-Xy7KqP2w");
    let password = printed["DevicePassword"].as_str().unwrap();
    let config = &printed["DeviceSecretVerifierConfig"];
    // Recompute the verifier from the printed password and salt.
    let salt = base64::engine::general_purpose::STANDARD
        .decode(config["Salt"].as_str().unwrap())
        .unwrap();
    let mut salt16 = [0u8; 16];
    let tail = &salt[salt.len().saturating_sub(16)..];
    salt16[16 - tail.len()..].copy_from_slice(tail);
    let device = cognito_srp::DeviceCredentials::new(
        "-Xy7KqP2w",
        "us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c",
        cognito_srp::DevicePassword::new(password),
    )
    .unwrap();
    let recomputed = device.verifier_config(&salt16);
    assert_eq!(config["PasswordVerifier"], recomputed.password_verifier());
    assert_eq!(config["Salt"], recomputed.salt());
}

#[test]
fn help_shows_an_example_for_each_command() {
    for sub in ["sign-in", "secret-hash", "device-verifier"] {
        let output = command(&[sub, "--help"]).output().unwrap();
        let help = String::from_utf8(output.stdout).unwrap();
        // After the usage line, an example section that runs the command.
        let examples = help
            .split_once("Example")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        assert!(
            examples.contains(&format!("cognito-srp {sub} --")),
            "{sub}: {help}"
        );
    }
}

/// Through a real pseudo-terminal: the prompts a person sees, echo off for secrets.
#[cfg(unix)]
mod terminal {
    use super::*;
    use expectrl::process::unix::WaitStatus;
    use expectrl::session::OsSession as Session;
    use expectrl::{Eof, Expect};
    use std::time::Duration;

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

    /// The JSON line in what the terminal showed.
    fn json_line(text: &str) -> Value {
        let line = text
            .lines()
            .find(|line| line.starts_with('{'))
            .expect("the tokens");
        serde_json::from_str(line.trim()).unwrap()
    }

    #[test]
    fn password_and_totp_code_are_prompted_for() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(&endpoint, PUBLIC_CLIENT, DAVE.0, &[]));
        session.expect("Password for dave: ").unwrap();
        session.send_line(DAVE.1).unwrap();
        session.expect("SOFTWARE_TOKEN_MFA code: ").unwrap();
        session.send_line(dave_totp_code()).unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains(DAVE.1), "the password was echoed: {text}");
        assert_eq!(json_line(&text)["TokenType"], "Bearer");
    }

    #[test]
    fn a_new_password_is_prompted_for_twice() {
        let endpoint = Endpoint::start();
        let (user, temporary) = CAROL;
        let new = "Chosen-Password-9$";
        let mut session = spawn(sign_in(&endpoint, PUBLIC_CLIENT, user, &[]));
        session.expect("Password for carol: ").unwrap();
        session.send_line(temporary).unwrap();
        session.expect("New password: ").unwrap();
        session.send_line(new).unwrap();
        session.expect("New password again: ").unwrap();
        session.send_line(new).unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 0, "{text}");
        assert!(
            !text.contains(new) && !text.contains(temporary),
            "echoed: {text}"
        );
        json_line(&text);
    }

    #[test]
    fn a_wrong_password_typed_at_the_terminal_exits_1() {
        let endpoint = Endpoint::start();
        let mut session = spawn(sign_in(&endpoint, PUBLIC_CLIENT, ALICE.0, &[]));
        session.expect("Password for alice: ").unwrap();
        session.send_line("Wrong-Password-1").unwrap();
        let (text, code) = finish(session);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("Incorrect username or password."), "{text}");
    }
}
