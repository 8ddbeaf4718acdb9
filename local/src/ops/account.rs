//! What a signed-in user asks about itself with its access token:
//! `GetUser`, `ChangePassword`, `DeleteUser`, and its devices
//! (`ListDevices`, `GetDevice`, `ForgetDevice`, and their `Admin*` forms).

use cognito_srp::{Password, StoredVerifier};
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, from_srp, invalid_parameter, no_such_device, not_authorized,
};
use crate::input::field;
use crate::model::user::{Device, User};
use crate::ops::directory::remove_user;
use crate::ops::tokens::check_access_token;
use crate::ops::tokens::with_access_token;

/// Cognito's page size limit for `ListDevices`.
const MAX_DEVICES_PER_PAGE: u64 = 60;

/// A device as `DeviceType`.
pub(crate) fn device_type(key: &str, device: &Device) -> Value {
    let mut attributes = vec![
        json!({ "Name": "device_status", "Value": "valid" }),
        json!({ "Name": "device_remembered_status",
                "Value": if device.remembered { "remembered" } else { "not_remembered" } }),
    ];
    if let Some(name) = &device.name {
        attributes.push(json!({ "Name": "device_name", "Value": name }));
    }
    json!({
        "DeviceKey": key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.last_authenticated,
        "DeviceLastAuthenticatedDate": device.last_authenticated,
    })
}

/// `UserAttributes` as `[{Name, Value}]`, `sub` first.
pub(crate) fn user_attributes(user: &User) -> Vec<Value> {
    let mut out = vec![json!({ "Name": "sub", "Value": user.sub })];
    out.extend(
        user.attributes
            .iter()
            .map(|(name, value)| json!({ "Name": name, "Value": value })),
    );
    out
}

/// `GetUser`: the username, attributes and MFA settings.
pub(crate) fn get_user(ep: &Endpoint, body: &Value) -> ApiResult {
    with_access_token(ep, body, |user| {
        let mut out = json!({
            "Username": user.username,
            "UserAttributes": user_attributes(user),
        });
        if let (Value::Object(out), Value::Object(mfa)) = (&mut out, user.mfa.get_user_fields()) {
            out.extend(mfa);
        }
        Ok(out)
    })
}

/// `ChangePassword`: the previous password must be right (checked in
/// constant time against the stored verifier), the new one must meet
/// the pool's policy.
pub(crate) fn change_password(ep: &Endpoint, body: &Value) -> ApiResult {
    let previous = Password::new(field(body, "PreviousPassword")?);
    let proposed = field(body, "ProposedPassword")?.to_owned();
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    let (pool, policy, username, stored) = {
        let state = ep.state();
        let pool = state.pools.get(&pool_id).ok_or_else(not_authorized)?;
        let user = pool.user(&sub).ok_or_else(crate::error::no_such_user)?;
        (
            pool.id.clone(),
            pool.password_policy.clone(),
            user.username.clone(),
            user.verifier.clone().ok_or_else(not_authorized)?,
        )
    };
    // The SRP arithmetic runs outside the lock.
    let recomputed =
        StoredVerifier::register_user_with_salt(&pool, &username, &previous, stored.salt().clone())
            .map_err(from_srp)?;
    if recomputed != stored {
        return Err(not_authorized());
    }
    policy.check_member(&proposed, "proposedPassword")?;
    let verifier = StoredVerifier::register_user(&pool, &username, &Password::new(proposed))
        .map_err(from_srp)?;
    let mut state = ep.state();
    let user = state
        .pools
        .get_mut(&pool_id)
        .and_then(|p| p.user_mut(&sub))
        .ok_or_else(crate::error::no_such_user)?;
    user.verifier = Some(verifier);
    Ok(json!({}))
}

/// `ListDevices`: the user's confirmed devices, by key, `Limit` (at most
/// 60) at a time, continued by `PaginationToken`.
pub(crate) fn list_devices(ep: &Endpoint, body: &Value) -> ApiResult {
    let (limit, after) = device_page(body)?;
    with_access_token(ep, body, |user| {
        Ok(devices_page(user, limit, after.as_deref()))
    })
}

/// The `Limit` and `PaginationToken` of a device listing.
pub(crate) fn device_page(body: &Value) -> Result<(usize, Option<String>), ApiError> {
    let limit = match body.get("Limit") {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|n| *n <= MAX_DEVICES_PER_PAGE)
            .ok_or_else(|| {
                invalid_parameter(
                    "1 validation error detected: Value at 'limit' failed to satisfy constraint: \
                     Member must have value less than or equal to 60",
                )
            })?,
        // Absent or null: any other type was refused with the whole body (crate::shape).
        _ => MAX_DEVICES_PER_PAGE,
    }
    .max(1) as usize;
    let after = body
        .get("PaginationToken")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((limit, after))
}

/// A page of `user`'s confirmed devices: `limit` after the key `after`.
pub(crate) fn devices_page(user: &User, limit: usize, after: Option<&str>) -> Value {
    let mut keys: Vec<&String> = user
        .devices
        .iter()
        .filter(|(_, d)| d.verifier.is_some())
        .map(|(k, _)| k)
        .filter(|k| after.is_none_or(|a| k.as_str() > a))
        .collect();
    keys.sort();
    let page: Vec<Value> = keys
        .iter()
        .take(limit)
        .map(|k| device_type(k, &user.devices[*k]))
        .collect();
    let mut out = json!({ "Devices": page });
    if keys.len() > limit {
        out["PaginationToken"] = json!(keys[limit - 1]);
    }
    out
}

/// `DeleteUser`: the user of the access token is gone, with its tokens.
pub(crate) fn delete_user(ep: &Endpoint, body: &Value) -> ApiResult {
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    let mut state = ep.state();
    if state
        .pools
        .get(&pool_id)
        .and_then(|p| p.user(&sub))
        .is_none()
    {
        return Err(crate::error::no_such_user());
    }
    remove_user(&mut state, &pool_id, &sub);
    Ok(json!({}))
}

/// `GetDevice`.
pub(crate) fn get_device(ep: &Endpoint, body: &Value) -> ApiResult {
    let key = field(body, "DeviceKey")?.to_owned();
    with_access_token(ep, body, |user| {
        let device = user
            .devices
            .get(&key)
            .filter(|d| d.verifier.is_some())
            .ok_or_else(no_such_device)?;
        Ok(json!({ "Device": device_type(&key, device) }))
    })
}

/// `ForgetDevice`: the device is gone; signing in with it again gets
/// `ResourceNotFoundException` and the client drops its key.
pub(crate) fn forget_device(ep: &Endpoint, body: &Value) -> ApiResult {
    let key = field(body, "DeviceKey")?.to_owned();
    with_access_token(ep, body, |user| {
        user.devices.remove(&key).ok_or_else(no_such_device)?;
        Ok(json!({}))
    })
}
