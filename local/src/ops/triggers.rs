//! The pool's Lambda triggers: which function `LambdaConfig` names for each,
//! the event Cognito sends it, and how its answer, its failure or its
//! silence reaches the caller.
//!
//! Every trigger runs synchronously on the [`crate::lambda::LambdaHost`]
//! the endpoint was given, with the state unlocked. Failures, in Cognito's
//! words:
//! - the function failed (`X-Amz-Function-Error`):
//!   `UserLambdaValidationException` `<Trigger> failed with error <errorMessage>.`;
//! - it answered something that is not the event with a well-typed
//!   `response`: `InvalidLambdaResponseException` `Unrecognizable lambda output`
//!   (`Invalid lambda function output : Invalid JSON` when not JSON);
//! - no answer (no host configured, a refused connection, a timeout, the host
//!   refusing the call): `UnexpectedLambdaException`
//!   `<Trigger> invocation failed due to error <reason>.`

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{ApiError, err};
use crate::lambda::InvokeFailure;
use crate::model::pool::Client;
use crate::model::user::User;

/// A trigger, by its `LambdaConfig` member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    PreSignUp,
    PostConfirmation,
    PreAuthentication,
    PostAuthentication,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    PreTokenGeneration,
    UserMigration,
    CustomMessage,
}

impl Trigger {
    /// The `LambdaConfig` member, which is also the name in Cognito's messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
            Trigger::CustomMessage => "CustomMessage",
        }
    }
}

/// The event version of a pre token generation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenEventVersion {
    V1,
    V2,
}

/// A function configured for a trigger: its ARN and, for pre token
/// generation, the event version.
#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub trigger: Trigger,
    pub arn: String,
    pub version: TokenEventVersion,
}

/// The function `pool_id`'s `LambdaConfig` names for `trigger`, if any.
/// Pre token generation: `PreTokenGenerationConfig` {`LambdaVersion`,
/// `LambdaArn`} when given (`V2_0` and `V3_0` send the version 2 event),
/// else the legacy `PreTokenGeneration` ARN with the `V1_0` event.
pub(crate) fn configured(ep: &Endpoint, pool_id: &str, trigger: Trigger) -> Option<Function> {
    let state = ep.state();
    let config = &state.pools.get(pool_id)?.settings.lambda_config;
    let arn_of = |name: &str| {
        config
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (arn, version) = match trigger {
        Trigger::PreTokenGeneration => {
            let v2 = config.get("PreTokenGenerationConfig").and_then(|c| {
                let arn = c.get("LambdaArn").and_then(Value::as_str)?;
                let version = match c.get("LambdaVersion").and_then(Value::as_str) {
                    Some("V2_0" | "V3_0") => TokenEventVersion::V2,
                    _ => TokenEventVersion::V1,
                };
                Some((arn, version))
            });
            match v2 {
                Some(found) => found,
                None => (arn_of("PreTokenGeneration")?, TokenEventVersion::V1),
            }
        }
        other => (arn_of(other.name())?, TokenEventVersion::V1),
    };
    Some(Function {
        trigger,
        arn: arn.to_owned(),
        version,
    })
}

/// Whether `pool_id` has the three custom-auth triggers.
pub(crate) fn custom_auth_configured(ep: &Endpoint, pool_id: &str) -> bool {
    [
        Trigger::DefineAuthChallenge,
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
    ]
    .into_iter()
    .all(|t| configured(ep, pool_id, t).is_some())
}

/// Who the event is about and through which app client.
pub(crate) struct Caller<'a> {
    pub pool_id: &'a str,
    pub client_id: &'a str,
    pub username: &'a str,
}

/// `InvalidLambdaResponseException: Unrecognizable lambda output`.
pub(crate) fn unrecognizable() -> ApiError {
    err(
        "InvalidLambdaResponseException",
        "Unrecognizable lambda output",
    )
}

/// Runs `function` with the event of `trigger_source` carrying `request`;
/// the `response` object the function filled in.
pub(crate) fn invoke(
    ep: &Endpoint,
    function: &Function,
    trigger_source: &str,
    caller: &Caller<'_>,
    request: Value,
) -> Result<Map<String, Value>, ApiError> {
    let name = function.trigger.name();
    let version = match function.version {
        TokenEventVersion::V1 => "1",
        TokenEventVersion::V2 => "2",
    };
    let region = caller.pool_id.split('_').next().unwrap_or("us-east-1");
    let event = json!({
        "version": version,
        "triggerSource": trigger_source,
        "region": region,
        "userPoolId": caller.pool_id,
        "userName": caller.username,
        "callerContext": { "awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": caller.client_id },
        "request": request,
        "response": {},
    });
    let Some(host) = ep.lambda.as_ref() else {
        return Err(err(
            "UnexpectedLambdaException",
            format!(
                "{name} invocation failed due to error No Lambda endpoint is configured \
                 (--lambda-endpoint-url or AWS_ENDPOINT_URL_LAMBDA)."
            ),
        ));
    };
    let answer = host.invoke(&function.arn, &event).map_err(|failure| {
        eprintln!(
            "cognito-srp-local: {name} ({}) failed: {failure:?}",
            function.arn
        );
        match failure {
            InvokeFailure::Function(message) => err(
                "UserLambdaValidationException",
                format!("{name} failed with error {message}."),
            ),
            InvokeFailure::Malformed => err(
                "InvalidLambdaResponseException",
                "Invalid lambda function output : Invalid JSON",
            ),
            InvokeFailure::Unreachable(reason) => err(
                "UnexpectedLambdaException",
                format!("{name} invocation failed due to error {reason}."),
            ),
        }
    })?;
    match answer.get("response") {
        Some(Value::Object(response)) => Ok(response.clone()),
        // A function that returns the event without touching `response`.
        None | Some(Value::Null) => Ok(Map::new()),
        Some(_) => Err(unrecognizable()),
    }
}

/// `response[key]` as a boolean (absent or null: `None`); any other type
/// is an unrecognizable answer.
pub(crate) fn response_bool(
    response: &Map<String, Value>,
    key: &str,
) -> Result<Option<bool>, ApiError> {
    match response.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(unrecognizable()),
    }
}

/// `response[key]` as a string (absent or null: `None`).
pub(crate) fn response_string(
    response: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, ApiError> {
    match response.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(unrecognizable()),
    }
}

/// `value` as a map of strings (absent or null: empty); numbers and
/// booleans are taken as their text, as Cognito's string maps do.
pub(crate) fn string_map(value: Option<&Value>) -> Result<BTreeMap<String, String>, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                Value::Number(n) => Ok((k.clone(), n.to_string())),
                Value::Bool(b) => Ok((k.clone(), b.to_string())),
                _ => Err(unrecognizable()),
            })
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

/// A user's attributes as events carry them: every attribute, `sub`, and
/// `cognito:user_status`.
pub(crate) fn user_attributes(user: &User) -> Value {
    let mut attributes: Map<String, Value> = user
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    attributes.insert("sub".into(), json!(user.sub));
    let status = if user.reset_required {
        "RESET_REQUIRED"
    } else if user.force_change_password {
        "FORCE_CHANGE_PASSWORD"
    } else if user.confirmed {
        "CONFIRMED"
    } else {
        "UNCONFIRMED"
    };
    attributes.insert("cognito:user_status".into(), json!(status));
    Value::Object(attributes)
}

/// The attributes and real username of `sub` in `client`'s pool.
pub(crate) fn user_event_data(ep: &Endpoint, pool_id: &str, name: &str) -> Option<(String, Value)> {
    let state = ep.state();
    let user = state.pools.get(pool_id)?.user(name)?;
    Some((user.username.clone(), user_attributes(user)))
}

/// A request's `ClientMetadata` (a map of strings), or an empty map.
pub(crate) fn client_metadata(body: &Value) -> Value {
    match body.get("ClientMetadata") {
        Some(Value::Object(map)) => Value::Object(map.clone()),
        _ => json!({}),
    }
}

/// Whom a sign-in's events are about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    /// A user of the pool, by any name it is known by.
    Known(&'a str),
    /// A name no user has, on an app client with `PreventUserExistenceErrors`
    /// `ENABLED`: the events carry it as typed, no attributes, and
    /// `userNotFound: true`.
    Unknown(&'a str),
}

/// The `userName`, `userAttributes` and `userNotFound` of the events about
/// `subject` in `pool_id` (`None` for a known user who no longer exists).
pub(crate) fn subject_event_data(
    ep: &Endpoint,
    pool_id: &str,
    subject: Subject<'_>,
) -> Option<(String, Value, bool)> {
    match subject {
        Subject::Known(name) => {
            user_event_data(ep, pool_id, name).map(|(user, attributes)| (user, attributes, false))
        }
        Subject::Unknown(typed) => Some((typed.to_owned(), json!({}), true)),
    }
}

/// Pre authentication, for a user about to prove who they are (before the
/// password or the SRP proof is looked at): the function may refuse the
/// sign-in by failing. `validation_data` is `InitiateAuth`'s
/// `ClientMetadata`. It runs for a name no user has only under
/// `PreventUserExistenceErrors` ([`Subject::Unknown`]).
pub(crate) fn pre_authentication(
    ep: &Endpoint,
    client: &Client,
    subject: Subject<'_>,
    validation_data: &Value,
) -> Result<(), ApiError> {
    let Some(function) = configured(ep, &client.pool_id, Trigger::PreAuthentication) else {
        return Ok(());
    };
    let Some((username, attributes, not_found)) = subject_event_data(ep, &client.pool_id, subject)
    else {
        return Ok(());
    };
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    invoke(
        ep,
        &function,
        "PreAuthentication_Authentication",
        &caller,
        json!({ "userAttributes": attributes, "validationData": validation_data,
                "userNotFound": not_found }),
    )?;
    Ok(())
}

/// Post authentication, once a sign-in has passed every step and before
/// its tokens are issued; a failure refuses the tokens. `client_metadata`
/// is the last `RespondToAuthChallenge`'s `ClientMetadata` (`{}` when the
/// tokens come straight from `InitiateAuth`).
pub(crate) fn post_authentication(
    ep: &Endpoint,
    client: &Client,
    sub: &str,
    new_device_used: bool,
    client_metadata: &Value,
) -> Result<(), ApiError> {
    let Some(function) = configured(ep, &client.pool_id, Trigger::PostAuthentication) else {
        return Ok(());
    };
    let Some((username, attributes)) = user_event_data(ep, &client.pool_id, sub) else {
        return Ok(());
    };
    let caller = Caller {
        pool_id: &client.pool_id,
        client_id: client.app.client_id(),
        username: &username,
    };
    invoke(
        ep,
        &function,
        "PostAuthentication_Authentication",
        &caller,
        json!({ "userAttributes": attributes, "newDeviceUsed": new_device_used,
                "clientMetadata": client_metadata }),
    )?;
    Ok(())
}

/// What pre sign-up decided.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SignUpDecision {
    pub auto_confirm_user: bool,
    pub auto_verify_email: bool,
    pub auto_verify_phone: bool,
}

/// Pre sign-up, before a user is created by `SignUp`
/// (`PreSignUp_SignUp`) or `AdminCreateUser` (`PreSignUp_AdminCreateUser`,
/// whose answer Cognito ignores).
pub(crate) fn pre_sign_up(
    ep: &Endpoint,
    pool_id: &str,
    client_id: &str,
    username: &str,
    trigger_source: &str,
    body: &Value,
) -> Result<SignUpDecision, ApiError> {
    let Some(function) = configured(ep, pool_id, Trigger::PreSignUp) else {
        return Ok(SignUpDecision::default());
    };
    let attributes = |key: &str| -> Value {
        let mut map = Map::new();
        if let Some(Value::Array(list)) = body.get(key) {
            for attribute in list {
                if let (Some(name), Some(value)) = (
                    attribute.get("Name").and_then(Value::as_str),
                    attribute.get("Value").and_then(Value::as_str),
                ) {
                    map.insert(name.to_owned(), json!(value));
                }
            }
        }
        Value::Object(map)
    };
    let caller = Caller {
        pool_id,
        client_id,
        username,
    };
    let response = invoke(
        ep,
        &function,
        trigger_source,
        &caller,
        json!({ "userAttributes": attributes("UserAttributes"),
                "validationData": attributes("ValidationData"),
                "clientMetadata": client_metadata(body) }),
    )?;
    Ok(SignUpDecision {
        auto_confirm_user: response_bool(&response, "autoConfirmUser")?.unwrap_or(false),
        auto_verify_email: response_bool(&response, "autoVerifyEmail")?.unwrap_or(false),
        auto_verify_phone: response_bool(&response, "autoVerifyPhone")?.unwrap_or(false),
    })
}

/// Post confirmation, after `ConfirmSignUp`/`AdminConfirmSignUp`
/// (`PostConfirmation_ConfirmSignUp`) or `ConfirmForgotPassword`
/// (`PostConfirmation_ConfirmForgotPassword`).
pub(crate) fn post_confirmation(
    ep: &Endpoint,
    pool_id: &str,
    client_id: &str,
    name: &str,
    trigger_source: &str,
) -> Result<(), ApiError> {
    let Some(function) = configured(ep, pool_id, Trigger::PostConfirmation) else {
        return Ok(());
    };
    let Some((username, attributes)) = user_event_data(ep, pool_id, name) else {
        return Ok(());
    };
    let caller = Caller {
        pool_id,
        client_id,
        username: &username,
    };
    invoke(
        ep,
        &function,
        trigger_source,
        &caller,
        json!({ "userAttributes": attributes, "clientMetadata": {} }),
    )?;
    Ok(())
}
