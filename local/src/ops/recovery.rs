//! Password recovery: `ForgotPassword` sends a random six-digit code through
//! the local channel (`GET /_local/codes/<pool id>/<username>` and a line on
//! standard error), valid one hour as Cognito's; `ConfirmForgotPassword`
//! sets the new password with it. `AdminResetUserPassword` sends the same
//! code and puts the user in `RESET_REQUIRED` until it is used.

use std::time::Duration;

use chrono::Utc;
use cognito_srp::{Password, StoredVerifier};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, err, from_srp, invalid_parameter, no_such_pool, no_such_user,
};
use crate::input::{check_username, field};
use crate::model::State;
use crate::ops::flows::{code_destination, masked};
use crate::ops::messages::{Outgoing, deliver};
use crate::ops::migration::migrate_user;
use crate::ops::triggers::{client_metadata, post_confirmation};
use crate::random::from_alphabet;

/// How long a password-recovery code is valid: one hour.
const RESET_CODE_LIFETIME: Duration = Duration::from_secs(3600);

/// `ForgotPassword`.
pub(crate) fn forgot_password(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    client.check_secret_hash(username, body.get("SecretHash").and_then(Value::as_str))?;
    let unknown = ep
        .state()
        .pools
        .get(&client.pool_id)
        .is_some_and(|p| p.user(username).is_none());
    if unknown {
        // The pool's migration function may know the user.
        migrate_user(ep, &client, username, None, &client_metadata(body))?;
    }
    let mut state = ep.state();
    let pool = state
        .pools
        .get_mut(&client.pool_id)
        .ok_or_else(no_such_user)?;
    if pool.user_mut(username).is_none() {
        if client.prevent_user_existence_errors {
            // Under PreventUserExistenceErrors an unknown user gets a
            // delivery that never happens, shaped like a real one.
            return Ok(json!({ "CodeDeliveryDetails": { "Destination": "u***@e***",
                "DeliveryMedium": "EMAIL", "AttributeName": "email" } }));
        }
        return Err(no_such_user());
    }
    let outgoing = send_reset_code(&mut state, &client.pool_id, username)?;
    drop(state);
    let (medium, destination) = (outgoing.medium, outgoing.destination.clone());
    deliver(ep, outgoing, client.app.client_id(), &client_metadata(body))?;
    let attribute = if medium == "EMAIL" {
        "email"
    } else {
        "phone_number"
    };
    Ok(
        json!({ "CodeDeliveryDetails": { "Destination": masked(medium, &destination),
        "DeliveryMedium": medium, "AttributeName": attribute } }),
    )
}

/// Makes `username` of `pool_id` a fresh password-reset code (to the email
/// address, else the phone number) and keeps it with the user: the message
/// to deliver once the state is released.
fn send_reset_code(state: &mut State, pool_id: &str, username: &str) -> Result<Outgoing, ApiError> {
    let code = from_alphabet(b"0123456789", 6);
    let now = Utc::now().timestamp();
    let user = state
        .pools
        .get_mut(pool_id)
        .and_then(|pool| pool.user_mut(username))
        .ok_or_else(no_such_user)?;
    let (medium, destination) = code_destination(&user.attributes, "EMAIL_OTP")
        .or_else(|| code_destination(&user.attributes, "SMS_OTP"))
        .ok_or_else(|| {
            invalid_parameter(
                "Cannot reset password for the user as there is no registered/verified email \
                 or phone_number",
            )
        })?;
    user.reset_code = Some((
        Zeroizing::new(code.clone()),
        now + RESET_CODE_LIFETIME.as_secs() as i64,
    ));
    Ok(Outgoing {
        pool_id: pool_id.to_owned(),
        username: user.username.clone(),
        purpose: "FORGOT_PASSWORD",
        medium,
        destination,
        code,
        lifetime: RESET_CODE_LIFETIME,
        trigger_source: "CustomMessage_ForgotPassword",
        invited_as: None,
    })
}

/// `AdminResetUserPassword`: the user goes to `RESET_REQUIRED` and is sent
/// a reset code (as `ForgotPassword` sends it); sign-in is then refused
/// with `PasswordResetRequiredException` until `ConfirmForgotPassword`.
/// A user who has not yet chosen a password (`UNCONFIRMED`,
/// `FORCE_CHANGE_PASSWORD`) cannot be reset (`NotAuthorizedException`).
pub(crate) fn admin_reset_user_password(ep: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    let mut state = ep.state();
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let user = pool.user_mut(username).ok_or_else(no_such_user)?;
    if !user.confirmed || user.force_change_password {
        return Err(err(
            "NotAuthorizedException",
            "User password cannot be reset in the current state.",
        ));
    }
    let real = user.username.clone();
    let outgoing = send_reset_code(&mut state, pool_id, &real)?;
    let user = state
        .pools
        .get_mut(pool_id)
        .and_then(|pool| pool.user_mut(&real))
        .ok_or_else(no_such_user)?;
    user.reset_required = true;
    user.last_modified = Utc::now().timestamp();
    drop(state);
    deliver(
        ep,
        outgoing,
        "CLIENT_ID_NOT_APPLICABLE",
        &client_metadata(body),
    )?;
    Ok(json!({}))
}

/// `ConfirmForgotPassword`: the code (compared in constant time, one hour
/// valid) and a new password that meets the pool's policy.
pub(crate) fn confirm_forgot_password(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    let code = field(body, "ConfirmationCode")?;
    let password = field(body, "Password")?;
    client.check_secret_hash(username, body.get("SecretHash").and_then(Value::as_str))?;
    let (pool_id, policy, real) = {
        let state = ep.state();
        let pool = state.pools.get(&client.pool_id).ok_or_else(no_such_user)?;
        let user = pool.user(username).ok_or_else(no_such_user)?;
        (
            pool.id.clone(),
            pool.password_policy.clone(),
            user.username.clone(),
        )
    };
    policy.check_member(password, "password")?;
    let verifier = StoredVerifier::register_user(&pool_id, &real, &Password::new(password))
        .map_err(from_srp)?;
    let now = Utc::now().timestamp();
    let mut state = ep.state();
    let user = state
        .pools
        .get_mut(&client.pool_id)
        .and_then(|p| p.user_mut(&real))
        .ok_or_else(no_such_user)?;
    let mismatch = || {
        err(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        )
    };
    let (expected, expires) = user.reset_code.as_ref().ok_or_else(mismatch)?;
    if !bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
        return Err(mismatch());
    }
    if *expires <= now {
        user.reset_code = None;
        return Err(err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        ));
    }
    user.reset_code = None;
    user.verifier = Some(verifier);
    user.set_permanent_password();
    user.reset_required = false;
    user.last_modified = now;
    drop(state);
    post_confirmation(
        ep,
        &client.pool_id,
        client.app.client_id(),
        &real,
        "PostConfirmation_ConfirmForgotPassword",
    )?;
    Ok(json!({}))
}
