//! The steps of a sign-in around its SRP proof: `USER_AUTH` and its
//! `SELECT_CHALLENGE`, and what follows a verified `PASSWORD_VERIFIER`:
//! `NEW_PASSWORD_REQUIRED` for a temporary password, `DEVICE_SRP_AUTH` for a
//! remembered device, the MFA (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`,
//! or `SELECT_MFA_TYPE` to choose among them) of a user with MFA on, the pool's
//! `CUSTOM_CHALLENGE` for `CUSTOM_AUTH`, then the tokens.
//!
//! Every challenge here carries a `Session` bound to the pool, the app
//! client, the user's real username and the challenge's name, answered once
//! ([`crate::model::session`]). A remembered device stands in for MFA, as with a
//! pool whose "remember devices" suppresses MFA.

use std::collections::{BTreeMap, HashMap};

use subtle::ConstantTimeEq;

use cognito_srp::{Password, StoredVerifier};
use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, err, from_srp, invalid_parameter, no_such_device, no_such_user,
    not_authorized, user_disabled,
};
use crate::input::{check_username, optional_field, required};
use crate::model::pool::{Client, MfaConfiguration, PoolSettings};
use crate::model::session::{SessionBinding, invalid_session};
use crate::model::signin::{Flow, SignInProgress};
use crate::model::sms;
use crate::model::user::{MFA_FACTORS, User};
use crate::ops::custom_auth::{after_srp, answer_lambda_challenge, unknown_answer_name};
use crate::ops::messages::{Outgoing, deliver};
use crate::ops::password::{check_password, password_sign_in};
use crate::ops::pre_token::pre_token_generation;
use crate::ops::srp::password_verifier_challenge;
use crate::ops::tokens::tokens;
use crate::ops::triggers::{client_metadata, post_authentication};
use crate::random::{from_alphabet, random_bytes};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What comes after the step just passed.
enum Next {
    NewPassword {
        user_attributes: String,
    },
    Device,
    MfaSetup,
    /// The MFA challenge of a factor: `SOFTWARE_TOKEN_MFA`, `SMS_MFA` or
    /// `EMAIL_OTP`.
    Mfa(&'static str),
    /// Several factors and none preferred: the user chooses.
    SelectMfaType(Vec<&'static str>),
    Custom(BTreeMap<String, String>),
    /// The pool's challenge triggers decide.
    LambdaCustom,
    Tokens,
}

/// Binds a session to `challenge` of `username` for `client`.
pub(crate) fn binding(client: &Client, username: &str, challenge: &'static str) -> SessionBinding {
    SessionBinding {
        pool_id: client.pool_id.clone(),
        client_id: client.app.client_id().to_owned(),
        username: username.to_owned(),
        challenge,
    }
}

/// The real username of the user a challenge answer names (by username,
/// alias or `sub`), to check the answer's `Session` against.
fn real_username(
    ep: &Endpoint,
    client: &Client,
    responses: &HashMap<String, String>,
) -> Result<String, ApiError> {
    let named = required(responses, "USERNAME")?;
    let state = ep.state();
    state
        .pools
        .get(&client.pool_id)
        .and_then(|p| p.real_username(named))
        // An unknown name cannot match a session: the answer is refused as one.
        .ok_or_else(invalid_session)
}

/// The real username an answer to `challenge` names, and the sign-in its
/// `Session` carries, taken: a session answers once, right or wrong.
fn answered(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
    challenge: &'static str,
) -> Result<(String, SignInProgress), ApiError> {
    let username = real_username(ep, client, responses)?;
    let progress = ep.take_session(body, &binding(client, &username, challenge))?;
    Ok((username, progress))
}

/// Issues the next challenge of a sign-in, or ends it with tokens.
///
/// `client_metadata` is the `ClientMetadata` of the `RespondToAuthChallenge`
/// (or admin) answer that led here, which the challenge triggers, post
/// authentication and pre token generation see; a step straight from
/// `InitiateAuth` passes `{}`, as its `ClientMetadata` reaches none of them.
pub(crate) fn next_step(
    ep: &Endpoint,
    client: &Client,
    progress: SignInProgress,
    client_metadata: &Value,
) -> ApiResult {
    let now = ep.clock().unix_seconds();
    let (username, next) = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(not_authorized)?;
        let user = pool.user(&progress.sub).ok_or_else(no_such_user)?;
        // Only once the factor passed (a wrong password is refused as
        // such), an administrator's reset stops the sign-in.
        if user.reset_required {
            return Err(err(
                "PasswordResetRequiredException",
                "Password reset required for the user",
            ));
        }
        // Likewise a temporary password older than the pool allows: only an
        // administrator can give a new one (AdminCreateUser RESEND,
        // AdminSetUserPassword).
        if !progress.new_password_done
            && user.temporary_password_expired(
                pool.password_policy.temporary_password_validity_days,
                now,
            )
        {
            return Err(err(
                "NotAuthorizedException",
                "Temporary password has expired and must be reset by an administrator.",
            ));
        }
        let remembered_device = match (&progress.device_key, progress.device_done) {
            (Some(key), false) => match user.devices.get(key) {
                None => return Err(no_such_device()),
                Some(device) => device.verifier.is_some() && device.remembered,
            },
            _ => false,
        };
        let mfa_factors = mfa_factors(&pool.settings, user);
        let next = if user.force_change_password && !progress.new_password_done {
            let attributes: Map<String, Value> = user
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            Next::NewPassword {
                user_attributes: Value::Object(attributes).to_string(),
            }
        } else if remembered_device {
            Next::Device
        } else if !progress.mfa_done && !progress.device_done && !mfa_factors.is_empty() {
            // The preferred factor, the only one, or the user's choice.
            match (user.mfa.preferred_factor(), mfa_factors.as_slice()) {
                (Some(preferred), factors) if factors.contains(&preferred) => Next::Mfa(preferred),
                (_, [only]) => Next::Mfa(only),
                _ => Next::SelectMfaType(mfa_factors),
            }
        } else if pool.settings.mfa_configuration == MfaConfiguration::On
            && !progress.mfa_done
            && !progress.device_done
        {
            // MFA is required and the user has none: TOTP is what can be
            // set up here, if the pool enables it.
            if !pool.settings.software_token_mfa {
                return Err(err(
                    "MFAMethodNotFoundException",
                    "No MFA mechanism registerd in the account.",
                ));
            }
            Next::MfaSetup
        } else if matches!(progress.flow, Flow::CustomSrp | Flow::Custom)
            && !progress.custom_done
            && pool
                .settings
                .lambda_config
                .contains_key("DefineAuthChallenge")
        {
            Next::LambdaCustom
        } else if let (Flow::CustomSrp, false, Some(custom)) =
            (progress.flow, progress.custom_done, &pool.custom_challenge)
        {
            Next::Custom(custom.parameters.clone())
        } else {
            Next::Tokens
        };
        (user.username.clone(), next)
    };
    let (challenge, parameters): (&'static str, Value) = match next {
        Next::Tokens => {
            let device_key = progress
                .device_key
                .as_deref()
                .filter(|_| progress.device_done);
            let source = if progress.new_password_done {
                "TokenGeneration_NewPasswordChallenge"
            } else if progress.device_done {
                "TokenGeneration_AuthenticateDevice"
            } else {
                "TokenGeneration_Authentication"
            };
            let overrides =
                pre_token_generation(ep, client, &progress.sub, source, client_metadata)?;
            let new_device_used = progress.device_key.is_some() && !progress.device_done;
            post_authentication(ep, client, &progress.sub, new_device_used, client_metadata)?;
            return Ok(tokens(
                ep,
                client,
                &client.pool_id,
                &progress.sub,
                device_key,
                !progress.device_done,
                &overrides,
            ));
        }
        Next::LambdaCustom => return after_srp(ep, client, progress, client_metadata),
        Next::NewPassword { user_attributes } => (
            "NEW_PASSWORD_REQUIRED",
            json!({ "USER_ID_FOR_SRP": username, "userAttributes": user_attributes,
                    "requiredAttributes": "[]" }),
        ),
        Next::Device => ("DEVICE_SRP_AUTH", json!({ "USERNAME": username })),
        Next::Mfa(factor) => return mfa_challenge(ep, client, &username, progress, factor),
        Next::SelectMfaType(factors) => (
            "SELECT_MFA_TYPE",
            json!({ "MFAS_CAN_CHOOSE": json!(factors).to_string(), "USERNAME": username }),
        ),
        Next::MfaSetup => (
            "MFA_SETUP",
            json!({ "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]", "USERNAME": username }),
        ),
        Next::Custom(mut parameters) => {
            parameters.insert("USERNAME".into(), username.clone());
            ("CUSTOM_CHALLENGE", json!(parameters))
        }
    };
    let binding = binding(client, &username, challenge);
    let session = match (challenge, progress.device_key.clone()) {
        // Answered without a Session by some clients: found by device.
        ("DEVICE_SRP_AUTH", Some(device_key)) => {
            let lifetime = ep.session_lifetime(&binding.client_id);
            let now = ep.clock().instant();
            ep.state()
                .sessions
                .issue_keyed(binding, &device_key, progress, now, lifetime)?
        }
        _ => ep.issue_session(binding, progress)?,
    };
    Ok(json!({ "ChallengeName": challenge, "ChallengeParameters": parameters, "Session": session }))
}

/// The MFA factors `user` of a pool with `settings` has on and can use, in
/// the order of [`MFA_FACTORS`]: the software token as soon as it is
/// enabled; SMS and email codes while the pool allows them (its
/// `MfaConfiguration` is not `OFF` and configures the factor).
fn mfa_factors(settings: &PoolSettings, user: &User) -> Vec<&'static str> {
    MFA_FACTORS
        .into_iter()
        .filter(|factor| {
            user.mfa.is_enabled(factor)
                && (*factor == "SOFTWARE_TOKEN_MFA" || settings.allows_code_mfa(factor))
        })
        .collect()
}

/// The challenge of the MFA `factor`: `SOFTWARE_TOKEN_MFA` asks for the
/// app's code; `SMS_MFA` and `EMAIL_OTP` send one first.
fn mfa_challenge(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    progress: SignInProgress,
    factor: &'static str,
) -> ApiResult {
    match factor {
        "SMS_MFA" => send_code(
            ep,
            client,
            username,
            progress,
            factor,
            "SMS_MFA",
            MFA_CODE_DIGITS,
        ),
        "EMAIL_OTP" => send_code(
            ep,
            client,
            username,
            progress,
            factor,
            "EMAIL_MFA",
            MFA_CODE_DIGITS,
        ),
        _ => {
            let session =
                ep.issue_session(binding(client, username, "SOFTWARE_TOKEN_MFA"), progress)?;
            Ok(json!({ "ChallengeName": "SOFTWARE_TOKEN_MFA",
                       "ChallengeParameters": { "USERNAME": username }, "Session": session }))
        }
    }
}

/// `SELECT_MFA_TYPE` answered with `ANSWER`, one of its `MFAS_CAN_CHOOSE`
/// (`EMAIL_MFA` is taken for `EMAIL_OTP`, as Cognito's API reference names
/// it): that factor's challenge. Another answer is
/// `InvalidParameterException` and spends the session.
pub(crate) fn answer_select_mfa_type(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let (username, progress) = answered(ep, client, body, responses, "SELECT_MFA_TYPE")?;
    let answer = match required(responses, "ANSWER")? {
        "EMAIL_MFA" => "EMAIL_OTP",
        other => other,
    };
    let factors = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(not_authorized)?;
        let user = pool.user(&progress.sub).ok_or_else(no_such_user)?;
        mfa_factors(&pool.settings, user)
    };
    let Some(factor) = factors.into_iter().find(|f| *f == answer) else {
        return Err(invalid_parameter(format!(
            "The MFA type {answer} is not available for this user."
        )));
    };
    mfa_challenge(ep, client, &username, progress, factor)
}

/// The first factors `SELECT_CHALLENGE` offers `user` of a pool with
/// `settings`: those its `SignInPolicy` allows and the user can use
/// (`PASSWORD` allows `PASSWORD` and `PASSWORD_SRP`; a code needs an
/// address or number to go to; `WEB_AUTHN` a relying party).
fn available_challenges(settings: &PoolSettings, user: &User) -> Vec<&'static str> {
    let mut available = Vec::new();
    if settings.allows_first_factor("PASSWORD") {
        available.extend(["PASSWORD", "PASSWORD_SRP"]);
    }
    for factor in CODE_FACTORS {
        if settings.allows_first_factor(factor)
            && code_destination(&user.attributes, factor).is_some()
        {
            available.push(factor);
        }
    }
    if settings.allows_first_factor("WEB_AUTHN") && settings.web_authn.is_some() {
        available.push("WEB_AUTHN");
    }
    available
}

/// The first factors `SELECT_CHALLENGE` offers the user with `sub`.
fn available_to(ep: &Endpoint, client: &Client, sub: &str) -> Result<Vec<&'static str>, ApiError> {
    let state = ep.state();
    let pool = state
        .pools
        .get(&client.pool_id)
        .ok_or_else(not_authorized)?;
    let user = pool.user(sub).ok_or_else(no_such_user)?;
    Ok(available_challenges(&pool.settings, user))
}

/// `USER_AUTH`: straight to `PASSWORD_VERIFIER` with
/// `PREFERRED_CHALLENGE=PASSWORD_SRP` and `SRP_A`, straight past the first
/// factor with `PREFERRED_CHALLENGE=PASSWORD` and `PASSWORD`, otherwise
/// `SELECT_CHALLENGE` listing the choices this endpoint serves.
pub(crate) fn start_user_auth(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
    validation_data: &Value,
) -> ApiResult {
    let username = required(parameters, "USERNAME")?;
    check_username(username, "username")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let password_allowed = {
        let state = ep.state();
        state
            .pools
            .get(&client.pool_id)
            .is_some_and(|p| p.settings.allows_first_factor("PASSWORD"))
    };
    match parameters.get("PREFERRED_CHALLENGE").map(String::as_str) {
        Some("PASSWORD_SRP") if password_allowed => {
            let srp_a = required(parameters, "SRP_A")?;
            return password_verifier_challenge(
                ep,
                client,
                username,
                srp_a,
                parameters.get("DEVICE_KEY").cloned(),
                Flow::UserAuth,
                validation_data,
            );
        }
        Some("PASSWORD") if password_allowed => {
            return password_sign_in(ep, client, parameters, validation_data);
        }
        // Any other preference is not offered here: the choice goes back.
        _ => {}
    }
    let (real, sub, available) = {
        let state = ep.state();
        let user = state
            .pools
            .get(&client.pool_id)
            .and_then(|p| p.user(username))
            .ok_or_else(no_such_user)?;
        if !user.enabled {
            return Err(user_disabled());
        }
        if !user.confirmed {
            return Err(err("UserNotConfirmedException", "User is not confirmed."));
        }
        let available = available_challenges(&state.pools[&client.pool_id].settings, user);
        (user.username.clone(), user.sub.clone(), available)
    };
    let device_key = parameters.get("DEVICE_KEY").cloned();
    // A one-time code the user can receive is sent at once when preferred.
    if let Some(factor) = parameters
        .get("PREFERRED_CHALLENGE")
        .and_then(|p| CODE_FACTORS.into_iter().find(|f| f == p))
        && available.contains(&factor)
    {
        return send_code(
            ep,
            client,
            &real,
            SignInProgress::new(Flow::UserAuth, &sub, device_key),
            factor,
            factor,
            CODE_DIGITS,
        );
    }
    let progress = SignInProgress::new(Flow::UserAuth, &sub, device_key);
    if parameters.get("PREFERRED_CHALLENGE").map(String::as_str) == Some("WEB_AUTHN")
        && available.contains(&"WEB_AUTHN")
    {
        return web_authn_challenge(ep, client, &real, progress);
    }
    let session = ep.issue_session(binding(client, &real, "SELECT_CHALLENGE"), progress)?;
    Ok(
        json!({ "ChallengeName": "SELECT_CHALLENGE", "ChallengeParameters": {},
               "AvailableChallenges": available, "Session": session }),
    )
}

/// The first factors that send a one-time code.
const CODE_FACTORS: [&str; 2] = ["EMAIL_OTP", "SMS_OTP"];
/// The digits of a one-time code of the first factor.
const CODE_DIGITS: usize = 8;
/// The digits of an MFA code sent by SMS or email.
const MFA_CODE_DIGITS: usize = 6;

/// Where `factor`'s code goes for a user with `attributes`: the email
/// address or the phone number, with the medium.
pub(crate) fn code_destination(
    attributes: &BTreeMap<String, String>,
    factor: &str,
) -> Option<(&'static str, String)> {
    let (attribute, medium) = match factor {
        "EMAIL_OTP" => ("email", "EMAIL"),
        "SMS_OTP" | "SMS_MFA" => ("phone_number", "SMS"),
        _ => return None,
    };
    attributes
        .get(attribute)
        .filter(|v| !v.is_empty())
        .map(|v| (medium, v.clone()))
}

/// An address or number as Cognito shows it in `CODE_DELIVERY_DESTINATION`:
/// its first character, then stars (`a***@e***`, `+*******0008`).
pub(crate) fn masked(medium: &str, destination: &str) -> String {
    match (medium, destination.split_once('@')) {
        ("EMAIL", Some((local, domain))) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        _ => {
            let tail: String = destination
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!(
                "+{}{tail}",
                "*".repeat(destination.chars().count().saturating_sub(5))
            )
        }
    }
}

/// Sends a fresh random code of `digits` digits for the challenge `factor`
/// (`EMAIL_OTP`, `SMS_OTP` as the first factor; `SMS_MFA`, `EMAIL_OTP` as
/// MFA) to the user's address or number through the local channel, labelled
/// `purpose` there, and asks for it with a `Session` that carries it: the
/// code lives as long as that `Session` (the app client's
/// `AuthSessionValidity`).
fn send_code(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    mut progress: SignInProgress,
    factor: &'static str,
    purpose: &'static str,
    digits: usize,
) -> ApiResult {
    let destination = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(not_authorized)?;
        if factor != "EMAIL_OTP" {
            sms::check_can_send(&pool.settings)?;
        }
        pool.user(&progress.sub)
            .and_then(|user| code_destination(&user.attributes, factor))
    };
    let Some((medium, destination)) = destination else {
        return Err(invalid_parameter(format!(
            "The challenge {factor} is not available for this user."
        )));
    };
    let code = from_alphabet(b"0123456789", digits);
    progress.code = Some(code.clone());
    let session = ep.issue_session(binding(client, username, factor), progress)?;
    // The sign-in's ClientMetadata never reaches the custom message.
    let outgoing = Outgoing {
        pool_id: client.pool_id.clone(),
        username: username.to_owned(),
        purpose,
        medium,
        destination: destination.clone(),
        code,
        lifetime: ep.session_lifetime(client.app.client_id()),
        trigger_source: "CustomMessage_Authentication",
        invited_as: None,
    };
    deliver(ep, outgoing, client.app.client_id(), &json!({}))?;
    Ok(json!({ "ChallengeName": factor,
               "ChallengeParameters": { "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
                   "CODE_DELIVERY_DESTINATION": masked(medium, &destination), "USERNAME": username },
               "Session": session }))
}

/// `EMAIL_OTP`, `SMS_OTP` or `SMS_MFA` answered with `EMAIL_OTP_CODE`,
/// `SMS_OTP_CODE` or `SMS_MFA_CODE`: compared in constant time; a wrong
/// code is `CodeMismatchException` and spends the session, as a wrong
/// software-token code does. The code passes the first factor or the MFA
/// alike.
pub(crate) fn answer_code(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
    factor: &'static str,
) -> ApiResult {
    let username = real_username(ep, client, responses)?;
    let key = match factor {
        "SMS_OTP" => "SMS_OTP_CODE",
        "SMS_MFA" => "SMS_MFA_CODE",
        _ => "EMAIL_OTP_CODE",
    };
    let given = required(responses, key)?;
    let mut progress: SignInProgress =
        ep.take_session(body, &binding(client, &username, factor))?;
    // A session that holds no code (none of this challenge's does) matches
    // no answer, not even an empty one.
    let expected = progress.code.take();
    let equal = expected.as_deref().is_some_and(|expected| {
        expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    });
    if !equal {
        return Err(err(
            "CodeMismatchException",
            "Invalid code received for user",
        ));
    }
    // A code as the first factor stands in for MFA too.
    progress.mfa_done = true;
    next_step(ep, client, progress, &client_metadata(body))
}

/// `SELECT_CHALLENGE` answered with `ANSWER=PASSWORD_SRP` and `SRP_A`, or
/// `ANSWER=PASSWORD` and `PASSWORD`.
pub(crate) fn answer_select_challenge(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let (username, progress) = answered(ep, client, body, responses, "SELECT_CHALLENGE")?;
    let answer = required(responses, "ANSWER")?;
    if !available_to(ep, client, &progress.sub)?.contains(&answer) {
        return Err(invalid_parameter(format!(
            "The challenge {answer} is not available for this user."
        )));
    }
    match answer {
        "PASSWORD_SRP" => {}
        "WEB_AUTHN" => {
            // The credential may ride along, and is then answered at once.
            if let Some(credential) = responses.get("CREDENTIAL") {
                return check_credential(credential);
            }
            return web_authn_challenge(ep, client, &username, progress);
        }
        "EMAIL_OTP" | "SMS_OTP" => {
            let factor = if answer == "SMS_OTP" {
                "SMS_OTP"
            } else {
                "EMAIL_OTP"
            };
            return send_code(ep, client, &username, progress, factor, factor, CODE_DIGITS);
        }
        "PASSWORD" => {
            let password = required(responses, "PASSWORD")?;
            let sub = check_password(ep, client, &username, password, &client_metadata(body))?;
            let device_key = responses.get("DEVICE_KEY").cloned().or(progress.device_key);
            return next_step(
                ep,
                client,
                SignInProgress::new(Flow::Password, &sub, device_key),
                &client_metadata(body),
            );
        }
        other => {
            return Err(invalid_parameter(format!(
                "The challenge {other} is not available for this user."
            )));
        }
    }
    let srp_a = required(responses, "SRP_A")?;
    password_verifier_challenge(
        ep,
        client,
        &username,
        srp_a,
        responses.get("DEVICE_KEY").cloned().or(progress.device_key),
        Flow::UserAuth,
        &client_metadata(body),
    )
}

/// `NEW_PASSWORD_REQUIRED` answered with `NEW_PASSWORD` (and any
/// `userAttributes.<name>` to set): the pool's policy applies, and the
/// user leaves `FORCE_CHANGE_PASSWORD`.
pub(crate) fn answer_new_password(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let new_password = required(responses, "NEW_PASSWORD")?;
    let (pool, policy) = {
        let state = ep.state();
        let pool = state
            .pools
            .get(&client.pool_id)
            .ok_or_else(not_authorized)?;
        (pool.id.clone(), pool.password_policy.clone())
    };
    // A password the policy refuses leaves the session usable for another try.
    policy.check(new_password)?;
    let (username, mut progress) = answered(ep, client, body, responses, "NEW_PASSWORD_REQUIRED")?;
    let mut attributes = Vec::new();
    for (key, value) in responses {
        if let Some(name) = key.strip_prefix("userAttributes.") {
            if name == "sub" || name.is_empty() {
                return Err(invalid_parameter(format!(
                    "Cannot modify the non-mutable attribute {name}"
                )));
            }
            attributes.push((name.to_owned(), value.clone()));
        }
    }
    let verifier = StoredVerifier::register_user(&pool, &username, &Password::new(new_password))
        .map_err(from_srp)?;
    {
        let mut state = ep.state();
        let user = state
            .pools
            .get_mut(&client.pool_id)
            .and_then(|p| p.user_mut(&progress.sub))
            .ok_or_else(no_such_user)?;
        user.verifier = Some(verifier);
        user.set_permanent_password();
        user.confirmed = true;
        user.attributes.extend(attributes);
    }
    progress.new_password_done = true;
    next_step(ep, client, progress, &client_metadata(body))
}

/// `CUSTOM_CHALLENGE` answered with `ANSWER`.
pub(crate) fn answer_custom_challenge(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let username = match real_username(ep, client, responses) {
        // A sign-in of a name no user has goes on under
        // PreventUserExistenceErrors, bound to the decoy's id.
        Err(_) if client.prevent_user_existence_errors => {
            unknown_answer_name(client, required(responses, "USERNAME")?)?
        }
        found => found?,
    };
    let mut progress: SignInProgress =
        ep.take_session(body, &binding(client, &username, "CUSTOM_CHALLENGE"))?;
    if progress.custom_challenge.is_some() {
        return answer_lambda_challenge(ep, client, progress, responses, &client_metadata(body));
    }
    let answer = required(responses, "ANSWER")?;
    let passed = ep
        .state()
        .pools
        .get(&client.pool_id)
        .and_then(|p| p.custom_challenge.as_ref())
        .is_some_and(|c| c.accepts(answer));
    if !passed {
        return Err(not_authorized());
    }
    progress.custom_done = true;
    next_step(ep, client, progress, &client_metadata(body))
}

/// `MFA_SETUP` answered, after `AssociateSoftwareToken` and
/// `VerifySoftwareToken`, with the `Session` the latter gave: the verified
/// secret becomes the user's TOTP MFA, enabled and preferred.
pub(crate) fn answer_mfa_setup(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let (_, mut progress) = answered(ep, client, body, responses, MFA_SETUP_VERIFIED)?;
    let Some(setup) = progress.totp_setup.take() else {
        return Err(invalid_session());
    };
    {
        let mut state = ep.state();
        let user = state
            .pools
            .get_mut(&client.pool_id)
            .and_then(|p| p.user_mut(&progress.sub))
            .ok_or_else(no_such_user)?;
        user.mfa.secret = Some(setup.secret);
        user.mfa.last_step = setup.verified_step;
        user.mfa.enabled = true;
        user.mfa.preferred = true;
        user.mfa.sms_preferred = false;
        user.mfa.email_preferred = false;
    }
    progress.mfa_done = true;
    next_step(ep, client, progress, &client_metadata(body))
}

/// The challenge a session is bound to between `AssociateSoftwareToken`
/// and `VerifySoftwareToken` in `MFA_SETUP`.
pub(crate) const MFA_SETUP_ASSOCIATED: &str = "MFA_SETUP:associated";
/// The challenge a session is bound to between `VerifySoftwareToken` and
/// the `MFA_SETUP` answer.
pub(crate) const MFA_SETUP_VERIFIED: &str = "MFA_SETUP:verified";

/// `SOFTWARE_TOKEN_MFA` answered with `SOFTWARE_TOKEN_MFA_CODE`.
pub(crate) fn answer_software_token_mfa(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let (_, mut progress) = answered(ep, client, body, responses, "SOFTWARE_TOKEN_MFA")?;
    let code = required(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
    {
        let mut state = ep.state();
        let user = state
            .pools
            .get_mut(&client.pool_id)
            .and_then(|p| p.user_mut(&progress.sub))
            .ok_or_else(no_such_user)?;
        user.mfa.check_sign_in_code(code)?;
    }
    progress.mfa_done = true;
    next_step(ep, client, progress, &client_metadata(body))
}

/// The `DEVICE_SRP_AUTH` session of a sign-in: its progress.
pub(crate) fn take_device_session(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> Result<SignInProgress, ApiError> {
    let username = real_username(ep, client, responses)?;
    let device_key = required(responses, "DEVICE_KEY")?;
    let session = optional_field(body, "Session")?;
    let binding = binding(client, &username, "DEVICE_SRP_AUTH");
    let now = ep.clock().instant();
    let progress = ep
        .state()
        .sessions
        .take_keyed(session, &binding, device_key, now)?;
    if progress.device_key.as_deref() != responses.get("DEVICE_KEY").map(String::as_str) {
        return Err(no_such_device());
    }
    Ok(progress)
}

/// `WEB_AUTHN`: `CREDENTIAL_REQUEST_OPTIONS`, the WebAuthn request options
/// (`PublicKeyCredentialRequestOptionsJSON`) with a fresh random challenge,
/// a `timeout` of the challenge's lifetime (the app client's
/// `AuthSessionValidity`, in milliseconds), the pool's relying party and,
/// as this endpoint registers no passkeys, no credentials to allow.
fn web_authn_challenge(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    progress: SignInProgress,
) -> ApiResult {
    let web_authn = {
        let state = ep.state();
        state
            .pools
            .get(&client.pool_id)
            .and_then(|p| p.settings.web_authn.clone())
            .ok_or_else(not_authorized)?
    };
    let challenge = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let options = json!({
        "challenge": challenge,
        "timeout": ep.session_lifetime(client.app.client_id()).as_millis() as u64,
        "rpId": web_authn.relying_party_id,
        "allowCredentials": [],
        "userVerification": web_authn.user_verification,
    });
    let session = ep.issue_session(binding(client, username, "WEB_AUTHN"), progress)?;
    Ok(json!({ "ChallengeName": "WEB_AUTHN",
               "ChallengeParameters": { "CREDENTIAL_REQUEST_OPTIONS": options.to_string(),
                                        "USERNAME": username },
               "Session": session }))
}

/// A `CREDENTIAL` (an `AuthenticationResponseJSON`): one that is not a JSON
/// object with a string `id` is `InvalidParameterException`; any other is
/// refused as a wrong password is, since this endpoint's users have no
/// passkey registered, as Cognito refuses a credential it does not know.
fn check_credential(credential: &str) -> ApiResult {
    let parsed: Option<Value> = serde_json::from_str(credential).ok();
    if parsed
        .as_ref()
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .is_none()
    {
        return Err(invalid_parameter(
            "CREDENTIAL must be a WebAuthn AuthenticationResponseJSON object.",
        ));
    }
    Err(not_authorized())
}

/// `WEB_AUTHN` answered with `CREDENTIAL`: the session is spent, and the
/// credential refused (see [`check_credential`]).
pub(crate) fn answer_web_authn(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let username = real_username(ep, client, responses)?;
    let credential = required(responses, "CREDENTIAL")?;
    let _progress: SignInProgress =
        ep.take_session(body, &binding(client, &username, "WEB_AUTHN"))?;
    check_credential(credential)
}
