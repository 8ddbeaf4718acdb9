//! The endpoint's data: pools, app clients, users, devices, grants and
//! sign-ins in progress. Nothing here knows of the operations, the
//! transport or the wire: those sit on top of it.

use std::collections::HashMap;
use std::time::Duration;

pub(crate) mod grant;
pub(crate) mod outbox;
pub(crate) mod pool;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod sms;
pub(crate) mod user;

use crate::expiring::Expiring;
use grant::Grants;
use pool::{Client, Pool};
use session::Sessions;
use signin::{Pending, SignInProgress};

/// How long a challenge may wait for its answer: Cognito's default
/// authentication session validity, three minutes.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(180);
/// At most this many challenges in flight and this many live access tokens
/// are remembered.
pub(crate) const MAX_REMEMBERED: usize = 65_536;

/// Everything behind the endpoint's lock.
pub(crate) struct State {
    pub pools: HashMap<String, Pool>,
    pub clients: HashMap<String, Client>,
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
            pools: HashMap::new(),
            clients: HashMap::new(),
            pending: Expiring::new(MAX_REMEMBERED),
            sessions: Sessions::new(MAX_REMEMBERED, SESSION_LIFETIME),
            grants: Grants::default(),
            outbox: outbox::Outbox::default(),
        }
    }
}
