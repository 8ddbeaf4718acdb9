//! The `Admin*` operations require an AWS Signature Version 4 from the
//! seed's credentials, checked as AWS checks it; the public operations do
//! not, and ignore one. Requests here are signed by AWS's own `aws-sigv4`.

mod common;

use std::time::{Duration, SystemTime};

use common::*;
use serde_json::{Value, json};

fn admin_sign_in_body() -> Value {
    json!({ "UserPoolId": POOL, "ClientId": CLIENT, "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": { "USERNAME": "alice", "SRP_A": "02" } })
}

fn signed_with(
    operation: &str,
    body: &Value,
    access_key: &str,
    secret_key: &str,
    time: SystemTime,
) -> (Vec<(String, Vec<u8>)>, Vec<u8>) {
    let bytes = body.to_string().into_bytes();
    let headers = sign_request(
        headers(operation),
        &bytes,
        access_key,
        secret_key,
        "us-east-1",
        time,
    );
    (headers, bytes)
}

fn authorization(headers: &[(String, Vec<u8>)]) -> String {
    let (_, value) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .unwrap();
    String::from_utf8(value.clone()).unwrap()
}

fn with_authorization(headers: &[(String, Vec<u8>)], value: &str) -> Vec<(String, Vec<u8>)> {
    headers
        .iter()
        .map(|(n, v)| {
            if n.eq_ignore_ascii_case("authorization") {
                (n.clone(), value.as_bytes().to_vec())
            } else {
                (n.clone(), v.clone())
            }
        })
        .collect()
}

#[test]
fn a_signed_admin_sign_in_completes_with_user_srp_auth() {
    let h = Harness::new(&seed(json!([])));
    let result = h
        .user_srp(true, CLIENT, "alice", PASSWORD, None)
        .expect("signed AdminInitiateAuth + AdminRespondToAuthChallenge");
    assert_eq!(result["AuthenticationResult"]["TokenType"], "Bearer");
}

#[test]
fn an_unsigned_admin_call_is_refused_with_missing_authentication_token() {
    let h = Harness::new(&seed(json!([])));
    for operation in [
        "AdminInitiateAuth",
        "AdminRespondToAuthChallenge",
        "AdminCreateUser",
        "AdminSetUserPassword",
        "AdminConfirmSignUp",
    ] {
        assert_eq!(
            h.call(operation, &admin_sign_in_body()),
            Err((
                "MissingAuthenticationTokenException".into(),
                "Missing Authentication Token".into()
            )),
            "{operation}"
        );
    }
}

#[test]
fn an_unknown_access_key_is_unrecognized() {
    let h = Harness::new(&seed(json!([])));
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        "AKIAUNKNOWNKEY000000",
        SECRET_KEY,
        SystemTime::now(),
    );
    assert_eq!(
        h.raw(&headers, &body),
        Err((
            "UnrecognizedClientException".into(),
            "The security token included in the request is invalid.".into()
        ))
    );
}

#[test]
fn a_wrong_secret_or_a_changed_body_or_header_is_a_bad_signature() {
    let h = Harness::new(&seed(json!([])));
    let bad_signature = || {
        Err::<Value, Refusal>((
            "InvalidSignatureException".into(),
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
                .into(),
        ))
    };
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        "not/the/secret",
        SystemTime::now(),
    );
    assert_eq!(h.raw(&headers, &body), bad_signature());

    let (headers, mut body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        SystemTime::now(),
    );
    // The signature is good as sent...
    assert_ne!(
        h.raw(&headers, &body).err().map(|e| e.0),
        Some("InvalidSignatureException".into())
    );
    // ...and covers the body,
    body.extend_from_slice(b" ");
    assert_eq!(h.raw(&headers, &body), bad_signature());
    // the signed headers,
    body.pop();
    let mut retargeted = headers.clone();
    for (name, value) in &mut retargeted {
        if name == "X-Amz-Target" {
            *value = b"AWSCognitoIdentityProviderService.AdminCreateUser".to_vec();
        }
    }
    assert_eq!(h.raw(&retargeted, &body), bad_signature());
    // and the signature itself.
    let auth = authorization(&headers);
    let (head, signature) = auth.rsplit_once('=').unwrap();
    let flipped: String = signature
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect();
    assert_eq!(
        h.raw(
            &with_authorization(&headers, &format!("{head}={flipped}")),
            &body
        ),
        bad_signature()
    );
}

#[test]
fn a_request_time_more_than_fifteen_minutes_off_is_refused() {
    let h = Harness::new(&seed(json!([])));
    let now = SystemTime::now();
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        now - Duration::from_secs(16 * 60),
    );
    let (kind, message) = h.raw(&headers, &body).unwrap_err();
    assert_eq!(kind, "InvalidSignatureException");
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(message.ends_with(" - 15 min.)"), "{message}");

    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        now + Duration::from_secs(16 * 60),
    );
    let (kind, message) = h.raw(&headers, &body).unwrap_err();
    assert_eq!(kind, "InvalidSignatureException");
    assert!(
        message.starts_with("Signature not yet current: "),
        "{message}"
    );

    // Within the window the signature is accepted (and the sign-in goes on).
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        now - Duration::from_secs(14 * 60),
    );
    assert_ne!(
        h.raw(&headers, &body).err().map(|e| e.0),
        Some("InvalidSignatureException".into())
    );
}

#[test]
fn a_malformed_authorization_header_is_an_incomplete_signature() {
    let h = Harness::new(&seed(json!([])));
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        SystemTime::now(),
    );
    for bad in [
        "AWS4-HMAC-SHA256 Credential=AKIAMOCKCOGNITO000001/20250101/us-east-1/cognito-idp/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIAMOCKCOGNITO000001 /20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00",
        "Bearer eyJhbGciOiJSUzI1NiJ9",
        "AWS4-HMAC-SHA256 Credential=AKIAMOCKCOGNITO000001, SignedHeaders=host, Signature=00",
    ] {
        let (kind, _) = h
            .raw(&with_authorization(&headers, bad), &body)
            .unwrap_err();
        assert_eq!(kind, "IncompleteSignatureException", "{bad}");
    }
}

#[test]
fn the_credential_scope_must_name_cognito_idp() {
    let h = Harness::new(&seed(json!([])));
    let (headers, body) = signed_with(
        "AdminInitiateAuth",
        &admin_sign_in_body(),
        ACCESS_KEY,
        SECRET_KEY,
        SystemTime::now(),
    );
    let auth = authorization(&headers).replace("/cognito-idp/", "/dynamodb/");
    let (kind, message) = h
        .raw(&with_authorization(&headers, &auth), &body)
        .unwrap_err();
    assert_eq!(kind, "InvalidSignatureException");
    assert!(message.contains("'cognito-idp'"), "{message}");
}

#[test]
fn public_operations_accept_and_ignore_a_signature_even_a_bad_one() {
    let h = Harness::new(&seed(json!([])));
    let login = cognito_srp::UserSrpClient::new(pool())
        .with_app_client(app(CLIENT))
        .start("alice")
        .unwrap();
    let body = json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                       "AuthParameters": login.auth_parameters() });
    let (headers, bytes) = signed_with(
        "InitiateAuth",
        &body,
        "AKIAUNKNOWNKEY000000",
        "whatever",
        SystemTime::now() - Duration::from_secs(3600),
    );
    let reply = h.raw(&headers, &bytes).expect("the signature is ignored");
    assert_eq!(reply["ChallengeName"], "PASSWORD_VERIFIER");
}

#[test]
fn signed_user_management_operations_work() {
    let h = Harness::new(&seed(json!([])));
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "carol" }),
    )
    .unwrap();
    h.admin(
        "AdminSetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "carol", "Password": "Pw-carol-1", "Permanent": true }),
    )
    .unwrap();
    h.admin(
        "AdminConfirmSignUp",
        &json!({ "UserPoolId": POOL, "Username": "carol" }),
    )
    .unwrap();
    assert!(
        h.user_srp(true, CLIENT, "carol", "Pw-carol-1", None)
            .is_ok()
    );
}

#[test]
fn admin_sign_in_checks_its_pool_and_optional_members() {
    let h = Harness::new(&seed(json!([])));
    let mut body = admin_sign_in_body();
    body["UserPoolId"] = json!("us-east-1_NoSuchPool");
    assert_eq!(
        h.admin("AdminInitiateAuth", &body).unwrap_err().0,
        "ResourceNotFoundException"
    );
    let mut body = admin_sign_in_body();
    body["ClientMetadata"] = json!({ "k": 1 });
    assert_eq!(
        h.admin("AdminInitiateAuth", &body).unwrap_err().0,
        "SerializationException"
    );
    let mut body = admin_sign_in_body();
    body["ContextData"] =
        json!({ "IpAddress": "10.0.0.1", "ServerName": "app", "ServerPath": "/login" });
    assert_eq!(
        h.admin("AdminInitiateAuth", &body).unwrap_err(),
        (
            "InvalidParameterException".into(),
            "Missing required parameter ContextData.HttpHeaders".into()
        )
    );
    // Well-formed metadata is accepted (and the flow goes on to the SRP maths).
    let login = cognito_srp::UserSrpClient::new(pool())
        .with_app_client(app(CLIENT))
        .start("alice")
        .unwrap();
    let body = json!({ "UserPoolId": POOL, "ClientId": CLIENT, "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": login.auth_parameters(),
        "ClientMetadata": { "source": "test" }, "AnalyticsMetadata": { "AnalyticsEndpointId": "e1" },
        "ContextData": { "IpAddress": "10.0.0.1", "ServerName": "app", "ServerPath": "/login",
                         "HttpHeaders": [{ "headerName": "User-Agent", "headerValue": "test" }] } });
    let reply = h.admin("AdminInitiateAuth", &body).unwrap();
    assert!(
        h.answer_password_verifier(true, CLIENT, login, &reply, PASSWORD, &[])
            .is_ok()
    );
}
