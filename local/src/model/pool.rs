//! User pools and their app clients.

use std::collections::{BTreeMap, HashMap};

use cognito_srp::{AppClient, PoolId};
use zeroize::Zeroizing;

use crate::error::{ApiError, err};
use crate::model::user::User;
use crate::password_policy::PasswordPolicy;

/// An app client of a pool.
#[derive(Clone)]
pub(crate) struct Client {
    pub pool_id: String,
    pub app: AppClient,
    /// Whether sign-ins return `NewDeviceMetadata` (device tracking).
    pub remember_devices: bool,
    /// `PreventUserExistenceErrors` `ENABLED` (else `LEGACY`).
    pub prevent_user_existence_errors: bool,
}

impl Client {
    /// Checks `SECRET_HASH` for `username` when the app client has a secret.
    pub(crate) fn check_secret_hash(
        &self,
        username: &str,
        given: Option<&str>,
    ) -> Result<(), ApiError> {
        match (self.app.secret_hash(username), given) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Client {} is configured for secret but secret was not received",
                    self.app.client_id()
                ),
            )),
            (Some(expected), Some(given)) if expected == given => Ok(()),
            (Some(_), Some(_)) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Unable to verify secret hash for client {}",
                    self.app.client_id()
                ),
            )),
        }
    }
}

/// The `CUSTOM_CHALLENGE` of `CUSTOM_AUTH` after its SRP step: its
/// parameters and the answer that passes it (what the pool's Lambda triggers
/// would decide).
#[derive(Clone)]
pub(crate) struct CustomChallenge {
    pub parameters: BTreeMap<String, String>,
    answer: Zeroizing<String>,
}

impl CustomChallenge {
    /// A challenge with these parameters, passed by `answer`.
    pub(crate) fn new(parameters: BTreeMap<String, String>, answer: &str) -> Self {
        CustomChallenge {
            parameters,
            answer: Zeroizing::new(answer.to_owned()),
        }
    }

    /// Whether `answer` passes, compared in constant time.
    pub(crate) fn accepts(&self, answer: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.answer.as_bytes().ct_eq(answer.as_bytes()))
    }
}

/// A user pool.
pub(crate) struct Pool {
    pub id: PoolId,
    pub users: Vec<User>,
    /// `UsernameAttributes` (`email`, `phone_number`): users sign in with
    /// them, and their real username is a UUID (their `sub`).
    pub username_attributes: Vec<String>,
    /// In such pools, the email or phone number a user signs in with ->
    /// their real username.
    pub aliases: HashMap<String, String>,
    pub password_policy: PasswordPolicy,
    /// The `CUSTOM_CHALLENGE` of `CUSTOM_AUTH` after its SRP step, standing
    /// in for the pool's Lambda triggers.
    pub custom_challenge: Option<CustomChallenge>,
}

impl Pool {
    /// An empty pool with the default password policy.
    pub(crate) fn new(id: PoolId) -> Self {
        Pool {
            id,
            users: Vec::new(),
            username_attributes: Vec::new(),
            aliases: HashMap::new(),
            password_policy: PasswordPolicy::default(),
            custom_challenge: None,
        }
    }

    /// The user known by `name` (username, `sub`, or the email or phone
    /// number of a pool with `username_attributes`).
    pub(crate) fn user(&self, name: &str) -> Option<&User> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.users
            .iter()
            .find(|u| u.username == name || u.sub == name)
    }

    /// The user known by `name` (as for [`Pool::user`]), to change.
    pub(crate) fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.users
            .iter_mut()
            .find(|u| u.username == name || u.sub == name)
    }

    /// The real username of the user known by `name` (as for [`Pool::user`]).
    pub(crate) fn real_username(&self, name: &str) -> Option<String> {
        self.user(name).map(|u| u.username.clone())
    }
}
