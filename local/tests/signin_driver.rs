//! The crate's sign-in driver (`cognito_srp::signin`) against the endpoint,
//! in process: each request goes through its JSON wire form to
//! `Endpoint::handle`, and each answer back through `Reply::from_json`.
//! The flows run public and admin (`Entry`), with an app client without a
//! secret and with one, whose every request must carry its `SECRET_HASH`.

use cognito_srp::signin::{Call, Entry, Next, Reply, Request, SignIn, SignedIn, Step};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, Password, PoolId};
use cognito_srp_local::Endpoint;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_DriverPool1";
const PASSWORD: &str = "Correct-Horse-1";

fn endpoint() -> Endpoint {
    cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient", "remember_devices": true },
                    { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "alice", "password": PASSWORD }] }] }))
    .unwrap()
}

/// Sends `request` and reads the answer. A request that carries
/// `SECRET_HASH` (every one of a client with a secret, but the TOTP set-up
/// calls) is first sent without it, and must be refused for that alone,
/// before anything of the sign-in is spent.
fn exchange(endpoint: &Endpoint, request: &Request) -> Result<Reply, String> {
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    let operation = request.operation().name();
    for key in ["AuthParameters", "ChallengeResponses"] {
        let mut stripped = body.clone();
        let Some(parameters) = stripped.get_mut(key).and_then(Value::as_object_mut) else {
            continue;
        };
        if parameters.remove("SECRET_HASH").is_none() {
            continue;
        }
        let refused = endpoint
            .handle(operation, &stripped)
            .map_err(|e| (e.kind, e.message));
        assert_eq!(
            refused,
            Err((
                "NotAuthorizedException",
                format!(
                    "Client {} is configured for secret but secret was not received",
                    request.client_id()
                )
            )),
            "{operation} without SECRET_HASH"
        );
    }
    let answer = endpoint
        .handle(request.operation().name(), &body)
        .map_err(|e| format!("{e:?}"))?;
    Ok(Reply::from_json(&answer.to_string()).unwrap())
}

/// The driver's loop; the endpoint asks no prompt in these flows.
fn sign_in(
    endpoint: &Endpoint,
    signin: SignIn,
    password: &str,
) -> Result<(SignedIn, Vec<String>), String> {
    let mut step = signin.start(Password::new(password)).unwrap();
    let mut answered = Vec::new();
    loop {
        let reply = exchange(endpoint, step.request())?;
        match step.receive(reply).map_err(|e| e.to_string())? {
            Next::Send(next) => {
                if let cognito_srp::signin::Call::Respond { challenge_name, .. } =
                    next.request().call()
                {
                    answered.push(challenge_name.clone());
                }
                step = next;
            }
            Next::Prompt(prompt) => return Err(format!("unexpected prompt {prompt:?}")),
            Next::SignedIn(done) => return Ok((done, answered)),
        }
    }
}

fn app(secret: bool) -> AppClient {
    if secret {
        AppClient::with_secret("secretclient", ClientSecret::new("s3cr3t-client-secret")).unwrap()
    } else {
        AppClient::new("publicclient").unwrap()
    }
}

/// The four ways into a sign-in: each entry, with and without a client secret.
const WAYS: [(Entry, bool); 4] = [
    (Entry::InitiateAuth, false),
    (Entry::InitiateAuth, true),
    (Entry::AdminInitiateAuth, false),
    (Entry::AdminInitiateAuth, true),
];

/// Sends `step`'s request, and each one the driver makes itself after it,
/// until a prompt or the tokens. `sent` gets each request's operation, with
/// the challenge it answers.
fn drive(endpoint: &Endpoint, mut step: Step, sent: &mut Vec<String>) -> Result<Next, String> {
    loop {
        let request = step.request();
        sent.push(match request.call() {
            Call::Respond { challenge_name, .. } => {
                format!("{} {challenge_name}", request.operation().name())
            }
            _ => request.operation().name().to_owned(),
        });
        let reply = exchange(endpoint, request)?;
        match step.receive(reply).map_err(|e| e.to_string())? {
            Next::Send(next) => step = next,
            done => return Ok(done),
        }
    }
}

/// `(operation, challenge)` as [`drive`] records it for `entry`.
fn through(entry: Entry, challenge: Option<&str>) -> String {
    match challenge {
        None => entry.operation().name().to_owned(),
        Some(challenge) => format!("{} {challenge}", entry.respond_operation().name()),
    }
}

#[test]
fn user_srp_auth_with_and_without_a_client_secret() {
    let endpoint = endpoint();
    for secret in [false, true] {
        let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice").unwrap();
        let (done, answered) = sign_in(&endpoint, signin, PASSWORD).unwrap();
        assert_eq!(answered, ["PASSWORD_VERIFIER"]);
        assert!(done.access_token().starts_with("eyJ"));
        assert_eq!(
            done.new_device().is_some(),
            !secret,
            "only the public client tracks devices"
        );
    }
}

#[test]
fn a_wrong_password_is_refused_by_the_endpoint() {
    let endpoint = endpoint();
    let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "alice").unwrap();
    let error = sign_in(&endpoint, signin, "Wrong-Horse-1").unwrap_err();
    assert!(error.contains("NotAuthorizedException"), "{error}");
}

#[test]
fn a_new_device_confirmed_then_device_srp_auth() {
    let endpoint = endpoint();
    let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "alice")
        .unwrap()
        .with_device_name("driver test");
    let (done, _) = sign_in(&endpoint, signin.clone(), PASSWORD).unwrap();
    let (credentials, confirm) = done.into_parts().1.expect("a new device").into_parts();
    let config = confirm.device_secret_verifier_config();
    endpoint
        .handle(
            "ConfirmDevice",
            &json!({ "AccessToken": confirm.access_token(), "DeviceKey": confirm.device_key(),
                     "DeviceName": confirm.device_name(),
                     "DeviceSecretVerifierConfig": config.to_map() }),
        )
        .unwrap();

    let (done, answered) = sign_in(
        &endpoint,
        signin.clone().with_device(credentials.clone()),
        PASSWORD,
    )
    .unwrap();
    assert_eq!(
        answered,
        [
            "PASSWORD_VERIFIER",
            "DEVICE_SRP_AUTH",
            "DEVICE_PASSWORD_VERIFIER"
        ]
    );
    assert!(done.new_device().is_none());

    // A device the pool does not know: refused, and the sign-in starts over without it.
    let unknown = DeviceCredentials::new(
        credentials.device_group_key(),
        "us-east-1_00000000-0000-4000-8000-000000000000",
        credentials.device_password().clone(),
    )
    .unwrap();
    let error = sign_in(&endpoint, signin.clone().with_device(unknown), PASSWORD).unwrap_err();
    assert!(error.contains("ResourceNotFoundException"), "{error}");
    let (_, answered) = sign_in(&endpoint, signin.without_device(), PASSWORD).unwrap();
    assert_eq!(answered, ["PASSWORD_VERIFIER"]);
}

/// Every password flow, public and admin, with and without a client secret:
/// the password goes in the first request and the tokens come back. The
/// admin flow also under its older name, `ADMIN_NO_SRP_AUTH`.
#[test]
fn the_password_flows_sign_in_through_their_own_entry() {
    use cognito_srp::signin::Flow;
    let endpoint = endpoint();
    for secret in [false, true] {
        for (entry, flow) in [
            (Entry::InitiateAuth, Flow::UserPasswordAuth),
            (Entry::AdminInitiateAuth, Flow::AdminUserPasswordAuth),
            (Entry::InitiateAuth, Flow::UserAuthPassword),
            (Entry::AdminInitiateAuth, Flow::UserAuthPassword),
        ] {
            let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice")
                .unwrap()
                .with_entry(entry)
                .with_flow(flow);
            let (done, answered) = sign_in(&endpoint, signin.clone(), PASSWORD)
                .unwrap_or_else(|e| panic!("{flow:?} {entry:?} secret={secret}: {e}"));
            assert!(answered.is_empty(), "{flow:?}: {answered:?}");
            assert!(done.access_token().starts_with("eyJ"));
            let refused = sign_in(&endpoint, signin, "Wrong-Horse-1").unwrap_err();
            assert!(
                refused.contains("NotAuthorizedException")
                    && refused.contains("Incorrect username or password."),
                "{flow:?}: {refused}"
            );
        }
        // ADMIN_NO_SRP_AUTH, the older name of ADMIN_USER_PASSWORD_AUTH: the
        // driver's request with only the AuthFlow renamed, its reply read back.
        for password in [PASSWORD, "Wrong-Horse-1"] {
            let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice")
                .unwrap()
                .with_entry(Entry::AdminInitiateAuth)
                .with_flow(Flow::AdminUserPasswordAuth)
                .start(Password::new(password))
                .unwrap();
            let mut body: Value = serde_json::from_str(&step.request().to_json()).unwrap();
            assert_eq!(body["AuthFlow"], "ADMIN_USER_PASSWORD_AUTH");
            body["AuthFlow"] = json!("ADMIN_NO_SRP_AUTH");
            let answer = endpoint.handle("AdminInitiateAuth", &body);
            if password == PASSWORD {
                let reply = Reply::from_json(&answer.unwrap().to_string()).unwrap();
                let Next::SignedIn(done) = step.receive(reply).unwrap() else {
                    panic!("ADMIN_NO_SRP_AUTH secret={secret}: no tokens")
                };
                assert!(done.access_token().starts_with("eyJ"));
            } else {
                let refused = answer.unwrap_err();
                assert_eq!(
                    (refused.kind, refused.message.as_str()),
                    ("NotAuthorizedException", "Incorrect username or password."),
                    "ADMIN_NO_SRP_AUTH secret={secret}"
                );
            }
        }
    }
}

/// What the endpoint says to a password flow through the other operation,
/// to `ADMIN_NO_SRP_AUTH` (the older name), and to an unknown user.
#[test]
fn password_flows_are_refused_through_the_other_operation() {
    let endpoint = endpoint();
    let parameters = json!({ "USERNAME": "alice", "PASSWORD": PASSWORD });
    let call = |operation: &str, flow: &str, parameters: &Value| {
        let mut body =
            json!({ "ClientId": "publicclient", "AuthFlow": flow, "AuthParameters": parameters });
        if operation.starts_with("Admin") {
            body["UserPoolId"] = json!(POOL);
        }
        endpoint
            .handle(operation, &body)
            .map_err(|e| (e.kind.to_owned(), e.message))
    };
    let unsupported = Err((
        "InvalidParameterException".to_owned(),
        "Initiate Auth method not supported.".to_owned(),
    ));
    assert_eq!(
        call("InitiateAuth", "ADMIN_USER_PASSWORD_AUTH", &parameters),
        unsupported
    );
    assert_eq!(
        call("InitiateAuth", "ADMIN_NO_SRP_AUTH", &parameters),
        unsupported
    );
    assert_eq!(
        call("AdminInitiateAuth", "USER_PASSWORD_AUTH", &parameters),
        unsupported
    );
    let done = call("AdminInitiateAuth", "ADMIN_NO_SRP_AUTH", &parameters).unwrap();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    assert_eq!(
        call(
            "InitiateAuth",
            "USER_PASSWORD_AUTH",
            &json!({ "USERNAME": "nobody", "PASSWORD": PASSWORD })
        ),
        Err((
            "UserNotFoundException".into(),
            "User does not exist.".into()
        ))
    );
    assert_eq!(
        call(
            "InitiateAuth",
            "USER_PASSWORD_AUTH",
            &json!({ "USERNAME": "alice" })
        ),
        Err((
            "InvalidParameterException".into(),
            "Missing required parameter PASSWORD".into()
        ))
    );
}

/// `USER_AUTH` without a preference: the driver's `SelectChallenge` prompt
/// lists what the endpoint offers, and either password factor signs in.
#[test]
fn user_auth_leaves_the_first_factor_to_the_select_challenge_prompt() {
    use cognito_srp::signin::{FirstFactor, Flow, Prompt};
    let endpoint = endpoint();
    for secret in [false, true] {
        for factor in [FirstFactor::PasswordSrp, FirstFactor::Password] {
            let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice")
                .unwrap()
                .with_flow(Flow::UserAuth)
                .start_without_password()
                .unwrap();
            let reply = exchange(&endpoint, step.request()).unwrap();
            let Next::Prompt(Prompt::SelectChallenge(prompt)) = step.receive(reply).unwrap() else {
                panic!("no SELECT_CHALLENGE")
            };
            assert_eq!(
                prompt.available_challenges(),
                [FirstFactor::Password, FirstFactor::PasswordSrp]
            );
            let mut step = prompt
                .answer_with_password(factor, Password::new(PASSWORD))
                .unwrap();
            let done = loop {
                let reply = exchange(&endpoint, step.request()).unwrap();
                match step.receive(reply).unwrap() {
                    Next::Send(next) => step = next,
                    Next::SignedIn(done) => break done,
                    Next::Prompt(prompt) => panic!("{prompt:?}"),
                }
            };
            assert!(done.access_token().starts_with("eyJ"), "{factor:?}");
        }
    }
}

/// A password flow goes on as an SRP one does: a temporary password asks
/// for a new one, and a remembered device its own SRP step.
#[test]
fn password_flows_go_on_to_new_password_and_the_remembered_device() {
    use cognito_srp::signin::{Flow, Prompt};
    let endpoint = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient", "remember_devices": true }],
        "users": [{ "username": "alice", "password": PASSWORD },
                  { "username": "tom", "password": "Temp-Pass-1", "temporary_password": true }] }] }))
    .unwrap();
    let signin = |name: &str| {
        SignIn::new(PoolId::parse(POOL).unwrap(), app(false), name)
            .unwrap()
            .with_flow(Flow::UserPasswordAuth)
    };
    let step = signin("tom").start(Password::new("Temp-Pass-1")).unwrap();
    let reply = exchange(&endpoint, step.request()).unwrap();
    let Next::Prompt(Prompt::NewPasswordRequired(prompt)) = step.receive(reply).unwrap() else {
        panic!("no NEW_PASSWORD_REQUIRED")
    };
    let step = prompt
        .answer(Password::new("New-Pass-2"), Default::default())
        .unwrap();
    let reply = exchange(&endpoint, step.request()).unwrap();
    assert!(matches!(step.receive(reply).unwrap(), Next::SignedIn(_)));
    sign_in(&endpoint, signin("tom"), "New-Pass-2").unwrap();

    // A device confirmed after a password sign-in, then DEVICE_SRP_AUTH.
    let (done, _) = sign_in(&endpoint, signin("alice"), PASSWORD).unwrap();
    let (device, confirm) = done.into_parts().1.expect("a new device").into_parts();
    endpoint
        .handle(
            "ConfirmDevice",
            &json!({ "AccessToken": confirm.access_token(), "DeviceKey": confirm.device_key(),
                     "DeviceSecretVerifierConfig": confirm.device_secret_verifier_config().to_map() }),
        )
        .unwrap();
    let (_, answered) = sign_in(&endpoint, signin("alice").with_device(device), PASSWORD).unwrap();
    assert_eq!(answered, ["DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]);
}

/// `ExplicitAuthFlows` per app client: Cognito's default (SRP, custom,
/// refresh) when a client is made without them, each flow refused with
/// Cognito's words where it is not allowed, and a seed that lists them.
#[test]
fn each_app_client_allows_the_flows_its_explicit_auth_flows_name() {
    let endpoint = endpoint();
    let made = |flows: Option<Value>| {
        let mut body = json!({ "UserPoolId": POOL, "ClientName": "made" });
        if let Some(flows) = flows {
            body["ExplicitAuthFlows"] = flows;
        }
        let out = endpoint.handle("CreateUserPoolClient", &body).unwrap();
        out["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let start = |client: &str, operation: &str, flow: &str| {
        let mut parameters = json!({ "USERNAME": "alice", "PASSWORD": PASSWORD });
        if flow == "USER_SRP_AUTH" {
            let login = cognito_srp::UserSrpClient::new(PoolId::parse(POOL).unwrap())
                .start("alice")
                .unwrap();
            parameters["SRP_A"] = json!(login.srp_a());
        }
        let mut body =
            json!({ "ClientId": client, "AuthFlow": flow, "AuthParameters": parameters });
        if operation.starts_with("Admin") {
            body["UserPoolId"] = json!(POOL);
        }
        endpoint
            .handle(operation, &body)
            .map(|_| ())
            .map_err(|e| (e.kind.to_owned(), e.message))
    };
    let refused = |message: &str| Err(("InvalidParameterException".to_owned(), message.to_owned()));

    let default = made(None);
    assert_eq!(start(&default, "InitiateAuth", "USER_SRP_AUTH"), Ok(()));
    assert_eq!(
        start(&default, "InitiateAuth", "USER_PASSWORD_AUTH"),
        refused("USER_PASSWORD_AUTH flow not enabled for this client")
    );
    assert_eq!(
        start(&default, "AdminInitiateAuth", "ADMIN_USER_PASSWORD_AUTH"),
        refused("Auth flow not enabled for this client")
    );
    assert_eq!(
        start(&default, "AdminInitiateAuth", "ADMIN_NO_SRP_AUTH"),
        refused("Auth flow not enabled for this client")
    );
    assert_eq!(
        start(&default, "InitiateAuth", "USER_AUTH"),
        refused("USER_AUTH is not enabled for the client.")
    );

    let password_only = made(Some(json!([
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH"
    ])));
    assert_eq!(
        start(&password_only, "InitiateAuth", "USER_PASSWORD_AUTH"),
        Ok(())
    );
    assert_eq!(
        start(&password_only, "InitiateAuth", "USER_SRP_AUTH"),
        refused("USER_SRP_AUTH is not enabled for the client.")
    );
    assert_eq!(
        start(&password_only, "InitiateAuth", "CUSTOM_AUTH"),
        refused("CUSTOM_AUTH is not enabled for the client.")
    );

    // The legacy values: SRP stays open, each names its password flow.
    let legacy = made(Some(json!(["ADMIN_NO_SRP_AUTH"])));
    assert_eq!(
        start(&legacy, "AdminInitiateAuth", "ADMIN_USER_PASSWORD_AUTH"),
        Ok(())
    );
    assert_eq!(start(&legacy, "InitiateAuth", "USER_SRP_AUTH"), Ok(()));
    assert_eq!(
        start(&legacy, "InitiateAuth", "USER_PASSWORD_AUTH"),
        refused("USER_PASSWORD_AUTH flow not enabled for this client")
    );

    // ALLOW_USER_AUTH alone opens USER_AUTH with its password and SRP factors.
    let user_auth = made(Some(json!(["ALLOW_USER_AUTH"])));
    assert_eq!(start(&user_auth, "InitiateAuth", "USER_AUTH"), Ok(()));
    assert_eq!(
        start(&user_auth, "InitiateAuth", "USER_SRP_AUTH"),
        refused("USER_SRP_AUTH is not enabled for the client.")
    );

    // A seeded client allows every flow unless its seed lists them.
    let seeded = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "srponly", "explicit_auth_flows": ["ALLOW_USER_SRP_AUTH"] }],
        "users": [{ "username": "alice", "password": PASSWORD }] }] }))
    .unwrap();
    assert_eq!(
        seeded
            .handle(
                "InitiateAuth",
                &json!({ "ClientId": "srponly", "AuthFlow": "USER_PASSWORD_AUTH",
                         "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } })
            )
            .map(|_| ())
            .map_err(|e| (e.kind.to_owned(), e.message)),
        refused("USER_PASSWORD_AUTH flow not enabled for this client")
    );
}

/// The codes the endpoint sent `username`, newest first, through the local
/// channel (`GET /_local/codes/<pool>/<username>`).
fn codes(endpoint: &Endpoint, username: &str) -> Vec<Value> {
    let path = format!("/_local/codes/{POOL}/{username}");
    let response = endpoint.dispatch(&cognito_srp_local::sigv4::ReceivedRequest {
        method: "GET",
        path_and_query: &path,
        headers: &[],
        body: b"",
    });
    assert_eq!(response.status, 200, "{}", response.body);
    let body: Value = serde_json::from_str(&response.body).unwrap();
    body["Codes"].as_array().unwrap().clone()
}

/// `USER_AUTH` with a one-time code as the first factor, preferred or
/// chosen, public and admin, with and without a client secret: a random
/// code for each sign-in, read from the local channel, answered once; a
/// wrong one is `CodeMismatchException`.
#[test]
fn one_time_codes_sign_in_as_the_first_factor() {
    use cognito_srp::signin::{FirstFactor, Flow, Prompt};
    let endpoint = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient" }, { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "alice", "password": PASSWORD,
                    "attributes": { "email": "alice@example.com", "phone_number": "+15555550108" } },
                  { "username": "bob", "password": PASSWORD }] }] }))
    .unwrap();
    let mut seen = Vec::new();
    for (entry, secret) in WAYS {
        for (flow, factor, medium) in [
            (Flow::UserAuthEmailOtp, "EMAIL_OTP", "EMAIL"),
            (Flow::UserAuthSmsOtp, "SMS_OTP", "SMS"),
            (Flow::UserAuth, "EMAIL_OTP", "EMAIL"),
        ] {
            let way = format!("{flow:?} through {entry:?}, secret={secret}");
            let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice")
                .unwrap()
                .with_entry(entry)
                .with_flow(flow)
                .start_without_password()
                .unwrap();
            let mut sent = Vec::new();
            let mut next =
                drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
            let mut expected = vec![through(entry, None)];
            if let Next::Prompt(Prompt::SelectChallenge(prompt)) = next {
                assert_eq!(flow, Flow::UserAuth, "{way}: a code was preferred");
                assert_eq!(
                    prompt.available_challenges(),
                    [
                        FirstFactor::Password,
                        FirstFactor::PasswordSrp,
                        FirstFactor::EmailOtp,
                        FirstFactor::SmsOtp
                    ],
                    "{way}"
                );
                let step = prompt.answer(FirstFactor::EmailOtp).unwrap();
                next = drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
                expected.push(through(entry, Some("SELECT_CHALLENGE")));
            }
            let prompt = match next {
                Next::Prompt(Prompt::EmailOtp(p) | Prompt::SmsOtp(p)) => p,
                other => panic!("{way}: {other:?}"),
            };
            assert_eq!(prompt.challenge_name(), factor, "{way}");
            assert_eq!(prompt.code_delivery_medium(), Some(medium), "{way}");
            let sent_codes = codes(&endpoint, "alice");
            assert_eq!(sent_codes[0]["Purpose"], factor, "{way}");
            assert_eq!(sent_codes[0]["DeliveryMedium"], medium, "{way}");
            let code = sent_codes[0]["Code"].as_str().unwrap().to_owned();
            assert_eq!(code.len(), 8);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
            assert!(!seen.contains(&code), "{way}: a fresh code each time");
            seen.push(code.clone());
            let step = prompt.answer(&code).unwrap();
            let Next::SignedIn(done) =
                drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"))
            else {
                panic!("{way}: no tokens")
            };
            assert!(done.access_token().starts_with("eyJ"), "{way}");
            expected.push(through(entry, Some(factor)));
            assert_eq!(sent, expected, "{way}");
        }
    }

    // A wrong code is refused, and the session is spent.
    let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "alice")
        .unwrap()
        .with_flow(Flow::UserAuthEmailOtp)
        .start_without_password()
        .unwrap();
    let reply = exchange(&endpoint, step.request()).unwrap();
    let Next::Prompt(Prompt::EmailOtp(prompt)) = step.receive(reply).unwrap() else {
        panic!()
    };
    let code = codes(&endpoint, "alice")[0]["Code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let step = prompt.answer(wrong).unwrap();
    let refused = exchange(&endpoint, step.request()).unwrap_err();
    assert!(refused.contains("CodeMismatchException"), "{refused}");

    // A user with no address is not offered a code, even when one is preferred.
    let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "bob")
        .unwrap()
        .with_flow(Flow::UserAuthEmailOtp)
        .start_without_password()
        .unwrap();
    let reply = exchange(&endpoint, step.request()).unwrap();
    let Next::Prompt(Prompt::SelectChallenge(prompt)) = step.receive(reply).unwrap() else {
        panic!("no SELECT_CHALLENGE")
    };
    assert_eq!(
        prompt.available_challenges(),
        [FirstFactor::Password, FirstFactor::PasswordSrp]
    );
    assert!(codes(&endpoint, "bob").is_empty());
}

/// The RFC 6238 code of a base32 secret for the current 30-second step.
fn totp_now(secret_base32: &str) -> String {
    use hmac::{KeyInit, Mac};
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut secret) = (0u32, 0u32, Vec::new());
    for c in secret_base32.trim_end_matches('=').bytes() {
        value = (value << 5) | alphabet.iter().position(|&a| a == c).unwrap() as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            secret.push((value >> bits) as u8);
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&(now / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = (digest[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([
        digest[at] & 0x7f,
        digest[at + 1],
        digest[at + 2],
        digest[at + 3],
    ]);
    format!("{:06}", n % 1_000_000)
}

/// A pool that requires MFA and a user without any: the driver gets the
/// TOTP secret through `AssociateSoftwareToken` with the `MFA_SETUP`
/// Session, the first code goes to `VerifySoftwareToken`, and `MFA_SETUP`
/// ends in tokens; the next sign-in asks `SOFTWARE_TOKEN_MFA`.
#[test]
fn mfa_setup_when_the_pool_requires_mfa_and_the_user_has_none() {
    use cognito_srp::signin::{Flow, Prompt};
    let endpoint = endpoint();
    let require = |totp: bool| {
        endpoint
            .handle(
                "SetUserPoolMfaConfig",
                &json!({ "UserPoolId": POOL, "MfaConfiguration": "ON",
                         "SoftwareTokenMfaConfiguration": { "Enabled": totp } }),
            )
            .unwrap();
    };
    // Required, but nothing that can be set up.
    require(false);
    let refused = sign_in(
        &endpoint,
        SignIn::new(PoolId::parse(POOL).unwrap(), app(true), "alice").unwrap(),
        PASSWORD,
    )
    .unwrap_err();
    assert!(refused.contains("MFAMethodNotFoundException"), "{refused}");

    require(true);
    for flow in [Flow::UserSrpAuth, Flow::UserPasswordAuth] {
        let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(true), "alice")
            .unwrap()
            .with_flow(flow);
        let mut step = signin.clone().start(Password::new(PASSWORD)).unwrap();
        let setup = loop {
            let reply = exchange(&endpoint, step.request()).unwrap();
            match step.receive(reply).unwrap() {
                Next::Send(next) => step = next,
                Next::Prompt(Prompt::MfaSetup(setup)) => break Some(setup),
                Next::Prompt(Prompt::SoftwareTokenMfa(prompt)) => {
                    // Set up by the first round: the code is asked instead.
                    assert_eq!(flow, Flow::UserPasswordAuth);
                    let _ = prompt;
                    break None;
                }
                other => panic!("{other:?}"),
            }
        };
        let Some(setup) = setup else { continue };
        let secret = setup.secret_code().unwrap().to_owned();
        assert!(
            setup
                .otpauth_uri("Local")
                .unwrap()
                .contains(&format!("secret={secret}"))
        );
        let mut step = setup.answer(&totp_now(&secret)).unwrap();
        let done = loop {
            let reply = exchange(&endpoint, step.request()).unwrap();
            match step.receive(reply).unwrap() {
                Next::Send(next) => step = next,
                Next::SignedIn(done) => break done,
                Next::Prompt(prompt) => panic!("{prompt:?}"),
            }
        };
        assert!(done.access_token().starts_with("eyJ"));
        // Now the user has TOTP: the next sign-in asks for a code.
        let step = signin.start(Password::new(PASSWORD)).unwrap();
        let mut step = step;
        let asked = loop {
            let reply = exchange(&endpoint, step.request()).unwrap();
            match step.receive(reply).unwrap() {
                Next::Send(next) => step = next,
                Next::Prompt(prompt) => break prompt.challenge_name(),
                Next::SignedIn(_) => panic!("signed in without MFA"),
            }
        };
        assert_eq!(asked, "SOFTWARE_TOKEN_MFA");
    }

    // A made-up or reused Session is refused at AssociateSoftwareToken.
    assert_eq!(
        endpoint
            .handle(
                "AssociateSoftwareToken",
                &json!({ "Session": "AYABmadeupmadeupmadeup" })
            )
            .map_err(|e| e.message),
        Err("Invalid session for the user.".to_owned())
    );
}

/// `MFA_SETUP` public and admin, with and without a client secret: the
/// driver asks `AssociateSoftwareToken` and `VerifySoftwareToken` with the
/// challenge's `Session` (they have no admin form), answers `MFA_SETUP`
/// through the entry's own operation, and gets the tokens; the next sign-in
/// the same way asks `SOFTWARE_TOKEN_MFA`.
#[test]
fn mfa_setup_public_and_admin_with_and_without_a_client_secret() {
    use cognito_srp::signin::{MfaType, Prompt};
    let users: Vec<Value> = (0..WAYS.len())
        .map(|i| json!({ "username": format!("user{i}"), "password": PASSWORD }))
        .collect();
    let endpoint = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "mfa_configuration": "ON",
        "clients": [{ "id": "publicclient" }, { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": users }] }))
    .unwrap();
    for (i, (entry, secret)) in WAYS.into_iter().enumerate() {
        let way = format!("{entry:?}, secret={secret}");
        let signin = SignIn::new(
            PoolId::parse(POOL).unwrap(),
            app(secret),
            format!("user{i}"),
        )
        .unwrap()
        .with_entry(entry);
        let mut sent = Vec::new();
        let step = signin.clone().start(Password::new(PASSWORD)).unwrap();
        let next = drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
        let Next::Prompt(Prompt::MfaSetup(setup)) = next else {
            panic!("{way}: no MFA_SETUP: {next:?}")
        };
        assert_eq!(setup.mfas_can_setup(), [MfaType::SoftwareTokenMfa], "{way}");
        let totp_secret = setup.secret_code().expect("a TOTP secret").to_owned();
        let step = setup.answer(&totp_now(&totp_secret)).unwrap();
        let next = drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
        let Next::SignedIn(done) = next else {
            panic!("{way}: no tokens: {next:?}")
        };
        assert!(done.access_token().starts_with("eyJ"), "{way}");
        assert_eq!(
            sent,
            [
                through(entry, None),
                through(entry, Some("PASSWORD_VERIFIER")),
                "AssociateSoftwareToken".to_owned(),
                "VerifySoftwareToken".to_owned(),
                through(entry, Some("MFA_SETUP")),
            ],
            "{way}"
        );

        // Set up: the next sign-in asks for a code.
        let step = signin.start(Password::new(PASSWORD)).unwrap();
        let next = drive(&endpoint, step, &mut Vec::new()).unwrap_or_else(|e| panic!("{way}: {e}"));
        let Next::Prompt(Prompt::SoftwareTokenMfa(_)) = next else {
            panic!("{way}: no SOFTWARE_TOKEN_MFA: {next:?}")
        };
    }
}

/// `WEB_AUTHN` as the first factor, preferred or chosen at
/// `SELECT_CHALLENGE`, public and admin, with and without a client secret:
/// the pool's relying party and a fresh challenge in the request options,
/// and a credential of a user without a passkey refused.
#[test]
fn web_authn_public_and_admin_with_and_without_a_client_secret() {
    use cognito_srp::signin::{FirstFactor, Flow, Prompt};
    let endpoint = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "allowed_first_auth_factors": ["PASSWORD", "WEB_AUTHN"],
        "web_authn_relying_party_id": "example.com",
        "clients": [{ "id": "publicclient" }, { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "alice", "password": PASSWORD }] }] }))
    .unwrap();
    let credential = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}"#;
    let mut challenges = Vec::new();
    for (entry, secret) in WAYS {
        for flow in [Flow::UserAuthWebAuthn, Flow::UserAuth] {
            let way = format!("{flow:?} through {entry:?}, secret={secret}");
            let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice")
                .unwrap()
                .with_entry(entry)
                .with_flow(flow)
                .start_without_password()
                .unwrap();
            let mut sent = Vec::new();
            let mut expected = vec![through(entry, None)];
            let mut next =
                drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
            if let Next::Prompt(Prompt::SelectChallenge(prompt)) = next {
                assert_eq!(flow, Flow::UserAuth, "{way}: WEB_AUTHN was preferred");
                assert_eq!(
                    prompt.available_challenges(),
                    [
                        FirstFactor::Password,
                        FirstFactor::PasswordSrp,
                        FirstFactor::WebAuthn
                    ],
                    "{way}"
                );
                let step = prompt.answer(FirstFactor::WebAuthn).unwrap();
                next = drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
                expected.push(through(entry, Some("SELECT_CHALLENGE")));
            }
            let Next::Prompt(Prompt::WebAuthn(prompt)) = next else {
                panic!("{way}: no WEB_AUTHN: {next:?}")
            };
            let options: Value = serde_json::from_str(prompt.credential_request_options()).unwrap();
            assert_eq!(options["rpId"], "example.com", "{way}");
            let challenge = options["challenge"].as_str().unwrap().to_owned();
            assert!(!challenges.contains(&challenge), "{way}: a fresh challenge");
            challenges.push(challenge);

            let step = prompt.answer(credential).unwrap();
            let refused = drive(&endpoint, step, &mut sent).unwrap_err();
            assert!(
                refused.contains("NotAuthorizedException")
                    && refused.contains("Incorrect username or password."),
                "{way}: {refused}"
            );
            expected.push(through(entry, Some("WEB_AUTHN")));
            assert_eq!(sent, expected, "{way}");
        }
    }
}

/// SMS and email codes as MFA through the driver, public and admin, with
/// and without a client secret: with both on and neither preferred, the
/// `SELECT_MFA_TYPE` prompt offers them, and the one chosen sends a random
/// code (read from the local channel) that the `SMS_MFA` or `EMAIL_OTP`
/// prompt answers once; with one preferred, it is asked at once, and a
/// wrong code is `CodeMismatchException`.
#[test]
fn sms_and_email_mfa_and_select_mfa_type_through_the_driver() {
    use cognito_srp::signin::{MfaType, Prompt};
    let endpoint = cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient" }, { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "sam", "password": PASSWORD,
                    "attributes": { "email": "sam@example.com", "phone_number": "+15555550108" } }] }] }))
    .unwrap();
    let admin = |operation: &str, body: Value| endpoint.handle(operation, &body).unwrap();
    admin(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": POOL, "MfaConfiguration": "OPTIONAL",
                "SmsMfaConfiguration": { "SmsConfiguration":
                    { "SnsCallerArn": "arn:aws:iam::000000000000:role/sms" } },
                "EmailMfaConfiguration": { "Subject": "Your code" } }),
    );
    admin(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": POOL, "Username": "sam",
                "SMSMfaSettings": { "Enabled": true }, "EmailMfaSettings": { "Enabled": true } }),
    );
    let mut seen = Vec::new();
    for (entry, secret) in WAYS {
        for (choice, challenge, medium) in [
            (MfaType::SmsMfa, "SMS_MFA", "SMS"),
            (MfaType::EmailOtp, "EMAIL_OTP", "EMAIL"),
        ] {
            let way = format!("{challenge} through {entry:?}, secret={secret}");
            let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "sam")
                .unwrap()
                .with_entry(entry)
                .start(Password::new(PASSWORD))
                .unwrap();
            let mut sent = Vec::new();
            let next = drive(&endpoint, step, &mut sent).unwrap_or_else(|e| panic!("{way}: {e}"));
            let Next::Prompt(Prompt::SelectMfaType(select)) = next else {
                panic!("{way}: {next:?}")
            };
            assert_eq!(
                select.choices(),
                [MfaType::SmsMfa, MfaType::EmailOtp],
                "{way}"
            );
            let step = select.answer(choice).unwrap();
            let prompt = match drive(&endpoint, step, &mut sent) {
                Ok(Next::Prompt(Prompt::SmsMfa(p) | Prompt::EmailOtp(p))) => p,
                other => panic!("{way}: {other:?}"),
            };
            assert_eq!(prompt.challenge_name(), challenge, "{way}");
            assert_eq!(prompt.code_delivery_medium(), Some(medium), "{way}");
            let code = codes(&endpoint, "sam")[0]["Code"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(!seen.contains(&code), "{way}: a fresh code each time");
            seen.push(code.clone());
            let step = prompt.answer(&code).unwrap();
            let request = step.request().clone();
            let Ok(Next::SignedIn(done)) = drive(&endpoint, step, &mut sent) else {
                panic!("{way}: no tokens")
            };
            assert!(done.access_token().starts_with("eyJ"), "{way}");
            assert_eq!(
                sent,
                [
                    through(entry, None),
                    through(entry, Some("PASSWORD_VERIFIER")),
                    through(entry, Some("SELECT_MFA_TYPE")),
                    through(entry, Some(challenge)),
                ],
                "{way}"
            );
            // The code and its Session answer once.
            let again = exchange(&endpoint, &request).unwrap_err();
            assert!(
                again.contains("Invalid session for the user."),
                "{way}: {again}"
            );
        }
    }

    // Preferred: SMS_MFA at once; a wrong code is refused.
    admin(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": POOL, "Username": "sam",
                "SMSMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    );
    let step = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "sam")
        .unwrap()
        .start(Password::new(PASSWORD))
        .unwrap();
    let Ok(Next::Prompt(Prompt::SmsMfa(prompt))) = drive(&endpoint, step, &mut Vec::new()) else {
        panic!("no SMS_MFA")
    };
    assert_eq!(prompt.code_delivery_destination(), Some("+*******0108"));
    let code = codes(&endpoint, "sam")[0]["Code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let step = prompt.answer(wrong).unwrap();
    let refused = exchange(&endpoint, step.request()).unwrap_err();
    assert!(refused.contains("CodeMismatchException"), "{refused}");
}
