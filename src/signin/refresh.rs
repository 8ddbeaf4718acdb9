//! A refresh: new access and ID tokens for a kept refresh token, and the
//! refresh token to keep from then on.

use core::fmt;
use std::time::SystemTime;

use crate::app_client::AppClient;
use crate::error::{Error, Field, Result};
use crate::wire::{ParameterMap, names};

use super::keep::{Current, KeptSignIn};
use super::reply::{AuthenticationResult, Reply};
use super::token::{AccessToken, IdToken, RefreshToken};
use super::token_request::TokenRequest;

/// How to refresh: which operation carries the refresh token.
///
/// ```
/// use cognito_srp::signin::{Operation, RefreshWith};
/// assert_eq!(RefreshWith::default().operation(), Operation::InitiateAuth);
/// assert_eq!(RefreshWith::GetTokensFromRefreshToken.operation().name(), "GetTokensFromRefreshToken");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RefreshWith {
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH` (unsigned): app clients that
    /// do not rotate refresh tokens.
    #[default]
    InitiateAuth,
    /// `AdminInitiateAuth` with `REFRESH_TOKEN_AUTH` (SigV4).
    AdminInitiateAuth,
    /// `GetTokensFromRefreshToken` (unsigned): the only refresh of app clients
    /// with refresh token rotation, which answer it with a new refresh token;
    /// without rotation it answers as `REFRESH_TOKEN_AUTH` does.
    GetTokensFromRefreshToken,
}

impl RefreshWith {
    /// The operation.
    pub const fn operation(self) -> super::Operation {
        match self {
            RefreshWith::InitiateAuth => super::Operation::InitiateAuth,
            RefreshWith::AdminInitiateAuth => super::Operation::AdminInitiateAuth,
            RefreshWith::GetTokensFromRefreshToken => super::Operation::GetTokensFromRefreshToken,
        }
    }

    const fn describe(self) -> &'static str {
        match self {
            RefreshWith::InitiateAuth | RefreshWith::AdminInitiateAuth => "REFRESH_TOKEN_AUTH",
            RefreshWith::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
        }
    }
}

/// One refresh of a [`KeptSignIn`]: [`Refresh::request`] to send,
/// [`Refresh::receive`] for the reply.
///
/// The request carries what Cognito checks on a refresh: `SECRET_HASH` of the
/// *real* username (a UUID where users sign in by email or phone number, not
/// the name typed at sign-in), `DEVICE_KEY` of the remembered device (its
/// refresh tokens are bound to it), and `ClientMetadata`. An error reply that
/// [`TokenRefusal::from_service_error`](crate::TokenRefusal::from_service_error)
/// recognises means: sign in again.
///
/// ```
/// use std::time::SystemTime;
/// use cognito_srp::signin::{AuthenticationResult, KeptSignIn, RefreshToken, RefreshWith, Reply, TokenRequest};
/// use cognito_srp::{AppClient, ClientSecret, PoolId};
///
/// let app = AppClient::with_secret("client", ClientSecret::new("client-secret"))?;
/// let kept = KeptSignIn::new(
///     PoolId::parse("us-east-1_AbCdEf123")?,
///     "client",
///     "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c", // the real username, not alice@example.com
///     RefreshToken::new("old-refresh-token")?,
/// )?;
/// let refresh = kept.refresh(&app)?.with(RefreshWith::GetTokensFromRefreshToken);
/// let request = refresh.request();
/// let TokenRequest::GetTokensFromRefreshToken { client_secret, .. } = &request else { unreachable!() };
/// assert_eq!(client_secret.as_ref().unwrap().expose_secret(), "client-secret");
///
/// // The app client rotates: the reply carries the refresh token to keep from now on.
/// let reply = Reply::authenticated(AuthenticationResult {
///     access_token: Some("eyJ.access.sig".into()),
///     refresh_token: Some("new-refresh-token".into()),
///     expires_in: Some(3600),
///     ..Default::default()
/// });
/// let refreshed = refresh.receive(reply, SystemTime::now())?;
/// assert!(refreshed.rotated());
/// let kept = refreshed.into_kept();
/// assert_eq!(kept.refresh_token().expose_secret(), "new-refresh-token");
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone)]
pub struct Refresh {
    kept: KeptSignIn,
    app: AppClient,
    with: RefreshWith,
    client_metadata: ParameterMap,
}

impl KeptSignIn {
    /// A refresh through `app`, which must be the app client the refresh
    /// token was issued to (with its secret, if it has one); by default with
    /// `REFRESH_TOKEN_AUTH` through `InitiateAuth`.
    ///
    /// ```
    /// use cognito_srp::signin::{KeptSignIn, RefreshToken, TokenRequest};
    /// use cognito_srp::{AppClient, PoolId};
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let request = kept.refresh(&AppClient::new("client")?)?.request();
    /// assert_eq!(request.to_json(), r#"{"AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"r"},"ClientId":"client"}"#);
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn refresh(&self, app: &AppClient) -> Result<Refresh> {
        self.check_app(app)?;
        Ok(Refresh {
            kept: self.clone(),
            app: app.clone(),
            with: RefreshWith::default(),
            client_metadata: ParameterMap::new(),
        })
    }
}

impl Refresh {
    /// Refreshes through `with` (default [`RefreshWith::InitiateAuth`]).
    ///
    /// ```
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, PoolId};
    /// use cognito_srp::signin::{Operation, RefreshWith};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let refresh = kept.refresh(&AppClient::new("client")?)?.with(RefreshWith::AdminInitiateAuth);
    /// assert_eq!(refresh.request().operation(), Operation::AdminInitiateAuth);
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn with(mut self, with: RefreshWith) -> Self {
        self.with = with;
        self
    }

    /// Sends `client_metadata` (`ClientMetadata`, for the pool's Lambda triggers).
    ///
    /// ```
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, PoolId};
    /// use std::collections::HashMap;
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let refresh = kept
    ///     .refresh(&AppClient::new("client")?)?
    ///     .with_client_metadata(HashMap::from([("app".into(), "cli".into())]));
    /// assert!(refresh.request().to_json().contains(r#""ClientMetadata":{"app":"cli"}"#));
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn with_client_metadata(mut self, client_metadata: ParameterMap) -> Self {
        self.client_metadata = client_metadata;
        self
    }

    /// The refresh to try next after Cognito refused this one with the
    /// error `code` and `message`: the same refresh through
    /// `GetTokensFromRefreshToken` when the refusal may be an app client
    /// with refresh token rotation refusing `REFRESH_TOKEN_AUTH`, else `None`.
    ///
    /// Cognito serves `REFRESH_TOKEN_AUTH` only on app clients that do not
    /// rotate refresh tokens, and AWS advises removing that flow from the
    /// ones that do; what it answers there is not documented. So every
    /// `NotAuthorizedException` and `InvalidParameterException` to
    /// `REFRESH_TOKEN_AUTH` gets the other operation, except the refusals
    /// that say the token itself is gone (revoked or expired: see
    /// [`TokenRefusal`](crate::TokenRefusal)), which it would only repeat.
    /// A caller that gets tokens from the returned refresh can remember to
    /// refresh through `GetTokensFromRefreshToken` for this app client from
    /// then on (it works without rotation too).
    ///
    /// ```
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, PoolId};
    /// use cognito_srp::signin::RefreshWith;
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let refresh = kept.refresh(&AppClient::new("client")?)?;
    /// let next = refresh.fallback("NotAuthorizedException", "Refresh token rotation is enabled").unwrap();
    /// assert_eq!(next.refresh_with(), RefreshWith::GetTokensFromRefreshToken);
    /// // A revoked token stays revoked, whichever operation carries it.
    /// assert!(refresh.fallback("NotAuthorizedException", "Refresh Token has been revoked").is_none());
    /// // Throttling is no refusal of the flow.
    /// assert!(refresh.fallback("TooManyRequestsException", "Rate exceeded").is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn fallback(&self, code: &str, message: &str) -> Option<Refresh> {
        use crate::error::TokenRefusal;
        if self.with == RefreshWith::GetTokensFromRefreshToken {
            return None;
        }
        let bare = code.rsplit('#').next().unwrap_or(code);
        if !matches!(bare, "NotAuthorizedException" | "InvalidParameterException") {
            return None;
        }
        match TokenRefusal::from_service_error(code, message) {
            Some(TokenRefusal::Revoked | TokenRefusal::Expired | TokenRefusal::Reused) => None,
            // `Invalid Refresh Token` may be how a rotating client refuses the flow.
            Some(TokenRefusal::Invalid) | None => {
                Some(self.clone().with(RefreshWith::GetTokensFromRefreshToken))
            }
        }
    }

    /// The operation the refresh goes through.
    ///
    /// ```
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, PoolId};
    /// use cognito_srp::signin::RefreshWith;
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert_eq!(kept.refresh(&AppClient::new("client")?)?.refresh_with(), RefreshWith::InitiateAuth);
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn refresh_with(&self) -> RefreshWith {
        self.with
    }

    /// The request to send.
    ///
    /// ```
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, DevicePassword, PoolId};
    /// use cognito_srp::signin::TokenRequest;
    /// let device = DeviceCredentials::new("-abcDEF12", "us-east-1_0f4c2f0e", DevicePassword::new("stored"))?;
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "c7a3e4b2", RefreshToken::new("r")?)?
    ///     .with_device(device);
    /// let app = AppClient::with_secret("client", ClientSecret::new("s3cret"))?;
    /// let request = kept.refresh(&app)?.request();
    /// let TokenRequest::RefreshTokenAuth { auth_parameters, .. } = &request else { unreachable!() };
    /// assert_eq!(auth_parameters["DEVICE_KEY"], "us-east-1_0f4c2f0e");
    /// assert_eq!(auth_parameters["SECRET_HASH"], app.secret_hash("c7a3e4b2").unwrap());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn request(&self) -> TokenRequest {
        let kept = &self.kept;
        let device_key = kept.device.as_ref().map(|d| d.device_key().to_owned());
        match self.with {
            RefreshWith::InitiateAuth | RefreshWith::AdminInitiateAuth => {
                let mut auth_parameters = ParameterMap::new();
                auth_parameters.insert(
                    "REFRESH_TOKEN".into(),
                    kept.refresh_token.expose_secret().into(),
                );
                if let Some(hash) = self.app.secret_hash(&kept.username) {
                    auth_parameters.insert(names::SECRET_HASH.into(), hash);
                }
                if let Some(key) = device_key {
                    auth_parameters.insert(names::DEVICE_KEY.into(), key);
                }
                TokenRequest::RefreshTokenAuth {
                    user_pool_id: (self.with == RefreshWith::AdminInitiateAuth)
                        .then(|| kept.pool.as_str().to_owned()),
                    client_id: kept.client_id.clone(),
                    auth_parameters,
                    client_metadata: self.client_metadata.clone(),
                }
            }
            RefreshWith::GetTokensFromRefreshToken => TokenRequest::GetTokensFromRefreshToken {
                client_id: kept.client_id.clone(),
                client_secret: self.app.client_secret().cloned(),
                refresh_token: kept.refresh_token.clone(),
                device_key,
                client_metadata: self.client_metadata.clone(),
            },
        }
    }

    /// Takes the reply, received at `received_at` (now): the new tokens,
    /// and the kept sign-in to store from now on. Its refresh token is the
    /// reply's when it carries one (an app client with rotation: the old one
    /// then works only for the client's grace period), else the one just used.
    ///
    /// A reply with a challenge, without an `AuthenticationResult` or
    /// without an access token is an error, and the kept sign-in stays as it was.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # use cognito_srp::{AppClient, PoolId};
    /// use cognito_srp::signin::{AuthenticationResult, Reply};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let refresh = kept.refresh(&AppClient::new("client")?)?;
    /// let reply = Reply::authenticated(AuthenticationResult {
    ///     access_token: Some("eyJ.new-access.sig".into()),
    ///     expires_in: Some(3600),
    ///     ..Default::default()
    /// });
    /// let refreshed = refresh.receive(reply, SystemTime::now())?;
    /// assert!(!refreshed.rotated());
    /// assert_eq!(refreshed.refresh_token().expose_secret(), "r"); // no rotation: keep the old one
    /// assert_eq!(refreshed.access_token().expose_secret(), "eyJ.new-access.sig");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn receive(self, mut reply: Reply, received_at: SystemTime) -> Result<Refreshed> {
        let after = self.with.describe();
        if let Some(name) = &reply.challenge_name {
            return Err(Error::unexpected_challenge(name, after));
        }
        let result = reply
            .authentication_result
            .take()
            .ok_or(Error::UnexpectedReply {
                reason: "no AuthenticationResult",
                after,
            })?;
        if result.access_token.as_deref().is_some_and(str::is_empty) {
            return Err(Error::invalid(Field::AccessToken, "empty"));
        }
        let current = Current::from_result(&result, received_at)?;
        let mut kept = self.kept;
        let rotated = match result.refresh_token.as_deref() {
            None => false,
            Some(token) => {
                kept.refresh_token = RefreshToken::new(token)?;
                true
            }
        };
        kept.current = Some(current.clone());
        Ok(Refreshed {
            kept,
            current,
            result,
            rotated,
        })
    }
}

impl fmt::Debug for Refresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refresh")
            .field("kept", &self.kept)
            .field("client_id", &self.app.client_id())
            .field("with", &self.with)
            .field("client_metadata", &self.client_metadata)
            .finish()
    }
}

/// A finished refresh: the new tokens, and the [`KeptSignIn`] to store in
/// place of the old one. Its `Debug` leaves out the tokens.
///
/// ```
/// use cognito_srp::signin::Refreshed;
/// fn store(refreshed: Refreshed) {
///     if refreshed.rotated() {
///         eprintln!("the app client rotated the refresh token: store the new one now");
///     }
///     let kept = refreshed.into_kept();
///     # let _ = kept;
/// }
/// ```
#[derive(Clone)]
pub struct Refreshed {
    kept: KeptSignIn,
    current: Current,
    result: AuthenticationResult,
    rotated: bool,
}

impl Refreshed {
    /// Whether the reply carried a new refresh token (rotation).
    pub fn rotated(&self) -> bool {
        self.rotated
    }

    /// The refresh token to keep from now on.
    pub fn refresh_token(&self) -> &RefreshToken {
        &self.kept.refresh_token
    }

    /// The new access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.current.access_token
    }

    /// The new ID token, when the reply carried one.
    pub fn id_token(&self) -> Option<&IdToken> {
        self.current.id_token.as_ref()
    }

    /// The `AuthenticationResult` as received (with `NewDeviceMetadata`
    /// when `GetTokensFromRefreshToken` was given an unknown `DeviceKey`).
    pub fn authentication_result(&self) -> &AuthenticationResult {
        &self.result
    }

    /// The kept sign-in after this refresh.
    pub fn kept(&self) -> &KeptSignIn {
        &self.kept
    }

    /// The kept sign-in after this refresh, by value.
    pub fn into_kept(self) -> KeptSignIn {
        self.kept
    }
}

impl fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refreshed")
            .field("kept", &self.kept)
            .field("rotated", &self.rotated)
            .field("authentication_result", &self.result)
            .finish()
    }
}
