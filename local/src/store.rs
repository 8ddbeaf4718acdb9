//! The endpoint's access to its state: the lock, and the changes every
//! operation and the seed make through it (pools, clients, users, challenges
//! in flight).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::MutexGuard;
use std::time::Duration;

use cognito_srp::{Password, PoolId, StoredVerifier};
use serde_json::Value;

use crate::Endpoint;
use crate::disk::Loaded;
use crate::error::{
    ApiError, alias_exists, err, from_srp, invalid_parameter, no_such_client, no_such_pool,
};
use crate::model::State;
use crate::model::grant::Grants;
use crate::model::pool::{Client, DEFAULT_AUTH_SESSION_VALIDITY, Pool};
use crate::model::session::{SessionBinding, too_many_requests};
use crate::model::signin::{Pending, SignInProgress};
use crate::model::tracked::{Tracked, Users};
use crate::model::user::{Mfa, User};
use crate::random::{token, uuid};

/// The state read from a data directory.
pub(crate) fn loaded_state(loaded: Loaded) -> Result<State, String> {
    let mut users: HashMap<String, Vec<User>> = HashMap::new();
    for (pool_id, user) in loaded.users {
        users.entry(pool_id).or_default().push(user);
    }
    let mut pools = HashMap::new();
    for mut pool in loaded.pools {
        let mut list = users.remove(pool.id.as_str()).unwrap_or_default();
        // Creation order, as the pool listed them before the restart.
        list.sort_by(|a, b| (a.created, &a.username).cmp(&(b.created, &b.username)));
        pool.users = Users::loaded(list);
        pools.insert(pool.id.as_str().to_owned(), pool);
    }
    let mut clients = HashMap::new();
    for mut client in loaded.clients {
        client
            .restore_secret()
            .map_err(|e| format!("data dir: client {}: {e}", client.app.client_id()))?;
        clients.insert(client.app.client_id().to_owned(), client);
    }
    Ok(State {
        pools: Tracked::loaded(pools),
        clients: Tracked::loaded(clients),
        grants: Grants::loaded(loaded.grants, loaded.retired),
        ..State::default()
    })
}

impl Endpoint {
    /// Makes the changes of the operation that just ran durable (with a
    /// data directory): drains what the model marked changed and waits until
    /// the transaction holding it is committed. Every operation ends with
    /// this before it answers ([`crate::ops::handle`] calls it); without a
    /// data directory it only clears the marks.
    pub(crate) fn persist(&self) -> Result<(), ApiError> {
        let Some(disk) = &self.disk else {
            self.state().forget_changes();
            return Ok(());
        };
        let seq = {
            let mut state = self.state();
            let changes = state.take_changes();
            disk.enqueue(changes)
        };
        disk.wait(seq).map_err(|e| err("InternalErrorException", e))
    }

    /// Every durable record as JSON, in a fixed order, with the JWKS: what
    /// a restart on the same data directory must give back exactly (tests
    /// compare the two).
    #[doc(hidden)]
    pub fn durable_snapshot(&self) -> Value {
        let state = self.state();
        let json = |v: &dyn erased::Record| v.to_json();
        let mut pools: Vec<&Pool> = state.pools.values().collect();
        pools.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        let pools: Vec<Value> = pools
            .into_iter()
            .map(|pool| {
                let mut users: Vec<&User> = pool.users.iter().collect();
                users.sort_by(|a, b| a.sub.cmp(&b.sub));
                let users: Vec<Value> = users.into_iter().map(|u| json(u)).collect();
                serde_json::json!({ "pool": json(pool), "users": users })
            })
            .collect();
        let mut clients: Vec<&Client> = state.clients.values().collect();
        clients.sort_by(|a, b| a.app.client_id().cmp(b.app.client_id()));
        let (mut grants, mut retired) = state.grants.all();
        grants.sort_by(|a, b| a.origin_jti.cmp(&b.origin_jti));
        retired.sort_by(|a, b| a.0.cmp(b.0));
        serde_json::json!({
            "pools": pools,
            "clients": clients.into_iter().map(|c| json(c)).collect::<Vec<_>>(),
            "grants": grants.into_iter().map(|g| json(g)).collect::<Vec<_>>(),
            "retired": retired.into_iter().map(|(t, r)| serde_json::json!([t, json(r)])).collect::<Vec<_>>(),
            "jwks": self.signer.jwks(),
        })
    }

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
        let lifetime = self.session_lifetime(&pending.client_id);
        let now = self.clock().instant();
        let key = pending.session.secret_block().as_str().to_owned();
        self.state()
            .pending
            .try_insert(key, pending, now + lifetime, now)
            .map_err(|_| too_many_requests())
    }

    /// How long a challenge issued to `client_id` stays valid: the app
    /// client's `AuthSessionValidity` (3 minutes unless it sets another),
    /// or the lifetime of [`Endpoint::with_session_lifetime`].
    pub(crate) fn session_lifetime(&self, client_id: &str) -> Duration {
        if let Some(lifetime) = self.session_lifetime {
            return lifetime;
        }
        let minutes = self
            .state()
            .clients
            .get(client_id)
            .map_or(DEFAULT_AUTH_SESSION_VALIDITY, |c| c.auth_session_validity);
        Duration::from_secs(u64::from(minutes) * 60)
    }

    /// Adds a user pool; refused when its id is taken (a pinned id).
    pub(crate) fn insert_pool(&self, pool: Pool) -> Result<(), ApiError> {
        let id = pool.id.as_str().to_owned();
        let mut state = self.state();
        if state.pools.contains_key(&id) {
            return Err(invalid_parameter(format!("User pool {id} already exists.")));
        }
        state.pools.insert(id, pool);
        Ok(())
    }

    /// Adds an app client to its pool; refused when its id is taken (a
    /// pinned id) or its pool is gone.
    pub(crate) fn insert_client(&self, client: Client) -> Result<(), ApiError> {
        let id = client.app.client_id().to_owned();
        let mut state = self.state();
        if !state.pools.contains_key(&client.pool_id) {
            return Err(no_such_pool(&client.pool_id));
        }
        if state.clients.contains_key(&id) {
            return Err(invalid_parameter(format!("Client {id} already exists.")));
        }
        state.clients.insert(id, client);
        Ok(())
    }

    /// Adds a user with a password (confirmed or not); returns its `sub`.
    /// Durable when it returns.
    pub fn add_user(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        confirmed: bool,
    ) -> Result<String, ApiError> {
        let sub = self.create_user(pool_id, username, password, confirmed, |_| {})?;
        self.persist()?;
        Ok(sub)
    }

    /// Adds a user with a password (confirmed or not), then `prepare`s it
    /// (attributes, status) under the same hold of the lock, so that no
    /// half-made user is ever seen or written; returns its `sub`.
    pub(crate) fn create_user(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        confirmed: bool,
        prepare: impl FnOnce(&mut User),
    ) -> Result<String, ApiError> {
        self.create_user_with(pool_id, username, password, confirmed, false, prepare)
    }

    /// [`Endpoint::create_user`], where an alias (a verified email or phone
    /// number, a `preferred_username`) another user signs in with is
    /// `AliasExistsException`, unless `force_alias` moves a verified email or
    /// phone number to the new user (the other user's copy becomes
    /// unverified), as `AdminCreateUser`'s `ForceAliasCreation` does.
    pub(crate) fn create_user_with(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        confirmed: bool,
        force_alias: bool,
        prepare: impl FnOnce(&mut User),
    ) -> Result<String, ApiError> {
        let pool = self.pool_id(pool_id)?;
        let sub = uuid();
        let now = chrono::Utc::now().timestamp();
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
        let mut user = User {
            username: real_username,
            sub: sub.clone(),
            verifier: Some(verifier),
            confirmed,
            device_group_key: format!("-{}", &token()[..9]),
            devices: HashMap::new(),
            attributes: BTreeMap::new(),
            force_change_password: false,
            temporary_password_set: None,
            mfa: Mfa::default(),
            enabled: true,
            groups: BTreeSet::new(),
            created: now,
            last_modified: now,
            reset_code: None,
            reset_required: false,
            codes: BTreeMap::new(),
        };
        prepare(&mut user);
        if pool.username_attributes.is_empty() {
            // Checked before anything changes, so a refusal leaves no trace.
            let mut moves = Vec::new();
            let mut others = BTreeMap::new();
            for attribute in pool.sign_in_attributes() {
                let Some(value) = pool.sign_in_name(&user.attributes, attribute) else {
                    continue;
                };
                let holder = pool.users.iter().position(|u| {
                    pool.sign_in_name(&u.attributes, attribute) == Some(value)
                        || pool.aliases.get(value) == Some(&u.username)
                });
                if let Some(other) = holder {
                    if !force_alias || attribute == "preferred_username" {
                        return Err(alias_exists(attribute));
                    }
                    moves.push((other, attribute.clone()));
                }
            }
            for (other, attribute) in moves {
                let theirs = others
                    .entry(other)
                    .or_insert_with(|| pool.users[other].attributes.clone());
                theirs.insert(format!("{attribute}_verified"), "false".to_owned());
            }
            for (other, theirs) in others {
                pool.replace_attributes(other, theirs, now);
            }
        }
        pool.users.push(user);
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

    /// Issues a `Session` for the challenge named in `binding`, carrying
    /// `progress` for the step that answers it.
    pub(crate) fn issue_session(
        &self,
        binding: SessionBinding,
        progress: SignInProgress,
    ) -> Result<String, ApiError> {
        let lifetime = self.session_lifetime(&binding.client_id);
        let now = self.clock().instant();
        self.state()
            .sessions
            .issue(binding, progress, now, lifetime)
    }

    /// Takes the request's `Session` (the `Session` field of `body`), which
    /// must have been issued for exactly `binding`; the sign-in it carries.
    pub(crate) fn take_session(
        &self,
        body: &Value,
        binding: &SessionBinding,
    ) -> Result<SignInProgress, ApiError> {
        let session = body.get("Session").and_then(Value::as_str);
        let now = self.clock().instant();
        self.state().sessions.take(session, binding, now)
    }
}

mod erased {
    /// A record as JSON, whatever its type.
    pub(super) trait Record {
        fn to_json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> Record for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}
