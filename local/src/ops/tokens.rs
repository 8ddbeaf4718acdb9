//! Tokens shaped like Cognito's, and what stands behind them.
//!
//! Each sign-in that succeeds is a *grant*: an `origin_jti`, an `event_id`, an
//! `auth_time`, the device it used if any, and an opaque refresh token. Its ID
//! and access tokens are RS256 JWTs signed by two different RSA keys (as a
//! pool's are), both in the key set at
//! `/<pool id>/.well-known/jwks.json` under distinct `kid`s. The two tokens
//! of one sign-in share its `event_id` and `origin_jti`; tokens minted from
//! the refresh token keep them and the first `auth_time`.
//!
//! An access token is accepted when its signature checks against the access
//! key, it has not expired, and its grant has not been revoked (by
//! `RevokeToken` on its refresh token or by `GlobalSignOut`), with Cognito's
//! messages for each refusal.
//!
//! The keys and the signing are [`crate::jwt`]'s; the grants are the
//! model's ([`crate::model::grant`]).

use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{ApiError, err, no_such_user, user_disabled};
use crate::input::field;
use crate::jwt::TokenUse;
use crate::model::State;
use crate::model::grant::{Grant, RefreshTokenState};
use crate::model::pool::{Client, GroupClaims};
use crate::model::user::{Device, User};
use crate::ops::pre_token::{ClaimOverrides, SIGNIN_SCOPE, pre_token_generation};
use crate::random::{token, uuid};

/// `NotAuthorizedException` with `message`.
fn refused(message: &str) -> ApiError {
    err("NotAuthorizedException", message)
}

/// The claims an ID token carries for a user's attributes: the verified
/// flags as booleans, everything else as the string it is stored as.
fn attribute_claims(user: &User, claims: &mut Map<String, Value>) {
    for (name, value) in &user.attributes {
        let value = match name.as_str() {
            "email_verified" | "phone_number_verified" => json!(value == "true"),
            _ => json!(value),
        };
        claims.insert(name.clone(), value);
    }
}

/// The issuer of a pool's tokens: `<endpoint URL>/<pool id>`.
pub(crate) fn issuer(ep: &Endpoint, pool_id: &str) -> String {
    let base = ep.issuer_base.lock().map(|s| s.clone()).unwrap_or_default();
    format!("{base}/{pool_id}")
}

/// `/<pool id>/.well-known/openid-configuration`, with the fields a
/// pool's document has.
pub(crate) fn openid_configuration(ep: &Endpoint, pool_id: &str) -> Value {
    let issuer = issuer(ep, pool_id);
    json!({
        "authorization_endpoint": format!("{issuer}/oauth2/authorize"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": format!("{issuer}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": format!("{issuer}/oauth2/userInfo"),
    })
}

/// The lifetimes of `client`'s access and ID tokens, in seconds (a test's
/// override of both, if set).
fn lifetimes(state: &State, client: &Client) -> Lifetimes {
    let seconds = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    match state.grants.token_lifetime_override {
        Some(both) => Lifetimes {
            access: both as i64,
            id: both as i64,
        },
        None => Lifetimes {
            access: seconds(client.tokens.access.duration()),
            id: seconds(client.tokens.id.duration()),
        },
    }
}

/// How long an app client's access and ID tokens live, in seconds.
#[derive(Clone, Copy)]
struct Lifetimes {
    access: i64,
    id: i64,
}

/// An ID and an access token for `grant`, freshly signed at `now` (the
/// endpoint's clock).
fn mint(
    ep: &Endpoint,
    grant: &Grant,
    user: &User,
    groups: &GroupClaims,
    lifetimes: Lifetimes,
    now: i64,
    overrides: &ClaimOverrides,
) -> (String, String) {
    // A pre token generation function's groups replace the user's.
    let groups = overrides.groups.as_ref().unwrap_or(groups);
    let issuer = issuer(ep, &grant.pool_id);
    let exp = now.saturating_add(lifetimes.access);
    let id_exp = now.saturating_add(lifetimes.id);
    let mut access = json!({
        "sub": user.sub, "iss": issuer, "client_id": grant.client_id,
        "origin_jti": grant.origin_jti, "event_id": grant.event_id, "token_use": "access",
        "scope": overrides.scope(SIGNIN_SCOPE), "auth_time": grant.auth_time,
        "exp": exp, "iat": now, "jti": uuid(), "username": user.username,
    });
    if let Some(device_key) = &grant.device_key {
        access["device_key"] = json!(device_key);
    }
    let mut id = Map::new();
    attribute_claims(user, &mut id);
    // A user in no group gets no group claims.
    if !groups.groups.is_empty() {
        access["cognito:groups"] = json!(groups.groups);
        id.insert("cognito:groups".into(), json!(groups.groups));
    }
    if !groups.roles.is_empty() {
        id.insert("cognito:roles".into(), json!(groups.roles));
    }
    if let Some(role) = &groups.preferred_role {
        id.insert("cognito:preferred_role".into(), json!(role));
    }
    for (name, value) in [
        ("sub", json!(user.sub)),
        ("iss", json!(issuer)),
        ("cognito:username", json!(user.username)),
        ("origin_jti", json!(grant.origin_jti)),
        ("aud", json!(grant.client_id)),
        ("event_id", json!(grant.event_id)),
        ("token_use", json!("id")),
        ("auth_time", json!(grant.auth_time)),
        ("exp", json!(id_exp)),
        ("iat", json!(now)),
        ("jti", json!(uuid())),
    ] {
        id.insert(name.to_owned(), value);
    }
    overrides.id.apply(&mut id);
    if let Some(claims) = access.as_object_mut() {
        overrides.access.apply(claims);
    }
    (
        ep.signer.sign(TokenUse::Id, &Value::Object(id)),
        ep.signer.sign(TokenUse::Access, &access),
    )
}

/// The `AuthenticationResult` that ends a sign-in: a new grant with its
/// three tokens, and `NewDeviceMetadata` when the app client tracks
/// devices and the sign-in did not go through a remembered one.
/// `overrides` are what the pool's pre token generation function changed.
pub(crate) fn tokens(
    ep: &Endpoint,
    client: &Client,
    pool_id: &str,
    sub: &str,
    device_key: Option<&str>,
    new_device: bool,
    overrides: &ClaimOverrides,
) -> Value {
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let lifetimes = lifetimes(&state, client);
    let refresh_lifetime =
        i64::try_from(client.tokens.refresh.duration().as_secs()).unwrap_or(i64::MAX);
    let Some(pool) = state.pools.get_mut(pool_id) else {
        return json!({});
    };
    let region = pool.id.region().to_owned();
    // Device tracking: the seed's per-client switch, or the pool's
    // `DeviceConfiguration`.
    let tracks_devices = client.remember_devices || pool.settings.device_configuration.is_some();
    let groups = pool
        .user(sub)
        .map(|user| pool.group_claims(user))
        .unwrap_or_default();
    let Some(user) = pool.user_mut(sub) else {
        return json!({});
    };
    let grant = Grant {
        pool_id: pool_id.to_owned(),
        client_id: client.app.client_id().to_owned(),
        sub: user.sub.clone(),
        origin_jti: uuid(),
        event_id: uuid(),
        auth_time: now,
        device_key: device_key.map(str::to_owned),
        refresh_token: token(),
        refresh_expires: now.saturating_add(refresh_lifetime),
        revoked: false,
    };
    let (id_token, access_token) = mint(ep, &grant, user, &groups, lifetimes, now, overrides);
    let mut result = Map::new();
    result.insert("AccessToken".into(), json!(access_token));
    result.insert("IdToken".into(), json!(id_token));
    result.insert("RefreshToken".into(), json!(grant.refresh_token));
    result.insert("ExpiresIn".into(), json!(lifetimes.access));
    result.insert("TokenType".into(), json!("Bearer"));
    if new_device && tracks_devices {
        let device_key = format!("{region}_{}", uuid());
        let group_key = user.device_group_key.clone();
        user.devices
            .insert(device_key.clone(), Device::new(group_key.clone(), now));
        result.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": device_key, "DeviceGroupKey": group_key }),
        );
    }
    if let Some(device) = device_key.and_then(|key| user.devices.get_mut(key)) {
        device.last_authenticated = now;
    }
    state.grants.insert(grant);
    json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
}

/// What a refresh presents besides the refresh token.
pub(crate) struct RefreshRequest<'a> {
    /// `DEVICE_KEY` / `DeviceKey`: a refresh token of a sign-in through a
    /// remembered device works only with that device's key.
    pub device_key: Option<&'a str>,
    /// `GetTokensFromRefreshToken` on an app client with rotation: a new
    /// refresh token replaces the one presented.
    pub rotate: bool,
    /// What pre token generation gets as `clientMetadata`:
    /// `GetTokensFromRefreshToken`'s `ClientMetadata`, `{}` for
    /// `REFRESH_TOKEN_AUTH` (`InitiateAuth`'s reaches no such trigger).
    pub client_metadata: &'a Value,
}

/// New ID and access tokens from a refresh token of `client`
/// (`REFRESH_TOKEN_AUTH`, `GetTokensFromRefreshToken`); `check_user`
/// sees the user first (for `SECRET_HASH`).
///
/// Refusals, in Cognito's words: an unknown token, another client's, or one
/// bound to another device is `Invalid Refresh Token`; then a revoked one,
/// an expired one (`Refresh Token has expired`), and a rotated-out one past
/// the client's grace period (`RefreshTokenReuseException`). Rotation gives
/// the new refresh token the client's full refresh validity from now; a
/// rotated-out token used within the grace period gets new ID and access
/// tokens and the grant's current refresh token (what Cognito answers there
/// is not documented).
pub(crate) fn refresh(
    ep: &Endpoint,
    client: &Client,
    refresh_token: &str,
    request: RefreshRequest<'_>,
    check_user: impl FnOnce(&User) -> Result<(), ApiError>,
) -> Result<Map<String, Value>, ApiError> {
    let overrides = refresh_overrides(ep, client, refresh_token, request.client_metadata)?;
    let now_millis = ep.clock().unix_millis();
    let now = now_millis.div_euclid(1000);
    let mut state = ep.state();
    let lifetimes = lifetimes(&state, client);
    let (grant, retired_until) = match state.grants.lookup(refresh_token) {
        Some(RefreshTokenState::Current(grant)) => (grant.clone(), None),
        Some(RefreshTokenState::Retired(grant, until)) => (grant.clone(), Some(until)),
        None => return Err(refused("Invalid Refresh Token")),
    };
    if grant.client_id != client.app.client_id() {
        return Err(refused("Invalid Refresh Token"));
    }
    if let Some(bound) = &grant.device_key
        && request.device_key != Some(bound.as_str())
    {
        return Err(refused("Invalid Refresh Token"));
    }
    if grant.revoked {
        return Err(refused("Refresh Token has been revoked"));
    }
    if grant.refresh_expires <= now {
        return Err(refused("Refresh Token has expired"));
    }
    if retired_until.is_some_and(|until| now_millis >= until) {
        return Err(err(
            "RefreshTokenReuseException",
            "Refresh Token has been reused",
        ));
    }
    let pool = state.pools.get(&grant.pool_id).ok_or_else(no_such_user)?;
    let user = pool.user(&grant.sub).ok_or_else(no_such_user)?;
    if !user.enabled {
        return Err(user_disabled());
    }
    check_user(user)?;
    let groups = pool.group_claims(user);
    let (id_token, access_token) = mint(ep, &grant, user, &groups, lifetimes, now, &overrides);
    let mut result = Map::new();
    result.insert("AccessToken".into(), json!(access_token));
    result.insert("IdToken".into(), json!(id_token));
    result.insert("ExpiresIn".into(), json!(lifetimes.access));
    result.insert("TokenType".into(), json!("Bearer"));
    if request.rotate {
        let rotation = client.tokens.refresh_token_rotation;
        let next = match retired_until {
            // Within the grace period: the token that replaced it.
            Some(_) => grant.refresh_token.clone(),
            None => {
                let next = token();
                let grace = i64::from(rotation.retry_grace_period_seconds) * 1000;
                state.grants.rotate(
                    &grant.origin_jti,
                    next.clone(),
                    now_millis.saturating_add(grace),
                );
                let refresh_lifetime =
                    i64::try_from(client.tokens.refresh.duration().as_secs()).unwrap_or(i64::MAX);
                if let Some(RefreshTokenState::Current(rotated)) = state.grants.lookup(&next) {
                    rotated.refresh_expires = now.saturating_add(refresh_lifetime);
                }
                next
            }
        };
        result.insert("RefreshToken".into(), json!(next));
    }
    Ok(result)
}

/// Pre token generation for a refresh (`TokenGeneration_RefreshTokens`),
/// run with the state unlocked and only for a refresh token that is
/// current or in its grace period, unrevoked and unexpired, of this
/// client; [`refresh`] then checks everything again under the lock.
fn refresh_overrides(
    ep: &Endpoint,
    client: &Client,
    refresh_token: &str,
    client_metadata: &Value,
) -> Result<ClaimOverrides, ApiError> {
    let now = ep.clock().unix_seconds();
    let sub = {
        let mut state = ep.state();
        let grant = match state.grants.lookup(refresh_token) {
            Some(RefreshTokenState::Current(grant)) => grant,
            Some(RefreshTokenState::Retired(grant, _)) => grant,
            None => return Ok(ClaimOverrides::default()),
        };
        if grant.client_id != client.app.client_id()
            || grant.revoked
            || grant.refresh_expires <= now
        {
            return Ok(ClaimOverrides::default());
        }
        grant.sub.clone()
    };
    pre_token_generation(
        ep,
        client,
        &sub,
        "TokenGeneration_RefreshTokens",
        client_metadata,
    )
}

/// The pool, `sub` and claims of a valid access token; refusals as
/// Cognito words them.
pub(crate) fn check_access_token(
    ep: &Endpoint,
    access_token: &str,
) -> Result<(String, String, Map<String, Value>), ApiError> {
    let claims = ep
        .signer
        .verify(TokenUse::Access, access_token)
        .ok_or_else(|| refused("Invalid Access Token"))?;
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if exp <= ep.clock().unix_seconds() {
        return Err(refused("Access Token has expired"));
    }
    let origin = claims
        .get("origin_jti")
        .and_then(Value::as_str)
        .ok_or_else(|| refused("Invalid Access Token"))?;
    let state = ep.state();
    let grant = state
        .grants
        .by_origin(origin)
        .filter(|g| !g.revoked)
        .ok_or_else(|| refused("Access Token has been revoked"))?;
    Ok((grant.pool_id.clone(), grant.sub.clone(), claims))
}

/// Runs `f` on the user whose access token is the request's `AccessToken`.
pub(crate) fn with_access_token<T>(
    ep: &Endpoint,
    body: &Value,
    f: impl FnOnce(&mut User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    let mut state = ep.state();
    let user = state
        .pools
        .get_mut(&pool_id)
        .and_then(|p| p.user_mut(&sub))
        .ok_or_else(no_such_user)?;
    f(user)
}
