//! Requests Cognito refuses before looking at any user: members of the wrong
//! JSON type, and usernames outside the API's `UsernameType`.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

const POOL: &str = "us-east-1_Validate1";

fn start() -> std::net::SocketAddr {
    let seed = json!({ "pools": [{ "id": POOL, "clients": [{ "id": "client" }],
        "users": [{ "username": "alice", "password": "Correct-Horse-1" }] }] });
    let (addr, _) = cognito_srp_local::seed_from_json(&seed)
        .unwrap()
        .serve("127.0.0.1:0", 2)
        .unwrap();
    addr
}

/// One request; the status, the `x-amzn-ErrorType` header and the body.
fn call(addr: std::net::SocketAddr, operation: &str, body: &Value) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.{operation}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let error_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-amzn-errortype:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    (
        head[9..12].parse().unwrap(),
        error_type,
        serde_json::from_str(body).unwrap(),
    )
}

#[test]
fn a_member_of_the_wrong_json_type_is_a_serialization_exception() {
    let addr = start();
    for flow in [json!(true), json!(1), json!({}), json!(["USER_SRP_AUTH"])] {
        let (status, header, body) = call(
            addr,
            "InitiateAuth",
            &json!({ "ClientId": "client", "AuthFlow": flow, "AuthParameters": {} }),
        );
        assert_eq!(status, 400);
        assert_eq!(body["__type"], "SerializationException", "{flow}");
        assert_eq!(header, "serializationexception:");
        assert!(body["message"].is_string());
    }
}

/// The whole body is read by type before any value counts: a wrong type
/// anywhere is a `SerializationException` in every operation, even where the
/// rest of the request would be refused for something else (no such token,
/// no such client).
#[test]
fn every_operation_reads_the_whole_body_by_type_first() {
    let addr = start();
    for (operation, body, message) in [
        (
            "ConfirmDevice",
            json!({ "AccessToken": true, "DeviceKey": "k" }),
            "BOOLEAN_VALUE can not be converted to a String",
        ),
        (
            "UpdateDeviceStatus",
            json!({ "AccessToken": "not-a-token", "DeviceKey": "k", "DeviceRememberedStatus": false }),
            "BOOLEAN_VALUE can not be converted to a String",
        ),
        (
            "ListDevices",
            json!({ "AccessToken": "not-a-token", "Limit": "10" }),
            "STRING_VALUE can not be converted to an Integer",
        ),
        (
            "GetUser",
            json!({ "AccessToken": 1 }),
            "NUMBER_VALUE can not be converted to a String",
        ),
        (
            "RespondToAuthChallenge",
            json!({ "ClientId": "nobody", "ChallengeName": "PASSWORD_VERIFIER",
                    "ChallengeResponses": { "USERNAME": "alice" }, "ClientMetadata": { "a": false } }),
            "BOOLEAN_VALUE can not be converted to a String",
        ),
        (
            "SignUp",
            json!({ "ClientId": "nobody", "Username": "bob", "Password": "Correct-Horse-1",
                    "UserAttributes": [{ "Name": "email", "Value": ["x"] }] }),
            "Start of list found where not expected.",
        ),
        (
            "SetUserMFAPreference",
            json!({ "AccessToken": "not-a-token", "SoftwareTokenMfaSettings": { "Enabled": "true" } }),
            "STRING_VALUE can not be converted to a Boolean",
        ),
        (
            "VerifySoftwareToken",
            json!({ "Session": "s", "UserCode": 123456 }),
            "NUMBER_VALUE can not be converted to a String",
        ),
    ] {
        let (status, header, body) = call(addr, operation, &body);
        assert_eq!(status, 400, "{operation}");
        assert_eq!(header, "serializationexception:", "{operation}");
        assert_eq!(body["__type"], "SerializationException", "{operation}");
        assert_eq!(body["message"], message, "{operation}");
    }
}

#[test]
fn usernames_outside_cognitos_pattern_or_length_are_refused_at_sign_up_and_sign_in() {
    let addr = start();
    let long = "u".repeat(129);
    for username in [
        "",
        " ",
        "   ",
        "\t\n",
        "a\u{0}b",
        "bell\u{7}",
        "two words",
        &long,
    ] {
        let (status, _, body) = call(
            addr,
            "SignUp",
            &json!({ "ClientId": "client", "Username": username, "Password": "Correct-Horse-1" }),
        );
        assert_eq!(
            (status, body["__type"].as_str()),
            (400, Some("InvalidParameterException")),
            "{username:?}"
        );
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must")
        );
        let (_, _, body) = call(
            addr,
            "InitiateAuth",
            &json!({ "ClientId": "client", "AuthFlow": "USER_SRP_AUTH",
                     "AuthParameters": { "USERNAME": username, "SRP_A": "02" } }),
        );
        assert_eq!(body["__type"], "InvalidParameterException", "{username:?}");
    }
    // At the limit and in other scripts, a username is fine.
    let at_limit = "u".repeat(128);
    for username in [at_limit.as_str(), "名前-ünï+1@example.com"] {
        let (status, _, body) = call(
            addr,
            "SignUp",
            &json!({ "ClientId": "client", "Username": username, "Password": "Correct-Horse-1" }),
        );
        assert_eq!(status, 200, "{username:?}: {body}");
    }
}
