//! The endpoint's data: pools, app clients, users, devices, grants and
//! sign-ins in progress. Nothing here knows of the operations, the
//! transport or the wire: those sit on top of it.
//!
//! Durability contract: pools (with their groups), app clients, users (with
//! their devices and codes) and grants are durable. They are reached mutably
//! only through [`tracked::Tracked`], [`tracked::Users`] and
//! [`grant::Grants`], which mark what they hand out; the store drains the
//! marks with [`State::take_changes`] after every operation and writes the
//! records in one transaction before the answer goes out. Challenges in
//! flight, sessions and the outbox are not durable.

use std::time::Duration;

pub(crate) mod code;
pub(crate) mod grant;
pub(crate) mod outbox;
pub(crate) mod pool;
pub(crate) mod record;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod sms;
pub(crate) mod tracked;
pub(crate) mod user;

use crate::expiring::Expiring;
use grant::Grants;
use pool::{Client, Pool};
use session::Sessions;
use signin::{Pending, SignInProgress};
use tracked::Tracked;

/// How long a challenge may wait for its answer: Cognito's default
/// authentication session validity (an app client's `AuthSessionValidity`
/// when it sets none), three minutes.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(180);
/// At most this many challenges in flight and this many live access tokens
/// are remembered.
pub(crate) const MAX_REMEMBERED: usize = 65_536;

/// Everything behind the endpoint's lock.
pub(crate) struct State {
    pub pools: Tracked<Pool>,
    pub clients: Tracked<Client>,
    /// Challenges in flight, by `SECRET_BLOCK` (pycognito sends no `Session`).
    pub pending: Expiring<Pending>,
    /// Sessions of the challenges that carry one.
    pub sessions: Sessions<SignInProgress>,
    /// Sign-ins that ended in tokens, with their refresh tokens.
    pub grants: Grants,
    /// The one-time codes sent, for the local channel.
    pub outbox: outbox::Outbox,
}

impl Default for State {
    fn default() -> Self {
        State {
            pools: Tracked::default(),
            clients: Tracked::default(),
            pending: Expiring::new(MAX_REMEMBERED),
            sessions: Sessions::new(MAX_REMEMBERED),
            grants: Grants::default(),
            outbox: outbox::Outbox::default(),
        }
    }
}

/// A table of durable records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// Pools (without their users) by pool id.
    Pools,
    /// Users by `<pool id>/<sub>`.
    Users,
    /// App clients by client id.
    Clients,
    /// Grants by `origin_jti`.
    Grants,
    /// Refresh tokens that rotation replaced, by token.
    Retired,
}

/// One change to the durable records.
#[derive(Debug)]
pub(crate) enum Change {
    /// The record of `key` is now this JSON.
    Put(Table, String, Vec<u8>),
    /// The record of `key` is gone.
    Delete(Table, String),
    /// Every record whose key starts with this is gone (a pool's users).
    DeletePrefix(Table, String),
}

/// The key of a user's record.
pub(crate) fn user_key(pool_id: &str, sub: &str) -> String {
    format!("{pool_id}/{sub}")
}

fn put<T: serde::Serialize>(table: Table, key: String, value: &T) -> Change {
    // The model's types serialize to JSON without fail (string keys only).
    Change::Put(table, key, serde_json::to_vec(value).unwrap_or_default())
}

impl State {
    /// Clears the marks of what changed (no data directory to write to).
    pub(crate) fn forget_changes(&mut self) {
        for (_, pool) in self.pools.take_dirty() {
            if let Some(pool) = pool {
                pool.users.take_dirty();
            }
        }
        self.clients.take_dirty();
        self.grants.take_dirty();
    }

    /// The durable records changed since the last call, as the store
    /// writes them; empty when nothing durable changed.
    pub(crate) fn take_changes(&mut self) -> Vec<Change> {
        let mut changes = Vec::new();
        for (id, pool) in self.pools.take_dirty() {
            match pool {
                Some(pool) => {
                    changes.push(put(Table::Pools, id.clone(), &*pool));
                    for (sub, user) in pool.users.take_dirty() {
                        let key = user_key(&id, &sub);
                        changes.push(match user {
                            Some(user) => put(Table::Users, key, user),
                            None => Change::Delete(Table::Users, key),
                        });
                    }
                }
                None => {
                    changes.push(Change::Delete(Table::Pools, id.clone()));
                    changes.push(Change::DeletePrefix(Table::Users, user_key(&id, "")));
                }
            }
        }
        for (id, client) in self.clients.take_dirty() {
            changes.push(match client {
                Some(client) => put(Table::Clients, id, &*client),
                None => Change::Delete(Table::Clients, id),
            });
        }
        let grants = self.grants.take_dirty();
        for (origin, grant) in grants.grants {
            changes.push(match grant {
                Some(grant) => put(Table::Grants, origin, grant),
                None => Change::Delete(Table::Grants, origin),
            });
        }
        for (token, retired) in grants.retired {
            changes.push(match retired {
                Some(retired) => put(Table::Retired, token, retired),
                None => Change::Delete(Table::Retired, token),
            });
        }
        changes
    }
}
