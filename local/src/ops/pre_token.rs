//! Pre token generation: the function named by `LambdaConfig`'s
//! `PreTokenGenerationConfig` (or the legacy `PreTokenGeneration`) sees the
//! claims a sign-in or a refresh is about to get, and may add, override and
//! suppress claims and replace the group claims.
//!
//! - Version 1 (`V1_0`) answers `claimsOverrideDetails` {`claimsToAddOrOverride`
//!   (strings), `claimsToSuppress`, `groupOverrideDetails`}: the ID token only,
//!   except the groups, which go in both tokens.
//! - Version 2 (`V2_0`, and `V3_0` for user sign-ins) answers
//!   `claimsAndScopeOverrideDetails` {`idTokenGeneration`,
//!   `accessTokenGeneration` (also `scopesToAdd`, `scopesToSuppress`),
//!   `groupOverrideDetails`}, with values of any JSON type.
//!
//! Suppression beats addition. A `groupOverrideDetails` that is present
//! replaces `cognito:groups` (both tokens), `cognito:roles` and
//! `cognito:preferred_role`; present but empty or null, it suppresses them.
//! The claims that identify and time the token ([`RESERVED`]) cannot be
//! added, overridden or suppressed: such entries are ignored.

use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::ApiError;
use crate::model::pool::{Client, GroupClaims};
use crate::ops::triggers::{
    Caller, TokenEventVersion, Trigger, configured, invoke, unrecognizable, user_attributes,
};

/// Claims a function may not add, override or suppress, in either token.
pub(crate) const RESERVED: &[&str] = &[
    "acr",
    "amr",
    "at_hash",
    "aud",
    "auth_time",
    "azp",
    "c_hash",
    "client_id",
    "cognito:groups",
    "cognito:preferred_role",
    "cognito:roles",
    "cognito:username",
    "device_key",
    "event_id",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "scope",
    "sub",
    "token_use",
    "username",
    "version",
];

/// The scope every user sign-in's access token carries.
pub(crate) const SIGNIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Changes to one token's claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TokenChanges {
    pub add: Map<String, Value>,
    pub suppress: Vec<String>,
}

impl TokenChanges {
    /// Applies the changes to `claims`, leaving the reserved ones alone.
    pub(crate) fn apply(&self, claims: &mut Map<String, Value>) {
        for (name, value) in &self.add {
            if !RESERVED.contains(&name.as_str()) {
                claims.insert(name.clone(), value.clone());
            }
        }
        for name in &self.suppress {
            if !RESERVED.contains(&name.as_str()) {
                claims.remove(name);
            }
        }
    }
}

/// What a pre token generation function changed; the default changes nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimOverrides {
    pub id: TokenChanges,
    pub access: TokenChanges,
    pub scopes_to_add: Vec<String>,
    pub scopes_to_suppress: Vec<String>,
    /// `groupOverrideDetails`, when the function gave one.
    pub groups: Option<GroupClaims>,
}

impl ClaimOverrides {
    /// The access token's `scope` after the function's changes.
    pub(crate) fn scope(&self, scope: &str) -> String {
        let mut scopes: Vec<&str> = scope.split(' ').filter(|s| !s.is_empty()).collect();
        for added in &self.scopes_to_add {
            if !scopes.contains(&added.as_str()) {
                scopes.push(added);
            }
        }
        scopes.retain(|s| !self.scopes_to_suppress.iter().any(|x| x == s));
        scopes.join(" ")
    }
}

/// Runs the pool's pre token generation function, if it has one, for the
/// tokens `sub` is about to get through `client`; `trigger_source` is
/// `TokenGeneration_Authentication`, `_NewPasswordChallenge`,
/// `_AuthenticateDevice` or `_RefreshTokens`. `client_metadata` is the
/// `ClientMetadata` of the `RespondToAuthChallenge` that ends a sign-in or
/// of `GetTokensFromRefreshToken`; `InitiateAuth`'s never reaches it
/// (`{}`).
pub(crate) fn pre_token_generation(
    ep: &Endpoint,
    client: &Client,
    sub: &str,
    trigger_source: &str,
    client_metadata: &Value,
) -> Result<ClaimOverrides, ApiError> {
    let Some(function) = configured(ep, &client.pool_id, Trigger::PreTokenGeneration) else {
        return Ok(ClaimOverrides::default());
    };
    let (username, attributes, groups) = {
        let state = ep.state();
        let Some(pool) = state.pools.get(&client.pool_id) else {
            return Ok(ClaimOverrides::default());
        };
        let Some(user) = pool.user(sub) else {
            return Ok(ClaimOverrides::default());
        };
        (
            user.username.clone(),
            user_attributes(user),
            pool.group_claims(user),
        )
    };
    let mut request = json!({
        "userAttributes": attributes,
        "groupConfiguration": {
            "groupsToOverride": groups.groups,
            "iamRolesToOverride": groups.roles,
            "preferredRole": groups.preferred_role,
        },
        "clientMetadata": client_metadata,
    });
    if function.version == TokenEventVersion::V2 {
        request["scopes"] = json!([SIGNIN_SCOPE]);
    }
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    let response = invoke(ep, &function, trigger_source, &caller, request)?;
    match function.version {
        TokenEventVersion::V1 => read_v1(&response),
        TokenEventVersion::V2 => read_v2(&response),
    }
}

/// An object member: absent or null is `None`; another type is refused.
fn object<'a>(
    map: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(unrecognizable()),
    }
}

/// A list of strings (absent or null: empty).
fn strings(map: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(unrecognizable))
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

/// `claimsToAddOrOverride` and `claimsToSuppress`; version 1 takes string
/// values only.
fn token_changes(
    details: Option<&Map<String, Value>>,
    strings_only: bool,
) -> Result<TokenChanges, ApiError> {
    let Some(details) = details else {
        return Ok(TokenChanges::default());
    };
    let add = object(details, "claimsToAddOrOverride")?
        .cloned()
        .unwrap_or_default();
    if strings_only && add.values().any(|v| !v.is_string()) {
        return Err(unrecognizable());
    }
    Ok(TokenChanges {
        add,
        suppress: strings(details, "claimsToSuppress")?,
    })
}

/// `groupOverrideDetails`: `None` when absent; present but null or empty,
/// no groups.
fn group_override(details: &Map<String, Value>) -> Result<Option<GroupClaims>, ApiError> {
    if !details.contains_key("groupOverrideDetails") {
        return Ok(None);
    }
    let Some(groups) = object(details, "groupOverrideDetails")? else {
        return Ok(Some(GroupClaims::default()));
    };
    let preferred_role = match groups.get("preferredRole") {
        None | Some(Value::Null) => None,
        Some(Value::String(role)) => Some(role.clone()),
        Some(_) => return Err(unrecognizable()),
    };
    Ok(Some(GroupClaims {
        groups: strings(groups, "groupsToOverride")?,
        roles: strings(groups, "iamRolesToOverride")?,
        preferred_role,
    }))
}

fn read_v1(response: &Map<String, Value>) -> Result<ClaimOverrides, ApiError> {
    let Some(details) = object(response, "claimsOverrideDetails")? else {
        return Ok(ClaimOverrides::default());
    };
    Ok(ClaimOverrides {
        id: token_changes(Some(details), true)?,
        groups: group_override(details)?,
        ..ClaimOverrides::default()
    })
}

fn read_v2(response: &Map<String, Value>) -> Result<ClaimOverrides, ApiError> {
    let Some(details) = object(response, "claimsAndScopeOverrideDetails")? else {
        return Ok(ClaimOverrides::default());
    };
    let access = object(details, "accessTokenGeneration")?;
    let (scopes_to_add, scopes_to_suppress) = match access {
        Some(a) => (strings(a, "scopesToAdd")?, strings(a, "scopesToSuppress")?),
        None => (Vec::new(), Vec::new()),
    };
    Ok(ClaimOverrides {
        id: token_changes(object(details, "idTokenGeneration")?, false)?,
        access: token_changes(access, false)?,
        scopes_to_add,
        scopes_to_suppress,
        groups: group_override(details)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_beats_addition_and_reserved_claims_stay() {
        let changes = TokenChanges {
            add: json!({ "tier": "gold", "sub": "forged", "x": "1" })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            suppress: vec!["x".into(), "iss".into()],
        };
        let mut claims = json!({ "sub": "real", "iss": "me" })
            .as_object()
            .cloned()
            .unwrap_or_default();
        changes.apply(&mut claims);
        assert_eq!(
            Value::Object(claims),
            json!({ "sub": "real", "iss": "me", "tier": "gold" })
        );
    }

    #[test]
    fn scopes_are_added_then_suppressed() {
        let overrides = ClaimOverrides {
            scopes_to_add: vec!["a".into(), "b".into()],
            scopes_to_suppress: vec!["b".into(), SIGNIN_SCOPE.into()],
            ..ClaimOverrides::default()
        };
        assert_eq!(overrides.scope(SIGNIN_SCOPE), "a");
    }

    #[test]
    fn a_v1_answer_with_a_number_is_unrecognizable() {
        let response = json!({ "claimsOverrideDetails": { "claimsToAddOrOverride": { "n": 1 } } });
        let response = response.as_object().cloned().unwrap_or_default();
        assert_eq!(
            read_v1(&response).map_err(|e| e.kind),
            Err("InvalidLambdaResponseException")
        );
    }
}
