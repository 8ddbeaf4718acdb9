//! A local endpoint that speaks Cognito's JSON protocol and verifies SRP
//! exactly as Cognito does, with the `cognito-srp` crate's server side.
//!
//! `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`:
//! the operations of [`operations`] (sign-in flows, devices, tokens, TOTP
//! MFA, users, pools and app clients), the `Admin*` and management ones only
//! with a valid SigV4 signature. `GET /<pool id>/.well-known/jwks.json`
//! serves the token signing keys.
//!
//! Modules, top to bottom (each uses only those below it): `transport`
//! (HTTP), `routes` (from a request to an operation), `ops` (one module per
//! family of operations), `store` (the endpoint's access to its state),
//! `jwt` (signing keys and tokens), `seed` (the seed file), `disk` (the data
//! directory: the durable records in redb), `model` (pools,
//! clients, users, devices, grants, sign-ins in progress), and the helpers:
//! [`error`] (Cognito's error shape), `input` (request fields), `sigv4`,
//! `lambda` (the Lambda Invoke client the pools' triggers run through),
//! `expiring`, `random`, [`password_policy`].

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_srp::SrpServer;

pub mod client;
mod clock;
mod disk;
pub mod error;
mod expiring;
mod input;
mod jwt;
mod lambda;
mod model;
mod ops;
pub mod password_policy;
mod random;
mod routes;
mod seed;
mod shape;
pub mod sigv4;
mod store;
mod transport;

pub use clock::Clock;
pub use disk::SCHEMA_VERSION;
pub use error::ApiError;
pub use lambda::{INVOKE_TIMEOUT, LambdaHost};
pub use model::SESSION_LIFETIME;
pub use routes::Response;
pub use seed::seed_from_json;
pub use transport::Limits;

use jwt::TokenSigner;
use model::State;

/// Every operation served, by `X-Amz-Target` name, and whether it must be
/// signed (SigV4): the router's own table.
pub fn operations() -> impl Iterator<Item = (&'static str, bool)> {
    ops::OPERATIONS
        .iter()
        .map(|(name, _)| (*name, ops::signed(name)))
}

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The endpoint's state and signing key; cheap to clone (shared).
#[derive(Clone)]
pub struct Endpoint {
    state: Arc<Mutex<State>>,
    signer: Arc<TokenSigner>,
    srp: SrpServer,
    issuer_base: Arc<Mutex<String>>,
    /// A lifetime for every challenge in flight instead of each app
    /// client's `AuthSessionValidity` (tests of expiry).
    session_lifetime: Option<Duration>,
    /// The IAM credentials that may sign `Admin*` calls.
    credentials: Arc<sigv4::CredentialStore>,
    /// The endpoint's clock (tokens, codes, temporary passwords), which tests move.
    clock: Arc<Clock>,
    /// The data directory, if the state is kept on disk.
    disk: Option<Arc<disk::Disk>>,
    /// Where the pool's Lambda triggers run, if anywhere.
    lambda: Option<Arc<LambdaHost>>,
}

impl Endpoint {
    /// Answers one HTTP request: the transport hands over the method, the
    /// path, every header and the raw body (an `Admin*` call's signature
    /// covers them all).
    pub fn dispatch(&self, request: &sigv4::ReceivedRequest<'_>) -> Response {
        routes::dispatch(self, request)
    }

    /// Handles one operation (`operation` is the part of `X-Amz-Target`
    /// after `AWSCognitoIdentityProviderService.`), as if its request had
    /// passed the transport and, for `Admin*`, its signature check.
    pub fn handle(&self, operation: &str, body: &serde_json::Value) -> error::ApiResult {
        ops::handle(self, operation, body)
    }

    /// An empty endpoint with a fresh signing key.
    pub fn new() -> Result<Self, openssl::error::ErrorStack> {
        Ok(Endpoint {
            state: Arc::new(Mutex::new(State::default())),
            signer: Arc::new(TokenSigner::generate()?),
            srp: SrpServer::new(),
            issuer_base: Arc::new(Mutex::new("http://127.0.0.1".to_owned())),
            session_lifetime: None,
            credentials: Arc::new(sigv4::CredentialStore::new()),
            clock: Arc::new(Clock::default()),
            disk: None,
            lambda: None,
        })
    }

    /// An endpoint whose state lives in the data directory `dir` (made if
    /// missing): every pool, app client, user (with devices, groups and
    /// codes), grant and both signing keys already there are loaded, and
    /// every change is durable before its operation answers. Refuses a
    /// directory written with a newer [`SCHEMA_VERSION`].
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, String> {
        let (disk, loaded) = disk::Disk::open(dir.as_ref())?;
        let signer = match &loaded.keys {
            Some((id, access)) => TokenSigner::from_pems(id, access)
                .map_err(|e| format!("data dir: the stored signing keys: {e}"))?,
            None => {
                let signer = TokenSigner::generate().map_err(|e| e.to_string())?;
                let (id, access) = signer.to_pems().map_err(|e| e.to_string())?;
                disk.store_keys(&id, &access)?;
                signer
            }
        };
        let state = store::loaded_state(loaded)?;
        Ok(Endpoint {
            state: Arc::new(Mutex::new(state)),
            signer: Arc::new(signer),
            disk: Some(Arc::new(disk)),
            ..Endpoint::new().map_err(|e| e.to_string())?
        })
    }

    /// Whether the state is kept in a data directory.
    pub fn is_durable(&self) -> bool {
        self.disk.is_some()
    }

    /// The endpoint's clock (tokens' `iat` and `exp`, refresh token expiry,
    /// rotation grace, confirmation and verification codes, a temporary
    /// password's age; moved forward, the challenges in flight): move it
    /// with [`Clock::advance`] to test expiry without waiting. The binary's `--clock-offset SECONDS` sets it at
    /// start.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The same endpoint accepting `Admin*` calls signed (SigV4) with these
    /// credentials, and no others.
    pub fn with_credentials(mut self, credentials: sigv4::CredentialStore) -> Self {
        self.credentials = Arc::new(credentials);
        self
    }

    /// The same endpoint running the pools' Lambda triggers (`LambdaConfig`)
    /// on `host`, through the Lambda Invoke API. Without one, a configured
    /// trigger fails as an unreachable function does
    /// (`UnexpectedLambdaException`).
    pub fn with_lambda_host(mut self, host: LambdaHost) -> Self {
        self.lambda = Some(Arc::new(host));
        self
    }

    /// The same endpoint with challenges that expire after `lifetime`
    /// instead of their app client's `AuthSessionValidity` (by default
    /// [`SESSION_LIFETIME`]), for tests of expiry.
    pub fn with_session_lifetime(mut self, lifetime: Duration) -> Self {
        self.session_lifetime = Some(lifetime);
        self
    }

    /// The same endpoint holding at most `cap` challenges in flight (of
    /// each kind: `SECRET_BLOCK`s and `Session`s) instead of 65 536; past
    /// it, newcomers get `TooManyRequestsException` (for tests of a flood).
    pub fn with_max_challenges(self, cap: usize) -> Self {
        {
            let mut state = self.state();
            state.pending = expiring::Expiring::new(cap);
            state.sessions = model::session::Sessions::new(cap);
        }
        self
    }

    /// Shortens the life of the ID and access tokens issued from now on
    /// (for tests of expiry; Cognito's shortest is five minutes).
    pub fn with_token_lifetime(self, lifetime: Duration) -> Self {
        self.state().grants.token_lifetime_override = Some(lifetime.as_secs().max(1));
        self
    }
}
