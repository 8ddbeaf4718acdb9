//! What a signed-in user does with its access token: `GetUser`,
//! `ChangePassword`, and its remembered devices (`ListDevices`,
//! `GetDevice`, `ForgetDevice`).

mod common;

use common::*;
use serde_json::{Value, json};

fn signed_in(h: &Harness, client_id: &str) -> Value {
    let reply = h
        .user_srp(false, client_id, "alice", PASSWORD, None)
        .unwrap();
    reply["AuthenticationResult"].clone()
}

#[test]
fn get_user_gives_the_username_and_attributes() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h, CLIENT);
    let user = h
        .call("GetUser", &json!({ "AccessToken": result["AccessToken"] }))
        .unwrap();
    assert_eq!(user["Username"], "alice");
    let attributes = user["UserAttributes"].as_array().unwrap();
    assert_eq!(attributes[0]["Name"], "sub");
    assert_eq!(
        attributes[0]["Value"],
        claims(result["AccessToken"].as_str().unwrap())["sub"]
    );
    assert!(attributes.contains(&json!({ "Name": "email", "Value": "alice@example.com" })));
    assert!(user.get("UserMFASettingList").is_none());
}

#[test]
fn change_password_needs_the_previous_one_and_meets_the_policy() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h, CLIENT);
    let change = |previous: &str, proposed: &str| {
        h.call(
            "ChangePassword",
            &json!({ "AccessToken": result["AccessToken"], "PreviousPassword": previous,
                     "ProposedPassword": proposed }),
        )
    };
    assert_eq!(
        change("Wrong-Horse-1", "Better-Horse-2"),
        Err((
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        ))
    );
    assert_eq!(
        change(PASSWORD, "weak").unwrap_err().0,
        "InvalidPasswordException"
    );
    change(PASSWORD, "Better-Horse-2").unwrap();
    assert!(
        h.user_srp(false, CLIENT, "alice", "Better-Horse-2", None)
            .is_ok()
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None)
            .unwrap_err()
            .0,
        "NotAuthorizedException"
    );
}

#[test]
fn devices_are_listed_read_and_forgotten() {
    let h = Harness::new(&seed(json!([])));
    let first = signed_in(&h, DEVICE_CLIENT);
    let device = h.confirm_device(&first);
    let second = signed_in(&h, DEVICE_CLIENT);
    let other = h.confirm_device(&second);
    let access = second["AccessToken"].clone();

    let listed = h
        .call("ListDevices", &json!({ "AccessToken": access }))
        .unwrap();
    let keys: Vec<&str> = listed["Devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["DeviceKey"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&device.device_key()) && keys.contains(&other.device_key()));

    // One at a time, continued by PaginationToken.
    let page = h
        .call("ListDevices", &json!({ "AccessToken": access, "Limit": 1 }))
        .unwrap();
    assert_eq!(page["Devices"].as_array().unwrap().len(), 1);
    let rest = h
        .call(
            "ListDevices",
            &json!({ "AccessToken": access, "Limit": 1, "PaginationToken": page["PaginationToken"] }),
        )
        .unwrap();
    assert_eq!(rest["Devices"].as_array().unwrap().len(), 1);
    assert_ne!(
        rest["Devices"][0]["DeviceKey"],
        page["Devices"][0]["DeviceKey"]
    );
    assert!(rest.get("PaginationToken").is_none());

    let got = h
        .call(
            "GetDevice",
            &json!({ "AccessToken": access, "DeviceKey": device.device_key() }),
        )
        .unwrap();
    assert_eq!(got["Device"]["DeviceKey"], device.device_key());
    assert!(
        got["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "device_name", "Value": "test phone" }))
    );

    h.call(
        "ForgetDevice",
        &json!({ "AccessToken": access, "DeviceKey": device.device_key() }),
    )
    .unwrap();
    let not_found = Err((
        "ResourceNotFoundException".into(),
        "Device does not exist.".into(),
    ));
    assert_eq!(
        h.call(
            "GetDevice",
            &json!({ "AccessToken": access, "DeviceKey": device.device_key() }),
        ),
        not_found
    );
    // Signing in with the forgotten device is refused as Cognito refuses it,
    // so the client drops its key.
    assert_eq!(
        h.user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, Some(&device)),
        not_found
    );
    let listed = h
        .call("ListDevices", &json!({ "AccessToken": access }))
        .unwrap();
    assert_eq!(listed["Devices"].as_array().unwrap().len(), 1);
}

/// Every operation that sets a password checks it, first by the API's own
/// `PasswordType`, then by the pool's policy.
#[test]
fn every_password_set_anywhere_meets_the_api_and_the_policy() {
    let h = Harness::new(&seed(json!([])));
    let pattern = |member: &str| {
        (
            "InvalidParameterException".to_owned(),
            format!(
                "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
            ),
        )
    };
    let weak = (
        "InvalidPasswordException".to_owned(),
        "Password did not conform with password policy: Password must have numeric characters"
            .to_owned(),
    );
    let sign_up = |password: &str| {
        h.call(
            "SignUp",
            &json!({ "ClientId": CLIENT, "Username": "newcomer", "Password": password }),
        )
    };
    assert_eq!(sign_up(""), Err(pattern("password")));
    assert_eq!(sign_up(" Correct-Horse-1"), Err(pattern("password")));
    assert_eq!(sign_up("Correct-Horse-"), Err(weak.clone()));
    sign_up("Correct-Horse-1").unwrap();

    let create = |password: &str| {
        h.admin(
            "AdminCreateUser",
            &json!({ "UserPoolId": POOL, "Username": "created", "TemporaryPassword": password }),
        )
    };
    assert_eq!(create(""), Err(pattern("temporaryPassword")));
    assert_eq!(create("Temp-Pass-"), Err(weak.clone()));
    create("Temp-Pass-1").unwrap();

    let set = |password: &str| {
        h.admin(
            "AdminSetUserPassword",
            &json!({ "UserPoolId": POOL, "Username": "alice", "Password": password, "Permanent": true }),
        )
    };
    assert_eq!(set(""), Err(pattern("password")));
    assert_eq!(set("New-Horse-"), Err(weak.clone()));
    set("New-Horse-2").unwrap();

    let result = h
        .user_srp(false, CLIENT, "alice", "New-Horse-2", None)
        .unwrap()["AuthenticationResult"]
        .clone();
    let change = |proposed: &str| {
        h.call(
            "ChangePassword",
            &json!({ "AccessToken": result["AccessToken"], "PreviousPassword": "New-Horse-2",
                     "ProposedPassword": proposed }),
        )
    };
    assert_eq!(change("x"), Err(pattern("proposedPassword")));
    assert_eq!(change("Better-Horse-"), Err(weak));
}
