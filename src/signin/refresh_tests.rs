//! After the sign-in: what is kept, the refresh it builds, the reply it
//! reads, and the revocation and sign-out requests. Sign-ins are real (the
//! crate's own `SrpServer` plays the pool) and requests are read back from
//! their JSON body, as Cognito reads them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::*;
use crate::error::{Error, Field, TokenRefusal};
use crate::secret::{ClientSecret, DevicePassword, Password};
use crate::server::SrpServer;
use crate::stored_verifier::StoredVerifier;
use crate::wire::ParameterMap;
// Under WebAssembly the tests run in Node through wasm-bindgen-test.
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const POOL: &str = "us-east-1_TestPool1";
const CLIENT_ID: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
const SECRET: &str = "1x1uhwq29i228lsml7wqx3qrzi59ppmxie13ya1coj52qk0qwmx";
/// The alias the user types, and the real username the pool answers with.
const TYPED: &str = "alice@example.com";
const USER_ID: &str = "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c";
const PASSWORD: &str = "Correct-Horse-1";
const DEVICE_GROUP_KEY: &str = "-Xy7KqP2w";
const DEVICE_KEY: &str = "us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c";
const REFRESH: &str = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.first.refresh.token.x";
const ROTATED: &str = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.second.refresh.token.y";
const ACCESS: &str = "eyJraWQiOiJhIn0.access.sig";

fn pool_id() -> PoolId {
    PoolId::parse(POOL).unwrap()
}

fn app(with_secret: bool) -> AppClient {
    if with_secret {
        AppClient::with_secret(CLIENT_ID, ClientSecret::new(SECRET)).unwrap()
    } else {
        AppClient::new(CLIENT_ID).unwrap()
    }
}

fn device() -> DeviceCredentials {
    DeviceCredentials::new(DEVICE_GROUP_KEY, DEVICE_KEY, DevicePassword::new("stored")).unwrap()
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn body(request: &TokenRequest) -> Value {
    serde_json::from_str(&request.to_json()).unwrap()
}

fn tokens(refresh_token: Option<&str>, expires_in: i32) -> AuthenticationResult {
    AuthenticationResult {
        access_token: Some(ACCESS.into()),
        id_token: Some("eyJ.id.sig".into()),
        refresh_token: refresh_token.map(Into::into),
        expires_in: Some(expires_in),
        token_type: Some("Bearer".into()),
        new_device_metadata: None,
    }
}

/// A USER_SRP_AUTH sign-in of `alice@example.com` (real username `USER_ID`)
/// through `signin`, the pool checking the proof, ending with `result`.
fn sign_in(signin: SignIn, result: AuthenticationResult) -> SignedIn {
    let verifier =
        StoredVerifier::register_user(&pool_id(), USER_ID, &Password::new(PASSWORD)).unwrap();
    let step = signin.start(Password::new(PASSWORD)).unwrap();
    let start: Value = serde_json::from_str(&step.request().to_json()).unwrap();
    let srp_a = start["AuthParameters"]["SRP_A"].as_str().unwrap();
    let session = SrpServer::new()
        .start_user(&pool_id(), USER_ID, &verifier, srp_a)
        .unwrap();
    let challenge = Reply::challenge("PASSWORD_VERIFIER", session.challenge_parameters(), None);
    let Next::Send(step) = step.receive(challenge).unwrap() else {
        panic!("the driver answers PASSWORD_VERIFIER itself")
    };
    let answer: Value = serde_json::from_str(&step.request().to_json()).unwrap();
    let responses = answer["ChallengeResponses"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    session.verify(&responses).unwrap();
    match step.receive(Reply::authenticated(result)).unwrap() {
        Next::SignedIn(done) => done,
        other => panic!("expected the tokens, got {other:?}"),
    }
}

fn kept_after_sign_in(with_secret: bool) -> KeptSignIn {
    let signin = SignIn::new(pool_id(), app(with_secret), TYPED).unwrap();
    sign_in(signin, tokens(Some(REFRESH), 3600))
        .keep(at(1_000_000))
        .unwrap()
}

#[test]
fn a_sign_in_keeps_the_real_username_the_refresh_token_and_the_expiry() {
    let kept = kept_after_sign_in(false);
    assert_eq!(kept.pool_id().as_str(), POOL);
    assert_eq!(kept.client_id(), CLIENT_ID);
    assert_eq!(kept.username(), USER_ID, "not the typed alias");
    assert_eq!(kept.refresh_token().expose_secret(), REFRESH);
    assert_eq!(kept.access_token().unwrap().expose_secret(), ACCESS);
    assert_eq!(kept.id_token().unwrap().expose_secret(), "eyJ.id.sig");
    assert!(kept.device().is_none());
    assert_eq!(kept.access_token_expires_at(), Some(at(1_003_600)));
}

#[test]
fn a_sign_in_without_a_refresh_token_cannot_be_kept() {
    let signin = SignIn::new(pool_id(), app(false), TYPED).unwrap();
    let done = sign_in(signin, tokens(None, 3600));
    assert_eq!(
        done.keep(at(0)).unwrap_err(),
        Error::Missing {
            field: Field::RefreshToken
        }
    );
}

#[test]
fn the_access_token_is_fresh_until_the_margin_before_its_expiry() {
    let kept = kept_after_sign_in(false);
    let minute = Duration::from_secs(60);
    assert!(kept.fresh_access_token(at(1_003_539), minute).is_some());
    assert!(kept.fresh_access_token(at(1_003_540), minute).is_none());
    assert!(
        kept.fresh_access_token(at(1_003_599), Duration::ZERO)
            .is_some()
    );
    assert!(
        kept.fresh_access_token(at(1_003_600), Duration::ZERO)
            .is_none()
    );
    // The ID token has no readable claims here: it lives as long as the access token.
    assert!(kept.fresh_id_token(at(1_003_539), minute).is_some());
    assert!(kept.fresh_id_token(at(1_003_540), minute).is_none());
}

#[test]
fn the_id_token_lives_its_own_exp_minus_iat() {
    use base64ct::{Base64UrlUnpadded, Encoding as _};
    let payload = Base64UrlUnpadded::encode_string(br#"{"iat":1700000000,"exp":1700000300}"#);
    let mut result = tokens(Some(REFRESH), 3600);
    result.id_token = Some(format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln"));
    let signin = SignIn::new(pool_id(), app(false), TYPED).unwrap();
    let kept = sign_in(signin, result).keep(at(1_000_000)).unwrap();
    assert!(kept.fresh_id_token(at(1_000_299), Duration::ZERO).is_some());
    assert!(kept.fresh_id_token(at(1_000_300), Duration::ZERO).is_none());
    assert!(
        kept.fresh_access_token(at(1_000_300), Duration::ZERO)
            .is_some()
    );
}

#[test]
fn refresh_token_auth_without_a_secret_sends_only_the_refresh_token() {
    let kept = kept_after_sign_in(false);
    let request = kept.refresh(&app(false)).unwrap().request();
    assert_eq!(request.operation(), Operation::InitiateAuth);
    assert_eq!(
        request.target(),
        "AWSCognitoIdentityProviderService.InitiateAuth"
    );
    assert_eq!(
        body(&request),
        json!({ "ClientId": CLIENT_ID, "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": { "REFRESH_TOKEN": REFRESH } })
    );
}

#[test]
fn refresh_token_auth_with_a_secret_hashes_the_real_username_not_the_alias() {
    let kept = kept_after_sign_in(true);
    let request = kept.refresh(&app(true)).unwrap().request();
    let sent = body(&request);
    let expected = app(true).secret_hash(USER_ID).unwrap();
    assert_eq!(sent["AuthParameters"]["SECRET_HASH"], expected.as_str());
    assert_ne!(
        sent["AuthParameters"]["SECRET_HASH"],
        app(true).secret_hash(TYPED).unwrap().as_str()
    );
    assert_eq!(
        sent["AuthParameters"].as_object().unwrap().len(),
        2,
        "{sent}"
    );
}

#[test]
fn admin_initiate_auth_refresh_names_the_pool() {
    let kept = kept_after_sign_in(true);
    let request = kept
        .refresh(&app(true))
        .unwrap()
        .with(RefreshWith::AdminInitiateAuth)
        .request();
    assert_eq!(request.operation(), Operation::AdminInitiateAuth);
    assert!(request.operation().is_admin());
    let sent = body(&request);
    assert_eq!(sent["UserPoolId"], POOL);
    assert_eq!(sent["AuthFlow"], "REFRESH_TOKEN_AUTH");
    assert_eq!(
        sent["AuthParameters"]["SECRET_HASH"],
        app(true).secret_hash(USER_ID).unwrap().as_str()
    );
}

#[test]
fn a_sign_in_with_a_remembered_device_refreshes_with_its_device_key() {
    let signin = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_device(device());
    let kept = sign_in(signin, tokens(Some(REFRESH), 3600))
        .keep(at(0))
        .unwrap();
    assert_eq!(kept.device().unwrap().device_key(), DEVICE_KEY);
    let refresh = kept.refresh(&app(true)).unwrap();
    assert_eq!(
        body(&refresh.request())["AuthParameters"]["DEVICE_KEY"],
        DEVICE_KEY
    );
    let rotating = refresh.with(RefreshWith::GetTokensFromRefreshToken);
    assert_eq!(body(&rotating.request())["DeviceKey"], DEVICE_KEY);
}

#[test]
fn a_new_device_is_kept_once_confirmed() {
    let mut result = tokens(Some(REFRESH), 3600);
    result.new_device_metadata = Some(NewDeviceMetadata {
        device_key: Some(DEVICE_KEY.into()),
        device_group_key: Some(DEVICE_GROUP_KEY.into()),
    });
    let signin = SignIn::new(pool_id(), app(false), TYPED).unwrap();
    let done = sign_in(signin, result);
    let kept = done.keep(at(0)).unwrap();
    assert!(kept.device().is_none(), "not before ConfirmDevice");
    let credentials = done.new_device().unwrap().credentials().clone();
    let kept = kept.with_device(credentials);
    let sent = body(&kept.refresh(&app(false)).unwrap().request());
    assert_eq!(sent["AuthParameters"]["DEVICE_KEY"], DEVICE_KEY);
    assert!(
        body(
            &kept
                .without_device()
                .refresh(&app(false))
                .unwrap()
                .request()
        )["AuthParameters"]
            .get("DEVICE_KEY")
            .is_none()
    );
}

#[test]
fn get_tokens_from_refresh_token_sends_the_client_secret_as_it_is_and_the_metadata() {
    let kept = kept_after_sign_in(true);
    let request = kept
        .refresh(&app(true))
        .unwrap()
        .with(RefreshWith::GetTokensFromRefreshToken)
        .with_client_metadata(ParameterMap::from([("tenant".into(), "blue".into())]))
        .request();
    assert_eq!(request.operation(), Operation::GetTokensFromRefreshToken);
    assert!(!request.operation().is_admin());
    assert_eq!(
        body(&request),
        json!({ "ClientId": CLIENT_ID, "ClientSecret": SECRET, "RefreshToken": REFRESH,
                "ClientMetadata": { "tenant": "blue" } })
    );
    let without_secret = kept_after_sign_in(false)
        .refresh(&app(false))
        .unwrap()
        .with(RefreshWith::GetTokensFromRefreshToken)
        .request();
    assert_eq!(
        body(&without_secret),
        json!({ "ClientId": CLIENT_ID, "RefreshToken": REFRESH })
    );
}

#[test]
fn client_metadata_goes_with_refresh_token_auth_too() {
    let request = kept_after_sign_in(false)
        .refresh(&app(false))
        .unwrap()
        .with_client_metadata(ParameterMap::from([("k".into(), "v".into())]))
        .request();
    assert_eq!(body(&request)["ClientMetadata"], json!({ "k": "v" }));
}

#[test]
fn with_rotation_the_new_refresh_token_is_kept_and_used_next() {
    let kept = kept_after_sign_in(false);
    let refresh = kept
        .refresh(&app(false))
        .unwrap()
        .with(RefreshWith::GetTokensFromRefreshToken);
    let refreshed = refresh
        .receive(
            Reply::authenticated(tokens(Some(ROTATED), 300)),
            at(2_000_000),
        )
        .unwrap();
    assert!(refreshed.rotated());
    assert_eq!(refreshed.refresh_token().expose_secret(), ROTATED);
    assert_eq!(refreshed.access_token().expose_secret(), ACCESS);
    assert_eq!(refreshed.id_token().unwrap().expose_secret(), "eyJ.id.sig");
    let kept = refreshed.into_kept();
    assert_eq!(kept.access_token_expires_at(), Some(at(2_000_300)));
    assert_eq!(kept.username(), USER_ID);
    let next = kept
        .refresh(&app(false))
        .unwrap()
        .with(RefreshWith::GetTokensFromRefreshToken)
        .request();
    assert_eq!(body(&next)["RefreshToken"], ROTATED);
}

#[test]
fn without_rotation_the_refresh_token_used_is_kept() {
    let kept = kept_after_sign_in(false);
    let refreshed = kept
        .refresh(&app(false))
        .unwrap()
        .receive(Reply::authenticated(tokens(None, 3600)), at(5_000_000))
        .unwrap();
    assert!(!refreshed.rotated());
    assert_eq!(refreshed.refresh_token().expose_secret(), REFRESH);
    assert_eq!(
        refreshed.kept().access_token_expires_at(),
        Some(at(5_003_600))
    );
    // The reply as a raw client reads it from the wire works the same.
    let reply = Reply::from_json(
        r#"{"AuthenticationResult":{"AccessToken":"eyJ.a.b","ExpiresIn":3600,"IdToken":"eyJ.i.d","TokenType":"Bearer"},"ChallengeParameters":{}}"#,
    )
    .unwrap();
    let refreshed = kept
        .refresh(&app(false))
        .unwrap()
        .receive(reply, at(0))
        .unwrap();
    assert_eq!(refreshed.access_token().expose_secret(), "eyJ.a.b");
}

#[test]
fn replies_a_refresh_does_not_take() {
    let kept = kept_after_sign_in(false);
    let refresh = || kept.refresh(&app(false)).unwrap();
    let challenge = Reply::challenge("SMS_MFA", ParameterMap::new(), Some("AYAB".into()));
    assert_eq!(
        refresh().receive(challenge, at(0)).unwrap_err(),
        Error::UnexpectedChallenge {
            challenge_name: "SMS_MFA".into(),
            after: "REFRESH_TOKEN_AUTH"
        }
    );
    assert_eq!(
        refresh()
            .with(RefreshWith::GetTokensFromRefreshToken)
            .receive(Reply::default(), at(0))
            .unwrap_err(),
        Error::UnexpectedReply {
            reason: "no AuthenticationResult",
            after: "GetTokensFromRefreshToken"
        }
    );
    let mut no_access = tokens(None, 3600);
    no_access.access_token = None;
    assert_eq!(
        refresh()
            .receive(Reply::authenticated(no_access), at(0))
            .unwrap_err(),
        Error::Missing {
            field: Field::AccessToken
        }
    );
    assert_eq!(
        refresh()
            .receive(Reply::authenticated(tokens(Some(""), 3600)), at(0))
            .unwrap_err(),
        Error::invalid(Field::RefreshToken, "empty")
    );
    assert_eq!(
        refresh()
            .receive(Reply::authenticated(tokens(None, 0)), at(0))
            .unwrap_err(),
        Error::invalid(Field::ReplyBody, "ExpiresIn is not positive")
    );
}

#[test]
fn another_app_client_cannot_use_the_refresh_token() {
    let kept = kept_after_sign_in(false);
    let other = AppClient::new("someotherclient").unwrap();
    let refused = Error::invalid(
        Field::ClientId,
        "not the app client the refresh token was issued to",
    );
    assert_eq!(kept.refresh(&other).unwrap_err(), refused);
    assert_eq!(kept.revoke_token(&other).unwrap_err(), refused);
}

#[test]
fn revocation_and_sign_out_requests() {
    let kept = kept_after_sign_in(true);
    let revoke = kept.revoke_token(&app(true)).unwrap();
    assert_eq!(revoke.operation(), Operation::RevokeToken);
    assert_eq!(
        body(&revoke),
        json!({ "ClientId": CLIENT_ID, "ClientSecret": SECRET, "Token": REFRESH })
    );
    let revoke_public = kept_after_sign_in(false).revoke_token(&app(false)).unwrap();
    assert_eq!(
        body(&revoke_public),
        json!({ "ClientId": CLIENT_ID, "Token": REFRESH })
    );

    let sign_out = kept.global_sign_out().unwrap();
    assert_eq!(sign_out.operation(), Operation::GlobalSignOut);
    assert_eq!(body(&sign_out), json!({ "AccessToken": ACCESS }));

    let admin = kept.admin_user_global_sign_out();
    assert_eq!(admin.operation(), Operation::AdminUserGlobalSignOut);
    assert!(admin.operation().is_admin());
    assert_eq!(
        admin.target(),
        "AWSCognitoIdentityProviderService.AdminUserGlobalSignOut"
    );
    assert_eq!(
        body(&admin),
        json!({ "UserPoolId": POOL, "Username": USER_ID })
    );
}

#[test]
fn refusals_of_the_refresh_token_are_typed() {
    for (code, message, refusal) in [
        (
            "NotAuthorizedException",
            "Refresh Token has been revoked",
            Some(TokenRefusal::Revoked),
        ),
        (
            "NotAuthorizedException",
            "Refresh Token has expired",
            Some(TokenRefusal::Expired),
        ),
        (
            "NotAuthorizedException",
            "Invalid Refresh Token",
            Some(TokenRefusal::Invalid),
        ),
        (
            "NotAuthorizedException",
            "Invalid Refresh Token.",
            Some(TokenRefusal::Invalid),
        ),
        (
            "com.amazonaws.cognito.identity.idp.model#RefreshTokenReuseException",
            "Refresh token has been reused",
            Some(TokenRefusal::Reused),
        ),
        ("RefreshTokenReuseException", "", Some(TokenRefusal::Reused)),
        (
            "NotAuthorizedException",
            "SecretHash does not match for the client: x",
            None,
        ),
        ("NotAuthorizedException", "User is disabled.", None),
        ("UserNotFoundException", "User does not exist.", None),
        (
            "InvalidParameterException",
            "Refresh Token has expired",
            None,
        ),
    ] {
        assert_eq!(
            TokenRefusal::from_service_error(code, message),
            refusal,
            "{code}: {message}"
        );
    }
    assert_eq!(
        Error::TokenRefused(TokenRefusal::Reused).to_string(),
        "refresh refused: the refresh token was rotated out and its grace period is over"
    );
}

#[test]
fn a_refused_refresh_token_auth_falls_back_to_get_tokens_from_refresh_token() {
    let kept = kept_after_sign_in(true).with_device(device());
    for with in [RefreshWith::InitiateAuth, RefreshWith::AdminInitiateAuth] {
        let refresh = kept.refresh(&app(true)).unwrap().with(with);
        // How a rotating app client may refuse the flow (its wording is not documented).
        for (code, message) in [
            (
                "NotAuthorizedException",
                "Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken",
            ),
            ("NotAuthorizedException", "Invalid Refresh Token"),
            (
                "com.amazonaws.cognito.identity.idp.model#InvalidParameterException",
                "Refresh Token Auth flow not enabled for this client",
            ),
        ] {
            let next = refresh.fallback(code, message).expect(message);
            assert_eq!(next.refresh_with(), RefreshWith::GetTokensFromRefreshToken);
            // The same refresh: raw client secret, device key, real username's token.
            assert_eq!(
                body(&next.request()),
                json!({
                    "ClientId": CLIENT_ID,
                    "ClientSecret": SECRET,
                    "RefreshToken": REFRESH,
                    "DeviceKey": DEVICE_KEY,
                })
            );
        }
        // Gone whichever operation carries it, or not about the flow at all.
        for (code, message) in [
            ("NotAuthorizedException", "Refresh Token has been revoked"),
            ("NotAuthorizedException", "Refresh Token has expired."),
            ("RefreshTokenReuseException", ""),
            ("TooManyRequestsException", "Rate exceeded"),
            ("InternalErrorException", "Internal error"),
            (
                "ResourceNotFoundException",
                "User pool client x does not exist.",
            ),
        ] {
            assert!(
                refresh.fallback(code, message).is_none(),
                "{code}: {message}"
            );
        }
    }
    // Already through GetTokensFromRefreshToken: nothing else to try.
    let get_tokens = kept
        .refresh(&app(true))
        .unwrap()
        .with(RefreshWith::GetTokensFromRefreshToken);
    assert!(
        get_tokens
            .fallback("NotAuthorizedException", "Invalid Refresh Token")
            .is_none()
    );
}

#[test]
fn nothing_secret_prints() {
    let signin = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_device(device());
    let kept = sign_in(signin, tokens(Some(REFRESH), 3600))
        .keep(at(0))
        .unwrap();
    let refresh = kept.refresh(&app(true)).unwrap();
    let refreshed = refresh
        .clone()
        .receive(Reply::authenticated(tokens(Some(ROTATED), 3600)), at(0))
        .unwrap();
    let printed = [
        format!("{kept:?}"),
        format!("{refresh:?}"),
        format!("{:?}", refresh.request()),
        format!(
            "{:?}",
            refresh
                .clone()
                .with(RefreshWith::GetTokensFromRefreshToken)
                .request()
        ),
        format!("{:?}", kept.revoke_token(&app(true)).unwrap()),
        format!("{:?}", kept.global_sign_out().unwrap()),
        format!("{refreshed:?}"),
    ];
    for text in printed {
        for secret in [REFRESH, ROTATED, ACCESS, "eyJ.id.sig", SECRET, "stored"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let hash = app(true).secret_hash(USER_ID).unwrap();
        assert!(!text.contains(&hash), "SECRET_HASH in {text}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn a_kept_sign_in_round_trips_through_json() {
    let signin = SignIn::new(pool_id(), app(true), TYPED)
        .unwrap()
        .with_device(device());
    let kept = sign_in(signin, tokens(Some(REFRESH), 3600))
        .keep(at(1_000_000))
        .unwrap();
    let text = serde_json::to_string(&kept).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID,
                "refresh_token": REFRESH,
                "device": { "device_group_key": DEVICE_GROUP_KEY, "device_key": DEVICE_KEY,
                            "device_password": "stored" },
                "access_token": ACCESS, "access_token_expires_at": 1_003_600,
                "id_token": "eyJ.id.sig", "id_token_expires_at": 1_003_600 })
    );
    let back: KeptSignIn = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    assert_eq!(
        back.fresh_access_token(at(1_003_000), Duration::from_secs(60))
            .unwrap()
            .expose_secret(),
        ACCESS
    );

    // Only the refresh token and who it belongs to are required.
    let bare: KeptSignIn = serde_json::from_value(
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": REFRESH }),
    )
    .unwrap();
    assert!(bare.access_token().is_none() && bare.device().is_none());

    for bad in [
        json!({ "pool_id": "nopool", "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": REFRESH }),
        json!({ "pool_id": POOL, "client_id": "", "username": USER_ID, "refresh_token": REFRESH }),
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": "" }),
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID }),
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": REFRESH,
                "access_token": ACCESS }),
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": REFRESH,
                "device": { "device_group_key": "", "device_key": DEVICE_KEY, "device_password": "p" } }),
        json!({ "pool_id": POOL, "client_id": CLIENT_ID, "username": USER_ID, "refresh_token": 7 }),
    ] {
        assert!(
            serde_json::from_value::<KeptSignIn>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}
