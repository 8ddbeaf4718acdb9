//! A user's attributes: `AdminUpdateUserAttributes`, `UpdateUserAttributes`,
//! `AdminDeleteUserAttributes`, `DeleteUserAttributes`.
//!
//! As on Cognito: `sub` cannot change; a changed `email` or `phone_number`
//! is unverified until verified again (unless an administrator sets its
//! `_verified` flag in the same call), and on a pool that auto-verifies it
//! a code is sent for `VerifyUserAttribute`; only an administrator writes
//! the `_verified` flags; a name another user signs in with (an alias, or
//! the email or phone number of a pool with `UsernameAttributes`) is
//! `AliasExistsException`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_pool, no_such_user};
use crate::input::{field, optional_strings};
use crate::model::State;
use crate::model::code::CodePurpose;
use crate::model::pool::Pool;
use crate::ops::messages::{Outgoing, deliver};
use crate::ops::pools::STANDARD_ATTRIBUTES;
use crate::ops::tokens::check_access_token;
use crate::ops::triggers::client_metadata;
use crate::ops::verification::send_code;

/// The attributes whose change needs verification.
const VERIFIABLE: [&str; 2] = ["email", "phone_number"];

/// `NotAuthorizedException` for an attribute an app may not write.
fn unauthorized_attribute() -> ApiError {
    err(
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )
}

pub(crate) use crate::error::alias_exists;

/// Checks that `name` is an attribute of `pool` that `admin` (or, if not,
/// the user itself) may write.
fn check_name(pool: &Pool, name: &str, admin: bool) -> Result<(), ApiError> {
    if name == "sub" {
        return Err(invalid_parameter(
            "Cannot modify the non-mutable attribute sub",
        ));
    }
    if name.ends_with("_verified") && VERIFIABLE.iter().any(|v| name == format!("{v}_verified")) {
        return if admin {
            Ok(())
        } else {
            Err(unauthorized_attribute())
        };
    }
    let custom = pool
        .settings
        .custom_attributes
        .iter()
        .any(|a| a["Name"].as_str() == Some(name));
    if STANDARD_ATTRIBUTES.contains(&name) || custom {
        Ok(())
    } else {
        Err(invalid_parameter("Attribute does not exist in the schema."))
    }
}

/// Checks the value of `name`.
fn check_value(name: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > 2048 {
        return Err(invalid_parameter(format!(
            "The value of attribute {name} is longer than 2048 characters."
        )));
    }
    match name {
        "email" => {
            let well_formed = value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && !domain.is_empty() && !domain.contains('@')
            }) && !value.chars().any(char::is_whitespace);
            if !well_formed {
                return Err(invalid_parameter("Invalid email address format."));
            }
        }
        "phone_number" => {
            let digits = value.strip_prefix('+').unwrap_or("");
            if !(2..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid_parameter("Invalid phone number format."));
            }
        }
        "email_verified" | "phone_number_verified" if value != "true" && value != "false" => {
            return Err(invalid_parameter(format!(
                "Invalid value for {name}: true or false"
            )));
        }
        _ => {}
    }
    Ok(())
}

/// The `UserAttributes` of `body` (`[{Name, Value}]`), each checked for
/// `pool` as `admin` (or the user) writes it.
pub(crate) fn requested_attributes(
    pool: &Pool,
    body: &Value,
    admin: bool,
) -> Result<Vec<(String, String)>, ApiError> {
    let list = match body.get("UserAttributes") {
        Some(Value::Array(list)) => list,
        // Any other type was refused with the whole body (crate::shape).
        _ => {
            return Err(invalid_parameter(
                "Missing required parameter UserAttributes",
            ));
        }
    };
    let mut out = Vec::new();
    for attribute in list {
        let name = field(attribute, "Name")?;
        let value = attribute.get("Value").and_then(Value::as_str).unwrap_or("");
        check_name(pool, name, admin)?;
        check_value(name, value)?;
        out.push((name.to_owned(), value.to_owned()));
    }
    Ok(out)
}

/// Sets `changes` on the user at `index` of `pool_id`; makes a code for
/// each changed email or phone number the pool auto-verifies. The
/// `CodeDeliveryDetails` of the codes, and their messages to deliver once
/// the state is released.
pub(crate) fn update(
    state: &mut State,
    pool_id: &str,
    index: usize,
    changes: &[(String, String)],
    now: i64,
) -> Result<(Vec<Value>, Vec<Outgoing>), ApiError> {
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let current = &pool.users[index].attributes;
    let mut next = current.clone();
    for (name, value) in changes {
        next.insert(name.clone(), value.clone());
    }
    let mut to_verify = Vec::new();
    for attribute in VERIFIABLE {
        let flag = format!("{attribute}_verified");
        let changed = current.get(attribute) != next.get(attribute);
        if changed && !changes.iter().any(|(name, _)| *name == flag) {
            next.insert(flag, "false".to_owned());
            to_verify.push(attribute);
        }
    }
    if let Some((_, attribute)) = pool.alias_conflict(index, &next) {
        return Err(alias_exists(&attribute));
    }
    pool.replace_attributes(index, next, now);
    let auto_verified = pool.settings.auto_verified_attributes.clone();
    let mut deliveries = Vec::new();
    let mut messages = Vec::new();
    for attribute in to_verify {
        if auto_verified.iter().any(|a| a == attribute) {
            let purpose = CodePurpose::Attribute(attribute.to_owned());
            let source = "CustomMessage_UpdateUserAttribute";
            let (details, outgoing) =
                send_code(state, pool_id, index, purpose, attribute, now, source)?;
            deliveries.push(details);
            messages.push(outgoing);
        }
    }
    Ok((deliveries, messages))
}

/// Delivers the messages an update made, as `client_id` with the request's
/// `ClientMetadata`.
fn deliver_all(
    ep: &Endpoint,
    messages: Vec<Outgoing>,
    client_id: &str,
    body: &Value,
) -> Result<(), ApiError> {
    for outgoing in messages {
        deliver(ep, outgoing, client_id, &client_metadata(body))?;
    }
    Ok(())
}

/// Removes `names` from the user at `index` of `pool_id` (an email or phone
/// number with its `_verified` flag).
fn delete(
    state: &mut State,
    pool_id: &str,
    index: usize,
    names: &[String],
    admin: bool,
    now: i64,
) -> Result<(), ApiError> {
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    for name in names {
        check_name(pool, name, admin)?;
        if pool.username_attributes.iter().any(|a| a == name) {
            return Err(invalid_parameter(format!(
                "Cannot delete {name}: the user pool's users sign in with it"
            )));
        }
    }
    let mut next: BTreeMap<String, String> = pool.users[index].attributes.clone();
    for name in names {
        next.remove(name);
        if VERIFIABLE.contains(&name.as_str()) {
            next.remove(&format!("{name}_verified"));
        }
    }
    pool.replace_attributes(index, next, now);
    for name in names {
        pool.users[index]
            .codes
            .remove(&CodePurpose::Attribute(name.clone()));
    }
    Ok(())
}

/// The pool id and position of the user `UserPoolId` and `Username` name.
fn admin_target(state: &State, body: &Value) -> Result<(String, usize), ApiError> {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    let pool = state
        .pools
        .get(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let index = pool.index_of(username).ok_or_else(no_such_user)?;
    Ok((pool_id.to_owned(), index))
}

/// The pool id and `sub` of the user of the request's `AccessToken`.
pub(crate) fn token_user(ep: &Endpoint, body: &Value) -> Result<(String, String), ApiError> {
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    Ok((pool_id, sub))
}

/// [`token_user`], and the app client the token was issued to.
pub(crate) fn token_user_and_client(
    ep: &Endpoint,
    body: &Value,
) -> Result<(String, String, String), ApiError> {
    let (pool_id, sub, claims) = check_access_token(ep, field(body, "AccessToken")?)?;
    let client_id = claims
        .get("client_id")
        .and_then(Value::as_str)
        .unwrap_or("CLIENT_ID_NOT_APPLICABLE")
        .to_owned();
    Ok((pool_id, sub, client_id))
}

/// The position of the user `sub` of `pool_id`, under the lock that changes it.
pub(crate) fn position(state: &State, pool_id: &str, sub: &str) -> Result<usize, ApiError> {
    state
        .pools
        .get(pool_id)
        .and_then(|p| p.index_of(sub))
        .ok_or_else(no_such_user)
}

/// `AdminUpdateUserAttributes`: empty reply.
pub(crate) fn admin_update_user_attributes(ep: &Endpoint, body: &Value) -> ApiResult {
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let (pool_id, index) = admin_target(&state, body)?;
    let changes = requested_attributes(&state.pools[&pool_id], body, true)?;
    let (_, messages) = update(&mut state, &pool_id, index, &changes, now)?;
    drop(state);
    deliver_all(ep, messages, "CLIENT_ID_NOT_APPLICABLE", body)?;
    Ok(json!({}))
}

/// `UpdateUserAttributes`: `CodeDeliveryDetailsList`, the codes sent.
pub(crate) fn update_user_attributes(ep: &Endpoint, body: &Value) -> ApiResult {
    let now = ep.clock().unix_seconds();
    let (pool_id, sub, client_id) = token_user_and_client(ep, body)?;
    let mut state = ep.state();
    let index = position(&state, &pool_id, &sub)?;
    let changes = requested_attributes(&state.pools[&pool_id], body, false)?;
    let (deliveries, messages) = update(&mut state, &pool_id, index, &changes, now)?;
    drop(state);
    deliver_all(ep, messages, &client_id, body)?;
    Ok(json!({ "CodeDeliveryDetailsList": deliveries }))
}

/// The `UserAttributeNames` of `body`.
fn names(body: &Value) -> Result<Vec<String>, ApiError> {
    optional_strings(body, "UserAttributeNames")?
        .ok_or_else(|| invalid_parameter("Missing required parameter UserAttributeNames"))
}

/// `AdminDeleteUserAttributes`: empty reply.
pub(crate) fn admin_delete_user_attributes(ep: &Endpoint, body: &Value) -> ApiResult {
    let names = names(body)?;
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let (pool_id, index) = admin_target(&state, body)?;
    delete(&mut state, &pool_id, index, &names, true, now)?;
    Ok(json!({}))
}

/// `DeleteUserAttributes`: empty reply.
pub(crate) fn delete_user_attributes(ep: &Endpoint, body: &Value) -> ApiResult {
    let names = names(body)?;
    let now = ep.clock().unix_seconds();
    let (pool_id, sub) = token_user(ep, body)?;
    let mut state = ep.state();
    let index = position(&state, &pool_id, &sub)?;
    delete(&mut state, &pool_id, index, &names, false, now)?;
    Ok(json!({}))
}

/// Whether `name` has the shape of an email address.
fn email_shaped(name: &str) -> bool {
    check_value("email", name).is_ok()
}

/// Whether `name` has the shape of a phone number (`+` and digits).
fn phone_shaped(name: &str) -> bool {
    check_value("phone_number", name).is_ok()
}

/// The attributes a new user `username` gets in `pool`, from `SignUp` (the
/// user's own writes) or `AdminCreateUser` (`admin`'s, which may set the
/// `_verified` flags): the request's `UserAttributes`, and in a pool with
/// `UsernameAttributes` the email or phone number the username is. A
/// username that breaks the pool's sign-in rules is refused in Cognito's
/// words.
pub(crate) fn new_user_attributes(
    pool: &Pool,
    username: &str,
    body: &Value,
    admin: bool,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut attributes = match body.get("UserAttributes") {
        Some(Value::Array(_)) => requested_attributes(pool, body, admin)?,
        _ => Vec::new(),
    };
    let allows = |a: &str| pool.username_attributes.iter().any(|u| u == a);
    if !pool.username_attributes.is_empty() {
        let attribute = if allows("email") && email_shaped(username) {
            "email"
        } else if allows("phone_number") && phone_shaped(username) {
            "phone_number"
        } else {
            return Err(invalid_parameter(
                match (allows("email"), allows("phone_number")) {
                    (true, true) => "Username should be either an email or a phone number.",
                    (true, false) => "Username should be an email.",
                    _ => "Username should be a phone number.",
                },
            ));
        };
        attributes.retain(|(name, _)| name != attribute);
        attributes.push((attribute.to_owned(), username.to_owned()));
    }
    let aliases = &pool.settings.alias_attributes;
    if aliases.iter().any(|a| a == "email") && email_shaped(username) {
        return Err(invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if aliases.iter().any(|a| a == "phone_number") && phone_shaped(username) {
        return Err(invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone \
             number alias.",
        ));
    }
    Ok(attributes)
}
