//! Sign-ins in progress: how each started, which of its later steps it has
//! done, and the `PASSWORD_VERIFIER` challenges waiting for their answer.

use cognito_srp::ServerSession;

/// How a sign-in started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// `USER_SRP_AUTH`.
    UserSrp,
    /// `USER_AUTH` with the `PASSWORD_SRP` choice.
    UserAuth,
    /// `CUSTOM_AUTH` started with `SRP_A`.
    CustomSrp,
    /// `CUSTOM_AUTH` without `SRP_A`, driven by the pool's challenge
    /// triggers from its first step.
    Custom,
    /// A password flow: `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`
    /// (`ADMIN_NO_SRP_AUTH`), or `USER_AUTH` with the `PASSWORD` factor.
    Password,
}

/// A sign-in past its first step: who, how it started, and which of the
/// later steps it has done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignInProgress {
    pub flow: Flow,
    pub sub: String,
    /// The `DEVICE_KEY` the client announced, if any.
    pub device_key: Option<String>,
    pub new_password_done: bool,
    pub device_done: bool,
    pub mfa_done: bool,
    pub custom_done: bool,
    /// The one-time code the answer must give (`EMAIL_OTP`, `SMS_OTP`,
    /// `SMS_MFA`).
    pub code: Option<String>,
    /// The TOTP secret being set up in `MFA_SETUP`, and the step of the
    /// code that verified it.
    pub totp_setup: Option<TotpSetup>,
    /// The challenges of a trigger-driven `CUSTOM_AUTH` so far, as
    /// `DefineAuthChallenge` sees them.
    pub custom_session: Vec<CustomStep>,
    /// The `CUSTOM_CHALLENGE` in flight of a trigger-driven `CUSTOM_AUTH`.
    pub custom_challenge: Option<IssuedCustomChallenge>,
    /// The name as typed, when no user has it (a sign-in under
    /// `PreventUserExistenceErrors` that can never succeed; `sub` is then
    /// the decoy's id).
    pub unknown_username: Option<String>,
}

/// One challenge of a trigger-driven `CUSTOM_AUTH` and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CustomStep {
    pub challenge_name: String,
    pub challenge_result: bool,
    /// `challengeMetadata` from `CreateAuthChallenge` (custom challenges only).
    pub challenge_metadata: Option<String>,
}

/// A `CUSTOM_CHALLENGE` that `CreateAuthChallenge` made: what only the
/// verifying function sees, and its metadata.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct IssuedCustomChallenge {
    pub private_parameters: serde_json::Map<String, serde_json::Value>,
    pub metadata: Option<String>,
}

impl std::fmt::Debug for IssuedCustomChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private parameters usually hold the answer.
        f.debug_struct("IssuedCustomChallenge")
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// A TOTP secret drawn by `AssociateSoftwareToken` in `MFA_SETUP`; its
/// `Debug` leaves the secret out.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TotpSetup {
    pub secret: zeroize::Zeroizing<Vec<u8>>,
    /// The step of the code `VerifySoftwareToken` accepted.
    pub verified_step: Option<u64>,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpSetup")
            .field("verified_step", &self.verified_step)
            .finish_non_exhaustive()
    }
}

impl SignInProgress {
    /// A sign-in of `sub` that has just started.
    pub(crate) fn new(flow: Flow, sub: &str, device_key: Option<String>) -> Self {
        SignInProgress {
            flow,
            sub: sub.to_owned(),
            device_key,
            new_password_done: false,
            device_done: false,
            mfa_done: false,
            custom_done: false,
            code: None,
            totp_setup: None,
            custom_session: Vec::new(),
            custom_challenge: None,
            unknown_username: None,
        }
    }
}

/// A `PASSWORD_VERIFIER` or `DEVICE_PASSWORD_VERIFIER` challenge in flight,
/// found by its `SECRET_BLOCK`.
pub(crate) struct Pending {
    pub client_id: String,
    pub session: ServerSession,
    /// Where the sign-in goes once this step is answered.
    pub progress: SignInProgress,
    /// The `Session` the challenge carried, if any: an answer that sends a
    /// `Session` must send this one (pycognito sends none).
    pub issued_session: Option<String>,
}
