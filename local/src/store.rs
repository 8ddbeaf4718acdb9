//! The endpoint's data: pools, app clients, users, devices, challenges in
//! flight, and seeding from JSON.

use std::collections::{BTreeMap, HashMap};
use std::sync::MutexGuard;
use std::time::Instant;

use cognito_srp::{AppClient, ClientSecret, Password, PoolId, ServerSession, StoredVerifier};
use serde_json::Value;

use crate::error::{ApiError, err, from_srp, no_such_client, no_such_pool};
use crate::expiring::Expiring;
use crate::ops::flows::{CustomChallenge, SignInProgress};
use crate::ops::mfa::Mfa;
use crate::password_policy::PasswordPolicy;
use crate::random::{token, uuid};
use crate::session::{Sessions, too_many_requests};
use crate::tokens::Grants;
use crate::{Endpoint, MAX_REMEMBERED, SESSION_LIFETIME};

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

/// A device of a user.
pub(crate) struct Device {
    pub group_key: String,
    pub verifier: Option<StoredVerifier>,
    pub remembered: bool,
    /// `device_name` from `ConfirmDevice`'s `DeviceName`.
    pub name: Option<String>,
    /// Unix times of its creation and of its last sign-in.
    pub created: i64,
    pub last_authenticated: i64,
}

impl Device {
    /// A device just announced in `NewDeviceMetadata`, not yet confirmed.
    pub(crate) fn new(group_key: String, now: i64) -> Self {
        Device {
            group_key,
            verifier: None,
            remembered: false,
            name: None,
            created: now,
            last_authenticated: now,
        }
    }
}

/// A user of a pool.
pub(crate) struct User {
    /// The real username: `USERNAME` and `USER_ID_FOR_SRP` in challenges,
    /// `cognito:username` in tokens; the `sub` in pools with
    /// `username_attributes`.
    pub username: String,
    pub sub: String,
    pub verifier: Option<StoredVerifier>,
    pub confirmed: bool,
    pub device_group_key: String,
    pub devices: HashMap<String, Device>,
    /// Attributes by name (`email`, `custom:...`), `sub` excluded.
    pub attributes: BTreeMap<String, String>,
    /// `FORCE_CHANGE_PASSWORD`: the password is temporary, and the next
    /// sign-in must answer `NEW_PASSWORD_REQUIRED`.
    pub force_change_password: bool,
    /// Software-token (TOTP) MFA.
    pub mfa: Mfa,
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
}

/// A `PASSWORD_VERIFIER` or `DEVICE_PASSWORD_VERIFIER` challenge in flight,
/// found by its `SECRET_BLOCK`.
pub(crate) struct Pending {
    pub client_id: String,
    pub session: ServerSession,
    /// Where the sign-in goes once this step is answered.
    pub progress: SignInProgress,
}

/// Everything behind the endpoint's lock.
pub(crate) struct State {
    pub pools: HashMap<String, Pool>,
    pub clients: HashMap<String, Client>,
    /// Challenges in flight, by `SECRET_BLOCK` (pycognito sends no `Session`).
    pub pending: Expiring<Pending>,
    /// Sessions of the challenges that carry one.
    pub sessions: Sessions,
    /// Sign-ins that ended in tokens, with their refresh tokens.
    pub grants: Grants,
}

impl Default for State {
    fn default() -> Self {
        State {
            pools: HashMap::new(),
            clients: HashMap::new(),
            pending: Expiring::new(MAX_REMEMBERED),
            sessions: Sessions::new(MAX_REMEMBERED, SESSION_LIFETIME),
            grants: Grants::default(),
        }
    }
}

/// The endpoint's seed: pools, app clients and users (see `LOCAL-ENDPOINT.md`).
pub fn seed_from_json(seed: &Value) -> Result<Endpoint, String> {
    let endpoint = Endpoint::new()
        .map_err(|e| e.to_string())?
        .with_credentials(crate::seed_ops::credentials(seed)?);
    for pool in seed["pools"]
        .as_array()
        .ok_or("seed: `pools` must be an array")?
    {
        let pool_id = pool["id"].as_str().ok_or("seed: a pool needs an `id`")?;
        endpoint.add_pool(pool_id).map_err(|e| e.message)?;
        let username_attributes = pool["username_attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| match a.as_str() {
                Some(a @ ("email" | "phone_number")) => Ok(a.to_owned()),
                _ => Err("seed: `username_attributes` holds `email` and/or `phone_number`"),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(pool) = endpoint.state().pools.get_mut(pool_id) {
            pool.username_attributes = username_attributes;
        }
        for client in pool["clients"].as_array().into_iter().flatten() {
            let id = client["id"]
                .as_str()
                .ok_or("seed: a client needs an `id`")?;
            endpoint
                .add_client(
                    pool_id,
                    id,
                    client["secret"].as_str(),
                    client["remember_devices"].as_bool().unwrap_or(false),
                )
                .map_err(|e| e.message)?;
            let prevent = match client["prevent_user_existence_errors"].as_str() {
                None | Some("LEGACY") => false,
                Some("ENABLED") => true,
                Some(_) => {
                    return Err("seed: `prevent_user_existence_errors` is LEGACY or ENABLED".into());
                }
            };
            if let Some(client) = endpoint.state().clients.get_mut(id) {
                client.prevent_user_existence_errors = prevent;
            }
        }
        for user in pool["users"].as_array().into_iter().flatten() {
            let name = user["username"]
                .as_str()
                .ok_or("seed: a user needs a `username`")?;
            let password = user["password"]
                .as_str()
                .ok_or("seed: a user needs a `password`")?;
            endpoint
                .add_user(pool_id, name, password, true)
                .map_err(|e| e.message)?;
        }
        endpoint.seed_pool_extras(pool)?;
    }
    Ok(endpoint)
}

impl Endpoint {
    /// The state, locked.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock would be a bug; keep serving regardless.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Remembers a challenge in flight under its `SECRET_BLOCK`; when the
    /// table is full the newcomer is refused (`TooManyRequestsException`)
    /// rather than a sign-in in progress evicted.
    pub(crate) fn park(&self, pending: Pending) -> Result<(), ApiError> {
        let now = Instant::now();
        let key = pending.session.secret_block().as_str().to_owned();
        self.state()
            .pending
            .try_insert(key, pending, now + self.session_lifetime, now)
            .map_err(|_| too_many_requests())
    }

    /// Adds a user pool.
    pub fn add_pool(&self, pool_id: &str) -> Result<(), ApiError> {
        let id = PoolId::parse(pool_id).map_err(from_srp)?;
        self.state().pools.insert(
            pool_id.to_owned(),
            Pool {
                id,
                users: Vec::new(),
                username_attributes: Vec::new(),
                aliases: HashMap::new(),
                password_policy: PasswordPolicy::default(),
                custom_challenge: None,
            },
        );
        Ok(())
    }

    /// Adds an app client, with or without a secret.
    pub fn add_client(
        &self,
        pool_id: &str,
        client_id: &str,
        secret: Option<&str>,
        remember_devices: bool,
    ) -> Result<(), ApiError> {
        let app = match secret {
            Some(s) => AppClient::with_secret(client_id, ClientSecret::new(s)),
            None => AppClient::new(client_id),
        }
        .map_err(from_srp)?;
        let mut state = self.state();
        if !state.pools.contains_key(pool_id) {
            return Err(no_such_pool(pool_id));
        }
        state.clients.insert(
            client_id.to_owned(),
            Client {
                pool_id: pool_id.to_owned(),
                app,
                remember_devices,
                prevent_user_existence_errors: false,
            },
        );
        Ok(())
    }

    /// Adds a user with a password (confirmed or not); returns its `sub`.
    pub fn add_user(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        confirmed: bool,
    ) -> Result<String, ApiError> {
        let pool = self.pool_id(pool_id)?;
        let sub = uuid();
        // In a pool with `username_attributes` the typed email or phone
        // number is an alias and the real username is the `sub`.
        let by_attribute = self
            .state()
            .pools
            .get(pool_id)
            .is_some_and(|p| !p.username_attributes.is_empty());
        let real_username = if by_attribute {
            sub.clone()
        } else {
            username.to_owned()
        };
        let verifier =
            StoredVerifier::register_user(&pool, &real_username, &Password::new(password))
                .map_err(from_srp)?;
        let mut state = self.state();
        let pool = state
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        if pool.user(username).is_some() {
            return Err(err("UsernameExistsException", "User already exists"));
        }
        if by_attribute {
            pool.aliases
                .insert(username.to_owned(), real_username.clone());
        }
        pool.users.push(User {
            username: real_username,
            sub: sub.clone(),
            verifier: Some(verifier),
            confirmed,
            device_group_key: format!("-{}", &token()[..9]),
            devices: HashMap::new(),
            attributes: BTreeMap::new(),
            force_change_password: false,
            mfa: Mfa::default(),
        });
        Ok(sub)
    }

    /// The parsed id of an existing pool.
    pub(crate) fn pool_id(&self, pool_id: &str) -> Result<PoolId, ApiError> {
        self.state()
            .pools
            .get(pool_id)
            .map(|p| p.id.clone())
            .ok_or_else(|| no_such_pool(pool_id))
    }

    /// An existing app client.
    pub(crate) fn client(&self, client_id: &str) -> Result<Client, ApiError> {
        self.state()
            .clients
            .get(client_id)
            .cloned()
            .ok_or_else(|| no_such_client(client_id))
    }
}
