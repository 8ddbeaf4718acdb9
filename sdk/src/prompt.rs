//! What the runner asks its caller: the answers only a person or an app can give.

use std::collections::HashMap;

use cognito_srp::Password;
use cognito_srp::signin::{MfaCode, MfaType, NewPasswordRequired};

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
}
