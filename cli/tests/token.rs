//! `cognito-srp token`, `refresh` and `sign-out` against the real local
//! endpoint: a kept sign-in is used while valid, refreshed near its expiry
//! (the command's clock moved with `--clock-skew`), and signed in again only
//! once Cognito refuses its refresh token.

#[path = "../../sdk/tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use base64::Engine;
use cognito_srp_sdk::aws_sdk_cognitoidentityprovider;
use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::Client;
use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::config::Credentials;
use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::types::{
    FeatureType, RefreshTokenRotationType,
};
use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-srp");

/// The command with an environment of its own (no shared AWS files, no
/// client secret, no clock skew) and `store` as its session store.
fn command(subcommand: &str, endpoint: &Endpoint, store: &PathBuf, extra: &[&str]) -> Command {
    command_for(subcommand, endpoint, store, PUBLIC_CLIENT, extra)
}

/// [`command`] for the app client `client_id`.
fn command_for(
    subcommand: &str,
    endpoint: &Endpoint,
    store: &PathBuf,
    client_id: &str,
    extra: &[&str],
) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg(subcommand)
        .args([
            "--user-pool-id",
            POOL,
            "--client-id",
            client_id,
            "--username",
            ALICE.0,
            "--endpoint-url",
            &endpoint.url,
            "--session-store",
        ])
        .arg(store)
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

fn run(mut command: Command, stdin: &str) -> Output {
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
    child.wait_with_output().unwrap()
}

fn scratch_store(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-token-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("sessions.json")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The one token printed on standard output.
fn printed_token(output: &Output) -> String {
    assert!(output.status.success(), "failed: {}", stderr(output));
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    text.trim().to_owned()
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

fn password() -> String {
    format!("{}\n", ALICE.1)
}

/// The seed's pool as a signed SDK client sees it, on a runtime of its own.
fn admin_sdk<T>(endpoint: &Endpoint, call: impl AsyncFnOnce(Client) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = cognito_srp_sdk::load_config("us-east-1", Some(&endpoint.url)).await;
        let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&config)
            .credentials_provider(Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "seed",
            ))
            .build();
        call(Client::from_conf(config)).await
    })
}

/// A new app client of the seed's pool that rotates refresh tokens with no
/// grace period, made as on AWS (`CreateUserPoolClient`): its id.
fn rotating_client(endpoint: &Endpoint) -> String {
    admin_sdk(endpoint, async |client| {
        let rotation = RefreshTokenRotationType::builder()
            .feature(FeatureType::Enabled)
            .retry_grace_period_seconds(0)
            .build()
            .unwrap();
        let made = client
            .create_user_pool_client()
            .user_pool_id(POOL)
            .client_name("rotating")
            .refresh_token_rotation(rotation)
            .send()
            .await
            .unwrap();
        made.user_pool_client()
            .unwrap()
            .client_id()
            .unwrap()
            .to_owned()
    })
}

/// The store's JSON.
fn stored(store: &PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(store).unwrap()).unwrap()
}

/// The refresh token kept for alice through `client_id`.
fn kept_refresh_token(store: &PathBuf, client_id: &str) -> String {
    stored(store)["sessions"][format!("{POOL}/{client_id}/{}", ALICE.0)]["refresh_token"]
        .as_str()
        .expect("a kept refresh token")
        .to_owned()
}

/// `GetTokensFromRefreshToken` with `refresh_token`, as any client sends it: the error code if refused.
fn get_tokens_refusal(endpoint: &Endpoint, client_id: &str, refresh_token: &str) -> Option<String> {
    admin_sdk(endpoint, async |client| {
        client
            .get_tokens_from_refresh_token()
            .client_id(client_id)
            .refresh_token(refresh_token)
            .send()
            .await
            .err()
            .map(|e| {
                e.into_service_error()
                    .meta()
                    .code()
                    .unwrap_or("?")
                    .to_owned()
            })
    })
}

#[test]
fn token_signs_in_once_then_prints_the_kept_token() {
    let endpoint = Endpoint::start();
    let store = scratch_store("once");
    let first = printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    assert_eq!(claims(&first)["token_use"], "access");
    assert_eq!(claims(&first)["username"], ALICE.0);
    // No standard input at all: a sign-in could not even read the password.
    let second = printed_token(&run(command("token", &endpoint, &store, &[]), ""));
    assert_eq!(second, first);
    let id = printed_token(&run(command("token", &endpoint, &store, &["--id"]), ""));
    assert_eq!(claims(&id)["token_use"], "id");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&store).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn near_its_expiry_token_refreshes_instead_of_signing_in() {
    let endpoint = Endpoint::start();
    let store = scratch_store("refresh");
    let first = printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    // 59 minutes and a half later, by the command's clock: within a minute of expiry.
    let later = printed_token(&run(
        command("token", &endpoint, &store, &["--clock-skew", "3570"]),
        "",
    ));
    assert_ne!(later, first);
    assert_eq!(
        claims(&later)["origin_jti"],
        claims(&first)["origin_jti"],
        "refreshed from the same sign-in, not a new one"
    );
    // The refreshed token is kept: by the same clock, no refresh the next time.
    let again = printed_token(&run(
        command("token", &endpoint, &store, &["--clock-skew", "3570"]),
        "",
    ));
    assert_eq!(again, later);
}

#[test]
fn after_sign_out_token_signs_in_again() {
    let endpoint = Endpoint::start();
    let store = scratch_store("sign-out");
    let first = printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    let signed_out = run(command("sign-out", &endpoint, &store, &[]), "");
    assert!(signed_out.status.success(), "{}", stderr(&signed_out));
    // Forgotten: `token` needs the password again (and says so when stdin has none).
    let without = run(command("token", &endpoint, &store, &[]), "");
    assert_eq!(without.status.code(), Some(2), "{}", stderr(&without));
    assert!(
        stderr(&without).contains("password"),
        "{}",
        stderr(&without)
    );
    let again = printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    assert_ne!(claims(&again)["origin_jti"], claims(&first)["origin_jti"]);
}

#[test]
fn a_revoked_refresh_token_makes_token_sign_in_again() {
    let endpoint = Endpoint::start();
    let store = scratch_store("revoked");
    let other_store = scratch_store("revoked-other");
    printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    printed_token(&run(
        command("token", &endpoint, &other_store, &[]),
        &password(),
    ));
    // Signing out everywhere from the other store revokes this store's refresh token too.
    let global = run(
        command("sign-out", &endpoint, &other_store, &["--global"]),
        "",
    );
    assert!(global.status.success(), "{}", stderr(&global));
    let refused = run(command("refresh", &endpoint, &store, &[]), "");
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("Refresh Token has been revoked"),
        "{}",
        stderr(&refused)
    );
    // `refresh` forgot it; so `token` signs in again.
    let again = run(
        command("token", &endpoint, &store, &["--clock-skew", "3570"]),
        &password(),
    );
    printed_token(&again);
}

#[test]
fn refresh_prints_new_tokens_and_needs_a_kept_sign_in() {
    let endpoint = Endpoint::start();
    let store = scratch_store("refresh-command");
    let none = run(command("refresh", &endpoint, &store, &[]), "");
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("no kept sign-in"),
        "{}",
        stderr(&none)
    );

    let signed_in = run(
        command("sign-in", &endpoint, &store, &["--keep"]),
        &password(),
    );
    assert!(signed_in.status.success(), "{}", stderr(&signed_in));
    let refreshed = run(command("refresh", &endpoint, &store, &[]), "");
    assert!(refreshed.status.success(), "{}", stderr(&refreshed));
    let tokens: Value = serde_json::from_slice(&refreshed.stdout).unwrap();
    assert_eq!(
        claims(tokens["AccessToken"].as_str().unwrap())["token_use"],
        "access"
    );
    assert!(
        tokens.get("RefreshToken").is_none(),
        "no rotation: no new refresh token"
    );
    // `token` now prints the refreshed access token without signing in.
    let token = printed_token(&run(command("token", &endpoint, &store, &[]), ""));
    assert_eq!(token, tokens["AccessToken"].as_str().unwrap());
}

#[test]
fn a_rotating_app_client_is_found_out_and_its_new_refresh_tokens_kept() {
    let endpoint = Endpoint::start();
    let client = rotating_client(&endpoint);
    let store = scratch_store("rotation");
    let first = printed_token(&run(
        command_for("token", &endpoint, &store, &client, &[]),
        &password(),
    ));
    let signed_in_with = kept_refresh_token(&store, &client);

    // Near expiry: REFRESH_TOKEN_AUTH is refused, GetTokensFromRefreshToken answers.
    let found_out = run(
        command_for(
            "token",
            &endpoint,
            &store,
            &client,
            &["--clock-skew", "3570"],
        ),
        "",
    );
    let refreshed = printed_token(&found_out);
    assert!(
        stderr(&found_out).contains("refreshing through GetTokensFromRefreshToken"),
        "{}",
        stderr(&found_out)
    );
    assert_ne!(refreshed, first);
    assert_eq!(
        claims(&refreshed)["origin_jti"],
        claims(&first)["origin_jti"]
    );
    let rotated = kept_refresh_token(&store, &client);
    assert_ne!(rotated, signed_in_with, "the new refresh token is kept");
    assert_eq!(
        stored(&store)["get_tokens_from_refresh_token"],
        serde_json::json!([format!("{POOL}/{client}")])
    );
    // No grace period: the token signed in with is refused from now on.
    assert_eq!(
        get_tokens_refusal(&endpoint, &client, &signed_in_with).as_deref(),
        Some("RefreshTokenReuseException")
    );

    // Remembered: `refresh` goes straight to GetTokensFromRefreshToken, with
    // the rotated token (the one before it would be refused), and keeps the next.
    let again = run(command_for("refresh", &endpoint, &store, &client, &[]), "");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        !stderr(&again).contains("refreshing through"),
        "{}",
        stderr(&again)
    );
    let tokens: Value = serde_json::from_slice(&again.stdout).unwrap();
    let next = tokens["RefreshToken"]
        .as_str()
        .expect("a rotated refresh token");
    assert_ne!(next, rotated);
    assert_eq!(kept_refresh_token(&store, &client), next);
    assert_eq!(
        get_tokens_refusal(&endpoint, &client, &rotated).as_deref(),
        Some("RefreshTokenReuseException")
    );

    // A client that does not rotate stays on REFRESH_TOKEN_AUTH.
    printed_token(&run(command("token", &endpoint, &store, &[]), &password()));
    let plain = run(command("refresh", &endpoint, &store, &[]), "");
    assert!(plain.status.success(), "{}", stderr(&plain));
    let tokens: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(tokens.get("RefreshToken").is_none(), "no rotation");
    assert_eq!(
        stored(&store)["get_tokens_from_refresh_token"],
        serde_json::json!([format!("{POOL}/{client}")])
    );
}

/// Through a real pseudo-terminal, as a person sees it.
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

    /// Everything printed until the end (a token is the line that looks like a JWT).
    fn finish(mut session: Session) -> String {
        let rest = session.expect(Eof).expect("the end of the output");
        let text = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        match session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, 0) => text,
            other => panic!("{other:?}: {text}"),
        }
    }

    fn jwt_line(text: &str) -> String {
        text.lines()
            .map(str::trim)
            .find(|line| line.starts_with("eyJ"))
            .unwrap_or_else(|| panic!("no token in {text:?}"))
            .to_owned()
    }

    #[test]
    fn token_on_a_rotating_client_prompts_once_and_refreshes_without_a_flag() {
        let endpoint = Endpoint::start();
        let client = rotating_client(&endpoint);
        let store = scratch_store("terminal-rotation");

        let mut session = spawn(command_for("token", &endpoint, &store, &client, &[]));
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        let first = jwt_line(&finish(session));

        // Past expiry: refused REFRESH_TOKEN_AUTH, then GetTokensFromRefreshToken; no prompt.
        let mut shifted = command_for("token", &endpoint, &store, &client, &[]);
        shifted.env("COGNITO_SRP_CLOCK_SKEW", "7200");
        let text = finish(spawn(shifted));
        assert!(!text.contains("Password"), "{text}");
        assert!(text.contains("GetTokensFromRefreshToken"), "{text}");
        let refreshed = jwt_line(&text);
        assert_ne!(refreshed, first);

        // Later still: straight to GetTokensFromRefreshToken with the rotated token.
        let mut later = command_for("token", &endpoint, &store, &client, &[]);
        later.env("COGNITO_SRP_CLOCK_SKEW", "14400");
        let text = finish(spawn(later));
        assert!(!text.contains("Password"), "{text}");
        assert!(!text.contains("refreshing through"), "{text}");
        let again = jwt_line(&text);
        assert_ne!(again, refreshed);
        assert_eq!(claims(&again)["origin_jti"], claims(&first)["origin_jti"]);
    }

    #[test]
    fn token_prompts_once_refreshes_near_expiry_and_prompts_again_after_sign_out() {
        let endpoint = Endpoint::start();
        let store = scratch_store("terminal");

        let mut session = spawn(command("token", &endpoint, &store, &[]));
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        let text = finish(session);
        assert!(!text.contains(ALICE.1), "echoed: {text}");
        let first = jwt_line(&text);

        // Twice: no prompt, the same token.
        let text = finish(spawn(command("token", &endpoint, &store, &[])));
        assert!(!text.contains("Password"), "{text}");
        assert_eq!(jwt_line(&text), first);

        // With the clock shifted past the token's expiry: refreshed, no prompt.
        let mut shifted = command("token", &endpoint, &store, &[]);
        shifted.env("COGNITO_SRP_CLOCK_SKEW", "7200");
        let text = finish(spawn(shifted));
        assert!(!text.contains("Password"), "{text}");
        let refreshed = jwt_line(&text);
        assert_ne!(refreshed, first);
        assert_eq!(
            claims(&refreshed)["origin_jti"],
            claims(&first)["origin_jti"]
        );

        // After sign-out it prompts again.
        finish(spawn(command("sign-out", &endpoint, &store, &[])));
        let mut session = spawn(command("token", &endpoint, &store, &[]));
        session.expect("Password for alice: ").unwrap();
        session.send_line(ALICE.1).unwrap();
        let again = jwt_line(&finish(session));
        assert_ne!(claims(&again)["origin_jti"], claims(&first)["origin_jti"]);
    }
}
