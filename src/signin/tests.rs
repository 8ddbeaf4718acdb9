//! The driver on recorded exchanges: the pool's side is played by the crate's
//! own `SrpServer`, so every SRP step is checked for real.

use super::*;
use crate::error::{Error, Field};
use crate::secret::{ClientSecret, Password};
use crate::server::{ServerSession, SrpServer};
use crate::stored_verifier::StoredVerifier;
use crate::wire::ParameterMap;
// Under WebAssembly the tests run in Node through wasm-bindgen-test.
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const POOL: &str = "us-east-1_TestPool1";
const CLIENT_ID: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
const SECRET: &str = "1x1uhwq29i228lsml7wqx3qrzi59ppmxie13ya1coj52qk0qwmx";
const TYPED: &str = "alice@example.com";
const USER_ID: &str = "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c";
const PASSWORD: &str = "Correct-Horse-1";
const DEVICE_GROUP_KEY: &str = "-Xy7KqP2w";
const DEVICE_KEY: &str = "us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c";
const ACCESS_TOKEN: &str = "eyJraWQiOiJhY2Nlc3MifQ.access.sig";

fn pool_id() -> PoolId {
    PoolId::parse(POOL).unwrap()
}

fn app(with_secret: bool) -> AppClient {
    if with_secret {
        AppClient::with_secret(CLIENT_ID, ClientSecret::new(SECRET)).unwrap()
    } else {
        AppClient::new(CLIENT_ID).unwrap()
    }
}

fn hash(username: &str) -> String {
    app(true).secret_hash(username).unwrap()
}

fn signin() -> SignIn {
    SignIn::new(pool_id(), app(false), TYPED).unwrap()
}

fn map(pairs: &[(&str, &str)]) -> ParameterMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn tokens() -> Reply {
    Reply::authenticated(AuthenticationResult {
        access_token: Some(ACCESS_TOKEN.into()),
        id_token: Some("eyJ.id.sig".into()),
        refresh_token: Some("eyJ.refresh".into()),
        expires_in: Some(3600),
        token_type: Some("Bearer".into()),
        new_device_metadata: None,
    })
}

/// The pool's side: the user's verifier, and the SRP session in flight.
struct Pool {
    user: StoredVerifier,
    device: Option<(String, String, StoredVerifier)>,
    session: Option<ServerSession>,
}

impl Pool {
    fn new() -> Self {
        Pool {
            user: StoredVerifier::register_user(&pool_id(), USER_ID, &Password::new(PASSWORD))
                .unwrap(),
            device: None,
            session: None,
        }
    }

    /// `PASSWORD_VERIFIER` for the `SRP_A` of `parameters`.
    fn password_verifier(&mut self, parameters: &ParameterMap) -> Reply {
        let session = SrpServer::new()
            .start_user(&pool_id(), USER_ID, &self.user, &parameters["SRP_A"])
            .unwrap();
        let reply = Reply::challenge("PASSWORD_VERIFIER", session.challenge_parameters(), None);
        self.session = Some(session);
        reply
    }

    /// `DEVICE_PASSWORD_VERIFIER` for the `SRP_A` of `parameters`.
    fn device_password_verifier(&mut self, parameters: &ParameterMap) -> Reply {
        let (group, key, verifier) = self.device.as_ref().unwrap();
        assert_eq!(parameters["DEVICE_KEY"], *key);
        let session = SrpServer::new()
            .start_device(group, key, USER_ID, verifier, &parameters["SRP_A"])
            .unwrap();
        let reply = Reply::challenge(
            "DEVICE_PASSWORD_VERIFIER",
            session.challenge_parameters(),
            Some("AYAB-device-2".into()),
        );
        self.session = Some(session);
        reply
    }

    /// Checks the claim of the last SRP session.
    fn verify(&mut self, responses: &ParameterMap) {
        self.session.take().unwrap().verify(responses).unwrap();
    }
}

fn initiate(step: &Step) -> (&str, &ParameterMap) {
    match &step.request().call() {
        Call::Initiate {
            auth_flow,
            auth_parameters,
        } => (auth_flow, auth_parameters),
        other => panic!("not an initiate call: {other:?}"),
    }
}

fn respond(step: &Step) -> (&str, &ParameterMap, Option<&str>) {
    match &step.request().call() {
        Call::Respond {
            challenge_name,
            challenge_responses,
            session,
        } => (challenge_name, challenge_responses, session.as_deref()),
        other => panic!("not a respond call: {other:?}"),
    }
}

fn expect_send(next: Result<Next>) -> Step {
    match next.unwrap() {
        Next::Send(step) => step,
        other => panic!("expected a request to send, got {other:?}"),
    }
}

fn expect_prompt(next: Result<Next>) -> Prompt {
    match next.unwrap() {
        Next::Prompt(prompt) => prompt,
        other => panic!("expected a prompt, got {other:?}"),
    }
}

fn expect_signed_in(next: Result<Next>) -> SignedIn {
    match next.unwrap() {
        Next::SignedIn(done) => done,
        other => panic!("expected the end of the sign-in, got {other:?}"),
    }
}

/// Runs USER_SRP_AUTH up to the answered PASSWORD_VERIFIER, checked by the pool.
fn through_password(signin: SignIn, pool: &mut Pool) -> Step {
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    let reply = pool.password_verifier(initiate(&step).1);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    step
}

#[test]
fn user_srp_auth_through_initiate_auth_without_a_secret() {
    let mut pool = Pool::new();
    let step = signin().start(Password::new(PASSWORD)).unwrap();
    assert_eq!(step.request().operation(), Operation::InitiateAuth);
    assert_eq!(step.request().client_id(), CLIENT_ID);
    assert_eq!(step.request().user_pool_id(), None);
    let (flow, parameters) = initiate(&step);
    assert_eq!(flow, "USER_SRP_AUTH");
    let mut keys: Vec<&str> = parameters.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["SRP_A", "USERNAME"]);
    assert_eq!(parameters["USERNAME"], TYPED);
    assert!(step.holds_password());

    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    assert!(!step.holds_password(), "the password is wiped once signed");
    assert_eq!(
        step.request().operation(),
        Operation::RespondToAuthChallenge
    );
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "PASSWORD_VERIFIER");
    assert_eq!(session, None);
    // The real username, not the typed alias, answers and is signed.
    assert_eq!(responses["USERNAME"], USER_ID);
    assert!(!responses.contains_key("SECRET_HASH"));
    assert!(!responses.contains_key("DEVICE_KEY"));
    pool.verify(responses);

    let done = expect_signed_in(step.receive(tokens()));
    assert_eq!(done.username(), USER_ID);
    assert_eq!(done.access_token(), ACCESS_TOKEN);
    assert_eq!(done.authentication_result().expires_in, Some(3600));
    assert!(done.new_device().is_none());
}

#[test]
fn admin_initiate_auth_with_a_secret_hashes_the_real_username_after_the_first_step() {
    let mut pool = Pool::new();
    let signin = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_entry(Entry::AdminInitiateAuth);
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    assert_eq!(step.request().operation(), Operation::AdminInitiateAuth);
    assert_eq!(step.request().user_pool_id(), Some(POOL));
    let (_, parameters) = initiate(&step);
    assert_eq!(parameters["SECRET_HASH"], hash(TYPED));

    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    assert_eq!(
        step.request().operation(),
        Operation::AdminRespondToAuthChallenge
    );
    assert_eq!(step.request().user_pool_id(), Some(POOL));
    let (_, responses, _) = respond(&step);
    assert_eq!(responses["SECRET_HASH"], hash(USER_ID));
    pool.verify(responses);
    assert_eq!(expect_signed_in(step.receive(tokens())).username(), USER_ID);
}

#[test]
fn user_auth_with_password_srp_preferred_sends_srp_a_at_once() {
    let mut pool = Pool::new();
    let step = signin()
        .with_flow(Flow::UserAuthPasswordSrp)
        .start(Password::new(PASSWORD))
        .unwrap();
    let (flow, parameters) = initiate(&step);
    assert_eq!(flow, "USER_AUTH");
    assert_eq!(parameters["PREFERRED_CHALLENGE"], "PASSWORD_SRP");
    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    expect_signed_in(step.receive(tokens()));
}

fn select_challenge(available: &[&str]) -> Reply {
    Reply {
        available_challenges: available.iter().map(|c| (*c).to_owned()).collect(),
        ..Reply::challenge(
            "SELECT_CHALLENGE",
            map(&[("USERNAME", USER_ID)]),
            Some("AYAB-select".into()),
        )
    }
}

fn expect_select(next: Result<Next>) -> SelectChallenge {
    match expect_prompt(next) {
        Prompt::SelectChallenge(prompt) => prompt,
        other => panic!("expected SELECT_CHALLENGE, got {other:?}"),
    }
}

#[test]
fn user_auth_without_preference_leaves_the_choice_to_a_select_challenge_prompt() {
    let mut pool = Pool::new();
    let step = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_flow(Flow::UserAuth)
        .start(Password::new(PASSWORD))
        .unwrap();
    let (flow, parameters) = initiate(&step);
    assert_eq!(flow, "USER_AUTH");
    assert!(!parameters.contains_key("SRP_A"));
    assert!(!parameters.contains_key("PREFERRED_CHALLENGE"));
    assert_eq!(parameters["SECRET_HASH"], hash(TYPED));

    let prompt = expect_select(step.receive(select_challenge(&[
        "PASSWORD",
        "PASSWORD_SRP",
        "SOMETHING_NEW",
        "EMAIL_OTP",
    ])));
    assert_eq!(
        prompt.available_challenges(),
        [
            FirstFactor::Password,
            FirstFactor::PasswordSrp,
            FirstFactor::EmailOtp
        ]
    );
    // A factor not offered is refused, and the prompt comes back.
    let rejected = prompt.answer(FirstFactor::WebAuthn).unwrap_err();
    assert_eq!(
        rejected.error,
        Error::invalid(Field::Answer, "not among AvailableChallenges")
    );
    let step = rejected.prompt.answer(FirstFactor::PasswordSrp).unwrap();
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "SELECT_CHALLENGE");
    assert_eq!(session, Some("AYAB-select"));
    assert_eq!(responses["ANSWER"], "PASSWORD_SRP");
    assert!(responses.contains_key("SRP_A"));
    assert!(!responses.contains_key("PASSWORD"));
    assert_eq!(responses["USERNAME"], USER_ID);
    assert_eq!(responses["SECRET_HASH"], hash(USER_ID));

    let mut reply = pool.password_verifier(responses);
    reply.session = Some("AYAB-verifier".into());
    let step = expect_send(step.receive(reply));
    let (_, responses, session) = respond(&step);
    assert_eq!(session, Some("AYAB-verifier"));
    pool.verify(responses);
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn select_challenge_with_password_sends_it_and_may_end_at_once() {
    let step = signin()
        .with_flow(Flow::UserAuth)
        .start(Password::new(PASSWORD))
        .unwrap();
    let prompt = expect_select(step.receive(select_challenge(&["PASSWORD", "EMAIL_OTP"])));
    let step = prompt.answer(FirstFactor::Password).unwrap();
    assert!(!step.holds_password(), "moved into the request");
    let (_, responses, _) = respond(&step);
    assert_eq!(responses["ANSWER"], "PASSWORD");
    assert_eq!(responses["PASSWORD"], PASSWORD);
    assert!(!format!("{step:?}").contains(PASSWORD));
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn select_challenge_started_without_a_password_asks_for_it_with_the_factor() {
    let mut pool = Pool::new();
    let step = signin()
        .with_flow(Flow::UserAuth)
        .start_without_password()
        .unwrap();
    let prompt = expect_select(step.receive(select_challenge(&["PASSWORD_SRP", "SMS_OTP"])));
    let rejected = prompt.answer(FirstFactor::PasswordSrp).unwrap_err();
    assert_eq!(
        rejected.error,
        Error::Missing {
            field: Field::Password
        }
    );
    let rejected = rejected
        .prompt
        .answer_with_password(FirstFactor::SmsOtp, Password::new(PASSWORD))
        .unwrap_err();
    assert_eq!(
        rejected.error,
        Error::invalid(Field::Answer, "not a password factor")
    );
    let step = rejected
        .prompt
        .answer_with_password(FirstFactor::PasswordSrp, Password::new(PASSWORD))
        .unwrap();
    let reply = pool.password_verifier(respond(&step).1);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn select_challenge_without_known_factors_is_refused() {
    for (available, error) in [
        (
            &[][..],
            Error::Missing {
                field: Field::AvailableChallenges,
            },
        ),
        (
            &["SOMETHING_NEW"][..],
            Error::invalid(
                Field::AvailableChallenges,
                "names no first factor (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN)",
            ),
        ),
    ] {
        let step = signin()
            .with_flow(Flow::UserAuth)
            .start_without_password()
            .unwrap();
        assert_eq!(
            step.receive(select_challenge(available)).unwrap_err(),
            error
        );
    }
    // Outside USER_AUTH, SELECT_CHALLENGE is out of order.
    let step = signin().start(Password::new(PASSWORD)).unwrap();
    assert_eq!(
        step.receive(select_challenge(&["PASSWORD_SRP"]))
            .unwrap_err(),
        Error::unexpected_challenge("SELECT_CHALLENGE", "InitiateAuth")
    );
}

#[test]
fn password_flows_send_the_password_and_may_end_at_once() {
    for (entry, flow, operation, auth_flow, secret) in [
        (
            Entry::InitiateAuth,
            Flow::UserPasswordAuth,
            Operation::InitiateAuth,
            "USER_PASSWORD_AUTH",
            false,
        ),
        (
            Entry::InitiateAuth,
            Flow::UserPasswordAuth,
            Operation::InitiateAuth,
            "USER_PASSWORD_AUTH",
            true,
        ),
        (
            Entry::AdminInitiateAuth,
            Flow::AdminUserPasswordAuth,
            Operation::AdminInitiateAuth,
            "ADMIN_USER_PASSWORD_AUTH",
            true,
        ),
        (
            Entry::AdminInitiateAuth,
            Flow::UserAuthPassword,
            Operation::AdminInitiateAuth,
            "USER_AUTH",
            false,
        ),
    ] {
        let step = SignIn::new(pool_id(), app(secret), TYPED)
            .unwrap()
            .with_entry(entry)
            .with_flow(flow)
            .start(Password::new(PASSWORD))
            .unwrap();
        assert!(!step.holds_password(), "moved into the request");
        assert_eq!(step.request().operation(), operation);
        let (sent_flow, parameters) = initiate(&step);
        assert_eq!(sent_flow, auth_flow);
        assert_eq!(parameters["PASSWORD"], PASSWORD);
        assert_eq!(parameters["USERNAME"], TYPED);
        assert!(!parameters.contains_key("SRP_A"));
        assert_eq!(
            parameters.get("SECRET_HASH").cloned(),
            secret.then(|| hash(TYPED))
        );
        assert_eq!(
            parameters.get("PREFERRED_CHALLENGE").map(String::as_str),
            (flow == Flow::UserAuthPassword).then_some("PASSWORD")
        );
        assert!(!format!("{step:?}").contains(PASSWORD), "{flow:?}");
        assert!(!format!("{:?}", step.request()).contains(PASSWORD));
        let done = expect_signed_in(step.receive(tokens()));
        assert_eq!(done.username(), TYPED);
    }
}

#[test]
fn password_flows_go_through_their_own_entry_and_need_a_password() {
    for (entry, flow, reason) in [
        (
            Entry::AdminInitiateAuth,
            Flow::UserPasswordAuth,
            "USER_PASSWORD_AUTH goes through InitiateAuth only",
        ),
        (
            Entry::InitiateAuth,
            Flow::AdminUserPasswordAuth,
            "ADMIN_USER_PASSWORD_AUTH goes through AdminInitiateAuth only",
        ),
    ] {
        let signin = signin().with_entry(entry).with_flow(flow);
        assert_eq!(
            signin.start(Password::new(PASSWORD)).unwrap_err(),
            Error::invalid(Field::AuthFlow, reason)
        );
    }
    for flow in [
        Flow::UserSrpAuth,
        Flow::UserPasswordAuth,
        Flow::UserAuthPassword,
        Flow::UserAuthPasswordSrp,
        Flow::CustomAuthSrp,
    ] {
        assert_eq!(
            signin()
                .with_flow(flow)
                .start_without_password()
                .unwrap_err(),
            Error::Missing {
                field: Field::Password
            },
            "{flow:?}"
        );
    }
    assert_eq!(
        signin()
            .with_flow(Flow::UserPasswordAuth)
            .start(Password::new(""))
            .unwrap_err(),
        Error::invalid(Field::Password, "empty")
    );
}

#[test]
fn password_flows_go_on_to_mfa_new_password_and_the_device() {
    let mut pool = Pool::new();
    // MFA after the password.
    let step = signin()
        .with_flow(Flow::UserPasswordAuth)
        .start(Password::new(PASSWORD))
        .unwrap();
    let reply = Reply::challenge(
        "SOFTWARE_TOKEN_MFA",
        map(&[("USERNAME", USER_ID)]),
        Some("AYAB-mfa".into()),
    );
    let Prompt::SoftwareTokenMfa(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    let step = prompt.answer("123456").unwrap();
    let (_, responses, session) = respond(&step);
    assert_eq!(session, Some("AYAB-mfa"));
    assert_eq!(responses["SOFTWARE_TOKEN_MFA_CODE"], "123456");
    assert_eq!(responses["USERNAME"], USER_ID);
    expect_signed_in(step.receive(tokens()));

    // A remembered device: DEVICE_KEY with the password, then the device's SRP.
    let device = remembered_device(&mut pool);
    let step = SignIn::new(pool_id(), app(false), TYPED)
        .unwrap()
        .with_entry(Entry::AdminInitiateAuth)
        .with_flow(Flow::AdminUserPasswordAuth)
        .with_device(device)
        .start(Password::new(PASSWORD))
        .unwrap();
    assert_eq!(initiate(&step).1["DEVICE_KEY"], DEVICE_KEY);
    let reply = Reply::challenge(
        "DEVICE_SRP_AUTH",
        map(&[("USERNAME", USER_ID)]),
        Some("AYAB-device".into()),
    );
    let step = expect_send(step.receive(reply));
    let reply = pool.device_password_verifier(respond(&step).1);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    expect_signed_in(step.receive(tokens()));

    // The SRP challenges never follow a password flow.
    let step = signin()
        .with_flow(Flow::UserPasswordAuth)
        .start(Password::new(PASSWORD))
        .unwrap();
    assert_eq!(
        step.receive(Reply::challenge(
            "PASSWORD_VERIFIER",
            ParameterMap::new(),
            None
        ))
        .unwrap_err(),
        Error::unexpected_challenge("PASSWORD_VERIFIER", "InitiateAuth")
    );
}

#[test]
fn passwordless_first_factors_ask_their_code_or_credential() {
    for (flow, challenge, key) in [
        (Flow::UserAuthEmailOtp, "EMAIL_OTP", "EMAIL_OTP_CODE"),
        (Flow::UserAuthSmsOtp, "SMS_OTP", "SMS_OTP_CODE"),
    ] {
        let step = SignIn::new(pool_id(), app(true), TYPED)
            .unwrap()
            .with_flow(flow)
            .start_without_password()
            .unwrap();
        let (_, parameters) = initiate(&step);
        assert_eq!(parameters["PREFERRED_CHALLENGE"], challenge);
        assert!(!parameters.contains_key("SRP_A") && !parameters.contains_key("PASSWORD"));
        let reply = Reply::challenge(
            challenge,
            map(&[
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL"),
                ("CODE_DELIVERY_DESTINATION", "a***@e***"),
                ("USERNAME", USER_ID),
            ]),
            Some("AYAB-otp".into()),
        );
        let prompt = match expect_prompt(step.receive(reply)) {
            Prompt::EmailOtp(p) | Prompt::SmsOtp(p) => p,
            other => panic!("{other:?}"),
        };
        assert_eq!(prompt.challenge_name(), challenge);
        assert_eq!(prompt.code_delivery_destination(), Some("a***@e***"));
        let prompt = prompt.answer("12a456").unwrap_err().prompt;
        let step = prompt.answer("12345678").unwrap();
        let (name, responses, session) = respond(&step);
        assert_eq!(name, challenge);
        assert_eq!(session, Some("AYAB-otp"));
        assert_eq!(responses[key], "12345678");
        assert_eq!(responses["SECRET_HASH"], hash(USER_ID));
        expect_signed_in(step.receive(tokens()));

        // Tokens straight after the request for a code are refused.
        let step = signin().with_flow(flow).start_without_password().unwrap();
        assert!(step.receive(tokens()).is_err());
    }
    // SMS_OTP comes only where it was asked for.
    let step = signin()
        .with_flow(Flow::UserAuthEmailOtp)
        .start_without_password()
        .unwrap();
    assert_eq!(
        step.receive(Reply::challenge(
            "SMS_OTP",
            ParameterMap::new(),
            Some("s".into())
        ))
        .unwrap_err(),
        Error::unexpected_challenge("SMS_OTP", "InitiateAuth")
    );
    // Chosen through SELECT_CHALLENGE: only ANSWER goes, then the code.
    let step = signin()
        .with_flow(Flow::UserAuth)
        .start_without_password()
        .unwrap();
    let prompt = expect_select(step.receive(select_challenge(&["EMAIL_OTP", "SMS_OTP"])));
    let step = prompt.answer(FirstFactor::SmsOtp).unwrap();
    let (_, responses, _) = respond(&step);
    assert_eq!(
        responses,
        &map(&[("USERNAME", USER_ID), ("ANSWER", "SMS_OTP")])
    );
    let reply = Reply::challenge("SMS_OTP", ParameterMap::new(), Some("AYAB-otp".into()));
    let Prompt::SmsOtp(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    expect_signed_in(prompt.answer("123456").unwrap().receive(tokens()));
}

#[test]
fn web_authn_hands_out_the_options_and_takes_the_credential() {
    const OPTIONS: &str =
        r#"{"challenge":"c2lnbi1pbg","rpId":"example.com","allowCredentials":[]}"#;
    const CREDENTIAL: &str =
        r#"{"id":"Y3JlZA","rawId":"Y3JlZA","type":"public-key","response":{}}"#;
    let via_select = |select: bool| {
        let flow = if select {
            Flow::UserAuth
        } else {
            Flow::UserAuthWebAuthn
        };
        let step = signin().with_flow(flow).start_without_password().unwrap();
        if select {
            let prompt = expect_select(step.receive(select_challenge(&["WEB_AUTHN"])));
            prompt.answer(FirstFactor::WebAuthn).unwrap()
        } else {
            assert_eq!(initiate(&step).1["PREFERRED_CHALLENGE"], "WEB_AUTHN");
            step
        }
    };
    for select in [false, true] {
        let step = via_select(select);
        let reply = Reply::challenge(
            "WEB_AUTHN",
            map(&[("CREDENTIAL_REQUEST_OPTIONS", OPTIONS)]),
            Some("AYAB-webauthn".into()),
        );
        let Prompt::WebAuthn(prompt) = expect_prompt(step.receive(reply)) else {
            panic!()
        };
        assert_eq!(prompt.credential_request_options(), OPTIONS);
        let rejected = prompt.answer("not json").unwrap_err();
        assert_eq!(
            rejected.error,
            Error::invalid(Field::Credential, "not a JSON object")
        );
        let step = rejected.prompt.answer(CREDENTIAL).unwrap();
        let (name, responses, session) = respond(&step);
        assert_eq!(name, "WEB_AUTHN");
        assert_eq!(session, Some("AYAB-webauthn"));
        assert_eq!(responses["CREDENTIAL"], CREDENTIAL);
        expect_signed_in(step.receive(tokens()));
    }
    for (parameters, error) in [
        (
            ParameterMap::new(),
            Error::Missing {
                field: Field::CredentialRequestOptions,
            },
        ),
        (
            map(&[("CREDENTIAL_REQUEST_OPTIONS", "[]")]),
            Error::invalid(Field::CredentialRequestOptions, "not a JSON object"),
        ),
    ] {
        let reply = Reply::challenge("WEB_AUTHN", parameters, Some("s".into()));
        assert_eq!(via_select(false).receive(reply).unwrap_err(), error);
    }
}

#[test]
fn custom_auth_starts_with_srp_a_then_asks_the_custom_challenge() {
    let mut pool = Pool::new();
    let signin = signin().with_flow(Flow::CustomAuthSrp);
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    let (flow, parameters) = initiate(&step);
    assert_eq!(flow, "CUSTOM_AUTH");
    assert_eq!(parameters["CHALLENGE_NAME"], "SRP_A");
    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);

    let custom = Reply::challenge(
        "CUSTOM_CHALLENGE",
        map(&[("USERNAME", USER_ID), ("question", "2+2?")]),
        Some("AYAB-custom".into()),
    );
    let Prompt::CustomChallenge(prompt) = expect_prompt(step.receive(custom)) else {
        panic!("expected CUSTOM_CHALLENGE")
    };
    assert_eq!(prompt.parameters()["question"], "2+2?");
    let prompt = prompt.answer("").unwrap_err().prompt;
    let step = prompt.answer("4").unwrap();
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "CUSTOM_CHALLENGE");
    assert_eq!(session, Some("AYAB-custom"));
    assert_eq!(responses, &map(&[("USERNAME", USER_ID), ("ANSWER", "4")]));
    // The Lambda may ask again before it issues the tokens.
    let again = Reply::challenge("CUSTOM_CHALLENGE", ParameterMap::new(), Some("s2".into()));
    let Prompt::CustomChallenge(prompt) = expect_prompt(step.receive(again)) else {
        panic!()
    };
    let step = prompt.answer("4").unwrap();
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn custom_auth_may_ask_a_custom_challenge_before_the_password() {
    let mut pool = Pool::new();
    let step = signin()
        .with_flow(Flow::CustomAuthSrp)
        .start(Password::new(PASSWORD))
        .unwrap();
    let srp_a = initiate(&step).1.clone();
    let custom = Reply::challenge(
        "CUSTOM_CHALLENGE",
        map(&[("USERNAME", USER_ID)]),
        Some("s1".into()),
    );
    let Prompt::CustomChallenge(prompt) = expect_prompt(step.receive(custom)) else {
        panic!()
    };
    let step = prompt.answer("captcha").unwrap();
    let reply = pool.password_verifier(&srp_a);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    assert_eq!(expect_signed_in(step.receive(tokens())).username(), USER_ID);
}

#[test]
fn new_password_required_asks_the_missing_required_attributes() {
    let mut pool = Pool::new();
    let step = through_password(SignIn::new(pool_id(), app(true), TYPED).unwrap(), &mut pool);
    let reply = Reply::challenge(
        "NEW_PASSWORD_REQUIRED",
        map(&[
            ("USER_ID_FOR_SRP", USER_ID),
            (
                "requiredAttributes",
                r#"["userAttributes.name","userAttributes.family_name"]"#,
            ),
            (
                "userAttributes",
                r#"{"email_verified":"true","email":"alice@example.com"}"#,
            ),
        ]),
        Some("AYAB-new".into()),
    );
    let Prompt::NewPasswordRequired(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    assert_eq!(prompt.required_attributes(), ["name", "family_name"]);
    assert_eq!(prompt.user_attributes()["email"], "alice@example.com");

    let rejected = prompt
        .answer(
            Password::new("New-Password-2"),
            map(&[("name", "Alice"), ("family_name", "")]),
        )
        .unwrap_err();
    assert_eq!(
        rejected.error,
        Error::MissingAttribute {
            name: "family_name".into()
        }
    );
    let rejected = rejected
        .prompt
        .answer(Password::new(""), ParameterMap::new())
        .unwrap_err();
    assert_eq!(rejected.error, Error::invalid(Field::NewPassword, "empty"));

    let step = rejected
        .prompt
        .answer(
            Password::new("New-Password-2"),
            map(&[("name", "Alice"), ("userAttributes.family_name", "Liddell")]),
        )
        .unwrap();
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "NEW_PASSWORD_REQUIRED");
    assert_eq!(session, Some("AYAB-new"));
    assert_eq!(
        responses,
        &map(&[
            ("USERNAME", USER_ID),
            ("SECRET_HASH", &hash(USER_ID)),
            ("NEW_PASSWORD", "New-Password-2"),
            ("userAttributes.name", "Alice"),
            ("userAttributes.family_name", "Liddell"),
        ])
    );
    assert!(!format!("{step:?}").contains("New-Password-2"));
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn every_one_time_code_prompt_sends_its_own_key_with_the_session() {
    for (challenge, key) in [
        ("SMS_MFA", "SMS_MFA_CODE"),
        ("SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA_CODE"),
        ("EMAIL_OTP", "EMAIL_OTP_CODE"),
    ] {
        let mut pool = Pool::new();
        let step = through_password(signin(), &mut pool);
        let reply = Reply::challenge(
            challenge,
            map(&[
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS"),
                ("CODE_DELIVERY_DESTINATION", "+*******0008"),
                ("USER_ID_FOR_SRP", USER_ID),
            ]),
            Some(format!("AYAB-{challenge}")),
        );
        let prompt = expect_prompt(step.receive(reply));
        assert_eq!(prompt.challenge_name(), challenge);
        let code = match prompt {
            Prompt::SmsMfa(code) if challenge == "SMS_MFA" => code,
            Prompt::SoftwareTokenMfa(code) if challenge == "SOFTWARE_TOKEN_MFA" => code,
            Prompt::EmailOtp(code) if challenge == "EMAIL_OTP" => code,
            other => panic!("{challenge}: wrong prompt {other:?}"),
        };
        assert_eq!(code.code_delivery_destination(), Some("+*******0008"));
        assert_eq!(code.code_delivery_medium(), Some("SMS"));
        let rejected = code.answer("12 345").unwrap_err();
        assert_eq!(
            rejected.error,
            Error::invalid(Field::Code, "not ASCII digits")
        );
        let rejected = rejected.prompt.answer("").unwrap_err();
        assert_eq!(rejected.error, Error::invalid(Field::Code, "empty"));
        let step = rejected.prompt.answer("123456").unwrap();
        let (name, responses, session) = respond(&step);
        assert_eq!(name, challenge);
        assert_eq!(session, Some(format!("AYAB-{challenge}").as_str()));
        assert_eq!(responses, &map(&[("USERNAME", USER_ID), (key, "123456")]));
        expect_signed_in(step.receive(tokens()));
    }
}

#[test]
fn select_mfa_type_then_the_chosen_code() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "SELECT_MFA_TYPE",
        map(&[(
            "MFAS_CAN_CHOOSE",
            r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","SOMETHING_NEW"]"#,
        )]),
        Some("s1".into()),
    );
    let Prompt::SelectMfaType(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    assert_eq!(
        prompt.choices(),
        [MfaType::SmsMfa, MfaType::SoftwareTokenMfa]
    );
    let rejected = prompt.answer(MfaType::EmailOtp).unwrap_err();
    assert_eq!(
        rejected.error,
        Error::invalid(Field::Answer, "not among MFAS_CAN_CHOOSE")
    );
    let step = rejected.prompt.answer(MfaType::SoftwareTokenMfa).unwrap();
    let (name, responses, _) = respond(&step);
    assert_eq!(name, "SELECT_MFA_TYPE");
    assert_eq!(responses["ANSWER"], "SOFTWARE_TOKEN_MFA");
    let reply = Reply::challenge("SOFTWARE_TOKEN_MFA", ParameterMap::new(), Some("s2".into()));
    let Prompt::SoftwareTokenMfa(code) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    let step = code.answer("654321").unwrap();
    expect_signed_in(step.receive(tokens()));
}

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

fn mfa_setup(mfas_can_setup: &str) -> Reply {
    Reply::challenge(
        "MFA_SETUP",
        map(&[("MFAS_CAN_SETUP", mfas_can_setup), ("USERNAME", USER_ID)]),
        Some("AYAB-setup".into()),
    )
}

#[test]
fn mfa_setup_fetches_the_secret_verifies_the_first_code_and_answers() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    // The driver asks for the secret itself, with the challenge's Session.
    let step = expect_send(step.receive(mfa_setup(r#"["SOFTWARE_TOKEN_MFA"]"#)));
    assert_eq!(
        step.request().operation(),
        Operation::AssociateSoftwareToken
    );
    assert_eq!(
        *step.request().call(),
        Call::AssociateSoftwareToken {
            session: "AYAB-setup".into()
        }
    );
    assert_eq!(
        step.request().to_json(),
        r#"{"Session":"AYAB-setup"}"#,
        "no ClientId"
    );
    let reply = Reply::software_token_associated(TOTP_SECRET, "AYAB-associated");
    let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    assert_eq!(prompt.mfas_can_setup(), [MfaType::SoftwareTokenMfa]);
    assert_eq!(prompt.secret_code(), Some(TOTP_SECRET));
    assert_eq!(
        prompt.otpauth_uri("Example Corp").unwrap(),
        format!(
            "otpauth://totp/Example%20Corp:alice%40example.com?secret={TOTP_SECRET}&issuer=Example%20Corp"
        )
    );
    assert!(!format!("{prompt:?}").contains(TOTP_SECRET));
    let prompt = prompt.answer("").unwrap_err().prompt;
    let prompt = prompt.answer("12 456").unwrap_err().prompt;

    // The first code goes to VerifySoftwareToken with AssociateSoftwareToken's Session.
    let step = prompt.answer_with_device_name("123456", "phone").unwrap();
    assert_eq!(step.request().operation(), Operation::VerifySoftwareToken);
    assert_eq!(
        *step.request().call(),
        Call::VerifySoftwareToken {
            session: "AYAB-associated".into(),
            user_code: "123456".into(),
            friendly_device_name: Some("phone".into()),
        }
    );
    assert!(!format!("{:?}", step.request()).contains("123456"));

    // On SUCCESS, MFA_SETUP is answered with the Session VerifySoftwareToken gave.
    let reply = Reply::software_token_verified("SUCCESS", Some("AYAB-verified".into()));
    let step = expect_send(step.receive(reply));
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "MFA_SETUP");
    assert_eq!(session, Some("AYAB-verified"));
    assert_eq!(responses, &map(&[("USERNAME", USER_ID)]));
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn mfa_setup_by_email_answers_with_the_challenge_session() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(mfa_setup(r#"["EMAIL_OTP"]"#)))
    else {
        panic!()
    };
    assert_eq!(prompt.secret_code(), None);
    assert_eq!(prompt.otpauth_uri("Example"), None);
    let rejected = prompt.answer("123456").unwrap_err();
    assert_eq!(
        rejected.error,
        Error::invalid(Field::MfasCanSetup, "SOFTWARE_TOKEN_MFA cannot be set up")
    );
    let step = rejected.prompt.answer_email("alice@example.com").unwrap();
    let (_, responses, session) = respond(&step);
    assert_eq!(session, Some("AYAB-setup"));
    assert_eq!(responses["EMAIL"], "alice@example.com");

    // With both, the secret is fetched and the address still goes with the first Session.
    let step = through_password(signin(), &mut pool);
    let step = expect_send(step.receive(mfa_setup(r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#)));
    let reply = Reply::software_token_associated(TOTP_SECRET, "AYAB-associated");
    let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    let step = prompt.answer_email("alice@example.com").unwrap();
    assert_eq!(respond(&step).2, Some("AYAB-setup"));
}

#[test]
fn mfa_setup_replies_are_checked() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge("MFA_SETUP", ParameterMap::new(), None);
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::Session
        }
    );
    let associate = |pool: &mut Pool| {
        let step = through_password(signin(), pool);
        expect_send(step.receive(mfa_setup(r#"["SOFTWARE_TOKEN_MFA"]"#)))
    };
    for (reply, error) in [
        (
            Reply::software_token_associated("", "s"),
            Error::Missing {
                field: Field::SecretCode,
            },
        ),
        (
            Reply::software_token_associated(TOTP_SECRET, ""),
            Error::Missing {
                field: Field::Session,
            },
        ),
        (
            tokens(),
            Error::UnexpectedReply {
                reason: "a ChallengeName or an AuthenticationResult",
                after: "AssociateSoftwareToken",
            },
        ),
    ] {
        assert_eq!(associate(&mut pool).receive(reply).unwrap_err(), error);
    }
    let verify = |pool: &mut Pool| {
        let step = associate(pool);
        let reply = Reply::software_token_associated(TOTP_SECRET, "AYAB-associated");
        let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(reply)) else {
            panic!()
        };
        prompt.answer("123456").unwrap()
    };
    for (reply, error) in [
        (
            Reply::software_token_verified("ERROR", Some("s".into())),
            Error::UnexpectedReply {
                reason: "Status ERROR: the code did not verify",
                after: "VerifySoftwareToken",
            },
        ),
        (
            Reply::software_token_verified("MAYBE", Some("s".into())),
            Error::invalid(Field::Status, "neither SUCCESS nor ERROR"),
        ),
        (
            Reply::software_token_verified("SUCCESS", None),
            Error::Missing {
                field: Field::Session,
            },
        ),
        (
            Reply::challenge("MFA_SETUP", ParameterMap::new(), Some("s".into())),
            Error::UnexpectedReply {
                reason: "a ChallengeName or an AuthenticationResult",
                after: "VerifySoftwareToken",
            },
        ),
    ] {
        assert_eq!(verify(&mut pool).receive(reply).unwrap_err(), error);
    }
}

/// A device confirmed earlier, and the pool's verifier for it.
fn remembered_device(pool: &mut Pool) -> DeviceCredentials {
    let (device, config) = DeviceCredentials::generate(DEVICE_GROUP_KEY, DEVICE_KEY).unwrap();
    let verifier = StoredVerifier::from_device_config(&config).unwrap();
    pool.device = Some((DEVICE_GROUP_KEY.into(), DEVICE_KEY.into(), verifier));
    device
}

#[test]
fn remembered_device_goes_through_device_srp_auth() {
    let mut pool = Pool::new();
    let device = remembered_device(&mut pool);
    let signin = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_device(device);
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    let (_, parameters) = initiate(&step);
    assert_eq!(parameters["DEVICE_KEY"], DEVICE_KEY);
    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    let (_, responses, _) = respond(&step);
    assert_eq!(responses["DEVICE_KEY"], DEVICE_KEY);
    pool.verify(responses);

    let reply = Reply::challenge(
        "DEVICE_SRP_AUTH",
        map(&[("USERNAME", USER_ID)]),
        Some("AYAB-device-1".into()),
    );
    let step = expect_send(step.receive(reply));
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "DEVICE_SRP_AUTH");
    assert_eq!(session, Some("AYAB-device-1"));
    assert_eq!(responses["USERNAME"], USER_ID);
    assert_eq!(responses["DEVICE_KEY"], DEVICE_KEY);
    assert_eq!(responses["SECRET_HASH"], hash(USER_ID));
    assert!(responses.contains_key("SRP_A"));

    let reply = pool.device_password_verifier(responses);
    let step = expect_send(step.receive(reply));
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "DEVICE_PASSWORD_VERIFIER");
    assert_eq!(session, Some("AYAB-device-2"));
    assert_eq!(responses["SECRET_HASH"], hash(USER_ID));
    pool.verify(responses);
    assert_eq!(expect_signed_in(step.receive(tokens())).username(), USER_ID);
}

#[test]
fn new_device_metadata_gives_credentials_that_sign_in_next_time() {
    let mut pool = Pool::new();
    let step = through_password(signin().with_device_name("laptop"), &mut pool);
    let mut reply = tokens();
    reply
        .authentication_result
        .as_mut()
        .unwrap()
        .new_device_metadata = Some(NewDeviceMetadata {
        device_key: Some(DEVICE_KEY.into()),
        device_group_key: Some(DEVICE_GROUP_KEY.into()),
    });
    let done = expect_signed_in(step.receive(reply));
    let device = done.new_device().expect("a new device");
    let confirm = device.confirm_device();
    assert_eq!(confirm.access_token(), ACCESS_TOKEN);
    assert_eq!(confirm.device_key(), DEVICE_KEY);
    assert_eq!(confirm.device_name(), Some("laptop"));
    assert_eq!(device.credentials().device_key(), DEVICE_KEY);
    assert_eq!(device.credentials().device_group_key(), DEVICE_GROUP_KEY);
    let printed = format!("{done:?}");
    assert!(!printed.contains(ACCESS_TOKEN));
    assert!(!printed.contains(device.credentials().device_password().expose_secret()));
    assert!(!printed.contains(confirm.device_secret_verifier_config().password_verifier()));

    // ConfirmDevice registers the verifier; the next sign-in proves the device.
    let verifier =
        StoredVerifier::from_device_config(confirm.device_secret_verifier_config()).unwrap();
    pool.device = Some((DEVICE_GROUP_KEY.into(), DEVICE_KEY.into(), verifier));
    let (_, new_device) = done.into_parts();
    let (credentials, _) = new_device.unwrap().into_parts();
    let step = through_password(signin().with_device(credentials), &mut pool);
    let step = expect_send(step.receive(Reply::challenge(
        "DEVICE_SRP_AUTH",
        ParameterMap::new(),
        None,
    )));
    let reply = pool.device_password_verifier(respond(&step).1);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
    expect_signed_in(step.receive(tokens()));
}

#[test]
fn a_wrong_password_gives_a_claim_the_pool_refuses() {
    let mut pool = Pool::new();
    let step = signin().start(Password::new("not-the-password")).unwrap();
    let reply = pool.password_verifier(initiate(&step).1);
    let step = expect_send(step.receive(reply));
    assert_eq!(
        pool.session.take().unwrap().verify(respond(&step).1),
        Err(Error::NotAuthorized(crate::AuthFailure::SignatureMismatch))
    );
}

#[test]
fn unknown_and_out_of_order_challenges_are_named() {
    let cases: [(&str, Flow); 7] = [
        ("FOO", Flow::UserSrpAuth),
        ("DEVICE_PASSWORD_VERIFIER", Flow::UserSrpAuth),
        ("DEVICE_SRP_AUTH", Flow::UserSrpAuth),
        ("SOFTWARE_TOKEN_MFA", Flow::UserSrpAuth),
        ("SELECT_CHALLENGE", Flow::UserSrpAuth),
        ("CUSTOM_CHALLENGE", Flow::UserAuthPasswordSrp),
        ("PASSWORD_VERIFIER", Flow::UserAuth),
    ];
    for (name, flow) in cases {
        let step = signin()
            .with_flow(flow)
            .start(Password::new(PASSWORD))
            .unwrap();
        let reply = Reply::challenge(name, ParameterMap::new(), None);
        assert_eq!(
            step.receive(reply).unwrap_err(),
            Error::UnexpectedChallenge {
                challenge_name: name.into(),
                after: "InitiateAuth"
            },
            "{name} in {flow:?}"
        );
    }
    let long = "X".repeat(1000);
    let step = signin().start(Password::new(PASSWORD)).unwrap();
    let error = step
        .receive(Reply::challenge(long, ParameterMap::new(), None))
        .unwrap_err();
    assert_eq!(
        error,
        Error::UnexpectedChallenge {
            challenge_name: "X".repeat(64),
            after: "InitiateAuth"
        }
    );
}

#[test]
fn a_challenge_after_the_password_cannot_repeat_the_srp_steps() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let reply = pool.password_verifier(&map(&[("SRP_A", "2")]));
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::UnexpectedChallenge {
            challenge_name: "PASSWORD_VERIFIER".into(),
            after: "the PASSWORD_VERIFIER answer"
        }
    );
    // Without a remembered device, DEVICE_SRP_AUTH has no place.
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge("DEVICE_SRP_AUTH", ParameterMap::new(), None);
    assert!(matches!(
        step.receive(reply),
        Err(Error::UnexpectedChallenge { .. })
    ));
    // After DEVICE_SRP_AUTH, only DEVICE_PASSWORD_VERIFIER.
    let device = remembered_device(&mut pool);
    let step = through_password(signin().with_device(device), &mut pool);
    let step = expect_send(step.receive(Reply::challenge(
        "DEVICE_SRP_AUTH",
        ParameterMap::new(),
        None,
    )));
    for (reply, expected) in [
        (
            Reply::challenge("SMS_MFA", ParameterMap::new(), None),
            Error::UnexpectedChallenge {
                challenge_name: "SMS_MFA".into(),
                after: "the DEVICE_SRP_AUTH answer",
            },
        ),
        (
            tokens(),
            Error::UnexpectedReply {
                reason: "an AuthenticationResult before any proof was sent",
                after: "the DEVICE_SRP_AUTH answer",
            },
        ),
    ] {
        let step = clone_device_step(&mut pool);
        assert_eq!(step.receive(reply).unwrap_err(), expected);
    }
    drop(step);
}

/// A fresh sign-in waiting for the reply to its DEVICE_SRP_AUTH answer.
fn clone_device_step(pool: &mut Pool) -> Step {
    let device = remembered_device(pool);
    let step = through_password(signin().with_device(device), pool);
    expect_send(step.receive(Reply::challenge(
        "DEVICE_SRP_AUTH",
        ParameterMap::new(),
        None,
    )))
}

#[test]
fn tokens_before_any_proof_and_malformed_replies_are_refused() {
    let reply_to_initiate = |reply: Reply| {
        signin()
            .start(Password::new(PASSWORD))
            .unwrap()
            .receive(reply)
            .unwrap_err()
    };
    assert_eq!(
        reply_to_initiate(tokens()),
        Error::UnexpectedReply {
            reason: "an AuthenticationResult before any proof was sent",
            after: "InitiateAuth"
        }
    );
    assert_eq!(
        reply_to_initiate(Reply::default()),
        Error::UnexpectedReply {
            reason: "neither a ChallengeName nor an AuthenticationResult",
            after: "InitiateAuth"
        }
    );
    let mut both = tokens();
    both.challenge_name = Some("PASSWORD_VERIFIER".into());
    assert_eq!(
        reply_to_initiate(both),
        Error::UnexpectedReply {
            reason: "both a ChallengeName and an AuthenticationResult",
            after: "InitiateAuth"
        }
    );
}

#[test]
fn missing_parameters_are_named() {
    let mut pool = Pool::new();
    for (missing, field) in [
        ("SRP_B", Field::SrpB),
        ("SALT", Field::Salt),
        ("SECRET_BLOCK", Field::SecretBlock),
        ("USER_ID_FOR_SRP", Field::UserIdForSrp),
    ] {
        let step = signin().start(Password::new(PASSWORD)).unwrap();
        let mut reply = pool.password_verifier(initiate(&step).1);
        reply.challenge_parameters.remove(missing);
        assert_eq!(step.receive(reply).unwrap_err(), Error::Missing { field });
    }

    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge("SELECT_MFA_TYPE", ParameterMap::new(), Some("s".into()));
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::MfasCanChoose
        }
    );
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "NEW_PASSWORD_REQUIRED",
        map(&[("requiredAttributes", "userAttributes.name")]),
        Some("s".into()),
    );
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::invalid(Field::RequiredAttributes, "not a JSON array of strings")
    );

    let step = through_password(signin(), &mut pool);
    let mut reply = tokens();
    reply.authentication_result.as_mut().unwrap().access_token = None;
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::AccessToken
        }
    );
    let step = through_password(signin(), &mut pool);
    let mut reply = tokens();
    reply
        .authentication_result
        .as_mut()
        .unwrap()
        .new_device_metadata = Some(NewDeviceMetadata {
        device_key: Some(DEVICE_KEY.into()),
        device_group_key: None,
    });
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::DeviceGroupKey
        }
    );

    // DEVICE_PASSWORD_VERIFIER needs its SRP parameters too.
    let step = clone_device_step(&mut pool);
    let reply = Reply::challenge(
        "DEVICE_PASSWORD_VERIFIER",
        map(&[("SRP_B", "2"), ("SALT", "ab")]),
        None,
    );
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::SecretBlock
        }
    );
}

#[test]
fn a_challenge_for_another_user_or_device_is_refused() {
    let mut pool = Pool::new();
    // USERNAME of a later challenge: neither the typed name nor the real one.
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "SOFTWARE_TOKEN_MFA",
        map(&[("USERNAME", "mallory")]),
        Some("s".into()),
    );
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::UserMismatch {
            field: Field::Username
        }
    );
    // Both names are accepted, in any ASCII case.
    for name in [TYPED, USER_ID, "ALICE@example.com"] {
        let step = through_password(signin(), &mut pool);
        let reply = Reply::challenge("SMS_MFA", map(&[("USERNAME", name)]), Some("s".into()));
        assert!(matches!(
            expect_prompt(step.receive(reply)),
            Prompt::SmsMfa(_)
        ));
    }
    // Another USER_ID_FOR_SRP once the real one is known.
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "NEW_PASSWORD_REQUIRED",
        map(&[("USER_ID_FOR_SRP", "0b1c2d3e-other")]),
        Some("s".into()),
    );
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::UserMismatch {
            field: Field::UserIdForSrp
        }
    );
    // Another device.
    let step = clone_device_step(&mut pool);
    let mut reply =
        pool.device_password_verifier(&map(&[("DEVICE_KEY", DEVICE_KEY), ("SRP_A", "2")]));
    reply
        .challenge_parameters
        .insert("DEVICE_KEY".into(), "us-east-1_another-device".into());
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::UserMismatch {
            field: Field::DeviceKey
        }
    );
}

#[test]
fn nothing_secret_is_printed() {
    let step = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .start(Password::new(PASSWORD))
        .unwrap();
    let printed = format!("{step:?}");
    assert!(!printed.contains(PASSWORD));
    assert!(!printed.contains(SECRET));
    let reply = tokens();
    let printed = format!("{reply:?}");
    assert!(!printed.contains(ACCESS_TOKEN) && !printed.contains("eyJ.refresh"));
    let mut with_session = Reply::challenge("SMS_MFA", ParameterMap::new(), Some("AYAB-x".into()));
    with_session.session = Some("AYAB-secret-session".into());
    assert!(!format!("{with_session:?}").contains("AYAB-secret-session"));
}

#[test]
fn a_signin_can_start_over_from_a_clone() {
    let mut pool = Pool::new();
    let signin = signin();
    let first = signin.clone().start(Password::new(PASSWORD)).unwrap();
    drop(first);
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    let reply = pool.password_verifier(initiate(&step).1);
    let step = expect_send(step.receive(reply));
    pool.verify(respond(&step).1);
}

#[test]
fn empty_usernames_are_refused() {
    assert_eq!(
        SignIn::new(pool_id(), app(false), "").unwrap_err(),
        Error::invalid(Field::Username, "empty")
    );
    let step = signin().start(Password::new(PASSWORD)).unwrap();
    let reply = Reply::challenge("PASSWORD_VERIFIER", map(&[("USER_ID_FOR_SRP", "")]), None);
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::invalid(Field::UserIdForSrp, "empty")
    );
}
