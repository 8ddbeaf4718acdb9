//! The runner's other flows against the real local endpoint: the password
//! flows, `USER_AUTH` with each first factor (preferred, or chosen through
//! [`Prompter::select_challenge`]), one-time codes read from the endpoint's
//! local channel, the `WEB_AUTHN` prompt, and `MFA_SETUP`.

mod common;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::Credentials;
use cognito_srp::signin::{Entry, FirstFactor, Flow, MfaCode, SignIn};
use cognito_srp::{AppClient, ClientSecret, Password, PoolId};
use cognito_srp_sdk::{Error, NoPrompts, PromptError, Prompter, Runner, load_config};
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

fn sign_in(secret: bool, username: &str, flow: Flow) -> SignIn {
    let app = if secret {
        AppClient::with_secret(SECRET_CLIENT, ClientSecret::new(CLIENT_SECRET)).unwrap()
    } else {
        AppClient::new(PUBLIC_CLIENT).unwrap()
    };
    SignIn::new(PoolId::parse(POOL).unwrap(), app, username)
        .unwrap()
        .with_flow(flow)
}

/// Answers from the endpoint's local channel and a script of choices,
/// recording what was asked.
struct Channel<'a> {
    endpoint: &'a Endpoint,
    pool: &'static str,
    username: &'static str,
    choice: Option<FirstFactor>,
    password: Option<&'static str>,
    credential: Option<&'static str>,
    asked: Vec<String>,
}

impl<'a> Channel<'a> {
    fn new(endpoint: &'a Endpoint, username: &'static str) -> Self {
        Channel {
            endpoint,
            pool: POOL,
            username,
            choice: None,
            password: None,
            credential: None,
            asked: Vec::new(),
        }
    }
}

impl Prompter for Channel<'_> {
    fn mfa_code(&mut self, challenge: &MfaCode) -> Result<String, PromptError> {
        self.asked.push(format!(
            "{} {}",
            challenge.challenge_name(),
            challenge.code_delivery_destination().unwrap_or("?")
        ));
        Ok(last_code(&self.endpoint.url, self.pool, self.username))
    }

    fn select_challenge(&mut self, available: &[FirstFactor]) -> Result<FirstFactor, PromptError> {
        self.asked.push(format!("SELECT_CHALLENGE {available:?}"));
        self.choice
            .ok_or(PromptError::Unanswerable("no choice".into()))
    }

    fn password(&mut self) -> Result<Password, PromptError> {
        self.asked.push("password".into());
        self.password
            .map(Password::new)
            .ok_or(PromptError::Unanswerable("no password".into()))
    }

    fn web_authn(&mut self, options: &str) -> Result<String, PromptError> {
        let options: serde_json::Value = serde_json::from_str(options).unwrap();
        self.asked.push(format!("WEB_AUTHN {}", options["rpId"]));
        self.credential
            .map(str::to_owned)
            .ok_or(PromptError::Unanswerable("no passkey".into()))
    }

    fn software_token_setup_uri(
        &mut self,
        secret_code: &str,
        otpauth_uri: &str,
    ) -> Result<String, PromptError> {
        assert!(
            otpauth_uri.starts_with(&format!(
                "otpauth://totp/{MFA_POOL}:{}?secret=",
                self.username
            )),
            "{otpauth_uri}"
        );
        assert!(otpauth_uri.contains(secret_code));
        self.asked.push("MFA_SETUP".into());
        Ok(totp_now(secret_code))
    }
}

#[tokio::test]
async fn the_password_flows_sign_in_publicly_and_through_the_admin_operations() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    for secret in [false, true] {
        for (flow, entry) in [
            (Flow::UserPasswordAuth, Entry::InitiateAuth),
            (Flow::AdminUserPasswordAuth, Entry::AdminInitiateAuth),
            (Flow::UserAuthPassword, Entry::InitiateAuth),
            (Flow::UserAuthPassword, Entry::AdminInitiateAuth),
        ] {
            let signed_in = runner
                .sign_in(
                    sign_in(secret, ALICE.0, flow).with_entry(entry),
                    Password::new(ALICE.1),
                    &mut NoPrompts,
                )
                .await
                .unwrap_or_else(|e| panic!("{flow:?} {entry:?}: {e}"));
            assert!(signed_in.access_token().starts_with("eyJ"));
        }
    }
    let refused = runner
        .sign_in(
            sign_in(false, ALICE.0, Flow::UserPasswordAuth),
            Password::new("Wrong-Horse-Battery-1"),
            &mut NoPrompts,
        )
        .await
        .unwrap_err();
    assert!(refused.is_refused(), "{refused:?}");
}

#[tokio::test]
async fn one_time_codes_as_the_preferred_first_factor() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    for (username, flow, asked) in [
        (ALICE.0, Flow::UserAuthEmailOtp, "EMAIL_OTP a***@e***"),
        (FRANK.0, Flow::UserAuthSmsOtp, "SMS_OTP +*******0123"),
    ] {
        for secret in [false, true] {
            let mut channel = Channel::new(&endpoint, username);
            let signed_in = runner
                .sign_in_without_password(sign_in(secret, username, flow), &mut channel)
                .await
                .unwrap_or_else(|e| panic!("{flow:?}: {e}"));
            assert_eq!(signed_in.username(), username);
            assert_eq!(channel.asked, [asked]);
        }
    }
}

#[tokio::test]
async fn select_challenge_goes_to_the_prompter() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let all = "SELECT_CHALLENGE [Password, PasswordSrp, EmailOtp, WebAuthn]";

    // A code chosen from the menu.
    let mut channel = Channel::new(&endpoint, ALICE.0);
    channel.choice = Some(FirstFactor::EmailOtp);
    runner
        .sign_in_without_password(sign_in(false, ALICE.0, Flow::UserAuth), &mut channel)
        .await
        .unwrap();
    assert_eq!(channel.asked, [all, "EMAIL_OTP a***@e***"]);

    // A password factor chosen in a sign-in started without one asks for it.
    for factor in [FirstFactor::Password, FirstFactor::PasswordSrp] {
        let mut channel = Channel::new(&endpoint, ALICE.0);
        channel.choice = Some(factor);
        channel.password = Some(ALICE.1);
        runner
            .sign_in_without_password(sign_in(true, ALICE.0, Flow::UserAuth), &mut channel)
            .await
            .unwrap_or_else(|e| panic!("{factor:?}: {e}"));
        assert_eq!(channel.asked, [all, "password"]);
    }

    // Started with the password, the default prompter picks PASSWORD_SRP.
    runner
        .sign_in(
            sign_in(false, ALICE.0, Flow::UserAuth),
            Password::new(ALICE.1),
            &mut NoPrompts,
        )
        .await
        .unwrap();

    // Frank has a phone and no email: the menu says so.
    let mut channel = Channel::new(&endpoint, FRANK.0);
    channel.choice = Some(FirstFactor::SmsOtp);
    runner
        .sign_in_without_password(sign_in(false, FRANK.0, Flow::UserAuth), &mut channel)
        .await
        .unwrap();
    assert_eq!(
        channel.asked,
        [
            "SELECT_CHALLENGE [Password, PasswordSrp, SmsOtp, WebAuthn]",
            "SMS_OTP +*******0123"
        ]
    );
}

#[tokio::test]
async fn web_authn_hands_out_the_options_and_sends_the_credential() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    // The endpoint's users have no passkey: the credential is refused there,
    // after the runner handed out the options and sent it.
    for flow in [Flow::UserAuthWebAuthn, Flow::UserAuth] {
        let mut channel = Channel::new(&endpoint, ALICE.0);
        channel.choice = Some(FirstFactor::WebAuthn);
        channel.credential =
            Some(r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}"#);
        let refused = runner
            .sign_in_without_password(sign_in(false, ALICE.0, flow), &mut channel)
            .await
            .unwrap_err();
        assert!(refused.is_refused(), "{refused:?}");
        assert_eq!(channel.asked.last().unwrap(), "WEB_AUTHN \"localhost\"");
    }
    // A credential that is not JSON never leaves.
    let mut channel = Channel::new(&endpoint, ALICE.0);
    channel.credential = Some("not json");
    let rejected = runner
        .sign_in_without_password(
            sign_in(false, ALICE.0, Flow::UserAuthWebAuthn),
            &mut channel,
        )
        .await
        .unwrap_err();
    assert!(matches!(rejected, Error::InvalidAnswer(_)), "{rejected:?}");
}

#[tokio::test]
async fn mfa_setup_gives_the_secret_and_its_otpauth_uri_then_takes_the_first_code() {
    let endpoint = Endpoint::start();
    let runner = runner(&endpoint).await;
    let app = AppClient::new(MFA_CLIENT).unwrap();
    let start = || SignIn::new(PoolId::parse(MFA_POOL).unwrap(), app.clone(), ERIN.0).unwrap();
    let mut channel = Channel::new(&endpoint, ERIN.0);
    channel.pool = MFA_POOL;
    runner
        .sign_in(start(), Password::new(ERIN.1), &mut channel)
        .await
        .unwrap();
    assert_eq!(channel.asked, ["MFA_SETUP"]);
    // Set up: the next sign-in asks for a code of that authenticator instead.
    let refused = runner
        .sign_in(start(), Password::new(ERIN.1), &mut NoPrompts)
        .await
        .unwrap_err();
    assert!(
        format!("{refused}").contains("SOFTWARE_TOKEN_MFA"),
        "{refused}"
    );
}
