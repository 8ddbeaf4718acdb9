//! The password flows: `USER_PASSWORD_AUTH` (through `InitiateAuth`),
//! `ADMIN_USER_PASSWORD_AUTH` and its older name `ADMIN_NO_SRP_AUTH`
//! (through `AdminInitiateAuth`), and the `PASSWORD` first factor of
//! `USER_AUTH`. The client sends the password itself; it is checked by
//! recomputing the user's verifier with the stored salt and comparing in
//! constant time, then the sign-in goes on as after an SRP proof (new
//! password, remembered device, MFA, tokens).

use std::collections::HashMap;

use cognito_srp::{Password, StoredVerifier};

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, err, from_srp, invalid_parameter, not_authorized, user_disabled,
};
use crate::input::{check_username, required};
use crate::model::pool::Client;
use crate::model::signin::{Flow, SignInProgress};
use crate::ops::flows::next_step;
use crate::ops::migration::{Migrated, migrate_user, password_reset_required};
use crate::ops::pue::unknown_user;
use crate::ops::triggers::{Subject, pre_authentication};
use serde_json::Value;

/// `InvalidParameterException: Initiate Auth method not supported.`: a
/// password flow through the other entry operation.
pub(crate) fn method_not_supported() -> ApiError {
    invalid_parameter("Initiate Auth method not supported.")
}

/// Checks `password` for `username`; the user's `sub`.
///
/// An unconfirmed user is refused before the password is looked at, as
/// Cognito does. An unknown user is `UserNotFoundException`, or under
/// `PreventUserExistenceErrors` the wrong-password refusal after the same
/// work as for a known user.
pub(crate) fn check_password(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    password: &str,
    validation_data: &Value,
) -> Result<String, ApiError> {
    let pool_id = ep.pool_id(&client.pool_id)?;
    let known = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(not_authorized)?;
        match pool.user(username) {
            Some(user) if !user.enabled => return Err(user_disabled()),
            Some(user) if !user.confirmed => {
                return Err(err("UserNotConfirmedException", "User is not confirmed."));
            }
            Some(user) => {
                let verifier = user.verifier.clone().ok_or_else(not_authorized)?;
                Some((user.username.clone(), user.sub.clone(), verifier))
            }
            None => None,
        }
    };
    let (real_username, sub, stored, decoy) = match known {
        Some((real, sub, stored)) => {
            pre_authentication(ep, client, Subject::Known(&real), validation_data)?;
            (real, sub, stored, false)
        }
        // An unknown user may be brought in by the pool's migration function.
        None => match migrate_user(ep, client, username, Some(password), validation_data)? {
            Migrated::WithPassword => {
                return check_password(ep, client, username, password, validation_data);
            }
            Migrated::ResetRequired => return Err(password_reset_required()),
            Migrated::NotConfigured => {
                let (id, stored) = unknown_user(client, username)?;
                pre_authentication(ep, client, Subject::Unknown(username), validation_data)?;
                (id.clone(), id, stored, true)
            }
        },
    };
    // The arithmetic runs outside the lock, for a decoy as for a user.
    let recomputed = StoredVerifier::register_user_with_salt(
        &pool_id,
        &real_username,
        &Password::new(password),
        stored.salt().clone(),
    )
    .map_err(from_srp)?;
    // `StoredVerifier`'s equality is constant time in the verifier.
    if recomputed != stored || decoy {
        return Err(not_authorized());
    }
    Ok(sub)
}

/// A password flow's `AuthParameters` (`USERNAME`, `PASSWORD`, with
/// `SECRET_HASH` and `DEVICE_KEY` as they apply): the next step.
pub(crate) fn password_sign_in(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
    validation_data: &Value,
) -> ApiResult {
    let username = required(parameters, "USERNAME")?;
    check_username(username, "username")?;
    let password = required(parameters, "PASSWORD")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let sub = check_password(ep, client, username, password, validation_data)?;
    let progress = SignInProgress::new(Flow::Password, &sub, parameters.get("DEVICE_KEY").cloned());
    // InitiateAuth's ClientMetadata reaches none of the triggers from here on.
    next_step(ep, client, progress, &serde_json::json!({}))
}
