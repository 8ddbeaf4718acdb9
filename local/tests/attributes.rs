//! A user's attributes and the user itself, changed by an administrator or
//! by the user with its access token: `AdminUpdateUserAttributes`,
//! `UpdateUserAttributes`, `AdminDeleteUserAttributes`,
//! `DeleteUserAttributes`, `DeleteUser`; and the `Admin*` forms of the
//! device and MFA-preference operations.

mod common;

use common::*;
use serde_json::{Value, json};

fn signed_in(h: &Harness, client_id: &str, username: &str) -> Value {
    h.user_srp(false, client_id, username, PASSWORD, None)
        .unwrap()["AuthenticationResult"]
        .clone()
}

fn kind(result: Result<Value, Refusal>) -> String {
    result
        .map(|v| format!("accepted: {v}"))
        .unwrap_or_else(|e| e.0)
}

fn attributes(h: &Harness, username: &str) -> Value {
    let user = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": username }),
        )
        .unwrap();
    let mut out = serde_json::Map::new();
    for a in user["UserAttributes"].as_array().unwrap() {
        out.insert(a["Name"].as_str().unwrap().to_owned(), a["Value"].clone());
    }
    Value::Object(out)
}

fn admin_update(h: &Harness, username: &str, list: Value) -> Result<Value, Refusal> {
    h.admin(
        "AdminUpdateUserAttributes",
        &json!({ "UserPoolId": POOL, "Username": username, "UserAttributes": list }),
    )
}

#[test]
fn an_administrator_sets_attributes_and_the_next_tokens_carry_them() {
    let h = Harness::new(&seed(json!([])));
    assert_eq!(
        admin_update(
            &h,
            "alice",
            json!([{ "Name": "given_name", "Value": "Alice" },
                   { "Name": "email", "Value": "alice@example.org" }])
        ),
        Ok(json!({}))
    );
    let now = attributes(&h, "alice");
    assert_eq!(now["given_name"], "Alice");
    assert_eq!(now["email"], "alice@example.org");
    assert_eq!(
        now["email_verified"], "false",
        "a changed email is unverified"
    );
    // An administrator may verify it in the same call.
    admin_update(
        &h,
        "alice",
        json!([{ "Name": "email", "Value": "alice@example.net" },
               { "Name": "email_verified", "Value": "true" }]),
    )
    .unwrap();
    let id = claims(signed_in(&h, CLIENT, "alice")["IdToken"].as_str().unwrap());
    assert_eq!(id["email"], "alice@example.net");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["given_name"], "Alice");

    for (list, expected) in [
        (
            json!([{ "Name": "sub", "Value": "x" }]),
            (
                "InvalidParameterException",
                "Cannot modify the non-mutable attribute sub",
            ),
        ),
        (
            json!([{ "Name": "shoe_size", "Value": "9" }]),
            (
                "InvalidParameterException",
                "Attribute does not exist in the schema.",
            ),
        ),
        (
            json!([{ "Name": "email", "Value": "no-at-sign" }]),
            ("InvalidParameterException", "Invalid email address format."),
        ),
        (
            json!([{ "Name": "phone_number", "Value": "555-0100" }]),
            ("InvalidParameterException", "Invalid phone number format."),
        ),
    ] {
        assert_eq!(
            admin_update(&h, "alice", list),
            Err((expected.0.into(), expected.1.into()))
        );
    }
    assert_eq!(
        kind(admin_update(&h, "nobody", json!([]))),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.call(
            "AdminUpdateUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": "alice", "UserAttributes": [] })
        )),
        "MissingAuthenticationTokenException",
        "an Admin* call must be signed"
    );
    assert_eq!(
        kind(h.admin(
            "AdminUpdateUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": "alice", "UserAttributes": {} })
        )),
        "SerializationException"
    );
}

#[test]
fn a_user_changes_its_own_attributes_but_not_their_verification() {
    let h = Harness::new(&seed(json!([])));
    let access = signed_in(&h, CLIENT, "alice")["AccessToken"].clone();
    let update = |list: Value| {
        h.call(
            "UpdateUserAttributes",
            &json!({ "AccessToken": access, "UserAttributes": list }),
        )
    };
    // The seeded pool verifies nothing automatically: no code is sent.
    assert_eq!(
        update(json!([{ "Name": "email", "Value": "new@example.com" },
                      { "Name": "nickname", "Value": "Al" }])),
        Ok(json!({ "CodeDeliveryDetailsList": [] }))
    );
    let now = attributes(&h, "alice");
    assert_eq!(now["email"], "new@example.com");
    assert_eq!(now["email_verified"], "false");
    assert_eq!(now["nickname"], "Al");
    assert_eq!(
        update(json!([{ "Name": "email_verified", "Value": "true" }])),
        Err((
            "NotAuthorizedException".into(),
            "A client attempted to write unauthorized attribute".into()
        ))
    );
    assert_eq!(
        kind(update(json!([{ "Name": "sub", "Value": "x" }]))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.call(
            "UpdateUserAttributes",
            &json!({ "AccessToken": "bad", "UserAttributes": [] })
        )),
        "NotAuthorizedException"
    );
    // The user removes one of its own attributes.
    h.call(
        "DeleteUserAttributes",
        &json!({ "AccessToken": access, "UserAttributeNames": ["nickname", "email"] }),
    )
    .unwrap();
    let now = attributes(&h, "alice");
    assert!(now.get("nickname").is_none() && now.get("email").is_none());
    assert!(
        now.get("email_verified").is_none(),
        "the flag goes with the email"
    );
    assert_eq!(
        kind(h.call(
            "DeleteUserAttributes",
            &json!({ "AccessToken": access, "UserAttributeNames": ["sub"] })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.call("DeleteUserAttributes", &json!({ "AccessToken": access }))),
        "InvalidParameterException"
    );
}

#[test]
fn an_administrator_deletes_attributes() {
    let h = Harness::new(&seed(json!([])));
    let delete = |username: &str, names: Value| {
        h.admin(
            "AdminDeleteUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": username, "UserAttributeNames": names }),
        )
    };
    assert_eq!(delete("alice", json!(["email"])), Ok(json!({})));
    assert!(attributes(&h, "alice").get("email").is_none());
    assert_eq!(
        kind(delete("alice", json!(["sub"]))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(delete("nobody", json!(["email"]))),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(delete("alice", json!("email"))),
        "SerializationException"
    );
}

#[test]
fn delete_user_removes_the_user_and_its_tokens() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h, CLIENT, "alice");
    let access = result["AccessToken"].clone();
    assert_eq!(
        h.call("DeleteUser", &json!({ "AccessToken": access })),
        Ok(json!({}))
    );
    assert_eq!(
        kind(h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "alice" })
        )),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.call("GetUser", &json!({ "AccessToken": access }))),
        "NotAuthorizedException"
    );
    assert_eq!(
        kind(h.call("DeleteUser", &json!({ "AccessToken": access }))),
        "NotAuthorizedException"
    );
    assert_eq!(
        kind(h.user_srp(false, CLIENT, "alice", PASSWORD, None)),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.call("DeleteUser", &json!({}))),
        "InvalidParameterException"
    );
}

#[test]
fn an_administrator_lists_reads_updates_and_forgets_a_users_devices() {
    let h = Harness::new(&seed(json!([])));
    let first = signed_in(&h, DEVICE_CLIENT, "alice");
    let device = h.confirm_device(&first);
    let second = signed_in(&h, DEVICE_CLIENT, "alice");
    let other = h.confirm_device(&second);
    let call = |operation: &str, extra: Value| {
        let mut body = json!({ "UserPoolId": POOL, "Username": "alice" });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        h.admin(operation, &body)
    };
    let listed = call("AdminListDevices", json!({})).unwrap();
    assert_eq!(listed["Devices"].as_array().unwrap().len(), 2);
    let page = call("AdminListDevices", json!({ "Limit": 1 })).unwrap();
    assert_eq!(page["Devices"].as_array().unwrap().len(), 1);
    let rest = call(
        "AdminListDevices",
        json!({ "Limit": 1, "PaginationToken": page["PaginationToken"] }),
    )
    .unwrap();
    assert_eq!(rest["Devices"].as_array().unwrap().len(), 1);
    assert!(rest.get("PaginationToken").is_none());
    assert_ne!(
        page["Devices"][0]["DeviceKey"],
        rest["Devices"][0]["DeviceKey"]
    );
    assert_eq!(
        kind(call("AdminListDevices", json!({ "Limit": 61 }))),
        "InvalidParameterException"
    );

    let got = call(
        "AdminGetDevice",
        json!({ "DeviceKey": device.device_key() }),
    )
    .unwrap();
    assert_eq!(got["Device"]["DeviceKey"], device.device_key());
    assert!(
        got["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "device_name", "Value": "test phone" }))
    );

    call(
        "AdminUpdateDeviceStatus",
        json!({ "DeviceKey": device.device_key(), "DeviceRememberedStatus": "not_remembered" }),
    )
    .unwrap();
    let got = call(
        "AdminGetDevice",
        json!({ "DeviceKey": device.device_key() }),
    )
    .unwrap();
    assert!(
        got["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "device_remembered_status", "Value": "not_remembered" }))
    );
    assert_eq!(
        kind(call(
            "AdminUpdateDeviceStatus",
            json!({ "DeviceKey": device.device_key(), "DeviceRememberedStatus": "forever" })
        )),
        "InvalidParameterException"
    );

    assert_eq!(
        call(
            "AdminForgetDevice",
            json!({ "DeviceKey": other.device_key() })
        ),
        Ok(json!({}))
    );
    assert_eq!(
        call("AdminGetDevice", json!({ "DeviceKey": other.device_key() })),
        Err((
            "ResourceNotFoundException".into(),
            "Device does not exist.".into()
        ))
    );
    assert_eq!(
        kind(call(
            "AdminForgetDevice",
            json!({ "DeviceKey": other.device_key() })
        )),
        "ResourceNotFoundException"
    );
    // The forgotten device no longer signs in.
    assert_eq!(
        kind(h.user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, Some(&other))),
        "ResourceNotFoundException"
    );
    assert_eq!(
        kind(h.admin(
            "AdminListDevices",
            &json!({ "UserPoolId": POOL, "Username": "nobody" })
        )),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.call(
            "AdminListDevices",
            &json!({ "UserPoolId": POOL, "Username": "alice" })
        )),
        "MissingAuthenticationTokenException"
    );
}

#[test]
fn an_administrator_turns_a_users_totp_off_and_on() {
    let h = Harness::new(&seed(json!([
        { "username": "mia", "password": PASSWORD, "totp_secret": "JBSWY3DPEHPK3PXP" }
    ])));
    let set = |username: &str, settings: Value| {
        let mut body = json!({ "UserPoolId": POOL, "Username": username });
        for (k, v) in settings.as_object().unwrap() {
            body[k] = v.clone();
        }
        h.admin("AdminSetUserMFAPreference", &body)
    };
    let mfa_list = |username: &str| {
        h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": username }),
        )
        .unwrap()
        .get("UserMFASettingList")
        .cloned()
    };
    assert_eq!(mfa_list("mia"), Some(json!(["SOFTWARE_TOKEN_MFA"])));
    let first = h.user_srp(false, CLIENT, "mia", PASSWORD, None).unwrap();
    assert_eq!(first["ChallengeName"], "SOFTWARE_TOKEN_MFA");

    assert_eq!(
        set(
            "mia",
            json!({ "SoftwareTokenMfaSettings": { "Enabled": false, "PreferredMfa": false } })
        ),
        Ok(json!({}))
    );
    assert_eq!(mfa_list("mia"), None);
    let off = h.user_srp(false, CLIENT, "mia", PASSWORD, None).unwrap();
    assert!(off.get("AuthenticationResult").is_some(), "{off}");

    set(
        "mia",
        json!({ "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .unwrap();
    let on = h.user_srp(false, CLIENT, "mia", PASSWORD, None).unwrap();
    assert_eq!(on["ChallengeName"], "SOFTWARE_TOKEN_MFA");

    assert_eq!(
        set(
            "alice",
            json!({ "SoftwareTokenMfaSettings": { "Enabled": true } })
        ),
        Err((
            "InvalidParameterException".into(),
            "User has not verified software token mfa".into()
        ))
    );
    assert_eq!(
        kind(set("mia", json!({ "SMSMfaSettings": { "Enabled": true } }))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(set(
            "nobody",
            json!({ "SoftwareTokenMfaSettings": { "Enabled": false } })
        )),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(set(
            "mia",
            json!({ "SoftwareTokenMfaSettings": { "Enabled": "no" } })
        )),
        "SerializationException"
    );
}
