//! The requests of the token calls: a refresh (`REFRESH_TOKEN_AUTH` or
//! `GetTokensFromRefreshToken`), `RevokeToken`, `GlobalSignOut` and
//! `AdminUserGlobalSignOut`, with their JSON 1.1 wire form.

use core::fmt;

use serde_json::{Map, Value};
use zeroize::Zeroize;

use crate::app_client::AppClient;
use crate::error::{Error, Field, Result};
use crate::secret::ClientSecret;
use crate::wire::ParameterMap;

use super::keep::KeptSignIn;
use super::request::Operation;
use super::token::{AccessToken, RefreshToken};

/// `AuthFlow` of a refresh through `InitiateAuth` or `AdminInitiateAuth`.
pub const REFRESH_TOKEN_AUTH: &str = "REFRESH_TOKEN_AUTH";

/// One request of the token calls, in the plain strings and maps every
/// Cognito client takes. Secrets are typed ([`RefreshToken`],
/// [`AccessToken`], [`ClientSecret`]) and wiped on drop, `REFRESH_TOKEN` in
/// `auth_parameters` too; `Debug` leaves them all out.
///
/// Built by [`Refresh::request`](super::Refresh::request),
/// [`KeptSignIn::revoke_token`], [`KeptSignIn::global_sign_out`] and
/// [`KeptSignIn::admin_user_global_sign_out`].
///
/// ```
/// use cognito_srp::signin::{Operation, TokenRequest};
/// fn send(request: &TokenRequest) {
///     match request {
///         TokenRequest::RefreshTokenAuth { user_pool_id, auth_parameters, .. } => {
///             // InitiateAuth, or AdminInitiateAuth when there is a `user_pool_id`
///             assert!(auth_parameters.contains_key("REFRESH_TOKEN"));
///             # let _ = user_pool_id;
///         }
///         TokenRequest::GetTokensFromRefreshToken { refresh_token, .. } => {
///             let _body = refresh_token.expose_secret();
///         }
///         TokenRequest::RevokeToken { .. } => assert_eq!(request.operation(), Operation::RevokeToken),
///         TokenRequest::GlobalSignOut { .. } | TokenRequest::AdminUserGlobalSignOut { .. } => {}
///     }
/// }
/// ```
#[derive(Clone)]
pub enum TokenRequest {
    /// `InitiateAuth` (or `AdminInitiateAuth`) with `AuthFlow` `REFRESH_TOKEN_AUTH`.
    RefreshTokenAuth {
        /// `UserPoolId`: set for `AdminInitiateAuth`, absent for `InitiateAuth`.
        user_pool_id: Option<String>,
        /// `ClientId`.
        client_id: String,
        /// `AuthParameters`: `REFRESH_TOKEN`, and `SECRET_HASH` and `DEVICE_KEY` when they apply.
        auth_parameters: ParameterMap,
        /// `ClientMetadata` (for the pool's Lambda triggers); empty when none.
        client_metadata: ParameterMap,
    },
    /// `GetTokensFromRefreshToken`: the refresh where the app client rotates refresh tokens.
    GetTokensFromRefreshToken {
        /// `ClientId`.
        client_id: String,
        /// `ClientSecret`, as it is (not a `SECRET_HASH`), for an app client with one.
        client_secret: Option<ClientSecret>,
        /// `RefreshToken`.
        refresh_token: RefreshToken,
        /// `DeviceKey` of the remembered device.
        device_key: Option<String>,
        /// `ClientMetadata`; empty when none.
        client_metadata: ParameterMap,
    },
    /// `RevokeToken`: the refresh token, and the access tokens issued with it, stop working.
    RevokeToken {
        /// `ClientId`.
        client_id: String,
        /// `ClientSecret`, for an app client with one.
        client_secret: Option<ClientSecret>,
        /// `Token`: the refresh token.
        token: RefreshToken,
    },
    /// `GlobalSignOut`: every refresh token of the user stops working.
    GlobalSignOut {
        /// `AccessToken`, which authorises the call.
        access_token: AccessToken,
    },
    /// `AdminUserGlobalSignOut` (SigV4): the same, by an administrator.
    AdminUserGlobalSignOut {
        /// `UserPoolId`.
        user_pool_id: String,
        /// `Username`.
        username: String,
    },
}

impl TokenRequest {
    /// The operation.
    ///
    /// ```
    /// use cognito_srp::signin::{AccessToken, Operation, TokenRequest};
    /// let request = TokenRequest::GlobalSignOut { access_token: AccessToken::new("eyJ.e30.sig")? };
    /// assert_eq!(request.operation(), Operation::GlobalSignOut);
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn operation(&self) -> Operation {
        match self {
            TokenRequest::RefreshTokenAuth {
                user_pool_id: None, ..
            } => Operation::InitiateAuth,
            TokenRequest::RefreshTokenAuth {
                user_pool_id: Some(_),
                ..
            } => Operation::AdminInitiateAuth,
            TokenRequest::GetTokensFromRefreshToken { .. } => Operation::GetTokensFromRefreshToken,
            TokenRequest::RevokeToken { .. } => Operation::RevokeToken,
            TokenRequest::GlobalSignOut { .. } => Operation::GlobalSignOut,
            TokenRequest::AdminUserGlobalSignOut { .. } => Operation::AdminUserGlobalSignOut,
        }
    }

    /// The `X-Amz-Target` header: `AWSCognitoIdentityProviderService.<operation>`.
    ///
    /// ```
    /// use cognito_srp::signin::{AccessToken, TokenRequest};
    /// let request = TokenRequest::GlobalSignOut { access_token: AccessToken::new("eyJ.e30.sig")? };
    /// assert_eq!(request.target(), "AWSCognitoIdentityProviderService.GlobalSignOut");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn target(&self) -> String {
        format!(
            "AWSCognitoIdentityProviderService.{}",
            self.operation().name()
        )
    }

    /// The JSON body (`Content-Type: application/x-amz-json-1.1`). It holds
    /// the request's secrets: treat it as one.
    ///
    /// ```
    /// use cognito_srp::signin::TokenRequest;
    /// let request = TokenRequest::AdminUserGlobalSignOut {
    ///     user_pool_id: "us-east-1_AbCdEf123".into(),
    ///     username: "alice".into(),
    /// };
    /// assert_eq!(request.to_json(), r#"{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut body = Map::new();
        let mut put = |key: &str, value: &str| {
            body.insert(key.into(), Value::String(value.into()));
        };
        let strings = |map: &ParameterMap| -> Value {
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        };
        match self {
            TokenRequest::RefreshTokenAuth {
                user_pool_id,
                client_id,
                auth_parameters,
                client_metadata,
            } => {
                if let Some(pool) = user_pool_id {
                    put("UserPoolId", pool);
                }
                put("ClientId", client_id);
                put("AuthFlow", REFRESH_TOKEN_AUTH);
                body.insert("AuthParameters".into(), strings(auth_parameters));
                if !client_metadata.is_empty() {
                    body.insert("ClientMetadata".into(), strings(client_metadata));
                }
            }
            TokenRequest::GetTokensFromRefreshToken {
                client_id,
                client_secret,
                refresh_token,
                device_key,
                client_metadata,
            } => {
                put("ClientId", client_id);
                if let Some(secret) = client_secret {
                    put("ClientSecret", secret.expose_secret());
                }
                put("RefreshToken", refresh_token.expose_secret());
                if let Some(key) = device_key {
                    put("DeviceKey", key);
                }
                if !client_metadata.is_empty() {
                    body.insert("ClientMetadata".into(), strings(client_metadata));
                }
            }
            TokenRequest::RevokeToken {
                client_id,
                client_secret,
                token,
            } => {
                put("ClientId", client_id);
                if let Some(secret) = client_secret {
                    put("ClientSecret", secret.expose_secret());
                }
                put("Token", token.expose_secret());
            }
            TokenRequest::GlobalSignOut { access_token } => {
                put("AccessToken", access_token.expose_secret());
            }
            TokenRequest::AdminUserGlobalSignOut {
                user_pool_id,
                username,
            } => {
                put("UserPoolId", user_pool_id);
                put("Username", username);
            }
        }
        Value::Object(body).to_string()
    }
}

impl Drop for TokenRequest {
    fn drop(&mut self) {
        if let TokenRequest::RefreshTokenAuth {
            auth_parameters, ..
        } = self
        {
            auth_parameters.values_mut().for_each(Zeroize::zeroize);
        }
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("TokenRequest");
        out.field("operation", &self.operation());
        match self {
            TokenRequest::RefreshTokenAuth {
                user_pool_id,
                client_id,
                auth_parameters,
                client_metadata,
            } => {
                let mut keys: Vec<&String> = auth_parameters.keys().collect();
                keys.sort();
                out.field("user_pool_id", user_pool_id)
                    .field("client_id", client_id)
                    .field("auth_parameters", &keys)
                    .field("client_metadata", client_metadata);
            }
            TokenRequest::GetTokensFromRefreshToken {
                client_id,
                client_secret,
                device_key,
                client_metadata,
                ..
            } => {
                out.field("client_id", client_id)
                    .field("client_secret", client_secret)
                    .field("refresh_token", &format_args!("<redacted>"))
                    .field("device_key", device_key)
                    .field("client_metadata", client_metadata);
            }
            TokenRequest::RevokeToken {
                client_id,
                client_secret,
                ..
            } => {
                out.field("client_id", client_id)
                    .field("client_secret", client_secret)
                    .field("token", &format_args!("<redacted>"));
            }
            TokenRequest::GlobalSignOut { .. } => {
                out.field("access_token", &format_args!("<redacted>"));
            }
            TokenRequest::AdminUserGlobalSignOut {
                user_pool_id,
                username,
            } => {
                out.field("user_pool_id", user_pool_id)
                    .field("username", username);
            }
        }
        out.finish()
    }
}

impl KeptSignIn {
    /// `RevokeToken` for the refresh token, through `app` (the app client it
    /// was issued to; its secret goes as `ClientSecret`). Cognito then
    /// refuses it, and the access tokens issued with it, when the app client
    /// has token revocation on (the default).
    ///
    /// ```
    /// use cognito_srp::signin::{KeptSignIn, RefreshToken, TokenRequest};
    /// use cognito_srp::{AppClient, PoolId};
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let request = kept.revoke_token(&AppClient::new("client")?)?;
    /// assert_eq!(request.to_json(), r#"{"ClientId":"client","Token":"r"}"#);
    /// assert!(kept.revoke_token(&AppClient::new("another-client")?).is_err());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn revoke_token(&self, app: &AppClient) -> Result<TokenRequest> {
        self.check_app(app)?;
        Ok(TokenRequest::RevokeToken {
            client_id: self.client_id.clone(),
            client_secret: app.client_secret().cloned(),
            token: self.refresh_token.clone(),
        })
    }

    /// `GlobalSignOut` with the last access token: every refresh token of the
    /// user, on every device, stops working. `Missing(AccessToken)` when none
    /// is kept; an expired one is refused by Cognito (refresh first).
    ///
    /// ```
    /// use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// use cognito_srp::{Error, Field, PoolId};
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert_eq!(kept.global_sign_out().unwrap_err(), Error::Missing { field: Field::AccessToken });
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn global_sign_out(&self) -> Result<TokenRequest> {
        let access_token = self.access_token().cloned().ok_or(Error::Missing {
            field: Field::AccessToken,
        })?;
        Ok(TokenRequest::GlobalSignOut { access_token })
    }

    /// `AdminUserGlobalSignOut` for the user (by the real username), signed
    /// with an administrator's AWS credentials.
    ///
    /// ```
    /// use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// use cognito_srp::PoolId;
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "c7a3e4b2", RefreshToken::new("r")?)?;
    /// let request = kept.admin_user_global_sign_out();
    /// assert_eq!(request.to_json(), r#"{"UserPoolId":"us-east-1_AbCdEf123","Username":"c7a3e4b2"}"#);
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn admin_user_global_sign_out(&self) -> TokenRequest {
        TokenRequest::AdminUserGlobalSignOut {
            user_pool_id: self.pool.as_str().to_owned(),
            username: self.username.clone(),
        }
    }
}
