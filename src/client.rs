//! The client's side of `USER_SRP_AUTH` (also `CUSTOM_AUTH` started with
//! `SRP_A`, and `USER_AUTH` with `PASSWORD_SRP`).

use zeroize::Zeroizing;

use crate::app_client::AppClient;
use crate::arith::U3072;
use crate::challenge::{PasswordVerifierChallenge, SrpParameters};
use crate::error::{Error, Field, Result};
use crate::hazmat::{UserSrpClientExt, UserSrpSignInExt};
use crate::pool::PoolId;
use crate::secret::Password;
use crate::srp::PrivateEphemeral;
use crate::srp::unwiped;
use crate::stack::wiped;
use crate::timestamp::Timestamp;
use crate::wire::{ParameterMap, encode_base64, hex_u3072, names};

/// Bytes of the client's private ephemeral `a`.
pub const PRIVATE_EPHEMERAL_BYTES: usize = 128;

/// A client's ephemeral key pair `(a, A = g^a)`, used for one challenge only.
pub(crate) struct Ephemeral {
    a: PrivateEphemeral,
    srp_a: U3072,
    srp_a_hex: String,
}

impl Ephemeral {
    /// A fresh `a` of 128 bytes from the operating system's generator.
    pub(crate) fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; PRIVATE_EPHEMERAL_BYTES]);
        getrandom::fill(&mut bytes[..]).map_err(|_| Error::Random)?;
        Self::from_bytes(&bytes[..])
    }

    /// A caller-given `a` of 1 to 128 big-endian bytes (for tests and known
    /// answers), as [`srp::private_ephemeral`](crate::srp::private_ephemeral) reads it.
    pub(crate) fn from_bytes(a: &[u8]) -> Result<Self> {
        let a = unwiped::private_ephemeral(a)?;
        let srp_a = unwiped::public_ephemeral(&a);
        // g^a mod N is never 0 for a prime N; the SDKs check it anyway.
        if srp_a == U3072::ZERO {
            return Err(Error::invalid(Field::SrpA, "A mod N is 0"));
        }
        Ok(Ephemeral {
            srp_a_hex: hex_u3072(&srp_a),
            a,
            srp_a,
        })
    }

    pub(crate) fn srp_a(&self) -> &str {
        &self.srp_a_hex
    }

    /// `USERNAME`, `SRP_A`, and `SECRET_HASH` and `DEVICE_KEY` when they apply:
    /// the parameters that open a sign-in or answer `DEVICE_SRP_AUTH`.
    pub(crate) fn srp_a_parameters(
        &self,
        username: &str,
        app: Option<&AppClient>,
        device_key: Option<&str>,
    ) -> ParameterMap {
        let mut map = ParameterMap::new();
        map.insert(names::USERNAME.into(), username.into());
        map.insert(names::SRP_A.into(), self.srp_a().into());
        insert_optional(&mut map, username, app, device_key);
        map
    }

    /// Steps 4 to 9 of docs/PROTOCOL.md: the raw `PASSWORD_CLAIM_SIGNATURE`. Consumes the
    /// ephemeral so that `a` answers one challenge only.
    pub(crate) fn sign(
        self,
        realm: &str,
        identity: &str,
        password: &[u8],
        challenge: &SrpParameters,
        timestamp: &Timestamp,
    ) -> Result<[u8; 32]> {
        let u = unwiped::compute_u(&self.srp_a, &challenge.srp_b);
        if u == [0; 32] {
            return Err(Error::invalid(Field::U, "u = H(pad(A) || pad(B)) is 0"));
        }
        let x = unwiped::compute_x(&challenge.salt, realm, identity, password);
        let s = unwiped::client_premaster_secret(&self.a, &challenge.srp_b, &x, &u);
        let key = unwiped::derive_key(&u, &s);
        Ok(unwiped::password_claim_signature(
            &key,
            realm,
            identity,
            challenge.secret_block.as_bytes(),
            timestamp.as_str(),
        ))
    }
}

/// The answer to a `PASSWORD_VERIFIER` or `DEVICE_PASSWORD_VERIFIER` challenge.
#[derive(Clone, Debug)]
pub struct PasswordClaim {
    signature: String,
    timestamp: Timestamp,
    responses: ParameterMap,
}

impl PasswordClaim {
    pub(crate) fn new(
        signature: &[u8; 32],
        timestamp: &Timestamp,
        username: &str,
        secret_block: &str,
        app: Option<&AppClient>,
        device_key: Option<&str>,
    ) -> Self {
        let signature = encode_base64(signature);
        let mut responses = ParameterMap::new();
        responses.insert(names::USERNAME.into(), username.into());
        responses.insert(
            names::PASSWORD_CLAIM_SECRET_BLOCK.into(),
            secret_block.into(),
        );
        responses.insert(names::TIMESTAMP.into(), timestamp.as_str().into());
        responses.insert(names::PASSWORD_CLAIM_SIGNATURE.into(), signature.clone());
        insert_optional(&mut responses, username, app, device_key);
        PasswordClaim {
            signature,
            timestamp: timestamp.clone(),
            responses,
        }
    }

    /// `PASSWORD_CLAIM_SIGNATURE`, base64.
    pub fn password_claim_signature(&self) -> &str {
        &self.signature
    }

    /// The `TIMESTAMP` that was signed.
    pub fn timestamp(&self) -> &Timestamp {
        &self.timestamp
    }

    /// The `ChallengeResponses` of `RespondToAuthChallenge`.
    pub fn challenge_responses(&self) -> &ParameterMap {
        &self.responses
    }

    /// The `ChallengeResponses`, by value.
    pub fn into_challenge_responses(self) -> ParameterMap {
        self.responses
    }
}

/// Adds `SECRET_HASH` (for `username`) and `DEVICE_KEY` when they apply.
fn insert_optional(
    map: &mut ParameterMap,
    username: &str,
    app: Option<&AppClient>,
    device_key: Option<&str>,
) {
    if let Some(hash) = app.and_then(|app| app.secret_hash(username)) {
        map.insert(names::SECRET_HASH.into(), hash);
    }
    if let Some(device_key) = device_key {
        map.insert(names::DEVICE_KEY.into(), device_key.into());
    }
}

/// A `USER_SRP_AUTH` client for one user pool.
///
/// ```
/// use cognito_srp::{PoolId, UserSrpClient};
/// let client = UserSrpClient::new(PoolId::parse("us-east-1_AbCdEf123")?);
/// let started = client.start("alice")?;
/// let parameters = started.auth_parameters();
/// assert_eq!(parameters["USERNAME"], "alice");
/// assert_eq!(parameters["SRP_A"], started.srp_a());
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct UserSrpClient {
    pool: PoolId,
    app: Option<AppClient>,
    device_key: Option<String>,
}

impl UserSrpClient {
    /// A client for the pool `pool`.
    pub fn new(pool: PoolId) -> Self {
        UserSrpClient {
            pool,
            app: None,
            device_key: None,
        }
    }

    /// Sends `SECRET_HASH` computed for this app client (when it has a secret).
    pub fn with_app_client(mut self, app: AppClient) -> Self {
        self.app = Some(app);
        self
    }

    /// Sends `DEVICE_KEY`, for a user with a remembered device.
    pub fn with_device_key(mut self, device_key: impl Into<String>) -> Self {
        self.device_key = Some(device_key.into());
        self
    }

    /// The pool.
    pub fn pool_id(&self) -> &PoolId {
        &self.pool
    }

    /// Starts a sign-in for `username` with a fresh 128-byte `a` from the OS generator.
    pub fn start(&self, username: &str) -> Result<UserSrpSignIn> {
        wiped(|| self.start_with(username, Ephemeral::generate()?))
    }

    fn start_with(&self, username: &str, ephemeral: Ephemeral) -> Result<UserSrpSignIn> {
        if username.is_empty() {
            return Err(Error::invalid(Field::Username, "empty"));
        }
        Ok(UserSrpSignIn {
            client: self.clone(),
            username: username.to_owned(),
            ephemeral,
        })
    }
}

/// A `USER_SRP_AUTH` sign-in in progress: it holds the secret `a` and answers
/// one `PASSWORD_VERIFIER` challenge, which consumes it.
///
/// `a` cannot answer two challenges:
/// ```compile_fail
/// use cognito_srp::{Password, PasswordVerifierChallenge, UserSrpSignIn};
/// fn answer_twice(started: UserSrpSignIn, challenge: &PasswordVerifierChallenge, password: &Password) {
///     let _ = started.respond(challenge, password);
///     let _ = started.respond(challenge, password); // error[E0382]: use of moved value
/// }
/// ```
pub struct UserSrpSignIn {
    client: UserSrpClient,
    username: String,
    ephemeral: Ephemeral,
}

/// `a` is a [`PrivateEphemeral`], which wipes itself on drop.
impl zeroize::ZeroizeOnDrop for Ephemeral {}
/// The ephemeral wipes itself on drop.
impl zeroize::ZeroizeOnDrop for UserSrpSignIn {}

impl core::fmt::Debug for UserSrpSignIn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UserSrpSignIn")
            .field("client", &self.client)
            .field("username", &self.username)
            .field("srp_a", &self.ephemeral.srp_a())
            .finish_non_exhaustive()
    }
}

impl UserSrpSignIn {
    /// `SRP_A = hex(g^a mod N)`.
    pub fn srp_a(&self) -> &str {
        self.ephemeral.srp_a()
    }

    /// The `AuthParameters` of `InitiateAuth`: `USERNAME`, `SRP_A`, and
    /// `SECRET_HASH` and `DEVICE_KEY` when they apply.
    pub fn auth_parameters(&self) -> ParameterMap {
        self.ephemeral.srp_a_parameters(
            &self.username,
            self.client.app.as_ref(),
            self.client.device_key.as_deref(),
        )
    }

    /// Answers the `PASSWORD_VERIFIER` challenge with `password`, signed now.
    pub fn respond(
        self,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
    ) -> Result<PasswordClaim> {
        self.respond_at(challenge, password, &Timestamp::now()?)
    }
}

impl UserSrpClientExt for UserSrpClient {
    fn start_with_private_ephemeral(&self, username: &str, a: &[u8]) -> Result<UserSrpSignIn> {
        wiped(|| self.start_with(username, Ephemeral::from_bytes(a)?))
    }
}

impl UserSrpSignInExt for UserSrpSignIn {
    fn respond_at(
        self,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
    ) -> Result<PasswordClaim> {
        let user_id = challenge.user_id_for_srp();
        let UserSrpSignIn {
            client, ephemeral, ..
        } = self;
        let signature = wiped(|| {
            ephemeral.sign(
                client.pool.pool_name(),
                user_id,
                password.expose_secret().as_bytes(),
                &challenge.srp,
                timestamp,
            )
        })?;
        Ok(PasswordClaim::new(
            &signature,
            timestamp,
            user_id,
            challenge.secret_block().as_str(),
            client.app.as_ref(),
            client.device_key.as_deref(),
        ))
    }
}
