//! The server-side sign-in: `AdminInitiateAuth` and
//! `AdminRespondToAuthChallenge`. They take the public operations' fields
//! plus `UserPoolId`, are SigV4-signed (checked before they get here, see
//! [`crate::sigv4`]), and run the very same flows.
//!
//! Also the optional members every sign-in call may carry, checked for
//! shape: `ClientMetadata`, `AnalyticsMetadata`, and `ContextData` (admin)
//! or `UserContextData` (public).

use serde_json::Value;

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_client};
use crate::input::field;
use crate::ops::srp::answer_challenge;
use crate::ops::srp::start_sign_in;

fn wrong_type(name: &str) -> ApiError {
    err(
        "SerializationException",
        format!("Unexpected value type for {name}"),
    )
}

/// An optional structure member: absent, null, or an object.
fn optional_object<'a>(
    body: &'a Value,
    name: &str,
) -> Result<Option<&'a serde_json::Map<String, Value>>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(wrong_type(name)),
    }
}

/// Checks that `object[member]` is a string when present, and present when `required`.
fn string_member(
    object: &serde_json::Map<String, Value>,
    parent: &str,
    member: &str,
    required: bool,
) -> Result<(), ApiError> {
    match object.get(member) {
        Some(Value::String(_)) => Ok(()),
        None | Some(Value::Null) if !required => Ok(()),
        None | Some(Value::Null) => Err(invalid_parameter(format!(
            "Missing required parameter {parent}.{member}"
        ))),
        Some(_) => Err(wrong_type(&format!("{parent}.{member}"))),
    }
}

/// `ClientMetadata` (a string map), `AnalyticsMetadata` and the context
/// data of a sign-in call, for their shape (`ClientMetadata` also goes to
/// the triggers that take it; no analytics or adaptive authentication run
/// here).
pub(crate) fn check_sign_in_metadata(body: &Value, admin: bool) -> Result<(), ApiError> {
    if let Some(metadata) = optional_object(body, "ClientMetadata")? {
        for (key, value) in metadata {
            if !value.is_string() {
                return Err(wrong_type(&format!("ClientMetadata.{key}")));
            }
        }
    }
    if let Some(analytics) = optional_object(body, "AnalyticsMetadata")? {
        string_member(analytics, "AnalyticsMetadata", "AnalyticsEndpointId", false)?;
    }
    if admin {
        if let Some(context) = optional_object(body, "ContextData")? {
            for member in ["IpAddress", "ServerName", "ServerPath"] {
                string_member(context, "ContextData", member, true)?;
            }
            string_member(context, "ContextData", "EncodedData", false)?;
            match context.get("HttpHeaders") {
                Some(Value::Array(headers)) => {
                    for header in headers {
                        let header = header
                            .as_object()
                            .ok_or_else(|| wrong_type("ContextData.HttpHeaders"))?;
                        string_member(header, "HttpHeaders", "headerName", false)?;
                        string_member(header, "HttpHeaders", "headerValue", false)?;
                    }
                }
                None | Some(Value::Null) => {
                    return Err(invalid_parameter(
                        "Missing required parameter ContextData.HttpHeaders",
                    ));
                }
                Some(_) => return Err(wrong_type("ContextData.HttpHeaders")),
            }
        }
    } else if let Some(context) = optional_object(body, "UserContextData")? {
        string_member(context, "UserContextData", "IpAddress", false)?;
        string_member(context, "UserContextData", "EncodedData", false)?;
    }
    Ok(())
}

/// `UserPoolId` must name the pool of the app client `ClientId`.
fn check_admin_pool(ep: &Endpoint, body: &Value) -> Result<(), ApiError> {
    let pool_id = field(body, "UserPoolId")?;
    let client_id = field(body, "ClientId")?;
    ep.pool_id(pool_id)?;
    let client = ep.client(client_id)?;
    if client.pool_id != pool_id {
        return Err(no_such_client(client_id));
    }
    Ok(())
}

/// `AdminInitiateAuth`: `InitiateAuth` for a server holding IAM credentials.
pub(crate) fn admin_initiate_auth(ep: &Endpoint, body: &Value) -> ApiResult {
    check_admin_pool(ep, body)?;
    check_sign_in_metadata(body, true)?;
    start_sign_in(ep, body, true)
}

/// `AdminRespondToAuthChallenge`: `RespondToAuthChallenge` likewise.
pub(crate) fn admin_respond_to_auth_challenge(ep: &Endpoint, body: &Value) -> ApiResult {
    check_admin_pool(ep, body)?;
    check_sign_in_metadata(body, true)?;
    answer_challenge(ep, body)
}
