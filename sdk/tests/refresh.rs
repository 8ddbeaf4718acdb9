//! After the sign-in, over the SDK against the real local endpoint: refresh
//! (each operation that carries it), revocation and sign-out, and the
//! refusals that follow them.

mod common;

use std::time::{Duration, SystemTime};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::Credentials;
use base64::Engine;
use cognito_srp::signin::{KeptSignIn, RefreshWith, SignIn};
use cognito_srp::{AppClient, ClientSecret, Password, PoolId, TokenRefusal};
use cognito_srp_sdk::{NoPrompts, Runner, load_config};
use common::*;

async fn runner(endpoint: &Endpoint) -> Runner {
    let config = load_config("us-east-1", Some(&endpoint.url)).await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&config)
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "seed",
        ))
        .build();
    Runner::new(Client::from_conf(config))
}

fn public_app() -> AppClient {
    AppClient::new(PUBLIC_CLIENT).unwrap()
}

fn secret_app() -> AppClient {
    AppClient::with_secret(SECRET_CLIENT, ClientSecret::new(CLIENT_SECRET)).unwrap()
}

fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&json).expect("JSON claims")
}

/// Alice signed in through `app`, kept.
async fn signed_in(runner: &Runner, app: AppClient) -> KeptSignIn {
    let sign_in = SignIn::new(PoolId::parse(POOL).unwrap(), app, ALICE.0).unwrap();
    runner
        .sign_in(sign_in, Password::new(ALICE.1), &mut NoPrompts)
        .await
        .unwrap()
        .keep(SystemTime::now())
        .unwrap()
}

#[tokio::test]
async fn refresh_token_auth_gives_new_tokens_and_keeps_the_refresh_token() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let kept = signed_in(&runner, public_app()).await;
    let refreshed = runner
        .refresh(kept.refresh(&public_app()).unwrap())
        .await
        .unwrap();
    assert!(!refreshed.rotated());
    assert_eq!(
        refreshed.refresh_token().expose_secret(),
        kept.refresh_token().expose_secret()
    );
    let before = claims(kept.access_token().unwrap().expose_secret());
    let after = claims(refreshed.access_token().expose_secret());
    assert_eq!(after["username"], ALICE.0);
    assert_eq!(after["client_id"], PUBLIC_CLIENT);
    assert_ne!(after["jti"], before["jti"], "a new access token");
    assert_eq!(
        after["origin_jti"], before["origin_jti"],
        "from the same sign-in"
    );
    let kept = refreshed.into_kept();
    assert!(
        kept.fresh_access_token(SystemTime::now(), Duration::from_secs(60))
            .is_some()
    );
}

#[tokio::test]
async fn admin_refresh_with_a_client_secret_hashes_the_real_username() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let kept = signed_in(&runner, secret_app()).await;
    let refreshed = runner
        .refresh(
            kept.refresh(&secret_app())
                .unwrap()
                .with(RefreshWith::AdminInitiateAuth),
        )
        .await
        .unwrap();
    assert_eq!(
        claims(refreshed.access_token().expose_secret())["client_id"],
        SECRET_CLIENT
    );
    // GetTokensFromRefreshToken takes the secret as it is.
    runner
        .refresh(
            kept.refresh(&secret_app())
                .unwrap()
                .with(RefreshWith::GetTokensFromRefreshToken),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_refresh_token_is_refused_as_revoked() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let kept = signed_in(&runner, public_app()).await;
    let other = signed_in(&runner, public_app()).await;
    runner.revoke_token(&kept, &public_app()).await.unwrap();
    let error = runner
        .refresh(kept.refresh(&public_app()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        error.token_refusal(),
        Some(TokenRefusal::Revoked),
        "{error}"
    );
    // Another sign-in's refresh token still works.
    runner
        .refresh(other.refresh(&public_app()).unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn global_sign_out_ends_every_sign_in_of_the_user() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let first = signed_in(&runner, public_app()).await;
    let second = signed_in(&runner, secret_app()).await;
    runner.global_sign_out(&first).await.unwrap();
    for (kept, app) in [(first, public_app()), (second, secret_app())] {
        let error = runner
            .refresh(kept.refresh(&app).unwrap())
            .await
            .unwrap_err();
        assert_eq!(
            error.token_refusal(),
            Some(TokenRefusal::Revoked),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_refresh_token_of_another_app_client_is_invalid() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let kept = signed_in(&runner, public_app()).await;
    // The library refuses to send it; a caller who sends it anyway is refused by Cognito.
    let stolen = KeptSignIn::new(
        PoolId::parse(POOL).unwrap(),
        SECRET_CLIENT,
        ALICE.0,
        kept.refresh_token().clone(),
    )
    .unwrap();
    let error = runner
        .refresh(stolen.refresh(&secret_app()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        error.token_refusal(),
        Some(TokenRefusal::Invalid),
        "{error}"
    );
}
