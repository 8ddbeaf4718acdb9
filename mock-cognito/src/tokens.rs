//! RS256 JWTs shaped like Cognito's `IdToken` and `AccessToken`, and the key
//! set served at `/<pool id>/.well-known/jwks.json`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{Map, Value, json};

use std::time::{Duration, Instant};

use chrono::Utc;

use crate::error::{ApiError, err, not_authorized};
use crate::input::field;
use crate::random::{token, uuid};
use crate::store::{Client, Device, User};
use crate::{Endpoint, TOKEN_LIFETIME_SECS};

/// The signing key of one endpoint (a fresh 2048-bit RSA key per process).
pub struct TokenSigner {
    key: PKey<Private>,
    kid: String,
    modulus: String,
    exponent: String,
}

impl TokenSigner {
    /// A new key.
    pub fn generate() -> Result<Self, openssl::error::ErrorStack> {
        let rsa = Rsa::generate(2048)?;
        let modulus = URL_SAFE_NO_PAD.encode(rsa.n().to_vec());
        let exponent = URL_SAFE_NO_PAD.encode(rsa.e().to_vec());
        let kid = URL_SAFE_NO_PAD.encode(&openssl::sha::sha256(rsa.n().to_vec().as_slice())[..12]);
        Ok(TokenSigner {
            key: PKey::from_rsa(rsa)?,
            kid,
            modulus,
            exponent,
        })
    }

    /// `header.payload.signature`, RS256.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        // Signing with a key we generated cannot fail short of memory exhaustion.
        let signature = Signer::new(MessageDigest::sha256(), &self.key)
            .and_then(|mut s| {
                s.update(signing_input.as_bytes())?;
                s.sign_to_vec()
            })
            .unwrap_or_default();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The JSON Web Key Set with the public key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "alg": "RS256", "e": self.exponent, "kid": self.kid, "kty": "RSA", "n": self.modulus, "use": "sig",
        }] })
    }
}

impl Endpoint {
    /// `AuthenticationResult`, with `NewDeviceMetadata` for a password sign-in
    /// when the app client tracks devices.
    pub(crate) fn tokens(
        &self,
        client: &Client,
        pool_id: &str,
        sub: &str,
        device_key: Option<&str>,
        new_device: bool,
    ) -> Value {
        let now = Utc::now().timestamp();
        let issuer = format!(
            "{}/{pool_id}",
            self.issuer_base
                .lock()
                .map(|s| s.clone())
                .unwrap_or_default()
        );
        let mut state = self.state();
        let Some(pool) = state.pools.get_mut(pool_id) else {
            return json!({});
        };
        let region = pool.id.region().to_owned();
        let Some(user) = pool.user_mut(sub) else {
            return json!({});
        };
        let username = user.username.clone();
        let mut access_claims = json!({
            "sub": sub, "iss": issuer, "client_id": client.app.client_id(), "origin_jti": uuid(),
            "event_id": uuid(), "token_use": "access", "scope": "aws.cognito.signin.user.admin",
            "auth_time": now, "exp": now + TOKEN_LIFETIME_SECS as i64, "iat": now, "jti": uuid(), "username": username,
        });
        if let Some(device_key) = device_key {
            access_claims["device_key"] = json!(device_key);
        }
        let id_claims = json!({
            "sub": sub, "iss": issuer, "cognito:username": username, "aud": client.app.client_id(),
            "event_id": uuid(), "token_use": "id", "auth_time": now, "exp": now + TOKEN_LIFETIME_SECS as i64, "iat": now, "jti": uuid(),
        });
        let mut result = Map::new();
        result.insert(
            "AccessToken".into(),
            json!(self.signer.sign(&access_claims)),
        );
        result.insert("IdToken".into(), json!(self.signer.sign(&id_claims)));
        result.insert("RefreshToken".into(), json!(token()));
        result.insert("ExpiresIn".into(), json!(TOKEN_LIFETIME_SECS));
        result.insert("TokenType".into(), json!("Bearer"));
        if new_device && client.remember_devices {
            let device_key = format!("{region}_{}", uuid());
            let group_key = user.device_group_key.clone();
            user.devices.insert(
                device_key.clone(),
                Device {
                    group_key: group_key.clone(),
                    verifier: None,
                    remembered: false,
                },
            );
            result.insert(
                "NewDeviceMetadata".into(),
                json!({ "DeviceKey": device_key, "DeviceGroupKey": group_key }),
            );
        }
        let access = result["AccessToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let issued = Instant::now();
        state.access_tokens.insert(
            access,
            (pool_id.to_owned(), sub.to_owned()),
            issued + Duration::from_secs(TOKEN_LIFETIME_SECS),
            issued,
        );
        json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
    }

    pub(crate) fn with_access_token<T>(
        &self,
        body: &Value,
        f: impl FnOnce(&mut User) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let access = field(body, "AccessToken")?;
        let mut state = self.state();
        let (pool_id, sub) = state
            .access_tokens
            .get(access, Instant::now())
            .cloned()
            .ok_or_else(|| err("NotAuthorizedException", "Invalid Access Token"))?;
        let user = state
            .pools
            .get_mut(&pool_id)
            .and_then(|p| p.user_mut(&sub))
            .ok_or_else(not_authorized)?;
        f(user)
    }
}
