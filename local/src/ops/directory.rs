//! The users of a pool as an administrator sees them: `AdminGetUser`,
//! `ListUsers` (Cognito's filter and paging), `AdminDeleteUser`,
//! `AdminDisableUser`, `AdminEnableUser`.

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, invalid_parameter, no_such_pool, no_such_user};
use crate::input::{field, optional_field, optional_integer, optional_strings};
use crate::model::State;
use crate::model::user::User;
use crate::ops::account::user_attributes;
use crate::ops::page::page;

/// `UserStatus`.
pub(crate) fn user_status(user: &User) -> &'static str {
    if user.reset_required {
        "RESET_REQUIRED"
    } else if user.force_change_password {
        "FORCE_CHANGE_PASSWORD"
    } else if user.confirmed {
        "CONFIRMED"
    } else {
        "UNCONFIRMED"
    }
}

/// `UserType`, as `ListUsers` and `ListUsersInGroup` show it; with
/// `only`, just those attributes.
pub(crate) fn user_type(user: &User, only: Option<&[String]>) -> Value {
    let attributes: Vec<Value> = user_attributes(user)
        .into_iter()
        .filter(|a| only.is_none_or(|names| names.iter().any(|n| a["Name"].as_str() == Some(n))))
        .collect();
    json!({
        "Username": user.username,
        "Attributes": attributes,
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.last_modified,
        "Enabled": user.enabled,
        "UserStatus": user_status(user),
    })
}

/// Runs `f` on the pool `UserPoolId` names and the user `Username` names
/// (username, alias or `sub`) in it.
fn with_user<T>(
    endpoint: &Endpoint,
    body: &Value,
    f: impl FnOnce(&mut State, &str, &str) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    let mut state = endpoint.state();
    let pool = state
        .pools
        .get(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let sub = pool.user(username).ok_or_else(no_such_user)?.sub.clone();
    f(&mut state, pool_id, &sub)
}

/// `AdminGetUser`.
pub(crate) fn admin_get_user(endpoint: &Endpoint, body: &Value) -> ApiResult {
    with_user(endpoint, body, |state, pool_id, sub| {
        let user = state.pools[pool_id].user(sub).ok_or_else(no_such_user)?;
        let mut out = json!({
            "Username": user.username,
            "UserAttributes": user_attributes(user),
            "UserCreateDate": user.created,
            "UserLastModifiedDate": user.last_modified,
            "Enabled": user.enabled,
            "UserStatus": user_status(user),
        });
        if let (Value::Object(out), Value::Object(mfa)) = (&mut out, user.mfa.get_user_fields()) {
            out.extend(mfa);
        }
        Ok(out)
    })
}

/// `AdminDeleteUser`: the user, its aliases, group memberships and tokens.
pub(crate) fn admin_delete_user(endpoint: &Endpoint, body: &Value) -> ApiResult {
    with_user(endpoint, body, |state, pool_id, sub| {
        remove_user(state, pool_id, sub);
        Ok(json!({}))
    })
}

/// Removes the user `sub` of `pool_id` with its aliases, group memberships
/// and tokens (`AdminDeleteUser`, `DeleteUser`).
pub(crate) fn remove_user(state: &mut State, pool_id: &str, sub: &str) {
    state.grants.revoke_user(pool_id, sub);
    if let Some(pool) = state.pools.get_mut(pool_id) {
        let username = pool.user(sub).map(|u| u.username.clone());
        pool.users.retain(|u| u.sub != sub);
        if let Some(username) = username {
            pool.aliases.retain(|_, real| *real != username);
        }
    }
}

/// `AdminDisableUser`: no sign-in, no refresh; every token revoked.
pub(crate) fn admin_disable_user(endpoint: &Endpoint, body: &Value) -> ApiResult {
    set_enabled(endpoint, body, false)
}

/// `AdminEnableUser`.
pub(crate) fn admin_enable_user(endpoint: &Endpoint, body: &Value) -> ApiResult {
    set_enabled(endpoint, body, true)
}

fn set_enabled(endpoint: &Endpoint, body: &Value, enabled: bool) -> ApiResult {
    with_user(endpoint, body, |state, pool_id, sub| {
        if !enabled {
            state.grants.revoke_user(pool_id, sub);
        }
        let user = state
            .pools
            .get_mut(pool_id)
            .and_then(|p| p.user_mut(sub))
            .ok_or_else(no_such_user)?;
        user.enabled = enabled;
        user.last_modified = chrono::Utc::now().timestamp();
        Ok(json!({}))
    })
}

/// A `ListUsers` filter: `name = "value"` or `name ^= "value"`.
struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

fn bad_filter() -> ApiError {
    invalid_parameter("Error while parsing filter.")
}

/// The attributes a filter may search.
const SEARCHABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

impl Filter {
    /// Parses Cognito's `AttributeName Filter-Type "AttributeValue"`;
    /// `None` for an empty filter (every user).
    fn parse(text: &str) -> Result<Option<Filter>, ApiError> {
        if text.chars().count() > 256 {
            return Err(invalid_parameter(
                "1 validation error detected: Value at 'filter' failed to satisfy constraint: \
                 Member must have length less than or equal to 256",
            ));
        }
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let (attribute, rest, prefix) = match (text.find("^="), text.find('=')) {
            (Some(i), _) => (&text[..i], &text[i + 2..], true),
            (None, Some(i)) => (&text[..i], &text[i + 1..], false),
            (None, None) => return Err(bad_filter()),
        };
        let attribute = attribute.trim();
        if !SEARCHABLE.contains(&attribute) {
            return Err(bad_filter());
        }
        let quoted = rest.trim();
        let inner = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or_else(bad_filter)?;
        // `\"` and `\\` inside the quotes.
        let mut value = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.push(chars.next().ok_or_else(bad_filter)?),
                '"' => return Err(bad_filter()),
                c => value.push(c),
            }
        }
        Ok(Some(Filter {
            attribute: attribute.to_owned(),
            prefix,
            value,
        }))
    }

    fn matches(&self, user: &User) -> bool {
        let (found, case_insensitive) = match self.attribute.as_str() {
            "username" => (Some(user.username.clone()), false),
            "sub" => (Some(user.sub.clone()), false),
            "cognito:user_status" => (Some(user_status(user).to_owned()), true),
            "status" => (
                Some(if user.enabled { "Enabled" } else { "Disabled" }.to_owned()),
                false,
            ),
            other => (user.attributes.get(other).cloned(), false),
        };
        let Some(found) = found else {
            return false;
        };
        let (found, wanted) = if case_insensitive {
            (found.to_lowercase(), self.value.to_lowercase())
        } else {
            (found, self.value.clone())
        };
        if self.prefix {
            found.starts_with(&wanted)
        } else {
            found == wanted
        }
    }
}

/// `ListUsers`: `Filter`, `AttributesToGet`, `Limit` (0-60, default 60)
/// and `PaginationToken`, by username.
pub(crate) fn list_users(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = field(body, "UserPoolId")?;
    let filter = Filter::parse(optional_field(body, "Filter")?.unwrap_or(""))?;
    let only = optional_strings(body, "AttributesToGet")?;
    if only
        .as_ref()
        .is_some_and(|names| names.iter().any(|n| n == "sub"))
    {
        return Err(invalid_parameter("Input fails to satisfy the constraints."));
    }
    let limit = match optional_integer(body, "Limit", "limit", 0..=60)? {
        None | Some(0) => 60,
        Some(n) => n as usize,
    };
    let token = optional_field(body, "PaginationToken")?;
    let state = endpoint.state();
    let pool = state
        .pools
        .get(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let items = pool
        .users
        .iter()
        .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)))
        .map(|u| (u.username.clone(), user_type(u, only.as_deref())))
        .collect();
    let (users, next) = page(items, token, limit)?;
    let mut out = json!({ "Users": users });
    if let Some(next) = next {
        out["PaginationToken"] = json!(next);
    }
    Ok(out)
}
