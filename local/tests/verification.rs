//! The codes that confirm a sign-up and verify an email or phone number
//! (`SignUp` on a pool with `AutoVerifiedAttributes`, `ConfirmSignUp`,
//! `ResendConfirmationCode`, `GetUserAttributeVerificationCode`,
//! `VerifyUserAttribute`), read from the local code channel as a test
//! reads it, and the names users sign in with: `AliasAttributes` and
//! `UsernameAttributes`.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// An endpoint with one pool, [`POOL`], made over the API with `settings`
/// (`CreateUserPool` members), and its app client [`CLIENT`].
fn pool_with(settings: Value) -> Harness {
    let h = Harness::new(&json!({
        "credentials": [{ "access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY }],
        "pools": [] }));
    let mut body = json!({ "PoolName": "ops", "UserPoolTags": { "_custom_id_": POOL } });
    for (name, value) in settings.as_object().unwrap() {
        body[name] = value.clone();
    }
    h.admin("CreateUserPool", &body).unwrap();
    h.admin(
        "CreateUserPoolClient",
        &json!({ "UserPoolId": POOL, "ClientName": format!("_custom_id_:{CLIENT}"),
                 "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                                       "ALLOW_REFRESH_TOKEN_AUTH"] }),
    )
    .unwrap();
    h
}

fn sign_up(h: &Harness, username: &str, attributes: Value) -> Result<Value, Refusal> {
    h.call(
        "SignUp",
        &json!({ "ClientId": CLIENT, "Username": username, "Password": PASSWORD,
                 "UserAttributes": attributes }),
    )
}

fn confirm(h: &Harness, username: &str, code: &str) -> Result<Value, Refusal> {
    h.call(
        "ConfirmSignUp",
        &json!({ "ClientId": CLIENT, "Username": username, "ConfirmationCode": code }),
    )
}

/// The newest code of `purpose` sent to `username`, from the local channel.
fn code(h: &Harness, username: &str, purpose: &str) -> String {
    let (status, _, body) = h.get(&format!("/_local/codes/{POOL}/{username}"));
    assert_eq!(status, 200, "{body}");
    body["Codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Purpose"] == purpose)
        .and_then(|c| c["Code"].as_str())
        .unwrap_or_else(|| panic!("a {purpose} code for {username} in {body}"))
        .to_owned()
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

fn attribute(h: &Harness, username: &str, name: &str) -> Option<String> {
    let user = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": username }),
        )
        .unwrap();
    user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .map(|a| a["Value"].as_str().unwrap().to_owned())
}

fn tokens(h: &Harness, username: &str) -> Result<Value, Refusal> {
    h.user_srp(false, CLIENT, username, PASSWORD, None)
        .map(|reply| reply["AuthenticationResult"].clone())
}

fn kind(result: Result<Value, Refusal>) -> String {
    result
        .map(|v| format!("accepted: {v}"))
        .unwrap_or_else(|e| e.0)
}

#[test]
fn sign_up_sends_a_code_to_the_auto_verified_email_and_confirm_sign_up_verifies_it() {
    let h = pool_with(json!({ "AutoVerifiedAttributes": ["email"] }));
    let reply = sign_up(
        &h,
        "carol",
        json!([{ "Name": "email", "Value": "carol@example.com" }]),
    )
    .unwrap();
    assert_eq!(reply["UserConfirmed"], false);
    assert_eq!(
        reply["CodeDeliveryDetails"],
        json!({ "Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" })
    );
    let sent = code(&h, "carol", "CONFIRM_SIGN_UP");
    assert_eq!(sent.len(), 6);
    assert!(sent.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(kind(tokens(&h, "carol")), "UserNotConfirmedException");
    assert_eq!(
        confirm(&h, "carol", other_than(&sent)),
        Err((
            "CodeMismatchException".into(),
            "Invalid verification code provided, please try again.".into()
        ))
    );
    confirm(&h, "carol", &sent).unwrap();
    assert_eq!(
        attribute(&h, "carol", "email_verified").as_deref(),
        Some("true")
    );
    assert_eq!(
        confirm(&h, "carol", &sent),
        Err((
            "NotAuthorizedException".into(),
            "User cannot be confirmed. Current status is CONFIRMED".into()
        ))
    );
    let result = tokens(&h, "carol").unwrap();
    let id = claims(result["IdToken"].as_str().unwrap());
    assert_eq!(id["email"], "carol@example.com");
    assert_eq!(id["email_verified"], true);
}

#[test]
fn resend_replaces_the_code_and_refusals_are_cognitos() {
    let h = pool_with(json!({ "AutoVerifiedAttributes": ["email"] }));
    sign_up(
        &h,
        "dan",
        json!([{ "Name": "email", "Value": "dan@example.com" }]),
    )
    .unwrap();
    let first = code(&h, "dan", "CONFIRM_SIGN_UP");
    let resend = |username: &str| {
        h.call(
            "ResendConfirmationCode",
            &json!({ "ClientId": CLIENT, "Username": username }),
        )
    };
    let reply = resend("dan").unwrap();
    assert_eq!(reply["CodeDeliveryDetails"]["AttributeName"], "email");
    let second = code(&h, "dan", "CONFIRM_SIGN_UP");
    // Two draws of 10^6 agree once in a million runs: a fixed code fails here.
    assert_ne!(first, second);
    assert_eq!(kind(confirm(&h, "dan", &first)), "CodeMismatchException");
    confirm(&h, "dan", &second).unwrap();
    assert_eq!(
        resend("dan"),
        Err((
            "InvalidParameterException".into(),
            "User is already confirmed.".into()
        ))
    );
    assert_eq!(
        resend("nobody"),
        Err((
            "UserNotFoundException".into(),
            "Username/client id combination not found.".into()
        ))
    );
    assert_eq!(
        kind(confirm(&h, "nobody", "123456")),
        "UserNotFoundException"
    );
    // Bad input: a code with a space, a missing code, a member of the wrong type.
    assert_eq!(
        kind(confirm(&h, "dan", "12 34")),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.call(
            "ConfirmSignUp",
            &json!({ "ClientId": CLIENT, "Username": "dan" })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.call(
            "ConfirmSignUp",
            &json!({ "ClientId": CLIENT, "Username": "dan", "ConfirmationCode": 123456 })
        )),
        "SerializationException"
    );
    assert_eq!(
        kind(h.call(
            "ResendConfirmationCode",
            &json!({ "ClientId": "nosuchclient", "Username": "dan" })
        )),
        "ResourceNotFoundException"
    );
}

#[test]
fn a_code_expires_after_24_hours_and_locks_after_five_wrong_tries() {
    let h = pool_with(json!({ "AutoVerifiedAttributes": ["email"] }));
    for name in ["erik", "fay"] {
        sign_up(
            &h,
            name,
            json!([{ "Name": "email", "Value": format!("{name}@example.com") }]),
        )
        .unwrap();
    }
    let fay = code(&h, "fay", "CONFIRM_SIGN_UP");
    for _ in 0..5 {
        assert_eq!(
            kind(confirm(&h, "fay", other_than(&fay))),
            "CodeMismatchException"
        );
    }
    assert_eq!(
        confirm(&h, "fay", &fay),
        Err((
            "LimitExceededException".into(),
            "Attempt limit exceeded, please try after some time.".into()
        ))
    );
    // A new code starts over.
    h.call(
        "ResendConfirmationCode",
        &json!({ "ClientId": CLIENT, "Username": "fay" }),
    )
    .unwrap();
    confirm(&h, "fay", &code(&h, "fay", "CONFIRM_SIGN_UP")).unwrap();

    let erik = code(&h, "erik", "CONFIRM_SIGN_UP");
    h.endpoint
        .clock()
        .advance(Duration::from_secs(24 * 3600 + 1));
    assert_eq!(
        confirm(&h, "erik", &erik),
        Err((
            "ExpiredCodeException".into(),
            "Invalid code provided, please request a code again.".into()
        ))
    );
}

#[test]
fn without_auto_verified_attributes_no_code_is_sent_and_an_administrator_confirms() {
    let h = pool_with(json!({}));
    let reply = sign_up(
        &h,
        "gus",
        json!([{ "Name": "email", "Value": "gus@example.com" }]),
    )
    .unwrap();
    assert!(reply.get("CodeDeliveryDetails").is_none(), "{reply}");
    assert_eq!(kind(confirm(&h, "gus", "123456")), "CodeMismatchException");
    assert_eq!(
        h.call(
            "ResendConfirmationCode",
            &json!({ "ClientId": CLIENT, "Username": "gus" })
        ),
        Err((
            "InvalidParameterException".into(),
            "Auto verification not turned on.".into()
        ))
    );
    // The user cannot verify its own email at sign-up.
    assert_eq!(
        kind(sign_up(
            &h,
            "hal",
            json!([{ "Name": "email_verified", "Value": "true" }])
        )),
        "NotAuthorizedException"
    );
    assert_eq!(
        kind(sign_up(
            &h,
            "hal",
            json!([{ "Name": "email", "Value": "not an email" }])
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(sign_up(
            &h,
            "hal",
            json!([{ "Name": "custom:x", "Value": "1" }])
        )),
        "InvalidParameterException",
        "a custom attribute the schema does not declare"
    );
}

#[test]
fn a_signed_in_user_verifies_its_email_with_a_code() {
    let h = pool_with(json!({}));
    sign_up(
        &h,
        "ivy",
        json!([{ "Name": "email", "Value": "ivy@example.com" },
               { "Name": "phone_number", "Value": "+15550100" }]),
    )
    .unwrap();
    h.admin(
        "AdminConfirmSignUp",
        &json!({ "UserPoolId": POOL, "Username": "ivy" }),
    )
    .unwrap();
    let access = tokens(&h, "ivy").unwrap()["AccessToken"].clone();
    let get_code = |name: &str| {
        h.call(
            "GetUserAttributeVerificationCode",
            &json!({ "AccessToken": access, "AttributeName": name }),
        )
    };
    let verify = |name: &str, code: &str| {
        h.call(
            "VerifyUserAttribute",
            &json!({ "AccessToken": access, "AttributeName": name, "Code": code }),
        )
    };
    assert_eq!(kind(verify("email", "123456")), "CodeMismatchException");
    let reply = get_code("email").unwrap();
    assert_eq!(
        reply["CodeDeliveryDetails"],
        json!({ "Destination": "i***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" })
    );
    let sent = code(&h, "ivy", "VERIFY_ATTRIBUTE");
    assert_eq!(
        kind(verify("email", other_than(&sent))),
        "CodeMismatchException"
    );
    verify("email", &sent).unwrap();
    assert_eq!(
        attribute(&h, "ivy", "email_verified").as_deref(),
        Some("true")
    );
    assert_eq!(
        kind(verify("email", &sent)),
        "CodeMismatchException",
        "a code is spent once used"
    );
    let sms = get_code("phone_number").unwrap();
    assert_eq!(sms["CodeDeliveryDetails"]["DeliveryMedium"], "SMS");
    verify("phone_number", &code(&h, "ivy", "VERIFY_ATTRIBUTE")).unwrap();
    assert_eq!(
        attribute(&h, "ivy", "phone_number_verified").as_deref(),
        Some("true")
    );
    assert_eq!(kind(get_code("name")), "InvalidParameterException");
    assert_eq!(
        kind(h.call(
            "GetUserAttributeVerificationCode",
            &json!({ "AccessToken": "not-a-token", "AttributeName": "email" })
        )),
        "NotAuthorizedException"
    );
    h.admin(
        "AdminDeleteUserAttributes",
        &json!({ "UserPoolId": POOL, "Username": "ivy", "UserAttributeNames": ["email"] }),
    )
    .unwrap();
    assert_eq!(kind(get_code("email")), "InvalidParameterException");
}

#[test]
fn a_verified_email_alias_signs_in_and_belongs_to_one_user() {
    let h = pool_with(json!({ "AliasAttributes": ["email", "preferred_username"],
                              "AutoVerifiedAttributes": ["email"] }));
    assert_eq!(
        sign_up(&h, "kim@example.com", json!([])),
        Err((
            "InvalidParameterException".into(),
            "Username cannot be of email format, since user pool is configured for email alias."
                .into()
        ))
    );
    sign_up(
        &h,
        "kim",
        json!([{ "Name": "email", "Value": "shared@example.com" }]),
    )
    .unwrap();
    // Unverified, the email signs nobody in.
    assert_eq!(
        kind(tokens(&h, "shared@example.com")),
        "UserNotFoundException"
    );
    confirm(&h, "kim", &code(&h, "kim", "CONFIRM_SIGN_UP")).unwrap();
    let by_alias = tokens(&h, "shared@example.com").unwrap();
    assert_eq!(
        claims(by_alias["IdToken"].as_str().unwrap())["cognito:username"],
        "kim"
    );

    // Another user with the same email cannot confirm with it...
    sign_up(
        &h,
        "lee",
        json!([{ "Name": "email", "Value": "shared@example.com" }]),
    )
    .unwrap();
    let lee = code(&h, "lee", "CONFIRM_SIGN_UP");
    assert_eq!(
        confirm(&h, "lee", &lee),
        Err((
            "AliasExistsException".into(),
            "An account with the given email already exists.".into()
        ))
    );
    // ...unless it takes the alias over: kim's email is then unverified.
    h.call(
        "ConfirmSignUp",
        &json!({ "ClientId": CLIENT, "Username": "lee", "ConfirmationCode": lee,
                 "ForceAliasCreation": true }),
    )
    .unwrap();
    assert_eq!(
        attribute(&h, "kim", "email_verified").as_deref(),
        Some("false")
    );
    let by_alias = tokens(&h, "shared@example.com").unwrap();
    assert_eq!(
        claims(by_alias["IdToken"].as_str().unwrap())["cognito:username"],
        "lee"
    );

    // preferred_username signs in at once, and is one user's.
    h.admin(
        "AdminUpdateUserAttributes",
        &json!({ "UserPoolId": POOL, "Username": "kim",
                 "UserAttributes": [{ "Name": "preferred_username", "Value": "kimmy" }] }),
    )
    .unwrap();
    assert_eq!(
        claims(tokens(&h, "kimmy").unwrap()["IdToken"].as_str().unwrap())["cognito:username"],
        "kim"
    );
    assert_eq!(
        h.admin(
            "AdminUpdateUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": "lee",
                     "UserAttributes": [{ "Name": "preferred_username", "Value": "kimmy" }] }),
        ),
        Err((
            "AliasExistsException".into(),
            "An account with the given preferred_username already exists.".into()
        ))
    );
    // Admin calls accept the alias too.
    assert_eq!(
        attribute(&h, "kimmy", "preferred_username").as_deref(),
        Some("kimmy")
    );
}

#[test]
fn in_an_email_as_username_pool_the_email_is_the_sign_in_name() {
    let h = pool_with(json!({ "UsernameAttributes": ["email"],
                              "AutoVerifiedAttributes": ["email"] }));
    assert_eq!(
        sign_up(&h, "mo", json!([])),
        Err((
            "InvalidParameterException".into(),
            "Username should be an email.".into()
        ))
    );
    let reply = sign_up(&h, "mo@example.com", json!([])).unwrap();
    let sub = reply["UserSub"].as_str().unwrap().to_owned();
    assert_eq!(reply["CodeDeliveryDetails"]["Destination"], "m***@e***");
    confirm(
        &h,
        "mo@example.com",
        &code(&h, "mo@example.com", "CONFIRM_SIGN_UP"),
    )
    .unwrap();
    let result = tokens(&h, "mo@example.com").unwrap();
    let id = claims(result["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], sub.as_str());
    assert_eq!(id["email"], "mo@example.com");
    assert_eq!(id["email_verified"], true);

    // A new email: unverified, a code sent, and the new email signs in, not the old.
    let changed = h
        .call(
            "UpdateUserAttributes",
            &json!({ "AccessToken": result["AccessToken"],
                     "UserAttributes": [{ "Name": "email", "Value": "moe@example.com" }] }),
        )
        .unwrap();
    assert_eq!(
        changed["CodeDeliveryDetailsList"],
        json!([{ "Destination": "m***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" }])
    );
    assert_eq!(
        attribute(&h, &sub, "email_verified").as_deref(),
        Some("false")
    );
    assert_eq!(kind(tokens(&h, "mo@example.com")), "UserNotFoundException");
    tokens(&h, "moe@example.com").unwrap();

    sign_up(&h, "ned@example.com", json!([])).unwrap();
    assert_eq!(
        kind(sign_up(&h, "moe@example.com", json!([]))),
        "UsernameExistsException"
    );
    assert_eq!(
        h.admin(
            "AdminUpdateUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": "ned@example.com",
                     "UserAttributes": [{ "Name": "email", "Value": "moe@example.com" }] }),
        ),
        Err((
            "AliasExistsException".into(),
            "An account with the given email already exists.".into()
        ))
    );
}

fn admin_create(h: &Harness, username: &str, extra: Value) -> Result<Value, Refusal> {
    let mut body = json!({ "UserPoolId": POOL, "Username": username,
                           "TemporaryPassword": PASSWORD });
    for (name, value) in extra.as_object().unwrap() {
        body[name] = value.clone();
    }
    h.admin("AdminCreateUser", &body)
}

#[test]
fn admin_create_user_follows_an_alias_pools_sign_in_rules() {
    let h = pool_with(json!({ "AliasAttributes": ["email", "preferred_username"] }));
    assert_eq!(
        admin_create(&h, "kim@example.com", json!({})),
        Err((
            "InvalidParameterException".into(),
            "Username cannot be of email format, since user pool is configured for email alias."
                .into()
        ))
    );
    assert_eq!(
        kind(admin_create(
            &h,
            "kim",
            json!({ "UserAttributes": [{ "Name": "shoe_size", "Value": "9" }] })
        )),
        "InvalidParameterException",
        "an attribute outside the schema"
    );
    // An administrator may create the user with its email verified: an alias at once.
    let verified_email = json!({ "UserAttributes": [
        { "Name": "email", "Value": "shared@example.com" },
        { "Name": "email_verified", "Value": "true" }] });
    admin_create(&h, "kim", verified_email.clone()).unwrap();
    assert_eq!(
        attribute(&h, "shared@example.com", "email_verified").as_deref(),
        Some("true")
    );
    assert_eq!(
        admin_create(&h, "lee", verified_email.clone()),
        Err((
            "AliasExistsException".into(),
            "An account with the given email already exists.".into()
        ))
    );
    assert_eq!(
        kind(h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "lee" })
        )),
        "UserNotFoundException",
        "a refused user is not created"
    );
    // Unverified, the same email is no alias and takes nothing.
    admin_create(
        &h,
        "max",
        json!({ "UserAttributes": [{ "Name": "email", "Value": "shared@example.com" }] }),
    )
    .unwrap();
    // ForceAliasCreation moves it: kim's copy becomes unverified.
    let mut forced = verified_email;
    forced["ForceAliasCreation"] = json!(true);
    admin_create(&h, "lee", forced).unwrap();
    assert_eq!(
        attribute(&h, "kim", "email_verified").as_deref(),
        Some("false")
    );
    assert_eq!(
        h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "shared@example.com" })
        )
        .unwrap()["Username"],
        "lee"
    );
    // A preferred_username is one user's, force or not.
    let nickname = json!({ "UserAttributes": [{ "Name": "preferred_username", "Value": "kimmy" }],
                           "ForceAliasCreation": true });
    admin_create(&h, "nat", nickname.clone()).unwrap();
    assert_eq!(
        admin_create(&h, "oli", nickname),
        Err((
            "AliasExistsException".into(),
            "An account with the given preferred_username already exists.".into()
        ))
    );
}

#[test]
fn admin_create_user_follows_a_username_attributes_pools_sign_in_rules() {
    let h = pool_with(json!({ "UsernameAttributes": ["email"] }));
    assert_eq!(
        admin_create(&h, "mo", json!({})),
        Err((
            "InvalidParameterException".into(),
            "Username should be an email.".into()
        ))
    );
    let created = admin_create(&h, "mo@example.com", json!({})).unwrap();
    let user = &created["User"];
    let sub = user["Attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .clone();
    // The real username is the sub; the email is an attribute and signs in.
    assert_eq!(user["Username"], sub);
    assert_eq!(
        attribute(&h, "mo@example.com", "email").as_deref(),
        Some("mo@example.com")
    );
    assert_eq!(
        kind(admin_create(&h, "mo@example.com", json!({}))),
        "UsernameExistsException"
    );
    let phones = pool_with(json!({ "UsernameAttributes": ["phone_number"] }));
    assert_eq!(
        admin_create(&phones, "mo@example.com", json!({})),
        Err((
            "InvalidParameterException".into(),
            "Username should be a phone number.".into()
        ))
    );
    admin_create(&phones, "+15550100", json!({})).unwrap();
    // A pool made without SmsConfiguration cannot text the invitation: the
    // user is created and nothing is sent.
    let (_, _, codes) = phones.get(&format!("/_local/codes/{POOL}/+15550100"));
    assert_eq!(codes["Codes"], json!([]));
}
