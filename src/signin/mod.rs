//! A whole sign-in, without I/O: the driver says what to send next and takes
//! what came back, until it holds the tokens.
//!
//! Every [`Flow`] of the `AuthFlow`s a client starts: `USER_SRP_AUTH`, the
//! password flows `USER_PASSWORD_AUTH` and `ADMIN_USER_PASSWORD_AUTH` (which
//! send the password itself to the service), `USER_AUTH` with a preferred
//! first factor or the choice left to the caller, and `CUSTOM_AUTH`.
//!
//! The driver answers `PASSWORD_VERIFIER`, `DEVICE_SRP_AUTH` and
//! `DEVICE_PASSWORD_VERIFIER` itself, makes the `AssociateSoftwareToken` and
//! `VerifySoftwareToken` calls of `MFA_SETUP`, and stops with a typed
//! [`Prompt`] for what only a person or an app can give
//! (`NEW_PASSWORD_REQUIRED`, `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`,
//! `SMS_OTP`, `SELECT_MFA_TYPE`, `SELECT_CHALLENGE`, `WEB_AUTHN`,
//! `CUSTOM_CHALLENGE`, and `MFA_SETUP`'s TOTP code). It carries `Session`,
//! the real username (`USER_ID_FOR_SRP`) and `SECRET_HASH` from step to step,
//! and when the result carries `NewDeviceMetadata` it hands back the device
//! credentials to keep and the `ConfirmDevice` input.
//!
//! Each [`Step`] and each [`Prompt`] is a value that its answer consumes, so a
//! step cannot be answered twice; a reply that the protocol does not allow
//! where it comes is a typed [`Error`], and ends the sign-in.
//!
//! After the sign-in, [`SignedIn::keep`] gives the [`KeptSignIn`] to store
//! between runs (the real username, the refresh token, the remembered device
//! and the last tokens with their expiry). [`KeptSignIn::refresh`] builds the
//! refresh (`REFRESH_TOKEN_AUTH`, or `GetTokensFromRefreshToken` where the app
//! client rotates refresh tokens) and reads its reply into the `KeptSignIn`
//! to store next; [`KeptSignIn::revoke_token`], [`KeptSignIn::global_sign_out`]
//! and [`KeptSignIn::admin_user_global_sign_out`] end it. These are
//! [`TokenRequest`]s, sent as the sign-in's requests are.
//!
//! The loop, with the client's I/O in `send` (here a local [`SrpServer`](crate::SrpServer)
//! stands in for Cognito):
//!
//! ```
//! use cognito_srp::signin::{Next, Prompt, Reply, Request, SignIn};
//! use cognito_srp::{AppClient, Password, PoolId};
//! # use cognito_srp::signin::{AuthenticationResult, Call};
//! # use cognito_srp::{SrpServer, StoredVerifier};
//! # let pool = PoolId::parse("us-east-1_AbCdEf123")?;
//! # let stored = StoredVerifier::register_user(&pool, "alice", &Password::new("hunter2"))?;
//! # let mut session = None;
//! # let mut send = |request: &Request| -> Result<Reply, cognito_srp::Error> {
//! #     Ok(match request.call() {
//! #         Call::Initiate { auth_parameters, .. } => {
//! #             let s = SrpServer::new().start_user(&pool, "alice", &stored, &auth_parameters["SRP_A"])?;
//! #             let reply = Reply::challenge("PASSWORD_VERIFIER", s.challenge_parameters(), None);
//! #             session = Some(s);
//! #             reply
//! #         }
//! #         Call::Respond { challenge_responses, .. } => {
//! #             session.take().unwrap().verify(challenge_responses)?;
//! #             Reply::authenticated(AuthenticationResult { access_token: Some("eyJ...".into()), ..Default::default() })
//! #         }
//! #         _ => unreachable!(),
//! #     })
//! # };
//!
//! let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
//! let mut step = signin.start(Password::new("hunter2"))?;
//! let signed_in = loop {
//!     let reply = send(step.request())?;
//!     match step.receive(reply)? {
//!         Next::Send(next) => step = next,
//!         Next::Prompt(Prompt::SoftwareTokenMfa(prompt)) => step = prompt.answer("123456")?,
//!         Next::Prompt(other) => panic!("not handled here: {other:?}"),
//!         Next::SignedIn(signed_in) => break signed_in,
//!     }
//! };
//! assert_eq!(signed_in.access_token(), "eyJ...");
//! # Ok::<(), cognito_srp::Error>(())
//! ```

mod driver;
mod first_factor;
mod keep;
#[cfg(feature = "serde")]
mod keep_serde;
mod parameter_json;
mod prompt;
mod refresh;
#[cfg(test)]
mod refresh_tests;
mod reply;
mod request;
mod signed_in;

impl SignInExt for SignIn {
    fn start_with_private_ephemeral(self, password: Password, a: &[u8]) -> Result<Step> {
        Step::start(self, Some(password), Some(a))
    }
}

mod body_json;
#[cfg(test)]
mod tests;
mod token;
mod token_request;

use crate::app_client::AppClient;
use crate::device::DeviceCredentials;
use crate::error::{Error, Field, Result};
use crate::hazmat::SignInExt;
use crate::pool::PoolId;
use crate::secret::Password;

pub use driver::{Next, Step};
pub use first_factor::FirstFactor;
pub use keep::KeptSignIn;
pub use prompt::{
    Answered, CustomChallenge, MfaCode, MfaSetup, MfaType, NewPasswordRequired, Prompt, Rejected,
    SelectChallenge, SelectMfaType, WebAuthn,
};
pub use refresh::{Refresh, RefreshWith, Refreshed};
pub use reply::{AuthenticationResult, NewDeviceMetadata, Reply};
pub use request::{Call, Operation, Request};
pub use signed_in::{ConfirmDevice, NewDevice, SignedIn};
pub use token::{AccessToken, IdToken, RefreshToken};
pub use token_request::{REFRESH_TOKEN_AUTH, TokenRequest};

/// Which operation opens the sign-in.
///
/// ```
/// use cognito_srp::signin::Entry;
/// assert_eq!(Entry::AdminInitiateAuth.operation().name(), "AdminInitiateAuth");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Entry {
    /// `InitiateAuth` then `RespondToAuthChallenge` (unsigned).
    #[default]
    InitiateAuth,
    /// `AdminInitiateAuth` then `AdminRespondToAuthChallenge` (SigV4, with `UserPoolId`).
    AdminInitiateAuth,
}

impl Entry {
    /// The operation that opens the sign-in.
    pub const fn operation(self) -> Operation {
        match self {
            Entry::InitiateAuth => Operation::InitiateAuth,
            Entry::AdminInitiateAuth => Operation::AdminInitiateAuth,
        }
    }

    /// The operation that answers a challenge.
    pub const fn respond_operation(self) -> Operation {
        match self {
            Entry::InitiateAuth => Operation::RespondToAuthChallenge,
            Entry::AdminInitiateAuth => Operation::AdminRespondToAuthChallenge,
        }
    }
}

/// The `AuthFlow`, and what its first request carries.
///
/// The password flows ([`Flow::UserPasswordAuth`], [`Flow::AdminUserPasswordAuth`],
/// [`Flow::UserAuthPassword`], and [`FirstFactor::Password`] chosen at
/// `SELECT_CHALLENGE`) **send the password itself to the service**, in the
/// request's `PASSWORD`; every other flow proves it by SRP and never sends it.
///
/// ```
/// use cognito_srp::signin::{FirstFactor, Flow};
/// assert_eq!(Flow::UserAuth.auth_flow(), "USER_AUTH");
/// assert_eq!(Flow::CustomAuthSrp.auth_flow(), "CUSTOM_AUTH");
/// assert_eq!(Flow::AdminUserPasswordAuth.auth_flow(), "ADMIN_USER_PASSWORD_AUTH");
/// assert_eq!(Flow::UserAuthEmailOtp.preferred_challenge(), Some(FirstFactor::EmailOtp));
/// assert!(Flow::UserPasswordAuth.sends_password() && !Flow::UserSrpAuth.sends_password());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Flow {
    /// `USER_SRP_AUTH`: `SRP_A` at once, `PASSWORD_VERIFIER` next.
    #[default]
    UserSrpAuth,
    /// `USER_PASSWORD_AUTH` through `InitiateAuth`: `USERNAME` and `PASSWORD`
    /// at once (the password goes to the service).
    UserPasswordAuth,
    /// `ADMIN_USER_PASSWORD_AUTH` through `AdminInitiateAuth` (formerly
    /// `ADMIN_NO_SRP_AUTH`): `USERNAME` and `PASSWORD` at once (the password
    /// goes to the service).
    AdminUserPasswordAuth,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE=PASSWORD_SRP` and `SRP_A`.
    UserAuthPasswordSrp,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE=PASSWORD` and `PASSWORD` (the
    /// password goes to the service).
    UserAuthPassword,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE=EMAIL_OTP`: the pool emails a
    /// code, asked by [`Prompt::EmailOtp`].
    UserAuthEmailOtp,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE=SMS_OTP`: the pool texts a code,
    /// asked by [`Prompt::SmsOtp`].
    UserAuthSmsOtp,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE=WEB_AUTHN`: a passkey, asked by
    /// [`Prompt::WebAuthn`].
    UserAuthWebAuthn,
    /// `USER_AUTH` without a preference: the pool answers `SELECT_CHALLENGE`
    /// and [`Prompt::SelectChallenge`] leaves the choice to the caller.
    UserAuth,
    /// `CUSTOM_AUTH` started with `CHALLENGE_NAME=SRP_A` and `SRP_A`; the pool's
    /// Lambdas may then ask `CUSTOM_CHALLENGE`s.
    CustomAuthSrp,
}

impl Flow {
    /// The `AuthFlow` value.
    pub const fn auth_flow(self) -> &'static str {
        match self {
            Flow::UserSrpAuth => "USER_SRP_AUTH",
            Flow::UserPasswordAuth => "USER_PASSWORD_AUTH",
            Flow::AdminUserPasswordAuth => "ADMIN_USER_PASSWORD_AUTH",
            Flow::UserAuthPasswordSrp
            | Flow::UserAuthPassword
            | Flow::UserAuthEmailOtp
            | Flow::UserAuthSmsOtp
            | Flow::UserAuthWebAuthn
            | Flow::UserAuth => "USER_AUTH",
            Flow::CustomAuthSrp => "CUSTOM_AUTH",
        }
    }

    /// `PREFERRED_CHALLENGE` of a `USER_AUTH` flow that names one.
    pub const fn preferred_challenge(self) -> Option<FirstFactor> {
        match self {
            Flow::UserAuthPasswordSrp => Some(FirstFactor::PasswordSrp),
            Flow::UserAuthPassword => Some(FirstFactor::Password),
            Flow::UserAuthEmailOtp => Some(FirstFactor::EmailOtp),
            Flow::UserAuthSmsOtp => Some(FirstFactor::SmsOtp),
            Flow::UserAuthWebAuthn => Some(FirstFactor::WebAuthn),
            _ => None,
        }
    }

    /// Whether the first request carries the password itself.
    pub const fn sends_password(self) -> bool {
        matches!(
            self,
            Flow::UserPasswordAuth | Flow::AdminUserPasswordAuth | Flow::UserAuthPassword
        )
    }

    /// Whether the flow cannot start without the password (every flow but the
    /// passwordless `USER_AUTH` ones and `USER_AUTH` without a preference).
    pub const fn needs_password(self) -> bool {
        !matches!(
            self,
            Flow::UserAuthEmailOtp | Flow::UserAuthSmsOtp | Flow::UserAuthWebAuthn | Flow::UserAuth
        )
    }

    /// The entry this flow must go through, if only one allows it:
    /// `ADMIN_USER_PASSWORD_AUTH` is refused by `InitiateAuth`, and
    /// `USER_PASSWORD_AUTH` by `AdminInitiateAuth` (`Initiate Auth method not supported.`).
    pub const fn required_entry(self) -> Option<Entry> {
        match self {
            Flow::UserPasswordAuth => Some(Entry::InitiateAuth),
            Flow::AdminUserPasswordAuth => Some(Entry::AdminInitiateAuth),
            _ => None,
        }
    }

    const fn is_user_auth(self) -> bool {
        matches!(
            self,
            Flow::UserAuthPasswordSrp
                | Flow::UserAuthPassword
                | Flow::UserAuthEmailOtp
                | Flow::UserAuthSmsOtp
                | Flow::UserAuthWebAuthn
                | Flow::UserAuth
        )
    }

    /// Whether the flow starts SRP at once (sends `SRP_A` in the first request).
    const fn srp_at_once(self) -> bool {
        matches!(
            self,
            Flow::UserSrpAuth | Flow::UserAuthPasswordSrp | Flow::CustomAuthSrp
        )
    }
}

/// A sign-in's settings: pool, app client, username, entry, flow and the
/// remembered device. It holds no password, so it can be cloned to start over
/// (for instance without the device, after `Device does not exist.`).
///
/// ```
/// use cognito_srp::signin::{Entry, Flow, SignIn};
/// use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, DevicePassword, PoolId};
/// let app = AppClient::with_secret("client-id", ClientSecret::new("client-secret"))?;
/// let device = DeviceCredentials::new("-abcDEF12", "us-east-1_0f4c2f0e", DevicePassword::new("stored"))?;
/// let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, app, "alice@example.com")?
///     .with_entry(Entry::AdminInitiateAuth)
///     .with_flow(Flow::UserAuthPasswordSrp)
///     .with_device(device);
/// assert_eq!(signin.username(), "alice@example.com");
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SignIn {
    pool: PoolId,
    app: AppClient,
    username: String,
    entry: Entry,
    flow: Flow,
    device: Option<DeviceCredentials>,
    device_name: Option<String>,
}

impl SignIn {
    /// A `USER_SRP_AUTH` sign-in through `InitiateAuth` for `username` (the
    /// name, alias, email or phone number the user types).
    pub fn new(pool: PoolId, app: AppClient, username: impl Into<String>) -> Result<Self> {
        let username = username.into();
        if username.is_empty() {
            return Err(Error::invalid(Field::Username, "empty"));
        }
        Ok(SignIn {
            pool,
            app,
            username,
            entry: Entry::default(),
            flow: Flow::default(),
            device: None,
            device_name: None,
        })
    }

    /// Opens with `entry` (default [`Entry::InitiateAuth`]).
    pub fn with_entry(mut self, entry: Entry) -> Self {
        self.entry = entry;
        self
    }

    /// Signs in with `flow` (default [`Flow::UserSrpAuth`]).
    pub fn with_flow(mut self, flow: Flow) -> Self {
        self.flow = flow;
        self
    }

    /// Signs in with a remembered device: `DEVICE_KEY` goes with the SRP start
    /// and every answer, and the driver answers `DEVICE_SRP_AUTH`.
    pub fn with_device(mut self, device: DeviceCredentials) -> Self {
        self.device = Some(device);
        self
    }

    /// Forgets the remembered device: for the retry that Cognito clients make
    /// when the pool answers `ResourceNotFoundException` (`Device does not exist.`).
    ///
    /// ```
    /// # use cognito_srp::signin::SignIn;
    /// # use cognito_srp::{AppClient, DeviceCredentials, DevicePassword, PoolId};
    /// # let device = DeviceCredentials::new("-abcDEF12", "us-east-1_0f4c2f0e", DevicePassword::new("stored"))?;
    /// let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?
    ///     .with_device(device);
    /// let retry = signin.clone().without_device();
    /// assert!(signin.device().is_some() && retry.device().is_none());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn without_device(mut self) -> Self {
        self.device = None;
        self
    }

    /// The `DeviceName` of the [`ConfirmDevice`] input, if a new device comes back.
    pub fn with_device_name(mut self, device_name: impl Into<String>) -> Self {
        self.device_name = Some(device_name.into());
        self
    }

    /// The user pool.
    pub fn pool_id(&self) -> &PoolId {
        &self.pool
    }

    /// The app client.
    pub fn app_client(&self) -> &AppClient {
        &self.app
    }

    /// The username as typed.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The entry.
    pub fn entry(&self) -> Entry {
        self.entry
    }

    /// The flow.
    pub fn flow(&self) -> Flow {
        self.flow
    }

    /// The remembered device, if any.
    pub fn device(&self) -> Option<&DeviceCredentials> {
        self.device.as_ref()
    }

    /// Starts the sign-in with a fresh 128-byte `a` from the OS generator: the
    /// first [`Step`] holds the `InitiateAuth` request.
    ///
    /// The password is moved in: the driver keeps it only until it signs
    /// `PASSWORD_VERIFIER` or puts it in a `PASSWORD` (the password flows),
    /// then wipes it (or when the sign-in is dropped). A request that carries
    /// `PASSWORD` wipes it when the step is answered or dropped.
    ///
    /// An `AuthFlow` that only one entry allows ([`Flow::required_entry`])
    /// through the other is refused here, as the service would refuse it.
    pub fn start(self, password: Password) -> Result<Step> {
        Step::start(self, Some(password), None)
    }

    /// Starts a flow that needs no password: the passwordless `USER_AUTH`
    /// flows ([`Flow::UserAuthEmailOtp`], [`Flow::UserAuthSmsOtp`],
    /// [`Flow::UserAuthWebAuthn`]) and [`Flow::UserAuth`], where a password
    /// factor chosen later comes with [`SelectChallenge::answer_with_password`].
    ///
    /// ```
    /// use cognito_srp::signin::{Flow, SignIn};
    /// use cognito_srp::{AppClient, Error, PoolId};
    /// let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
    /// let step = signin.clone().with_flow(Flow::UserAuthEmailOtp).start_without_password()?;
    /// assert!(!step.request().to_json().contains("SRP_A"));
    /// assert!(matches!(signin.start_without_password(), Err(Error::Missing { .. })));
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn start_without_password(self) -> Result<Step> {
        Step::start(self, None, None)
    }
}
