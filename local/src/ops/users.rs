//! Sign-up and user management: `SignUp`, `AdminConfirmSignUp`,
//! `AdminCreateUser`, `AdminSetUserPassword`.

use std::time::Duration;

use cognito_srp::{Password, StoredVerifier};
use serde_json::{Value, json};

use crate::Endpoint;

use crate::error::{
    ApiError, ApiResult, err, from_srp, invalid_parameter, no_such_pool, no_such_user,
};
use crate::input::{check_username, field, optional_bool};
use crate::model::sms;
use crate::model::user::User;
use crate::ops::attributes::{alias_exists, new_user_attributes};
use crate::ops::flows::code_destination;
use crate::ops::messages::{Outgoing, deliver};
use crate::ops::triggers::{client_metadata, post_confirmation, pre_sign_up};
use crate::ops::verification::sign_up_code;

pub(crate) fn sign_up(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    let password = field(body, "Password")?;
    client.check_secret_hash(username, body.get("SecretHash").and_then(Value::as_str))?;
    password_policy(ep, &client.pool_id)?.check(password)?;
    let attributes = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(|| no_such_pool(&client.pool_id))?;
        let attributes = new_user_attributes(pool, username, body, false)?;
        // A preferred_username alias another user signs in with (an email
        // taken in an email-as-username pool is UsernameExistsException).
        let proposed = attributes.iter().cloned().collect();
        if pool.username_attributes.is_empty()
            && let Some((_, taken)) = pool.alias_conflict(usize::MAX, &proposed)
        {
            return Err(alias_exists(&taken));
        }
        attributes
    };
    let decision = pre_sign_up(
        ep,
        &client.pool_id,
        client.app.client_id(),
        username,
        "PreSignUp_SignUp",
        body,
    )?;
    let sub = ep.create_user(
        &client.pool_id,
        username,
        password,
        decision.auto_confirm_user,
        |user| {
            user.attributes.extend(attributes);
            // Auto-verification needs the attribute present.
            for (wanted, attribute) in [
                (decision.auto_verify_email, "email"),
                (decision.auto_verify_phone, "phone_number"),
            ] {
                if wanted && user.attributes.contains_key(attribute) {
                    user.attributes
                        .insert(format!("{attribute}_verified"), "true".into());
                }
            }
        },
    )?;
    let mut out = json!({ "UserConfirmed": decision.auto_confirm_user, "UserSub": sub });
    if decision.auto_confirm_user {
        post_confirmation(
            ep,
            &client.pool_id,
            client.app.client_id(),
            &sub,
            "PostConfirmation_ConfirmSignUp",
        )?;
    } else if let Some(delivery) = sign_up_code(
        ep,
        &client.pool_id,
        &sub,
        client.app.client_id(),
        &client_metadata(body),
    )? {
        // On a pool with AutoVerifiedAttributes, a code for ConfirmSignUp.
        // It goes out under a second hold of the state: a crash between the
        // two leaves a user without a code, who asks ResendConfirmationCode.
        out["CodeDeliveryDetails"] = delivery;
    }
    Ok(out)
}

/// Runs `f` on the user named by `UserPoolId` and `Username`.
pub(crate) fn admin_user<T>(
    ep: &Endpoint,
    body: &Value,
    f: impl FnOnce(&mut User) -> T,
) -> Result<T, ApiError> {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    let mut state = ep.state();
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    let user = pool.user_mut(username).ok_or_else(no_such_user)?;
    Ok(f(user))
}

pub(crate) fn admin_confirm_sign_up(ep: &Endpoint, body: &Value) -> ApiResult {
    let real = admin_user(ep, body, |user| {
        user.confirmed = true;
        user.username.clone()
    })?;
    post_confirmation(
        ep,
        field(body, "UserPoolId")?,
        "CLIENT_ID_NOT_APPLICABLE",
        &real,
        "PostConfirmation_ConfirmSignUp",
    )?;
    Ok(json!({}))
}

/// `AdminCreateUser`: a user in `FORCE_CHANGE_PASSWORD` with
/// `TemporaryPassword` (or one made up), and an invitation that carries it
/// (unless `MessageAction` is `SUPPRESS`). The username and the attributes
/// follow the pool's sign-in rules as at `SignUp` (`UsernameAttributes`,
/// `AliasAttributes`, the schema), except that an administrator may set
/// the `_verified` flags; a verified alias another user has is
/// `AliasExistsException` unless `ForceAliasCreation` moves it.
/// `MessageAction` `RESEND` gives a user still in `FORCE_CHANGE_PASSWORD`
/// a new temporary password and invitation.
pub(crate) fn admin_create_user(ep: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    let action = body.get("MessageAction").and_then(Value::as_str);
    let mediums = invitation_mediums(body)?;
    if !matches!(action, None | Some("SUPPRESS" | "RESEND")) {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'messageAction' failed to satisfy constraint: \
             Member must satisfy enum value set: [RESEND, SUPPRESS]",
        ));
    }
    if action == Some("RESEND") {
        return resend_invitation(ep, body, pool_id, username, &mediums);
    }
    let force_alias = optional_bool(body, "ForceAliasCreation")?.unwrap_or(false);
    let attributes = {
        let state = ep.state();
        let pool = state
            .pools
            .get(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        new_user_attributes(pool, username, body, true)?
    };
    let temporary = temporary_password(ep, pool_id, body)?;
    // Cognito ignores the answer here; a failing function still refuses the user.
    pre_sign_up(
        ep,
        pool_id,
        "CLIENT_ID_NOT_APPLICABLE",
        username,
        "PreSignUp_AdminCreateUser",
        body,
    )?;
    let mut listed = Vec::new();
    let mut real = String::new();
    let now = ep.clock().unix_seconds();
    ep.create_user_with(pool_id, username, &temporary, true, force_alias, |user| {
        user.set_temporary_password(now);
        user.attributes.extend(attributes);
        real = user.username.clone();
        listed.push(json!({ "Name": "sub", "Value": user.sub }));
        listed.extend(
            user.attributes
                .iter()
                .map(|(name, value)| json!({ "Name": name, "Value": value })),
        );
    })?;
    if action != Some("SUPPRESS") {
        invite(ep, body, pool_id, &real, username, &temporary, &mediums)?;
    }
    Ok(
        json!({ "User": { "Username": real, "Enabled": true, "UserStatus": "FORCE_CHANGE_PASSWORD",
        "Attributes": listed } }),
    )
}

/// `TemporaryPassword`, checked by the pool's policy, or one made up that
/// the policy accepts (the invitation tells it).
fn temporary_password(ep: &Endpoint, pool_id: &str, body: &Value) -> Result<String, ApiError> {
    let policy = password_policy(ep, pool_id)?;
    match body.get("TemporaryPassword").and_then(Value::as_str) {
        Some(password) => {
            policy.check_member(password, "temporaryPassword")?;
            Ok(password.to_owned())
        }
        None => Ok(policy.temporary_password()),
    }
}

/// `DesiredDeliveryMediums` (`SMS` when absent, as Cognito's default).
fn invitation_mediums(body: &Value) -> Result<Vec<&'static str>, ApiError> {
    let Some(list) = body.get("DesiredDeliveryMediums").and_then(Value::as_array) else {
        return Ok(vec!["SMS"]);
    };
    list.iter()
        .map(|medium| match medium.as_str() {
            Some("SMS") => Ok("SMS"),
            Some("EMAIL") => Ok("EMAIL"),
            _ => Err(invalid_parameter(
                "1 validation error detected: Value at 'desiredDeliveryMediums' failed to \
                 satisfy constraint: Member must satisfy constraint: [Member must satisfy enum \
                 value set: [SMS, EMAIL]]",
            )),
        })
        .collect()
}

/// Sends the invitation of the user `real` (created as `invited_as`) with
/// its temporary password, by each of `mediums` the user has an address or
/// number for (none: nothing is sent; SMS only from a pool that can send
/// SMS).
fn invite(
    ep: &Endpoint,
    body: &Value,
    pool_id: &str,
    real: &str,
    invited_as: &str,
    temporary: &str,
    mediums: &[&'static str],
) -> Result<(), ApiError> {
    let (attributes, validity_days, can_text) = {
        let state = ep.state();
        let pool = state
            .pools
            .get(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        let user = pool.user(real).ok_or_else(no_such_user)?;
        (
            user.attributes.clone(),
            pool.password_policy.temporary_password_validity_days,
            sms::check_can_send(&pool.settings).is_ok(),
        )
    };
    let days = if validity_days == 0 { 7 } else { validity_days };
    for medium in mediums {
        let factor = if *medium == "SMS" {
            "SMS_OTP"
        } else {
            "EMAIL_OTP"
        };
        let Some((medium, destination)) = code_destination(&attributes, factor) else {
            continue;
        };
        // A pool without a usable SmsConfiguration sends no SMS invitation
        // (and creating the user is not refused for it).
        if medium == "SMS" && !can_text {
            continue;
        }
        let outgoing = Outgoing {
            pool_id: pool_id.to_owned(),
            username: real.to_owned(),
            purpose: "TEMPORARY_PASSWORD",
            medium,
            destination,
            code: temporary.to_owned(),
            lifetime: Duration::from_secs(u64::from(days) * 86_400),
            trigger_source: "CustomMessage_AdminCreateUser",
            invited_as: Some(invited_as.to_owned()),
        };
        deliver(
            ep,
            outgoing,
            "CLIENT_ID_NOT_APPLICABLE",
            &client_metadata(body),
        )?;
    }
    Ok(())
}

/// `AdminCreateUser` with `MessageAction` `RESEND`: a user who has not yet
/// signed in (`FORCE_CHANGE_PASSWORD`) gets a new temporary password and
/// its invitation.
fn resend_invitation(
    ep: &Endpoint,
    body: &Value,
    pool_id: &str,
    username: &str,
    mediums: &[&'static str],
) -> ApiResult {
    let pool = ep.pool_id(pool_id)?;
    let temporary = temporary_password(ep, pool_id, body)?;
    let real = admin_user(ep, body, |user| user.username.clone())?;
    let verifier = StoredVerifier::register_user(&pool, &real, &Password::new(&temporary))
        .map_err(from_srp)?;
    let now = ep.clock().unix_seconds();
    let user = admin_user(ep, body, |user| {
        if !user.force_change_password {
            return Err(err(
                "UnsupportedUserStateException",
                format!("Resend not possible. {real} status is not FORCE_CHANGE_PASSWORD"),
            ));
        }
        user.verifier = Some(verifier);
        // A fresh temporary password, valid for the pool's full period again.
        user.set_temporary_password(now);
        let mut listed = vec![json!({ "Name": "sub", "Value": user.sub })];
        listed.extend(
            user.attributes
                .iter()
                .map(|(name, value)| json!({ "Name": name, "Value": value })),
        );
        Ok(json!({ "Username": user.username, "Enabled": user.enabled,
                   "UserStatus": "FORCE_CHANGE_PASSWORD", "Attributes": listed }))
    })??;
    invite(ep, body, pool_id, &real, username, &temporary, mediums)?;
    Ok(json!({ "User": user }))
}

/// The password policy of an existing pool.
fn password_policy(
    ep: &Endpoint,
    pool_id: &str,
) -> Result<crate::password_policy::PasswordPolicy, ApiError> {
    ep.state()
        .pools
        .get(pool_id)
        .map(|p| p.password_policy.clone())
        .ok_or_else(|| no_such_pool(pool_id))
}

/// `AdminSetUserPassword`: `Permanent` sets the password for good;
/// otherwise it is temporary and the next sign-in must replace it
/// (`NEW_PASSWORD_REQUIRED`).
pub(crate) fn admin_set_user_password(ep: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = field(body, "UserPoolId")?;
    let pool = ep.pool_id(pool_id)?;
    let password = field(body, "Password")?.to_owned();
    // A boolean when present: the body was read by type (crate::shape).
    let permanent = body
        .get("Permanent")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    password_policy(ep, pool_id)?.check(&password)?;
    let real_username = admin_user(ep, body, |user| user.username.clone())?;
    let verifier = StoredVerifier::register_user(&pool, &real_username, &Password::new(password))
        .map_err(from_srp)?;
    let now = ep.clock().unix_seconds();
    admin_user(ep, body, |user| {
        user.verifier = Some(verifier);
        user.confirmed = true;
        if permanent {
            user.set_permanent_password();
        } else {
            user.set_temporary_password(now);
        }
        user.reset_required = false;
    })?;
    Ok(json!({}))
}
