//! The crate's one error type.

use core::fmt;

/// A protocol field, named as it travels on the wire (or as docs/PROTOCOL.md names it).
///
/// Every [`Error`] names the field it is about, so a caller can tell a
/// malformed `SRP_B` from a malformed `SALT` without parsing messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A user pool id, `<region>_<name>`.
    PoolId,
    /// `USERNAME`, the name a user signs in with.
    Username,
    /// `USER_ID_FOR_SRP`, the user's internal name that the claim is bound to.
    UserIdForSrp,
    /// `SRP_A`, the client's public ephemeral.
    SrpA,
    /// `SRP_B`, the server's public ephemeral.
    SrpB,
    /// `SALT`.
    Salt,
    /// `SECRET_BLOCK` (or `PASSWORD_CLAIM_SECRET_BLOCK` in a response).
    SecretBlock,
    /// `TIMESTAMP`.
    Timestamp,
    /// `PASSWORD_CLAIM_SIGNATURE`.
    PasswordClaimSignature,
    /// `ChallengeName`.
    ChallengeName,
    /// `DEVICE_KEY`.
    DeviceKey,
    /// The device group key (`DeviceGroupKey` of `NewDeviceMetadata`).
    DeviceGroupKey,
    /// The device password chosen at `ConfirmDevice`.
    DevicePassword,
    /// `PasswordVerifier` of a `DeviceSecretVerifierConfig`, or a stored verifier.
    PasswordVerifier,
    /// The app client id.
    ClientId,
    /// The app client secret.
    ClientSecret,
    /// A caller-given private ephemeral (`a` or `b`).
    PrivateEphemeral,
    /// The scrambling parameter `u = H(pad(A) || pad(B))`.
    U,
    /// `Session`, which a sign-in carries from one step to the next.
    Session,
    /// `AccessToken` of an `AuthenticationResult`.
    AccessToken,
    /// `requiredAttributes` of `NEW_PASSWORD_REQUIRED`.
    RequiredAttributes,
    /// `userAttributes` of `NEW_PASSWORD_REQUIRED`.
    UserAttributes,
    /// `NEW_PASSWORD`, the answer to `NEW_PASSWORD_REQUIRED`.
    NewPassword,
    /// `MFAS_CAN_CHOOSE` of `SELECT_MFA_TYPE`.
    MfasCanChoose,
    /// `MFAS_CAN_SETUP` of `MFA_SETUP`.
    MfasCanSetup,
    /// A one-time code (`SMS_MFA_CODE`, `SOFTWARE_TOKEN_MFA_CODE`, `EMAIL_OTP_CODE`).
    Code,
    /// `ANSWER`, of `SELECT_MFA_TYPE` or `CUSTOM_CHALLENGE`.
    Answer,
    /// `EMAIL`, the address an `MFA_SETUP` answer sets up for `EMAIL_OTP`.
    Email,
    /// The JSON body of a sign-in reply.
    ReplyBody,
    /// `RefreshToken` of an `AuthenticationResult`, or `REFRESH_TOKEN`.
    RefreshToken,
    /// `IdToken` of an `AuthenticationResult`.
    IdToken,
    /// `PASSWORD`, which the password flows send to the service.
    Password,
    /// `AvailableChallenges` of a `SELECT_CHALLENGE` reply.
    AvailableChallenges,
    /// `SecretCode` of `AssociateSoftwareToken`: the TOTP secret.
    SecretCode,
    /// `Status` of `VerifySoftwareToken`.
    Status,
    /// `CREDENTIAL_REQUEST_OPTIONS` of `WEB_AUTHN`.
    CredentialRequestOptions,
    /// `CREDENTIAL`, the answer to `WEB_AUTHN`.
    Credential,
    /// `AuthFlow`, which goes with one entry operation.
    AuthFlow,
}

impl Field {
    /// The field's name as it appears on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            Field::PoolId => "user pool id",
            Field::Username => "USERNAME",
            Field::UserIdForSrp => "USER_ID_FOR_SRP",
            Field::SrpA => "SRP_A",
            Field::SrpB => "SRP_B",
            Field::Salt => "SALT",
            Field::SecretBlock => "SECRET_BLOCK",
            Field::Timestamp => "TIMESTAMP",
            Field::PasswordClaimSignature => "PASSWORD_CLAIM_SIGNATURE",
            Field::ChallengeName => "ChallengeName",
            Field::DeviceKey => "DEVICE_KEY",
            Field::DeviceGroupKey => "DeviceGroupKey",
            Field::DevicePassword => "device password",
            Field::PasswordVerifier => "PasswordVerifier",
            Field::ClientId => "client id",
            Field::ClientSecret => "client secret",
            Field::PrivateEphemeral => "private ephemeral",
            Field::U => "u",
            Field::Session => "Session",
            Field::AccessToken => "AccessToken",
            Field::RequiredAttributes => "requiredAttributes",
            Field::UserAttributes => "userAttributes",
            Field::NewPassword => "NEW_PASSWORD",
            Field::MfasCanChoose => "MFAS_CAN_CHOOSE",
            Field::MfasCanSetup => "MFAS_CAN_SETUP",
            Field::Code => "code",
            Field::Answer => "ANSWER",
            Field::Email => "EMAIL",
            Field::ReplyBody => "reply body",
            Field::RefreshToken => "RefreshToken",
            Field::IdToken => "IdToken",
            Field::Password => "PASSWORD",
            Field::AvailableChallenges => "AvailableChallenges",
            Field::SecretCode => "SecretCode",
            Field::Status => "Status",
            Field::CredentialRequestOptions => "CREDENTIAL_REQUEST_OPTIONS",
            Field::Credential => "CREDENTIAL",
            Field::AuthFlow => "AuthFlow",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a server refused a sign-in.
///
/// This is the *local* reason, for logs and tests. A server must not tell the
/// remote side which check failed: [`AuthFailure::remote_message`] gives the
/// single Cognito-style message that covers all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthFailure {
    /// `PASSWORD_CLAIM_SECRET_BLOCK` is not the one this session issued.
    SecretBlockMismatch,
    /// The `TIMESTAMP` lies outside the allowed clock skew.
    TimestampOutOfRange,
    /// The response's user or device is not the one this session was issued for.
    IdentityMismatch,
    /// `PASSWORD_CLAIM_SIGNATURE` does not match.
    SignatureMismatch,
}

impl AuthFailure {
    /// The message Cognito gives for every one of these failures.
    pub const fn remote_message(self) -> &'static str {
        "Incorrect username or password."
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthFailure::SecretBlockMismatch => {
                "PASSWORD_CLAIM_SECRET_BLOCK is not the secret block this session issued"
            }
            AuthFailure::TimestampOutOfRange => "TIMESTAMP is outside the allowed clock skew",
            AuthFailure::IdentityMismatch => {
                "USERNAME or DEVICE_KEY is not the one this session was issued for"
            }
            AuthFailure::SignatureMismatch => "PASSWORD_CLAIM_SIGNATURE does not match",
        })
    }
}

/// Why Cognito refused a refresh token: the refresh cannot succeed, and only
/// a new sign-in gives a new one.
///
/// [`TokenRefusal::from_service_error`] reads it from the error a Cognito
/// client returned for `InitiateAuth` (`REFRESH_TOKEN_AUTH`) or
/// `GetTokensFromRefreshToken`.
///
/// ```
/// use cognito_srp::TokenRefusal;
/// assert_eq!(
///     TokenRefusal::from_service_error("NotAuthorizedException", "Refresh Token has been revoked"),
///     Some(TokenRefusal::Revoked),
/// );
/// // Other refusals (a wrong SECRET_HASH, a disabled user) are not about the token.
/// assert_eq!(TokenRefusal::from_service_error("NotAuthorizedException", "User is disabled."), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenRefusal {
    /// `Refresh Token has been revoked` (`RevokeToken`, `GlobalSignOut`,
    /// `AdminUserGlobalSignOut`).
    Revoked,
    /// `Refresh Token has expired`: older than the app client's refresh token validity.
    Expired,
    /// `Invalid Refresh Token`: not a refresh token of this app client (or of
    /// this device: a device-bound token refreshed without its `DEVICE_KEY`).
    Invalid,
    /// `RefreshTokenReuseException`: a rotated-out refresh token, used after
    /// the app client's grace period.
    Reused,
}

impl TokenRefusal {
    /// The refusal that Cognito's error `code` (the `__type` or the SDK's
    /// error code, with or without a `namespace#` prefix) and `message`
    /// describe, or `None` when the error is not about the refresh token
    /// itself (so a new sign-in would not help either).
    pub fn from_service_error(code: &str, message: &str) -> Option<Self> {
        let code = code.rsplit('#').next().unwrap_or(code);
        if code == "RefreshTokenReuseException" {
            return Some(TokenRefusal::Reused);
        }
        if code != "NotAuthorizedException" {
            return None;
        }
        let message = message.trim_end_matches('.');
        if message.eq_ignore_ascii_case("Refresh Token has been revoked") {
            Some(TokenRefusal::Revoked)
        } else if message.eq_ignore_ascii_case("Refresh Token has expired") {
            Some(TokenRefusal::Expired)
        } else if message.eq_ignore_ascii_case("Invalid Refresh Token") {
            Some(TokenRefusal::Invalid)
        } else {
            None
        }
    }
}

impl fmt::Display for TokenRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenRefusal::Revoked => "the refresh token was revoked",
            TokenRefusal::Expired => "the refresh token has expired",
            TokenRefusal::Invalid => "the refresh token is not valid for this app client or device",
            TokenRefusal::Reused => {
                "the refresh token was rotated out and its grace period is over"
            }
        })
    }
}

/// Everything that can go wrong in this crate.
///
/// Every input from the network is validated before it is used; a bad one
/// gives one of these, never a panic.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required field is absent from a parameters map.
    Missing {
        /// The missing field.
        field: Field,
    },
    /// A field is present but malformed or out of range.
    Invalid {
        /// The offending field.
        field: Field,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The operating system's random number generator failed.
    Random,
    /// A server refused a sign-in (see [`AuthFailure`]).
    NotAuthorized(AuthFailure),
    /// A sign-in reply asked a challenge that the protocol does not allow at
    /// this point (an unknown `ChallengeName`, or a known one out of order).
    UnexpectedChallenge {
        /// The `ChallengeName` received (at most 64 characters of it).
        challenge_name: String,
        /// What the reply answered, e.g. `"InitiateAuth"` or `"the PASSWORD_VERIFIER answer"`.
        after: &'static str,
    },
    /// A sign-in reply that is neither a challenge allowed here nor a result
    /// allowed here (tokens before any proof, an empty reply, ...).
    UnexpectedReply {
        /// What is wrong with the reply.
        reason: &'static str,
        /// What the reply answered.
        after: &'static str,
    },
    /// A challenge names another user (or device) than the one signing in.
    UserMismatch {
        /// The field that names the other user: `USER_ID_FOR_SRP`, `USERNAME` or `DEVICE_KEY`.
        field: Field,
    },
    /// An answer to `NEW_PASSWORD_REQUIRED` lacks one of its `requiredAttributes`.
    MissingAttribute {
        /// The attribute's name, without the `userAttributes.` prefix.
        name: String,
    },
    /// Cognito refused the refresh token (see [`TokenRefusal`]): sign in again.
    TokenRefused(TokenRefusal),
}

impl Error {
    pub(crate) const fn invalid(field: Field, reason: &'static str) -> Self {
        Error::Invalid { field, reason }
    }

    /// [`Error::UnexpectedChallenge`], keeping at most 64 characters of a
    /// name that came from the network.
    pub(crate) fn unexpected_challenge(challenge_name: &str, after: &'static str) -> Self {
        Error::UnexpectedChallenge {
            challenge_name: challenge_name.chars().take(64).collect(),
            after,
        }
    }

    /// The field this error is about, when it is about one.
    pub const fn field(&self) -> Option<Field> {
        match self {
            Error::Missing { field }
            | Error::Invalid { field, .. }
            | Error::UserMismatch { field } => Some(*field),
            Error::Random
            | Error::NotAuthorized(_)
            | Error::UnexpectedChallenge { .. }
            | Error::UnexpectedReply { .. }
            | Error::MissingAttribute { .. }
            | Error::TokenRefused(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Missing { field } => write!(f, "{field} is missing"),
            Error::Invalid { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Random => f.write_str("the operating system's random number generator failed"),
            Error::NotAuthorized(why) => write!(f, "not authorized: {why}"),
            // `{:?}` escapes whatever the network put in the name.
            Error::UnexpectedChallenge {
                challenge_name,
                after,
            } => write!(
                f,
                "unexpected challenge {challenge_name:?} in reply to {after}"
            ),
            Error::UnexpectedReply { reason, after } => {
                write!(f, "unexpected reply to {after}: {reason}")
            }
            Error::UserMismatch { field } => {
                write!(
                    f,
                    "the challenge's {field} names another user than the one signing in"
                )
            }
            Error::MissingAttribute { name } => {
                write!(
                    f,
                    "the required attribute {name:?} is missing from the answer"
                )
            }
            Error::TokenRefused(why) => write!(f, "refresh refused: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
