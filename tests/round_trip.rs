//! The crate's client against the crate's server, for users and devices.
//!
//! Accepted: the right password (any Unicode), the right device password.
//! Refused: a wrong password, a wrong pool name, a tampered `SECRET_BLOCK`,
//! `SRP_A` or signature, a stale or future timestamp, a wrong device key.
//! A session answers once: `verify` takes it by value (see the
//! `compile_fail` example on `ServerSession::verify`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use cognito_srp::hazmat::{DeviceSrpSignInExt, ServerSessionExt, UserSrpSignInExt};
use cognito_srp::{
    AppClient, AuthFailure, ClientSecret, DeviceCredentials, DevicePasswordVerifierChallenge,
    DeviceSrpClient, Error, Field, Password, PasswordVerifierChallenge, PoolId, ServerSession,
    SrpServer, StoredVerifier, Timestamp, UserSrpClient,
};
use proptest::prelude::*;
// Under WebAssembly the tests run in Node through wasm-bindgen-test.
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// `default` cases per property, or `PROPTEST_CASES` when set, as proptest
/// reads it (`scripts/cross` runs fewer under emulation); WebAssembly has no
/// environment, so there the value given when the tests were built counts.
fn cases(default: u32) -> u32 {
    #[cfg(not(target_family = "wasm"))]
    let given = std::env::var("PROPTEST_CASES").ok();
    #[cfg(target_family = "wasm")]
    let given = option_env!("PROPTEST_CASES").map(String::from);
    given.and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

/// One user sign-in: returns the server's session and the client's responses.
fn user_sign_in(
    server_pool: &PoolId,
    client_pool: &PoolId,
    user: &str,
    registered: &str,
    typed: &str,
    at: DateTime<Utc>,
) -> (ServerSession, HashMap<String, String>) {
    let stored =
        StoredVerifier::register_user(server_pool, user, &Password::new(registered)).unwrap();
    let login = UserSrpClient::new(client_pool.clone()).start(user).unwrap();
    let session = SrpServer::new()
        .start_user(server_pool, user, &stored, login.srp_a())
        .unwrap();
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let claim = login
        .respond_at(
            &challenge,
            &Password::new(typed),
            &Timestamp::from_datetime(at).unwrap(),
        )
        .unwrap();
    (session, claim.into_challenge_responses())
}

fn pool() -> PoolId {
    PoolId::parse("eu-west-1_RoundTrip1").unwrap()
}

fn refused(result: cognito_srp::Result<()>) -> AuthFailure {
    match result {
        Err(Error::NotAuthorized(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), ..ProptestConfig::default() })]

    #[test]
    fn a_user_with_the_right_password_is_accepted(user in "\\PC{1,40}", password in "\\PC{0,60}") {
        let (session, responses) = user_sign_in(&pool(), &pool(), &user, &password, &password, now());
        prop_assert_eq!(session.verify_at(&responses, now()), Ok(()));
    }

    #[test]
    fn a_user_with_a_wrong_password_is_refused(
        user in "\\PC{1,40}", password in "\\PC{0,60}", typo in "\\PC{1,8}",
    ) {
        let wrong = format!("{password}{typo}");
        let (session, responses) = user_sign_in(&pool(), &pool(), &user, &password, &wrong, now());
        prop_assert_eq!(refused(session.verify_at(&responses, now())), AuthFailure::SignatureMismatch);
    }

    #[test]
    fn a_device_with_its_password_is_accepted_and_another_device_password_is_refused(
        group_key in "-[A-Za-z0-9]{8}", uuid in "[a-f0-9]{8}-[a-f0-9]{4}", user in "\\PC{1,20}",
    ) {
        let device_key = format!("us-east-1_{uuid}");
        let (device, config) = DeviceCredentials::generate(group_key.as_str(), device_key.as_str()).unwrap();
        let stored = StoredVerifier::from_device_config(&config).unwrap();
        let (impostor, _) = DeviceCredentials::generate(group_key.as_str(), device_key.as_str()).unwrap();
        for (credentials, accepted) in [(device, true), (impostor, false)] {
            let login = DeviceSrpClient::new(credentials).start(&user).unwrap();
            let session = SrpServer::new()
                .start_device(&group_key, &device_key, &user, &stored, login.srp_a())
                .unwrap();
            let challenge =
                DevicePasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters()).unwrap();
            let claim = login.respond_at(&challenge, &Timestamp::from_datetime(now()).unwrap()).unwrap();
            let result = session.verify_at(claim.challenge_responses(), now());
            if accepted {
                prop_assert_eq!(result, Ok(()));
            } else {
                prop_assert_eq!(refused(result), AuthFailure::SignatureMismatch);
            }
        }
    }
}

#[test]
fn a_claim_for_another_pool_name_is_refused() {
    let other = PoolId::parse("eu-west-1_OtherPool").unwrap();
    let (session, responses) = user_sign_in(&pool(), &other, "alice", "pw", "pw", now());
    assert_eq!(
        refused(session.verify_at(&responses, now())),
        AuthFailure::SignatureMismatch
    );
}

#[test]
fn a_tampered_secret_block_is_refused() {
    let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
    let block = responses.get_mut("PASSWORD_CLAIM_SECRET_BLOCK").unwrap();
    let first = if block.starts_with('A') { "B" } else { "A" };
    block.replace_range(0..1, first);
    assert_eq!(
        refused(session.verify_at(&responses, now())),
        AuthFailure::SecretBlockMismatch
    );
}

#[test]
fn a_tampered_signature_is_refused() {
    let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
    let signature = responses.get_mut("PASSWORD_CLAIM_SIGNATURE").unwrap();
    let first = if signature.starts_with('A') { "B" } else { "A" };
    signature.replace_range(0..1, first);
    assert_eq!(
        refused(session.verify_at(&responses, now())),
        AuthFailure::SignatureMismatch
    );
}

#[test]
fn a_malformed_or_truncated_signature_is_an_error_not_a_panic() {
    for bad in ["", "not base64!", "YWJj"] {
        let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
        responses.insert("PASSWORD_CLAIM_SIGNATURE".into(), bad.into());
        assert!(session.verify_at(&responses, now()).is_err(), "{bad:?}");
    }
}

#[test]
fn a_tampered_srp_a_is_refused() {
    let stored = StoredVerifier::register_user(&pool(), "alice", &Password::new("pw")).unwrap();
    let login = UserSrpClient::new(pool()).start("alice").unwrap();
    // A man in the middle replaces SRP_A with another valid group element.
    let other = UserSrpClient::new(pool()).start("alice").unwrap();
    let session = SrpServer::new()
        .start_user(&pool(), "alice", &stored, other.srp_a())
        .unwrap();
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let claim = login
        .respond_at(
            &challenge,
            &Password::new("pw"),
            &Timestamp::from_datetime(now()).unwrap(),
        )
        .unwrap();
    assert_eq!(
        refused(session.verify_at(claim.challenge_responses(), now())),
        AuthFailure::SignatureMismatch
    );
}

#[test]
fn srp_a_that_is_zero_mod_n_or_not_below_n_or_not_hex_is_rejected() {
    let stored = StoredVerifier::register_user(&pool(), "alice", &Password::new("pw")).unwrap();
    let n = cognito_srp::hazmat::wire::hex_u3072(&cognito_srp::hazmat::group::N);
    for bad in [
        "0",
        "000",
        n.as_str(),
        &format!("{n}0"),
        &"f".repeat(800),
        "",
        "0x02",
        " 2",
        "-2",
    ] {
        let result = SrpServer::new().start_user(&pool(), "alice", &stored, bad);
        assert!(
            matches!(
                result,
                Err(Error::Invalid {
                    field: Field::SrpA,
                    ..
                })
            ),
            "{bad:?} gave {result:?}"
        );
    }
}

#[test]
fn stale_and_future_timestamps_are_refused_and_the_skew_is_configurable() {
    for offset in [
        Duration::minutes(-6),
        Duration::minutes(6),
        Duration::days(400),
    ] {
        let (session, responses) =
            user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now() + offset);
        assert_eq!(
            refused(session.verify_at(&responses, now())),
            AuthFailure::TimestampOutOfRange
        );
    }
    for offset in [Duration::minutes(-4), Duration::minutes(4)] {
        let (session, responses) =
            user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now() + offset);
        assert_eq!(session.verify_at(&responses, now()), Ok(()));
    }
    // A stricter server: 30 seconds.
    let stored = StoredVerifier::register_user(&pool(), "bob", &Password::new("pw")).unwrap();
    let login = UserSrpClient::new(pool()).start("bob").unwrap();
    let session = SrpServer::new()
        .with_clock_skew(Duration::seconds(30))
        .start_user(&pool(), "bob", &stored, login.srp_a())
        .unwrap();
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let at = Timestamp::from_datetime(now() - Duration::seconds(45)).unwrap();
    let claim = login
        .respond_at(&challenge, &Password::new("pw"), &at)
        .unwrap();
    assert_eq!(
        refused(session.verify_at(claim.challenge_responses(), now())),
        AuthFailure::TimestampOutOfRange
    );
}

#[test]
fn a_malformed_timestamp_is_an_invalid_field() {
    let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
    responses.insert("TIMESTAMP".into(), "Sun Jun 01 12:00:00 UTC 2025".into());
    assert!(matches!(
        session.verify_at(&responses, now()),
        Err(Error::Invalid {
            field: Field::Timestamp,
            ..
        })
    ));
}

#[test]
fn a_response_for_another_user_is_refused() {
    let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
    responses.insert("USERNAME".into(), "mallory".into());
    assert_eq!(
        refused(session.verify_at(&responses, now())),
        AuthFailure::IdentityMismatch
    );
}

#[test]
fn a_device_response_with_another_device_key_is_refused() {
    let (device, config) = DeviceCredentials::generate("-AbCdEf12", "us-east-1_device-1").unwrap();
    let stored = StoredVerifier::from_device_config(&config).unwrap();
    let login = DeviceSrpClient::new(device).start("alice").unwrap();
    let session = SrpServer::new()
        .start_device(
            "-AbCdEf12",
            "us-east-1_device-1",
            "alice",
            &stored,
            login.srp_a(),
        )
        .unwrap();
    let challenge =
        DevicePasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let mut responses = login
        .respond_at(&challenge, &Timestamp::from_datetime(now()).unwrap())
        .unwrap()
        .into_challenge_responses();
    responses.insert("DEVICE_KEY".into(), "us-east-1_device-2".into());
    assert_eq!(
        refused(session.verify_at(&responses, now())),
        AuthFailure::IdentityMismatch
    );
}

#[test]
fn missing_response_fields_are_named() {
    for field in [
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "TIMESTAMP",
        "PASSWORD_CLAIM_SIGNATURE",
        "USERNAME",
    ] {
        let (session, mut responses) = user_sign_in(&pool(), &pool(), "alice", "pw", "pw", now());
        responses.remove(field);
        assert!(
            matches!(
                session.verify_at(&responses, now()),
                Err(Error::Missing { .. })
            ),
            "{field}"
        );
    }
}

#[test]
fn secret_hash_is_sent_for_the_username_of_each_request() {
    let app = AppClient::with_secret("client-id", ClientSecret::new("client-secret")).unwrap();
    let stored = StoredVerifier::register_user(&pool(), "user-id-1", &Password::new("pw")).unwrap();
    let login = UserSrpClient::new(pool())
        .with_app_client(app.clone())
        .start("alice@example.com")
        .unwrap();
    assert_eq!(
        login.auth_parameters()["SECRET_HASH"],
        app.secret_hash("alice@example.com").unwrap()
    );
    let session = SrpServer::new()
        .start_user(&pool(), "user-id-1", &stored, login.srp_a())
        .unwrap();
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let claim = login
        .respond_at(
            &challenge,
            &Password::new("pw"),
            &Timestamp::from_datetime(now()).unwrap(),
        )
        .unwrap();
    let responses = claim.challenge_responses();
    assert_eq!(responses["USERNAME"], "user-id-1");
    assert_eq!(
        responses["SECRET_HASH"],
        app.secret_hash("user-id-1").unwrap()
    );
    assert_eq!(session.verify_at(responses, now()), Ok(()));
}

#[test]
fn stored_verifiers_round_trip_and_reject_bad_encodings() {
    let stored = StoredVerifier::register_user(&pool(), "alice", &Password::new("pw")).unwrap();
    assert_eq!(
        StoredVerifier::from_encoded(&stored.to_encoded()).unwrap(),
        stored
    );
    let encoded = stored.to_encoded();
    let verifier_digits = encoded.rsplit('$').next().unwrap();
    assert_eq!(
        verifier_digits.len(),
        768,
        "fixed width, leading zeros kept"
    );
    assert!(
        verifier_digits
            .bytes()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    );
    let n = cognito_srp::hazmat::wire::hex_u3072(&cognito_srp::hazmat::group::N);
    let zero = "0".repeat(768);
    let short = &verifier_digits[1..];
    for bad in [
        format!("cognito-srp-v1$ab${zero}"),
        format!("cognito-srp-v1$ab${short}"),
        format!("cognito-srp-v1$ab${verifier_digits}0"),
        format!("cognito-srp-v1$ab${}g", &verifier_digits[1..]),
        "".to_owned(),
        "cognito-srp-v1$".to_owned(),
        "cognito-srp-v1$ab".to_owned(),
        "cognito-srp-v1$ab$0".to_owned(),
        format!("cognito-srp-v1$ab${n}"),
        "cognito-srp-v1$ab$zz".to_owned(),
        "cognito-srp-v2$ab$02".to_owned(),
    ] {
        assert!(StoredVerifier::from_encoded(&bad).is_err(), "{bad:?}");
    }
    for (verifier, salt) in [
        ("", "AA=="),
        ("AA==", "AA=="),
        ("Ag==", ""),
        ("Ag", "AA=="),
        ("Ag==", "A A="),
    ] {
        assert!(
            StoredVerifier::from_device_secret_verifier_config(verifier, salt).is_err(),
            "{verifier:?} {salt:?}"
        );
    }
}
