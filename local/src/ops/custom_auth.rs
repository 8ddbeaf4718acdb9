//! `CUSTOM_AUTH` driven by the pool's three challenge triggers, as Cognito
//! runs it: `DefineAuthChallenge` sees the challenges so far and decides
//! (issue tokens, fail, or the next challenge); `CreateAuthChallenge` makes
//! each `CUSTOM_CHALLENGE` (public parameters for the client, private ones
//! and metadata kept here); `VerifyAuthChallengeResponse` judges each
//! answer, and `DefineAuthChallenge` decides again.
//!
//! Started without `SRP_A`, the session starts empty. Started with `SRP_A`
//! (`CHALLENGE_NAME` `SRP_A`), `DefineAuthChallenge` is first asked with
//! the session `[SRP_A]` and its answer followed: `PASSWORD_VERIFIER` issues
//! the SRP step, whose proof enters the session before it is asked again.
//!
//! A name no user has, on an app client with `PreventUserExistenceErrors`
//! `ENABLED`, runs the same triggers with `userNotFound: true` and no
//! attributes, and the client is given the decoy's id as `USERNAME`; such a
//! sign-in can only fail (`Incorrect username or password.`), even if the
//! define trigger says to issue tokens. A pool without these triggers keeps
//! the seed's scripted challenge (see [`crate::model::pool::CustomChallenge`]).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, no_such_user, not_authorized};
use crate::input::{check_username, required};
use crate::model::pool::Client;
use crate::model::signin::{CustomStep, Flow, IssuedCustomChallenge, SignInProgress};
use crate::ops::flows::{binding, next_step};
use crate::ops::srp::{issue_password_verifier, srp_user, subject};
use crate::ops::triggers::{
    Caller, Subject, Trigger, configured, invoke, pre_authentication, response_bool,
    response_string, string_map, subject_event_data, unrecognizable,
};

/// The `session` entries of a `DefineAuthChallenge` or
/// `CreateAuthChallenge` event.
fn session_event(progress: &SignInProgress) -> Value {
    Value::Array(
        progress
            .custom_session
            .iter()
            .map(|step| {
                json!({ "challengeName": step.challenge_name,
                        "challengeResult": step.challenge_result,
                        "challengeMetadata": step.challenge_metadata })
            })
            .collect(),
    )
}

/// A step that passed, in the session the define trigger sees.
fn passed(name: &str) -> CustomStep {
    CustomStep {
        challenge_name: name.into(),
        challenge_result: true,
        challenge_metadata: None,
    }
}

/// Whom `progress`'s events are about.
fn subject_of(progress: &SignInProgress) -> Subject<'_> {
    match &progress.unknown_username {
        Some(typed) => Subject::Unknown(typed),
        None => Subject::Known(&progress.sub),
    }
}

/// `CUSTOM_AUTH` with `USERNAME` (and `SECRET_HASH`, `DEVICE_KEY`) and no
/// `SRP_A`, on a pool with the challenge triggers. `validation_data` is
/// `InitiateAuth`'s `ClientMetadata`, for pre authentication only.
pub(crate) fn start_custom_auth(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
    validation_data: &Value,
) -> ApiResult {
    let username = required(parameters, "USERNAME")?;
    check_username(username, "username")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    // The same refusals as an SRP start: disabled, unconfirmed, unknown.
    let user = srp_user(ep, client, username)?;
    pre_authentication(ep, client, subject(&user, username), validation_data)?;
    let mut progress = SignInProgress::new(
        Flow::Custom,
        &user.sub,
        parameters.get("DEVICE_KEY").cloned(),
    );
    if !user.found {
        progress.unknown_username = Some(username.to_owned());
    }
    define_next(ep, client, progress, &json!({}))
}

/// `CUSTOM_AUTH` with `SRP_A` and `CHALLENGE_NAME` `SRP_A`, on a pool with a
/// `DefineAuthChallenge` function: it is asked first, with `[SRP_A]`, and
/// `PASSWORD_VERIFIER` is issued only if it asks for it.
pub(crate) fn start_custom_srp(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
    validation_data: &Value,
) -> ApiResult {
    let username = required(parameters, "USERNAME")?;
    check_username(username, "username")?;
    let srp_a = required(parameters, "SRP_A")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let user = srp_user(ep, client, username)?;
    pre_authentication(ep, client, subject(&user, username), validation_data)?;
    let mut progress = SignInProgress::new(
        Flow::CustomSrp,
        &user.sub,
        parameters.get("DEVICE_KEY").cloned(),
    );
    if !user.found {
        progress.unknown_username = Some(username.to_owned());
    }
    progress.custom_session.push(passed("SRP_A"));
    match ask_define(ep, client, &progress, &json!({}))? {
        Decision::Challenge(name) if name == "PASSWORD_VERIFIER" => {
            issue_password_verifier(ep, client, &user, srp_a, progress)
        }
        decision => follow(ep, client, progress, decision, &json!({})),
    }
}

/// What `DefineAuthChallenge` decided.
enum Decision {
    Fail,
    IssueTokens,
    Challenge(String),
}

/// Asks `DefineAuthChallenge` what comes next, with the session so far.
fn ask_define(
    ep: &Endpoint,
    client: &Client,
    progress: &SignInProgress,
    client_metadata: &Value,
) -> Result<Decision, ApiError> {
    let define =
        configured(ep, &client.pool_id, Trigger::DefineAuthChallenge).ok_or_else(not_configured)?;
    let (username, attributes, not_found) =
        subject_event_data(ep, &client.pool_id, subject_of(progress)).ok_or_else(no_such_user)?;
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    let response = invoke(
        ep,
        &define,
        "DefineAuthChallenge_Authentication",
        &caller,
        json!({ "userAttributes": attributes, "session": session_event(progress),
                "clientMetadata": client_metadata, "userNotFound": not_found }),
    )?;
    if response_bool(&response, "failAuthentication")? == Some(true) {
        return Ok(Decision::Fail);
    }
    if response_bool(&response, "issueTokens")? == Some(true) {
        return Ok(Decision::IssueTokens);
    }
    // No decision at all is no answer.
    response_string(&response, "challengeName")?
        .map(Decision::Challenge)
        .ok_or_else(unrecognizable)
}

/// Asks `DefineAuthChallenge` what comes next, and does it.
pub(crate) fn define_next(
    ep: &Endpoint,
    client: &Client,
    progress: SignInProgress,
    client_metadata: &Value,
) -> ApiResult {
    let decision = ask_define(ep, client, &progress, client_metadata)?;
    follow(ep, client, progress, decision, client_metadata)
}

/// Does what `DefineAuthChallenge` decided: refuse, go on to the rest of
/// the sign-in (MFA, tokens), or make a `CUSTOM_CHALLENGE`.
fn follow(
    ep: &Endpoint,
    client: &Client,
    mut progress: SignInProgress,
    decision: Decision,
    client_metadata: &Value,
) -> ApiResult {
    match decision {
        Decision::Fail => return Err(not_authorized()),
        // Nobody to issue tokens to: refused as a wrong answer is.
        Decision::IssueTokens if progress.unknown_username.is_some() => {
            return Err(not_authorized());
        }
        Decision::IssueTokens => {
            progress.custom_done = true;
            progress.custom_challenge = None;
            return next_step(ep, client, progress, client_metadata);
        }
        Decision::Challenge(name) if name == "CUSTOM_CHALLENGE" => {}
        // PASSWORD_VERIFIER only answers the session [SRP_A] of a start
        // with SRP_A; SRP_A itself is never issued.
        Decision::Challenge(_) => return Err(unrecognizable()),
    }
    let create =
        configured(ep, &client.pool_id, Trigger::CreateAuthChallenge).ok_or_else(not_configured)?;
    let (username, attributes, not_found) =
        subject_event_data(ep, &client.pool_id, subject_of(&progress)).ok_or_else(no_such_user)?;
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    let response = invoke(
        ep,
        &create,
        "CreateAuthChallenge_Authentication",
        &caller,
        json!({ "userAttributes": attributes, "challengeName": "CUSTOM_CHALLENGE",
                "session": session_event(&progress), "clientMetadata": client_metadata,
                "userNotFound": not_found }),
    )?;
    let public = string_map(response.get("publicChallengeParameters"))?;
    let private = match response.get("privateChallengeParameters") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(unrecognizable()),
    };
    let metadata = response_string(&response, "challengeMetadata")?;
    progress.custom_challenge = Some(IssuedCustomChallenge {
        private_parameters: private,
        metadata,
    });
    // The client is told the real username, or the decoy's id.
    let told = if progress.unknown_username.is_some() {
        progress.sub.clone()
    } else {
        username
    };
    let mut parameters: Map<String, Value> =
        public.into_iter().map(|(k, v)| (k, json!(v))).collect();
    parameters.insert("USERNAME".into(), json!(told));
    let session = ep.issue_session(binding(client, &told, "CUSTOM_CHALLENGE"), progress)?;
    Ok(
        json!({ "ChallengeName": "CUSTOM_CHALLENGE", "ChallengeParameters": parameters,
               "Session": session }),
    )
}

/// The `ANSWER` to a trigger-made `CUSTOM_CHALLENGE` (its session already
/// taken): `VerifyAuthChallengeResponse` judges it, then
/// `DefineAuthChallenge` decides again. `client_metadata` is
/// `RespondToAuthChallenge`'s `ClientMetadata`, which all three see.
pub(crate) fn answer_lambda_challenge(
    ep: &Endpoint,
    client: &Client,
    mut progress: SignInProgress,
    responses: &HashMap<String, String>,
    client_metadata: &Value,
) -> ApiResult {
    let answer = required(responses, "ANSWER")?;
    let Some(issued) = progress.custom_challenge.take() else {
        return Err(not_authorized());
    };
    let verify = configured(ep, &client.pool_id, Trigger::VerifyAuthChallengeResponse)
        .ok_or_else(not_configured)?;
    let (username, attributes, not_found) =
        subject_event_data(ep, &client.pool_id, subject_of(&progress)).ok_or_else(no_such_user)?;
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    let response = invoke(
        ep,
        &verify,
        "VerifyAuthChallengeResponse_Authentication",
        &caller,
        json!({ "userAttributes": attributes,
                "privateChallengeParameters": issued.private_parameters,
                "challengeAnswer": answer, "clientMetadata": client_metadata,
                "userNotFound": not_found }),
    )?;
    let correct = response_bool(&response, "answerCorrect")?.unwrap_or(false);
    progress.custom_session.push(CustomStep {
        challenge_name: "CUSTOM_CHALLENGE".into(),
        challenge_result: correct,
        challenge_metadata: issued.metadata,
    });
    define_next(ep, client, progress, client_metadata)
}

/// The SRP steps of `CUSTOM_AUTH` passed on a pool with the challenge
/// triggers: the proof enters the session, and `DefineAuthChallenge`
/// decides, given the `PASSWORD_VERIFIER` answer's `ClientMetadata`.
pub(crate) fn after_srp(
    ep: &Endpoint,
    client: &Client,
    mut progress: SignInProgress,
    client_metadata: &Value,
) -> ApiResult {
    if progress.custom_session.is_empty() {
        progress.custom_session.push(passed("SRP_A"));
    }
    if progress
        .custom_session
        .last()
        .is_some_and(|step| step.challenge_name == "SRP_A")
    {
        progress.custom_session.push(passed("PASSWORD_VERIFIER"));
    }
    define_next(ep, client, progress, client_metadata)
}

/// The name a `CUSTOM_CHALLENGE` answer's session is bound to, for a
/// `USERNAME` no user has under `PreventUserExistenceErrors`: the decoy's
/// id the challenge gave (a UUID, as sent back), or the decoy's id of the
/// name as typed.
pub(crate) fn unknown_answer_name(client: &Client, named: &str) -> Result<String, ApiError> {
    let uuid_shaped = named.len() == 36
        && named.chars().enumerate().all(|(i, c)| {
            matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
        });
    if uuid_shaped {
        return Ok(named.to_owned());
    }
    crate::ops::pue::decoy_user(&client.pool_id, named).map(|(id, _)| id)
}

/// `InvalidParameterException: Custom auth lambda trigger is not configured
/// for the user pool.`
pub(crate) fn not_configured() -> ApiError {
    crate::error::invalid_parameter(
        "Custom auth lambda trigger is not configured for the user pool.",
    )
}
