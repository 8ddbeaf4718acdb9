//! Software-token MFA: `AssociateSoftwareToken`, `VerifySoftwareToken`,
//! `SetUserMFAPreference`, then the `SOFTWARE_TOKEN_MFA` challenge after
//! `PASSWORD_VERIFIER`. Codes are computed here, RFC 6238 (HMAC-SHA1,
//! 6 digits, 30 s) from the base32 secret, with `hmac` and `sha1`.

mod common;

use common::*;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

/// The RFC 6238 code of `secret` for the 30-second step `offset` steps from now.
fn totp(secret_base32: &str, offset: i64) -> String {
    let secret = base32_decode(secret_base32);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let counter = (now / 30 + offset) as u64;
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = (digest[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        digest[at] & 0x7f,
        digest[at + 1],
        digest[at + 2],
        digest[at + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

fn base32_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u32, Vec::new());
    for c in text.trim_end_matches('=').bytes() {
        value = (value << 5) | alphabet.iter().position(|&a| a == c).unwrap() as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
        }
    }
    out
}

/// A code of the current step that is not `used` (the step before or after
/// when the current one was just used or the clock ticks).
fn fresh_code(secret: &str, used: Option<&str>) -> String {
    [0, 1]
        .iter()
        .map(|o| totp(secret, *o))
        .find(|c| Some(c.as_str()) != used)
        .unwrap()
}

fn answer_mfa(h: &Harness, admin: bool, reply: &Value, code: &str) -> Result<Value, Refusal> {
    assert_eq!(reply["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{reply}");
    let username = reply["ChallengeParameters"]["USERNAME"].as_str().unwrap();
    h.respond(
        admin,
        json!({ "ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": CLIENT, "Session": reply["Session"],
                "ChallengeResponses": { "USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code } }),
    )
}

const SEEDED_SECRET: &str = "JBSWY3DPEHPK3PXP";

#[test]
fn a_user_seeded_with_a_totp_secret_answers_software_token_mfa() {
    let h = Harness::new(&seed(json!([
        { "username": "mia", "password": PASSWORD, "totp_secret": SEEDED_SECRET },
        { "username": "max", "password": PASSWORD, "totp_secret": SEEDED_SECRET }])));
    // One user per entry, so each signs in with the current step's code once.
    for (admin, username) in [(false, "mia"), (true, "max")] {
        let reply = h.user_srp(admin, CLIENT, username, PASSWORD, None).unwrap();
        assert!(reply["Session"].as_str().unwrap().len() >= 20);
        let code = totp(SEEDED_SECRET, 0);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(
            answer_mfa(&h, admin, &reply, wrong),
            Err((
                "CodeMismatchException".into(),
                "Invalid code received for user".into()
            ))
        );
        let reply = h.user_srp(admin, CLIENT, username, PASSWORD, None).unwrap();
        let mut made_up = reply.clone();
        made_up["Session"] = json!("AYABmadeupmadeupmadeupmadeup");
        assert_eq!(
            answer_mfa(&h, admin, &made_up, &code).unwrap_err().1,
            "Invalid session for the user."
        );
        let done = answer_mfa(&h, admin, &reply, &code).unwrap();
        assert!(done["AuthenticationResult"]["AccessToken"].is_string());
        assert_eq!(
            answer_mfa(&h, admin, &reply, &code).unwrap_err().1,
            "Invalid session for the user.",
            "a session answers once"
        );
    }
}

#[test]
fn a_used_code_is_refused_the_second_time() {
    let h = Harness::new(&seed(json!([{ "username": "mia", "password": PASSWORD,
                                         "totp_secret": SEEDED_SECRET }])));
    let code = totp(SEEDED_SECRET, 0);
    let reply = h.user_srp(false, CLIENT, "mia", PASSWORD, None).unwrap();
    if answer_mfa(&h, false, &reply, &code).is_err() {
        // The step ended between computing and checking: nothing to assert.
        return;
    }
    let reply = h.user_srp(false, CLIENT, "mia", PASSWORD, None).unwrap();
    assert_eq!(
        answer_mfa(&h, false, &reply, &code).unwrap_err().0,
        "CodeMismatchException"
    );
}

#[test]
fn a_user_sets_up_totp_then_signs_in_with_it() {
    let h = Harness::new(&seed(json!([])));
    let result = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    let access = result["AuthenticationResult"]["AccessToken"].clone();

    // Enabling before verifying is refused.
    assert_eq!(
        h.call(
            "SetUserMFAPreference",
            &json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
        )
        .unwrap_err()
        .0,
        "InvalidParameterException"
    );
    let associated = h
        .call("AssociateSoftwareToken", &json!({ "AccessToken": access }))
        .unwrap();
    let secret = associated["SecretCode"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 16 && secret.bytes().all(|b| b.is_ascii_alphanumeric()));
    let code = totp(&secret, 0);
    let wrong = if code == "123456" { "654321" } else { "123456" };
    assert_eq!(
        h.call(
            "VerifySoftwareToken",
            &json!({ "AccessToken": access, "UserCode": wrong }),
        )
        .unwrap_err()
        .0,
        "EnableSoftwareTokenMFAException"
    );
    let verified = h
        .call(
            "VerifySoftwareToken",
            &json!({ "AccessToken": access, "UserCode": fresh_code(&secret, None), "FriendlyDeviceName": "phone" }),
        )
        .unwrap();
    assert_eq!(verified["Status"], "SUCCESS");
    h.call(
        "SetUserMFAPreference",
        &json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .unwrap();
    let user = h
        .call("GetUser", &json!({ "AccessToken": access }))
        .unwrap();
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    let reply = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    assert_eq!(reply["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    // The verification used the current step; the next step's code is fresh.
    let done = answer_mfa(&h, false, &reply, &totp(&secret, 1)).unwrap();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());

    // Turned off, sign-in ends at the SRP proof again.
    h.call(
        "SetUserMFAPreference",
        &json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": false, "PreferredMfa": false } }),
    )
    .unwrap();
    let reply = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    assert!(reply["AuthenticationResult"]["AccessToken"].is_string());
}

/// The pool's MFA configuration `OPTIONAL` with SMS and email codes
/// allowed (`SmsMfaConfiguration`, `EmailMfaConfiguration`).
fn allow_sms_and_email_mfa(h: &Harness, mfa_configuration: &str) {
    h.admin(
        "SetUserPoolMfaConfig",
        &json!({ "UserPoolId": POOL, "MfaConfiguration": mfa_configuration,
                 "SmsMfaConfiguration": { "SmsAuthenticationMessage": "Your code is {####}",
                     "SmsConfiguration": { "SnsCallerArn": "arn:aws:iam::000000000000:role/sms" } },
                 "EmailMfaConfiguration": { "Message": "Your code is {####}", "Subject": "Code" } }),
    )
    .unwrap();
}

/// `AdminSetUserMFAPreference` for `username` with `settings`.
fn admin_prefer(h: &Harness, username: &str, settings: Value) -> Result<Value, Refusal> {
    let mut body = settings;
    body["UserPoolId"] = json!(POOL);
    body["Username"] = json!(username);
    h.admin("AdminSetUserMFAPreference", &body)
}

/// The codes the local channel holds for `username`, newest first.
fn sent_codes(h: &Harness, username: &str) -> Vec<Value> {
    let (status, _, body) = h.get(&format!("/_local/codes/{POOL}/{username}"));
    assert_eq!(status, 200, "{body}");
    body["Codes"].as_array().unwrap().clone()
}

fn invalid(message: &str) -> Result<Value, Refusal> {
    Err(("InvalidParameterException".into(), message.into()))
}

#[test]
fn sms_and_email_mfa_need_the_pool_to_allow_them_and_somewhere_to_send_codes() {
    let h = Harness::new(&seed(json!([
        { "username": "nina", "password": PASSWORD, "attributes": { "phone_number": "+15555550108" } }])));
    let result = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    let access = result["AuthenticationResult"]["AccessToken"].clone();
    let set = |settings: Value| {
        let mut body = settings;
        body["AccessToken"] = access.clone();
        h.call("SetUserMFAPreference", &body)
    };

    // The pool's MfaConfiguration is OFF and configures no code factor.
    assert_eq!(
        set(json!({ "EmailMfaSettings": { "Enabled": true } })),
        invalid("EMAIL_OTP is not enabled in the user pool's MFA configuration.")
    );
    assert_eq!(
        admin_prefer(
            &h,
            "nina",
            json!({ "SMSMfaSettings": { "PreferredMfa": true } })
        ),
        invalid("SMS_MFA is not enabled in the user pool's MFA configuration.")
    );
    // Turning off is always allowed.
    set(json!({ "SMSMfaSettings": { "Enabled": false, "PreferredMfa": false } })).unwrap();

    allow_sms_and_email_mfa(&h, "OPTIONAL");
    // alice has an email address and no phone number; nina the reverse.
    assert_eq!(
        set(json!({ "SMSMfaSettings": { "Enabled": true } })),
        invalid("User does not have delivery config set to turn on SMS_MFA")
    );
    assert_eq!(
        admin_prefer(
            &h,
            "nina",
            json!({ "EmailMfaSettings": { "Enabled": true } })
        ),
        invalid("User does not have delivery config set to turn on EMAIL_OTP")
    );
    assert_eq!(
        admin_prefer(
            &h,
            "nina",
            json!({ "SMSMfaSettings": { "PreferredMfa": true },
                                         "SoftwareTokenMfaSettings": { "PreferredMfa": true } })
        ),
        invalid("Only one MFA method can be preferred.")
    );
    // A refused request changes nothing.
    let user = h
        .call("GetUser", &json!({ "AccessToken": access }))
        .unwrap();
    assert!(user.get("UserMFASettingList").is_none(), "{user}");

    // UpdateUserPool has no SMS or email MFA configuration: it keeps them.
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": POOL, "MfaConfiguration": "OPTIONAL" }),
    )
    .unwrap();
    set(json!({ "EmailMfaSettings": { "Enabled": true } })).unwrap();
    let user = h
        .call("GetUser", &json!({ "AccessToken": access }))
        .unwrap();
    assert_eq!(user["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert!(user.get("PreferredMfaSetting").is_none(), "{user}");

    admin_prefer(
        &h,
        "nina",
        json!({ "SMSMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .unwrap();
    let nina = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "nina" }),
        )
        .unwrap();
    assert_eq!(nina["UserMFASettingList"], json!(["SMS_MFA"]));
    assert_eq!(nina["PreferredMfaSetting"], "SMS_MFA");

    // Disabling a factor stops preferring it.
    admin_prefer(
        &h,
        "nina",
        json!({ "SMSMfaSettings": { "Enabled": false } }),
    )
    .unwrap();
    let nina = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "nina" }),
        )
        .unwrap();
    assert!(nina.get("UserMFASettingList").is_none(), "{nina}");
    assert!(nina.get("PreferredMfaSetting").is_none(), "{nina}");
}

/// Answers an `SMS_MFA` or `EMAIL_OTP` challenge with `code`.
fn answer_code(h: &Harness, admin: bool, reply: &Value, code: &str) -> Result<Value, Refusal> {
    let challenge = reply["ChallengeName"].as_str().unwrap();
    let key = if challenge == "SMS_MFA" {
        "SMS_MFA_CODE"
    } else {
        "EMAIL_OTP_CODE"
    };
    h.respond(
        admin,
        json!({ "ChallengeName": challenge, "ClientId": CLIENT, "Session": reply["Session"],
                "ChallengeResponses": { "USERNAME": reply["ChallengeParameters"]["USERNAME"],
                                        key: code } }),
    )
}

/// A six-digit code other than `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[test]
fn sms_and_email_mfa_send_a_random_code_answered_once_public_and_admin() {
    let h = Harness::new(&seed(json!([
        { "username": "sam", "password": PASSWORD,
          "attributes": { "phone_number": "+15555550108", "email": "sam@example.com" } }])));
    allow_sms_and_email_mfa(&h, "OPTIONAL");
    let mut seen = Vec::new();
    for (settings, challenge, medium, destination, purpose) in [
        (
            "SMSMfaSettings",
            "SMS_MFA",
            "SMS",
            "+*******0108",
            "SMS_MFA",
        ),
        (
            "EmailMfaSettings",
            "EMAIL_OTP",
            "EMAIL",
            "s***@e***",
            "EMAIL_MFA",
        ),
    ] {
        // The only factor on, and not preferred: it is asked all the same.
        admin_prefer(
            &h,
            "sam",
            json!({ "SMSMfaSettings": { "Enabled": false },
                                        "EmailMfaSettings": { "Enabled": false } }),
        )
        .unwrap();
        admin_prefer(&h, "sam", json!({ settings: { "Enabled": true } })).unwrap();
        for admin in [false, true] {
            let way = format!("{challenge}, admin={admin}");
            let reply = h.user_srp(admin, CLIENT, "sam", PASSWORD, None).unwrap();
            assert_eq!(reply["ChallengeName"], challenge, "{way}: {reply}");
            assert_eq!(
                reply["ChallengeParameters"],
                json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                        "CODE_DELIVERY_DESTINATION": destination, "USERNAME": "sam" }),
                "{way}"
            );
            let sent = &sent_codes(&h, "sam")[0];
            assert_eq!(sent["Purpose"], purpose, "{way}");
            assert_eq!(sent["DeliveryMedium"], medium, "{way}");
            let code = sent["Code"].as_str().unwrap().to_owned();
            // The pool's templates: SmsAuthenticationMessage by SMS,
            // EmailMfaConfiguration by email.
            assert_eq!(sent["Message"], format!("Your code is {code}"), "{way}");
            let subject = if medium == "EMAIL" {
                json!("Code")
            } else {
                Value::Null
            };
            assert_eq!(
                sent.get("Subject").unwrap_or(&Value::Null),
                &subject,
                "{way}"
            );
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "{way}"
            );
            assert!(!seen.contains(&code), "{way}: a fresh code each sign-in");
            seen.push(code.clone());

            // A wrong code is refused, and spends the session.
            assert_eq!(
                answer_code(&h, admin, &reply, other_than(&code)),
                Err((
                    "CodeMismatchException".into(),
                    "Invalid code received for user".into()
                )),
                "{way}"
            );
            assert_eq!(
                answer_code(&h, admin, &reply, &code).unwrap_err().1,
                "Invalid session for the user.",
                "{way}"
            );

            let reply = h.user_srp(admin, CLIENT, "sam", PASSWORD, None).unwrap();
            let code = sent_codes(&h, "sam")[0]["Code"]
                .as_str()
                .unwrap()
                .to_owned();
            let done = answer_code(&h, admin, &reply, &code).unwrap();
            assert!(
                done["AuthenticationResult"]["AccessToken"].is_string(),
                "{way}"
            );
            assert_eq!(
                answer_code(&h, admin, &reply, &code).unwrap_err().1,
                "Invalid session for the user.",
                "{way}: a code answers once"
            );
        }
    }
}

#[test]
fn the_preferred_factor_is_asked_and_without_one_the_user_selects() {
    let h = Harness::new(&seed(json!([
        { "username": "sam", "password": PASSWORD, "totp_secret": SEEDED_SECRET,
          "attributes": { "phone_number": "+15555550108", "email": "sam@example.com" } }])));
    allow_sms_and_email_mfa(&h, "OPTIONAL");
    // The seeded software token is on and preferred: it is asked.
    admin_prefer(
        &h,
        "sam",
        json!({ "SMSMfaSettings": { "Enabled": true },
                                    "EmailMfaSettings": { "Enabled": true } }),
    )
    .unwrap();
    let reply = h.user_srp(false, CLIENT, "sam", PASSWORD, None).unwrap();
    assert_eq!(reply["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    // Preferring email moves the preference.
    admin_prefer(
        &h,
        "sam",
        json!({ "EmailMfaSettings": { "PreferredMfa": true } }),
    )
    .unwrap();
    let reply = h.user_srp(false, CLIENT, "sam", PASSWORD, None).unwrap();
    assert_eq!(reply["ChallengeName"], "EMAIL_OTP");
    let sam = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "sam" }),
        )
        .unwrap();
    assert_eq!(
        sam["UserMFASettingList"],
        json!(["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"])
    );
    assert_eq!(sam["PreferredMfaSetting"], "EMAIL_OTP");

    // None preferred: SELECT_MFA_TYPE, public and admin.
    admin_prefer(
        &h,
        "sam",
        json!({ "EmailMfaSettings": { "PreferredMfa": false } }),
    )
    .unwrap();
    let select = |admin: bool, answer: &str| {
        let reply = h.user_srp(admin, CLIENT, "sam", PASSWORD, None).unwrap();
        assert_eq!(reply["ChallengeName"], "SELECT_MFA_TYPE", "{reply}");
        assert_eq!(
            reply["ChallengeParameters"],
            json!({ "MFAS_CAN_CHOOSE": r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#,
                    "USERNAME": "sam" })
        );
        h.respond(
            admin,
            json!({ "ChallengeName": "SELECT_MFA_TYPE", "ClientId": CLIENT,
                    "Session": reply["Session"],
                    "ChallengeResponses": { "USERNAME": "sam", "ANSWER": answer } }),
        )
    };
    for admin in [false, true] {
        for (answer, challenge) in [
            ("SMS_MFA", "SMS_MFA"),
            ("EMAIL_OTP", "EMAIL_OTP"),
            ("EMAIL_MFA", "EMAIL_OTP"),
        ] {
            let reply = select(admin, answer).unwrap();
            assert_eq!(reply["ChallengeName"], challenge, "{answer}");
            let code = sent_codes(&h, "sam")[0]["Code"]
                .as_str()
                .unwrap()
                .to_owned();
            let done = answer_code(&h, admin, &reply, &code).unwrap();
            assert!(done["AuthenticationResult"]["AccessToken"].is_string());
        }
        let reply = select(admin, "SOFTWARE_TOKEN_MFA").unwrap();
        assert_eq!(reply["ChallengeName"], "SOFTWARE_TOKEN_MFA");
        assert!(reply["Session"].is_string());
        assert_eq!(
            select(admin, "SMS_OTP"),
            invalid("The MFA type SMS_OTP is not available for this user.")
        );
    }
}

#[test]
fn a_pool_with_mfa_off_asks_no_sms_or_email_code() {
    let h = Harness::new(&seed(json!([
        { "username": "sam", "password": PASSWORD, "attributes": { "email": "sam@example.com" } }])));
    allow_sms_and_email_mfa(&h, "ON");
    admin_prefer(
        &h,
        "sam",
        json!({ "EmailMfaSettings": { "Enabled": true } }),
    )
    .unwrap();
    // MFA ON and a code factor on: that factor, not MFA_SETUP.
    let reply = h.user_srp(false, CLIENT, "sam", PASSWORD, None).unwrap();
    assert_eq!(reply["ChallengeName"], "EMAIL_OTP");
    h.admin(
        "SetUserPoolMfaConfig",
        &json!({ "UserPoolId": POOL, "MfaConfiguration": "OFF" }),
    )
    .unwrap();
    let reply = h.user_srp(false, CLIENT, "sam", PASSWORD, None).unwrap();
    assert!(
        reply["AuthenticationResult"]["AccessToken"].is_string(),
        "{reply}"
    );
}

#[test]
fn a_remembered_device_stands_in_for_an_sms_code() {
    let h = Harness::new(&seed(json!([
        { "username": "sam", "password": PASSWORD, "attributes": { "phone_number": "+15555550108" } }])));
    let first = h
        .user_srp(false, DEVICE_CLIENT, "sam", PASSWORD, None)
        .unwrap();
    let device = h.confirm_device(&first["AuthenticationResult"]);
    allow_sms_and_email_mfa(&h, "OPTIONAL");
    admin_prefer(&h, "sam", json!({ "SMSMfaSettings": { "Enabled": true } })).unwrap();
    for admin in [false, true] {
        let reply = h
            .user_srp(admin, DEVICE_CLIENT, "sam", PASSWORD, Some(&device))
            .unwrap();
        let done = h
            .device_steps(admin, DEVICE_CLIENT, &reply, &device)
            .unwrap();
        assert!(
            done["AuthenticationResult"]["AccessToken"].is_string(),
            "{done}"
        );
    }
    assert!(sent_codes(&h, "sam").is_empty(), "no code was sent");
    let reply = h
        .user_srp(false, DEVICE_CLIENT, "sam", PASSWORD, None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "SMS_MFA", "without the device");
}

#[test]
fn an_sms_code_expires_with_its_session() {
    let h = Harness::new(&seed(json!([
        { "username": "sam", "password": PASSWORD, "attributes": { "phone_number": "+15555550108" } }])));
    allow_sms_and_email_mfa(&h, "OPTIONAL");
    admin_prefer(&h, "sam", json!({ "SMSMfaSettings": { "Enabled": true } })).unwrap();
    let reply = h.user_srp(false, CLIENT, "sam", PASSWORD, None).unwrap();
    let code = sent_codes(&h, "sam")[0]["Code"]
        .as_str()
        .unwrap()
        .to_owned();
    // The app client's AuthSessionValidity: three minutes by default.
    h.endpoint
        .clock()
        .advance(std::time::Duration::from_secs(3 * 60 + 1));
    assert_eq!(
        answer_code(&h, false, &reply, &code),
        Err((
            "NotAuthorizedException".into(),
            "Invalid session for the user, session is expired.".into()
        ))
    );
}

#[test]
fn sms_mfa_configuration_gives_the_pool_its_sms_configuration_and_is_read_by_type() {
    let h = Harness::new(&seed(json!([])));
    let pool = h
        .admin("CreateUserPool", &json!({ "PoolName": "no-sms-yet" }))
        .unwrap()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let described = h
        .admin("DescribeUserPool", &json!({ "UserPoolId": pool }))
        .unwrap();
    assert!(
        described["UserPool"].get("SmsConfiguration").is_none(),
        "{described}"
    );
    let sms = json!({ "SnsCallerArn": "arn:aws:iam::000000000000:role/sms", "ExternalId": "x" });
    h.admin(
        "SetUserPoolMfaConfig",
        &json!({ "UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
                 "SmsMfaConfiguration": { "SmsAuthenticationMessage": "Sign-in code {####}",
                                          "SmsConfiguration": sms } }),
    )
    .unwrap();
    let described = h
        .admin("DescribeUserPool", &json!({ "UserPoolId": pool }))
        .unwrap();
    assert_eq!(
        described["UserPool"]["SmsConfiguration"], sms,
        "{described}"
    );
    assert_eq!(
        described["UserPool"]["SmsAuthenticationMessage"],
        "Sign-in code {####}"
    );
    // A member of the wrong type is refused before anything is looked at.
    for wrong in [
        json!({ "SmsMfaConfiguration": { "SmsConfiguration": 5 } }),
        json!({ "SmsMfaConfiguration": { "SmsAuthenticationMessage": true } }),
        json!({ "EmailMfaConfiguration": { "Subject": ["Code"] } }),
        json!({ "EmailMfaConfiguration": "on" }),
    ] {
        let mut body = wrong.clone();
        body["UserPoolId"] = json!(pool);
        assert_eq!(
            h.admin("SetUserPoolMfaConfig", &body).unwrap_err().0,
            "SerializationException",
            "{wrong}"
        );
    }
    for wrong in [
        json!({ "SmsConfiguration": { "SnsCallerArn": 7 } }),
        json!({ "EmailConfiguration": { "EmailSendingAccount": false } }),
        json!({ "VerificationMessageTemplate": { "EmailMessage": 1 } }),
        json!({ "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": "yes" } }),
    ] {
        let mut body = wrong.clone();
        body["PoolName"] = json!("typed");
        assert_eq!(
            h.admin("CreateUserPool", &body).unwrap_err().0,
            "SerializationException",
            "{wrong}"
        );
        let mut body = wrong.clone();
        body["UserPoolId"] = json!(pool);
        assert_eq!(
            h.admin("UpdateUserPool", &body).unwrap_err().0,
            "SerializationException",
            "{wrong}"
        );
    }
}
