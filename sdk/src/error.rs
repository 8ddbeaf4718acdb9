//! What can go wrong while running a sign-in, sorted by who has to act.

use core::fmt;

use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// An error answered by Cognito: its code (the `__type` of the reply, as the
/// SDK gives it) and message, and the operation that got it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceError {
    /// The operation that was refused, e.g. `RespondToAuthChallenge`.
    pub operation: &'static str,
    /// The error's code, e.g. `NotAuthorizedException`.
    pub code: String,
    /// The error's message, e.g. `Incorrect username or password.`
    pub message: String,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.operation, self.code, self.message)
    }
}

/// Why a sign-in (or a refresh, revocation or sign-out) did not finish.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Cognito refused the sign-in: a wrong password or code, an unknown or
    /// unconfirmed user, a new password that breaks the policy, an expired
    /// session, a refused refresh token... Asking the person again may help;
    /// retrying as is will not.
    Refused(ServiceError),
    /// Cognito answered with an error that is not about the person signing in
    /// (throttling, a missing pool or app client, a flow the app client does
    /// not allow, an internal error...).
    Service(ServiceError),
    /// No usable answer came back: the request could not be built or sent, it
    /// timed out, or the response could not be read.
    Network(String),
    /// A reply broke the protocol (an unexpected challenge, a missing or
    /// malformed parameter), or an input was invalid; the driver names it.
    Driver(cognito_srp::Error),
    /// The driver refused an answer of the caller's [`Prompter`](crate::Prompter)
    /// before sending it (a code that is not digits, a required attribute
    /// left out, an MFA type not offered...).
    InvalidAnswer(cognito_srp::Error),
    /// The caller's [`Prompter`](crate::Prompter) gave no answer.
    Prompt(PromptError),
}

impl Error {
    /// Whether Cognito refused the sign-in itself (see [`Error::Refused`]).
    pub fn is_refused(&self) -> bool {
        matches!(self, Error::Refused(_))
    }

    /// Why Cognito refused a refresh token (revoked, expired, invalid,
    /// reused), when that is what this error says: only a new sign-in helps.
    ///
    /// ```
    /// use cognito_srp::TokenRefusal;
    /// use cognito_srp_sdk::{Error, ServiceError};
    /// let error = Error::Refused(ServiceError {
    ///     operation: "InitiateAuth",
    ///     code: "NotAuthorizedException".into(),
    ///     message: "Refresh Token has been revoked".into(),
    /// });
    /// assert_eq!(error.token_refusal(), Some(TokenRefusal::Revoked));
    /// ```
    pub fn token_refusal(&self) -> Option<cognito_srp::TokenRefusal> {
        self.service_error()
            .and_then(|e| cognito_srp::TokenRefusal::from_service_error(&e.code, &e.message))
    }

    /// The service error, for [`Error::Refused`] and [`Error::Service`].
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Refused(e) | Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Maps an SDK error of `operation`: an error answered by Cognito becomes
    /// [`Error::Refused`] or [`Error::Service`] by its code; every other kind
    /// (construction, dispatch, timeout, unreadable response) is [`Error::Network`].
    pub fn from_sdk<E, R>(operation: &'static str, error: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug + 'static,
    {
        match error {
            SdkError::ServiceError(context) => {
                let service = context.err();
                let code = service.code().unwrap_or("UnknownError").to_owned();
                let error = ServiceError {
                    operation,
                    message: service.message().unwrap_or_default().to_owned(),
                    code,
                };
                if is_refusal(&error.code) {
                    Error::Refused(error)
                } else {
                    Error::Service(error)
                }
            }
            other => Error::Network(format!("{operation}: {}", DisplayErrorContext(&other))),
        }
    }
}

/// The codes that refuse the person rather than the request: the ones a
/// sign-in gets for a wrong secret, an unknown or blocked user, or an answer
/// that came too late (the errors Cognito declares for the sign-in and
/// software-token operations), and a rotated-out refresh token.
fn is_refusal(code: &str) -> bool {
    matches!(
        code,
        "NotAuthorizedException"
            | "UserNotFoundException"
            | "UserNotConfirmedException"
            | "PasswordResetRequiredException"
            | "CodeMismatchException"
            | "ExpiredCodeException"
            | "InvalidPasswordException"
            | "PasswordHistoryPolicyViolationException"
            | "TooManyFailedAttemptsException"
            | "MFAMethodNotFoundException"
            | "SoftwareTokenMFANotFoundException"
            | "EnableSoftwareTokenMFAException"
            | "RefreshTokenReuseException"
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused(e) => write!(f, "sign-in refused: {e}"),
            Error::Service(e) => write!(f, "service error: {e}"),
            Error::Network(e) => write!(f, "network error: {e}"),
            Error::Driver(e) => write!(f, "sign-in protocol error: {e}"),
            Error::InvalidAnswer(e) => write!(f, "invalid answer: {e}"),
            Error::Prompt(e) => write!(f, "no answer to the prompt: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Driver(e) | Error::InvalidAnswer(e) => Some(e),
            Error::Prompt(e) => Some(e),
            _ => None,
        }
    }
}

impl From<cognito_srp::Error> for Error {
    fn from(error: cognito_srp::Error) -> Self {
        Error::Driver(error)
    }
}

impl From<PromptError> for Error {
    fn from(error: PromptError) -> Self {
        Error::Prompt(error)
    }
}

/// A [`Prompter`](crate::Prompter) that could not or would not answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum PromptError {
    /// The challenge needs an answer this prompter cannot give (e.g. a script
    /// that was given no MFA code); the text says what to provide.
    Unanswerable(String),
    /// Reading the answer failed (a closed terminal or standard input).
    Io(std::io::Error),
}

impl fmt::Display for PromptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromptError::Unanswerable(what) => f.write_str(what),
            PromptError::Io(e) => write!(f, "reading the answer failed: {e}"),
        }
    }
}

impl std::error::Error for PromptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PromptError::Io(e) => Some(e),
            PromptError::Unanswerable(_) => None,
        }
    }
}

impl From<std::io::Error> for PromptError {
    fn from(error: std::io::Error) -> Self {
        PromptError::Io(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_secrets_and_unknown_users_are_refusals() {
        for code in [
            "NotAuthorizedException",
            "UserNotFoundException",
            "CodeMismatchException",
            "ExpiredCodeException",
            "InvalidPasswordException",
        ] {
            assert!(is_refusal(code), "{code}");
        }
    }

    #[test]
    fn faults_of_the_request_or_service_are_not_refusals() {
        for code in [
            "InvalidParameterException",
            "ResourceNotFoundException",
            "TooManyRequestsException",
            "InternalErrorException",
            "LimitExceededException",
            "UnknownError",
        ] {
            assert!(!is_refusal(code), "{code}");
        }
    }
}
