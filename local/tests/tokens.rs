//! Tokens as a pool issues them, and the rest of a sign-in's life:
//! two signing keys in the key set, the `.well-known` documents, the
//! claims, refresh, revocation, sign-out, and access-token checks with
//! Cognito's messages.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

fn signed_in(h: &Harness) -> Value {
    let reply = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    reply["AuthenticationResult"].clone()
}

fn refused(message: &str) -> Result<Value, Refusal> {
    Err(("NotAuthorizedException".into(), message.into()))
}

#[test]
fn id_and_access_tokens_are_signed_by_two_keys_both_in_the_jwks() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h);
    let id_kid = header(result["IdToken"].as_str().unwrap())["kid"].clone();
    let access_kid = header(result["AccessToken"].as_str().unwrap())["kid"].clone();
    assert_ne!(id_kid, access_kid);

    let (status, content_type, jwks) = h.get(&format!("/{POOL}/.well-known/jwks.json"));
    assert_eq!((status, content_type), (200, "application/json"));
    let kids: Vec<&Value> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["kid"])
        .collect();
    assert_eq!(kids.len(), 2);
    assert!(kids.contains(&&id_kid) && kids.contains(&&access_kid));
    for key in jwks["keys"].as_array().unwrap() {
        assert_eq!(
            (&key["alg"], &key["kty"], &key["use"]),
            (&json!("RS256"), &json!("RSA"), &json!("sig"))
        );
    }
    assert_eq!(h.get("/us-east-1_NoSuchPool/.well-known/jwks.json").0, 404);
}

#[test]
fn the_openid_configuration_names_the_issuer_and_the_key_set() {
    let h = Harness::new(&seed(json!([])));
    let (status, content_type, document) =
        h.get(&format!("/{POOL}/.well-known/openid-configuration"));
    assert_eq!((status, content_type), (200, "application/json"));
    let issuer = document["issuer"].as_str().unwrap();
    assert!(issuer.ends_with(&format!("/{POOL}")));
    assert_eq!(
        document["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    assert_eq!(
        document["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(document["subject_types_supported"], json!(["public"]));
    let result = signed_in(&h);
    assert_eq!(claims(result["IdToken"].as_str().unwrap())["iss"], issuer);
}

#[test]
fn the_two_tokens_of_a_sign_in_share_its_event_and_origin() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h);
    let id = claims(result["IdToken"].as_str().unwrap());
    let access = claims(result["AccessToken"].as_str().unwrap());
    assert_eq!(id["token_use"], "id");
    assert_eq!(access["token_use"], "access");
    assert_eq!(id["event_id"], access["event_id"]);
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert_ne!(id["jti"], access["jti"]);
    assert_eq!(id["aud"], CLIENT);
    assert_eq!(access["client_id"], CLIENT);
    assert!(access.get("aud").is_none());
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(id["cognito:username"], access["username"]);
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(result["ExpiresIn"], 3600);
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        3600
    );
    let other = signed_in(&h);
    assert_ne!(
        claims(other["IdToken"].as_str().unwrap())["event_id"],
        id["event_id"]
    );
}

#[test]
fn refresh_keeps_auth_time_origin_and_event_through_both_operations() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h);
    let first = claims(result["AccessToken"].as_str().unwrap());
    std::thread::sleep(Duration::from_millis(1100));
    for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
        for admin in [false, true] {
            let reply = h
                .initiate(
                    admin,
                    json!({ "AuthFlow": flow, "ClientId": CLIENT,
                            "AuthParameters": { "REFRESH_TOKEN": result["RefreshToken"] } }),
                )
                .unwrap();
            let fresh = &reply["AuthenticationResult"];
            assert!(fresh.get("RefreshToken").is_none(), "no rotation");
            let access = claims(fresh["AccessToken"].as_str().unwrap());
            assert_eq!(access["auth_time"], first["auth_time"]);
            assert_eq!(access["origin_jti"], first["origin_jti"]);
            assert_eq!(access["event_id"], first["event_id"]);
            assert_ne!(access["jti"], first["jti"]);
            assert!(access["iat"].as_i64() > first["iat"].as_i64());
        }
    }
    let reply = h
        .call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": CLIENT, "RefreshToken": result["RefreshToken"] }),
        )
        .unwrap();
    let id = claims(reply["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["auth_time"], first["auth_time"]);
    assert_eq!(
        h.call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": CLIENT, "RefreshToken": "not-a-refresh-token" }),
        ),
        refused("Invalid Refresh Token")
    );
    assert_eq!(
        h.call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": DEVICE_CLIENT, "RefreshToken": result["RefreshToken"] }),
        ),
        refused("Invalid Refresh Token"),
        "a refresh token belongs to its app client"
    );
}

#[test]
fn revoke_token_ends_the_refresh_token_and_its_access_tokens_only() {
    let h = Harness::new(&seed(json!([])));
    let one = signed_in(&h);
    let other = signed_in(&h);
    assert!(
        h.call("GetUser", &json!({ "AccessToken": one["AccessToken"] }))
            .is_ok()
    );
    h.call(
        "RevokeToken",
        &json!({ "ClientId": CLIENT, "Token": one["RefreshToken"] }),
    )
    .unwrap();
    assert_eq!(
        h.call("GetUser", &json!({ "AccessToken": one["AccessToken"] })),
        refused("Access Token has been revoked")
    );
    assert_eq!(
        h.initiate(
            false,
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT,
                    "AuthParameters": { "REFRESH_TOKEN": one["RefreshToken"] } }),
        ),
        refused("Refresh Token has been revoked")
    );
    assert!(
        h.call("GetUser", &json!({ "AccessToken": other["AccessToken"] }))
            .is_ok()
    );
    assert_eq!(
        h.call(
            "RevokeToken",
            &json!({ "ClientId": CLIENT, "Token": other["AccessToken"] })
        )
        .unwrap_err()
        .0,
        "UnsupportedTokenTypeException"
    );
}

#[test]
fn global_sign_out_revokes_every_token_of_the_user() {
    let h = Harness::new(&seed(json!([])));
    let one = signed_in(&h);
    let other = signed_in(&h);
    h.call(
        "GlobalSignOut",
        &json!({ "AccessToken": one["AccessToken"] }),
    )
    .unwrap();
    for result in [&one, &other] {
        assert_eq!(
            h.call("GetUser", &json!({ "AccessToken": result["AccessToken"] })),
            refused("Access Token has been revoked")
        );
        assert_eq!(
            h.call(
                "GetTokensFromRefreshToken",
                &json!({ "ClientId": CLIENT, "RefreshToken": result["RefreshToken"] }),
            ),
            refused("Refresh Token has been revoked")
        );
    }
    // A new sign-in is not affected.
    let fresh = signed_in(&h);
    assert!(
        h.call("GetUser", &json!({ "AccessToken": fresh["AccessToken"] }))
            .is_ok()
    );
}

#[test]
fn access_tokens_are_checked_by_signature_and_expiry() {
    let h = Harness::new(&seed(json!([])));
    let result = signed_in(&h);
    let access = result["AccessToken"].as_str().unwrap();
    // The ID token is signed by the other key: not an access token.
    assert_eq!(
        h.call("GetUser", &json!({ "AccessToken": result["IdToken"] })),
        refused("Invalid Access Token")
    );
    // One changed claim breaks the signature.
    let parts: Vec<&str> = access.split('.').collect();
    let mut body = claims(access);
    body["username"] = json!("mallory");
    use base64::Engine as _;
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body.to_string()),
        parts[2]
    );
    assert_eq!(
        h.call("GetUser", &json!({ "AccessToken": forged })),
        refused("Invalid Access Token")
    );
    assert_eq!(
        h.call("GetUser", &json!({ "AccessToken": "AYABnotatoken" })),
        refused("Invalid Access Token")
    );

    let short = Harness {
        endpoint: cognito_srp_local::seed_from_json(&seed(json!([])))
            .unwrap()
            .with_token_lifetime(Duration::from_secs(1)),
    };
    let result = signed_in(&short);
    assert_eq!(result["ExpiresIn"], 1);
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(
        short.call("GetUser", &json!({ "AccessToken": result["AccessToken"] })),
        refused("Access Token has expired")
    );
    // The refresh token still works, and gives a live access token.
    let reply = short
        .call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": CLIENT, "RefreshToken": result["RefreshToken"] }),
        )
        .unwrap();
    assert!(
        short
            .call(
                "GetUser",
                &json!({ "AccessToken": reply["AuthenticationResult"]["AccessToken"] })
            )
            .is_ok()
    );
}
