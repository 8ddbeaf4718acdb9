//! What came back: a challenge, or the tokens.

use core::fmt;

use crate::wire::ParameterMap;

/// The output of `InitiateAuth` or `RespondToAuthChallenge` (or their `Admin*`
/// forms), or of `AssociateSoftwareToken` or `VerifySoftwareToken`, as any
/// client gives it: fill the fields from your client's output.
///
/// Its `Debug` leaves out `Session`, `SecretCode` and the tokens.
///
/// ```
/// use std::collections::HashMap;
/// use cognito_srp::signin::{AuthenticationResult, Reply};
/// let challenge = Reply {
///     challenge_name: Some("SOFTWARE_TOKEN_MFA".into()),
///     challenge_parameters: HashMap::new(),
///     session: Some("AYABe...".into()),
///     ..Default::default()
/// };
/// assert_eq!(challenge, Reply::challenge("SOFTWARE_TOKEN_MFA", HashMap::new(), Some("AYABe...".into())));
/// let tokens = Reply::authenticated(AuthenticationResult {
///     access_token: Some("eyJ...".into()),
///     ..Default::default()
/// });
/// assert!(!format!("{tokens:?}").contains("eyJ"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// `ChallengeName`, when the pool asks another challenge.
    pub challenge_name: Option<String>,
    /// `ChallengeParameters` (empty beside tokens).
    pub challenge_parameters: ParameterMap,
    /// `Session`, to be sent back unchanged with the answer.
    pub session: Option<String>,
    /// `AvailableChallenges` of an `InitiateAuth` reply in `USER_AUTH`.
    pub available_challenges: Vec<String>,
    /// `AuthenticationResult`, when the sign-in is done.
    pub authentication_result: Option<AuthenticationResult>,
    /// `SecretCode` of `AssociateSoftwareToken`: the TOTP secret (base32).
    pub secret_code: Option<String>,
    /// `Status` of `VerifySoftwareToken` (`SUCCESS` or `ERROR`).
    pub status: Option<String>,
}

impl Reply {
    /// A reply that asks the challenge `challenge_name`.
    pub fn challenge(
        challenge_name: impl Into<String>,
        challenge_parameters: ParameterMap,
        session: Option<String>,
    ) -> Self {
        Reply {
            challenge_name: Some(challenge_name.into()),
            challenge_parameters,
            session,
            ..Default::default()
        }
    }

    /// `AssociateSoftwareToken`'s reply: the TOTP secret and a new `Session`.
    ///
    /// ```
    /// use cognito_srp::signin::Reply;
    /// let reply = Reply::software_token_associated("JBSWY3DPEHPK3PXP", "AYAB-2");
    /// assert!(!format!("{reply:?}").contains("JBSW"));
    /// ```
    pub fn software_token_associated(
        secret_code: impl Into<String>,
        session: impl Into<String>,
    ) -> Self {
        Reply {
            secret_code: Some(secret_code.into()),
            session: Some(session.into()),
            ..Default::default()
        }
    }

    /// `VerifySoftwareToken`'s reply: its `Status` and a new `Session`.
    ///
    /// ```
    /// use cognito_srp::signin::Reply;
    /// let reply = Reply::software_token_verified("SUCCESS", Some("AYAB-3".into()));
    /// assert_eq!(reply.status.as_deref(), Some("SUCCESS"));
    /// ```
    pub fn software_token_verified(status: impl Into<String>, session: Option<String>) -> Self {
        Reply {
            status: Some(status.into()),
            session,
            ..Default::default()
        }
    }

    /// A reply that carries the tokens.
    pub fn authenticated(result: AuthenticationResult) -> Self {
        Reply {
            authentication_result: Some(result),
            ..Default::default()
        }
    }
}

/// `AuthenticationResult`: the tokens, and `NewDeviceMetadata` when the pool
/// tracks devices. Its `Debug` leaves out the tokens.
///
/// ```
/// use cognito_srp::signin::{AuthenticationResult, NewDeviceMetadata};
/// let result = AuthenticationResult {
///     access_token: Some("eyJ...".into()),
///     expires_in: Some(3600),
///     new_device_metadata: Some(NewDeviceMetadata {
///         device_key: Some("us-east-1_0f4c2f0e".into()),
///         device_group_key: Some("-abcDEF12".into()),
///     }),
///     ..Default::default()
/// };
/// assert!(format!("{result:?}").contains("access_token: Some(<redacted>)"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthenticationResult {
    /// `AccessToken`.
    pub access_token: Option<String>,
    /// `IdToken`.
    pub id_token: Option<String>,
    /// `RefreshToken`.
    pub refresh_token: Option<String>,
    /// `ExpiresIn`, seconds.
    pub expires_in: Option<i32>,
    /// `TokenType` (`Bearer`).
    pub token_type: Option<String>,
    /// `NewDeviceMetadata`.
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

/// `NewDeviceMetadata`: the device the pool just created for this sign-in.
///
/// ```
/// use cognito_srp::signin::NewDeviceMetadata;
/// let metadata = NewDeviceMetadata { device_key: Some("us-east-1_0f4c".into()), ..Default::default() };
/// assert_eq!(metadata.device_group_key, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewDeviceMetadata {
    /// `DeviceKey`.
    pub device_key: Option<String>,
    /// `DeviceGroupKey`.
    pub device_group_key: Option<String>,
}

fn redacted(value: &Option<String>) -> Option<fmt::Arguments<'static>> {
    value.as_ref().map(|_| format_args!("<redacted>"))
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("challenge_name", &self.challenge_name)
            .field("challenge_parameters", &self.challenge_parameters)
            .field("session", &redacted(&self.session))
            .field("available_challenges", &self.available_challenges)
            .field("authentication_result", &self.authentication_result)
            .field("secret_code", &redacted(&self.secret_code))
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("access_token", &redacted(&self.access_token))
            .field("id_token", &redacted(&self.id_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .field("new_device_metadata", &self.new_device_metadata)
            .finish()
    }
}
