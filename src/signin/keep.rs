//! What a caller keeps between runs: the refresh token and what a refresh,
//! a revocation and a sign-out need with it.

use core::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::app_client::AppClient;
use crate::device::DeviceCredentials;
use crate::error::{Error, Field, Result};
use crate::pool::PoolId;

use super::reply::AuthenticationResult;
use super::signed_in::SignedIn;
use super::token::{AccessToken, IdToken, RefreshToken, jwt_lifetime};

/// Where a sign-in was made: the pool, the app client and the remembered
/// device it signed in with. The driver gives it to [`SignedIn`].
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub(crate) pool: PoolId,
    pub(crate) client_id: String,
    pub(crate) device: Option<DeviceCredentials>,
}

/// The access and ID tokens of the last sign-in or refresh, and when each
/// stops being valid (seconds since the Unix epoch, by the caller's clock).
#[derive(Clone)]
pub(crate) struct Current {
    pub(crate) access_token: AccessToken,
    pub(crate) access_token_expires_at: u64,
    pub(crate) id_token: Option<IdToken>,
    pub(crate) id_token_expires_at: u64,
}

impl Current {
    /// The tokens of `result`, received at `received_at`. The access token
    /// lives `ExpiresIn` seconds; the ID token its own `exp - iat` (an app
    /// client may give it another validity), else as long as the access token.
    pub(crate) fn from_result(
        result: &AuthenticationResult,
        received_at: SystemTime,
    ) -> Result<Self> {
        let access_token =
            AccessToken::new(result.access_token.clone().ok_or(Error::Missing {
                field: Field::AccessToken,
            })?)?;
        let id_token = result.id_token.clone().map(IdToken::new).transpose()?;
        let received = unix_seconds(received_at);
        let access_lifetime = match result.expires_in {
            Some(seconds) if seconds > 0 => seconds.unsigned_abs().into(),
            Some(_) => {
                return Err(Error::invalid(
                    Field::ReplyBody,
                    "ExpiresIn is not positive",
                ));
            }
            // Without `ExpiresIn`, trust the token's own claims, or nothing.
            None => jwt_lifetime(access_token.expose_secret()).unwrap_or(0),
        };
        let access_token_expires_at = received.saturating_add(access_lifetime);
        let id_token_expires_at = id_token
            .as_ref()
            .and_then(|token| jwt_lifetime(token.expose_secret()))
            .map_or(access_token_expires_at, |lifetime| {
                received.saturating_add(lifetime)
            });
        Ok(Current {
            access_token,
            access_token_expires_at,
            id_token,
            id_token_expires_at,
        })
    }
}

pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Whether a token that expires at `expires_at` is still valid `margin` after `now`.
fn fresh(expires_at: u64, now: SystemTime, margin: Duration) -> bool {
    unix_seconds(now).saturating_add(margin.as_secs()) < expires_at
}

/// Everything a caller keeps between runs to stay signed in: the pool, the
/// app client's id, the real username (the one `SECRET_HASH` needs, which
/// with an email or phone alias is not the name typed at sign-in), the
/// refresh token, the remembered device's credentials, and the last access
/// and ID tokens with their expiry.
///
/// Make one with [`SignedIn::keep`], refresh it with [`KeptSignIn::refresh`],
/// end it with [`KeptSignIn::revoke_token`] or [`KeptSignIn::global_sign_out`].
/// With the `serde` feature it serialises to a JSON object of strings; the
/// text holds the secrets, so store it as one (readable by its owner only).
/// Its `Debug` leaves out the tokens and the device password, and every
/// secret is wiped when the value drops.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use cognito_srp::signin::{KeptSignIn, SignedIn};
/// fn after_sign_in(signed_in: &SignedIn) -> Result<KeptSignIn, cognito_srp::Error> {
///     let kept = signed_in.keep(SystemTime::now())?;
///     assert_eq!(kept.username(), signed_in.username());
///     // A token that is still good for a minute needs no refresh.
///     assert!(kept.fresh_access_token(SystemTime::now(), Duration::from_secs(60)).is_some());
///     Ok(kept)
/// }
/// ```
#[derive(Clone)]
pub struct KeptSignIn {
    pub(crate) pool: PoolId,
    pub(crate) client_id: String,
    pub(crate) username: String,
    pub(crate) refresh_token: RefreshToken,
    pub(crate) device: Option<DeviceCredentials>,
    pub(crate) current: Option<Current>,
}

impl SignedIn {
    /// What to keep of this sign-in, for tokens received at `received_at`
    /// (now, as the reply came): the expiry of the access token is
    /// `received_at` plus `ExpiresIn`.
    ///
    /// The remembered device the sign-in was made with is kept. A new device
    /// (`NewDeviceMetadata`) is not, until it is confirmed: then add it with
    /// [`KeptSignIn::with_device`], since its refresh tokens are bound to it.
    ///
    /// `Missing(RefreshToken)` when the result has no refresh token.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use cognito_srp::signin::SignedIn;
    /// fn keep_confirmed(signed_in: SignedIn) -> Result<(), cognito_srp::Error> {
    ///     let mut kept = signed_in.keep(SystemTime::now())?;
    ///     if let Some(device) = signed_in.new_device() {
    ///         // ... ConfirmDevice with device.confirm_device(), then:
    ///         kept = kept.with_device(device.credentials().clone());
    ///     }
    ///     # let _ = kept;
    ///     Ok(())
    /// }
    /// ```
    pub fn keep(&self, received_at: SystemTime) -> Result<KeptSignIn> {
        let result = self.authentication_result();
        let refresh_token =
            RefreshToken::new(result.refresh_token.clone().ok_or(Error::Missing {
                field: Field::RefreshToken,
            })?)?;
        let origin = self.origin();
        Ok(KeptSignIn {
            pool: origin.pool.clone(),
            client_id: origin.client_id.clone(),
            username: self.username().to_owned(),
            refresh_token,
            device: origin.device.clone(),
            current: Some(Current::from_result(result, received_at)?),
        })
    }
}

impl KeptSignIn {
    /// A kept sign-in from its parts, as a caller stored them without the
    /// `serde` feature: no access or ID token, so the first use refreshes.
    ///
    /// `username` must be the real username ([`SignedIn::username`]).
    ///
    /// ```
    /// use cognito_srp::PoolId;
    /// use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// let kept = KeptSignIn::new(
    ///     PoolId::parse("us-east-1_AbCdEf123")?,
    ///     "3n4b5urk1ft4fl3mg5e62d9ado",
    ///     "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c",
    ///     RefreshToken::new("eyJjdHkiOiJKV1QifQ.a.b.c.d")?,
    /// )?;
    /// assert!(kept.access_token().is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn new(
        pool: PoolId,
        client_id: impl Into<String>,
        username: impl Into<String>,
        refresh_token: RefreshToken,
    ) -> Result<Self> {
        let (client_id, username) = (client_id.into(), username.into());
        if client_id.is_empty() {
            return Err(Error::invalid(Field::ClientId, "empty"));
        }
        if username.is_empty() {
            return Err(Error::invalid(Field::Username, "empty"));
        }
        Ok(KeptSignIn {
            pool,
            client_id,
            username,
            refresh_token,
            device: None,
            current: None,
        })
    }

    /// The same, refreshing with the remembered (confirmed) `device`: its
    /// `DEVICE_KEY` goes with every refresh.
    ///
    /// ```
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// use cognito_srp::{DeviceCredentials, DevicePassword};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// let device = DeviceCredentials::new("-abcDEF12", "us-east-1_0f4c2f0e", DevicePassword::new("stored"))?;
    /// let kept = kept.with_device(device);
    /// assert_eq!(kept.device().map(|d| d.device_key()), Some("us-east-1_0f4c2f0e"));
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn with_device(mut self, device: DeviceCredentials) -> Self {
        self.device = Some(device);
        self
    }

    /// The same without a device (it was forgotten).
    ///
    /// ```
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert!(kept.without_device().device().is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn without_device(mut self) -> Self {
        self.device = None;
        self
    }

    /// The user pool.
    ///
    /// ```
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert_eq!(kept.pool_id().as_str(), "us-east-1_AbCdEf123");
    /// assert_eq!((kept.client_id(), kept.username()), ("client", "alice"));
    /// assert_eq!(kept.refresh_token().expose_secret(), "r");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn pool_id(&self) -> &PoolId {
        &self.pool
    }

    /// The app client's id: the refresh token works with this client only.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The real username (`USER_ID_FOR_SRP`: a UUID where users sign in by
    /// email or phone number), which `SECRET_HASH` and the admin calls take.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The refresh token to use next.
    pub fn refresh_token(&self) -> &RefreshToken {
        &self.refresh_token
    }

    /// The remembered device, if any.
    pub fn device(&self) -> Option<&DeviceCredentials> {
        self.device.as_ref()
    }

    /// The last access token, valid or not.
    pub fn access_token(&self) -> Option<&AccessToken> {
        self.current.as_ref().map(|c| &c.access_token)
    }

    /// The last ID token, valid or not.
    pub fn id_token(&self) -> Option<&IdToken> {
        self.current.as_ref().and_then(|c| c.id_token.as_ref())
    }

    /// When the last access token expires, by the clock of whoever received it.
    ///
    /// ```
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert_eq!(kept.access_token_expires_at(), None); // nothing to expire yet
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn access_token_expires_at(&self) -> Option<SystemTime> {
        self.current
            .as_ref()
            .map(|c| UNIX_EPOCH + Duration::from_secs(c.access_token_expires_at))
    }

    /// The access token, if it is still valid `margin` after `now`; `None`
    /// means: refresh first.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert!(kept.fresh_access_token(SystemTime::now(), Duration::from_secs(60)).is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn fresh_access_token(&self, now: SystemTime, margin: Duration) -> Option<&AccessToken> {
        self.current
            .as_ref()
            .filter(|c| fresh(c.access_token_expires_at, now, margin))
            .map(|c| &c.access_token)
    }

    /// The ID token, if it is still valid `margin` after `now`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// # use cognito_srp::PoolId;
    /// # use cognito_srp::signin::{KeptSignIn, RefreshToken};
    /// # let kept = KeptSignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, "client", "alice", RefreshToken::new("r")?)?;
    /// assert!(kept.fresh_id_token(SystemTime::now(), Duration::ZERO).is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn fresh_id_token(&self, now: SystemTime, margin: Duration) -> Option<&IdToken> {
        self.current
            .as_ref()
            .filter(|c| fresh(c.id_token_expires_at, now, margin))
            .and_then(|c| c.id_token.as_ref())
    }

    /// Checks that `app` is the app client the refresh token was issued to.
    pub(crate) fn check_app(&self, app: &AppClient) -> Result<()> {
        if app.client_id() != self.client_id {
            return Err(Error::invalid(
                Field::ClientId,
                "not the app client the refresh token was issued to",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for KeptSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeptSignIn")
            .field("pool", &self.pool)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("refresh_token", &self.refresh_token)
            .field("device", &self.device)
            .field(
                "access_token_expires_at",
                &self.current.as_ref().map(|c| c.access_token_expires_at),
            )
            .finish_non_exhaustive()
    }
}
