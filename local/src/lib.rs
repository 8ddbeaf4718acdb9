//! A local endpoint that speaks Cognito's JSON protocol and verifies SRP
//! exactly as Cognito does, with the `cognito-srp` crate's server side.
//!
//! `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`
//! (request signing ignored). Operations: `InitiateAuth` (`USER_SRP_AUTH`),
//! `RespondToAuthChallenge` (`PASSWORD_VERIFIER`, `DEVICE_SRP_AUTH`,
//! `DEVICE_PASSWORD_VERIFIER`), `ConfirmDevice`, `UpdateDeviceStatus`,
//! `SignUp`, `AdminConfirmSignUp`, `AdminCreateUser`, `AdminSetUserPassword`.
//! `GET /<pool id>/.well-known/jwks.json` serves the token signing key.
//!
//! Modules: [`error`] (Cognito's error shape), `input` (request fields),
//! `store` (pools, clients, users, seeding), `session` (the `Session` of a
//! challenge), `ops` (one module per family of operations), `tokens`,
//! `transport` (HTTP).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_srp::SrpServer;

pub mod client;
pub mod error;
mod expiring;
mod input;
mod ops;
pub mod password_policy;
mod random;
mod routes;
mod seed_ops;
mod session;
pub mod sigv4;
mod store;
mod tokens;
mod transport;

pub use error::ApiError;
pub use routes::Response;
pub use store::seed_from_json;
pub use transport::Limits;

use store::State;
use tokens::TokenSigner;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// How long a challenge may wait for its answer: Cognito's default
/// authentication session validity, three minutes.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(180);
/// How long issued tokens live, in seconds (`ExpiresIn`).
const TOKEN_LIFETIME_SECS: u64 = 3600;
/// At most this many challenges in flight and this many live access tokens
/// are remembered.
const MAX_REMEMBERED: usize = 65_536;

/// The endpoint's state and signing key; cheap to clone (shared).
#[derive(Clone)]
pub struct Endpoint {
    state: Arc<Mutex<State>>,
    signer: Arc<TokenSigner>,
    srp: SrpServer,
    issuer_base: Arc<Mutex<String>>,
    session_lifetime: Duration,
    /// The IAM credentials that may sign `Admin*` calls.
    credentials: Arc<sigv4::CredentialStore>,
}

impl Endpoint {
    /// An empty endpoint with a fresh signing key.
    pub fn new() -> Result<Self, openssl::error::ErrorStack> {
        Ok(Endpoint {
            state: Arc::new(Mutex::new(State::default())),
            signer: Arc::new(TokenSigner::generate()?),
            srp: SrpServer::new(),
            issuer_base: Arc::new(Mutex::new("http://127.0.0.1".to_owned())),
            session_lifetime: SESSION_LIFETIME,
            credentials: Arc::new(sigv4::CredentialStore::new()),
        })
    }

    /// The same endpoint accepting `Admin*` calls signed (SigV4) with these
    /// credentials, and no others.
    pub fn with_credentials(mut self, credentials: sigv4::CredentialStore) -> Self {
        self.credentials = Arc::new(credentials);
        self
    }

    /// The same endpoint with challenges that expire after `lifetime`
    /// instead of [`SESSION_LIFETIME`] (for tests of expiry).
    pub fn with_session_lifetime(mut self, lifetime: Duration) -> Self {
        self.session_lifetime = lifetime;
        self.state().sessions.set_lifetime(lifetime);
        self
    }

    /// The same endpoint holding at most `cap` challenges in flight (of
    /// each kind: `SECRET_BLOCK`s and `Session`s) instead of 65 536; past
    /// it, newcomers get `TooManyRequestsException` (for tests of a flood).
    pub fn with_max_challenges(self, cap: usize) -> Self {
        {
            let mut state = self.state();
            state.pending = expiring::Expiring::new(cap);
            state.sessions = session::Sessions::new(cap, self.session_lifetime);
        }
        self
    }
}
