//! Sign-up and user management: `SignUp`, `AdminConfirmSignUp`,
//! `AdminCreateUser`, `AdminSetUserPassword`.

use cognito_srp::{Password, StoredVerifier};
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, from_srp, no_such_pool, no_such_user};
use crate::input::{check_username, field, optional_bool};
use crate::model::user::User;
use crate::ops::attributes::{alias_exists, new_user_attributes};
use crate::ops::triggers::{post_confirmation, pre_sign_up};
use crate::ops::verification::sign_up_code;
use crate::random::token;

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
    } else if let Some(delivery) = sign_up_code(ep, &client.pool_id, &sub)? {
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
/// `TemporaryPassword`. The username and the attributes follow the pool's
/// sign-in rules as at `SignUp` (`UsernameAttributes`, `AliasAttributes`,
/// the schema), except that an administrator may set the `_verified`
/// flags; a verified alias another user has is `AliasExistsException`
/// unless `ForceAliasCreation` moves it.
pub(crate) fn admin_create_user(ep: &Endpoint, body: &Value) -> ApiResult {
    let pool_id = field(body, "UserPoolId")?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    let force_alias = optional_bool(body, "ForceAliasCreation")?.unwrap_or(false);
    let attributes = {
        let state = ep.state();
        let pool = state
            .pools
            .get(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        new_user_attributes(pool, username, body, true)?
    };
    // With no TemporaryPassword, Cognito makes one up and mails it; here
    // nobody learns it, and AdminSetUserPassword gives the user one.
    let temporary = match body.get("TemporaryPassword").and_then(Value::as_str) {
        Some(password) => {
            password_policy(ep, pool_id)?.check_member(password, "temporaryPassword")?;
            password.to_owned()
        }
        None => token(),
    };
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
    ep.create_user_with(pool_id, username, &temporary, true, force_alias, |user| {
        user.force_change_password = true;
        user.attributes.extend(attributes);
        real = user.username.clone();
        listed.push(json!({ "Name": "sub", "Value": user.sub }));
        listed.extend(
            user.attributes
                .iter()
                .map(|(name, value)| json!({ "Name": name, "Value": value })),
        );
    })?;
    Ok(
        json!({ "User": { "Username": real, "Enabled": true, "UserStatus": "FORCE_CHANGE_PASSWORD",
        "Attributes": listed } }),
    )
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
    admin_user(ep, body, |user| {
        user.verifier = Some(verifier);
        user.confirmed = true;
        user.force_change_password = !permanent;
        user.reset_required = false;
    })?;
    Ok(json!({}))
}
