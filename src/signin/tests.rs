//! The driver on recorded exchanges: the pool's side is played by the crate's
//! own `SrpServer`, so every SRP step is checked for real.

use super::*;
use crate::error::{Error, Field};
use crate::secret::{ClientSecret, Password};
use crate::server::{ServerSession, SrpServer, StoredVerifier};
use crate::wire::ParameterMap;

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
            .start_user(&pool_id(), TYPED, USER_ID, &self.user, &parameters["SRP_A"])
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
    match &step.request().call {
        Call::Initiate {
            auth_flow,
            auth_parameters,
        } => (auth_flow, auth_parameters),
        other => panic!("not an initiate call: {other:?}"),
    }
}

fn respond(step: &Step) -> (&str, &ParameterMap, Option<&str>) {
    match &step.request().call {
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
    assert_eq!(step.request().operation, Operation::InitiateAuth);
    assert_eq!(step.request().client_id, CLIENT_ID);
    assert_eq!(step.request().user_pool_id, None);
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
    assert_eq!(step.request().operation, Operation::RespondToAuthChallenge);
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
    assert_eq!(step.request().operation, Operation::AdminInitiateAuth);
    assert_eq!(step.request().user_pool_id.as_deref(), Some(POOL));
    let (_, parameters) = initiate(&step);
    assert_eq!(parameters["SECRET_HASH"], hash(TYPED));

    let reply = pool.password_verifier(parameters);
    let step = expect_send(step.receive(reply));
    assert_eq!(
        step.request().operation,
        Operation::AdminRespondToAuthChallenge
    );
    assert_eq!(step.request().user_pool_id.as_deref(), Some(POOL));
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

#[test]
fn user_auth_without_preference_answers_select_challenge_with_password_srp() {
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

    let select = Reply {
        available_challenges: vec!["PASSWORD".into(), "PASSWORD_SRP".into()],
        ..Reply::challenge(
            "SELECT_CHALLENGE",
            map(&[("USERNAME", USER_ID)]),
            Some("AYAB-select".into()),
        )
    };
    let step = expect_send(step.receive(select));
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "SELECT_CHALLENGE");
    assert_eq!(session, Some("AYAB-select"));
    assert_eq!(responses["ANSWER"], "PASSWORD_SRP");
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
fn select_challenge_without_password_srp_is_refused() {
    let step = signin()
        .with_flow(Flow::UserAuth)
        .start(Password::new(PASSWORD))
        .unwrap();
    let select = Reply {
        available_challenges: vec!["EMAIL_OTP".into(), "WEB_AUTHN".into()],
        ..Reply::challenge("SELECT_CHALLENGE", ParameterMap::new(), Some("s".into()))
    };
    assert_eq!(
        step.receive(select).unwrap_err(),
        Error::UnexpectedReply {
            reason: "PASSWORD_SRP is not among AvailableChallenges",
            after: "InitiateAuth"
        }
    );
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

#[test]
fn mfa_setup_answers_with_the_session_of_verify_software_token() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "MFA_SETUP",
        map(&[("MFAS_CAN_SETUP", r#"["SOFTWARE_TOKEN_MFA"]"#)]),
        Some("AYAB-setup".into()),
    );
    let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    assert_eq!(prompt.mfas_can_setup(), [MfaType::SoftwareTokenMfa]);
    assert_eq!(prompt.session(), "AYAB-setup");
    let prompt = prompt.answer_software_token("").unwrap_err().prompt;
    let step = prompt.answer_software_token("AYAB-verified").unwrap();
    let (name, responses, session) = respond(&step);
    assert_eq!(name, "MFA_SETUP");
    assert_eq!(session, Some("AYAB-verified"));
    assert_eq!(responses, &map(&[("USERNAME", USER_ID)]));
    expect_signed_in(step.receive(tokens()));

    // By email: the address goes with the challenge's own Session.
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge(
        "MFA_SETUP",
        map(&[("MFAS_CAN_SETUP", r#"["EMAIL_OTP"]"#)]),
        Some("AYAB-setup".into()),
    );
    let Prompt::MfaSetup(prompt) = expect_prompt(step.receive(reply)) else {
        panic!()
    };
    let step = prompt.answer_email("alice@example.com").unwrap();
    let (_, responses, session) = respond(&step);
    assert_eq!(session, Some("AYAB-setup"));
    assert_eq!(responses["EMAIL"], "alice@example.com");
}

#[test]
fn mfa_setup_needs_a_session() {
    let mut pool = Pool::new();
    let step = through_password(signin(), &mut pool);
    let reply = Reply::challenge("MFA_SETUP", ParameterMap::new(), None);
    assert_eq!(
        step.receive(reply).unwrap_err(),
        Error::Missing {
            field: Field::Session
        }
    );
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
                reason: "an AuthenticationResult before the SRP proof was sent",
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
            reason: "an AuthenticationResult before the SRP proof was sent",
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
