//! The sign-in driver fed arbitrary replies in any order, and arbitrary
//! answers to its prompts: it never panics, every refusal is a typed error,
//! and every request it makes carries the user and `SECRET_HASH` it should.
#![no_main]

use std::collections::HashMap;

use cognito_srp::hazmat::{SignInExt};
use cognito_srp::signin::{
    AuthenticationResult, Call, Entry, FirstFactor, Flow, MfaType, NewDeviceMetadata, Next, Prompt,
    Reply, Request, SignIn, Step,
};
use cognito_srp::{
    AppClient, ClientSecret, DeviceCredentials, DevicePassword, Error, Password, PoolId,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const POOL: &str = "us-east-1_FuzzPool1";
const CLIENT_ID: &str = "fuzzclient";
const USER_ID: &str = "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c";
const DEVICE_KEY: &str = "us-east-1_device";

const CHALLENGES: [&str; 14] = [
    "PASSWORD_VERIFIER",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "NEW_PASSWORD_REQUIRED",
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "SELECT_MFA_TYPE",
    "CUSTOM_CHALLENGE",
    "MFA_SETUP",
    "SMS_OTP",
    "WEB_AUTHN",
    "PASSWORD",
];

const KEYS: [&str; 14] = [
    "SRP_B",
    "SALT",
    "SECRET_BLOCK",
    "USER_ID_FOR_SRP",
    "USERNAME",
    "DEVICE_KEY",
    "requiredAttributes",
    "userAttributes",
    "MFAS_CAN_CHOOSE",
    "MFAS_CAN_SETUP",
    "CODE_DELIVERY_DESTINATION",
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "question",
    "CREDENTIAL_REQUEST_OPTIONS",
];

/// Values that let a reply get past parsing, so the fuzzer reaches every state.
const VALUES: [&str; 16] = [
    "2",
    "ab",
    "-16e4",
    "",
    "YWJj",
    USER_ID,
    "alice",
    DEVICE_KEY,
    "[]",
    r#"["userAttributes.name"]"#,
    r#"{"email":"a@example.com","name":null}"#,
    r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#,
    r#"["SOFTWARE_TOKEN_MFA"]"#,
    "PASSWORD_SRP",
    "+*******0008",
    "AYAB",
];

fn text(u: &mut Unstructured<'_>, known: &[&str]) -> Result<String> {
    Ok(if u.ratio(1, 4)? {
        u.arbitrary::<String>()?
    } else {
        (*u.choose(known)?).to_owned()
    })
}

fn reply(u: &mut Unstructured<'_>) -> Result<Reply> {
    let mut reply = Reply::default();
    let kind = u.int_in_range(0..=9)?;
    if kind != 0 {
        reply.challenge_name = Some(text(u, &CHALLENGES)?);
    }
    if kind == 0 || kind == 9 || u.ratio(1, 16)? {
        reply.authentication_result = Some(AuthenticationResult {
            access_token: u.arbitrary::<bool>()?.then(|| "eyJ.access".to_owned()),
            id_token: u.arbitrary()?,
            refresh_token: u.arbitrary()?,
            expires_in: u.arbitrary()?,
            token_type: u.arbitrary()?,
            new_device_metadata: if u.arbitrary()? {
                Some(NewDeviceMetadata {
                    device_key: u.arbitrary::<bool>()?.then(|| DEVICE_KEY.to_owned()),
                    device_group_key: u.arbitrary()?,
                })
            } else {
                None
            },
        });
    }
    for _ in 0..u.int_in_range(0..=6)? {
        reply
            .challenge_parameters
            .insert(text(u, &KEYS)?, text(u, &VALUES)?);
    }
    if u.arbitrary()? {
        reply.session = Some(text(u, &VALUES)?);
    }
    for _ in 0..u.int_in_range(0..=2)? {
        reply.available_challenges.push(text(
            u,
            &[
                "PASSWORD_SRP",
                "PASSWORD",
                "EMAIL_OTP",
                "SMS_OTP",
                "WEB_AUTHN",
            ],
        )?);
    }
    // The replies of AssociateSoftwareToken and VerifySoftwareToken.
    if u.ratio(1, 4)? {
        reply.secret_code = Some(text(u, &["JBSWY3DPEHPK3PXP"])?);
    }
    if u.ratio(1, 4)? {
        reply.status = Some(text(u, &["SUCCESS", "ERROR"])?);
    }
    Ok(reply)
}

/// What every request must carry, whatever came before.
fn check_request(request: &Request, app: &AppClient) {
    assert_eq!(request.client_id(), CLIENT_ID);
    assert_eq!(
        request.user_pool_id(),
        request.operation().is_admin().then_some(POOL)
    );
    let body: serde_json::Value = serde_json::from_str(&request.to_json()).expect("JSON body");
    let Some(parameters) = request.call().parameters() else {
        // The TOTP set-up calls carry a Session and no ClientId.
        assert!(matches!(
            request.call(),
            Call::AssociateSoftwareToken { .. } | Call::VerifySoftwareToken { .. }
        ));
        assert!(!body["Session"].as_str().expect("Session").is_empty());
        assert!(body.get("ClientId").is_none());
        return;
    };
    let username = parameters
        .get("USERNAME")
        .expect("USERNAME in every request");
    assert!(!username.is_empty());
    assert_eq!(
        parameters.get("SECRET_HASH").cloned(),
        app.secret_hash(username)
    );
    assert_eq!(body["ClientId"], CLIENT_ID);
    if let Call::Respond { challenge_name, .. } = request.call() {
        assert!(CHALLENGES.contains(&challenge_name.as_str()));
    }
}

/// A refusal: a typed error about the reply or the answer, never a server's
/// verdict or a random-generator failure.
fn check_refusal(error: &Error) {
    assert!(!error.to_string().is_empty());
    assert!(
        !matches!(error, Error::Random | Error::NotAuthorized(_)),
        "{error:?}"
    );
}

fn answer(u: &mut Unstructured<'_>, prompt: Prompt) -> Result<Option<Step>> {
    let outcome = match prompt {
        Prompt::NewPasswordRequired(p) => {
            let mut attributes = HashMap::new();
            for name in p.required_attributes().to_vec() {
                if u.ratio(3, 4)? {
                    attributes.insert(name, text(u, &["Alice"])?);
                }
            }
            p.answer(Password::new(text(u, &["New-Password-1"])?), attributes)
                .map_err(|r| r.error)
        }
        Prompt::SmsMfa(p)
        | Prompt::SoftwareTokenMfa(p)
        | Prompt::EmailOtp(p)
        | Prompt::SmsOtp(p) => p.answer(&text(u, &["123456"])?).map_err(|r| r.error),
        Prompt::SelectMfaType(p) => {
            let choice = *u.choose(&[
                MfaType::SmsMfa,
                MfaType::SoftwareTokenMfa,
                MfaType::EmailOtp,
            ])?;
            p.answer(choice).map_err(|r| r.error)
        }
        Prompt::CustomChallenge(p) => p.answer(&text(u, &["4"])?).map_err(|r| r.error),
        Prompt::SelectChallenge(p) => {
            let choice = *u.choose(&[
                FirstFactor::Password,
                FirstFactor::PasswordSrp,
                FirstFactor::EmailOtp,
                FirstFactor::SmsOtp,
                FirstFactor::WebAuthn,
            ])?;
            p.answer(choice).map_err(|r| r.error)
        }
        Prompt::WebAuthn(p) => p
            .answer(&text(u, &[r#"{"id":"abc","type":"public-key"}"#])?)
            .map_err(|r| r.error),
        Prompt::MfaSetup(p) => {
            if let Some(uri) = p.otpauth_uri(&text(u, &["Example"])?) {
                assert!(uri.starts_with("otpauth://totp/"));
            }
            if u.arbitrary()? {
                p.answer(&text(u, &["123456"])?).map_err(|r| r.error)
            } else {
                p.answer_email(&text(u, &["a@example.com"])?)
                    .map_err(|r| r.error)
            }
        }
    };
    Ok(match outcome {
        Ok(step) => Some(step),
        Err(error) => {
            check_refusal(&error);
            None
        }
    })
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let flow = *u.choose(&[
        Flow::UserSrpAuth,
        Flow::UserAuthPasswordSrp,
        Flow::UserAuth,
        Flow::CustomAuthSrp,
        Flow::UserPasswordAuth,
        Flow::AdminUserPasswordAuth,
        Flow::UserAuthPassword,
        Flow::UserAuthEmailOtp,
        Flow::UserAuthSmsOtp,
        Flow::UserAuthWebAuthn,
    ])?;
    let entry = *u.choose(&[Entry::InitiateAuth, Entry::AdminInitiateAuth])?;
    let app = if u.arbitrary()? {
        AppClient::with_secret(CLIENT_ID, ClientSecret::new("fuzz-secret")).unwrap()
    } else {
        AppClient::new(CLIENT_ID).unwrap()
    };
    let typed = text(u, &["alice", "alice@example.com"])?;
    let Ok(mut signin) = SignIn::new(PoolId::parse(POOL).unwrap(), app.clone(), typed.as_str())
    else {
        assert!(typed.is_empty());
        return Ok(());
    };
    signin = signin.with_flow(flow).with_entry(entry);
    if u.arbitrary()? {
        let device =
            DeviceCredentials::new("-group", DEVICE_KEY, DevicePassword::new("device-password"))
                .unwrap();
        signin = signin.with_device(device);
    }
    // A small fixed `a` keeps each run deterministic.
    let mut step = match signin.start_with_private_ephemeral(Password::new("password"), &[7]) {
        Ok(step) => step,
        Err(error) => {
            // Only a password flow through the other entry is refused.
            assert!(
                flow.required_entry().is_some_and(|e| e != entry),
                "{error:?}"
            );
            return Ok(());
        }
    };
    for _ in 0..12 {
        check_request(step.request(), &app);
        // Now and then the reply comes as arbitrary JSON text, read strictly.
        let reply = if u.ratio(1, 8)? {
            match Reply::from_json(&u.arbitrary::<String>()?) {
                Ok(reply) => reply,
                Err(error) => {
                    check_refusal(&error);
                    return Ok(());
                }
            }
        } else {
            reply(u)?
        };
        let next = match step.receive(reply) {
            Ok(next) => next,
            Err(error) => {
                check_refusal(&error);
                return Ok(());
            }
        };
        step = match next {
            Next::Send(step) => step,
            Next::Prompt(prompt) => match answer(u, prompt)? {
                Some(step) => step,
                None => return Ok(()),
            },
            Next::SignedIn(done) => {
                assert!(!done.access_token().is_empty());
                assert_eq!(
                    done.new_device().is_some(),
                    done.authentication_result().new_device_metadata.is_some()
                );
                return Ok(());
            }
        };
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
