//! The challenges only the user or the app can answer, as typed prompts.
//!
//! Each prompt holds the sign-in, and its answer consumes it and gives the
//! next [`Step`], with `USERNAME`, `SECRET_HASH`, `DEVICE_KEY` and `Session`
//! filled in by the driver.

use core::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Field, Result};
use crate::secret::Password;
use crate::wire::ParameterMap;

use super::driver::{ChallengeName, Driver, Step};
use super::first_factor::FirstFactor;
use super::parameter_json;

/// A challenge for the caller. Answer it through the variant's own type.
///
/// ```
/// # use cognito_srp::signin::{Next, Prompt};
/// fn describe(prompt: &Prompt) -> String {
///     match prompt {
///         Prompt::NewPasswordRequired(p) => format!("new password, with {:?}", p.required_attributes()),
///         Prompt::SmsMfa(p) | Prompt::EmailOtp(p) | Prompt::SmsOtp(p) => {
///             format!("code sent to {:?}", p.code_delivery_destination())
///         }
///         Prompt::SoftwareTokenMfa(_) => "authenticator code".into(),
///         Prompt::SelectMfaType(p) => format!("one of {:?}", p.choices()),
///         Prompt::CustomChallenge(p) => format!("answer to {:?}", p.parameters()),
///         Prompt::MfaSetup(p) => format!("add {:?} to an authenticator", p.otpauth_uri("Example")),
///         Prompt::SelectChallenge(p) => format!("sign in with one of {:?}", p.available_challenges()),
///         Prompt::WebAuthn(p) => format!("passkey for {}", p.credential_request_options()),
///     }
/// }
/// ```
#[derive(Debug)]
pub enum Prompt {
    /// `NEW_PASSWORD_REQUIRED`: a user with a temporary password must choose one.
    NewPasswordRequired(NewPasswordRequired),
    /// `SMS_MFA`: the code sent by SMS.
    SmsMfa(MfaCode),
    /// `SOFTWARE_TOKEN_MFA`: the code of the user's authenticator app (TOTP).
    SoftwareTokenMfa(MfaCode),
    /// `EMAIL_OTP`: the code sent by email (an MFA, or the first factor of
    /// `USER_AUTH`).
    EmailOtp(MfaCode),
    /// `SMS_OTP`: the code sent by SMS as the first factor of `USER_AUTH`.
    SmsOtp(MfaCode),
    /// `SELECT_MFA_TYPE`: which MFA to use this time.
    SelectMfaType(SelectMfaType),
    /// `CUSTOM_CHALLENGE`: a challenge of the pool's Lambdas.
    CustomChallenge(CustomChallenge),
    /// `MFA_SETUP`: MFA is required and the user has none yet. The driver
    /// has already asked `AssociateSoftwareToken` for the TOTP secret.
    MfaSetup(MfaSetup),
    /// `SELECT_CHALLENGE`: `USER_AUTH` leaves the first factor to the caller.
    SelectChallenge(SelectChallenge),
    /// `WEB_AUTHN`: a passkey, answered by an authenticator.
    WebAuthn(WebAuthn),
}

impl Prompt {
    /// The challenge's `ChallengeName`.
    ///
    /// ```
    /// # fn f(prompt: cognito_srp::signin::Prompt) {
    /// println!("the pool asks {}", prompt.challenge_name());
    /// # }
    /// ```
    pub fn challenge_name(&self) -> &'static str {
        match self {
            Prompt::NewPasswordRequired(_) => ChallengeName::NewPasswordRequired.name(),
            Prompt::SmsMfa(p)
            | Prompt::SoftwareTokenMfa(p)
            | Prompt::EmailOtp(p)
            | Prompt::SmsOtp(p) => p.challenge_name(),
            Prompt::SelectMfaType(_) => ChallengeName::SelectMfaType.name(),
            Prompt::CustomChallenge(_) => ChallengeName::CustomChallenge.name(),
            Prompt::MfaSetup(_) => ChallengeName::MfaSetup.name(),
            Prompt::SelectChallenge(_) => ChallengeName::SelectChallenge.name(),
            Prompt::WebAuthn(_) => ChallengeName::WebAuthn.name(),
        }
    }
}

/// An answer the driver refused before sending it (an empty or malformed
/// value, a required attribute left out, a choice not offered), with the
/// prompt given back so the caller can ask again.
///
/// `?` turns it into the crate's [`Error`]:
/// ```
/// # use cognito_srp::signin::{MfaCode, Step};
/// fn enter(prompt: MfaCode) -> cognito_srp::Result<Step> {
///     let prompt = match prompt.answer("12 34 56") {
///         Ok(step) => return Ok(step),
///         Err(rejected) => {
///             eprintln!("{}", rejected.error); // invalid code: not ASCII digits
///             rejected.prompt
///         }
///     };
///     Ok(prompt.answer("123456")?)
/// }
/// ```
pub struct Rejected<P> {
    /// Why the answer was refused.
    pub error: Error,
    /// The prompt, still unanswered.
    pub prompt: P,
}

impl<P> Rejected<P> {
    fn new(prompt: P, error: Error) -> Self {
        Rejected { error, prompt }
    }
}

impl<P: fmt::Debug> fmt::Debug for Rejected<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("error", &self.error)
            .field("prompt", &self.prompt)
            .finish()
    }
}

impl<P> fmt::Display for Rejected<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<P: fmt::Debug> std::error::Error for Rejected<P> {}

impl<P> From<Rejected<P>> for Error {
    fn from(rejected: Rejected<P>) -> Self {
        rejected.error
    }
}

/// The result of answering a prompt: the next step, or the prompt back with
/// the reason its answer was refused (see [`Rejected`]).
pub type Answered<P> = core::result::Result<Step, Rejected<P>>;

/// The prompt for `challenge`, from its `ChallengeParameters`.
pub(crate) fn build(
    driver: Box<Driver>,
    challenge: ChallengeName,
    parameters: ParameterMap,
) -> Result<Prompt> {
    Ok(match challenge {
        ChallengeName::NewPasswordRequired => {
            let required_attributes = match parameters.get("requiredAttributes") {
                None => Vec::new(),
                Some(text) => parameter_json::string_array(Field::RequiredAttributes, text)?
                    .into_iter()
                    .map(|name| unprefixed(&name).to_owned())
                    .collect(),
            };
            let user_attributes = match parameters.get("userAttributes") {
                None => ParameterMap::new(),
                Some(text) => parameter_json::string_object(Field::UserAttributes, text)?,
            };
            Prompt::NewPasswordRequired(NewPasswordRequired {
                driver,
                required_attributes,
                user_attributes,
            })
        }
        ChallengeName::SmsMfa
        | ChallengeName::SoftwareTokenMfa
        | ChallengeName::EmailOtp
        | ChallengeName::SmsOtp => {
            let code = MfaCode {
                driver,
                challenge,
                parameters,
            };
            match challenge {
                ChallengeName::SmsMfa => Prompt::SmsMfa(code),
                ChallengeName::SoftwareTokenMfa => Prompt::SoftwareTokenMfa(code),
                ChallengeName::SmsOtp => Prompt::SmsOtp(code),
                _ => Prompt::EmailOtp(code),
            }
        }
        ChallengeName::SelectMfaType => {
            let text = parameters.get("MFAS_CAN_CHOOSE").ok_or(Error::Missing {
                field: Field::MfasCanChoose,
            })?;
            let choices = mfa_types(Field::MfasCanChoose, text)?;
            if choices.is_empty() {
                return Err(Error::invalid(
                    Field::MfasCanChoose,
                    "names no MFA type (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP)",
                ));
            }
            Prompt::SelectMfaType(SelectMfaType { driver, choices })
        }
        ChallengeName::CustomChallenge => {
            Prompt::CustomChallenge(CustomChallenge { driver, parameters })
        }
        ChallengeName::WebAuthn => {
            let options = parameters
                .get(CREDENTIAL_REQUEST_OPTIONS)
                .ok_or(Error::Missing {
                    field: Field::CredentialRequestOptions,
                })?;
            if !parameter_json::is_object(options) {
                return Err(Error::invalid(
                    Field::CredentialRequestOptions,
                    "not a JSON object",
                ));
            }
            let options = options.clone();
            Prompt::WebAuthn(WebAuthn { driver, options })
        }
        // The driver answers the others itself, or builds their prompts apart.
        ChallengeName::PasswordVerifier
        | ChallengeName::SelectChallenge
        | ChallengeName::DeviceSrpAuth
        | ChallengeName::DevicePasswordVerifier
        | ChallengeName::MfaSetup => {
            return Err(Error::unexpected_challenge(challenge.name(), "a prompt"));
        }
    })
}

/// The [`SelectChallenge`] prompt for `AvailableChallenges`.
pub(crate) fn select_challenge(driver: Box<Driver>, available: &[String]) -> Result<Prompt> {
    if available.is_empty() {
        return Err(Error::Missing {
            field: Field::AvailableChallenges,
        });
    }
    // Names this crate does not know are left out.
    let mut factors: Vec<FirstFactor> = Vec::new();
    for factor in available.iter().filter_map(|name| FirstFactor::parse(name)) {
        if !factors.contains(&factor) {
            factors.push(factor);
        }
    }
    if factors.is_empty() {
        return Err(Error::invalid(
            Field::AvailableChallenges,
            "names no first factor (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN)",
        ));
    }
    Ok(Prompt::SelectChallenge(SelectChallenge {
        driver,
        available: factors,
    }))
}

/// `MFAS_CAN_SETUP`, the known types of it (empty when not given).
pub(crate) fn mfas_can_setup(parameters: &ParameterMap) -> Result<Vec<MfaType>> {
    match parameters.get("MFAS_CAN_SETUP") {
        None => Ok(Vec::new()),
        Some(text) => mfa_types(Field::MfasCanSetup, text),
    }
}

/// The [`MfaSetup`] prompt, with the TOTP secret when `AssociateSoftwareToken` gave one.
pub(crate) fn mfa_setup(
    driver: Box<Driver>,
    mfas_can_setup: Vec<MfaType>,
    secret_code: Option<Zeroizing<String>>,
) -> Prompt {
    Prompt::MfaSetup(MfaSetup {
        driver,
        mfas_can_setup,
        secret_code,
    })
}

const CREDENTIAL_REQUEST_OPTIONS: &str = "CREDENTIAL_REQUEST_OPTIONS";

const USER_ATTRIBUTES_PREFIX: &str = "userAttributes.";

fn unprefixed(name: &str) -> &str {
    name.strip_prefix(USER_ATTRIBUTES_PREFIX).unwrap_or(name)
}

/// The known MFA types of a JSON list; names this crate does not know are left out.
fn mfa_types(field: Field, text: &str) -> Result<Vec<MfaType>> {
    Ok(parameter_json::string_array(field, text)?
        .iter()
        .filter_map(|name| MfaType::parse(name))
        .collect())
}

/// An MFA type, as `SELECT_MFA_TYPE` and `MFA_SETUP` name them.
///
/// ```
/// use cognito_srp::signin::MfaType;
/// assert_eq!(MfaType::parse("SOFTWARE_TOKEN_MFA"), Some(MfaType::SoftwareTokenMfa));
/// assert_eq!(MfaType::EmailOtp.as_str(), "EMAIL_OTP");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MfaType {
    /// `SMS_MFA`.
    SmsMfa,
    /// `SOFTWARE_TOKEN_MFA`.
    SoftwareTokenMfa,
    /// `EMAIL_OTP`.
    EmailOtp,
}

impl MfaType {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MfaType::SmsMfa => "SMS_MFA",
            MfaType::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            MfaType::EmailOtp => "EMAIL_OTP",
        }
    }

    /// From the wire name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            MfaType::SmsMfa,
            MfaType::SoftwareTokenMfa,
            MfaType::EmailOtp,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
    }
}

impl fmt::Display for MfaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `NEW_PASSWORD_REQUIRED`: the user signed in with a temporary password and
/// must choose a new one, giving the `requiredAttributes` the profile lacks.
///
/// ```
/// # use std::collections::HashMap;
/// # use cognito_srp::{Password, Result};
/// # use cognito_srp::signin::{NewPasswordRequired, Step};
/// fn choose(prompt: NewPasswordRequired, new_password: Password) -> Result<Step> {
///     let mut attributes = HashMap::new();
///     for name in prompt.required_attributes() {
///         attributes.insert(name.clone(), format!("value of {name}"));
///     }
///     Ok(prompt.answer(new_password, attributes)?)
/// }
/// ```
pub struct NewPasswordRequired {
    driver: Box<Driver>,
    required_attributes: Vec<String>,
    user_attributes: ParameterMap,
}

impl NewPasswordRequired {
    /// `requiredAttributes`, without their `userAttributes.` prefix (such as `name`, `email`).
    pub fn required_attributes(&self) -> &[String] {
        &self.required_attributes
    }

    /// `userAttributes`: the attributes the user has.
    pub fn user_attributes(&self) -> &ParameterMap {
        &self.user_attributes
    }

    /// Answers with the new password and `attributes` (names with or without
    /// the `userAttributes.` prefix), which must give every required attribute.
    pub fn answer(self, new_password: Password, attributes: ParameterMap) -> Answered<Self> {
        if new_password.expose_secret().is_empty() {
            return Err(Rejected::new(
                self,
                Error::invalid(Field::NewPassword, "empty"),
            ));
        }
        let given = |name: &str| {
            attributes
                .iter()
                .any(|(key, value)| unprefixed(key) == name && !value.is_empty())
        };
        if let Some(name) = self.required_attributes.iter().find(|name| !given(name)) {
            let error = Error::MissingAttribute { name: name.clone() };
            return Err(Rejected::new(self, error));
        }
        let mut responses = self.driver.base_responses();
        responses.insert("NEW_PASSWORD".into(), new_password.expose_secret().into());
        for (name, value) in attributes {
            responses.insert(
                format!("{USER_ATTRIBUTES_PREFIX}{}", unprefixed(&name)),
                value,
            );
        }
        Ok(self
            .driver
            .respond(ChallengeName::NewPasswordRequired, responses))
    }
}

impl fmt::Debug for NewPasswordRequired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPasswordRequired")
            .field("required_attributes", &self.required_attributes)
            .field("user_attributes", &self.user_attributes)
            .finish_non_exhaustive()
    }
}

/// `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_OTP`: a one-time code.
///
/// A prompt takes one answer:
/// ```compile_fail,E0382
/// use cognito_srp::signin::MfaCode;
/// fn answer_twice(prompt: MfaCode) {
///     let _ = prompt.answer("123456");
///     let _ = prompt.answer("654321"); // error[E0382]: use of moved value
/// }
/// ```
///
/// ```
/// # use cognito_srp::{Result, signin::{MfaCode, Step}};
/// fn enter(prompt: MfaCode, code: &str) -> Result<Step> {
///     eprintln!("{} sent to {:?}", prompt.challenge_name(), prompt.code_delivery_destination());
///     Ok(prompt.answer(code.trim())?)
/// }
/// ```
pub struct MfaCode {
    driver: Box<Driver>,
    challenge: ChallengeName,
    parameters: ParameterMap,
}

impl MfaCode {
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_OTP`.
    pub fn challenge_name(&self) -> &'static str {
        self.challenge.name()
    }

    /// `CODE_DELIVERY_DESTINATION` (masked, such as `+*******0008`), when given.
    pub fn code_delivery_destination(&self) -> Option<&str> {
        self.parameters
            .get("CODE_DELIVERY_DESTINATION")
            .map(String::as_str)
    }

    /// `CODE_DELIVERY_DELIVERY_MEDIUM` (`SMS`, `EMAIL`), when given.
    pub fn code_delivery_medium(&self) -> Option<&str> {
        self.parameters
            .get("CODE_DELIVERY_DELIVERY_MEDIUM")
            .map(String::as_str)
    }

    /// All the `ChallengeParameters`.
    pub fn parameters(&self) -> &ParameterMap {
        &self.parameters
    }

    /// Answers with the code: ASCII digits only.
    pub fn answer(self, code: &str) -> Answered<Self> {
        if let Err(error) = check_code(code) {
            return Err(Rejected::new(self, error));
        }
        let key = match self.challenge {
            ChallengeName::SmsMfa => "SMS_MFA_CODE",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
            ChallengeName::SmsOtp => "SMS_OTP_CODE",
            _ => "EMAIL_OTP_CODE",
        };
        let mut responses = self.driver.base_responses();
        responses.insert(key.into(), code.into());
        Ok(self.driver.respond(self.challenge, responses))
    }
}

impl fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaCode")
            .field("challenge_name", &self.challenge_name())
            .field("parameters", &self.parameters)
            .finish_non_exhaustive()
    }
}

/// `SELECT_MFA_TYPE`: the user has several MFA types and picks one.
///
/// ```
/// # use cognito_srp::{Result, signin::{MfaType, SelectMfaType, Step}};
/// fn prefer_totp(prompt: SelectMfaType) -> Result<Step> {
///     let choice = if prompt.choices().contains(&MfaType::SoftwareTokenMfa) {
///         MfaType::SoftwareTokenMfa
///     } else {
///         prompt.choices()[0]
///     };
///     Ok(prompt.answer(choice)?)
/// }
/// ```
pub struct SelectMfaType {
    driver: Box<Driver>,
    choices: Vec<MfaType>,
}

impl SelectMfaType {
    /// `MFAS_CAN_CHOOSE` (never empty).
    pub fn choices(&self) -> &[MfaType] {
        &self.choices
    }

    /// Answers with one of [`SelectMfaType::choices`].
    pub fn answer(self, choice: MfaType) -> Answered<Self> {
        if !self.choices.contains(&choice) {
            let error = Error::invalid(Field::Answer, "not among MFAS_CAN_CHOOSE");
            return Err(Rejected::new(self, error));
        }
        let mut responses = self.driver.base_responses();
        responses.insert("ANSWER".into(), choice.as_str().into());
        Ok(self.driver.respond(ChallengeName::SelectMfaType, responses))
    }
}

impl fmt::Debug for SelectMfaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectMfaType")
            .field("choices", &self.choices)
            .finish_non_exhaustive()
    }
}

/// `CUSTOM_CHALLENGE`: a challenge of the pool's `CreateAuthChallenge` Lambda.
///
/// ```
/// # use cognito_srp::{Result, signin::{CustomChallenge, Step}};
/// fn solve(prompt: CustomChallenge) -> Result<Step> {
///     let question = prompt.parameters().get("question").cloned().unwrap_or_default();
///     Ok(prompt.answer(if question == "2+2?" { "4" } else { "?" })?)
/// }
/// ```
pub struct CustomChallenge {
    driver: Box<Driver>,
    parameters: ParameterMap,
}

impl CustomChallenge {
    /// The `ChallengeParameters` (the Lambda's public ones, and `USERNAME`).
    pub fn parameters(&self) -> &ParameterMap {
        &self.parameters
    }

    /// Answers with `ANSWER`.
    pub fn answer(self, answer: &str) -> Answered<Self> {
        if answer.is_empty() {
            return Err(Rejected::new(self, Error::invalid(Field::Answer, "empty")));
        }
        let mut responses = self.driver.base_responses();
        responses.insert("ANSWER".into(), answer.into());
        Ok(self
            .driver
            .respond(ChallengeName::CustomChallenge, responses))
    }
}

impl fmt::Debug for CustomChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomChallenge")
            .field("parameters", &self.parameters)
            .finish_non_exhaustive()
    }
}

/// `MFA_SETUP`: the pool requires MFA and the user has none.
///
/// When `MFAS_CAN_SETUP` lists `SOFTWARE_TOKEN_MFA` (or nothing), the driver
/// has already sent `AssociateSoftwareToken` with the challenge's `Session`:
/// the prompt holds the TOTP secret to add to an authenticator app (as text,
/// or as an `otpauth://` URI for a QR code) and takes the app's first code.
/// The driver then sends `VerifySoftwareToken`, and on `SUCCESS` answers
/// `MFA_SETUP` with the `Session` that call returned.
///
/// ```
/// # use cognito_srp::{Result, signin::{MfaSetup, Step}};
/// # fn read_code_from_app(uri: &str) -> String { "123456".into() }
/// fn set_up_totp(prompt: MfaSetup) -> Result<Step> {
///     let uri = prompt.otpauth_uri("Example Corp").expect("a TOTP secret");
///     assert!(uri.starts_with("otpauth://totp/Example%20Corp:"));
///     let code = read_code_from_app(&uri);
///     Ok(prompt.answer(&code)?)
/// }
/// ```
///
/// Its `Debug` leaves out the secret.
pub struct MfaSetup {
    driver: Box<Driver>,
    mfas_can_setup: Vec<MfaType>,
    secret_code: Option<Zeroizing<String>>,
}

impl MfaSetup {
    /// `MFAS_CAN_SETUP` (the types this crate knows; empty when not given).
    pub fn mfas_can_setup(&self) -> &[MfaType] {
        &self.mfas_can_setup
    }

    /// The TOTP secret (`SecretCode`, base32), when TOTP can be set up. Show it
    /// to the user only: it is the key of every later code.
    pub fn secret_code(&self) -> Option<&str> {
        self.secret_code.as_deref().map(String::as_str)
    }

    /// The secret as the `otpauth://totp/<issuer>:<username>?secret=...&issuer=<issuer>`
    /// URI that authenticator apps read from a QR code (the account is the
    /// name the sign-in started with).
    ///
    /// It holds the secret: show it, do not log it.
    pub fn otpauth_uri(&self, issuer: &str) -> Option<String> {
        let secret = self.secret_code.as_deref()?;
        let issuer = percent_encode(issuer);
        let account = percent_encode(self.driver.typed_username());
        Some(format!(
            "otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}",
            percent_encode(secret)
        ))
    }

    /// Answers with the authenticator's first code (ASCII digits): the driver
    /// sends `VerifySoftwareToken`.
    pub fn answer(self, code: &str) -> Answered<Self> {
        self.verify(code, None)
    }

    /// [`MfaSetup::answer`], naming the authenticator (`FriendlyDeviceName`).
    pub fn answer_with_device_name(self, code: &str, device_name: &str) -> Answered<Self> {
        self.verify(code, Some(device_name.to_owned()))
    }

    fn verify(self, code: &str, device_name: Option<String>) -> Answered<Self> {
        if self.secret_code.is_none() {
            let error = Error::invalid(Field::MfasCanSetup, "SOFTWARE_TOKEN_MFA cannot be set up");
            return Err(Rejected::new(self, error));
        }
        if let Err(error) = check_code(code) {
            return Err(Rejected::new(self, error));
        }
        Ok(self.driver.verify_software_token(code, device_name))
    }

    /// Answers with the address to send `EMAIL_OTP` codes to.
    pub fn answer_email(self, email: &str) -> Answered<Self> {
        if email.is_empty() {
            return Err(Rejected::new(self, Error::invalid(Field::Email, "empty")));
        }
        let mut responses = self.driver.base_responses();
        responses.insert("EMAIL".into(), email.into());
        let session = self.driver.mfa_setup_session();
        Ok(self
            .driver
            .respond_with_session(ChallengeName::MfaSetup, responses, session))
    }
}

impl fmt::Debug for MfaSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaSetup")
            .field("mfas_can_setup", &self.mfas_can_setup)
            .field(
                "secret_code",
                &self
                    .secret_code
                    .as_ref()
                    .map(|_| format_args!("<redacted>")),
            )
            .finish_non_exhaustive()
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A one-time code: ASCII digits, not empty.
fn check_code(code: &str) -> Result<()> {
    if code.is_empty() {
        return Err(Error::invalid(Field::Code, "empty"));
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(Field::Code, "not ASCII digits"));
    }
    Ok(())
}

/// `SELECT_CHALLENGE`: `USER_AUTH` without a preference (or with one the user
/// cannot use); the caller picks one of `AvailableChallenges`.
///
/// `PASSWORD` and `PASSWORD_SRP` need the password: the one the sign-in
/// started with, or one given with [`SelectChallenge::answer_with_password`].
/// `PASSWORD` sends the password to the service; `PASSWORD_SRP` does not.
///
/// ```
/// # use cognito_srp::{Result, signin::{FirstFactor, SelectChallenge, Step}};
/// fn prefer_srp(prompt: SelectChallenge) -> Result<Step> {
///     let choice = if prompt.available_challenges().contains(&FirstFactor::PasswordSrp) {
///         FirstFactor::PasswordSrp
///     } else {
///         prompt.available_challenges()[0]
///     };
///     Ok(prompt.answer(choice)?)
/// }
/// ```
pub struct SelectChallenge {
    driver: Box<Driver>,
    available: Vec<FirstFactor>,
}

impl SelectChallenge {
    /// `AvailableChallenges` that this crate knows (never empty).
    pub fn available_challenges(&self) -> &[FirstFactor] {
        &self.available
    }

    /// Answers with `factor`: `ANSWER`, and `PASSWORD` or `SRP_A` for the
    /// password factors.
    pub fn answer(mut self, factor: FirstFactor) -> Answered<Self> {
        if !self.available.contains(&factor) {
            let error = Error::invalid(Field::Answer, "not among AvailableChallenges");
            return Err(Rejected::new(self, error));
        }
        if factor.needs_password() && !self.driver.holds_password() {
            let error = Error::Missing {
                field: Field::Password,
            };
            return Err(Rejected::new(self, error));
        }
        if let Err(error) = self.driver.prepare(factor) {
            return Err(Rejected::new(self, error));
        }
        Ok(self.driver.select(factor))
    }

    /// Answers with a password factor and the password, for a sign-in started
    /// without one ([`SignIn::start_without_password`](super::SignIn::start_without_password)).
    pub fn answer_with_password(
        mut self,
        factor: FirstFactor,
        password: Password,
    ) -> Answered<Self> {
        if !factor.needs_password() {
            let error = Error::invalid(Field::Answer, "not a password factor");
            return Err(Rejected::new(self, error));
        }
        if password.expose_secret().is_empty() {
            return Err(Rejected::new(
                self,
                Error::invalid(Field::Password, "empty"),
            ));
        }
        self.driver.set_password(password);
        self.answer(factor)
    }
}

impl fmt::Debug for SelectChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectChallenge")
            .field("available_challenges", &self.available)
            .finish_non_exhaustive()
    }
}

/// `WEB_AUTHN`: sign in with a passkey. The crate does not do WebAuthn: hand
/// [`WebAuthn::credential_request_options`] (the `PublicKeyCredentialRequestOptions`
/// as JSON) to an authenticator or a browser's `navigator.credentials.get`,
/// and answer with the credential it returns, as JSON
/// (`AuthenticationResponseJSON`).
///
/// ```
/// # use cognito_srp::{Result, signin::{Step, WebAuthn}};
/// # fn authenticator(options: &str) -> String { r#"{"id":"abc","type":"public-key"}"#.into() }
/// fn use_passkey(prompt: WebAuthn) -> Result<Step> {
///     let credential = authenticator(prompt.credential_request_options());
///     Ok(prompt.answer(&credential)?)
/// }
/// ```
pub struct WebAuthn {
    driver: Box<Driver>,
    options: String,
}

impl WebAuthn {
    /// `CREDENTIAL_REQUEST_OPTIONS`: a JSON object.
    pub fn credential_request_options(&self) -> &str {
        &self.options
    }

    /// Answers with `CREDENTIAL`: the authenticator's credential, a JSON object.
    pub fn answer(self, credential_json: &str) -> Answered<Self> {
        if !parameter_json::is_object(credential_json) {
            let error = Error::invalid(Field::Credential, "not a JSON object");
            return Err(Rejected::new(self, error));
        }
        let mut responses = self.driver.base_responses();
        responses.insert("CREDENTIAL".into(), credential_json.into());
        Ok(self.driver.respond(ChallengeName::WebAuthn, responses))
    }
}

impl fmt::Debug for WebAuthn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAuthn")
            .field("credential_request_options", &self.options)
            .finish_non_exhaustive()
    }
}
