//! A local endpoint that speaks Cognito's JSON protocol and verifies SRP
//! exactly as Cognito does, with the `cognito-srp` crate's server side.
//!
//! `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`
//! (request signing ignored). Operations: `InitiateAuth` (`USER_SRP_AUTH`),
//! `RespondToAuthChallenge` (`PASSWORD_VERIFIER`, `DEVICE_SRP_AUTH`,
//! `DEVICE_PASSWORD_VERIFIER`), `ConfirmDevice`, `UpdateDeviceStatus`,
//! `SignUp`, `AdminConfirmSignUp`, `AdminCreateUser`, `AdminSetUserPassword`.
//! `GET /<pool id>/.well-known/jwks.json` serves the token signing key.

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Utc;
use cognito_srp::{
    AppClient, AuthFailure, ClientSecret, Error, Password, PoolId, ServerSession, SrpServer,
    StoredVerifier,
};
use serde_json::{Map, Value, json};

pub mod client;
mod expiring;
mod tokens;

use expiring::Expiring;
use tokens::TokenSigner;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// The longest string field accepted.
const MAX_FIELD_CHARS: usize = 16 * 1024;
/// How long a challenge may wait for its answer: Cognito's default
/// authentication session validity, three minutes.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(180);
/// How long issued tokens live, in seconds (`ExpiresIn`).
const TOKEN_LIFETIME_SECS: u64 = 3600;
/// At most this many challenges in flight and this many live access tokens
/// are remembered; past it the one closest to expiry is forgotten.
const MAX_REMEMBERED: usize = 65_536;

/// An error in Cognito's shape: `{"__type": kind, "message": message}`, HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The exception name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// The message.
    pub message: String,
}

fn err(kind: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        kind,
        message: message.into(),
    }
}

fn not_authorized() -> ApiError {
    err(
        "NotAuthorizedException",
        AuthFailure::SignatureMismatch.remote_message(),
    )
}

/// A crate error as Cognito reports it: refusals all look alike to the caller.
fn from_srp(error: Error) -> ApiError {
    match error {
        Error::NotAuthorized(_) => not_authorized(),
        other => err("InvalidParameterException", other.to_string()),
    }
}

type ApiResult = Result<Value, ApiError>;

/// An app client of a pool.
#[derive(Clone)]
struct Client {
    pool_id: String,
    app: AppClient,
    /// Whether sign-ins return `NewDeviceMetadata` (device tracking).
    remember_devices: bool,
}

struct Device {
    group_key: String,
    verifier: Option<StoredVerifier>,
    remembered: bool,
}

struct User {
    username: String,
    /// `sub`, which is also the `USER_ID_FOR_SRP`.
    sub: String,
    verifier: Option<StoredVerifier>,
    confirmed: bool,
    device_group_key: String,
    devices: HashMap<String, Device>,
}

struct Pool {
    id: PoolId,
    users: Vec<User>,
}

impl Pool {
    fn user(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.username == name || u.sub == name)
    }
    fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        self.users
            .iter_mut()
            .find(|u| u.username == name || u.sub == name)
    }
}

/// A challenge in flight.
struct Pending {
    client_id: String,
    pool_id: String,
    sub: String,
    device_key: Option<String>,
    session: ServerSession,
}

struct State {
    pools: HashMap<String, Pool>,
    clients: HashMap<String, Client>,
    /// Challenges in flight, by `SECRET_BLOCK` (pycognito sends no `Session`).
    pending: Expiring<Pending>,
    /// Users who passed PASSWORD_VERIFIER and owe DEVICE_SRP_AUTH, by (client id, sub, device key).
    device_auth: HashMap<(String, String, String), ()>,
    /// Access tokens issued: token -> (pool id, sub).
    access_tokens: Expiring<(String, String)>,
}

impl Default for State {
    fn default() -> Self {
        State {
            pools: HashMap::new(),
            clients: HashMap::new(),
            pending: Expiring::new(MAX_REMEMBERED),
            device_auth: HashMap::new(),
            access_tokens: Expiring::new(MAX_REMEMBERED),
        }
    }
}

/// The endpoint's seed: pools, app clients and users (see `MOCK-COGNITO.md`).
pub fn seed_from_json(seed: &Value) -> Result<Endpoint, String> {
    let endpoint = Endpoint::new().map_err(|e| e.to_string())?;
    for pool in seed["pools"]
        .as_array()
        .ok_or("seed: `pools` must be an array")?
    {
        let pool_id = pool["id"].as_str().ok_or("seed: a pool needs an `id`")?;
        endpoint.add_pool(pool_id).map_err(|e| e.message)?;
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
    }
    Ok(endpoint)
}

/// The endpoint's state and signing key; cheap to clone (shared).
#[derive(Clone)]
pub struct Endpoint {
    state: Arc<Mutex<State>>,
    signer: Arc<TokenSigner>,
    srp: SrpServer,
    issuer_base: Arc<Mutex<String>>,
    session_lifetime: Duration,
    /// Bounds how many requests compute at once (set by [`Endpoint::serve`]).
    compute: Arc<Permits>,
}

/// A counting semaphore: at most `limit` holders at once.
struct Permits {
    free: Mutex<usize>,
    released: Condvar,
}

impl Permits {
    fn new(limit: usize) -> Self {
        Permits {
            free: Mutex::new(limit.max(1)),
            released: Condvar::new(),
        }
    }

    /// Waits for a permit; it is given back when the guard drops.
    fn acquire(&self) -> PermitGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.released.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        PermitGuard(self)
    }
}

struct PermitGuard<'a>(&'a Permits);

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.released.notify_one();
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    // The OS generator failing is not recoverable for a test endpoint either.
    getrandom::fill(&mut out).unwrap_or_else(|e| panic!("OS random generator failed: {e}"));
    out
}

fn uuid() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

fn token() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<48>())
}

/// A string field of a JSON object: present, a string, and not absurdly long.
fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    let value = body
        .get(name)
        .ok_or_else(|| {
            err(
                "InvalidParameterException",
                format!("Missing required parameter {name}"),
            )
        })?
        .as_str()
        .ok_or_else(|| {
            err(
                "InvalidParameterException",
                format!("{name} must be a string"),
            )
        })?;
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(err(
            "InvalidParameterException",
            format!("{name} is too long"),
        ));
    }
    Ok(value)
}

/// A string-to-string map field (`AuthParameters`, `ChallengeResponses`).
fn string_map(body: &Value, name: &str) -> Result<HashMap<String, String>, ApiError> {
    let object = body
        .get(name)
        .ok_or_else(|| {
            err(
                "InvalidParameterException",
                format!("Missing required parameter {name}"),
            )
        })?
        .as_object()
        .ok_or_else(|| err("InvalidParameterException", format!("{name} must be a map")))?;
    let mut out = HashMap::new();
    for (key, value) in object {
        match value {
            Value::String(s) if s.chars().count() <= MAX_FIELD_CHARS => {
                out.insert(key.clone(), s.clone());
            }
            // amazon-cognito-identity-js sends DEVICE_KEY: null after a device is forgotten.
            Value::Null => {}
            _ => {
                return Err(err(
                    "InvalidParameterException",
                    format!("{name}.{key} must be a short string"),
                ));
            }
        }
    }
    Ok(out)
}

fn required<'m>(map: &'m HashMap<String, String>, key: &str) -> Result<&'m str, ApiError> {
    map.get(key).map(String::as_str).ok_or_else(|| {
        err(
            "InvalidParameterException",
            format!("Missing required parameter {key}"),
        )
    })
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
            compute: Arc::new(Permits::new(1)),
        })
    }

    /// The same endpoint with challenges that expire after `lifetime`
    /// instead of [`SESSION_LIFETIME`] (for tests of expiry).
    pub fn with_session_lifetime(mut self, lifetime: Duration) -> Self {
        self.session_lifetime = lifetime;
        self
    }

    /// Remembers a challenge in flight under its `SECRET_BLOCK`.
    fn park(&self, pending: Pending) {
        let now = Instant::now();
        let key = pending.session.secret_block().as_str().to_owned();
        self.state()
            .pending
            .insert(key, pending, now + self.session_lifetime, now);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock would be a bug; keep serving regardless.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a user pool.
    pub fn add_pool(&self, pool_id: &str) -> Result<(), ApiError> {
        let id = PoolId::parse(pool_id).map_err(from_srp)?;
        self.state().pools.insert(
            pool_id.to_owned(),
            Pool {
                id,
                users: Vec::new(),
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
            return Err(err(
                "ResourceNotFoundException",
                format!("User pool {pool_id} does not exist."),
            ));
        }
        state.clients.insert(
            client_id.to_owned(),
            Client {
                pool_id: pool_id.to_owned(),
                app,
                remember_devices,
            },
        );
        Ok(())
    }

    /// Adds a user with a password (confirmed or not).
    pub fn add_user(
        &self,
        pool_id: &str,
        username: &str,
        password: &str,
        confirmed: bool,
    ) -> Result<String, ApiError> {
        let pool = self.pool_id(pool_id)?;
        let sub = uuid();
        let verifier = StoredVerifier::register_user(&pool, &sub, &Password::new(password))
            .map_err(from_srp)?;
        let mut state = self.state();
        let pool = state.pools.get_mut(pool_id).ok_or_else(|| {
            err(
                "ResourceNotFoundException",
                format!("User pool {pool_id} does not exist."),
            )
        })?;
        if pool.user(username).is_some() {
            return Err(err("UsernameExistsException", "User already exists"));
        }
        pool.users.push(User {
            username: username.to_owned(),
            sub: sub.clone(),
            verifier: Some(verifier),
            confirmed,
            device_group_key: format!("-{}", &token()[..9]),
            devices: HashMap::new(),
        });
        Ok(sub)
    }

    fn pool_id(&self, pool_id: &str) -> Result<PoolId, ApiError> {
        self.state()
            .pools
            .get(pool_id)
            .map(|p| p.id.clone())
            .ok_or_else(|| {
                err(
                    "ResourceNotFoundException",
                    format!("User pool {pool_id} does not exist."),
                )
            })
    }

    fn client(&self, client_id: &str) -> Result<Client, ApiError> {
        self.state().clients.get(client_id).cloned().ok_or_else(|| {
            err(
                "ResourceNotFoundException",
                format!("User pool client {client_id} does not exist."),
            )
        })
    }

    /// Checks `SECRET_HASH` for `username` when the app client has a secret.
    fn check_secret_hash(
        client: &Client,
        username: &str,
        given: Option<&str>,
    ) -> Result<(), ApiError> {
        match (client.app.secret_hash(username), given) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Client {} is configured for secret but secret was not received",
                    client.app.client_id()
                ),
            )),
            (Some(expected), Some(given)) if expected == given => Ok(()),
            (Some(_), Some(_)) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Unable to verify secret hash for client {}",
                    client.app.client_id()
                ),
            )),
        }
    }

    /// Handles one operation.
    pub fn handle(&self, operation: &str, body: &Value) -> ApiResult {
        if !body.is_object() {
            return Err(err(
                "SerializationException",
                "the request body must be a JSON object",
            ));
        }
        match operation {
            "InitiateAuth" => self.initiate_auth(body),
            "RespondToAuthChallenge" => self.respond_to_auth_challenge(body),
            "ConfirmDevice" => self.confirm_device(body),
            "UpdateDeviceStatus" => self.update_device_status(body),
            "SignUp" => self.sign_up(body),
            "AdminConfirmSignUp" => self.admin_confirm_sign_up(body),
            "AdminCreateUser" => self.admin_create_user(body),
            "AdminSetUserPassword" => self.admin_set_user_password(body),
            _ => Err(err(
                "UnknownOperationException",
                format!("Unknown operation {operation}"),
            )),
        }
    }

    fn initiate_auth(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let flow = field(body, "AuthFlow")?;
        let parameters = string_map(body, "AuthParameters")?;
        let custom_srp = flow == "CUSTOM_AUTH"
            && parameters.get("CHALLENGE_NAME").map(String::as_str) == Some("SRP_A");
        if flow != "USER_SRP_AUTH" && !custom_srp {
            return Err(err(
                "InvalidParameterException",
                format!("Unsupported AuthFlow {flow}"),
            ));
        }
        let username = required(&parameters, "USERNAME")?;
        let srp_a = required(&parameters, "SRP_A")?;
        Self::check_secret_hash(
            &client,
            username,
            parameters.get("SECRET_HASH").map(String::as_str),
        )?;
        let pool_id = self.pool_id(&client.pool_id)?;
        let (sub, verifier) = {
            let state = self.state();
            let pool = &state.pools[&client.pool_id];
            let user = pool
                .user(username)
                .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
            if !user.confirmed {
                return Err(err("UserNotConfirmedException", "User is not confirmed."));
            }
            let verifier = user.verifier.clone().ok_or_else(not_authorized)?;
            (user.sub.clone(), verifier)
        };
        // The SRP math runs outside the lock.
        let session = self
            .srp
            .start_user(&pool_id, username, &sub, &verifier, srp_a)
            .map_err(from_srp)?;
        let parameters_out = session.challenge_parameters();
        let name = session.challenge_name();
        self.park(Pending {
            client_id: client.app.client_id().to_owned(),
            pool_id: client.pool_id.clone(),
            sub,
            device_key: parameters.get("DEVICE_KEY").cloned(),
            session,
        });
        Ok(
            json!({ "ChallengeName": name, "ChallengeParameters": parameters_out, "Session": token() }),
        )
    }

    fn respond_to_auth_challenge(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let challenge = field(body, "ChallengeName")?;
        let responses = string_map(body, "ChallengeResponses")?;
        let username = required(&responses, "USERNAME")?;
        Self::check_secret_hash(
            &client,
            username,
            responses.get("SECRET_HASH").map(String::as_str),
        )?;
        match challenge {
            "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER" => {
                self.verify_claim(&client, challenge, &responses)
            }
            "DEVICE_SRP_AUTH" => self.device_srp_auth(&client, &responses),
            other => Err(err(
                "InvalidParameterException",
                format!("Unsupported ChallengeName {other}"),
            )),
        }
    }

    fn verify_claim(
        &self,
        client: &Client,
        challenge: &str,
        responses: &HashMap<String, String>,
    ) -> ApiResult {
        let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        // A secret block answers once: take the session out before verifying.
        let pending = self
            .state()
            .pending
            .take(block, Instant::now())
            .ok_or_else(not_authorized)?
            .map_err(|()| {
                err(
                    "NotAuthorizedException",
                    "Invalid session for the user, session is expired.",
                )
            })?;
        if pending.client_id != client.app.client_id()
            || pending.session.challenge_name() != challenge
        {
            return Err(not_authorized());
        }
        pending
            .session
            .verify_at(responses, Utc::now())
            .map_err(from_srp)?;
        let device_key = responses
            .get("DEVICE_KEY")
            .or(pending.device_key.as_ref())
            .cloned();
        if challenge == "PASSWORD_VERIFIER" {
            if let Some(device_key) = device_key {
                let state = self.state();
                let user = state.pools[&pending.pool_id]
                    .user(&pending.sub)
                    .ok_or_else(not_authorized)?;
                match user.devices.get(&device_key) {
                    None => return Err(err("ResourceNotFoundException", "Device does not exist.")),
                    Some(device) if device.verifier.is_some() && device.remembered => {
                        drop(state);
                        self.state().device_auth.insert(
                            (
                                client.app.client_id().to_owned(),
                                pending.sub.clone(),
                                device_key,
                            ),
                            (),
                        );
                        return Ok(
                            json!({ "ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": {}, "Session": token() }),
                        );
                    }
                    Some(_) => {}
                }
            }
            return Ok(self.tokens(client, &pending.pool_id, &pending.sub, None, true));
        }
        Ok(self.tokens(
            client,
            &pending.pool_id,
            &pending.sub,
            device_key.as_deref(),
            false,
        ))
    }

    fn device_srp_auth(&self, client: &Client, responses: &HashMap<String, String>) -> ApiResult {
        let username = required(responses, "USERNAME")?;
        let device_key = required(responses, "DEVICE_KEY")?;
        let srp_a = required(responses, "SRP_A")?;
        let (sub, group_key, verifier) = {
            let mut state = self.state();
            let pool = state
                .pools
                .get(&client.pool_id)
                .ok_or_else(not_authorized)?;
            let user = pool.user(username).ok_or_else(not_authorized)?;
            let key = (
                client.app.client_id().to_owned(),
                user.sub.clone(),
                device_key.to_owned(),
            );
            let device = user
                .devices
                .get(device_key)
                .ok_or_else(|| err("ResourceNotFoundException", "Device does not exist."))?;
            let verifier = device.verifier.clone().ok_or_else(not_authorized)?;
            let out = (user.sub.clone(), device.group_key.clone(), verifier);
            // DEVICE_SRP_AUTH is owed only after a verified PASSWORD_VERIFIER.
            state.device_auth.remove(&key).ok_or_else(not_authorized)?;
            out
        };
        let session = self
            .srp
            .start_device(&group_key, device_key, username, &verifier, srp_a)
            .map_err(from_srp)?;
        let parameters = session.challenge_parameters();
        self.park(Pending {
            client_id: client.app.client_id().to_owned(),
            pool_id: client.pool_id.clone(),
            sub,
            device_key: Some(device_key.to_owned()),
            session,
        });
        Ok(
            json!({ "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": parameters, "Session": token() }),
        )
    }

    /// `AuthenticationResult`, with `NewDeviceMetadata` for a password sign-in
    /// when the app client tracks devices.
    fn tokens(
        &self,
        client: &Client,
        pool_id: &str,
        sub: &str,
        device_key: Option<&str>,
        new_device: bool,
    ) -> Value {
        let now = Utc::now().timestamp();
        let issuer = format!(
            "{}/{pool_id}",
            self.issuer_base
                .lock()
                .map(|s| s.clone())
                .unwrap_or_default()
        );
        let mut state = self.state();
        let Some(pool) = state.pools.get_mut(pool_id) else {
            return json!({});
        };
        let region = pool.id.region().to_owned();
        let Some(user) = pool.user_mut(sub) else {
            return json!({});
        };
        let username = user.username.clone();
        let mut access_claims = json!({
            "sub": sub, "iss": issuer, "client_id": client.app.client_id(), "origin_jti": uuid(),
            "event_id": uuid(), "token_use": "access", "scope": "aws.cognito.signin.user.admin",
            "auth_time": now, "exp": now + TOKEN_LIFETIME_SECS as i64, "iat": now, "jti": uuid(), "username": username,
        });
        if let Some(device_key) = device_key {
            access_claims["device_key"] = json!(device_key);
        }
        let id_claims = json!({
            "sub": sub, "iss": issuer, "cognito:username": username, "aud": client.app.client_id(),
            "event_id": uuid(), "token_use": "id", "auth_time": now, "exp": now + TOKEN_LIFETIME_SECS as i64, "iat": now, "jti": uuid(),
        });
        let mut result = Map::new();
        result.insert(
            "AccessToken".into(),
            json!(self.signer.sign(&access_claims)),
        );
        result.insert("IdToken".into(), json!(self.signer.sign(&id_claims)));
        result.insert("RefreshToken".into(), json!(token()));
        result.insert("ExpiresIn".into(), json!(TOKEN_LIFETIME_SECS));
        result.insert("TokenType".into(), json!("Bearer"));
        if new_device && client.remember_devices {
            let device_key = format!("{region}_{}", uuid());
            let group_key = user.device_group_key.clone();
            user.devices.insert(
                device_key.clone(),
                Device {
                    group_key: group_key.clone(),
                    verifier: None,
                    remembered: false,
                },
            );
            result.insert(
                "NewDeviceMetadata".into(),
                json!({ "DeviceKey": device_key, "DeviceGroupKey": group_key }),
            );
        }
        let access = result["AccessToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let issued = Instant::now();
        state.access_tokens.insert(
            access,
            (pool_id.to_owned(), sub.to_owned()),
            issued + Duration::from_secs(TOKEN_LIFETIME_SECS),
            issued,
        );
        json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
    }

    fn with_access_token<T>(
        &self,
        body: &Value,
        f: impl FnOnce(&mut User) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let access = field(body, "AccessToken")?;
        let mut state = self.state();
        let (pool_id, sub) = state
            .access_tokens
            .get(access, Instant::now())
            .cloned()
            .ok_or_else(|| err("NotAuthorizedException", "Invalid Access Token"))?;
        let user = state
            .pools
            .get_mut(&pool_id)
            .and_then(|p| p.user_mut(&sub))
            .ok_or_else(not_authorized)?;
        f(user)
    }

    fn confirm_device(&self, body: &Value) -> ApiResult {
        let device_key = field(body, "DeviceKey")?.to_owned();
        let config = body.get("DeviceSecretVerifierConfig").ok_or_else(|| {
            err(
                "InvalidParameterException",
                "Missing required parameter DeviceSecretVerifierConfig",
            )
        })?;
        let verifier = StoredVerifier::from_device_secret_verifier_config(
            field(config, "PasswordVerifier")?,
            field(config, "Salt")?,
        )
        .map_err(from_srp)?;
        self.with_access_token(body, |user| {
            let device = user
                .devices
                .get_mut(&device_key)
                .ok_or_else(|| err("ResourceNotFoundException", "Device does not exist."))?;
            device.verifier = Some(verifier);
            // Devices are remembered without asking the user.
            device.remembered = true;
            Ok(json!({ "UserConfirmationNecessary": false }))
        })
    }

    fn update_device_status(&self, body: &Value) -> ApiResult {
        let device_key = field(body, "DeviceKey")?.to_owned();
        let remembered = match body.get("DeviceRememberedStatus").and_then(Value::as_str) {
            Some("remembered") => true,
            Some("not_remembered") | None => false,
            Some(other) => {
                return Err(err(
                    "InvalidParameterException",
                    format!("Unknown DeviceRememberedStatus {other}"),
                ));
            }
        };
        self.with_access_token(body, |user| {
            let device = user
                .devices
                .get_mut(&device_key)
                .ok_or_else(|| err("ResourceNotFoundException", "Device does not exist."))?;
            device.remembered = remembered;
            Ok(json!({}))
        })
    }

    fn sign_up(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let username = field(body, "Username")?;
        let password = field(body, "Password")?;
        Self::check_secret_hash(
            &client,
            username,
            body.get("SecretHash").and_then(Value::as_str),
        )?;
        let sub = self.add_user(&client.pool_id, username, password, false)?;
        Ok(json!({ "UserConfirmed": false, "UserSub": sub }))
    }

    fn admin_user<T>(&self, body: &Value, f: impl FnOnce(&mut User) -> T) -> Result<T, ApiError> {
        let pool_id = field(body, "UserPoolId")?;
        let username = field(body, "Username")?;
        let mut state = self.state();
        let pool = state.pools.get_mut(pool_id).ok_or_else(|| {
            err(
                "ResourceNotFoundException",
                format!("User pool {pool_id} does not exist."),
            )
        })?;
        let user = pool
            .user_mut(username)
            .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
        Ok(f(user))
    }

    fn admin_confirm_sign_up(&self, body: &Value) -> ApiResult {
        self.admin_user(body, |user| user.confirmed = true)?;
        Ok(json!({}))
    }

    fn admin_create_user(&self, body: &Value) -> ApiResult {
        let pool_id = field(body, "UserPoolId")?;
        let username = field(body, "Username")?;
        // Without a password yet: AdminSetUserPassword gives it one.
        let sub = self.add_user(pool_id, username, &token(), true)?;
        self.admin_user(body, |user| user.verifier = None)?;
        Ok(
            json!({ "User": { "Username": username, "Enabled": true, "UserStatus": "FORCE_CHANGE_PASSWORD",
            "Attributes": [{ "Name": "sub", "Value": sub }] } }),
        )
    }

    fn admin_set_user_password(&self, body: &Value) -> ApiResult {
        let pool = self.pool_id(field(body, "UserPoolId")?)?;
        let password = field(body, "Password")?.to_owned();
        if body.get("Permanent").and_then(Value::as_bool) != Some(true) {
            return Err(err(
                "InvalidParameterException",
                "Only permanent passwords are supported",
            ));
        }
        let sub = self.admin_user(body, |user| user.sub.clone())?;
        let verifier = StoredVerifier::register_user(&pool, &sub, &Password::new(password))
            .map_err(from_srp)?;
        self.admin_user(body, |user| {
            user.verifier = Some(verifier);
            user.confirmed = true;
        })?;
        Ok(json!({}))
    }

    /// Serves HTTP on `addr` until the process ends, computing at most
    /// `threads` requests at once. Returns the bound address (use port 0 for
    /// a free one) and the thread that hands out the requests.
    ///
    /// Every request is read on a thread of its own and takes one of the
    /// `threads` permits only once its body is in: tiny_http exposes no
    /// socket to put a timeout on, so a client that stalls mid-body holds
    /// just its own thread (until it goes away), never a permit. (A read
    /// timeout on the listener would be inherited by accepted sockets, but it
    /// also makes an idle `accept` fail, which ends tiny_http's accept loop.)
    pub fn serve(
        mut self,
        addr: &str,
        threads: usize,
    ) -> Result<(SocketAddr, Vec<thread::JoinHandle<()>>), String> {
        let listener = std::net::TcpListener::bind(addr).map_err(|e| e.to_string())?;
        // Linux hands TCP_NODELAY on to accepted sockets. Without it, tiny_http's
        // response (head, then body) meets the client's delayed ACK and each
        // request waits about 40 ms.
        socket2::SockRef::from(&listener)
            .set_tcp_nodelay(true)
            .map_err(|e| e.to_string())?;
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())?;
        let bound = server.server_addr().to_ip().ok_or("not an IP listener")?;
        if let Ok(mut base) = self.issuer_base.lock() {
            *base = format!("http://{bound}");
        }
        self.compute = Arc::new(Permits::new(threads));
        let dispatcher = thread::spawn(move || {
            for request in server.incoming_requests() {
                let endpoint = self.clone();
                let spawned = thread::Builder::new()
                    .name("mock-cognito request".into())
                    .spawn(move || endpoint.respond(request));
                if let Err(e) = spawned {
                    // The request is dropped and its connection closed; the
                    // endpoint goes on with the next one.
                    eprintln!("mock-cognito: cannot start a request thread: {e}");
                }
            }
        });
        Ok((bound, vec![dispatcher]))
    }

    fn respond(&self, mut request: tiny_http::Request) {
        let (status, body, kind) = self.route(&mut request);
        let mut response = tiny_http::Response::from_string(body).with_status_code(status);
        let mut headers = vec![
            ("Content-Type", "application/x-amz-json-1.1".to_owned()),
            ("x-amzn-RequestId", uuid()),
        ];
        if let Some(kind) = kind {
            // Some SDKs read the error type from this header rather than the body.
            headers.push(("x-amzn-ErrorType", kind.to_owned()));
        }
        for (name, value) in headers {
            if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
                response.add_header(header);
            }
        }
        // The client may have gone away; nothing to do then.
        let _ = request.respond(response);
    }

    fn route(&self, request: &mut tiny_http::Request) -> (u16, String, Option<&'static str>) {
        let url = request.url().to_owned();
        if *request.method() == tiny_http::Method::Get {
            let pool_id = url
                .strip_prefix('/')
                .and_then(|u| u.strip_suffix("/.well-known/jwks.json"));
            if pool_id.is_some_and(|id| self.state().pools.contains_key(id)) {
                return (200, self.signer.jwks().to_string(), None);
            }
            return error_response(&err("ResourceNotFoundException", "Not found"), 404);
        }
        if *request.method() != tiny_http::Method::Post {
            return error_response(
                &err(
                    "UnknownOperationException",
                    "only POST / and GET of a key set",
                ),
                400,
            );
        }
        let target = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Amz-Target"))
            .map(|h| h.value.as_str().to_owned())
            .unwrap_or_default();
        let Some(operation) = target.strip_prefix("AWSCognitoIdentityProviderService.") else {
            return error_response(
                &err(
                    "UnknownOperationException",
                    format!("Unknown target {target:?}"),
                ),
                400,
            );
        };
        let mut raw = Vec::new();
        let limit = MAX_BODY_BYTES as u64 + 1;
        if request
            .as_reader()
            .take(limit)
            .read_to_end(&mut raw)
            .is_err()
        {
            return error_response(
                &err("SerializationException", "could not read the request body"),
                400,
            );
        }
        if raw.len() > MAX_BODY_BYTES {
            return error_response(
                &err("InvalidParameterException", "request body too large"),
                413,
            );
        }
        let body: Value = match serde_json::from_slice(&raw) {
            Ok(v) => v,
            Err(e) => {
                return error_response(
                    &err("SerializationException", format!("malformed JSON: {e}")),
                    400,
                );
            }
        };
        let _permit = self.compute.acquire();
        match self.handle(operation, &body) {
            Ok(value) => (200, value.to_string(), None),
            Err(e) => error_response(&e, 400),
        }
    }
}

fn error_response(error: &ApiError, status: u16) -> (u16, String, Option<&'static str>) {
    (
        status,
        json!({ "__type": error.kind, "message": error.message }).to_string(),
        Some(error.kind),
    )
}
