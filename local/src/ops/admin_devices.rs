//! A user's devices as an administrator sees them: `AdminListDevices`,
//! `AdminGetDevice`, `AdminForgetDevice`, `AdminUpdateDeviceStatus`; the
//! same as the user's own calls, with the user named by `UserPoolId` and
//! `Username` (username, alias or `sub`).

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiResult, no_such_device};
use crate::input::field;
use crate::ops::account::{device_page, device_type, devices_page};
use crate::ops::devices::remembered_status;
use crate::ops::users::admin_user;

/// `AdminListDevices`: the user's confirmed devices, `Limit` (at most 60)
/// at a time, continued by `PaginationToken`.
pub(crate) fn admin_list_devices(ep: &Endpoint, body: &Value) -> ApiResult {
    let (limit, after) = device_page(body)?;
    admin_user(ep, body, |user| devices_page(user, limit, after.as_deref()))
}

/// `AdminGetDevice`.
pub(crate) fn admin_get_device(ep: &Endpoint, body: &Value) -> ApiResult {
    let key = field(body, "DeviceKey")?.to_owned();
    admin_user(ep, body, |user| {
        let device = user
            .devices
            .get(&key)
            .filter(|d| d.verifier.is_some())
            .ok_or_else(no_such_device)?;
        Ok(json!({ "Device": device_type(&key, device) }))
    })?
}

/// `AdminForgetDevice`: the device is gone; its next sign-in gets
/// `ResourceNotFoundException`.
pub(crate) fn admin_forget_device(ep: &Endpoint, body: &Value) -> ApiResult {
    let key = field(body, "DeviceKey")?.to_owned();
    admin_user(ep, body, |user| {
        user.devices.remove(&key).ok_or_else(no_such_device)?;
        Ok(json!({}))
    })?
}

/// `AdminUpdateDeviceStatus`: `remembered` or `not_remembered`.
pub(crate) fn admin_update_device_status(ep: &Endpoint, body: &Value) -> ApiResult {
    let key = field(body, "DeviceKey")?.to_owned();
    let remembered = remembered_status(body)?;
    admin_user(ep, body, |user| {
        let device = user.devices.get_mut(&key).ok_or_else(no_such_device)?;
        device.remembered = remembered;
        Ok(json!({}))
    })?
}
