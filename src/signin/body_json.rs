//! The JSON 1.1 bodies of whole requests and replies, for callers that send
//! raw HTTP: a [`Request`]'s body and `X-Amz-Target`, and a [`Reply`] from a
//! response body. JSON inside a parameter's value is `parameter_json.rs`.

use serde_json::{Map, Value};

use crate::error::{Error, Field, Result};
use crate::wire::ParameterMap;

use super::reply::{AuthenticationResult, NewDeviceMetadata, Reply};
use super::request::{Call, Request};

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

impl Request {
    /// The `X-Amz-Target` header: `AWSCognitoIdentityProviderService.<operation>`.
    ///
    /// ```
    /// # use cognito_srp::signin::SignIn;
    /// # use cognito_srp::{AppClient, Password, PoolId};
    /// # let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
    /// let step = signin.start(Password::new("hunter2"))?;
    /// assert_eq!(step.request().target(), "AWSCognitoIdentityProviderService.InitiateAuth");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn target(&self) -> String {
        format!("{TARGET_PREFIX}{}", self.operation().name())
    }

    /// The JSON body (`Content-Type: application/x-amz-json-1.1`). It holds
    /// what the request holds (a `PASSWORD`, a `NEW_PASSWORD`, a `Session`):
    /// treat it as a secret.
    ///
    /// ```
    /// # use cognito_srp::signin::SignIn;
    /// # use cognito_srp::{AppClient, Password, PoolId};
    /// # let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
    /// let step = signin.start(Password::new("hunter2"))?;
    /// let body = step.request().to_json();
    /// assert!(body.contains(r#""AuthFlow":"USER_SRP_AUTH""#));
    /// assert!(body.contains(r#""ClientId":"client-id""#));
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut body = Map::new();
        body.insert("ClientId".into(), self.client_id().into());
        if let Some(pool) = self.user_pool_id() {
            body.insert("UserPoolId".into(), pool.into());
        }
        let strings = |map: &ParameterMap| -> Value {
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        };
        match self.call() {
            Call::Initiate {
                auth_flow,
                auth_parameters,
            } => {
                body.insert("AuthFlow".into(), auth_flow.clone().into());
                body.insert("AuthParameters".into(), strings(auth_parameters));
            }
            Call::Respond {
                challenge_name,
                challenge_responses,
                session,
            } => {
                body.insert("ChallengeName".into(), challenge_name.clone().into());
                body.insert("ChallengeResponses".into(), strings(challenge_responses));
                if let Some(session) = session {
                    body.insert("Session".into(), session.clone().into());
                }
            }
            Call::AssociateSoftwareToken { session } => {
                body.clear();
                body.insert("Session".into(), session.clone().into());
            }
            Call::VerifySoftwareToken {
                session,
                user_code,
                friendly_device_name,
            } => {
                body.clear();
                body.insert("Session".into(), session.clone().into());
                body.insert("UserCode".into(), user_code.clone().into());
                if let Some(name) = friendly_device_name {
                    body.insert("FriendlyDeviceName".into(), name.clone().into());
                }
            }
        }
        Value::Object(body).to_string()
    }
}

impl Reply {
    /// A reply from the JSON body of a successful (HTTP 200) response. Fields
    /// the driver does not use are ignored; `null` counts as absent.
    ///
    /// ```
    /// use cognito_srp::signin::Reply;
    /// let reply = Reply::from_json(r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","ChallengeParameters":{},"Session":"AYAB"}"#)?;
    /// assert_eq!(reply.challenge_name.as_deref(), Some("SOFTWARE_TOKEN_MFA"));
    /// let tokens = Reply::from_json(r#"{"AuthenticationResult":{"AccessToken":"eyJ","ExpiresIn":3600},"ChallengeParameters":{}}"#)?;
    /// assert_eq!(tokens.authentication_result.unwrap().expires_in, Some(3600));
    /// assert!(Reply::from_json(r#"{"Session":7}"#).is_err());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn from_json(body: &str) -> Result<Self> {
        let body: Map<String, Value> = serde_json::from_str(body)
            .map_err(|_| Error::invalid(Field::ReplyBody, "not a JSON object"))?;
        let result = match body.get("AuthenticationResult") {
            None | Some(Value::Null) => None,
            Some(Value::Object(result)) => Some(authentication_result(result)?),
            Some(_) => {
                return Err(Error::invalid(
                    Field::ReplyBody,
                    "AuthenticationResult is not an object",
                ));
            }
        };
        Ok(Reply {
            challenge_name: string(&body, "ChallengeName", Field::ChallengeName)?,
            challenge_parameters: match body.get("ChallengeParameters") {
                None | Some(Value::Null) => ParameterMap::new(),
                Some(Value::Object(map)) => string_map(map)?,
                Some(_) => return Err(not_strings()),
            },
            session: string(&body, "Session", Field::Session)?,
            available_challenges: match body.get("AvailableChallenges") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or(Error::invalid(
                        Field::ReplyBody,
                        "AvailableChallenges is not an array of strings",
                    ))?,
                Some(_) => {
                    return Err(Error::invalid(
                        Field::ReplyBody,
                        "AvailableChallenges is not an array of strings",
                    ));
                }
            },
            authentication_result: result,
            secret_code: string(&body, "SecretCode", Field::SecretCode)?,
            status: string(&body, "Status", Field::Status)?,
        })
    }
}

fn not_strings() -> Error {
    Error::invalid(
        Field::ReplyBody,
        "ChallengeParameters is not an object of strings",
    )
}

fn string(map: &Map<String, Value>, key: &str, field: Field) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(field, "not a string")),
    }
}

fn string_map(map: &Map<String, Value>) -> Result<ParameterMap> {
    map.iter()
        .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(not_strings)?.to_owned())))
        .collect()
}

fn authentication_result(map: &Map<String, Value>) -> Result<AuthenticationResult> {
    let expires_in = match map.get("ExpiresIn") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or(
            Error::invalid(Field::ReplyBody, "ExpiresIn is not a 32-bit integer"),
        )?),
    };
    let new_device_metadata = match map.get("NewDeviceMetadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(metadata)) => Some(NewDeviceMetadata {
            device_key: string(metadata, "DeviceKey", Field::DeviceKey)?,
            device_group_key: string(metadata, "DeviceGroupKey", Field::DeviceGroupKey)?,
        }),
        Some(_) => {
            return Err(Error::invalid(
                Field::ReplyBody,
                "NewDeviceMetadata is not an object",
            ));
        }
    };
    Ok(AuthenticationResult {
        access_token: string(map, "AccessToken", Field::AccessToken)?,
        id_token: string(map, "IdToken", Field::ReplyBody)?,
        refresh_token: string(map, "RefreshToken", Field::ReplyBody)?,
        expires_in,
        token_type: string(map, "TokenType", Field::ReplyBody)?,
        new_device_metadata,
    })
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_request_body_round_trips_through_json() {
        let request = Request::new(
            "c".into(),
            Some("us-east-1_P".into()),
            Call::Respond {
                challenge_name: "SMS_MFA".into(),
                challenge_responses: ParameterMap::from([
                    ("USERNAME".into(), "a\"b".into()),
                    ("SMS_MFA_CODE".into(), "123456".into()),
                ]),
                session: Some("AYAB".into()),
            },
        );
        let body: Value = serde_json::from_str(&request.to_json()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({ "ClientId": "c", "UserPoolId": "us-east-1_P",
                "ChallengeName": "SMS_MFA", "Session": "AYAB",
                "ChallengeResponses": { "USERNAME": "a\"b", "SMS_MFA_CODE": "123456" } })
        );
        assert_eq!(
            request.target(),
            "AWSCognitoIdentityProviderService.AdminRespondToAuthChallenge"
        );
    }

    #[test]
    fn replies_are_read_strictly() {
        let reply = Reply::from_json(
            r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r",
                "ExpiresIn":3600,"TokenType":"Bearer",
                "NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}},
               "ChallengeParameters":{},"AvailableChallenges":null}"#,
        )
        .unwrap();
        let result = reply.authentication_result.unwrap();
        assert_eq!(result.token_type.as_deref(), Some("Bearer"));
        assert_eq!(
            result
                .new_device_metadata
                .unwrap()
                .device_group_key
                .as_deref(),
            Some("g")
        );
        for (bad, field) in [
            ("[]", Field::ReplyBody),
            ("not json", Field::ReplyBody),
            (r#"{"ChallengeName":1}"#, Field::ChallengeName),
            (r#"{"ChallengeParameters":{"a":1}}"#, Field::ReplyBody),
            (r#"{"AvailableChallenges":[1]}"#, Field::ReplyBody),
            (
                r#"{"AuthenticationResult":{"ExpiresIn":1e40}}"#,
                Field::ReplyBody,
            ),
            (
                r#"{"AuthenticationResult":{"AccessToken":[]}}"#,
                Field::AccessToken,
            ),
        ] {
            assert_eq!(
                Reply::from_json(bad).unwrap_err().field(),
                Some(field),
                "{bad}"
            );
        }
    }
}
