//! The seed fields of the sign-in flows and their tokens (`SEED.md`):
//! `credentials`, and per pool `password_policy` and `custom_challenge`, and
//! per user `attributes`, `temporary_password` and `totp_secret`.

use serde_json::Value;

use crate::Endpoint;
use crate::ops::flows::CustomChallenge;
use crate::ops::mfa::Mfa;
use crate::password_policy::PasswordPolicy;
use crate::sigv4::CredentialStore;

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

impl Endpoint {
    /// Applies a seeded pool's policy, custom challenge and users' extras
    /// (the pool and its users must exist already).
    pub(crate) fn seed_pool_extras(&self, pool_seed: &Value) -> Result<(), String> {
        let pool_id = pool_seed["id"]
            .as_str()
            .ok_or("seed: a pool needs an `id`")?;
        let policy = PasswordPolicy::from_seed(pool_seed.get("password_policy"))?;
        let custom = pool_seed
            .get("custom_challenge")
            .filter(|v| !v.is_null())
            .map(CustomChallenge::from_seed)
            .transpose()?;
        let mut state = self.state();
        let pool = state
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| format!("seed: no pool {pool_id}"))?;
        pool.password_policy = policy;
        pool.custom_challenge = custom;
        for user_seed in pool_seed["users"].as_array().into_iter().flatten() {
            let name = user_seed["username"]
                .as_str()
                .ok_or("seed: a user needs a `username`")?;
            let user = pool
                .user_mut(name)
                .ok_or_else(|| format!("seed: no user {name}"))?;
            if let Some(attributes) = user_seed.get("attributes").and_then(Value::as_object) {
                for (key, value) in attributes {
                    let value = value.as_str().ok_or_else(|| {
                        format!("seed: attribute {key} of {name} must be a string")
                    })?;
                    if key != "sub" {
                        user.attributes
                            .entry(key.clone())
                            .or_insert_with(|| value.to_owned());
                    }
                }
            }
            if user_seed["temporary_password"].as_bool() == Some(true) {
                user.force_change_password = true;
            }
            if let Some(secret) = user_seed["totp_secret"].as_str() {
                user.mfa = Mfa::from_seed_secret(secret)?;
            }
        }
        Ok(())
    }
}
