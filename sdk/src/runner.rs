//! The loop: send the driver's requests with the SDK, feed it the replies,
//! ask the [`Prompter`] when it stops, confirm the new device.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, DeviceRememberedStatusType,
    DeviceSecretVerifierConfigType,
};
use cognito_srp::signin::{
    AuthenticationResult, Call, NewDevice, NewDeviceMetadata, Next, Prompt, Rejected, Reply,
    Request, SignIn, Step,
};
use cognito_srp::{DeviceCredentials, Password};

use crate::error::{Error, PromptError};
use crate::prompt::Prompter;

/// Runs sign-ins of the `cognito-srp` driver with an SDK [`Client`].
///
/// ```no_run
/// use cognito_srp::signin::SignIn;
/// use cognito_srp::{AppClient, Password, PoolId};
/// use cognito_srp_sdk::{NoPrompts, Runner, load_config};
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = PoolId::parse("eu-west-1_AbCdEf123")?;
/// let config = load_config(pool.region(), None).await;
/// let runner = Runner::new(aws_sdk_cognitoidentityprovider::Client::new(&config));
/// let sign_in = SignIn::new(pool, AppClient::new("3n4b5urk1ft4fl3mg5e62d9ado")?, "alice")?;
/// let signed_in = runner
///     .sign_in(sign_in, Password::new("hunter2"), &mut NoPrompts)
///     .await?;
/// println!("{:?}", signed_in.authentication_result().id_token());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Runner {
    client: Client,
    totp_issuer: Option<String>,
}

/// A [`Prompter`] with no answers: any challenge that needs a person ends the
/// sign-in with [`Error::Prompt`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPrompts;

impl Prompter for NoPrompts {}

/// A finished sign-in.
#[derive(Debug)]
pub struct SignedIn {
    signed_in: cognito_srp::signin::SignedIn,
    authentication_result: AuthenticationResultType,
    username: String,
    new_device: Option<NewDevice>,
    with_device: bool,
    forgot_device: bool,
}

impl SignedIn {
    /// The tokens, as the SDK gives them (`AccessToken` is always present).
    pub fn authentication_result(&self) -> &AuthenticationResultType {
        &self.authentication_result
    }

    /// The access token.
    pub fn access_token(&self) -> &str {
        // The driver refuses a result without one before it says `SignedIn`.
        self.authentication_result
            .access_token()
            .unwrap_or_default()
    }

    /// The real username (`USER_ID_FOR_SRP`), which may differ from the alias
    /// that was typed.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The device Cognito created (`NewDeviceMetadata`), with the credentials
    /// to keep once [`Runner::confirm_device`] has confirmed it.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }

    /// Whether the sign-in was made with a remembered device (its `DEVICE_KEY`
    /// sent, so that Cognito can ask `DEVICE_SRP_AUTH`).
    pub fn signed_in_with_device(&self) -> bool {
        self.with_device
    }

    /// What to keep of the sign-in, for [`Runner::refresh`],
    /// [`Runner::revoke_token`] and [`Runner::global_sign_out`] (see
    /// [`cognito_srp::signin::SignedIn::keep`]; add a device confirmed with
    /// [`Runner::confirm_device`] with `KeptSignIn::with_device`).
    pub fn keep(
        &self,
        received_at: std::time::SystemTime,
    ) -> Result<cognito_srp::signin::KeptSignIn, Error> {
        Ok(self.signed_in.keep(received_at)?)
    }

    /// Whether [`Runner::sign_in_with_device`] was told
    /// `Device does not exist.` and signed in without the device: the caller
    /// should forget the stored credentials.
    pub fn forgot_device(&self) -> bool {
        self.forgot_device
    }
}

impl Runner {
    /// A runner over `client`, whose configuration chooses the region, the
    /// endpoint and (for the `Admin*` operations) the credentials.
    pub fn new(client: Client) -> Self {
        Runner {
            client,
            totp_issuer: None,
        }
    }

    /// The issuer named in the `otpauth://` URI of `MFA_SETUP` (what an
    /// authenticator app shows above the code); the user pool id when not set.
    pub fn with_totp_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.totp_issuer = Some(issuer.into());
        self
    }

    /// The SDK client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs `sign_in` to its end: the driver answers the SRP steps itself,
    /// `prompter` answers the others (`MFA_SETUP` with a software token goes
    /// through `AssociateSoftwareToken` and `VerifySoftwareToken` here).
    ///
    /// The password is moved into the driver, which wipes it once the
    /// `PASSWORD_VERIFIER` claim is signed. With a password flow
    /// ([`Flow::sends_password`](cognito_srp::signin::Flow::sends_password):
    /// `USER_PASSWORD_AUTH`, `ADMIN_USER_PASSWORD_AUTH`, `USER_AUTH` with
    /// `PASSWORD`, or `PASSWORD` chosen at `SELECT_CHALLENGE`) **the password
    /// itself is sent to the service**; every other flow proves it by SRP. A
    /// `NewDeviceMetadata` is not confirmed here: see [`Runner::confirm_device`].
    pub async fn sign_in(
        &self,
        sign_in: SignIn,
        password: Password,
        prompter: &mut impl Prompter,
    ) -> Result<SignedIn, Error> {
        let with_device = sign_in.device().is_some();
        let issuer = self.issuer(&sign_in);
        let step = sign_in.start(password)?;
        self.run(step, with_device, true, &issuer, prompter).await
    }

    /// Runs a passwordless sign-in: `USER_AUTH` with `EMAIL_OTP`, `SMS_OTP` or
    /// `WEB_AUTHN` preferred, or without a preference (the choice then goes to
    /// [`Prompter::select_challenge`], and a password factor chosen there asks
    /// [`Prompter::password`]).
    ///
    /// ```no_run
    /// use cognito_srp::signin::{Flow, MfaCode, SignIn};
    /// use cognito_srp::{AppClient, PoolId};
    /// use cognito_srp_sdk::{PromptError, Prompter, Runner, load_config};
    ///
    /// struct EmailCode;
    /// impl Prompter for EmailCode {
    ///     fn mfa_code(&mut self, challenge: &MfaCode) -> Result<String, PromptError> {
    ///         println!("code sent to {:?}", challenge.code_delivery_destination());
    ///         let mut line = String::new();
    ///         std::io::stdin().read_line(&mut line)?;
    ///         Ok(line.trim().to_owned())
    ///     }
    /// }
    ///
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = PoolId::parse("us-east-1_AbCdEf123")?;
    /// let config = load_config(pool.region(), None).await;
    /// let runner = Runner::new(aws_sdk_cognitoidentityprovider::Client::new(&config));
    /// let sign_in = SignIn::new(pool, AppClient::new("3n4b5urk1ft4fl3mg5e62d9ado")?, "alice")?
    ///     .with_flow(Flow::UserAuthEmailOtp);
    /// let signed_in = runner.sign_in_without_password(sign_in, &mut EmailCode).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sign_in_without_password(
        &self,
        sign_in: SignIn,
        prompter: &mut impl Prompter,
    ) -> Result<SignedIn, Error> {
        let with_device = sign_in.device().is_some();
        let issuer = self.issuer(&sign_in);
        let step = sign_in.start_without_password()?;
        self.run(step, with_device, false, &issuer, prompter).await
    }

    /// The `otpauth://` issuer for `sign_in`.
    fn issuer(&self, sign_in: &SignIn) -> String {
        self.totp_issuer
            .clone()
            .unwrap_or_else(|| sign_in.pool_id().as_str().to_owned())
    }

    /// Sends `step` and the steps after it until the tokens.
    async fn run(
        &self,
        mut step: Step,
        with_device: bool,
        mut has_password: bool,
        issuer: &str,
        prompter: &mut impl Prompter,
    ) -> Result<SignedIn, Error> {
        loop {
            let (reply, sdk_result) = self.send(step.request()).await?;
            step = match step.receive(reply)? {
                Next::Send(next) => next,
                Next::Prompt(prompt) => {
                    self.answer(prompt, prompter, &mut has_password, issuer)
                        .await?
                }
                Next::SignedIn(done) => {
                    let username = done.username().to_owned();
                    let new_device = done.new_device().cloned();
                    // The driver says `SignedIn` only on a reply that carried the tokens.
                    let authentication_result = sdk_result.ok_or(Error::Network(
                        "the reply with the tokens disappeared".into(),
                    ))?;
                    return Ok(SignedIn {
                        signed_in: done,
                        authentication_result,
                        username,
                        new_device,
                        with_device,
                        forgot_device: false,
                    });
                }
            };
        }
    }

    /// Runs `sign_in` with a remembered device (`DEVICE_SRP_AUTH`). If Cognito
    /// says the device does not exist (`ResourceNotFoundException`, e.g. it was
    /// forgotten), signs in again without it, as the AWS SDKs do, and says so
    /// through [`SignedIn::forgot_device`].
    pub async fn sign_in_with_device(
        &self,
        sign_in: SignIn,
        device: DeviceCredentials,
        password: Password,
        prompter: &mut impl Prompter,
    ) -> Result<SignedIn, Error> {
        // Cloned before `start` moves it: the retry needs it once more.
        let retry_password = password.clone();
        match self
            .sign_in(sign_in.clone().with_device(device), password, prompter)
            .await
        {
            Err(Error::Service(e)) if e.code == "ResourceNotFoundException" => {
                let mut signed_in = self.sign_in(sign_in, retry_password, prompter).await?;
                signed_in.forgot_device = true;
                Ok(signed_in)
            }
            other => other,
        }
    }

    /// Confirms the device of a sign-in (`ConfirmDevice` with its
    /// `DeviceSecretVerifierConfig`) and, when `remember`, marks it remembered
    /// (`UpdateDeviceStatus`), so the next sign-in with its credentials goes
    /// through `DEVICE_SRP_AUTH`. Returns `UserConfirmationNecessary`.
    pub async fn confirm_device(&self, device: &NewDevice, remember: bool) -> Result<bool, Error> {
        let input = device.confirm_device();
        let confirmed = self
            .client
            .confirm_device()
            .access_token(input.access_token())
            .device_key(input.device_key())
            .device_secret_verifier_config(device_secret_verifier_config(
                input.device_secret_verifier_config(),
            ))
            .set_device_name(input.device_name().map(str::to_owned))
            .send()
            .await
            .map_err(|e| Error::from_sdk("ConfirmDevice", e))?;
        if remember {
            self.client
                .update_device_status()
                .access_token(input.access_token())
                .device_key(input.device_key())
                .device_remembered_status(DeviceRememberedStatusType::Remembered)
                .send()
                .await
                .map_err(|e| Error::from_sdk("UpdateDeviceStatus", e))?;
        }
        Ok(confirmed.user_confirmation_necessary())
    }

    /// Sends one request of the driver and gives back the reply for it, with
    /// the SDK's `AuthenticationResult` when there is one.
    pub async fn send(
        &self,
        request: &Request,
    ) -> Result<(Reply, Option<AuthenticationResultType>), Error> {
        let client_id = request.client_id();
        let name = request.operation().name();
        // The request's `UserPoolId` is set exactly for the `Admin*` operations.
        let reply = match (request.call(), request.user_pool_id()) {
            (
                Call::Initiate {
                    auth_flow,
                    auth_parameters,
                },
                None,
            ) => {
                let out = self
                    .client
                    .initiate_auth()
                    .client_id(client_id)
                    .auth_flow(AuthFlowType::from(auth_flow.as_str()))
                    .set_auth_parameters(Some(auth_parameters.clone()))
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                reply(
                    out.challenge_name(),
                    out.challenge_parameters(),
                    out.session(),
                    out.available_challenges(),
                    out.authentication_result(),
                )
            }
            (
                Call::Initiate {
                    auth_flow,
                    auth_parameters,
                },
                Some(pool),
            ) => {
                let out = self
                    .client
                    .admin_initiate_auth()
                    .user_pool_id(pool)
                    .client_id(client_id)
                    .auth_flow(AuthFlowType::from(auth_flow.as_str()))
                    .set_auth_parameters(Some(auth_parameters.clone()))
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                reply(
                    out.challenge_name(),
                    out.challenge_parameters(),
                    out.session(),
                    out.available_challenges(),
                    out.authentication_result(),
                )
            }
            (
                Call::Respond {
                    challenge_name,
                    challenge_responses,
                    session,
                },
                None,
            ) => {
                let out = self
                    .client
                    .respond_to_auth_challenge()
                    .client_id(client_id)
                    .challenge_name(ChallengeNameType::from(challenge_name.as_str()))
                    .set_challenge_responses(Some(challenge_responses.clone()))
                    .set_session(session.clone())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                reply(
                    out.challenge_name(),
                    out.challenge_parameters(),
                    out.session(),
                    &[],
                    out.authentication_result(),
                )
            }
            (
                Call::Respond {
                    challenge_name,
                    challenge_responses,
                    session,
                },
                Some(pool),
            ) => {
                let out = self
                    .client
                    .admin_respond_to_auth_challenge()
                    .user_pool_id(pool)
                    .client_id(client_id)
                    .challenge_name(ChallengeNameType::from(challenge_name.as_str()))
                    .set_challenge_responses(Some(challenge_responses.clone()))
                    .set_session(session.clone())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                reply(
                    out.challenge_name(),
                    out.challenge_parameters(),
                    out.session(),
                    out.available_challenges(),
                    out.authentication_result(),
                )
            }
            (Call::AssociateSoftwareToken { session }, _) => {
                let out = self
                    .client
                    .associate_software_token()
                    .session(session.clone())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                let reply = Reply {
                    secret_code: out.secret_code().map(str::to_owned),
                    session: out.session().map(str::to_owned),
                    ..Default::default()
                };
                (reply, None)
            }
            (
                Call::VerifySoftwareToken {
                    session,
                    user_code,
                    friendly_device_name,
                },
                _,
            ) => {
                let out = self
                    .client
                    .verify_software_token()
                    .session(session.clone())
                    .user_code(user_code.clone())
                    .set_friendly_device_name(friendly_device_name.clone())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                let reply = Reply {
                    status: out.status().map(|status| status.as_str().to_owned()),
                    session: out.session().map(str::to_owned),
                    ..Default::default()
                };
                (reply, None)
            }
        };
        Ok(reply)
    }

    /// Asks `prompter` for the answer to `prompt`, and answers with it.
    async fn answer(
        &self,
        prompt: Prompt,
        prompter: &mut impl Prompter,
        has_password: &mut bool,
        issuer: &str,
    ) -> Result<Step, Error> {
        Ok(match prompt {
            Prompt::NewPasswordRequired(challenge) => {
                let (password, attributes) = prompter.new_password(&challenge)?;
                challenge.answer(password, attributes).map_err(invalid)?
            }
            Prompt::SmsMfa(challenge)
            | Prompt::SoftwareTokenMfa(challenge)
            | Prompt::EmailOtp(challenge)
            | Prompt::SmsOtp(challenge) => {
                let code = prompter.mfa_code(&challenge)?;
                challenge.answer(&code).map_err(invalid)?
            }
            Prompt::SelectMfaType(challenge) => {
                let choice = prompter.select_mfa_type(challenge.choices())?;
                challenge.answer(choice).map_err(invalid)?
            }
            Prompt::CustomChallenge(challenge) => {
                let answer = prompter.custom_challenge(challenge.parameters())?;
                challenge.answer(&answer).map_err(invalid)?
            }
            // The driver has fetched the secret (AssociateSoftwareToken); it
            // sends VerifySoftwareToken with the code and then MFA_SETUP.
            Prompt::MfaSetup(setup) => {
                let Some(secret_code) = setup.secret_code() else {
                    return Err(PromptError::Unanswerable(
                        "MFA_SETUP: only a software token can be set up here".into(),
                    )
                    .into());
                };
                let code = match setup.otpauth_uri(issuer) {
                    Some(uri) => prompter.software_token_setup_uri(secret_code, &uri)?,
                    None => prompter.software_token_setup(secret_code)?,
                };
                setup.answer(&code).map_err(invalid)?
            }
            Prompt::SelectChallenge(choice) => {
                let factor = prompter.select_challenge(choice.available_challenges())?;
                if factor.needs_password() && !*has_password {
                    let password = prompter.password()?;
                    *has_password = true;
                    choice
                        .answer_with_password(factor, password)
                        .map_err(invalid)?
                } else {
                    choice.answer(factor).map_err(invalid)?
                }
            }
            Prompt::WebAuthn(challenge) => {
                let credential = prompter.web_authn(challenge.credential_request_options())?;
                challenge.answer(&credential).map_err(invalid)?
            }
        })
    }
}

/// The driver refused the prompter's answer before sending it (a code that is
/// not digits, a required attribute left out, ...).
fn invalid<P>(rejected: Rejected<P>) -> Error {
    Error::InvalidAnswer(rejected.error)
}

/// The SDK's `DeviceSecretVerifierConfigType` (the `ConfirmDevice` input) for
/// the crate's `DeviceSecretVerifierConfig`.
pub fn device_secret_verifier_config(
    config: &cognito_srp::DeviceSecretVerifierConfig,
) -> DeviceSecretVerifierConfigType {
    DeviceSecretVerifierConfigType::builder()
        .password_verifier(config.password_verifier())
        .salt(config.salt())
        .build()
}

/// The driver's `Reply` from the fields of any of the four sign-in outputs.
fn reply(
    challenge_name: Option<&ChallengeNameType>,
    challenge_parameters: Option<&HashMap<String, String>>,
    session: Option<&str>,
    available_challenges: &[ChallengeNameType],
    authentication_result: Option<&AuthenticationResultType>,
) -> (Reply, Option<AuthenticationResultType>) {
    let reply = Reply {
        challenge_name: challenge_name.map(|name| name.as_str().to_owned()),
        challenge_parameters: challenge_parameters.cloned().unwrap_or_default(),
        session: session.map(str::to_owned),
        available_challenges: available_challenges
            .iter()
            .map(|name| name.as_str().to_owned())
            .collect(),
        authentication_result: authentication_result.map(driver_result),
        ..Default::default()
    };
    (reply, authentication_result.cloned())
}

/// The driver's view of the SDK's `AuthenticationResultType`.
fn driver_result(result: &AuthenticationResultType) -> AuthenticationResult {
    AuthenticationResult {
        access_token: result.access_token().map(str::to_owned),
        id_token: result.id_token().map(str::to_owned),
        refresh_token: result.refresh_token().map(str::to_owned),
        expires_in: Some(result.expires_in()),
        token_type: result.token_type().map(str::to_owned),
        new_device_metadata: result
            .new_device_metadata()
            .map(|device| NewDeviceMetadata {
                device_key: device.device_key().map(str::to_owned),
                device_group_key: device.device_group_key().map(str::to_owned),
            }),
    }
}
