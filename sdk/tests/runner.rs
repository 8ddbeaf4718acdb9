//! The runner against the real local endpoint (`cognito-srp-local`, started per
//! test): every entry, flow and challenge it drives, and each refusal.

mod common;

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::Credentials;
use base64::Engine;
use cognito_srp::signin::{Entry, Flow, MfaCode, NewPasswordRequired, SignIn};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, DevicePassword, Password, PoolId};
use cognito_srp_sdk::{Error, NoPrompts, PromptError, Prompter, Runner, load_config};
use common::*;

/// A runner on `endpoint`, signing the `Admin*` operations with `secret_key`.
async fn runner_with_key(endpoint: &Endpoint, secret_key: &str) -> Runner {
    let config = load_config("us-east-1", Some(&endpoint.url)).await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&config)
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            secret_key,
            None,
            None,
            "seed",
        ))
        .build();
    Runner::new(Client::from_conf(config))
}

async fn runner(endpoint: &Endpoint) -> Runner {
    runner_with_key(endpoint, SECRET_ACCESS_KEY).await
}

fn public(username: &str) -> SignIn {
    SignIn::new(pool(), AppClient::new(PUBLIC_CLIENT).unwrap(), username).unwrap()
}

fn with_secret(username: &str) -> SignIn {
    let app = AppClient::with_secret(SECRET_CLIENT, ClientSecret::new(CLIENT_SECRET)).unwrap();
    SignIn::new(pool(), app, username).unwrap()
}

fn pool() -> PoolId {
    PoolId::parse(POOL).unwrap()
}

/// The claims of a JWT's payload (the endpoint signed it; only read here).
fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&json).expect("JSON claims")
}

fn refused_with(error: Error, code: &str) {
    match error {
        Error::Refused(e) => assert_eq!(e.code, code, "{e}"),
        other => panic!("expected a refusal with {code}, got {other:?}"),
    }
}

/// Answers from a test: a new password and/or codes, counting what was asked.
#[derive(Default)]
struct Answers {
    new_password: Option<&'static str>,
    codes: Vec<String>,
    custom: Option<&'static str>,
    asked: Vec<String>,
}

impl Prompter for Answers {
    fn new_password(
        &mut self,
        challenge: &NewPasswordRequired,
    ) -> Result<(Password, HashMap<String, String>), PromptError> {
        self.asked.push("NEW_PASSWORD_REQUIRED".into());
        let _ = challenge.required_attributes();
        let password = self
            .new_password
            .ok_or(PromptError::Unanswerable("none".into()))?;
        Ok((Password::new(password), HashMap::new()))
    }

    fn mfa_code(&mut self, challenge: &MfaCode) -> Result<String, PromptError> {
        self.asked.push(challenge.challenge_name().to_owned());
        if self.codes.is_empty() {
            return Err(PromptError::Unanswerable("no code".into()));
        }
        Ok(self.codes.remove(0))
    }

    fn custom_challenge(
        &mut self,
        parameters: &HashMap<String, String>,
    ) -> Result<String, PromptError> {
        self.asked
            .push(format!("CUSTOM_CHALLENGE {:?}", parameters.get("question")));
        self.custom
            .map(str::to_owned)
            .ok_or(PromptError::Unanswerable("none".into()))
    }
}

#[tokio::test]
async fn user_srp_auth_through_initiate_auth_gives_the_tokens() {
    let endpoint = Endpoint::start();
    let (user, password) = ALICE;
    let signed_in = runner(&endpoint)
        .await
        .sign_in(public(user), Password::new(password), &mut NoPrompts)
        .await
        .unwrap();
    let result = signed_in.authentication_result();
    assert_eq!(result.token_type(), Some("Bearer"));
    assert!(result.id_token().is_some() && result.refresh_token().is_some());
    assert_eq!(claims(signed_in.access_token())["token_use"], "access");
    assert_eq!(
        claims(result.id_token().unwrap())["cognito:username"],
        signed_in.username()
    );
    // The app client remembers devices: a device was created, not yet confirmed.
    assert!(signed_in.new_device().is_some());
}

#[tokio::test]
async fn user_srp_auth_with_a_client_secret_sends_secret_hash() {
    let endpoint = Endpoint::start();
    let (user, password) = ALICE;
    let signed_in = runner(&endpoint)
        .await
        .sign_in(with_secret(user), Password::new(password), &mut NoPrompts)
        .await
        .unwrap();
    assert_eq!(claims(signed_in.access_token())["client_id"], SECRET_CLIENT);
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused() {
    let endpoint = Endpoint::start();
    let app = AppClient::with_secret(SECRET_CLIENT, ClientSecret::new("not-the-secret")).unwrap();
    let sign_in = SignIn::new(pool(), app, ALICE.0).unwrap();
    let error = runner(&endpoint)
        .await
        .sign_in(sign_in, Password::new(ALICE.1), &mut NoPrompts)
        .await
        .unwrap_err();
    refused_with(error, "NotAuthorizedException");
}

#[tokio::test]
async fn admin_initiate_auth_is_signed_with_the_credential_chain() {
    let endpoint = Endpoint::start();
    let (user, password) = ALICE;
    for sign_in in [public(user), with_secret(user)] {
        let signed_in = runner(&endpoint)
            .await
            .sign_in(
                sign_in.with_entry(Entry::AdminInitiateAuth),
                Password::new(password),
                &mut NoPrompts,
            )
            .await
            .unwrap();
        assert_eq!(claims(signed_in.access_token())["token_use"], "access");
    }
}

#[tokio::test]
async fn admin_initiate_auth_with_a_wrong_signing_key_is_a_service_error_not_a_refusal() {
    let endpoint = Endpoint::start();
    let error = runner_with_key(&endpoint, "wrong/secret/key/000000000000000000000001")
        .await
        .sign_in(
            public(ALICE.0).with_entry(Entry::AdminInitiateAuth),
            Password::new(ALICE.1),
            &mut NoPrompts,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Service(_)), "{error:?}");
}

#[tokio::test]
async fn user_auth_with_password_srp_gives_the_tokens() {
    let endpoint = Endpoint::start();
    let signed_in = runner(&endpoint)
        .await
        .sign_in(
            public(ALICE.0).with_flow(Flow::UserAuthPasswordSrp),
            Password::new(ALICE.1),
            &mut NoPrompts,
        )
        .await
        .unwrap();
    assert_eq!(claims(signed_in.access_token())["token_use"], "access");
}

#[tokio::test]
async fn custom_auth_asks_the_custom_challenge_after_srp() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let mut answers = Answers {
        custom: Some(CUSTOM_ANSWER),
        ..Answers::default()
    };
    runner
        .sign_in(
            public(ALICE.0).with_flow(Flow::CustomAuthSrp),
            Password::new(ALICE.1),
            &mut answers,
        )
        .await
        .unwrap();
    assert_eq!(answers.asked, ["CUSTOM_CHALLENGE Some(\"2+2?\")"]);

    let mut wrong = Answers {
        custom: Some("5"),
        ..Answers::default()
    };
    let error = runner
        .sign_in(
            public(ALICE.0).with_flow(Flow::CustomAuthSrp),
            Password::new(ALICE.1),
            &mut wrong,
        )
        .await
        .unwrap_err();
    refused_with(error, "NotAuthorizedException");
}

#[tokio::test]
async fn a_temporary_password_is_replaced_at_the_first_sign_in() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let (user, temporary) = CAROL;
    let new = "Chosen-Password-9$";

    // Without an answer the sign-in stops at the prompt.
    let error = runner
        .sign_in(public(user), Password::new(temporary), &mut NoPrompts)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Prompt(_)), "{error:?}");

    let mut answers = Answers {
        new_password: Some(new),
        ..Answers::default()
    };
    runner
        .sign_in(public(user), Password::new(temporary), &mut answers)
        .await
        .unwrap();
    assert_eq!(answers.asked, ["NEW_PASSWORD_REQUIRED"]);

    // The new password signs in without a prompt; the temporary one no longer does.
    runner
        .sign_in(public(user), Password::new(new), &mut NoPrompts)
        .await
        .unwrap();
    let error = runner
        .sign_in(public(user), Password::new(temporary), &mut NoPrompts)
        .await
        .unwrap_err();
    refused_with(error, "NotAuthorizedException");
}

#[tokio::test]
async fn totp_mfa_takes_the_authenticator_code() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let (user, password) = DAVE;
    let mut answers = Answers {
        codes: vec![dave_totp_code()],
        ..Answers::default()
    };
    runner
        .sign_in(public(user), Password::new(password), &mut answers)
        .await
        .unwrap();
    assert_eq!(answers.asked, ["SOFTWARE_TOKEN_MFA"]);

    // The admin entry asks the same (with a fresh code: a used one is refused).
    let mut answers = Answers {
        codes: vec![next_dave_totp_code()],
        ..Answers::default()
    };
    runner
        .sign_in(
            with_secret(user).with_entry(Entry::AdminInitiateAuth),
            Password::new(password),
            &mut answers,
        )
        .await
        .unwrap();
    assert_eq!(answers.asked, ["SOFTWARE_TOKEN_MFA"]);
}

#[tokio::test]
async fn a_wrong_totp_code_is_refused() {
    let endpoint = Endpoint::start();
    let mut answers = Answers {
        codes: vec![stale_totp_code()],
        ..Answers::default()
    };
    let error = runner(&endpoint)
        .await
        .sign_in(public(DAVE.0), Password::new(DAVE.1), &mut answers)
        .await
        .unwrap_err();
    refused_with(error, "CodeMismatchException");
}

#[tokio::test]
async fn a_remembered_device_signs_in_through_device_srp_auth() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let (user, password) = ALICE;
    let first = runner
        .sign_in(public(user), Password::new(password), &mut NoPrompts)
        .await
        .unwrap();
    let new_device = first.new_device().expect("NewDeviceMetadata");
    runner.confirm_device(new_device, true).await.unwrap();
    let device = new_device.credentials().clone();

    let second = runner
        .sign_in_with_device(
            public(user),
            device.clone(),
            Password::new(password),
            &mut NoPrompts,
        )
        .await
        .unwrap();
    assert!(!second.forgot_device());
    // Signed in as the device: its key is in the access token, and no new device was made.
    assert_eq!(
        claims(second.access_token())["device_key"],
        device.device_key()
    );
    assert!(second.new_device().is_none());
}

#[tokio::test]
async fn an_unknown_device_is_dropped_and_the_sign_in_goes_on_without_it() {
    let endpoint = Endpoint::start();
    let device = DeviceCredentials::new(
        "-unknownGroup",
        "us-east-1_00000000-0000-4000-8000-000000000000",
        DevicePassword::new("not-a-device-password"),
    )
    .unwrap();
    let signed_in = runner(&endpoint)
        .await
        .sign_in_with_device(
            public(ALICE.0),
            device,
            Password::new(ALICE.1),
            &mut NoPrompts,
        )
        .await
        .unwrap();
    assert!(signed_in.forgot_device());
}

#[tokio::test]
async fn a_wrong_password_is_refused() {
    let endpoint = Endpoint::start();
    for entry in [Entry::InitiateAuth, Entry::AdminInitiateAuth] {
        let error = runner(&endpoint)
            .await
            .sign_in(
                public(ALICE.0).with_entry(entry),
                Password::new("Wrong-Password-1"),
                &mut NoPrompts,
            )
            .await
            .unwrap_err();
        assert!(error.is_refused(), "{error:?}");
        refused_with(error, "NotAuthorizedException");
    }
}

#[tokio::test]
async fn an_unknown_user_is_refused() {
    let endpoint = Endpoint::start();
    let error = runner(&endpoint)
        .await
        .sign_in(
            public("nobody"),
            Password::new("Any-Password-1"),
            &mut NoPrompts,
        )
        .await
        .unwrap_err();
    refused_with(error, "UserNotFoundException");
}

#[tokio::test]
async fn no_endpoint_is_a_network_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = load_config("us-east-1", Some(&format!("http://127.0.0.1:{port}"))).await;
    let config = aws_sdk_cognitoidentityprovider::config::Builder::from(&config)
        .retry_config(aws_sdk_cognitoidentityprovider::config::retry::RetryConfig::disabled())
        .build();
    let error = Runner::new(Client::from_conf(config))
        .sign_in(public(ALICE.0), Password::new(ALICE.1), &mut NoPrompts)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Network(_)), "{error:?}");
}
