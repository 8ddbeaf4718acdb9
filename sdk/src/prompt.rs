//! What the runner asks its caller: the answers only a person or an app can give.

use std::collections::HashMap;

use cognito_srp::Password;
use cognito_srp::signin::{FirstFactor, MfaCode, MfaType, NewPasswordRequired};

use crate::error::PromptError;

/// Answers the challenges the driver cannot answer itself.
///
/// The runner calls one method per such challenge, between two requests, and
/// sends the answer on. Every method has a default that refuses with
/// [`PromptError::Unanswerable`], so an implementation provides only the
/// answers it can give. The methods are synchronous: a terminal prompt blocks
/// the task that runs the sign-in, which is what a command-line program wants.
///
/// ```
/// use cognito_srp::signin::MfaCode;
/// use cognito_srp_sdk::{PromptError, Prompter};
///
/// /// A script's prompter: knows one TOTP code, nothing else.
/// struct Code(String);
///
/// impl Prompter for Code {
///     fn mfa_code(&mut self, _challenge: &MfaCode) -> Result<String, PromptError> {
///         Ok(self.0.clone())
///     }
/// }
/// ```
pub trait Prompter {
    /// `NEW_PASSWORD_REQUIRED` (a first sign-in with a temporary password):
    /// the new password, and a value for each of
    /// `challenge.required_attributes()` that has none yet.
    fn new_password(
        &mut self,
        challenge: &NewPasswordRequired,
    ) -> Result<(Password, HashMap<String, String>), PromptError> {
        let _ = challenge;
        Err(PromptError::Unanswerable(
            "NEW_PASSWORD_REQUIRED: a new password is needed".into(),
        ))
    }

    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`: the code
    /// (`challenge.challenge_name()` says which).
    fn mfa_code(&mut self, challenge: &MfaCode) -> Result<String, PromptError> {
        Err(PromptError::Unanswerable(format!(
            "{}: a code is needed",
            challenge.challenge_name()
        )))
    }

    /// `SELECT_MFA_TYPE`: one of `choices`.
    fn select_mfa_type(&mut self, choices: &[MfaType]) -> Result<MfaType, PromptError> {
        let _ = choices;
        Err(PromptError::Unanswerable(
            "SELECT_MFA_TYPE: a choice of MFA type is needed".into(),
        ))
    }

    /// `CUSTOM_CHALLENGE`: the `ANSWER` to the challenge's `parameters`.
    fn custom_challenge(
        &mut self,
        parameters: &HashMap<String, String>,
    ) -> Result<String, PromptError> {
        let _ = parameters;
        Err(PromptError::Unanswerable(
            "CUSTOM_CHALLENGE: an answer is needed".into(),
        ))
    }

    /// `MFA_SETUP` with a software token: the person adds `secret_code` (base32)
    /// to an authenticator app; return the app's first code.
    fn software_token_setup(&mut self, secret_code: &str) -> Result<String, PromptError> {
        let _ = secret_code;
        Err(PromptError::Unanswerable(
            "MFA_SETUP: a code from a newly set-up authenticator app is needed".into(),
        ))
    }

    /// `MFA_SETUP` with a software token, with the secret also as an
    /// `otpauth://totp/...` URI (for a QR code an authenticator app scans):
    /// return the app's first code. The default calls
    /// [`Prompter::software_token_setup`] with the secret alone.
    fn software_token_setup_uri(
        &mut self,
        secret_code: &str,
        otpauth_uri: &str,
    ) -> Result<String, PromptError> {
        let _ = otpauth_uri;
        self.software_token_setup(secret_code)
    }

    /// `SELECT_CHALLENGE` (`USER_AUTH` without a preferred first factor): one
    /// of `available`. The default takes `PASSWORD_SRP` when offered (the
    /// password never leaves the machine), and refuses otherwise.
    ///
    /// Choosing `PASSWORD` sends the password itself to the service.
    fn select_challenge(&mut self, available: &[FirstFactor]) -> Result<FirstFactor, PromptError> {
        if available.contains(&FirstFactor::PasswordSrp) {
            return Ok(FirstFactor::PasswordSrp);
        }
        Err(PromptError::Unanswerable(format!(
            "SELECT_CHALLENGE: a choice among {available:?} is needed"
        )))
    }

    /// The password, when a sign-in started without one
    /// ([`Runner::sign_in_without_password`](crate::Runner::sign_in_without_password))
    /// chose a password factor at `SELECT_CHALLENGE`.
    fn password(&mut self) -> Result<Password, PromptError> {
        Err(PromptError::Unanswerable(
            "SELECT_CHALLENGE: a password factor was chosen, the password is needed".into(),
        ))
    }

    /// `WEB_AUTHN`: hand `credential_request_options` (the WebAuthn
    /// `PublicKeyCredentialRequestOptions`, as JSON) to an authenticator or a
    /// browser's `navigator.credentials.get`, and return the credential it
    /// gives, as JSON (`AuthenticationResponseJSON`).
    fn web_authn(&mut self, credential_request_options: &str) -> Result<String, PromptError> {
        let _ = credential_request_options;
        Err(PromptError::Unanswerable(
            "WEB_AUTHN: a passkey credential is needed".into(),
        ))
    }
}
