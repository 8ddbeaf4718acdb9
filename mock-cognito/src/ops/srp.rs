//! SRP sign-in: `InitiateAuth` (`USER_SRP_AUTH`, `CUSTOM_AUTH` started with
//! `SRP_A`) and `RespondToAuthChallenge` (`PASSWORD_VERIFIER`,
//! `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER`).

use std::collections::HashMap;
use std::time::Instant;

use chrono::Utc;
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiResult, err, from_srp, invalid_parameter, no_such_device, not_authorized};
use crate::input::{check_username, field, required, string_map};
use crate::random::token;
use crate::session::{SessionBinding, expired_session, invalid_session};
use crate::store::{Client, Pending};

/// What a `DEVICE_SRP_AUTH` session carries: the device whose sign-in the
/// verified `PASSWORD_VERIFIER` asked for.
struct DeviceSrpOwed {
    device_key: String,
}

impl Endpoint {
    pub(crate) fn initiate_auth(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let flow = field(body, "AuthFlow")?;
        let parameters = string_map(body, "AuthParameters")?;
        let custom_srp = flow == "CUSTOM_AUTH"
            && parameters.get("CHALLENGE_NAME").map(String::as_str) == Some("SRP_A");
        if flow != "USER_SRP_AUTH" && !custom_srp {
            return Err(invalid_parameter(format!("Unsupported AuthFlow {flow}")));
        }
        let username = required(&parameters, "USERNAME")?;
        check_username(username, "username")?;
        let srp_a = required(&parameters, "SRP_A")?;
        client.check_secret_hash(username, parameters.get("SECRET_HASH").map(String::as_str))?;
        let pool_id = self.pool_id(&client.pool_id)?;
        let known = {
            let state = self.state();
            let pool = &state.pools[&client.pool_id];
            match pool.user(username) {
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
        // Cognito answers with the real username in both USERNAME and
        // USER_ID_FOR_SRP, whatever alias was typed; an unknown user gets
        // UserNotFoundException or, under PreventUserExistenceErrors, a decoy.
        let (real_username, sub, verifier) = match known {
            Some(known) => known,
            None => {
                let (id, verifier) = self.unknown_user(&client, username)?;
                (id.clone(), id, verifier)
            }
        };
        // The SRP math runs outside the lock.
        let session = self
            .srp
            .start_user(&pool_id, &real_username, &real_username, &verifier, srp_a)
            .map_err(from_srp)?;
        let parameters_out = session.challenge_parameters();
        let name = session.challenge_name();
        self.park(Pending {
            client_id: client.app.client_id().to_owned(),
            pool_id: client.pool_id.clone(),
            sub,
            device_key: parameters.get("DEVICE_KEY").cloned(),
            session,
        })?;
        Ok(json!({ "ChallengeName": name, "ChallengeParameters": parameters_out }))
    }

    pub(crate) fn respond_to_auth_challenge(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let challenge = field(body, "ChallengeName")?;
        let responses = string_map(body, "ChallengeResponses")?;
        let username = required(&responses, "USERNAME")?;
        client.check_secret_hash(username, responses.get("SECRET_HASH").map(String::as_str))?;
        match challenge {
            "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER" => {
                self.verify_claim(&client, challenge, &responses)
            }
            "DEVICE_SRP_AUTH" => self.device_srp_auth(&client, body, &responses),
            other => Err(invalid_parameter(format!(
                "Unsupported ChallengeName {other}"
            ))),
        }
    }

    fn verify_claim(
        &self,
        client: &Client,
        challenge: &str,
        responses: &HashMap<String, String>,
    ) -> ApiResult {
        let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        // A secret block answers once: take the session out before verifying.
        let pending = self
            .state()
            .pending
            .take(block, Instant::now())
            .ok_or_else(not_authorized)?
            .map_err(|()| expired_session())?;
        if pending.client_id != client.app.client_id()
            || pending.session.challenge_name() != challenge
        {
            return Err(not_authorized());
        }
        pending
            .session
            .verify_at(responses, Utc::now())
            .map_err(from_srp)?;
        let device_key = responses
            .get("DEVICE_KEY")
            .or(pending.device_key.as_ref())
            .cloned();
        if challenge == "PASSWORD_VERIFIER" {
            if let Some(device_key) = device_key {
                let state = self.state();
                let user = state.pools[&pending.pool_id]
                    .user(&pending.sub)
                    .ok_or_else(not_authorized)?;
                match user.devices.get(&device_key) {
                    None => return Err(no_such_device()),
                    Some(device) if device.verifier.is_some() && device.remembered => {
                        let binding = SessionBinding {
                            pool_id: pending.pool_id.clone(),
                            client_id: client.app.client_id().to_owned(),
                            username: user.username.clone(),
                            challenge: "DEVICE_SRP_AUTH",
                        };
                        drop(state);
                        // DEVICE_SRP_AUTH is owed only after a verified
                        // PASSWORD_VERIFIER: its session says so.
                        let session = self.issue_session(binding, DeviceSrpOwed { device_key })?;
                        return Ok(
                            json!({ "ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": {}, "Session": session }),
                        );
                    }
                    Some(_) => {}
                }
            }
            return Ok(self.tokens(client, &pending.pool_id, &pending.sub, None, true));
        }
        Ok(self.tokens(
            client,
            &pending.pool_id,
            &pending.sub,
            device_key.as_deref(),
            false,
        ))
    }

    fn device_srp_auth(
        &self,
        client: &Client,
        body: &Value,
        responses: &HashMap<String, String>,
    ) -> ApiResult {
        let username = required(responses, "USERNAME")?;
        let device_key = required(responses, "DEVICE_KEY")?;
        let srp_a = required(responses, "SRP_A")?;
        let real_username = {
            let state = self.state();
            let pool = state
                .pools
                .get(&client.pool_id)
                .ok_or_else(not_authorized)?;
            pool.user(username)
                .ok_or_else(invalid_session)?
                .username
                .clone()
        };
        let binding = SessionBinding {
            pool_id: client.pool_id.clone(),
            client_id: client.app.client_id().to_owned(),
            username: real_username,
            challenge: "DEVICE_SRP_AUTH",
        };
        // DEVICE_SRP_AUTH is owed only after a verified PASSWORD_VERIFIER.
        let owed: DeviceSrpOwed = self.take_session(body, &binding)?;
        if owed.device_key != device_key {
            return Err(invalid_session());
        }
        let (sub, group_key, verifier) = {
            let state = self.state();
            let user = state
                .pools
                .get(&client.pool_id)
                .and_then(|pool| pool.user(username))
                .ok_or_else(not_authorized)?;
            let device = user.devices.get(device_key).ok_or_else(no_such_device)?;
            let verifier = device.verifier.clone().ok_or_else(not_authorized)?;
            (user.sub.clone(), device.group_key.clone(), verifier)
        };
        let session = self
            .srp
            .start_device(&group_key, device_key, username, &verifier, srp_a)
            .map_err(from_srp)?;
        let parameters = session.challenge_parameters();
        self.park(Pending {
            client_id: client.app.client_id().to_owned(),
            pool_id: client.pool_id.clone(),
            sub,
            device_key: Some(device_key.to_owned()),
            session,
        })?;
        Ok(
            json!({ "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": parameters, "Session": token() }),
        )
    }
}
