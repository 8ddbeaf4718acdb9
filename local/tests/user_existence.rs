//! The real username in challenges and tokens, and `PreventUserExistenceErrors`:
//! under `ENABLED` an unknown user's challenge looks like a known user's and
//! ends in the same refusal as a wrong password.

use std::collections::HashMap;

use base64::Engine as _;
use cognito_srp::{Password, PasswordVerifierChallenge, PoolId, UserSrpClient};
use cognito_srp_local::client::CognitoHttp;
use serde_json::{Value, json};

const PLAIN: &str = "us-east-1_Plain1";
const BY_EMAIL: &str = "us-east-1_ByEmail1";

fn endpoint() -> cognito_srp_local::Endpoint {
    let seed = json!({ "pools": [
        { "id": PLAIN,
          "clients": [{ "id": "legacy" }, { "id": "enabled", "prevent_user_existence_errors": "ENABLED" }],
          "users": [{ "username": "alice", "password": "Correct-Horse-1" }] },
        { "id": BY_EMAIL, "username_attributes": ["email"],
          "clients": [{ "id": "emailclient", "remember_devices": true, "prevent_user_existence_errors": "ENABLED" }],
          "users": [{ "username": "erin@example.com", "password": "Correct-Horse-1",
                      "attributes": { "email": "erin@example.com" } }] }] });
    cognito_srp_local::seed_from_json(&seed).unwrap()
}

fn start(endpoint: cognito_srp_local::Endpoint) -> String {
    let (addr, _) = endpoint.serve("127.0.0.1:0", 2).unwrap();
    format!("http://{addr}/")
}

fn initiate(
    endpoint: &cognito_srp_local::Endpoint,
    pool: &str,
    client: &str,
    username: &str,
) -> (
    cognito_srp::UserSrpSignIn,
    Result<Value, cognito_srp_local::ApiError>,
) {
    let login = UserSrpClient::new(PoolId::parse(pool).unwrap())
        .start(username)
        .unwrap();
    let reply = endpoint.handle(
        "InitiateAuth",
        &json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": login.auth_parameters() }),
    );
    (login, reply)
}

fn parameters(reply: &Value) -> HashMap<String, String> {
    serde_json::from_value(reply["ChallengeParameters"].clone()).unwrap()
}

fn answer(
    endpoint: &cognito_srp_local::Endpoint,
    client: &str,
    login: cognito_srp::UserSrpSignIn,
    reply: &Value,
    password: &str,
) -> Result<Value, cognito_srp_local::ApiError> {
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&parameters(reply)).unwrap();
    let claim = login.respond(&challenge, &Password::new(password)).unwrap();
    endpoint.handle(
        "RespondToAuthChallenge",
        &json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client,
                 "ChallengeResponses": claim.challenge_responses() }),
    )
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The claims of a JWT, unverified.
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn username_and_user_id_for_srp_are_both_the_real_username_and_match_the_tokens() {
    let endpoint = endpoint();
    // A plain pool: the username itself, no Session with PASSWORD_VERIFIER.
    let (login, reply) = initiate(&endpoint, PLAIN, "legacy", "alice");
    let reply = reply.unwrap();
    let p = parameters(&reply);
    assert_eq!(
        (p["USERNAME"].as_str(), p["USER_ID_FOR_SRP"].as_str()),
        ("alice", "alice")
    );
    assert!(reply.get("Session").is_none());
    let tokens = answer(&endpoint, "legacy", login, &reply, "Correct-Horse-1").unwrap();
    let id = claims(tokens["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "alice");
    // Email as username: the typed email resolves to the user, whose real
    // username is a UUID, in both parameters and in the tokens.
    let (login, reply) = initiate(&endpoint, BY_EMAIL, "emailclient", "erin@example.com");
    let reply = reply.unwrap();
    let p = parameters(&reply);
    assert!(is_uuid(&p["USERNAME"]), "{p:?}");
    assert_eq!(p["USERNAME"], p["USER_ID_FOR_SRP"]);
    let tokens = answer(&endpoint, "emailclient", login, &reply, "Correct-Horse-1").unwrap();
    let result = &tokens["AuthenticationResult"];
    let id = claims(result["IdToken"].as_str().unwrap());
    let access = claims(result["AccessToken"].as_str().unwrap());
    assert_eq!(
        id["cognito:username"].as_str(),
        Some(p["USERNAME"].as_str())
    );
    assert_eq!(access["username"].as_str(), Some(p["USERNAME"].as_str()));
}

#[test]
fn a_remembered_device_signs_in_again_in_an_email_as_username_pool() {
    let url = start(endpoint());
    let client = CognitoHttp::new(&url, BY_EMAIL, "emailclient", None).unwrap();
    let first = client
        .sign_in("erin@example.com", "Correct-Horse-1", None)
        .unwrap();
    let device = client.confirm_device(&first.result).unwrap();
    let second = client
        .sign_in("erin@example.com", "Correct-Horse-1", Some(&device))
        .unwrap();
    assert!(second.used_device);
}

#[test]
fn legacy_says_the_user_does_not_exist() {
    let endpoint = endpoint();
    let (_, reply) = initiate(&endpoint, PLAIN, "legacy", "nobody");
    let e = reply.unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
}

#[test]
fn enabled_answers_an_unknown_user_with_a_stable_challenge_shaped_like_a_real_one() {
    let endpoint = endpoint();
    for (pool, client, known) in [
        (PLAIN, "enabled", "alice"),
        (BY_EMAIL, "emailclient", "erin@example.com"),
    ] {
        let (_, real) = initiate(&endpoint, pool, client, known);
        let real = real.unwrap();
        let (login, fake) = initiate(&endpoint, pool, client, "nobody@example.com");
        let fake = fake.unwrap();
        let (r, f) = (parameters(&real), parameters(&fake));
        // The same members, the same challenge, no Session either way.
        assert_eq!(real["ChallengeName"], fake["ChallengeName"]);
        assert_eq!(
            real.as_object().unwrap().keys().collect::<Vec<_>>(),
            fake.as_object().unwrap().keys().collect::<Vec<_>>()
        );
        let mut rk: Vec<_> = r.keys().collect();
        let mut fk: Vec<_> = f.keys().collect();
        rk.sort();
        fk.sort();
        assert_eq!(rk, fk);
        // SRP_B is a full-size group element, SECRET_BLOCK of the same size.
        assert!(f["SRP_B"].len() >= 760 && f["SRP_B"].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(r["SECRET_BLOCK"].len(), f["SECRET_BLOCK"].len());
        assert!(f["SALT"].len() <= 32 && f["SALT"].chars().all(|c| c.is_ascii_hexdigit()));
        assert!(is_uuid(&f["USER_ID_FOR_SRP"]));
        assert_eq!(f["USERNAME"], f["USER_ID_FOR_SRP"]);
        // Stable per (pool, username): the same salt and user id again.
        let (_, again) = initiate(&endpoint, pool, client, "nobody@example.com");
        let again = parameters(&again.unwrap());
        assert_eq!(
            (&again["SALT"], &again["USER_ID_FOR_SRP"]),
            (&f["SALT"], &f["USER_ID_FOR_SRP"])
        );
        assert_ne!(again["SRP_B"], f["SRP_B"]);
        // The answer is refused as a wrong password is.
        let refusal = answer(&endpoint, client, login, &fake, "Any-Password-1").unwrap_err();
        let (login, real) = initiate(&endpoint, pool, client, known);
        let wrong =
            answer(&endpoint, client, login, &real.unwrap(), "Wrong-Password-1").unwrap_err();
        assert_eq!(refusal, wrong);
        assert_eq!(refusal.message, "Incorrect username or password.");
    }
    // Another pool, same name: another decoy.
    let (_, a) = initiate(&endpoint, PLAIN, "enabled", "nobody@example.com");
    let (_, b) = initiate(&endpoint, BY_EMAIL, "emailclient", "nobody@example.com");
    assert_ne!(
        parameters(&a.unwrap())["SALT"],
        parameters(&b.unwrap())["SALT"]
    );
}
