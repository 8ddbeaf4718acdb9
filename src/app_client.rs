//! [`AppClient`]: an app client's id and, when it has one, its secret.

use crate::error::{Error, Field, Result};
use crate::secret::ClientSecret;
use crate::secret_hash::secret_hash;

/// An app client: its id and, when it has one, its secret.
///
/// When the app client has a secret, every request must carry
/// `SECRET_HASH = base64(HMAC-SHA256(client secret, username || client id))`
/// for the username sent in that request; the flows of this crate add it.
///
/// ```
/// use cognito_srp::{AppClient, ClientSecret};
/// let app = AppClient::with_secret("lojolie8nsb1iarjfq21iqwo59", ClientSecret::new("1x1uhwq29i228lsml7wqx3qrzi59ppmxie13ya1coj52qk0qwmx"))?;
/// assert_eq!(
///     app.secret_hash("cd502d42-af1f-4e0d-a8d7-9f49af6d114c").as_deref(),
///     Some("RhiZ383ySjiFMvc4S93uhgGJ7jgcRshfgVrV8rvtraM="),
/// );
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AppClient {
    client_id: String,
    client_secret: Option<ClientSecret>,
}

impl AppClient {
    /// An app client without a secret.
    pub fn new(client_id: impl Into<String>) -> Result<Self> {
        Self::build(client_id.into(), None)
    }

    /// An app client with a secret.
    pub fn with_secret(client_id: impl Into<String>, client_secret: ClientSecret) -> Result<Self> {
        Self::build(client_id.into(), Some(client_secret))
    }

    fn build(client_id: String, client_secret: Option<ClientSecret>) -> Result<Self> {
        if client_id.is_empty() {
            return Err(Error::invalid(Field::ClientId, "empty"));
        }
        if client_secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().is_empty())
        {
            return Err(Error::invalid(Field::ClientSecret, "empty"));
        }
        Ok(AppClient {
            client_id,
            client_secret,
        })
    }

    /// The app client id (`ClientId` of the requests).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret, which `GetTokensFromRefreshToken` and `RevokeToken` take as it is.
    pub(crate) fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// Whether requests must carry `SECRET_HASH`.
    pub fn has_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// `SECRET_HASH` for `username`, or `None` when the app client has no secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| secret_hash(username, &self.client_id, secret))
    }
}
