//! The codes that confirm a sign-up or verify an email or phone number:
//! `ConfirmSignUp`, `ResendConfirmationCode`,
//! `GetUserAttributeVerificationCode`, `VerifyUserAttribute`, and the code
//! `SignUp` sends on a pool with `AutoVerifiedAttributes`.
//!
//! A code is six random digits from the OS generator, valid 24 hours (the
//! endpoint's clock), kept with the user (a newer one replaces it) and
//! delivered through the local code channel (`GET /_local/codes/<pool
//! id>/<username>`, purpose `CONFIRM_SIGN_UP` or `VERIFY_ATTRIBUTE`, and a
//! line on standard error).

use std::time::Duration;

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_user};
use crate::input::{check_username, field, optional_bool};
use crate::model::State;
use crate::model::code::{CODE_LIFETIME_SECS, CodePurpose, CodeRefusal, SentCode};
use crate::model::pool::{Client, Pool};
use crate::ops::attributes::{alias_exists, position, token_user, token_user_and_client};
use crate::ops::directory::user_status;
use crate::ops::flows::masked;
use crate::ops::messages::{Outgoing, deliver};
use crate::ops::triggers::{client_metadata, post_confirmation};
use crate::random::from_alphabet;

/// The digits of a code.
const CODE_DIGITS: usize = 6;

/// `UserNotFoundException` as Cognito words it for the calls that name a
/// user through an app client.
fn not_found_for_client() -> ApiError {
    err(
        "UserNotFoundException",
        "Username/client id combination not found.",
    )
}

fn mismatch() -> ApiError {
    err(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
}

/// A refused code in Cognito's words.
fn refused(refusal: CodeRefusal) -> ApiError {
    match refusal {
        CodeRefusal::Mismatch => mismatch(),
        CodeRefusal::Expired => err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        ),
        CodeRefusal::TooManyTries => err(
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
        ),
    }
}

/// A `ConfirmationCodeType` (1 to 2048 non-space characters) or a
/// `Code` of `VerifyUserAttribute`.
fn code_field<'a>(body: &'a Value, name: &str, member: &str) -> Result<&'a str, ApiError> {
    let code = field(body, name)?;
    if code.is_empty() || code.chars().count() > 2048 || code.chars().any(char::is_whitespace) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\S]+"
        )));
    }
    Ok(code)
}

/// The medium a code for `attribute` goes by.
fn medium(attribute: &str) -> Option<&'static str> {
    match attribute {
        "email" => Some("EMAIL"),
        "phone_number" => Some("SMS"),
        _ => None,
    }
}

/// The `CodeDeliveryDetails` of a delivery that never happens, for an
/// unknown user under `PreventUserExistenceErrors`.
fn simulated_delivery() -> Value {
    json!({ "CodeDeliveryDetails": { "Destination": "u***@e***", "DeliveryMedium": "EMAIL",
            "AttributeName": "email" } })
}

/// Makes a fresh code for `purpose` to `attribute` of the user at `index`
/// of `pool_id` and keeps it with the user: its `CodeDeliveryDetails`, and
/// the message to deliver ([`deliver`]) once the state is released, with
/// the `CustomMessage` trigger source `trigger_source`.
pub(crate) fn send_code(
    state: &mut State,
    pool_id: &str,
    index: usize,
    purpose: CodePurpose,
    attribute: &str,
    now: i64,
    trigger_source: &'static str,
) -> Result<(Value, Outgoing), ApiError> {
    let medium = medium(attribute).ok_or_else(|| {
        invalid_parameter(format!("Verification is not supported for {attribute}."))
    })?;
    let user = state
        .pools
        .get_mut(pool_id)
        .and_then(|p| p.users.get_mut(index))
        .ok_or_else(no_such_user)?;
    let destination = user
        .attributes
        .get(attribute)
        .filter(|v| !v.is_empty())
        .cloned()
        .ok_or_else(|| invalid_parameter(format!("The user has no {attribute}.")))?;
    let code = from_alphabet(b"0123456789", CODE_DIGITS);
    let label = match purpose {
        CodePurpose::SignUp => "CONFIRM_SIGN_UP",
        CodePurpose::Attribute(_) => "VERIFY_ATTRIBUTE",
    };
    user.codes
        .insert(purpose, SentCode::new(&code, attribute, &destination, now));
    let details = json!({ "Destination": masked(medium, &destination), "DeliveryMedium": medium,
                          "AttributeName": attribute });
    let outgoing = Outgoing {
        pool_id: pool_id.to_owned(),
        username: user.username.clone(),
        purpose: label,
        medium,
        destination,
        code,
        lifetime: Duration::from_secs(CODE_LIFETIME_SECS as u64),
        trigger_source,
        invited_as: None,
    };
    Ok((details, outgoing))
}

/// Where a sign-up confirmation code goes for the user at `index`: the
/// pool's auto-verified phone number, else its email, if the user has it.
fn sign_up_attribute(pool: &Pool, index: usize) -> Option<&'static str> {
    let user = &pool.users[index];
    ["phone_number", "email"].into_iter().find(|attribute| {
        pool.settings
            .auto_verified_attributes
            .iter()
            .any(|a| a == attribute)
            && user
                .attributes
                .get(*attribute)
                .is_some_and(|v| !v.is_empty())
    })
}

/// The code `SignUp` (through `client_id`, with its `client_metadata`)
/// sends the user `username` of `pool_id` on a pool with
/// `AutoVerifiedAttributes`: its `CodeDeliveryDetails`, or `None` when the
/// pool verifies nothing the user has.
pub(crate) fn sign_up_code(
    ep: &Endpoint,
    pool_id: &str,
    username: &str,
    client_id: &str,
    client_metadata: &Value,
) -> Result<Option<Value>, ApiError> {
    let now = ep.clock().unix_seconds();
    let (details, outgoing) = {
        let mut state = ep.state();
        let pool = state.pools.get(pool_id).ok_or_else(no_such_user)?;
        let index = pool.index_of(username).ok_or_else(no_such_user)?;
        let Some(attribute) = sign_up_attribute(pool, index) else {
            return Ok(None);
        };
        send_code(
            &mut state,
            pool_id,
            index,
            CodePurpose::SignUp,
            attribute,
            now,
            "CustomMessage_SignUp",
        )?
    };
    deliver(ep, outgoing, client_id, client_metadata)?;
    Ok(Some(details))
}

/// The app client of the request, with `Username` checked and its
/// `SECRET_HASH`, if the client has a secret.
fn client_and_username<'a>(ep: &Endpoint, body: &'a Value) -> Result<(Client, &'a str), ApiError> {
    let client = ep.client(field(body, "ClientId")?)?;
    let username = field(body, "Username")?;
    check_username(username, "username")?;
    client.check_secret_hash(username, body.get("SecretHash").and_then(Value::as_str))?;
    Ok((client, username))
}

/// Marks `attribute` verified on the user at `index` of `pool`; a name
/// another user signs in with is `AliasExistsException`, unless `force`
/// moves it (the other user's copy is then unverified).
fn mark_verified(
    pool: &mut Pool,
    index: usize,
    attribute: &str,
    force: bool,
    now: i64,
) -> Result<(), ApiError> {
    let mut next = pool.users[index].attributes.clone();
    next.insert(format!("{attribute}_verified"), "true".to_owned());
    if let Some((other, taken)) = pool.alias_conflict(index, &next) {
        let movable = force && pool.username_attributes.is_empty() && medium(&taken).is_some();
        if !movable {
            return Err(alias_exists(&taken));
        }
        let mut theirs = pool.users[other].attributes.clone();
        theirs.insert(format!("{taken}_verified"), "false".to_owned());
        pool.replace_attributes(other, theirs, now);
        if let Some((_, taken)) = pool.alias_conflict(index, &next) {
            return Err(alias_exists(&taken));
        }
    }
    pool.replace_attributes(index, next, now);
    Ok(())
}

/// `ConfirmSignUp`: the code `SignUp` or `ResendConfirmationCode` sent;
/// the user is confirmed and the attribute the code went to verified.
pub(crate) fn confirm_sign_up(ep: &Endpoint, body: &Value) -> ApiResult {
    let (client, username) = client_and_username(ep, body)?;
    let code = code_field(body, "ConfirmationCode", "confirmationCode")?;
    let force = optional_bool(body, "ForceAliasCreation")?.unwrap_or(false);
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let pool = state
        .pools
        .get_mut(&client.pool_id)
        .ok_or_else(not_found_for_client)?;
    let Some(index) = pool.index_of(username) else {
        // Under PreventUserExistenceErrors an unknown user's code is just wrong.
        return Err(match client.prevent_user_existence_errors {
            true => mismatch(),
            false => not_found_for_client(),
        });
    };
    let user = &mut pool.users[index];
    if user.confirmed {
        return Err(err(
            "NotAuthorizedException",
            format!(
                "User cannot be confirmed. Current status is {}",
                user_status(user)
            ),
        ));
    }
    let sent = user
        .codes
        .get_mut(&CodePurpose::SignUp)
        .ok_or_else(mismatch)?;
    sent.check(code, now).map_err(refused)?;
    let attribute = sent.attribute.clone();
    let still_there = user.attributes.get(&attribute) == Some(&sent.destination);
    if still_there {
        mark_verified(pool, index, &attribute, force, now)?;
    }
    let user = &mut pool.users[index];
    user.codes.remove(&CodePurpose::SignUp);
    user.confirmed = true;
    user.last_modified = now;
    let real = user.username.clone();
    // The trigger is called with the state unlocked: it is a network call.
    drop(state);
    post_confirmation(
        ep,
        &client.pool_id,
        client.app.client_id(),
        &real,
        "PostConfirmation_ConfirmSignUp",
    )?;
    Ok(json!({}))
}

/// `ResendConfirmationCode`: a new sign-up code for an unconfirmed user.
pub(crate) fn resend_confirmation_code(ep: &Endpoint, body: &Value) -> ApiResult {
    let (client, username) = client_and_username(ep, body)?;
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let pool = state
        .pools
        .get(&client.pool_id)
        .ok_or_else(not_found_for_client)?;
    let Some(index) = pool.index_of(username) else {
        return match client.prevent_user_existence_errors {
            true => Ok(simulated_delivery()),
            false => Err(not_found_for_client()),
        };
    };
    if pool.users[index].confirmed {
        return Err(invalid_parameter("User is already confirmed."));
    }
    if pool.settings.auto_verified_attributes.is_empty() {
        return Err(invalid_parameter("Auto verification not turned on."));
    }
    let attribute = sign_up_attribute(pool, index).ok_or_else(|| {
        invalid_parameter(
            "Cannot send a confirmation code: the user has no email or phone_number that the \
             pool verifies.",
        )
    })?;
    let (details, outgoing) = send_code(
        &mut state,
        &client.pool_id,
        index,
        CodePurpose::SignUp,
        attribute,
        now,
        "CustomMessage_ResendCode",
    )?;
    drop(state);
    deliver(ep, outgoing, client.app.client_id(), &client_metadata(body))?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

/// The `AttributeName` of a verification call: `email` or `phone_number`.
fn verifiable_attribute(body: &Value) -> Result<&str, ApiError> {
    let name = field(body, "AttributeName")?;
    medium(name)
        .map(|_| name)
        .ok_or_else(|| invalid_parameter(format!("Verification is not supported for {name}.")))
}

/// `GetUserAttributeVerificationCode`: a code to the user's email or phone
/// number, for `VerifyUserAttribute`.
pub(crate) fn get_user_attribute_verification_code(ep: &Endpoint, body: &Value) -> ApiResult {
    let attribute = verifiable_attribute(body)?.to_owned();
    let (pool_id, sub, client_id) = token_user_and_client(ep, body)?;
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let index = position(&state, &pool_id, &sub)?;
    let purpose = CodePurpose::Attribute(attribute.clone());
    let (details, outgoing) = send_code(
        &mut state,
        &pool_id,
        index,
        purpose,
        &attribute,
        now,
        "CustomMessage_VerifyUserAttribute",
    )?;
    drop(state);
    deliver(ep, outgoing, &client_id, &client_metadata(body))?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

/// `VerifyUserAttribute`: the code of the attribute's last verification
/// code; the attribute is then verified (and, in a pool with it as an
/// alias, signs the user in).
pub(crate) fn verify_user_attribute(ep: &Endpoint, body: &Value) -> ApiResult {
    let attribute = verifiable_attribute(body)?.to_owned();
    let code = code_field(body, "Code", "code")?;
    let (pool_id, sub) = token_user(ep, body)?;
    let now = ep.clock().unix_seconds();
    let mut state = ep.state();
    let index = position(&state, &pool_id, &sub)?;
    let pool = state.pools.get_mut(&pool_id).ok_or_else(no_such_user)?;
    let purpose = CodePurpose::Attribute(attribute.clone());
    let user = &mut pool.users[index];
    let sent = user.codes.get_mut(&purpose).ok_or_else(mismatch)?;
    sent.check(code, now).map_err(refused)?;
    // A code verifies the address it went to, not one set since.
    if user.attributes.get(&attribute) != Some(&sent.destination) {
        user.codes.remove(&purpose);
        return Err(mismatch());
    }
    mark_verified(pool, index, &attribute, false, now)?;
    pool.users[index].codes.remove(&purpose);
    Ok(json!({}))
}
