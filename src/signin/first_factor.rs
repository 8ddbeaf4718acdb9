//! The first factors of `USER_AUTH`, as `PREFERRED_CHALLENGE`,
//! `AvailableChallenges` and the `SELECT_CHALLENGE` answer name them.

use core::fmt;

/// A first factor of the choice-based `USER_AUTH` flow.
///
/// ```
/// use cognito_srp::signin::FirstFactor;
/// assert_eq!(FirstFactor::parse("EMAIL_OTP"), Some(FirstFactor::EmailOtp));
/// assert_eq!(FirstFactor::PasswordSrp.as_str(), "PASSWORD_SRP");
/// assert!(FirstFactor::Password.needs_password() && !FirstFactor::WebAuthn.needs_password());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FirstFactor {
    /// `PASSWORD`: the password itself goes to the service.
    Password,
    /// `PASSWORD_SRP`: SRP, the password never leaves the client.
    PasswordSrp,
    /// `EMAIL_OTP`: a one-time code sent by email.
    EmailOtp,
    /// `SMS_OTP`: a one-time code sent by SMS.
    SmsOtp,
    /// `WEB_AUTHN`: a passkey, answered by an authenticator.
    WebAuthn,
}

impl FirstFactor {
    const ALL: [FirstFactor; 5] = [
        FirstFactor::Password,
        FirstFactor::PasswordSrp,
        FirstFactor::EmailOtp,
        FirstFactor::SmsOtp,
        FirstFactor::WebAuthn,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FirstFactor::Password => "PASSWORD",
            FirstFactor::PasswordSrp => "PASSWORD_SRP",
            FirstFactor::EmailOtp => "EMAIL_OTP",
            FirstFactor::SmsOtp => "SMS_OTP",
            FirstFactor::WebAuthn => "WEB_AUTHN",
        }
    }

    /// From the wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether the factor is the user's password (`PASSWORD`, `PASSWORD_SRP`).
    pub const fn needs_password(self) -> bool {
        matches!(self, FirstFactor::Password | FirstFactor::PasswordSrp)
    }
}

impl fmt::Display for FirstFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
