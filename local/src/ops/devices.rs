//! Remembered devices: `ConfirmDevice`, `UpdateDeviceStatus`.

use cognito_srp::StoredVerifier;
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, from_srp, invalid_parameter, no_such_device};
use crate::input::field;
use crate::ops::tokens::with_access_token;

pub(crate) fn confirm_device(ep: &Endpoint, body: &Value) -> ApiResult {
    let device_key = field(body, "DeviceKey")?.to_owned();
    let config = body.get("DeviceSecretVerifierConfig").ok_or_else(|| {
        invalid_parameter("Missing required parameter DeviceSecretVerifierConfig")
    })?;
    let verifier = StoredVerifier::from_device_secret_verifier_config(
        field(config, "PasswordVerifier")?,
        field(config, "Salt")?,
    )
    .map_err(from_srp)?;
    let device_name = body
        .get("DeviceName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    with_access_token(ep, body, |user| {
        let device = user
            .devices
            .get_mut(&device_key)
            .ok_or_else(no_such_device)?;
        device.verifier = Some(verifier);
        device.name = device_name;
        // Devices are remembered without asking the user.
        device.remembered = true;
        Ok(json!({ "UserConfirmationNecessary": false }))
    })
}

/// `DeviceRememberedStatus`: `remembered`, or `not_remembered` (also when
/// left out).
pub(crate) fn remembered_status(body: &Value) -> Result<bool, ApiError> {
    match body.get("DeviceRememberedStatus").and_then(Value::as_str) {
        Some("remembered") => Ok(true),
        Some("not_remembered") | None => Ok(false),
        Some(other) => Err(invalid_parameter(format!(
            "Unknown DeviceRememberedStatus {other}"
        ))),
    }
}

pub(crate) fn update_device_status(ep: &Endpoint, body: &Value) -> ApiResult {
    let device_key = field(body, "DeviceKey")?.to_owned();
    let remembered = remembered_status(body)?;
    with_access_token(ep, body, |user| {
        let device = user
            .devices
            .get_mut(&device_key)
            .ok_or_else(no_such_device)?;
        device.remembered = remembered;
        Ok(json!({}))
    })
}
