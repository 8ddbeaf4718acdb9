//! The endpoint over real HTTP on loopback: sign-ins with the crate's client,
//! refusals, devices, and malformed requests that must get Cognito-style errors.

use std::io::{Read, Write};
use std::net::TcpStream;

use cognito_srp_local::client::CognitoHttp;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_MockPool1";

fn start() -> String {
    start_with(cognito_srp_local::SESSION_LIFETIME)
}

fn start_with(session_lifetime: std::time::Duration) -> String {
    let seed = json!({ "credentials": [{ "access_key_id": "AKIAMOCKCOGNITO000001",
                                         "secret_access_key": "mock/secret/key/0000000000000000000001" }],
        "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient", "remember_devices": true },
                    { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "alice", "password": "Correct-Horse-1" }] }] });
    let endpoint = cognito_srp_local::seed_from_json(&seed)
        .unwrap()
        .with_session_lifetime(session_lifetime);
    let (addr, _) = endpoint.serve("127.0.0.1:0", 4).unwrap();
    format!("http://{addr}/")
}

/// A raw HTTP exchange, for requests no well-behaved client would send.
fn raw(url: &str, target: Option<&str>, body: &[u8]) -> (u16, Value) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    // A hung endpoint fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(target) = target {
        request += &format!("X-Amz-Target: AWSCognitoIdentityProviderService.{target}\r\n");
    }
    request += "\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[test]
fn sign_in_with_and_without_a_client_secret_and_with_a_remembered_device() {
    let url = start();
    let public = CognitoHttp::new(&url, POOL, "publicclient", None).unwrap();
    let first = public.sign_in("alice", "Correct-Horse-1", None).unwrap();
    assert!(!first.used_device);
    assert_eq!(
        first.result["AccessToken"]
            .as_str()
            .unwrap()
            .split('.')
            .count(),
        3
    );
    let device = public.confirm_device(&first.result).unwrap();
    let second = public
        .sign_in("alice", "Correct-Horse-1", Some(&device))
        .unwrap();
    assert!(second.used_device);
    assert!(second.result["NewDeviceMetadata"].is_null());

    let secret =
        CognitoHttp::new(&url, POOL, "secretclient", Some("s3cr3t-client-secret")).unwrap();
    assert!(secret.sign_in("alice", "Correct-Horse-1", None).is_ok());
    let wrong_secret =
        CognitoHttp::new(&url, POOL, "secretclient", Some("not-the-secret")).unwrap();
    assert!(
        wrong_secret
            .sign_in("alice", "Correct-Horse-1", None)
            .unwrap_err()
            .starts_with("NotAuthorizedException")
    );
}

#[test]
fn a_wrong_password_is_refused_as_cognito_refuses_it() {
    let url = start();
    let client = CognitoHttp::new(&url, POOL, "publicclient", None).unwrap();
    let refusal = client.sign_in("alice", "wrong", None).unwrap_err();
    assert_eq!(
        refusal,
        "NotAuthorizedException: Incorrect username or password."
    );
    assert!(
        client
            .sign_in("nobody", "x", None)
            .unwrap_err()
            .starts_with("UserNotFoundException")
    );
}

#[test]
fn sign_up_and_admin_flows_create_users_that_can_sign_in() {
    let url = start();
    let client = CognitoHttp::new(&url, POOL, "publicclient", None)
        .unwrap()
        .with_credentials(
            "AKIAMOCKCOGNITO000001",
            "mock/secret/key/0000000000000000000001",
        );
    client
        .call(
            "SignUp",
            &json!({ "ClientId": "publicclient", "Username": "bob", "Password": "Pw-bob-1" }),
        )
        .unwrap();
    assert!(
        client
            .sign_in("bob", "Pw-bob-1", None)
            .unwrap_err()
            .starts_with("UserNotConfirmedException")
    );
    client
        .call(
            "AdminConfirmSignUp",
            &json!({ "UserPoolId": POOL, "Username": "bob" }),
        )
        .unwrap();
    assert!(client.sign_in("bob", "Pw-bob-1", None).is_ok());

    client
        .call(
            "AdminCreateUser",
            &json!({ "UserPoolId": POOL, "Username": "carol" }),
        )
        .unwrap();
    client
        .call("AdminSetUserPassword", &json!({ "UserPoolId": POOL, "Username": "carol", "Password": "Pw-carol-1", "Permanent": true }))
        .unwrap();
    assert!(client.sign_in("carol", "Pw-carol-1", None).is_ok());
}

#[test]
fn the_key_set_is_served_per_pool() {
    let url = start();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    // A hung endpoint fails the test instead of hanging it.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /{POOL}/.well-known/jwks.json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body: Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["keys"][0]["alg"], "RS256");
    assert_eq!(body["keys"][0]["kty"], "RSA");
}

#[test]
fn malformed_requests_get_cognito_style_errors() {
    let url = start();
    let cases: Vec<(Option<&str>, Vec<u8>, &str)> = vec![
        (Some("InitiateAuth"), b"{not json".to_vec(), "SerializationException"),
        (Some("InitiateAuth"), b"[]".to_vec(), "SerializationException"),
        (Some("NoSuchOperation"), b"{}".to_vec(), "UnknownOperationException"),
        (None, b"{}".to_vec(), "UnknownOperationException"),
        (Some("InitiateAuth"), b"{}".to_vec(), "InvalidParameterException"),
        (Some("InitiateAuth"), br#"{"ClientId":"nope","AuthFlow":"USER_SRP_AUTH","AuthParameters":{}}"#.to_vec(), "ResourceNotFoundException"),
        (Some("InitiateAuth"), br#"{"ClientId":"publicclient","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice"}}"#.to_vec(), "InvalidParameterException"),
        (Some("InitiateAuth"), br#"{"ClientId":"publicclient","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"0x12"}}"#.to_vec(), "InvalidParameterException"),
        (Some("InitiateAuth"), br#"{"ClientId":"publicclient","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"alice","SRP_A":"0"}}"#.to_vec(), "InvalidParameterException"),
        (Some("InitiateAuth"), br#"{"ClientId":"publicclient","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":7,"SRP_A":"2"}}"#.to_vec(), "SerializationException"),
        (Some("RespondToAuthChallenge"), br#"{"ClientId":"publicclient","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"alice","PASSWORD_CLAIM_SECRET_BLOCK":"!!","TIMESTAMP":"x","PASSWORD_CLAIM_SIGNATURE":"x"}}"#.to_vec(), "NotAuthorizedException"),
        (Some("ConfirmDevice"), br#"{"AccessToken":"x","DeviceKey":"k","DeviceSecretVerifierConfig":{"PasswordVerifier":"not base64","Salt":"AA=="}}"#.to_vec(), "InvalidParameterException"),
        (Some("ConfirmDevice"), br#"{"AccessToken":"x","DeviceKey":"k","DeviceSecretVerifierConfig":{"PasswordVerifier":"Ag==","Salt":"AA=="}}"#.to_vec(), "NotAuthorizedException"),
    ];
    for (target, body, kind) in cases {
        let (status, value) = raw(&url, target, &body);
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
        assert_eq!(
            value["__type"],
            kind,
            "{} -> {value}",
            String::from_utf8_lossy(&body)
        );
        assert!(value["message"].is_string());
    }
    let big = vec![b' '; cognito_srp_local::MAX_BODY_BYTES + 10];
    let (status, value) = raw(&url, Some("InitiateAuth"), &big);
    assert_eq!(status, 413);
    assert_eq!(value["__type"], "InvalidParameterException");
}

/// A correct PASSWORD_VERIFIER answer to a fresh `InitiateAuth`, as a request body.
fn correct_claim(client: &CognitoHttp) -> Value {
    let login = cognito_srp::UserSrpClient::new(cognito_srp::PoolId::parse(POOL).unwrap())
        .start("alice")
        .unwrap();
    let response = client
        .call("InitiateAuth", &json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": "publicclient", "AuthParameters": login.auth_parameters() }))
        .unwrap();
    let parameters: std::collections::HashMap<String, String> =
        serde_json::from_value(response["ChallengeParameters"].clone()).unwrap();
    let challenge =
        cognito_srp::PasswordVerifierChallenge::from_challenge_parameters(&parameters).unwrap();
    let claim = login
        .respond(&challenge, &cognito_srp::Password::new("Correct-Horse-1"))
        .unwrap();
    json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": "publicclient", "ChallengeResponses": claim.challenge_responses() })
}

#[test]
fn a_claim_answers_once() {
    let url = start();
    let client = CognitoHttp::new(&url, POOL, "publicclient", None).unwrap();
    let request = correct_claim(&client);
    assert!(client.call("RespondToAuthChallenge", &request).is_ok());
    assert_eq!(
        client.call("RespondToAuthChallenge", &request).unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
}

#[test]
fn a_correct_claim_after_the_session_expired_is_refused() {
    let url = start_with(std::time::Duration::ZERO);
    let client = CognitoHttp::new(&url, POOL, "publicclient", None).unwrap();
    let request = correct_claim(&client);
    assert_eq!(
        client.call("RespondToAuthChallenge", &request).unwrap_err(),
        "NotAuthorizedException: Invalid session for the user, session is expired."
    );
}

#[test]
fn stalled_clients_do_not_starve_the_others() {
    let seed = json!({ "pools": [{ "id": POOL, "clients": [{ "id": "publicclient" }] }] });
    let endpoint = cognito_srp_local::seed_from_json(&seed).unwrap();
    // One request may compute at a time.
    let (addr, _) = endpoint.serve("127.0.0.1:0", 1).unwrap();
    // Promise a large body, send one byte of it, and stall: the request's own
    // thread waits for the rest, holding no permit.
    let mut stalled = TcpStream::connect(addr).unwrap();
    let header = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\nContent-Length: 100000\r\n\r\n{{"
    );
    stalled.write_all(header.as_bytes()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    for _ in 0..3 {
        let (status, value) = raw(&format!("http://{addr}/"), Some("NoSuchOperation"), b"{}");
        assert_eq!(
            (status, value["__type"].as_str()),
            (400, Some("UnknownOperationException"))
        );
    }
    // Served while the stalled client still holds its connection open.
    drop(stalled);
}

#[test]
fn the_endpoint_keeps_accepting_after_an_idle_spell() {
    let url = start();
    // An earlier version put a read timeout on the listener: an `accept`
    // idle that long failed and the server stopped accepting.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    for _ in 0..2 {
        let (status, _) = raw(&url, Some("NoSuchOperation"), b"{}");
        assert_eq!(status, 400);
        std::thread::sleep(std::time::Duration::from_millis(1200));
    }
}
