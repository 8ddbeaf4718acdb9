//! `CUSTOM_AUTH` driven by the pool's three challenge triggers, as Cognito
//! runs it: `DefineAuthChallenge` sees the challenges so far and decides
//! (issue tokens, fail, or another `CUSTOM_CHALLENGE`);
//! `CreateAuthChallenge` makes each challenge (public parameters for the
//! client, private ones and metadata kept here); `VerifyAuthChallengeResponse`
//! judges each answer, and `DefineAuthChallenge` decides again.
//!
//! Started without `SRP_A`, the session starts empty. Started with
//! `SRP_A`, the SRP steps run first and `DefineAuthChallenge` is first
//! called with `SRP_A` and `PASSWORD_VERIFIER` passed (the call Cognito
//! makes before issuing `PASSWORD_VERIFIER` is not made: the SRP step is
//! always the one issued). A pool without these triggers keeps the seed's
//! scripted challenge (see [`crate::model::pool::CustomChallenge`]).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{ApiResult, err, no_such_user, not_authorized, user_disabled};
use crate::input::{check_username, required};
use crate::model::pool::Client;
use crate::model::signin::{CustomStep, Flow, IssuedCustomChallenge, SignInProgress};
use crate::ops::flows::{binding, next_step};
use crate::ops::triggers::{
    Caller, Trigger, configured, invoke, pre_authentication, response_bool, response_string,
    string_map, unrecognizable, user_event_data,
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

/// `CUSTOM_AUTH` with `USERNAME` (and `SECRET_HASH`, `DEVICE_KEY`) and no
/// `SRP_A`, on a pool with the challenge triggers.
pub(crate) fn start_custom_auth(
    ep: &Endpoint,
    client: &Client,
    parameters: &HashMap<String, String>,
    client_metadata: &Value,
) -> ApiResult {
    let username = required(parameters, "USERNAME")?;
    check_username(username, "username")?;
    client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let sub = {
        let state = ep.state();
        let user = state
            .pools
            .get(&client.pool_id)
            .and_then(|p| p.user(username));
        match user {
            None if client.prevent_user_existence_errors => return Err(not_authorized()),
            None => return Err(no_such_user()),
            Some(user) if !user.enabled => return Err(user_disabled()),
            Some(user) if !user.confirmed => {
                return Err(err("UserNotConfirmedException", "User is not confirmed."));
            }
            Some(user) => user.sub.clone(),
        }
    };
    pre_authentication(ep, client, &sub, client_metadata)?;
    let progress = SignInProgress::new(Flow::Custom, &sub, parameters.get("DEVICE_KEY").cloned());
    define_next(ep, client, progress)
}

/// Asks `DefineAuthChallenge` what comes next, and does it.
pub(crate) fn define_next(
    ep: &Endpoint,
    client: &Client,
    mut progress: SignInProgress,
) -> ApiResult {
    let define =
        configured(ep, &client.pool_id, Trigger::DefineAuthChallenge).ok_or_else(not_configured)?;
    let (username, attributes) =
        user_event_data(ep, &client.pool_id, &progress.sub).ok_or_else(no_such_user)?;
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
        json!({ "userAttributes": attributes, "session": session_event(&progress),
                "clientMetadata": {}, "userNotFound": false }),
    )?;
    if response_bool(&response, "failAuthentication")? == Some(true) {
        return Err(not_authorized());
    }
    if response_bool(&response, "issueTokens")? == Some(true) {
        progress.custom_done = true;
        progress.custom_challenge = None;
        return next_step(ep, client, progress);
    }
    match response_string(&response, "challengeName")?.as_deref() {
        Some("CUSTOM_CHALLENGE") => {}
        // Another challenge (SRP_A, PASSWORD_VERIFIER) cannot be issued
        // once a custom sign-in is past its start, and none is no answer.
        _ => return Err(unrecognizable()),
    }
    let create =
        configured(ep, &client.pool_id, Trigger::CreateAuthChallenge).ok_or_else(not_configured)?;
    let response = invoke(
        ep,
        &create,
        "CreateAuthChallenge_Authentication",
        &caller,
        json!({ "userAttributes": attributes, "challengeName": "CUSTOM_CHALLENGE",
                "session": session_event(&progress), "clientMetadata": {},
                "userNotFound": false }),
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
    let mut parameters: Map<String, Value> =
        public.into_iter().map(|(k, v)| (k, json!(v))).collect();
    parameters.insert("USERNAME".into(), json!(username));
    let session = ep.issue_session(binding(client, &username, "CUSTOM_CHALLENGE"), progress)?;
    Ok(
        json!({ "ChallengeName": "CUSTOM_CHALLENGE", "ChallengeParameters": parameters,
               "Session": session }),
    )
}

/// The `ANSWER` to a trigger-made `CUSTOM_CHALLENGE` (its session already
/// taken): `VerifyAuthChallengeResponse` judges it, then
/// `DefineAuthChallenge` decides again.
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
    let (username, attributes) =
        user_event_data(ep, &client.pool_id, &progress.sub).ok_or_else(no_such_user)?;
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
                "userNotFound": false }),
    )?;
    let correct = response_bool(&response, "answerCorrect")?.unwrap_or(false);
    progress.custom_session.push(CustomStep {
        challenge_name: "CUSTOM_CHALLENGE".into(),
        challenge_result: correct,
        challenge_metadata: issued.metadata,
    });
    define_next(ep, client, progress)
}

/// The SRP steps of `CUSTOM_AUTH` passed on a pool with the challenge
/// triggers: they enter the session, and `DefineAuthChallenge` decides.
pub(crate) fn after_srp(ep: &Endpoint, client: &Client, mut progress: SignInProgress) -> ApiResult {
    if progress.custom_session.is_empty() {
        for name in ["SRP_A", "PASSWORD_VERIFIER"] {
            progress.custom_session.push(CustomStep {
                challenge_name: name.into(),
                challenge_result: true,
                challenge_metadata: None,
            });
        }
    }
    define_next(ep, client, progress)
}

/// `InvalidParameterException: Custom auth lambda trigger is not configured
/// for the user pool.`
pub(crate) fn not_configured() -> crate::error::ApiError {
    crate::error::invalid_parameter(
        "Custom auth lambda trigger is not configured for the user pool.",
    )
}
