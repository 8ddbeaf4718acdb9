//! The seed file (`LOCAL-ENDPOINT.md` gives its format), read as changes to
//! the model: the IAM `credentials`, and per pool its app clients and users,
//! `username_attributes`, `password_policy` and `custom_challenge`, and per
//! user `attributes`, `temporary_password` and `totp_secret`, and per pool
//! `allowed_first_auth_factors`, `web_authn_relying_party_id`,
//! `sms_configuration` and `mfa_configuration`.
//!
//! Applying a seed is idempotent: a pool, client or user that already exists
//! (a data directory that holds an earlier run's state) is left as it is,
//! extras included; only what is missing is made.

use std::collections::BTreeMap;

use serde_json::Value;
use totp_rs::Secret;

use crate::Endpoint;
use cognito_srp::PoolId;

use crate::model::pool::{
    ALL_AUTH_FLOWS, Client, CustomChallenge, MfaConfiguration, Pool, WebAuthnConfiguration,
};
use crate::model::sms;
use crate::model::user::Mfa;
use crate::password_policy::PasswordPolicy;
use crate::sigv4::CredentialStore;

/// The endpoint's seed: pools, app clients and users (see `LOCAL-ENDPOINT.md`).
pub fn seed_from_json(seed: &Value) -> Result<Endpoint, String> {
    let endpoint = Endpoint::new().map_err(|e| e.to_string())?;
    endpoint.apply_seed(seed)
}

impl Endpoint {
    /// This endpoint (for example one [`Endpoint::open`]ed on a data
    /// directory) with the seed's credentials, and its pools, app clients and
    /// users where they are missing: what already exists is left as it is,
    /// so applying the same seed again changes nothing. The additions are
    /// durable when this returns.
    pub fn apply_seed(self, seed: &Value) -> Result<Endpoint, String> {
        let endpoint = self.with_credentials(credentials(seed)?);
        let applied = apply(&endpoint, seed);
        // What was made before a bad entry stays made, as separate calls would.
        endpoint.persist().map_err(|e| e.message)?;
        applied.map(|()| endpoint)
    }
}

fn apply(endpoint: &Endpoint, seed: &Value) -> Result<(), String> {
    let now = chrono::Utc::now().timestamp();
    for pool in seed["pools"]
        .as_array()
        .ok_or("seed: `pools` must be an array")?
    {
        let pool_id = pool["id"].as_str().ok_or("seed: a pool needs an `id`")?;
        let id = PoolId::parse(pool_id).map_err(|e| format!("seed: pool {pool_id}: {e}"))?;
        let name = id.pool_name().to_owned();
        let new_pool = !endpoint.state().pools.contains_key(pool_id);
        if new_pool {
            endpoint
                .insert_pool(Pool::new(id, &name, now))
                .map_err(|e| e.message)?;
        }
        let username_attributes = pool["username_attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| match a.as_str() {
                Some(a @ ("email" | "phone_number")) => Ok(a.to_owned()),
                _ => Err("seed: `username_attributes` holds `email` and/or `phone_number`"),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if new_pool && let Some(pool) = endpoint.state().pools.get_mut(pool_id) {
            pool.username_attributes = username_attributes;
        }
        for client in pool["clients"].as_array().into_iter().flatten() {
            let id = client["id"]
                .as_str()
                .ok_or("seed: a client needs an `id`")?;
            if endpoint.state().clients.contains_key(id) {
                continue;
            }
            let mut made = Client::new(pool_id, id, id, client["secret"].as_str(), now)
                .map_err(|e| format!("seed: client {id}: {e}"))?;
            made.remember_devices = client["remember_devices"].as_bool().unwrap_or(false);
            made.prevent_user_existence_errors = match client["prevent_user_existence_errors"]
                .as_str()
            {
                None | Some("LEGACY") => false,
                Some("ENABLED") => true,
                Some(_) => {
                    return Err("seed: `prevent_user_existence_errors` is LEGACY or ENABLED".into());
                }
            };
            // A seeded client allows every flow unless its seed lists them.
            made.explicit_auth_flows = Some(match &client["explicit_auth_flows"] {
                Value::Null => ALL_AUTH_FLOWS.iter().map(|f| (*f).to_owned()).collect(),
                Value::Array(flows) => flows
                    .iter()
                    .map(|f| f.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or("seed: `explicit_auth_flows` is a list of strings")?,
                _ => return Err("seed: `explicit_auth_flows` is a list of strings".into()),
            });
            endpoint.insert_client(made).map_err(|e| e.message)?;
        }
        let mut new_users = Vec::new();
        for user in pool["users"].as_array().into_iter().flatten() {
            let name = user["username"]
                .as_str()
                .ok_or("seed: a user needs a `username`")?;
            let password = user["password"]
                .as_str()
                .ok_or("seed: a user needs a `password`")?;
            let exists = endpoint
                .state()
                .pools
                .get(pool_id)
                .is_some_and(|p| p.user(name).is_some());
            if !exists {
                endpoint
                    .create_user(pool_id, name, password, true, |_| {})
                    .map_err(|e| e.message)?;
                new_users.push(name.to_owned());
            }
        }
        pool_extras(endpoint, pool, new_pool, &new_users)?;
    }
    Ok(())
}

/// The IAM credentials of the seed's `credentials` list.
pub(crate) fn credentials(seed: &Value) -> Result<CredentialStore, String> {
    let mut store = CredentialStore::new();
    for entry in seed["credentials"].as_array().into_iter().flatten() {
        let (Some(access_key_id), Some(secret)) = (
            entry["access_key_id"].as_str(),
            entry["secret_access_key"].as_str(),
        ) else {
            return Err("seed: a credential needs `access_key_id` and `secret_access_key`".into());
        };
        store.insert(access_key_id, secret);
    }
    Ok(store)
}

/// Applies a seeded pool's policy and custom challenge (when the seed made
/// the pool) and the extras of the users it made (`new_users`).
fn pool_extras(
    endpoint: &Endpoint,
    pool_seed: &Value,
    new_pool: bool,
    new_users: &[String],
) -> Result<(), String> {
    let pool_id = pool_seed["id"]
        .as_str()
        .ok_or("seed: a pool needs an `id`")?;
    let policy = PasswordPolicy::from_seed(pool_seed.get("password_policy"))?;
    let custom = pool_seed
        .get("custom_challenge")
        .filter(|v| !v.is_null())
        .map(custom_challenge)
        .transpose()?;
    let now = endpoint.clock().unix_seconds();
    let mut state = endpoint.state();
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| format!("seed: no pool {pool_id}"))?;
    if new_pool {
        pool.password_policy = policy;
        pool.custom_challenge = custom;
        // A seeded pool offers every first factor this endpoint serves but
        // passkeys, and sends SMS codes, unless its seed says otherwise.
        pool.settings.allowed_first_auth_factors = match &pool_seed["allowed_first_auth_factors"] {
            Value::Null => ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
                .map(str::to_owned)
                .to_vec(),
            Value::Array(factors) => factors
                .iter()
                .map(|f| f.as_str().map(str::to_owned))
                .collect::<Option<_>>()
                .ok_or("seed: `allowed_first_auth_factors` is a list of strings")?,
            _ => return Err("seed: `allowed_first_auth_factors` is a list of strings".into()),
        };
        if let Some(mfa) = pool_seed["mfa_configuration"].as_str() {
            pool.settings.mfa_configuration = MfaConfiguration::parse(mfa)
                .ok_or("seed: `mfa_configuration` is OFF, ON or OPTIONAL")?;
            // MFA on: software tokens are what can be set up (MFA_SETUP).
            pool.settings.software_token_mfa = mfa != "OFF";
        }
        if let Some(rp) = pool_seed["web_authn_relying_party_id"].as_str() {
            pool.settings.web_authn = Some(WebAuthnConfiguration {
                relying_party_id: rp.to_owned(),
                user_verification: "preferred".to_owned(),
            });
        }
        let sms = match pool_seed.get("sms_configuration") {
            None => Some(sms::seeded_configuration()),
            Some(Value::Null) => None,
            Some(given) => Some(given.clone()),
        };
        if let Some(sms) = sms {
            pool.settings.other.insert("SmsConfiguration".into(), sms);
        }
    }
    for user_seed in pool_seed["users"].as_array().into_iter().flatten() {
        let name = user_seed["username"]
            .as_str()
            .ok_or("seed: a user needs a `username`")?;
        if !new_users.iter().any(|n| n == name) {
            continue;
        }
        let user = pool
            .user_mut(name)
            .ok_or_else(|| format!("seed: no user {name}"))?;
        if let Some(attributes) = user_seed.get("attributes").and_then(Value::as_object) {
            for (key, value) in attributes {
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("seed: attribute {key} of {name} must be a string"))?;
                if key != "sub" {
                    user.attributes
                        .entry(key.clone())
                        .or_insert_with(|| value.to_owned());
                }
            }
        }
        if user_seed["temporary_password"].as_bool() == Some(true) {
            user.set_temporary_password(now);
        }
        if let Some(secret) = user_seed["totp_secret"].as_str() {
            user.mfa = totp_secret(secret)?;
        }
    }
    Ok(())
}

/// The seed's `custom_challenge`: `{"parameters": {...}, "answer": "..."}`.
fn custom_challenge(seed: &Value) -> Result<CustomChallenge, String> {
    let answer = seed["answer"]
        .as_str()
        .ok_or("seed: custom_challenge needs a string `answer`")?;
    let mut parameters = BTreeMap::new();
    for (key, value) in seed["parameters"].as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .ok_or("seed: custom_challenge.parameters values must be strings")?;
        parameters.insert(key.clone(), value.to_owned());
    }
    Ok(CustomChallenge::new(parameters, answer))
}

/// TOTP enabled and preferred with the seed's base32 `totp_secret`.
fn totp_secret(base32: &str) -> Result<Mfa, String> {
    let secret = Secret::try_from_base32(base32.trim_end_matches('='))
        .map_err(|_| "seed: totp_secret must be base32")?;
    let bytes: &[u8] = secret.as_ref();
    if bytes.is_empty() {
        return Err("seed: totp_secret is empty".to_owned());
    }
    Ok(Mfa::with_secret(bytes.to_vec()))
}
