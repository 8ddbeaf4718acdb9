//! Every exception of the `AdminInitiateAuth`/`InitiateAuth` reference, each
//! produced where Cognito produces it, and the table in `LOCAL-ENDPOINT.md`
//! that names, for each, the situation and the test (so the table cannot
//! drift: every name it lists is in the code, every test it names exists).
//! Also the pool settings behind some of them: `SignInPolicy`'s
//! `AllowedFirstAuthFactors`, `WebAuthnConfiguration` and `SmsConfiguration`.

mod common;

use common::*;
use serde_json::{Value, json};

fn kind(result: Result<Value, Refusal>) -> String {
    result.expect_err("refused").0
}

/// A pool made over the API, with an app client allowing `flows`, and
/// `alice` (password [`PASSWORD`], with `attributes`) in it: (pool, client).
fn api_pool(h: &Harness, mut pool: Value, flows: &[&str], attributes: Value) -> (String, String) {
    pool["PoolName"] = json!("exceptions");
    let pool_id = h.admin("CreateUserPool", &pool).unwrap()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = h
        .admin(
            "CreateUserPoolClient",
            &json!({ "UserPoolId": pool_id, "ClientName": "app", "ExplicitAuthFlows": flows }),
        )
        .unwrap()["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": pool_id, "Username": "alice", "UserAttributes": attributes }),
    )
    .unwrap();
    h.admin(
        "AdminSetUserPassword",
        &json!({ "UserPoolId": pool_id, "Username": "alice", "Password": PASSWORD,
                 "Permanent": true }),
    )
    .unwrap();
    (pool_id, client)
}

fn user_auth(h: &Harness, client: &str, parameters: Value) -> Result<Value, Refusal> {
    h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": parameters }),
    )
}

fn password_auth(
    h: &Harness,
    admin: bool,
    username: &str,
    password: &str,
) -> Result<Value, Refusal> {
    let flow = if admin {
        "ADMIN_USER_PASSWORD_AUTH"
    } else {
        "USER_PASSWORD_AUTH"
    };
    h.initiate(
        admin,
        json!({ "AuthFlow": flow, "ClientId": CLIENT,
                "AuthParameters": { "USERNAME": username, "PASSWORD": password } }),
    )
}

#[test]
fn resource_not_found_for_an_unknown_app_client_or_pool() {
    let h = Harness::new(&seed(json!([])));
    for admin in [false, true] {
        let refused = h.initiate(
            admin,
            json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "nosuchclient",
                    "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
        );
        assert_eq!(kind(refused), "ResourceNotFoundException");
    }
    let refused = h.admin(
        "AdminResetUserPassword",
        &json!({ "UserPoolId": "us-east-1_NoSuchPool", "Username": "alice" }),
    );
    assert_eq!(kind(refused), "ResourceNotFoundException");
}

#[test]
fn invalid_parameter_for_a_missing_parameter_or_a_flow_through_the_wrong_operation() {
    let h = Harness::new(&seed(json!([])));
    let refused = h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                 "AuthParameters": { "USERNAME": "alice" } }),
    );
    assert_eq!(kind(refused), "InvalidParameterException");
    let refused = h
        .initiate(
            true,
            json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": CLIENT,
                    "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
        )
        .unwrap_err();
    assert_eq!(
        refused,
        (
            "InvalidParameterException".into(),
            "Initiate Auth method not supported.".into()
        )
    );
}

#[test]
fn not_authorized_for_a_wrong_password_or_a_disabled_user() {
    let h = Harness::new(&seed(json!([])));
    for admin in [false, true] {
        assert_eq!(
            password_auth(&h, admin, "alice", "Wrong-Horse-1").unwrap_err(),
            (
                "NotAuthorizedException".into(),
                "Incorrect username or password.".into()
            )
        );
    }
    h.admin(
        "AdminDisableUser",
        &json!({ "UserPoolId": POOL, "Username": "alice" }),
    )
    .unwrap();
    assert_eq!(
        password_auth(&h, false, "alice", PASSWORD).unwrap_err(),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
}

#[test]
fn too_many_requests_when_the_challenges_in_flight_are_full() {
    let endpoint = cognito_srp_local::seed_from_json(&seed(json!([])))
        .unwrap()
        .with_max_challenges(1);
    let h = Harness { endpoint };
    let select = || user_auth(&h, CLIENT, json!({ "USERNAME": "alice" }));
    assert_eq!(select().unwrap()["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(kind(select()), "TooManyRequestsException");
}

#[test]
fn internal_error_is_a_500_in_cognitos_shape() {
    // Only a bug (a handler that panics) gives it; the transport answers
    // it with this error and goes on serving (local/src/transport.rs).
    let error = cognito_srp_local::ApiError::new("InternalErrorException", "internal error");
    assert_eq!(error.status, 500);
    let other = cognito_srp_local::ApiError::new("NotAuthorizedException", "x");
    assert_eq!(other.status, 400);
}

#[test]
fn user_not_found_for_an_unknown_user_on_a_legacy_client() {
    let h = Harness::new(&seed(json!([])));
    for admin in [false, true] {
        assert_eq!(
            password_auth(&h, admin, "nobody", PASSWORD).unwrap_err(),
            (
                "UserNotFoundException".into(),
                "User does not exist.".into()
            )
        );
    }
}

#[test]
fn user_not_confirmed_before_the_password_is_looked_at() {
    let h = Harness::new(&seed(json!([])));
    h.call(
        "SignUp",
        &json!({ "ClientId": CLIENT, "Username": "carol", "Password": PASSWORD }),
    )
    .unwrap();
    for password in [PASSWORD, "Wrong-Horse-1"] {
        assert_eq!(
            password_auth(&h, true, "carol", password).unwrap_err(),
            (
                "UserNotConfirmedException".into(),
                "User is not confirmed.".into()
            )
        );
    }
}

/// The newest code the local channel holds for `username`.
fn last_code(h: &Harness, pool: &str, username: &str) -> String {
    let (status, _, body) = h.get(&format!("/_local/codes/{pool}/{username}"));
    assert_eq!(status, 200, "{body}");
    body["Codes"][0]["Code"].as_str().unwrap().to_owned()
}

fn user_status(h: &Harness, username: &str) -> Value {
    h.admin(
        "AdminGetUser",
        &json!({ "UserPoolId": POOL, "Username": username }),
    )
    .unwrap()["UserStatus"]
        .clone()
}

#[test]
fn password_reset_required_after_admin_reset_user_password_until_the_reset_is_confirmed() {
    let h = Harness::new(&seed(json!([{ "username": "bob", "password": PASSWORD }])));
    h.admin(
        "AdminResetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "alice" }),
    )
    .unwrap();
    assert_eq!(user_status(&h, "alice"), "RESET_REQUIRED");
    let required = (
        "PasswordResetRequiredException".to_owned(),
        "Password reset required for the user".to_owned(),
    );
    // With the right password, every flow meets the reset...
    for admin in [false, true] {
        assert_eq!(
            password_auth(&h, admin, "alice", PASSWORD).unwrap_err(),
            required
        );
        assert_eq!(
            h.user_srp(admin, CLIENT, "alice", PASSWORD, None)
                .unwrap_err(),
            required
        );
    }
    // ...a wrong one is refused as wrong.
    assert_eq!(
        kind(password_auth(&h, false, "alice", "Wrong-Horse-1")),
        "NotAuthorizedException"
    );
    // The code sent completes the reset; the new password signs in.
    let code = last_code(&h, POOL, "alice");
    h.call(
        "ConfirmForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": "alice", "ConfirmationCode": code,
                 "Password": "Battery-Staple-2" }),
    )
    .unwrap();
    assert_eq!(user_status(&h, "alice"), "CONFIRMED");
    let signed_in = password_auth(&h, true, "alice", "Battery-Staple-2").unwrap();
    assert!(signed_in["AuthenticationResult"]["AccessToken"].is_string());

    // No address to send the code to; no such user.
    let refused = h.admin(
        "AdminResetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "bob" }),
    );
    assert_eq!(kind(refused), "InvalidParameterException");
    assert_eq!(user_status(&h, "bob"), "CONFIRMED");
    let refused = h.admin(
        "AdminResetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "nobody" }),
    );
    assert_eq!(kind(refused), "UserNotFoundException");
}

#[test]
fn mfa_method_not_found_when_mfa_is_required_and_no_method_can_be_set_up() {
    let h = Harness::new(&seed(json!([])));
    let (pool, client) = api_pool(
        &h,
        json!({ "MfaConfiguration": "ON" }),
        &["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
        json!([]),
    );
    let refused = h
        .admin(
            "AdminInitiateAuth",
            &json!({ "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                     "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
        )
        .unwrap_err();
    assert_eq!(
        refused,
        (
            "MFAMethodNotFoundException".into(),
            "No MFA mechanism registerd in the account.".into()
        )
    );
}

/// `USER_AUTH` with `SMS_OTP` preferred on a pool that allows it, with
/// `sms` as its `SmsConfiguration`.
fn sms_otp_on(sms: Option<Value>) -> Result<Value, Refusal> {
    let h = Harness::new(&seed(json!([])));
    let mut pool = json!({ "Policies": { "SignInPolicy":
        { "AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"] } } });
    if let Some(sms) = sms {
        pool["SmsConfiguration"] = sms;
    }
    let (_, client) = api_pool(
        &h,
        pool,
        &["ALLOW_USER_AUTH"],
        json!([{ "Name": "phone_number", "Value": "+15555550100" }]),
    );
    user_auth(
        &h,
        &client,
        json!({ "USERNAME": "alice", "PREFERRED_CHALLENGE": "SMS_OTP" }),
    )
}

#[test]
fn invalid_user_pool_configuration_when_an_sms_must_go_out_and_the_pool_has_no_sms_configuration() {
    assert_eq!(
        kind(sms_otp_on(None)),
        "InvalidUserPoolConfigurationException"
    );
    let role = json!({ "SnsCallerArn": "arn:aws:iam::000000000000:role/sms", "ExternalId": "x" });
    assert_eq!(sms_otp_on(Some(role)).unwrap()["ChallengeName"], "SMS_OTP");
}

#[test]
fn invalid_sms_role_trust_relationship_when_the_sms_caller_is_not_a_role() {
    let not_a_role = json!({ "SnsCallerArn": "arn:aws:iam::000000000000:user/sms" });
    assert_eq!(
        sms_otp_on(Some(not_a_role)).unwrap_err(),
        (
            "InvalidSmsRoleTrustRelationshipException".into(),
            "Role does not have a trust relationship allowing Cognito to assume the role".into()
        )
    );
}

#[test]
fn invalid_sms_role_access_policy_when_the_role_cannot_publish_here() {
    let elsewhere = json!({ "SnsCallerArn": "arn:aws:iam::123456789012:role/sms" });
    assert_eq!(
        sms_otp_on(Some(elsewhere)).unwrap_err(),
        (
            "InvalidSmsRoleAccessPolicyException".into(),
            "Role does not have permission to publish with SNS".into()
        )
    );
}

fn available(reply: &Value) -> Vec<&str> {
    assert_eq!(reply["ChallengeName"], "SELECT_CHALLENGE", "{reply}");
    reply["AvailableChallenges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

#[test]
fn allowed_first_auth_factors_govern_the_challenges_user_auth_offers() {
    let h = Harness::new(&seed(json!([])));
    let email = json!([{ "Name": "email", "Value": "alice@example.com" }]);
    // Cognito's default: the password alone.
    let (pool, client) = api_pool(&h, json!({}), &["ALLOW_USER_AUTH"], email);
    let described = h
        .admin("DescribeUserPool", &json!({ "UserPoolId": pool }))
        .unwrap();
    assert_eq!(
        described["UserPool"]["Policies"]["SignInPolicy"],
        json!({ "AllowedFirstAuthFactors": ["PASSWORD"] })
    );
    let start = |preferred: Option<&str>| {
        let mut parameters = json!({ "USERNAME": "alice" });
        if let Some(p) = preferred {
            parameters["PREFERRED_CHALLENGE"] = json!(p);
        }
        user_auth(&h, &client, parameters).unwrap()
    };
    assert_eq!(available(&start(None)), ["PASSWORD", "PASSWORD_SRP"]);
    // A factor the pool does not allow is neither sent when preferred...
    assert_eq!(
        available(&start(Some("EMAIL_OTP"))),
        ["PASSWORD", "PASSWORD_SRP"]
    );
    // ...nor accepted as the choice.
    let select = start(None);
    let refused = h.call(
        "RespondToAuthChallenge",
        &json!({ "ClientId": client, "ChallengeName": "SELECT_CHALLENGE",
                 "Session": select["Session"],
                 "ChallengeResponses": { "USERNAME": "alice", "ANSWER": "EMAIL_OTP" } }),
    );
    assert_eq!(kind(refused), "InvalidParameterException");

    // Allowed, the code factor is offered and sent.
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": pool, "Policies": { "SignInPolicy":
            { "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"] } } }),
    )
    .unwrap();
    assert_eq!(
        available(&start(None)),
        ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    );
    assert_eq!(start(Some("EMAIL_OTP"))["ChallengeName"], "EMAIL_OTP");

    // The policy's own errors.
    for bad in [
        json!([]),
        json!(["PASSWORD", "NOT_A_FACTOR"]),
        json!(["PASSWORD", "SOFTWARE_TOKEN"]),
        json!(["EMAIL_OTP"]),
    ] {
        let refused = h.admin(
            "UpdateUserPool",
            &json!({ "UserPoolId": pool, "Policies": { "SignInPolicy":
                { "AllowedFirstAuthFactors": bad } } }),
        );
        assert_eq!(kind(refused), "InvalidParameterException", "{bad}");
    }
}

#[test]
fn web_authn_is_offered_only_with_a_relying_party_and_refuses_a_user_without_a_passkey() {
    let h = Harness::new(&seed(json!([])));
    let (pool, client) = api_pool(
        &h,
        json!({ "Policies": { "SignInPolicy":
            { "AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"] } } }),
        &["ALLOW_USER_AUTH"],
        json!([]),
    );
    let start = |preferred: Option<&str>| {
        let mut parameters = json!({ "USERNAME": "alice" });
        if let Some(p) = preferred {
            parameters["PREFERRED_CHALLENGE"] = json!(p);
        }
        user_auth(&h, &client, parameters).unwrap()
    };
    // Allowed by the policy, but no relying party: not offered.
    assert_eq!(
        available(&start(Some("WEB_AUTHN"))),
        ["PASSWORD", "PASSWORD_SRP"]
    );
    let config = h
        .admin(
            "SetUserPoolMfaConfig",
            &json!({ "UserPoolId": pool,
                     "WebAuthnConfiguration": { "RelyingPartyId": "example.com" } }),
        )
        .unwrap();
    assert_eq!(
        config["WebAuthnConfiguration"],
        json!({ "RelyingPartyId": "example.com", "UserVerification": "preferred" })
    );
    assert_eq!(
        available(&start(None)),
        ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    );

    // Preferred, or chosen: the request options, with a fresh challenge.
    let chosen = {
        let select = start(None);
        h.call(
            "RespondToAuthChallenge",
            &json!({ "ClientId": client, "ChallengeName": "SELECT_CHALLENGE",
                     "Session": select["Session"],
                     "ChallengeResponses": { "USERNAME": "alice", "ANSWER": "WEB_AUTHN" } }),
        )
        .unwrap()
    };
    let mut challenges = Vec::new();
    for reply in [start(Some("WEB_AUTHN")), chosen] {
        assert_eq!(reply["ChallengeName"], "WEB_AUTHN", "{reply}");
        let options: Value = serde_json::from_str(
            reply["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(options["rpId"], "example.com");
        assert_eq!(options["allowCredentials"], json!([]));
        let challenge = options["challenge"].as_str().unwrap().to_owned();
        assert_eq!(challenge.len(), 43, "32 random bytes, base64url");
        assert!(!challenges.contains(&challenge));
        challenges.push(challenge);
    }

    // Alice has no passkey: any credential is refused, once per session.
    let reply = start(Some("WEB_AUTHN"));
    let answer = |credential: &str, session: &Value| {
        h.call(
            "RespondToAuthChallenge",
            &json!({ "ClientId": client, "ChallengeName": "WEB_AUTHN", "Session": session,
                     "ChallengeResponses": { "USERNAME": "alice", "CREDENTIAL": credential } }),
        )
    };
    let credential = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}"#;
    assert_eq!(
        answer(credential, &reply["Session"]).unwrap_err(),
        (
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    assert_eq!(
        kind(answer(credential, &reply["Session"])),
        "NotAuthorizedException"
    );
    let reply = start(Some("WEB_AUTHN"));
    assert_eq!(
        kind(answer("not json", &reply["Session"])),
        "InvalidParameterException"
    );
}

/// The rows of the exceptions table: (exception, situation, test).
fn table() -> Vec<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../LOCAL-ENDPOINT.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let table = doc
        .split("<!-- exceptions -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /exceptions -->").next())
        .expect("LOCAL-ENDPOINT.md has an exceptions table between its markers");
    table
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((
                name.to_owned(),
                cells.get(2)?.to_string(),
                cells.get(3)?.to_string(),
            ))
        })
        .collect()
}

/// Every `.rs` file under `dir`, read.
fn sources(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out
}

#[test]
fn the_exceptions_table_names_code_and_tests_that_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = sources(&root.join("src"));
    let tests = sources(&root.join("tests"));
    let rows = table();
    for (name, situation, test) in &rows {
        assert!(!situation.is_empty(), "{name}: a situation");
        let quoted = format!("\"{name}\"");
        assert!(
            code.iter().any(|(_, text)| text.contains(&quoted)),
            "{name} is produced nowhere in local/src"
        );
        // `file.rs::test_name`, one or more, separated by commas.
        for cited in test.split(',').map(|t| t.trim().trim_matches('`')) {
            let (file, function) = cited
                .split_once("::")
                .unwrap_or_else(|| panic!("{name}: `{cited}` is not file.rs::test"));
            let (_, text) = tests
                .iter()
                .find(|(path, _)| path.file_name().is_some_and(|f| f == file))
                .unwrap_or_else(|| panic!("{name}: no tests/{file}"));
            assert!(
                text.contains(&format!("fn {function}(")),
                "{name}: no test {function} in {file}"
            );
        }
    }
    // The reference's fifteen, each once.
    for name in [
        "ResourceNotFoundException",
        "InvalidParameterException",
        "NotAuthorizedException",
        "TooManyRequestsException",
        "InternalErrorException",
        "UnexpectedLambdaException",
        "InvalidUserPoolConfigurationException",
        "UserLambdaValidationException",
        "InvalidLambdaResponseException",
        "MFAMethodNotFoundException",
        "InvalidSmsRoleAccessPolicyException",
        "InvalidSmsRoleTrustRelationshipException",
        "PasswordResetRequiredException",
        "UserNotFoundException",
        "UserNotConfirmedException",
    ] {
        let count = rows.iter().filter(|(n, _, _)| n == name).count();
        assert!(count == 1, "{name} has {count} rows");
    }
}
