//! `ForgotPassword` and `ConfirmForgotPassword`, with the code read from
//! the local code channel as a test reads it.

mod common;

use common::*;
use serde_json::{Value, json};

/// The newest `FORGOT_PASSWORD` code of `username` from the local channel.
fn code(h: &Harness, username: &str) -> String {
    let (status, _, body) = h.get(&format!("/_local/codes/{POOL}/{username}"));
    assert_eq!(status, 200, "{body}");
    body["Codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Purpose"] == "FORGOT_PASSWORD")
        .and_then(|c| c["Code"].as_str())
        .expect("a FORGOT_PASSWORD code")
        .to_owned()
}

fn forgot(h: &Harness, username: &str) -> Result<Value, Refusal> {
    h.call(
        "ForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": username }),
    )
}

fn confirm(h: &Harness, username: &str, code: &str, password: &str) -> Result<Value, Refusal> {
    h.call(
        "ConfirmForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": username, "ConfirmationCode": code,
                 "Password": password }),
    )
}

#[test]
fn a_forgotten_password_is_reset_with_the_code_from_the_local_channel() {
    let h = Harness::new(&seed(json!([])));
    let sent = forgot(&h, "alice").unwrap();
    assert_eq!(sent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(sent["CodeDeliveryDetails"]["Destination"], "a***@e***");
    let code = code(&h, "alice");
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        confirm(&h, "alice", wrong, "New-Password-2").unwrap_err().0,
        "CodeMismatchException"
    );
    assert_eq!(
        confirm(&h, "alice", &code, "weak").unwrap_err().0,
        "InvalidPasswordException"
    );
    confirm(&h, "alice", &code, "New-Password-2").unwrap();
    assert_eq!(
        confirm(&h, "alice", &code, "New-Password-3").unwrap_err().0,
        "CodeMismatchException",
        "a code is spent once used"
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None)
            .unwrap_err()
            .0,
        "NotAuthorizedException"
    );
    assert!(
        h.user_srp(false, CLIENT, "alice", "New-Password-2", None)
            .is_ok()
    );
}

#[test]
fn codes_are_random_and_unknown_users_and_bad_input_are_refused() {
    let h = Harness::new(&seed(
        json!([{ "username": "nomail", "password": PASSWORD }]),
    ));
    forgot(&h, "alice").unwrap();
    let first = code(&h, "alice");
    forgot(&h, "alice").unwrap();
    let second = code(&h, "alice");
    // Two draws of 10^6 agree once in a million runs: a fixed code fails here.
    assert_ne!(first, second);
    assert_eq!(
        confirm(&h, "alice", &first, "New-Password-2")
            .unwrap_err()
            .0,
        "CodeMismatchException",
        "a newer code replaces the older"
    );
    assert_eq!(forgot(&h, "nobody").unwrap_err().0, "UserNotFoundException");
    assert_eq!(
        forgot(&h, "nomail").unwrap_err().0,
        "InvalidParameterException"
    );
    assert_eq!(
        confirm(&h, "nomail", "123456", "New-Password-2")
            .unwrap_err()
            .0,
        "CodeMismatchException"
    );
    assert_eq!(
        h.call(
            "ForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": 5 })
        )
        .unwrap_err()
        .0,
        "SerializationException"
    );
    assert_eq!(
        h.call(
            "ConfirmForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": "alice" })
        )
        .unwrap_err()
        .0,
        "InvalidParameterException"
    );
}
