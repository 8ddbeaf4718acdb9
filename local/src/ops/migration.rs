//! User migration: a password sign-in (`USER_PASSWORD_AUTH`,
//! `ADMIN_USER_PASSWORD_AUTH`, the `PASSWORD` factor of `USER_AUTH`) or a
//! `ForgotPassword` for a user the pool does not have asks the pool's
//! `UserMigration` function, which may bring the user in. SRP sign-ins do
//! not: the function would need the password, which SRP never sends.
//!
//! The function answers `userAttributes` (required) and `finalUserStatus`.
//! At sign-in, `CONFIRMED` or none keeps the password that was typed;
//! `RESET_REQUIRED` keeps it too but puts the user in `RESET_REQUIRED`, and
//! sign-ins get `PasswordResetRequiredException` until `ForgotPassword` and
//! `ConfirmForgotPassword` set a new one. From `ForgotPassword` the user is
//! in `RESET_REQUIRED` with no password until the reset is confirmed. `messageAction` and
//! `desiredDeliveryMediums` concern welcome messages, which are not sent here.

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, err};
use crate::model::pool::Client;
use crate::ops::triggers::{Caller, Trigger, configured, invoke, string_map, unrecognizable};
use crate::random::token;

/// How a migration ended.
pub(crate) enum Migrated {
    /// The pool has no migration function.
    NotConfigured,
    /// The user now exists, with the password given.
    WithPassword,
    /// The user now exists and must reset the password.
    ResetRequired,
}

/// Runs the pool's migration function for `username`, unknown to the pool,
/// with `password` at sign-in (`UserMigration_Authentication`) or without
/// (`UserMigration_ForgotPassword`).
pub(crate) fn migrate_user(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    password: Option<&str>,
    client_metadata: &Value,
) -> Result<Migrated, ApiError> {
    let Some(function) = configured(ep, &client.pool_id, Trigger::UserMigration) else {
        return Ok(Migrated::NotConfigured);
    };
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username,
    };
    // A sign-in's `ClientMetadata` arrives as `validationData`,
    // `ForgotPassword`'s as `clientMetadata`.
    let (source, request) = match password {
        Some(password) => (
            "UserMigration_Authentication",
            json!({ "password": password, "validationData": client_metadata,
                    "clientMetadata": {} }),
        ),
        None => (
            "UserMigration_ForgotPassword",
            json!({ "validationData": {}, "clientMetadata": client_metadata }),
        ),
    };
    let response = match invoke(ep, &function, source, &caller, request) {
        Ok(response) => response,
        // At sign-in Cognito reports a failed migration as an unknown user.
        Err(e) if password.is_some() && e.kind == "UserLambdaValidationException" => {
            return Err(err(
                "UserNotFoundException",
                format!(
                    "Exception migrating user in app client {}",
                    client.app.client_id()
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    let attributes = match response.get("userAttributes") {
        Some(Value::Object(_)) => string_map(response.get("userAttributes"))?,
        _ => return Err(unrecognizable()),
    };
    let reset_required = match response.get("finalUserStatus") {
        None | Some(Value::Null) => password.is_none(),
        Some(Value::String(s)) if s == "CONFIRMED" => password.is_none(),
        Some(Value::String(s)) if s == "RESET_REQUIRED" => true,
        Some(_) => return Err(unrecognizable()),
    };
    // A user without a password gets a random one that nobody learns,
    // then none at all.
    let placeholder = token();
    let initial = password.unwrap_or(placeholder.as_str());
    // The whole user in one change (one durable record).
    ep.create_user(&client.pool_id, username, initial, true, |user| {
        for (name, value) in attributes {
            // `sub` is the pool's, and `username` names the user, not an attribute.
            if name != "sub" && name != "username" {
                user.attributes.insert(name, value);
            }
        }
        if password.is_none() {
            user.verifier = None;
        }
        user.reset_required = reset_required;
    })?;
    eprintln!(
        "cognito-srp-local: migrated {username} into {} ({source})",
        client.pool_id
    );
    Ok(if reset_required {
        Migrated::ResetRequired
    } else {
        Migrated::WithPassword
    })
}

/// `PasswordResetRequiredException: Password reset required for the user`.
pub(crate) fn password_reset_required() -> ApiError {
    err(
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
}
