//! The life of a sign-in after its tokens: `REFRESH_TOKEN_AUTH` (and its
//! alias `REFRESH_TOKEN`) through `InitiateAuth`/`AdminInitiateAuth`,
//! `GetTokensFromRefreshToken` (with the app client's refresh token
//! rotation), `RevokeToken`, `GlobalSignOut` and `AdminUserGlobalSignOut`.

use std::collections::HashMap;

use cognito_srp::{AppClient, ClientSecret};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err};
use crate::input::{field, required};
use crate::model::grant::RefreshTokenState;
use crate::model::pool::Client;
use crate::ops::tokens::{RefreshRequest, check_access_token, refresh};
use crate::ops::triggers::client_metadata;

/// Whether `given` is `client`'s secret, compared through the HMAC it keys
/// (the endpoint keeps no copy of the secret in the clear).
fn is_client_secret(client: &Client, given: &str) -> bool {
    const PROBE: &str = "client-secret-probe";
    let Ok(candidate) = AppClient::with_secret(client.app.client_id(), ClientSecret::new(given))
    else {
        return false;
    };
    match (client.app.secret_hash(PROBE), candidate.secret_hash(PROBE)) {
        (Some(expected), Some(got)) => bool::from(expected.as_bytes().ct_eq(got.as_bytes())),
        _ => false,
    }
}

/// `ClientSecret` of the token operations: required, and right, for an app
/// client with a secret.
fn check_client_secret(client: &Client, body: &Value, error: &'static str) -> Result<(), ApiError> {
    if client.app.secret_hash("-").is_none() {
        return Ok(());
    }
    match body.get("ClientSecret").and_then(Value::as_str) {
        Some(given) if is_client_secret(client, given) => Ok(()),
        _ => Err(err(
            error,
            format!(
                "Unable to verify secret hash for client {}",
                client.app.client_id()
            ),
        )),
    }
}

/// `REFRESH_TOKEN_AUTH`: new ID and access tokens, no new refresh token.
/// An app client with refresh token rotation refuses it: its clients must
/// call `GetTokensFromRefreshToken` (the error Cognito gives there is not
/// documented; this one names the way out).
pub(crate) fn refresh_token_auth(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
) -> ApiResult {
    let refresh_token = required(parameters, "REFRESH_TOKEN")?;
    if client.tokens.refresh_token_rotation.enabled {
        return Err(err(
            "NotAuthorizedException",
            "Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken",
        ));
    }
    let secret_hash = parameters.get("SECRET_HASH").map(String::as_str);
    let named = parameters.get("USERNAME").cloned();
    let no_metadata = json!({});
    let request = RefreshRequest {
        device_key: parameters.get("DEVICE_KEY").map(String::as_str),
        rotate: false,
        client_metadata: &no_metadata,
    };
    let result = refresh(ep, client, refresh_token, request, |user| {
        // Clients hash the name they know the user by: the username or,
        // in pools whose users sign in by email, the `sub`.
        match named.as_deref() {
            Some(name) => client.check_secret_hash(name, secret_hash),
            None => client
                .check_secret_hash(&user.username, secret_hash)
                .or_else(|e| {
                    client
                        .check_secret_hash(&user.sub, secret_hash)
                        .map_err(|_| e)
                }),
        }
    })?;
    Ok(json!({ "AuthenticationResult": result, "ChallengeParameters": {} }))
}

/// `GetTokensFromRefreshToken`: the same and, where the app client rotates
/// refresh tokens, a new refresh token; the old one then works for the
/// client's `RetryGracePeriodSeconds` and is refused after
/// (`RefreshTokenReuseException`).
pub(crate) fn get_tokens_from_refresh_token(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let refresh_token = field(body, "RefreshToken")?;
    check_client_secret(&client, body, "NotAuthorizedException")?;
    let metadata = client_metadata(body);
    let request = RefreshRequest {
        device_key: body.get("DeviceKey").and_then(Value::as_str),
        rotate: client.tokens.refresh_token_rotation.enabled,
        client_metadata: &metadata,
    };
    let result = refresh(ep, &client, refresh_token, request, |_| Ok(()))?;
    Ok(json!({ "AuthenticationResult": result }))
}

/// `RevokeToken`: the refresh token (or one that rotation replaced) and every
/// access token minted from its sign-in stop working. Per RFC 7009 an
/// unknown token is no error. An app client without `EnableTokenRevocation`
/// refuses it.
pub(crate) fn revoke_token(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let token = field(body, "Token")?;
    check_client_secret(&client, body, "UnauthorizedException")?;
    if !client.tokens.enable_token_revocation {
        return Err(err(
            "UnsupportedOperationException",
            "Token revocation is not enabled for this app client",
        ));
    }
    if token.split('.').count() == 3 {
        return Err(err(
            "UnsupportedTokenTypeException",
            "Unsupported token type",
        ));
    }
    let mut state = ep.state();
    if let Some(RefreshTokenState::Current(grant) | RefreshTokenState::Retired(grant, _)) =
        state.grants.lookup(token)
    {
        if grant.client_id != client.app.client_id() {
            return Err(err(
                "UnauthorizedException",
                "The token was not issued to this client",
            ));
        }
        grant.revoked = true;
    }
    Ok(json!({}))
}

/// `GlobalSignOut`: every token of the user, from every sign-in, is revoked.
pub(crate) fn global_sign_out(ep: &Endpoint, body: &Value) -> ApiResult {
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    ep.state().grants.revoke_user(&pool_id, &sub);
    Ok(json!({}))
}

/// `AdminUserGlobalSignOut` (SigV4): `GlobalSignOut` for the user named by
/// `Username` (username, alias or `sub`) in `UserPoolId`.
pub(crate) fn admin_user_global_sign_out(ep: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = ep.pool_id(field(body, "UserPoolId")?)?;
    let name = field(body, "Username")?;
    let mut state = ep.state();
    let sub = state
        .pools
        .get(pool_id.as_str())
        .and_then(|pool| pool.user(name))
        .map(|user| user.sub.clone())
        .ok_or_else(crate::error::no_such_user)?;
    state.grants.revoke_user(pool_id.as_str(), &sub);
    Ok(json!({}))
}
