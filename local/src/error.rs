//! Errors as Cognito reports them: an exception name, a message and an HTTP
//! status, sent as `{"__type": name, "message": message}` with the
//! `x-amzn-ErrorType: <name>:` header.

use cognito_srp::{AuthFailure, Error};

/// An error in Cognito's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The exception name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// The message.
    pub message: String,
    /// The HTTP status: 400 for every client error, as real pools send,
    /// 500 for `InternalErrorException`, 413
    /// for a body over the limit.
    pub status: u16,
}

impl ApiError {
    /// An error named `kind`, with the status Cognito sends for it.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        let status = if kind == "InternalErrorException" {
            500
        } else {
            400
        };
        ApiError {
            kind,
            message: message.into(),
            status,
        }
    }

    /// The same error with another HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

/// Shorthand for [`ApiError::new`].
pub(crate) fn err(kind: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(kind, message)
}

/// `InvalidParameterException` with `message`.
pub(crate) fn invalid_parameter(message: impl Into<String>) -> ApiError {
    err("InvalidParameterException", message)
}

/// `NotAuthorizedException: Incorrect username or password.`, the one answer
/// to every failed sign-in step.
pub(crate) fn not_authorized() -> ApiError {
    err(
        "NotAuthorizedException",
        AuthFailure::SignatureMismatch.remote_message(),
    )
}

/// `ResourceNotFoundException` for a pool that does not exist.
pub(crate) fn no_such_pool(pool_id: &str) -> ApiError {
    err(
        "ResourceNotFoundException",
        format!("User pool {pool_id} does not exist."),
    )
}

/// `ResourceNotFoundException` for an app client that does not exist.
pub(crate) fn no_such_client(client_id: &str) -> ApiError {
    err(
        "ResourceNotFoundException",
        format!("User pool client {client_id} does not exist."),
    )
}

/// `ResourceNotFoundException: Device does not exist.`
pub(crate) fn no_such_device() -> ApiError {
    err("ResourceNotFoundException", "Device does not exist.")
}

/// `NotAuthorizedException: User is disabled.`
pub(crate) fn user_disabled() -> ApiError {
    err("NotAuthorizedException", "User is disabled.")
}

/// `UserNotFoundException: User does not exist.`
pub(crate) fn no_such_user() -> ApiError {
    err("UserNotFoundException", "User does not exist.")
}

/// A crate error as Cognito reports it: refusals all look alike to the caller.
pub(crate) fn from_srp(error: Error) -> ApiError {
    match error {
        Error::NotAuthorized(_) => not_authorized(),
        other => invalid_parameter(other.to_string()),
    }
}

/// What an operation answers.
pub(crate) type ApiResult = Result<serde_json::Value, ApiError>;

/// `AliasExistsException` for `attribute` taken by another user.
pub(crate) fn alias_exists(attribute: &str) -> ApiError {
    err(
        "AliasExistsException",
        format!("An account with the given {attribute} already exists."),
    )
}
