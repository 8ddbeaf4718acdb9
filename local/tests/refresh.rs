//! The crate's refresh (`cognito_srp::signin::KeptSignIn`) against the
//! endpoint, in process: refresh token rotation and its grace period, the
//! app client's token lifetimes, expiry (the endpoint's clock moved, not
//! waited for), revocation, device binding and sign-out.

use std::time::{Duration, SystemTime};

use cognito_srp::signin::{
    KeptSignIn, Next, RefreshWith, Refreshed, Reply, Request, SignIn, TokenRequest,
};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, Password, PoolId, TokenRefusal};
use cognito_srp_local::{ApiError, Endpoint};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_RefreshPool1";
const EMAIL_POOL: &str = "us-east-1_RefreshMail1";
const PASSWORD: &str = "Correct-Horse-1";
const SECRET: &str = "refresh-tests-client-secret-0001";

fn endpoint() -> Endpoint {
    cognito_srp_local::seed_from_json(&json!({ "pools": [
        { "id": POOL,
          "clients": [{ "id": "plainclient", "remember_devices": true },
                      { "id": "secretclient", "secret": SECRET }],
          "users": [{ "username": "alice", "password": PASSWORD }] },
        { "id": EMAIL_POOL, "username_attributes": ["email"],
          "clients": [{ "id": "mailclient", "secret": SECRET }],
          "users": [{ "username": "alice@example.com", "password": PASSWORD }] }] }))
    .unwrap()
}

/// A new app client of `POOL` with `settings` (CreateUserPoolClient's fields).
fn create_client(endpoint: &Endpoint, settings: Value) -> String {
    let mut body = json!({ "UserPoolId": POOL, "ClientName": "refresh-tests" });
    body.as_object_mut()
        .unwrap()
        .extend(settings.as_object().unwrap().clone());
    let created = endpoint.handle("CreateUserPoolClient", &body).unwrap();
    created["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn operation(target: &str) -> &str {
    target
        .strip_prefix("AWSCognitoIdentityProviderService.")
        .unwrap()
}

fn exchange(endpoint: &Endpoint, request: &Request) -> Reply {
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    let answer = endpoint
        .handle(operation(&request.target()), &body)
        .unwrap_or_else(|e| panic!("{e:?}"));
    Reply::from_json(&answer.to_string()).unwrap()
}

/// Sends a token request: the reply as the driver reads it, or Cognito's error.
fn send(endpoint: &Endpoint, request: &TokenRequest) -> Result<Reply, ApiError> {
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    let answer = endpoint.handle(operation(&request.target()), &body)?;
    Ok(Reply::from_json(&answer.to_string()).unwrap())
}

fn refused(error: &ApiError) -> Option<TokenRefusal> {
    TokenRefusal::from_service_error(error.kind, &error.message)
}

/// Signs `username` in through `app` of `pool` (with `device`, if any) and keeps it.
fn signed_in(
    endpoint: &Endpoint,
    pool: &str,
    app: AppClient,
    username: &str,
    device: Option<DeviceCredentials>,
) -> (KeptSignIn, cognito_srp::signin::SignedIn) {
    let mut signin = SignIn::new(PoolId::parse(pool).unwrap(), app, username).unwrap();
    if let Some(device) = device {
        signin = signin.with_device(device);
    }
    let mut step = signin.start(Password::new(PASSWORD)).unwrap();
    let done = loop {
        let reply = exchange(endpoint, step.request());
        match step.receive(reply).unwrap() {
            Next::Send(next) => step = next,
            Next::Prompt(prompt) => panic!("unexpected prompt {prompt:?}"),
            Next::SignedIn(done) => break done,
        }
    };
    (done.keep(SystemTime::now()).unwrap(), done)
}

fn refresh(
    endpoint: &Endpoint,
    kept: &KeptSignIn,
    app: &AppClient,
    with: RefreshWith,
) -> Result<Refreshed, ApiError> {
    let refresh = kept.refresh(app).unwrap().with(with);
    let reply = send(endpoint, &refresh.request())?;
    Ok(refresh.receive(reply, SystemTime::now()).unwrap())
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

#[test]
fn rotation_gives_a_new_refresh_token_and_the_old_one_lasts_the_grace_period() {
    let endpoint = endpoint();
    let client = create_client(
        &endpoint,
        json!({ "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 } }),
    );
    let app = AppClient::new(&client).unwrap();
    let (first, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let with = RefreshWith::GetTokensFromRefreshToken;

    let refreshed = refresh(&endpoint, &first, &app, with).unwrap();
    assert!(refreshed.rotated());
    let second = refreshed.into_kept();
    assert_ne!(
        second.refresh_token().expose_secret(),
        first.refresh_token().expose_secret()
    );

    // Within the grace period the old token still works, and hands back the new one.
    endpoint.clock().advance(Duration::from_millis(9_000));
    let retry = refresh(&endpoint, &first, &app, with).unwrap();
    assert_eq!(
        retry.refresh_token().expose_secret(),
        second.refresh_token().expose_secret()
    );

    // After it, the old token is reuse.
    endpoint.clock().advance(Duration::from_millis(1_000));
    let reused = refresh(&endpoint, &first, &app, with).unwrap_err();
    assert_eq!(reused.kind, "RefreshTokenReuseException");
    assert_eq!(refused(&reused), Some(TokenRefusal::Reused));
    // The new one works, and rotates in turn.
    let third = refresh(&endpoint, &second, &app, with).unwrap();
    assert!(third.rotated());
}

#[test]
fn without_a_grace_period_the_old_token_is_refused_at_once() {
    let endpoint = endpoint();
    let client = create_client(
        &endpoint,
        json!({ "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 0 } }),
    );
    let app = AppClient::new(&client).unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let with = RefreshWith::GetTokensFromRefreshToken;
    refresh(&endpoint, &kept, &app, with).unwrap();
    let reused = refresh(&endpoint, &kept, &app, with).unwrap_err();
    assert_eq!(refused(&reused), Some(TokenRefusal::Reused));
}

#[test]
fn refresh_token_auth_is_refused_under_rotation_and_gives_no_new_token_without() {
    let endpoint = endpoint();
    let rotating = create_client(
        &endpoint,
        json!({ "RefreshTokenRotation": { "Feature": "ENABLED" } }),
    );
    let app = AppClient::new(&rotating).unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let error = refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(error.kind, "NotAuthorizedException");
    assert!(
        error.message.contains("GetTokensFromRefreshToken"),
        "{error:?}"
    );
    assert_eq!(
        refused(&error),
        None,
        "not the token's fault: signing in again will not help"
    );

    let plain = AppClient::new("plainclient").unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, plain.clone(), "alice", None);
    for with in [
        RefreshWith::InitiateAuth,
        RefreshWith::AdminInitiateAuth,
        RefreshWith::GetTokensFromRefreshToken,
    ] {
        let refreshed = refresh(&endpoint, &kept, &plain, with).unwrap();
        assert!(!refreshed.rotated(), "{with:?}");
        assert_eq!(
            refreshed.refresh_token().expose_secret(),
            kept.refresh_token().expose_secret()
        );
    }
}

#[test]
fn token_lifetimes_are_the_app_clients_in_their_units() {
    let endpoint = endpoint();
    let client = create_client(
        &endpoint,
        json!({ "AccessTokenValidity": 300, "IdTokenValidity": 2, "RefreshTokenValidity": 90,
                "TokenValidityUnits": { "AccessToken": "seconds", "IdToken": "hours",
                                        "RefreshToken": "minutes" } }),
    );
    let app = AppClient::new(&client).unwrap();
    let (kept, done) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let result = done.authentication_result();
    assert_eq!(result.expires_in, Some(300));
    let access = claims(kept.access_token().unwrap().expose_secret());
    let id = claims(kept.id_token().unwrap().expose_secret());
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        300
    );
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        7200
    );
    // The kept sign-in knows each token's own life.
    let now = SystemTime::now();
    assert!(
        kept.fresh_access_token(now + Duration::from_secs(240), Duration::ZERO)
            .is_some()
    );
    assert!(
        kept.fresh_access_token(now + Duration::from_secs(301), Duration::ZERO)
            .is_none()
    );
    assert!(
        kept.fresh_id_token(now + Duration::from_secs(7000), Duration::ZERO)
            .is_some()
    );

    // The refresh token lives 90 minutes, by the endpoint's clock.
    endpoint.clock().advance(Duration::from_secs(89 * 60));
    let refreshed = refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap();
    assert_eq!(refreshed.authentication_result().expires_in, Some(300));
    endpoint.clock().advance(Duration::from_secs(60));
    let expired = refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(expired.message, "Refresh Token has expired");
    assert_eq!(refused(&expired), Some(TokenRefusal::Expired));
}

#[test]
fn an_access_token_expires_by_the_endpoints_clock() {
    let endpoint = endpoint();
    let app = AppClient::new("plainclient").unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let get_user = |kept: &KeptSignIn| {
        endpoint.handle(
            "GetUser",
            &json!({ "AccessToken": kept.access_token().unwrap().expose_secret() }),
        )
    };
    get_user(&kept).unwrap();
    endpoint.clock().advance(Duration::from_secs(3600));
    assert_eq!(
        get_user(&kept).unwrap_err().message,
        "Access Token has expired"
    );
    // A refresh gives one that works at the new time.
    let refreshed = refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap();
    get_user(refreshed.kept()).unwrap();
}

#[test]
fn revocation_is_per_app_client_setting() {
    let endpoint = endpoint();
    let app = AppClient::new("plainclient").unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    send(&endpoint, &kept.revoke_token(&app).unwrap()).unwrap();
    let revoked = refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(refused(&revoked), Some(TokenRefusal::Revoked));

    let without = create_client(&endpoint, json!({ "EnableTokenRevocation": false }));
    let app = AppClient::new(&without).unwrap();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let error = send(&endpoint, &kept.revoke_token(&app).unwrap()).unwrap_err();
    assert_eq!(error.kind, "UnsupportedOperationException");
    refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap();
}

#[test]
fn sign_out_everywhere_by_the_user_or_an_administrator() {
    let endpoint = endpoint();
    let app = AppClient::new("plainclient").unwrap();
    let secret = AppClient::with_secret("secretclient", ClientSecret::new(SECRET)).unwrap();
    let (first, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let (second, _) = signed_in(&endpoint, POOL, secret.clone(), "alice", None);
    send(&endpoint, &first.global_sign_out().unwrap()).unwrap();
    for (kept, app) in [(&first, &app), (&second, &secret)] {
        let error = refresh(&endpoint, kept, app, RefreshWith::InitiateAuth).unwrap_err();
        assert_eq!(refused(&error), Some(TokenRefusal::Revoked));
    }

    let (third, _) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    send(&endpoint, &third.admin_user_global_sign_out()).unwrap();
    let error = refresh(&endpoint, &third, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(refused(&error), Some(TokenRefusal::Revoked));
    let unknown = endpoint
        .handle(
            "AdminUserGlobalSignOut",
            &json!({ "UserPoolId": POOL, "Username": "nobody" }),
        )
        .unwrap_err();
    assert_eq!(unknown.kind, "UserNotFoundException");
}

#[test]
fn with_an_email_username_secret_hash_is_of_the_real_username() {
    let endpoint = endpoint();
    let app = AppClient::with_secret("mailclient", ClientSecret::new(SECRET)).unwrap();
    let (kept, _) = signed_in(
        &endpoint,
        EMAIL_POOL,
        app.clone(),
        "alice@example.com",
        None,
    );
    assert_ne!(
        kept.username(),
        "alice@example.com",
        "the UUID, not the email"
    );
    refresh(&endpoint, &kept, &app, RefreshWith::InitiateAuth).unwrap();
    // The trap: hashing the email as typed.
    let typed = KeptSignIn::new(
        PoolId::parse(EMAIL_POOL).unwrap(),
        "mailclient",
        "alice@example.com",
        kept.refresh_token().clone(),
    )
    .unwrap();
    let error = refresh(&endpoint, &typed, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(error.kind, "NotAuthorizedException");
    assert_eq!(refused(&error), None);
}

#[test]
fn a_remembered_devices_refresh_token_needs_its_device_key() {
    let endpoint = endpoint();
    let app = AppClient::new("plainclient").unwrap();
    let (_, done) = signed_in(&endpoint, POOL, app.clone(), "alice", None);
    let device = done.new_device().expect("the client tracks devices");
    let confirm = device.confirm_device();
    let config = confirm.device_secret_verifier_config();
    endpoint
        .handle(
            "ConfirmDevice",
            &json!({ "AccessToken": confirm.access_token(), "DeviceKey": confirm.device_key(),
                     "DeviceSecretVerifierConfig": { "PasswordVerifier": config.password_verifier(),
                                                     "Salt": config.salt() } }),
        )
        .unwrap();
    let credentials = device.credentials().clone();
    let (kept, _) = signed_in(&endpoint, POOL, app.clone(), "alice", Some(credentials));
    assert!(kept.device().is_some());
    for with in [
        RefreshWith::InitiateAuth,
        RefreshWith::GetTokensFromRefreshToken,
    ] {
        refresh(&endpoint, &kept, &app, with).unwrap();
    }
    let without = kept.clone().without_device();
    let error = refresh(&endpoint, &without, &app, RefreshWith::InitiateAuth).unwrap_err();
    assert_eq!(refused(&error), Some(TokenRefusal::Invalid));
}
