//! App clients over the API: `CreateUserPoolClient`,
//! `DescribeUserPoolClient` (with the secret), `UpdateUserPoolClient`,
//! `DeleteUserPoolClient`, `ListUserPoolClients`.
//!
//! A new client's id is Cognito's shape, 26 lower-case alphanumerics; a
//! `ClientName` of `_custom_id_:<id>` pins it instead (LocalStack's
//! convention; the name is kept as given). A generated secret is 51
//! lower-case alphanumerics (the API model allows 24 to 64 characters; the
//! length AWS draws is not documented). `UpdateUserPoolClient`, as on AWS,
//! resets every setting the request leaves out to its default; the secret
//! stays.

use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, from_srp, invalid_parameter, no_such_client, no_such_pool,
};
use crate::input::{
    check_name, field, optional_bool, optional_field, optional_integer, optional_object,
    optional_strings,
};
use crate::model::pool::{
    Client, DEFAULT_AUTH_SESSION_VALIDITY, RefreshTokenRotation, TimeUnit, TokenSettings, Validity,
};
use crate::ops::page::page;
use crate::random::from_alphabet;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// The `ClientName` prefix that pins a new client's id.
const CUSTOM_ID_PREFIX: &str = "_custom_id_:";

/// The values of `ExplicitAuthFlows`: the `ALLOW_` ones and the legacy ones,
/// which cannot be mixed.
const ALLOW_FLOWS: &[&str] = &[
    "ALLOW_USER_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
];
const LEGACY_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
];

/// Members echoed by `DescribeUserPoolClient` as given (`AuthSessionValidity`
/// is also acted on: [`Client::auth_session_validity`]).
const ECHOED: &[&str] = &[
    "ReadAttributes",
    "WriteAttributes",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration",
    "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
];

/// `AccessToken` -> `accessToken`, as Cognito names members in its messages.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn validity_error(member: &str, bounds: &str) -> ApiError {
    invalid_parameter(format!("{member} must be between {bounds}."))
}

/// The token settings of a create or update request.
fn token_settings(body: &Value) -> Result<TokenSettings, ApiError> {
    let mut settings = TokenSettings::default();
    let units = match optional_object(body, "TokenValidityUnits")? {
        Some(units) => Value::Object(units.clone()),
        None => json!({}),
    };
    let unit = |name: &str, default: TimeUnit| -> Result<TimeUnit, ApiError> {
        match optional_field(&units, name)? {
            None => Ok(default),
            Some(u) => TimeUnit::parse(u).ok_or_else(|| {
                invalid_parameter(format!(
                    "1 validation error detected: Value '{u}' at 'tokenValidityUnits.{}' failed \
                     to satisfy constraint: Member must satisfy enum value set: [seconds, \
                     minutes, hours, days]",
                    lower_camel(name)
                ))
            }),
        }
    };
    // A count given without its unit is in the API's default units: hours
    // for access and ID tokens, days for refresh tokens.
    if let Some(n) = optional_integer(
        body,
        "AccessTokenValidity",
        "accessTokenValidity",
        1..=86_400,
    )? {
        settings.access = Validity {
            count: n as u64,
            unit: unit("AccessToken", TimeUnit::Hours)?,
        };
    } else if units.get("AccessToken").is_some() {
        let u = unit("AccessToken", TimeUnit::Hours)?;
        settings.access = Validity {
            count: u.count_of(settings.access.duration()),
            unit: u,
        };
    }
    if let Some(n) = optional_integer(body, "IdTokenValidity", "idTokenValidity", 1..=86_400)? {
        settings.id = Validity {
            count: n as u64,
            unit: unit("IdToken", TimeUnit::Hours)?,
        };
    } else if units.get("IdToken").is_some() {
        let u = unit("IdToken", TimeUnit::Hours)?;
        settings.id = Validity {
            count: u.count_of(settings.id.duration()),
            unit: u,
        };
    }
    match optional_integer(
        body,
        "RefreshTokenValidity",
        "refreshTokenValidity",
        0..=315_360_000,
    )? {
        // 0 stands for the default, 30 days.
        None | Some(0) => {
            let u = unit("RefreshToken", TimeUnit::Days)?;
            settings.refresh = Validity {
                count: u.count_of(settings.refresh.duration()),
                unit: u,
            };
        }
        Some(n) => {
            settings.refresh = Validity {
                count: n as u64,
                unit: unit("RefreshToken", TimeUnit::Days)?,
            };
        }
    }
    let (five_minutes, one_day) = (300, 86_400);
    for (validity, member) in [
        (settings.access, "AccessTokenValidity"),
        (settings.id, "IdTokenValidity"),
    ] {
        let secs = validity.duration().as_secs();
        if secs < five_minutes || secs > one_day {
            return Err(validity_error(member, "5 minutes and 1 day"));
        }
    }
    let refresh = settings.refresh.duration().as_secs();
    if !(3600..=3650 * 86_400).contains(&refresh) {
        return Err(validity_error(
            "RefreshTokenValidity",
            "60 minutes and 10 years",
        ));
    }
    if let Some(enabled) = optional_bool(body, "EnableTokenRevocation")? {
        settings.enable_token_revocation = enabled;
    }
    if let Some(rotation) = optional_object(body, "RefreshTokenRotation")? {
        let rotation = Value::Object(rotation.clone());
        let enabled = match field(&rotation, "Feature")? {
            "ENABLED" => true,
            "DISABLED" => false,
            other => {
                return Err(invalid_parameter(format!(
                    "1 validation error detected: Value '{other}' at \
                     'refreshTokenRotation.feature' failed to satisfy constraint: Member must \
                     satisfy enum value set: [ENABLED, DISABLED]"
                )));
            }
        };
        let grace = optional_integer(
            &rotation,
            "RetryGracePeriodSeconds",
            "refreshTokenRotation.retryGracePeriodSeconds",
            0..=60,
        )?
        .unwrap_or(0);
        settings.refresh_token_rotation = RefreshTokenRotation {
            enabled,
            retry_grace_period_seconds: grace as u32,
        };
    }
    Ok(settings)
}

/// Applies the settings of a create or update request to `client` (what is
/// left out takes its default).
fn apply(client: &mut Client, body: &Value) -> Result<(), ApiError> {
    let flows = optional_strings(body, "ExplicitAuthFlows")?;
    if let Some(flows) = &flows {
        if let Some(bad) = flows
            .iter()
            .find(|f| !ALLOW_FLOWS.contains(&f.as_str()) && !LEGACY_FLOWS.contains(&f.as_str()))
        {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '[{bad}]' at 'explicitAuthFlows' failed to \
                 satisfy constraint: Member must satisfy constraint: [Member must satisfy enum \
                 value set: {:?}]",
                [ALLOW_FLOWS, LEGACY_FLOWS].concat()
            )));
        }
        let legacy = flows.iter().any(|f| LEGACY_FLOWS.contains(&f.as_str()));
        let allow = flows.iter().any(|f| ALLOW_FLOWS.contains(&f.as_str()));
        if legacy && allow {
            return Err(invalid_parameter(
                "ExplicitAuthFlows cannot mix legacy values with ALLOW_ values.",
            ));
        }
    }
    client.explicit_auth_flows = flows;
    client.prevent_user_existence_errors = match optional_field(body, "PreventUserExistenceErrors")?
    {
        None | Some("LEGACY") => false,
        Some("ENABLED") => true,
        Some(other) => {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at 'preventUserExistenceErrors' \
                 failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, \
                 ENABLED]"
            )));
        }
    };
    client.tokens = token_settings(body)?;
    client.auth_session_validity =
        optional_integer(body, "AuthSessionValidity", "authSessionValidity", 3..=15)?
            .map_or(DEFAULT_AUTH_SESSION_VALIDITY, |minutes| minutes as u32);
    client.other = Map::new();
    for name in ECHOED {
        if let Some(value) = body.get(*name).filter(|v| !v.is_null()) {
            client.other.insert((*name).to_owned(), value.clone());
        }
    }
    Ok(())
}

/// `UserPoolClientType`, as create, describe and update show it.
fn describe(client: &Client) -> Value {
    let t = &client.tokens;
    let mut out = json!({
        "UserPoolId": client.pool_id,
        "ClientName": client.name,
        "ClientId": client.app.client_id(),
        "CreationDate": client.created,
        "LastModifiedDate": client.last_modified,
        "AccessTokenValidity": t.access.count,
        "IdTokenValidity": t.id.count,
        "RefreshTokenValidity": t.refresh.count,
        "TokenValidityUnits": { "AccessToken": t.access.unit.name(),
                                "IdToken": t.id.unit.name(),
                                "RefreshToken": t.refresh.unit.name() },
        "PreventUserExistenceErrors":
            if client.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" },
        "EnableTokenRevocation": t.enable_token_revocation,
        "RefreshTokenRotation": {
            "Feature": if t.refresh_token_rotation.enabled { "ENABLED" } else { "DISABLED" },
            "RetryGracePeriodSeconds": t.refresh_token_rotation.retry_grace_period_seconds,
        },
        "AllowedOAuthFlowsUserPoolClient": false,
    });
    if let Some(secret) = &client.secret {
        out["ClientSecret"] = json!(secret.as_str());
    }
    if let Some(flows) = &client.explicit_auth_flows {
        out["ExplicitAuthFlows"] = json!(flows);
    }
    for (key, value) in &client.other {
        out[key] = value.clone();
    }
    out
}

/// The pool `UserPoolId` names, checked to exist.
fn pool_of(endpoint: &Endpoint, body: &Value) -> Result<String, ApiError> {
    let id = field(body, "UserPoolId")?;
    if !endpoint.state().pools.contains_key(id) {
        return Err(no_such_pool(id));
    }
    Ok(id.to_owned())
}

/// The client `ClientId` names, of the pool `UserPoolId` names.
fn client_of(endpoint: &Endpoint, body: &Value) -> Result<(String, String), ApiError> {
    let pool_id = pool_of(endpoint, body)?;
    let client_id = field(body, "ClientId")?;
    match endpoint.state().clients.get(client_id) {
        Some(client) if client.pool_id == pool_id => Ok((pool_id, client_id.to_owned())),
        _ => Err(no_such_client(client_id)),
    }
}

/// `CreateUserPoolClient`.
pub(crate) fn create_user_pool_client(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = pool_of(endpoint, body)?;
    let name = field(body, "ClientName")?;
    let client_id = match name.strip_prefix(CUSTOM_ID_PREFIX) {
        Some(pinned) => {
            if pinned.is_empty()
                || pinned.len() > 128
                || !pinned
                    .chars()
                    .all(|c| c.is_alphanumeric() || "+_-".contains(c))
            {
                return Err(invalid_parameter(format!(
                    "{CUSTOM_ID_PREFIX} must be followed by a client id ([\\w+]+, 1 to 128)"
                )));
            }
            pinned.to_owned()
        }
        None => {
            check_name(name, "clientName")?;
            from_alphabet(LOWER_ALNUM, 26)
        }
    };
    let given = optional_field(body, "ClientSecret")?;
    let secret = match (
        optional_bool(body, "GenerateSecret")?.unwrap_or(false),
        given,
    ) {
        (true, Some(_)) => {
            return Err(invalid_parameter(
                "Only one of GenerateSecret or ClientSecret can be given.",
            ));
        }
        (true, None) => Some(from_alphabet(LOWER_ALNUM, 51)),
        (false, Some(s)) => {
            if !(24..=64).contains(&s.len())
                || !s.chars().all(|c| c.is_alphanumeric() || "_+".contains(c))
            {
                return Err(invalid_parameter(
                    "1 validation error detected: Value at 'clientSecret' failed to satisfy \
                     constraint: Member must satisfy regular expression pattern: [\\w+]+ and \
                     have length between 24 and 64",
                ));
            }
            Some(s.to_owned())
        }
        (false, None) => None,
    };
    let now = Utc::now().timestamp();
    let mut client =
        Client::new(&pool_id, &client_id, name, secret.as_deref(), now).map_err(from_srp)?;
    apply(&mut client, body)?;
    let described = describe(&client);
    endpoint.insert_client(client)?;
    Ok(json!({ "UserPoolClient": described }))
}

/// `DescribeUserPoolClient`: the client with its secret.
pub(crate) fn describe_user_pool_client(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let (_, client_id) = client_of(endpoint, body)?;
    let client = endpoint.client(&client_id)?;
    Ok(json!({ "UserPoolClient": describe(&client) }))
}

/// `UpdateUserPoolClient`: the settings given replace the client's; those
/// left out go back to their defaults, as on AWS.
pub(crate) fn update_user_pool_client(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let (_, client_id) = client_of(endpoint, body)?;
    let mut client = endpoint.client(&client_id)?;
    if let Some(name) = optional_field(body, "ClientName")? {
        if !name.starts_with(CUSTOM_ID_PREFIX) {
            check_name(name, "clientName")?;
        }
        client.name = name.to_owned();
    }
    apply(&mut client, body)?;
    client.last_modified = Utc::now().timestamp();
    let described = describe(&client);
    let mut state = endpoint.state();
    match state.clients.get_mut(&client_id) {
        Some(slot) => *slot = client,
        None => return Err(no_such_client(&client_id)),
    }
    Ok(json!({ "UserPoolClient": described }))
}

/// `DeleteUserPoolClient`.
pub(crate) fn delete_user_pool_client(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let (_, client_id) = client_of(endpoint, body)?;
    endpoint.state().clients.remove(&client_id);
    Ok(json!({}))
}

/// `ListUserPoolClients`: `MaxResults` (1-60) a page, by id.
pub(crate) fn list_user_pool_clients(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = pool_of(endpoint, body)?;
    let max = optional_integer(body, "MaxResults", "maxResults", 1..=60)?.unwrap_or(60);
    let token = optional_field(body, "NextToken")?;
    let items = endpoint
        .state()
        .clients
        .values()
        .filter(|c| c.pool_id == pool_id)
        .map(|c| {
            (
                c.app.client_id().to_owned(),
                json!({ "ClientId": c.app.client_id(), "UserPoolId": c.pool_id,
                        "ClientName": c.name }),
            )
        })
        .collect();
    let (clients, next) = page(items, token, max as usize)?;
    let mut out = json!({ "UserPoolClients": clients });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
