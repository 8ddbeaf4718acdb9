//! SRP sign-in: `InitiateAuth` (`USER_SRP_AUTH`, `CUSTOM_AUTH` started with
//! `SRP_A`) and `RespondToAuthChallenge` (`PASSWORD_VERIFIER`,
//! `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER`).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{
    ApiError, ApiResult, err, from_srp, invalid_parameter, no_such_device, not_authorized,
    user_disabled,
};
use cognito_srp::StoredVerifier;

use crate::input::{check_username, field, optional_field, required, string_map};
use crate::model::pool::Client;
use crate::model::session::{expired_session, invalid_session};
use crate::model::signin::{Flow, Pending, SignInProgress};
use crate::ops::admin::check_sign_in_metadata;
use crate::ops::custom_auth::{self, start_custom_auth, start_custom_srp};
use crate::ops::flows::answer_custom_challenge;
use crate::ops::flows::answer_mfa_setup;
use crate::ops::flows::answer_new_password;
use crate::ops::flows::answer_select_challenge;
use crate::ops::flows::answer_software_token_mfa;
use crate::ops::flows::answer_web_authn;
use crate::ops::flows::next_step;
use crate::ops::flows::start_user_auth;
use crate::ops::flows::take_device_session;
use crate::ops::flows::{answer_code, answer_select_mfa_type};
use crate::ops::password::{method_not_supported, password_sign_in};
use crate::ops::pue::unknown_user;
use crate::ops::refresh::refresh_token_auth;
use crate::ops::triggers::{
    Subject, Trigger, client_metadata, configured, custom_auth_configured, pre_authentication,
};
use crate::random::token;

pub(crate) fn initiate_auth(ep: &Endpoint, body: &Value) -> ApiResult {
    check_sign_in_metadata(body, false)?;
    start_sign_in(ep, body, false)
}

/// The first step of every sign-in, public or `admin`.
pub(crate) fn start_sign_in(ep: &Endpoint, body: &Value, admin: bool) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let flow = field(body, "AuthFlow")?;
    let parameters = string_map(body, "AuthParameters")?;
    check_auth_flow_enabled(&client, flow, admin)?;
    // Reaches pre authentication and user migration as `validationData`,
    // and no other trigger.
    let metadata = client_metadata(body);
    let flow = match flow {
        // Each password flow belongs to one entry operation.
        "USER_PASSWORD_AUTH" if !admin => {
            return password_sign_in(ep, &client, &parameters, &metadata);
        }
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
            return password_sign_in(ep, &client, &parameters, &metadata);
        }
        "USER_PASSWORD_AUTH" | "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
            return Err(method_not_supported());
        }
        "USER_SRP_AUTH" => Flow::UserSrp,
        "CUSTOM_AUTH" if parameters.get("CHALLENGE_NAME").map(String::as_str) == Some("SRP_A") => {
            if configured(ep, &client.pool_id, Trigger::DefineAuthChallenge).is_some() {
                return start_custom_srp(ep, &client, &parameters, &metadata);
            }
            Flow::CustomSrp
        }
        "CUSTOM_AUTH" if custom_auth_configured(ep, &client.pool_id) => {
            return start_custom_auth(ep, &client, &parameters, &metadata);
        }
        "CUSTOM_AUTH" => return Err(custom_auth::not_configured()),
        "USER_AUTH" => return start_user_auth(ep, &client, &parameters, &metadata),
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            return refresh_token_auth(ep, &client, &parameters);
        }
        _ => {
            return Err(invalid_parameter(format!("Unsupported AuthFlow {flow}")));
        }
    };
    let username = required(&parameters, "USERNAME")?;
    check_username(username, "username")?;
    let srp_a = required(&parameters, "SRP_A")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    password_verifier_challenge(
        ep,
        &client,
        username,
        srp_a,
        parameters.get("DEVICE_KEY").cloned(),
        flow,
        &metadata,
    )
}

/// Refuses an `AuthFlow` that the app client's `ExplicitAuthFlows` do not
/// allow, in Cognito's words for each (`InvalidParameterException`); a
/// password flow through the other operation is refused for that first.
fn check_auth_flow_enabled(client: &Client, flow: &str, admin: bool) -> Result<(), ApiError> {
    let message = match flow {
        "USER_PASSWORD_AUTH" if !admin => "USER_PASSWORD_AUTH flow not enabled for this client",
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
            "Auth flow not enabled for this client"
        }
        "USER_SRP_AUTH" => "USER_SRP_AUTH is not enabled for the client.",
        "CUSTOM_AUTH" => "CUSTOM_AUTH is not enabled for the client.",
        // Cognito's wording for these two is not known; this is the form of the others.
        "USER_AUTH" => "USER_AUTH is not enabled for the client.",
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            "REFRESH_TOKEN_AUTH is not enabled for the client."
        }
        // Unknown flows, and password flows through the other operation, are refused later.
        _ => return Ok(()),
    };
    if client.allows_auth_flow(flow) {
        Ok(())
    } else {
        Err(invalid_parameter(message))
    }
}

/// Who an SRP step is for: the user's real username, `sub` and verifier,
/// or under `PreventUserExistenceErrors` the decoy of a name no user has.
pub(crate) struct SrpUser {
    pub real_username: String,
    pub sub: String,
    pub verifier: StoredVerifier,
    /// `false` for the decoy of an unknown name.
    pub found: bool,
}

/// The user `username` names for an SRP step: a disabled or unconfirmed one
/// is refused; a name no user has is `UserNotFoundException` under
/// `LEGACY`, the decoy under `ENABLED`.
pub(crate) fn srp_user(
    ep: &Endpoint,
    client: &Client,
    username: &str,
) -> Result<SrpUser, ApiError> {
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
    Ok(match known {
        Some((real_username, sub, verifier)) => SrpUser {
            real_username,
            sub,
            verifier,
            found: true,
        },
        // Cognito answers an unknown user with UserNotFoundException or,
        // under PreventUserExistenceErrors, a decoy.
        None => {
            let (id, verifier) = unknown_user(client, username)?;
            SrpUser {
                real_username: id.clone(),
                sub: id,
                verifier,
                found: false,
            }
        }
    })
}

/// The subject of the events of a sign-in of `user`, typed as `username`.
pub(crate) fn subject<'a>(user: &'a SrpUser, username: &'a str) -> Subject<'a> {
    if user.found {
        Subject::Known(&user.real_username)
    } else {
        Subject::Unknown(username)
    }
}

/// `PASSWORD_VERIFIER` for `username`'s `SRP_A`, whatever the flow that
/// asked for it, after the pool's pre authentication function (given
/// `validation_data`, the request's `ClientMetadata`).
pub(crate) fn password_verifier_challenge(
    ep: &Endpoint,
    client: &Client,
    username: &str,
    srp_a: &str,
    device_key: Option<String>,
    flow: Flow,
    validation_data: &Value,
) -> ApiResult {
    let user = srp_user(ep, client, username)?;
    pre_authentication(ep, client, subject(&user, username), validation_data)?;
    let progress = SignInProgress::new(flow, &user.sub, device_key);
    issue_password_verifier(ep, client, &user, srp_a, progress)
}

/// Issues `PASSWORD_VERIFIER` for `user`'s `SRP_A`; the sign-in goes on
/// with `progress` once answered. No `Session`: its `SECRET_BLOCK` binds
/// the answer. Cognito answers with the real username in both `USERNAME`
/// and `USER_ID_FOR_SRP`, whatever alias was typed.
pub(crate) fn issue_password_verifier(
    ep: &Endpoint,
    client: &Client,
    user: &SrpUser,
    srp_a: &str,
    progress: SignInProgress,
) -> ApiResult {
    let pool_id = ep.pool_id(&client.pool_id)?;
    // The SRP math runs outside the lock.
    let session = ep
        .srp
        .start_user(&pool_id, &user.real_username, &user.verifier, srp_a)
        .map_err(from_srp)?;
    let parameters_out = session.challenge_parameters();
    let name = session.challenge_name();
    ep.park(Pending {
        client_id: client.app.client_id().to_owned(),
        session,
        issued_session: None,
        progress,
    })?;
    Ok(json!({ "ChallengeName": name, "ChallengeParameters": parameters_out }))
}

pub(crate) fn respond_to_auth_challenge(ep: &Endpoint, body: &Value) -> ApiResult {
    check_sign_in_metadata(body, false)?;
    answer_challenge(ep, body)
}

/// Every challenge's answer, public or admin.
pub(crate) fn answer_challenge(ep: &Endpoint, body: &Value) -> ApiResult {
    let client = ep.client(field(body, "ClientId")?)?;
    let challenge = field(body, "ChallengeName")?;
    let responses = string_map(body, "ChallengeResponses")?;
    let username = required(&responses, "USERNAME")?;
    client.check_secret_hash(username, responses.get("SECRET_HASH").map(String::as_str))?;
    match challenge {
        "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER" => {
            verify_claim(ep, &client, body, challenge, &responses)
        }
        "DEVICE_SRP_AUTH" => device_srp_auth(ep, &client, body, &responses),
        "SELECT_CHALLENGE" => answer_select_challenge(ep, &client, body, &responses),
        "NEW_PASSWORD_REQUIRED" => answer_new_password(ep, &client, body, &responses),
        "CUSTOM_CHALLENGE" => answer_custom_challenge(ep, &client, body, &responses),
        "SOFTWARE_TOKEN_MFA" => answer_software_token_mfa(ep, &client, body, &responses),
        "MFA_SETUP" => answer_mfa_setup(ep, &client, body, &responses),
        "EMAIL_OTP" => answer_code(ep, &client, body, &responses, "EMAIL_OTP"),
        "SMS_OTP" => answer_code(ep, &client, body, &responses, "SMS_OTP"),
        "SMS_MFA" => answer_code(ep, &client, body, &responses, "SMS_MFA"),
        "SELECT_MFA_TYPE" => answer_select_mfa_type(ep, &client, body, &responses),
        "WEB_AUTHN" => answer_web_authn(ep, &client, body, &responses),
        other => Err(invalid_parameter(format!(
            "Unsupported ChallengeName {other}"
        ))),
    }
}

fn verify_claim(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    challenge: &str,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    // A secret block answers once: take the session out before verifying.
    let now = ep.clock().instant();
    let pending = ep
        .state()
        .pending
        .take(block, now)
        .ok_or_else(not_authorized)?
        .map_err(|()| expired_session())?;
    if pending.client_id != client.app.client_id() || pending.session.challenge_name() != challenge
    {
        return Err(not_authorized());
    }
    // The answer may come without a Session (pycognito); one that is sent
    // must be the one this challenge carried. The pending step is already
    // taken out, so either way it answers once.
    if let Some(sent) = optional_field(body, "Session")?
        && pending.issued_session.as_deref() != Some(sent)
    {
        return Err(invalid_session());
    }
    pending.session.verify(responses).map_err(from_srp)?;
    let mut progress = pending.progress;
    if challenge == "PASSWORD_VERIFIER" {
        // The client may announce its device only now.
        if let Some(key) = responses.get("DEVICE_KEY") {
            progress.device_key = Some(key.clone());
        }
    } else {
        progress.device_done = true;
    }
    next_step(ep, client, progress, &client_metadata(body))
}

fn device_srp_auth(
    ep: &Endpoint,
    client: &Client,
    body: &Value,
    responses: &HashMap<String, String>,
) -> ApiResult {
    let username = required(responses, "USERNAME")?;
    let device_key = required(responses, "DEVICE_KEY")?;
    let srp_a = required(responses, "SRP_A")?;
    // DEVICE_SRP_AUTH is owed only after a verified PASSWORD_VERIFIER:
    // its session says so, and for which device.
    let progress = take_device_session(ep, client, body, responses)?;
    let (group_key, verifier) = {
        let state = ep.state();
        let user = state
            .pools
            .get(&client.pool_id)
            .and_then(|pool| pool.user(&progress.sub))
            .ok_or_else(not_authorized)?;
        let device = user.devices.get(device_key).ok_or_else(no_such_device)?;
        let verifier = device.verifier.clone().ok_or_else(not_authorized)?;
        (device.group_key.clone(), verifier)
    };
    let session = ep
        .srp
        .start_device(&group_key, device_key, username, &verifier, srp_a)
        .map_err(from_srp)?;
    let parameters = session.challenge_parameters();
    let issued = token();
    ep.park(Pending {
        client_id: client.app.client_id().to_owned(),
        session,
        issued_session: Some(issued.clone()),
        progress,
    })?;
    Ok(
        json!({ "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": parameters, "Session": issued }),
    )
}
