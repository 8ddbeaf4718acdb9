//! Every SRP entry point, end to end with the crate's own client maths,
//! public and admin alike: `USER_SRP_AUTH`; `USER_AUTH` with
//! `PREFERRED_CHALLENGE=PASSWORD_SRP` and through `SELECT_CHALLENGE`;
//! `CUSTOM_AUTH` started with `SRP_A`, then the pool's `CUSTOM_CHALLENGE`;
//! `DEVICE_SRP_AUTH` for a remembered device after each of them; and
//! `NEW_PASSWORD_REQUIRED` for a temporary password. The central sign-ins
//! run with an app client without a secret and with one. Each challenge that
//! carries a `Session` refuses a made-up one and a reused one.

mod common;

use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, UserSrpClient, UserSrpSignIn};
use common::*;
use serde_json::{Value, json};

const INVALID_SESSION: &str = "Invalid session for the user.";
/// An app client with a secret, added to the seed's by [`harness`].
const SECRET_CLIENT: &str = "opssecret";
const CLIENT_SECRET: &str = "ops-client-secret-0001";

/// The seed's pool, with [`SECRET_CLIENT`] beside its clients without a secret.
fn harness() -> Harness {
    let mut seed = seed(json!([]));
    seed["pools"][0]["clients"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": SECRET_CLIENT, "secret": CLIENT_SECRET }));
    Harness::new(&seed)
}

/// The app client `client_id`, with its secret for [`SECRET_CLIENT`].
fn client_app(client_id: &str) -> AppClient {
    if client_id == SECRET_CLIENT {
        AppClient::with_secret(client_id, ClientSecret::new(CLIENT_SECRET)).unwrap()
    } else {
        app(client_id)
    }
}

fn login(client_id: &str, username: &str, device: Option<&DeviceCredentials>) -> UserSrpSignIn {
    let mut client = UserSrpClient::new(pool()).with_app_client(client_app(client_id));
    if let Some(device) = device {
        client = client.with_device_key(device.device_key());
    }
    client.start(username).unwrap()
}

fn tokens(reply: &Value) -> &Value {
    let result = &reply["AuthenticationResult"];
    assert!(result["AccessToken"].is_string(), "not tokens: {reply}");
    result
}

/// The ways a sign-in can start, each ending at `PASSWORD_VERIFIER`'s reply
/// (the `SELECT_CHALLENGE` one answered on the way).
#[derive(Clone, Copy, Debug)]
enum Entry {
    UserSrp,
    UserAuthPreferred,
    UserAuthSelect,
    CustomSrp,
}

const ENTRIES: [Entry; 4] = [
    Entry::UserSrp,
    Entry::UserAuthPreferred,
    Entry::UserAuthSelect,
    Entry::CustomSrp,
];

/// Signs in by `entry` up to the reply after `PASSWORD_VERIFIER`.
fn sign_in(
    h: &Harness,
    admin: bool,
    entry: Entry,
    client_id: &str,
    username: &str,
    password: &str,
    device: Option<&DeviceCredentials>,
) -> Result<Value, Refusal> {
    let login = login(client_id, username, device);
    let mut parameters = login.auth_parameters();
    let reply = match entry {
        Entry::UserSrp => h.initiate(
            admin,
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": parameters }),
        )?,
        Entry::UserAuthPreferred => {
            parameters.insert("PREFERRED_CHALLENGE".into(), "PASSWORD_SRP".into());
            h.initiate(
                admin,
                json!({ "AuthFlow": "USER_AUTH", "ClientId": client_id, "AuthParameters": parameters }),
            )?
        }
        Entry::UserAuthSelect => {
            let mut first = json!({ "USERNAME": username });
            if let Some(hash) = parameters.get("SECRET_HASH") {
                first["SECRET_HASH"] = json!(hash);
            }
            let select = h.initiate(
                admin,
                json!({ "AuthFlow": "USER_AUTH", "ClientId": client_id, "AuthParameters": first }),
            )?;
            assert_eq!(select["ChallengeName"], "SELECT_CHALLENGE");
            assert!(
                select["AvailableChallenges"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("PASSWORD_SRP"))
            );
            let mut responses = parameters.clone();
            responses.insert("ANSWER".into(), "PASSWORD_SRP".into());
            h.respond(
                admin,
                json!({ "ChallengeName": "SELECT_CHALLENGE", "ClientId": client_id,
                        "ChallengeResponses": responses, "Session": select["Session"] }),
            )?
        }
        Entry::CustomSrp => {
            parameters.insert("CHALLENGE_NAME".into(), "SRP_A".into());
            h.initiate(
                admin,
                json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client_id, "AuthParameters": parameters }),
            )?
        }
    };
    h.answer_password_verifier(admin, client_id, login, &reply, password, &[])
}

/// Answers the pool's custom challenge ("2+2?") with `answer`.
fn answer_custom(
    h: &Harness,
    admin: bool,
    client_id: &str,
    reply: &Value,
    answer: &str,
) -> Result<Value, Refusal> {
    assert_eq!(reply["ChallengeName"], "CUSTOM_CHALLENGE", "{reply}");
    assert_eq!(reply["ChallengeParameters"]["question"], "2+2?");
    let username = reply["ChallengeParameters"]["USERNAME"].as_str().unwrap();
    let mut responses = json!({ "USERNAME": username, "ANSWER": answer });
    if let Some(hash) = client_app(client_id).secret_hash(username) {
        responses["SECRET_HASH"] = json!(hash);
    }
    h.respond(
        admin,
        json!({ "ChallengeName": "CUSTOM_CHALLENGE", "ClientId": client_id, "Session": reply["Session"],
                "ChallengeResponses": responses }),
    )
}

/// Finishes a sign-in whatever `entry` adds after the SRP proof.
fn finish(h: &Harness, admin: bool, entry: Entry, client_id: &str, reply: Value) -> Value {
    match entry {
        Entry::CustomSrp => answer_custom(h, admin, client_id, &reply, "4").unwrap(),
        _ => reply,
    }
}

/// Each entry point, public and admin, with and without a client secret.
#[test]
fn every_entry_point_signs_in_publicly_and_through_the_admin_operations() {
    let h = harness();
    for client in [CLIENT, SECRET_CLIENT] {
        for admin in [false, true] {
            for entry in ENTRIES {
                let way = format!("{entry:?} admin={admin} client={client}");
                let reply = sign_in(&h, admin, entry, client, "alice", PASSWORD, None)
                    .unwrap_or_else(|e| panic!("{way}: {e:?}"));
                let reply = finish(&h, admin, entry, client, reply);
                let access = claims(tokens(&reply)["AccessToken"].as_str().unwrap());
                assert_eq!(access["username"], "alice", "{way}");
                assert_eq!(access["client_id"], client, "{way}");
            }
        }
    }
}

#[test]
fn a_wrong_password_is_refused_at_every_entry_point() {
    let h = harness();
    for client in [CLIENT, SECRET_CLIENT] {
        for admin in [false, true] {
            for entry in ENTRIES {
                assert_eq!(
                    sign_in(&h, admin, entry, client, "alice", "Wrong-Horse-1", None),
                    Err((
                        "NotAuthorizedException".into(),
                        "Incorrect username or password.".into()
                    )),
                    "{entry:?} admin={admin} client={client}"
                );
            }
        }
    }
}

/// A client with a secret: each step's `SECRET_HASH` is checked, a missing
/// one and one made with another secret refused with Cognito's words.
#[test]
fn the_client_secret_is_checked_at_every_entry_point() {
    let h = harness();
    let other = AppClient::with_secret(SECRET_CLIENT, ClientSecret::new("not-the-secret")).unwrap();
    let wrong_hash = other.secret_hash("alice").unwrap();
    let missing = Err((
        "NotAuthorizedException".into(),
        format!("Client {SECRET_CLIENT} is configured for secret but secret was not received"),
    ));
    let mismatch = Err((
        "NotAuthorizedException".into(),
        format!("Unable to verify secret hash for client {SECRET_CLIENT}"),
    ));
    for admin in [false, true] {
        for (flow, preferred) in [
            ("USER_SRP_AUTH", None),
            ("USER_AUTH", Some("PASSWORD_SRP")),
            ("CUSTOM_AUTH", None),
        ] {
            let way = format!("{flow} admin={admin}");
            let mut parameters = login(CLIENT, "alice", None).auth_parameters();
            if let Some(preferred) = preferred {
                parameters.insert("PREFERRED_CHALLENGE".into(), preferred.into());
            }
            if flow == "CUSTOM_AUTH" {
                parameters.insert("CHALLENGE_NAME".into(), "SRP_A".into());
            }
            let start = |parameters: &std::collections::HashMap<String, String>| {
                h.initiate(
                    admin,
                    json!({ "AuthFlow": flow, "ClientId": SECRET_CLIENT, "AuthParameters": parameters }),
                )
            };
            assert_eq!(start(&parameters), missing, "{way}");
            parameters.insert("SECRET_HASH".into(), wrong_hash.clone());
            assert_eq!(start(&parameters), mismatch, "{way}");
        }
        // PASSWORD_VERIFIER without its SECRET_HASH, then with it.
        let signin = login(SECRET_CLIENT, "alice", None);
        let reply = h
            .initiate(
                admin,
                json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": SECRET_CLIENT,
                        "AuthParameters": signin.auth_parameters() }),
            )
            .unwrap();
        let challenge = cognito_srp::PasswordVerifierChallenge::from_challenge_parameters(&map(
            &reply["ChallengeParameters"],
        ))
        .unwrap();
        let mut responses = signin
            .respond(&challenge, &cognito_srp::Password::new(PASSWORD))
            .unwrap()
            .into_challenge_responses();
        let hash = responses
            .remove("SECRET_HASH")
            .expect("the claim carries SECRET_HASH");
        let answer = |responses: &std::collections::HashMap<String, String>| {
            h.respond(
                admin,
                json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": SECRET_CLIENT,
                        "ChallengeResponses": responses }),
            )
        };
        assert_eq!(answer(&responses), missing, "admin={admin}");
        responses.insert("SECRET_HASH".into(), hash);
        tokens(&answer(&responses).unwrap());
    }
}

#[test]
fn select_challenge_refuses_a_made_up_a_missing_and_a_reused_session() {
    let h = Harness::new(&seed(json!([])));
    let select = h
        .call(
            "InitiateAuth",
            &json!({ "AuthFlow": "USER_AUTH", "ClientId": CLIENT, "AuthParameters": { "USERNAME": "alice" } }),
        )
        .unwrap();
    let session = select["Session"].as_str().unwrap();
    assert!(session.len() >= 20);
    let answer = |session: Value| {
        let mut responses = login(CLIENT, "alice", None).auth_parameters();
        responses.insert("ANSWER".into(), "PASSWORD_SRP".into());
        h.call(
            "RespondToAuthChallenge",
            &json!({ "ChallengeName": "SELECT_CHALLENGE", "ClientId": CLIENT,
                     "ChallengeResponses": responses, "Session": session }),
        )
    };
    let refused = Err(("NotAuthorizedException".into(), INVALID_SESSION.into()));
    assert_eq!(answer(json!("AYABmadeupmadeupmadeupmadeup")), refused);
    assert_eq!(answer(Value::Null), refused);
    assert_eq!(
        answer(json!(session)).unwrap()["ChallengeName"],
        "PASSWORD_VERIFIER"
    );
    assert_eq!(answer(json!(session)), refused, "a session answers once");
}

#[test]
fn custom_auth_asks_the_seeded_custom_challenge_after_the_srp_proof() {
    let h = Harness::new(&seed(json!([])));
    let reply = sign_in(&h, false, Entry::CustomSrp, CLIENT, "alice", PASSWORD, None).unwrap();
    assert_eq!(reply["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(
        answer_custom(&h, false, CLIENT, &reply, "5"),
        Err((
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        ))
    );
    // The refused answer used the session up.
    assert_eq!(
        answer_custom(&h, false, CLIENT, &reply, "4"),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
    );
    let reply = sign_in(&h, false, Entry::CustomSrp, CLIENT, "alice", PASSWORD, None).unwrap();
    let mut made_up = reply.clone();
    made_up["Session"] = json!("AYABmadeupmadeupmadeupmadeup");
    assert_eq!(
        answer_custom(&h, false, CLIENT, &made_up, "4"),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
    );
    assert!(answer_custom(&h, false, CLIENT, &reply, "4").is_ok());
    assert_eq!(
        answer_custom(&h, false, CLIENT, &reply, "4"),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into())),
        "reused"
    );
}

#[test]
fn custom_auth_without_a_seeded_challenge_ends_in_tokens_after_the_srp_proof() {
    let mut seed = seed(json!([]));
    seed["pools"][0]
        .as_object_mut()
        .unwrap()
        .remove("custom_challenge");
    let h = Harness::new(&seed);
    let reply = sign_in(&h, false, Entry::CustomSrp, CLIENT, "alice", PASSWORD, None).unwrap();
    tokens(&reply);
}

#[test]
fn a_remembered_device_signs_in_through_device_srp_auth_after_every_entry_point() {
    let h = Harness::new(&seed(json!([])));
    let first = h
        .user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, None)
        .unwrap();
    let device = h.confirm_device(tokens(&first));
    for admin in [false, true] {
        for entry in ENTRIES {
            let reply = sign_in(
                &h,
                admin,
                entry,
                DEVICE_CLIENT,
                "alice",
                PASSWORD,
                Some(&device),
            )
            .unwrap();
            let reply = h
                .device_steps(admin, DEVICE_CLIENT, &reply, &device)
                .unwrap_or_else(|e| panic!("{entry:?} admin={admin}: {e:?}"));
            let reply = finish(&h, admin, entry, DEVICE_CLIENT, reply);
            let result = tokens(&reply);
            assert!(result["NewDeviceMetadata"].is_null(), "{entry:?}");
            let access = claims(result["AccessToken"].as_str().unwrap());
            assert_eq!(access["device_key"], device.device_key(), "{entry:?}");
        }
    }
}

#[test]
fn device_srp_auth_refuses_a_made_up_and_a_reused_session() {
    let h = Harness::new(&seed(json!([])));
    let first = h
        .user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, None)
        .unwrap();
    let device = h.confirm_device(tokens(&first));
    let reply = h
        .user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, Some(&device))
        .unwrap();
    let mut made_up = reply.clone();
    made_up["Session"] = json!("AYABmadeupmadeupmadeupmadeup");
    assert_eq!(
        h.device_steps(false, DEVICE_CLIENT, &made_up, &device),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
    );
    let reply = h
        .user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, Some(&device))
        .unwrap();
    assert!(
        h.device_steps(false, DEVICE_CLIENT, &reply, &device)
            .is_ok()
    );
    assert_eq!(
        h.device_steps(false, DEVICE_CLIENT, &reply, &device),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
    );
}

/// The device steps as pycognito answers them: no `Session` at either, or a
/// `Session` only where `sessions` says which to send.
fn device_steps_sending(
    h: &Harness,
    admin: bool,
    reply: &Value,
    device: &DeviceCredentials,
    sessions: [Option<Value>; 2],
) -> Result<Value, (String, String)> {
    let user_id = reply["ChallengeParameters"]["USERNAME"].as_str().unwrap();
    let login = cognito_srp::DeviceSrpClient::new(device.clone())
        .with_app_client(app(DEVICE_CLIENT))
        .start(user_id)
        .unwrap();
    let [first, second] = sessions;
    let mut body = json!({ "ChallengeName": "DEVICE_SRP_AUTH", "ClientId": DEVICE_CLIENT,
                           "ChallengeResponses": login.challenge_responses() });
    if let Some(session) = first {
        body["Session"] = session;
    }
    let verifier = h.respond(admin, body)?;
    assert_eq!(verifier["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    let challenge = cognito_srp::DevicePasswordVerifierChallenge::from_challenge_parameters(&map(
        &verifier["ChallengeParameters"],
    ))
    .unwrap();
    let claim = login.respond(&challenge).unwrap();
    let mut body = json!({ "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ClientId": DEVICE_CLIENT,
                           "ChallengeResponses": claim.challenge_responses() });
    match second {
        Some(Value::Bool(true)) => body["Session"] = verifier["Session"].clone(),
        Some(session) => body["Session"] = session,
        None => {}
    }
    h.respond(admin, body)
}

#[test]
fn the_device_steps_are_answered_without_a_session_as_pycognito_answers_them() {
    let h = Harness::new(&seed(json!([])));
    let first = h
        .user_srp(false, DEVICE_CLIENT, "alice", PASSWORD, None)
        .unwrap();
    let device = h.confirm_device(tokens(&first));
    for admin in [false, true] {
        let reply = h
            .user_srp(admin, DEVICE_CLIENT, "alice", PASSWORD, Some(&device))
            .unwrap();
        assert_eq!(reply["ChallengeName"], "DEVICE_SRP_AUTH");
        let done = device_steps_sending(&h, admin, &reply, &device, [None, None]).unwrap();
        let access = claims(tokens(&done)["AccessToken"].as_str().unwrap());
        assert_eq!(access["device_key"], device.device_key());
        // The DEVICE_SRP_AUTH step answers once, with its Session or without.
        assert_eq!(
            device_steps_sending(&h, admin, &reply, &device, [None, None]),
            Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
        );
        assert_eq!(
            device_steps_sending(
                &h,
                admin,
                &reply,
                &device,
                [Some(reply["Session"].clone()), None]
            ),
            Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
        );
        // A Session sent with DEVICE_PASSWORD_VERIFIER must be the one issued.
        let reply = h
            .user_srp(admin, DEVICE_CLIENT, "alice", PASSWORD, Some(&device))
            .unwrap();
        assert_eq!(
            device_steps_sending(
                &h,
                admin,
                &reply,
                &device,
                [None, Some(json!("AYABmadeupmadeupmadeupmadeup"))]
            ),
            Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
        );
        let reply = h
            .user_srp(admin, DEVICE_CLIENT, "alice", PASSWORD, Some(&device))
            .unwrap();
        tokens(
            &device_steps_sending(
                &h,
                admin,
                &reply,
                &device,
                [Some(reply["Session"].clone()), Some(json!(true))],
            )
            .unwrap(),
        );
    }
}

fn answer_new_password(
    h: &Harness,
    admin: bool,
    reply: &Value,
    new_password: &str,
    extra: &[(&str, &str)],
) -> Result<Value, Refusal> {
    let username = reply["ChallengeParameters"]["USER_ID_FOR_SRP"]
        .as_str()
        .unwrap();
    let mut responses = json!({ "USERNAME": username, "NEW_PASSWORD": new_password });
    for (k, v) in extra {
        responses[*k] = json!(v);
    }
    h.respond(
        admin,
        json!({ "ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": CLIENT,
                "ChallengeResponses": responses, "Session": reply["Session"] }),
    )
}

#[test]
fn a_seeded_temporary_password_must_be_replaced_on_the_first_sign_in() {
    let h = Harness::new(&seed(
        json!([{ "username": "tom", "password": "Temp-Pass-1",
        "temporary_password": true, "attributes": { "email": "tom@example.com" } }]),
    ));
    let reply = h
        .user_srp(false, CLIENT, "tom", "Temp-Pass-1", None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let parameters = &reply["ChallengeParameters"];
    let user_attributes: Value =
        serde_json::from_str(parameters["userAttributes"].as_str().unwrap()).unwrap();
    assert_eq!(user_attributes["email"], "tom@example.com");
    assert_eq!(parameters["requiredAttributes"], "[]");

    // The pool's policy applies, and a refused password leaves the session usable.
    let (kind, message) = answer_new_password(&h, false, &reply, "short", &[]).unwrap_err();
    assert_eq!(kind, "InvalidPasswordException");
    assert!(message.starts_with("Password did not conform with password policy"));
    let done = answer_new_password(
        &h,
        false,
        &reply,
        "New-Pass-2",
        &[("userAttributes.name", "Tom")],
    )
    .unwrap();
    let id = claims(tokens(&done)["IdToken"].as_str().unwrap());
    assert_eq!(id["name"], "Tom");
    assert_eq!(
        answer_new_password(&h, false, &reply, "New-Pass-3", &[]),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into())),
        "the session answers once"
    );
    // The new password is the password now; the temporary one is gone.
    tokens(
        &h.user_srp(false, CLIENT, "tom", "New-Pass-2", None)
            .unwrap(),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "tom", "Temp-Pass-1", None)
            .unwrap_err()
            .0,
        "NotAuthorizedException"
    );
}

#[test]
fn new_password_required_refuses_a_made_up_session() {
    let h = Harness::new(&seed(
        json!([{ "username": "tom", "password": "Temp-Pass-1",
        "temporary_password": true }]),
    ));
    let mut reply = h
        .user_srp(false, CLIENT, "tom", "Temp-Pass-1", None)
        .unwrap();
    reply["Session"] = json!("AYABmadeupmadeupmadeupmadeup");
    assert_eq!(
        answer_new_password(&h, false, &reply, "New-Pass-2", &[]),
        Err(("NotAuthorizedException".into(), INVALID_SESSION.into()))
    );
}

#[test]
fn admin_create_user_with_a_temporary_password_then_new_password_required() {
    let h = Harness::new(&seed(json!([])));
    let created = h
        .admin(
            "AdminCreateUser",
            &json!({ "UserPoolId": POOL, "Username": "dora", "TemporaryPassword": "Temp-Dora-1",
                     "UserAttributes": [{ "Name": "email", "Value": "dora@example.com" }] }),
        )
        .unwrap();
    assert_eq!(created["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let reply = h
        .user_srp(true, CLIENT, "dora", "Temp-Dora-1", None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let done = answer_new_password(&h, true, &reply, "Dora-Chosen-2", &[]).unwrap();
    let id = claims(tokens(&done)["IdToken"].as_str().unwrap());
    assert_eq!(id["email"], "dora@example.com");
    assert_eq!(id["cognito:username"], "dora");
}

#[test]
fn admin_set_user_password_not_permanent_makes_it_temporary() {
    let h = Harness::new(&seed(json!([])));
    h.admin(
        "AdminSetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "alice", "Password": "Reset-Pass-1", "Permanent": false }),
    )
    .unwrap();
    let reply = h
        .user_srp(false, CLIENT, "alice", "Reset-Pass-1", None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
}

#[test]
fn a_temporary_password_expires_after_the_pools_validity_and_an_administrator_renews_it() {
    const EXPIRED: &str = "Temporary password has expired and must be reset by an administrator.";
    let day = std::time::Duration::from_secs(24 * 3600);
    let h = Harness::new(&seed(json!([])));
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "dora", "TemporaryPassword": "Temp-Dora-1",
                 "MessageAction": "SUPPRESS" }),
    )
    .unwrap();
    let password_sign_in = |password: &str| {
        h.admin(
            "AdminInitiateAuth",
            &json!({ "UserPoolId": POOL, "ClientId": CLIENT,
                     "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                     "AuthParameters": { "USERNAME": "dora", "PASSWORD": password } }),
        )
    };

    // Within the pool's seven days (the default): the password must be replaced.
    h.endpoint.clock().advance(6 * day);
    let reply = h
        .user_srp(false, CLIENT, "dora", "Temp-Dora-1", None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    // Past them: refused, by SRP and by the password flows, once the password checked.
    h.endpoint.clock().advance(2 * day);
    let expired = Err(("NotAuthorizedException".to_owned(), EXPIRED.to_owned()));
    assert_eq!(
        h.user_srp(false, CLIENT, "dora", "Temp-Dora-1", None),
        expired
    );
    assert_eq!(password_sign_in("Temp-Dora-1"), expired);
    assert_eq!(
        password_sign_in("Wrong-Pass-1").unwrap_err().1,
        "Incorrect username or password.",
        "a wrong password is refused as such"
    );

    // An administrator's new temporary password starts a new period.
    h.admin(
        "AdminSetUserPassword",
        &json!({ "UserPoolId": POOL, "Username": "dora", "Password": "Temp-Dora-2",
                 "Permanent": false }),
    )
    .unwrap();
    let reply = h
        .user_srp(false, CLIENT, "dora", "Temp-Dora-2", None)
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    h.endpoint.clock().advance(8 * day);
    assert_eq!(password_sign_in("Temp-Dora-2"), expired);
    // So does AdminCreateUser's RESEND.
    let resent = h
        .admin(
            "AdminCreateUser",
            &json!({ "UserPoolId": POOL, "Username": "dora", "MessageAction": "RESEND",
                     "TemporaryPassword": "Temp-Dora-3" }),
        )
        .unwrap();
    assert_eq!(resent["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let reply = password_sign_in("Temp-Dora-3").unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
}

#[test]
fn a_pools_temporary_password_validity_days_sets_how_long_it_lasts() {
    let day = std::time::Duration::from_secs(24 * 3600);
    let h = Harness::new(&seed(json!([])));
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": POOL,
                 "Policies": { "PasswordPolicy": { "MinimumLength": 8,
                                                   "TemporaryPasswordValidityDays": 1 } } }),
    )
    .unwrap();
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "dora", "TemporaryPassword": "Temp-Dora-1",
                 "MessageAction": "SUPPRESS" }),
    )
    .unwrap();
    h.endpoint
        .clock()
        .advance(day + std::time::Duration::from_secs(60));
    assert_eq!(
        h.user_srp(false, CLIENT, "dora", "Temp-Dora-1", None)
            .unwrap_err()
            .0,
        "NotAuthorizedException"
    );
}

#[test]
fn an_app_clients_auth_session_validity_sets_how_long_its_sessions_last() {
    const EXPIRED: &str = "Invalid session for the user, session is expired.";
    let minutes = |n: u64| std::time::Duration::from_secs(n * 60);
    let h = Harness::new(&seed(json!([
        { "username": "tom", "password": "Temp-Pass-1", "temporary_password": true },
        { "username": "ann", "password": "Temp-Pass-1", "temporary_password": true },
        { "username": "joe", "password": "Temp-Pass-1", "temporary_password": true }])));
    let create = |validity: Option<u64>| {
        let mut body = json!({ "UserPoolId": POOL, "ClientName": "app" });
        if let Some(minutes) = validity {
            body["AuthSessionValidity"] = json!(minutes);
        }
        h.admin("CreateUserPoolClient", &body)
    };
    // 3 to 15 minutes.
    for wrong in [2, 16] {
        assert_eq!(
            create(Some(wrong)).unwrap_err().0,
            "InvalidParameterException"
        );
    }
    let client_id = |reply: Value| {
        reply["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let fifteen = client_id(create(Some(15)).unwrap());
    let default = client_id(create(None).unwrap());
    let described = h
        .admin(
            "DescribeUserPoolClient",
            &json!({ "UserPoolId": POOL, "ClientId": fifteen }),
        )
        .unwrap();
    assert_eq!(described["UserPoolClient"]["AuthSessionValidity"], 15);

    let new_password = |client: &str, username: &str| {
        let reply = h
            .user_srp(false, client, username, "Temp-Pass-1", None)
            .unwrap();
        assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
        reply
    };
    let answer = |client: &str, username: &str, reply: &Value| {
        h.respond(
            false,
            json!({ "ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": client,
                    "Session": reply["Session"],
                    "ChallengeResponses": { "USERNAME": username, "NEW_PASSWORD": "New-Pass-2" } }),
        )
    };

    // Four minutes later: the fifteen-minute client's session still answers,
    // the default client's (three minutes) has expired.
    let kept = new_password(&fifteen, "tom");
    let lost = new_password(&default, "ann");
    h.endpoint.clock().advance(minutes(4));
    tokens(&answer(&fifteen, "tom", &kept).unwrap());
    assert_eq!(
        answer(&default, "ann", &lost),
        Err(("NotAuthorizedException".into(), EXPIRED.into()))
    );
    // Past fifteen minutes, the fifteen-minute client's expires too.
    let late = new_password(&fifteen, "joe");
    h.endpoint.clock().advance(minutes(16));
    assert_eq!(
        answer(&fifteen, "joe", &late),
        Err(("NotAuthorizedException".into(), EXPIRED.into()))
    );

    // PASSWORD_VERIFIER, which carries no Session, waits as long.
    let login = login(&fifteen, "tom", None);
    let reply = h
        .initiate(
            false,
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": fifteen,
                    "AuthParameters": login.auth_parameters() }),
        )
        .unwrap();
    h.endpoint.clock().advance(minutes(4));
    tokens(
        &h.answer_password_verifier(false, &fifteen, login, &reply, "New-Pass-2", &[])
            .unwrap(),
    );
}
