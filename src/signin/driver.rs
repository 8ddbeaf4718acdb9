//! The state machine: which reply may come after which request, and the
//! answers the driver gives itself.

use crate::hazmat::{DeviceSrpClientExt, UserSrpClientExt};
use core::fmt;

use zeroize::Zeroizing;

use crate::challenge::{DevicePasswordVerifierChallenge, PasswordVerifierChallenge};
use crate::client::{UserSrpClient, UserSrpSignIn};
use crate::device::{DeviceSrpClient, DeviceSrpSignIn};
use crate::error::{Error, Field, Result};
use crate::secret::Password;
use crate::wire::{ParameterMap, names};

use super::first_factor::FirstFactor;
use super::prompt::{self, MfaType, Prompt};
use super::reply::{AuthenticationResult, Reply};
use super::request::{Call, Request};
use super::signed_in::SignedIn;
use super::{Entry, Flow, SignIn};

const ANSWER: &str = "ANSWER";
const PASSWORD: &str = "PASSWORD";
const PREFERRED_CHALLENGE: &str = "PREFERRED_CHALLENGE";

/// The challenges the driver knows, by their `ChallengeName`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChallengeName {
    PasswordVerifier,
    SelectChallenge,
    DeviceSrpAuth,
    DevicePasswordVerifier,
    NewPasswordRequired,
    SmsMfa,
    SoftwareTokenMfa,
    EmailOtp,
    SelectMfaType,
    CustomChallenge,
    MfaSetup,
    SmsOtp,
    WebAuthn,
}

impl ChallengeName {
    const ALL: [ChallengeName; 13] = [
        ChallengeName::PasswordVerifier,
        ChallengeName::SelectChallenge,
        ChallengeName::DeviceSrpAuth,
        ChallengeName::DevicePasswordVerifier,
        ChallengeName::NewPasswordRequired,
        ChallengeName::SmsMfa,
        ChallengeName::SoftwareTokenMfa,
        ChallengeName::EmailOtp,
        ChallengeName::SelectMfaType,
        ChallengeName::CustomChallenge,
        ChallengeName::MfaSetup,
        ChallengeName::SmsOtp,
        ChallengeName::WebAuthn,
    ];

    pub(crate) const fn name(self) -> &'static str {
        match self {
            ChallengeName::PasswordVerifier => "PASSWORD_VERIFIER",
            ChallengeName::SelectChallenge => "SELECT_CHALLENGE",
            ChallengeName::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            ChallengeName::DevicePasswordVerifier => "DEVICE_PASSWORD_VERIFIER",
            ChallengeName::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            ChallengeName::SmsMfa => "SMS_MFA",
            ChallengeName::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            ChallengeName::EmailOtp => "EMAIL_OTP",
            ChallengeName::SelectMfaType => "SELECT_MFA_TYPE",
            ChallengeName::CustomChallenge => "CUSTOM_CHALLENGE",
            ChallengeName::MfaSetup => "MFA_SETUP",
            ChallengeName::SmsOtp => "SMS_OTP",
            ChallengeName::WebAuthn => "WEB_AUTHN",
        }
    }

    /// How an error names the request that answered this challenge.
    const fn answer(self) -> &'static str {
        match self {
            ChallengeName::PasswordVerifier => "the PASSWORD_VERIFIER answer",
            ChallengeName::SelectChallenge => "the SELECT_CHALLENGE answer",
            ChallengeName::DeviceSrpAuth => "the DEVICE_SRP_AUTH answer",
            ChallengeName::DevicePasswordVerifier => "the DEVICE_PASSWORD_VERIFIER answer",
            ChallengeName::NewPasswordRequired => "the NEW_PASSWORD_REQUIRED answer",
            ChallengeName::SmsMfa => "the SMS_MFA answer",
            ChallengeName::SoftwareTokenMfa => "the SOFTWARE_TOKEN_MFA answer",
            ChallengeName::EmailOtp => "the EMAIL_OTP answer",
            ChallengeName::SelectMfaType => "the SELECT_MFA_TYPE answer",
            ChallengeName::CustomChallenge => "the CUSTOM_CHALLENGE answer",
            ChallengeName::MfaSetup => "the MFA_SETUP answer",
            ChallengeName::SmsOtp => "the SMS_OTP answer",
            ChallengeName::WebAuthn => "the WEB_AUTHN answer",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// A challenge only the caller can answer.
    const fn is_prompt(self) -> bool {
        !matches!(
            self,
            ChallengeName::PasswordVerifier
                | ChallengeName::DeviceSrpAuth
                | ChallengeName::DevicePasswordVerifier
                | ChallengeName::MfaSetup
        )
    }
}

/// What the request in flight was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sent {
    Initiate,
    Answer(ChallengeName),
    /// `SELECT_CHALLENGE` answered with this first factor.
    Selected(FirstFactor),
    AssociateSoftwareToken,
    VerifySoftwareToken,
}

impl Sent {
    const fn describe(self) -> &'static str {
        match self {
            Sent::Initiate => "InitiateAuth",
            Sent::Answer(challenge) => challenge.answer(),
            Sent::Selected(_) => ChallengeName::SelectChallenge.answer(),
            Sent::AssociateSoftwareToken => "AssociateSoftwareToken",
            Sent::VerifySoftwareToken => "VerifySoftwareToken",
        }
    }
}

/// A sign-in's state between steps. Holds the password until
/// `PASSWORD_VERIFIER` is signed, and each SRP ephemeral until its challenge
/// is answered; all of them wipe themselves on drop.
pub(crate) struct Driver {
    config: SignIn,
    /// Every name the challenges gave this user, the typed one first; the
    /// last one is the name the answers carry.
    names: Vec<String>,
    /// Whether `names` ends with `USER_ID_FOR_SRP` (the real username) rather
    /// than a `USERNAME` that a later `USER_ID_FOR_SRP` may override.
    real_username_known: bool,
    password: Option<Password>,
    user_srp: Option<UserSrpSignIn>,
    srp_a_sent: bool,
    device_srp: Option<DeviceSrpSignIn>,
    device_started: bool,
    fixed_a: Option<Zeroizing<Vec<u8>>>,
    session: Option<String>,
    /// `MFAS_CAN_SETUP` of an `MFA_SETUP` whose TOTP secret is being fetched.
    mfas_can_setup: Vec<MfaType>,
    /// The `Session` of that `MFA_SETUP` challenge, for an `EMAIL` answer.
    mfa_setup_session: Option<String>,
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("pool", self.config.pool_id())
            .field("client_id", &self.config.app_client().client_id())
            .field("entry", &self.config.entry())
            .field("flow", &self.config.flow())
            .field("username", &self.username())
            .field("device", &self.config.device().map(|d| d.device_key()))
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// The name the answers carry: the real username once a challenge gave it.
    pub(crate) fn username(&self) -> &str {
        // `names` starts with the typed name, which is never empty.
        self.names.last().map_or("", String::as_str)
    }

    /// The name the sign-in started with, as typed.
    pub(crate) fn typed_username(&self) -> &str {
        &self.config.username
    }

    /// `USERNAME`, `SECRET_HASH` (for that name) and `DEVICE_KEY` when they
    /// apply: what every answer carries.
    pub(crate) fn base_responses(&self) -> ParameterMap {
        let username = self.username();
        let mut map = ParameterMap::new();
        map.insert(names::USERNAME.into(), username.into());
        if let Some(hash) = self.config.app.secret_hash(username) {
            map.insert(names::SECRET_HASH.into(), hash);
        }
        if let Some(device) = &self.config.device {
            map.insert(names::DEVICE_KEY.into(), device.device_key().into());
        }
        map
    }

    /// The next step: answer `challenge` with `responses` and the last `Session`.
    pub(crate) fn respond(
        self: Box<Self>,
        challenge: ChallengeName,
        responses: ParameterMap,
    ) -> Step {
        let session = self.session.clone();
        self.respond_with_session(challenge, responses, session)
    }

    /// [`Driver::respond`] with another `Session` (`MFA_SETUP`'s, from `VerifySoftwareToken`).
    pub(crate) fn respond_with_session(
        self: Box<Self>,
        challenge: ChallengeName,
        responses: ParameterMap,
        session: Option<String>,
    ) -> Step {
        self.respond_as(Sent::Answer(challenge), challenge, responses, session)
    }

    fn respond_as(
        self: Box<Self>,
        sent: Sent,
        challenge: ChallengeName,
        responses: ParameterMap,
        session: Option<String>,
    ) -> Step {
        let request = self.request(Call::Respond {
            challenge_name: challenge.name().into(),
            challenge_responses: responses,
            session,
        });
        Step::new(self, request, sent)
    }

    /// Whether the sign-in holds the password (given at the start, not yet sent or signed).
    pub(crate) fn holds_password(&self) -> bool {
        self.password.is_some()
    }

    /// Gives the sign-in the password, for a password factor chosen at `SELECT_CHALLENGE`.
    pub(crate) fn set_password(&mut self, password: Password) {
        self.password = Some(password);
    }

    /// A fresh SRP start for the typed username (with the fixed `a` of a test).
    fn new_user_srp(&self) -> Result<UserSrpSignIn> {
        let config = &self.config;
        let mut client =
            UserSrpClient::new(config.pool.clone()).with_app_client(config.app.clone());
        if let Some(device) = &config.device {
            client = client.with_device_key(device.device_key());
        }
        match &self.fixed_a {
            Some(a) => client.start_with_private_ephemeral(&config.username, a),
            None => client.start(&config.username),
        }
    }

    /// Makes ready what answering `SELECT_CHALLENGE` with `factor` needs: the
    /// SRP start for `PASSWORD_SRP`.
    pub(crate) fn prepare(&mut self, factor: FirstFactor) -> Result<()> {
        if factor == FirstFactor::PasswordSrp && self.user_srp.is_none() {
            self.user_srp = Some(self.new_user_srp()?);
        }
        Ok(())
    }

    /// Answers `SELECT_CHALLENGE` with `factor`, with `PASSWORD` or `SRP_A`
    /// beside it for the password factors ([`Driver::prepare`] first).
    pub(crate) fn select(mut self: Box<Self>, factor: FirstFactor) -> Step {
        let mut responses = self.base_responses();
        responses.insert(ANSWER.into(), factor.as_str().into());
        match factor {
            FirstFactor::Password => {
                if let Some(password) = self.password.take() {
                    responses.insert(PASSWORD.into(), password.expose_secret().into());
                }
            }
            FirstFactor::PasswordSrp => {
                if let Some(started) = &self.user_srp {
                    responses.insert(names::SRP_A.into(), started.srp_a().to_owned());
                    self.srp_a_sent = true;
                }
            }
            FirstFactor::EmailOtp | FirstFactor::SmsOtp | FirstFactor::WebAuthn => {}
        }
        let session = self.session.clone();
        self.respond_as(
            Sent::Selected(factor),
            ChallengeName::SelectChallenge,
            responses,
            session,
        )
    }

    /// `VerifySoftwareToken` with the first code of the authenticator whose
    /// secret `AssociateSoftwareToken` gave.
    pub(crate) fn verify_software_token(
        self: Box<Self>,
        user_code: &str,
        friendly_device_name: Option<String>,
    ) -> Step {
        let request = self.request(Call::VerifySoftwareToken {
            session: self.session.clone().unwrap_or_default(),
            user_code: user_code.into(),
            friendly_device_name,
        });
        Step::new(self, request, Sent::VerifySoftwareToken)
    }

    /// The `Session` of the `MFA_SETUP` challenge itself.
    pub(crate) fn mfa_setup_session(&self) -> Option<String> {
        self.mfa_setup_session.clone()
    }

    /// The request for `call`, in its `Admin*` form when the sign-in entered
    /// through `AdminInitiateAuth` and the call has one.
    fn request(&self, call: Call) -> Request {
        let admin = self.config.entry == super::Entry::AdminInitiateAuth;
        Request::new(
            self.config.app.client_id().into(),
            admin.then(|| self.config.pool.as_str().into()),
            call,
        )
    }

    /// The first factor that the request in flight started, if any.
    fn pending_factor(&self, sent: Sent) -> Option<FirstFactor> {
        match sent {
            Sent::Initiate => self.config.flow.preferred_challenge(),
            Sent::Selected(factor) => Some(factor),
            _ => None,
        }
    }

    /// Whether the request in flight proved who the user is (a password, an
    /// SRP claim, a code, a credential): only then may the reply carry the
    /// tokens or ask the challenges that follow the first factor.
    fn proven_by(&self, sent: Sent) -> bool {
        match sent {
            Sent::Initiate => self.config.flow.sends_password(),
            Sent::Selected(factor) => factor == FirstFactor::Password,
            Sent::Answer(challenge) => !matches!(
                challenge,
                ChallengeName::DeviceSrpAuth | ChallengeName::SelectChallenge
            ),
            Sent::AssociateSoftwareToken | Sent::VerifySoftwareToken => false,
        }
    }

    /// Whether `challenge` may come in reply to `sent`.
    fn allows(&self, sent: Sent, challenge: ChallengeName) -> bool {
        let flow = self.config.flow;
        let custom = flow == Flow::CustomAuthSrp;
        let proven = self.proven_by(sent);
        let pending = self.pending_factor(sent);
        match challenge {
            // `a` answers one PASSWORD_VERIFIER, and only after `SRP_A` was sent;
            // in CUSTOM_AUTH the Lambdas may put custom challenges first.
            ChallengeName::PasswordVerifier => {
                self.user_srp.is_some()
                    && self.srp_a_sent
                    && match sent {
                        Sent::Initiate | Sent::Selected(FirstFactor::PasswordSrp) => true,
                        Sent::Answer(ChallengeName::CustomChallenge) => custom,
                        _ => false,
                    }
            }
            // A preferred factor the user cannot use also ends in SELECT_CHALLENGE.
            ChallengeName::SelectChallenge => flow.is_user_auth() && sent == Sent::Initiate,
            // The device step comes once the password is proven.
            ChallengeName::DeviceSrpAuth => {
                self.config.device.is_some()
                    && self.user_srp.is_none()
                    && !self.device_started
                    && proven
                    && sent != Sent::Answer(ChallengeName::DevicePasswordVerifier)
            }
            ChallengeName::DevicePasswordVerifier => {
                sent == Sent::Answer(ChallengeName::DeviceSrpAuth)
            }
            ChallengeName::CustomChallenge => custom && (proven || sent == Sent::Initiate),
            // EMAIL_OTP is a first factor and an MFA alike.
            ChallengeName::EmailOtp => proven || pending == Some(FirstFactor::EmailOtp),
            ChallengeName::SmsOtp => pending == Some(FirstFactor::SmsOtp),
            ChallengeName::WebAuthn => pending == Some(FirstFactor::WebAuthn),
            _ => proven,
        }
    }

    /// Checks that the challenge's `USER_ID_FOR_SRP`, `USERNAME` and
    /// `DEVICE_KEY` name this user and device, and learns the real username.
    fn check_user(&mut self, challenge: ChallengeName, parameters: &ParameterMap) -> Result<()> {
        let known =
            |names: &[String], name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        if let Some(id) = parameters.get(names::USER_ID_FOR_SRP) {
            if id.is_empty() {
                return Err(Error::invalid(Field::UserIdForSrp, "empty"));
            }
            if self.real_username_known {
                if !self.username().eq_ignore_ascii_case(id) {
                    return Err(Error::UserMismatch {
                        field: Field::UserIdForSrp,
                    });
                }
            } else {
                self.names.push(id.clone());
                self.real_username_known = true;
            }
        }
        if let Some(name) = parameters.get(names::USERNAME) {
            if name.is_empty() {
                return Err(Error::invalid(Field::Username, "empty"));
            }
            if !known(&self.names, name) {
                // Before any USER_ID_FOR_SRP, a challenge's USERNAME is the
                // real username (a UUID where the email is the username).
                if self.real_username_known || self.names.len() > 1 {
                    return Err(Error::UserMismatch {
                        field: Field::Username,
                    });
                }
                self.names.push(name.clone());
            }
        }
        let device_step = matches!(
            challenge,
            ChallengeName::DeviceSrpAuth | ChallengeName::DevicePasswordVerifier
        );
        if let (true, Some(key), Some(device)) = (
            device_step,
            parameters.get(names::DEVICE_KEY),
            &self.config.device,
        ) && key != device.device_key()
        {
            return Err(Error::UserMismatch {
                field: Field::DeviceKey,
            });
        }
        Ok(())
    }

    fn finish(self: Box<Self>, result: AuthenticationResult) -> Result<Next> {
        let username = self.username().to_owned();
        let device_name = self.config.device_name.clone();
        let origin = super::keep::Origin {
            pool: self.config.pool.clone(),
            client_id: self.config.app.client_id().to_owned(),
            device: self.config.device.clone(),
        };
        Ok(Next::SignedIn(SignedIn::new(
            username,
            result,
            device_name,
            origin,
        )?))
    }

    fn challenge(mut self: Box<Self>, sent: Sent, reply: Reply) -> Result<Next> {
        let after = sent.describe();
        let name = reply.challenge_name.as_deref().unwrap_or_default();
        let challenge = ChallengeName::parse(name)
            .filter(|&c| self.allows(sent, c))
            .ok_or_else(|| Error::unexpected_challenge(name, after))?;
        let parameters = reply.challenge_parameters;
        self.session = reply.session;
        self.check_user(challenge, &parameters)?;
        match challenge {
            ChallengeName::PasswordVerifier => {
                let parsed = PasswordVerifierChallenge::from_challenge_parameters(&parameters)?;
                let (Some(started), Some(password)) = (self.user_srp.take(), self.password.take())
                else {
                    return Err(Error::unexpected_challenge(name, after));
                };
                // The password is wiped when `password` drops, at the end of this arm.
                let claim = started.respond(&parsed, &password)?;
                Ok(Next::Send(
                    self.respond(challenge, claim.into_challenge_responses()),
                ))
            }
            ChallengeName::SelectChallenge => Ok(Next::Prompt(prompt::select_challenge(
                self,
                &reply.available_challenges,
            )?)),
            ChallengeName::MfaSetup => {
                let mfas_can_setup = prompt::mfas_can_setup(&parameters)?;
                let session = match self.session.take() {
                    Some(session) if !session.is_empty() => session,
                    _ => {
                        return Err(Error::Missing {
                            field: Field::Session,
                        });
                    }
                };
                self.mfa_setup_session = Some(session.clone());
                self.session = Some(session.clone());
                // TOTP is what `MFAS_CAN_SETUP` lists when it lists anything:
                // the driver fetches the secret to show at once.
                let totp = mfas_can_setup.is_empty()
                    || mfas_can_setup.contains(&MfaType::SoftwareTokenMfa);
                if !totp {
                    return Ok(Next::Prompt(prompt::mfa_setup(self, mfas_can_setup, None)));
                }
                self.mfas_can_setup = mfas_can_setup;
                let request = self.request(Call::AssociateSoftwareToken { session });
                Ok(Next::Send(Step::new(
                    self,
                    request,
                    Sent::AssociateSoftwareToken,
                )))
            }
            ChallengeName::DeviceSrpAuth => {
                let Some(device) = self.config.device.clone() else {
                    return Err(Error::unexpected_challenge(name, after));
                };
                let client = DeviceSrpClient::new(device).with_app_client(self.config.app.clone());
                let started = match &self.fixed_a {
                    Some(a) => client.start_with_private_ephemeral(self.username(), a)?,
                    None => client.start(self.username())?,
                };
                let responses = started.challenge_responses();
                self.device_srp = Some(started);
                self.device_started = true;
                Ok(Next::Send(self.respond(challenge, responses)))
            }
            ChallengeName::DevicePasswordVerifier => {
                let parsed =
                    DevicePasswordVerifierChallenge::from_challenge_parameters(&parameters)?;
                let Some(started) = self.device_srp.take() else {
                    return Err(Error::unexpected_challenge(name, after));
                };
                let claim = started.respond(&parsed)?;
                Ok(Next::Send(
                    self.respond(challenge, claim.into_challenge_responses()),
                ))
            }
            _ => {
                debug_assert!(challenge.is_prompt());
                Ok(Next::Prompt(prompt::build(self, challenge, parameters)?))
            }
        }
    }

    /// `AssociateSoftwareToken`'s reply: the secret, for the [`prompt::MfaSetup`] prompt.
    fn software_token_associated(mut self: Box<Self>, reply: Reply) -> Result<Next> {
        let secret = match reply.secret_code {
            Some(secret) if !secret.is_empty() => Zeroizing::new(secret),
            _ => {
                return Err(Error::Missing {
                    field: Field::SecretCode,
                });
            }
        };
        match reply.session {
            Some(session) if !session.is_empty() => self.session = Some(session),
            _ => {
                return Err(Error::Missing {
                    field: Field::Session,
                });
            }
        }
        let mfas_can_setup = core::mem::take(&mut self.mfas_can_setup);
        Ok(Next::Prompt(prompt::mfa_setup(
            self,
            mfas_can_setup,
            Some(secret),
        )))
    }

    /// `VerifySoftwareToken`'s reply: on `SUCCESS`, the `MFA_SETUP` answer
    /// with its `Session`.
    fn software_token_verified(self: Box<Self>, reply: Reply) -> Result<Next> {
        match reply.status.as_deref() {
            Some("SUCCESS") => {}
            Some("ERROR") => {
                return Err(Error::UnexpectedReply {
                    reason: "Status ERROR: the code did not verify",
                    after: Sent::VerifySoftwareToken.describe(),
                });
            }
            Some(_) => return Err(Error::invalid(Field::Status, "neither SUCCESS nor ERROR")),
            None => {
                return Err(Error::Missing {
                    field: Field::Status,
                });
            }
        }
        let session = match reply.session {
            Some(session) if !session.is_empty() => session,
            _ => {
                return Err(Error::Missing {
                    field: Field::Session,
                });
            }
        };
        let responses = self.base_responses();
        Ok(Next::Send(self.respond_with_session(
            ChallengeName::MfaSetup,
            responses,
            Some(session),
        )))
    }
}

/// A request that wipes the passwords it carries when it drops.
struct Outgoing(Request);

impl Drop for Outgoing {
    fn drop(&mut self) {
        self.0.wipe_passwords();
    }
}

/// One request in flight. [`Step::receive`] consumes it, so it takes one reply:
///
/// ```compile_fail,E0382
/// use cognito_srp::signin::{Reply, Step};
/// fn receive_twice(step: Step, reply: Reply) {
///     let _ = step.receive(reply.clone());
///     let _ = step.receive(reply); // error[E0382]: use of moved value
/// }
/// ```
///
/// ```
/// use cognito_srp::signin::{Reply, SignIn};
/// use cognito_srp::{AppClient, Error, Password, PoolId};
/// let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
/// let step = signin.start(Password::new("hunter2"))?;
/// assert_eq!(step.request().operation().name(), "InitiateAuth");
/// let error = step.receive(Reply::challenge("SMS_MFA", Default::default(), None)).unwrap_err();
/// assert_eq!(error.to_string(), r#"unexpected challenge "SMS_MFA" in reply to InitiateAuth"#);
/// # Ok::<(), cognito_srp::Error>(())
/// ```
pub struct Step {
    driver: Box<Driver>,
    request: Outgoing,
    sent: Sent,
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Step")
            .field("driver", &self.driver)
            .field("request", &self.request.0)
            .finish()
    }
}

impl Step {
    fn new(driver: Box<Driver>, request: Request, sent: Sent) -> Self {
        Step {
            driver,
            request: Outgoing(request),
            sent,
        }
    }

    pub(crate) fn start(
        config: SignIn,
        password: Option<Password>,
        fixed_a: Option<&[u8]>,
    ) -> Result<Self> {
        let flow = config.flow;
        match flow.required_entry() {
            Some(entry) if entry != config.entry => {
                return Err(Error::invalid(
                    Field::AuthFlow,
                    match entry {
                        Entry::InitiateAuth => "USER_PASSWORD_AUTH goes through InitiateAuth only",
                        Entry::AdminInitiateAuth => {
                            "ADMIN_USER_PASSWORD_AUTH goes through AdminInitiateAuth only"
                        }
                    },
                ));
            }
            _ => {}
        }
        match &password {
            None if flow.needs_password() => {
                return Err(Error::Missing {
                    field: Field::Password,
                });
            }
            Some(password) if flow.sends_password() && password.expose_secret().is_empty() => {
                return Err(Error::invalid(Field::Password, "empty"));
            }
            _ => {}
        }
        let mut driver = Box::new(Driver {
            names: vec![config.username.clone()],
            real_username_known: false,
            password,
            user_srp: None,
            srp_a_sent: flow.srp_at_once(),
            device_srp: None,
            device_started: false,
            fixed_a: fixed_a.map(|a| Zeroizing::new(a.to_vec())),
            session: None,
            mfas_can_setup: Vec::new(),
            mfa_setup_session: None,
            config,
        });
        let mut auth_parameters = if flow.srp_at_once() {
            let started = driver.new_user_srp()?;
            let map = started.auth_parameters();
            driver.user_srp = Some(started);
            map
        } else {
            driver.base_responses()
        };
        if let Some(factor) = flow.preferred_challenge() {
            auth_parameters.insert(PREFERRED_CHALLENGE.into(), factor.as_str().into());
        }
        if flow == Flow::CustomAuthSrp {
            auth_parameters.insert("CHALLENGE_NAME".into(), "SRP_A".into());
        }
        if flow.sends_password() {
            // Moved out of the sign-in: wiped when this map's step is answered or dropped.
            if let Some(password) = driver.password.take() {
                auth_parameters.insert(PASSWORD.into(), password.expose_secret().into());
            }
        }
        let request = driver.request(Call::Initiate {
            auth_flow: flow.auth_flow().into(),
            auth_parameters,
        });
        Ok(Step::new(driver, request, Sent::Initiate))
    }

    /// Whether the sign-in still holds the password.
    #[cfg(test)]
    pub(crate) fn holds_password(&self) -> bool {
        self.driver.password.is_some()
    }

    /// The request to send.
    pub fn request(&self) -> &Request {
        &self.request.0
    }

    /// Takes the reply to [`Step::request`]: the next request, a prompt, or the
    /// finished sign-in. A reply the protocol does not allow here is an error
    /// naming it, and ends the sign-in.
    pub fn receive(self, mut reply: Reply) -> Result<Next> {
        // The request drops here, and wipes any password it carried.
        let Step { driver, sent, .. } = self;
        let after = sent.describe();
        let is_challenge = reply.challenge_name.is_some();
        let result = reply.authentication_result.take();
        if matches!(
            sent,
            Sent::AssociateSoftwareToken | Sent::VerifySoftwareToken
        ) {
            if is_challenge || result.is_some() {
                return Err(Error::UnexpectedReply {
                    reason: "a ChallengeName or an AuthenticationResult",
                    after,
                });
            }
            return if sent == Sent::AssociateSoftwareToken {
                driver.software_token_associated(reply)
            } else {
                driver.software_token_verified(reply)
            };
        }
        match (is_challenge, result) {
            (true, Some(_)) => Err(Error::UnexpectedReply {
                reason: "both a ChallengeName and an AuthenticationResult",
                after,
            }),
            (false, None) => Err(Error::UnexpectedReply {
                reason: "neither a ChallengeName nor an AuthenticationResult",
                after,
            }),
            (false, Some(result)) => {
                if !driver.proven_by(sent) {
                    return Err(Error::UnexpectedReply {
                        reason: "an AuthenticationResult before any proof was sent",
                        after,
                    });
                }
                driver.finish(result)
            }
            (true, None) => driver.challenge(sent, reply),
        }
    }
}

/// What comes after a reply.
///
/// ```
/// use cognito_srp::signin::{Next, Prompt, SignedIn, Step};
/// fn describe(next: &Next) -> String {
///     match next {
///         Next::Send(step) => format!("send {}", step.request().operation()),
///         Next::Prompt(prompt) => format!("ask the user for {}", prompt.challenge_name()),
///         Next::SignedIn(done) => format!("signed in as {}", done.username()),
///     }
/// }
/// ```
// `SignedIn` is the largest variant and comes once per sign-in: boxing it
// would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Next {
    /// The driver answered a challenge itself (`PASSWORD_VERIFIER`,
    /// `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER`), or makes a call of
    /// `MFA_SETUP` (`AssociateSoftwareToken`, and the `MFA_SETUP` answer after
    /// `VerifySoftwareToken`): send this step's request.
    Send(Step),
    /// The pool asks what only the user or the app can give.
    Prompt(Prompt),
    /// The sign-in is done.
    SignedIn(SignedIn),
}
