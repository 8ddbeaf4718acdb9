//! What the driver asks its caller to send.

use core::fmt;

use zeroize::Zeroize;

use crate::wire::ParameterMap;

/// A Cognito operation of the sign-in.
///
/// ```
/// use cognito_srp::signin::Operation;
/// assert_eq!(Operation::RespondToAuthChallenge.name(), "RespondToAuthChallenge");
/// assert!(Operation::AdminRespondToAuthChallenge.is_admin());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `InitiateAuth` (unsigned).
    InitiateAuth,
    /// `RespondToAuthChallenge` (unsigned).
    RespondToAuthChallenge,
    /// `AdminInitiateAuth` (SigV4).
    AdminInitiateAuth,
    /// `AdminRespondToAuthChallenge` (SigV4).
    AdminRespondToAuthChallenge,
    /// `GetTokensFromRefreshToken` (unsigned): the refresh of app clients
    /// that rotate refresh tokens.
    GetTokensFromRefreshToken,
    /// `RevokeToken` (unsigned).
    RevokeToken,
    /// `GlobalSignOut` (unsigned, authorised by the access token).
    GlobalSignOut,
    /// `AdminUserGlobalSignOut` (SigV4).
    AdminUserGlobalSignOut,
    /// `AssociateSoftwareToken` with the `MFA_SETUP` `Session` (unsigned):
    /// the TOTP secret to set up.
    AssociateSoftwareToken,
    /// `VerifySoftwareToken` with that `Session` and the first code (unsigned).
    VerifySoftwareToken,
}

impl Operation {
    /// The operation's name, as in `X-Amz-Target: AWSCognitoIdentityProviderService.<name>`.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::InitiateAuth => "InitiateAuth",
            Operation::RespondToAuthChallenge => "RespondToAuthChallenge",
            Operation::AdminInitiateAuth => "AdminInitiateAuth",
            Operation::AdminRespondToAuthChallenge => "AdminRespondToAuthChallenge",
            Operation::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
            Operation::RevokeToken => "RevokeToken",
            Operation::GlobalSignOut => "GlobalSignOut",
            Operation::AdminUserGlobalSignOut => "AdminUserGlobalSignOut",
            Operation::AssociateSoftwareToken => "AssociateSoftwareToken",
            Operation::VerifySoftwareToken => "VerifySoftwareToken",
        }
    }

    /// Whether it is an `Admin*` operation, which takes `UserPoolId` and is signed.
    pub const fn is_admin(self) -> bool {
        matches!(
            self,
            Operation::AdminInitiateAuth
                | Operation::AdminRespondToAuthChallenge
                | Operation::AdminUserGlobalSignOut
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One request to send: the operation and its input, in the plain strings and
/// maps that every Cognito client takes.
///
/// Only the driver builds one, so its parts cannot disagree: the
/// [`operation`](Request::operation) follows from the [`call`](Request::call)
/// and from whether the request carries a `UserPoolId`, which it does exactly
/// for the `Admin*` operations (when the sign-in entered through
/// `AdminInitiateAuth` and the call has an `Admin*` form). A sender matches on
/// `call()` and `user_pool_id()`, and every pair of them is an operation.
///
/// Its `Debug` leaves out `PASSWORD`, `NEW_PASSWORD`, `Session` and codes.
///
/// ```
/// use cognito_srp::signin::{Call, Operation, SignIn};
/// use cognito_srp::{AppClient, Password, PoolId};
/// let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
/// let step = signin.start(Password::new("hunter2"))?;
/// let request = step.request();
/// assert_eq!(request.operation(), Operation::InitiateAuth);
/// assert_eq!(request.client_id(), "client-id");
/// assert_eq!(request.user_pool_id(), None);
/// let Call::Initiate { auth_flow, auth_parameters } = request.call() else { unreachable!() };
/// assert_eq!(auth_flow, "USER_SRP_AUTH");
/// assert_eq!(auth_parameters["USERNAME"], "alice");
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    client_id: String,
    /// Set exactly for the `Admin*` operations.
    user_pool_id: Option<String>,
    call: Call,
}

impl Request {
    /// The request for `call`: in its `Admin*` form, with `UserPoolId`, when
    /// `user_pool_id` is given and the call has such a form (the TOTP set-up
    /// calls have none, and take no `UserPoolId`).
    pub(crate) fn new(client_id: String, user_pool_id: Option<String>, call: Call) -> Request {
        let admin_form = matches!(call, Call::Initiate { .. } | Call::Respond { .. });
        Request {
            client_id,
            user_pool_id: user_pool_id.filter(|_| admin_form),
            call,
        }
    }

    /// The operation: the call's, in its `Admin*` form when the request
    /// carries a `UserPoolId`.
    pub fn operation(&self) -> Operation {
        match (&self.call, self.user_pool_id.is_some()) {
            (Call::Initiate { .. }, false) => Operation::InitiateAuth,
            (Call::Initiate { .. }, true) => Operation::AdminInitiateAuth,
            (Call::Respond { .. }, false) => Operation::RespondToAuthChallenge,
            (Call::Respond { .. }, true) => Operation::AdminRespondToAuthChallenge,
            (Call::AssociateSoftwareToken { .. }, _) => Operation::AssociateSoftwareToken,
            (Call::VerifySoftwareToken { .. }, _) => Operation::VerifySoftwareToken,
        }
    }

    /// `ClientId` (not sent with `AssociateSoftwareToken` and
    /// `VerifySoftwareToken`, which take none).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `UserPoolId`: `Some` exactly for the `Admin*` operations.
    pub fn user_pool_id(&self) -> Option<&str> {
        self.user_pool_id.as_deref()
    }

    /// The operation's own input.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// Wipes the password values the call holds (`PASSWORD`, `NEW_PASSWORD`).
    pub(crate) fn wipe_passwords(&mut self) {
        self.call.wipe_passwords();
    }
}

/// The input of `InitiateAuth` or of `RespondToAuthChallenge` (or their
/// `Admin*` forms), or of the two calls that set up TOTP in `MFA_SETUP`.
///
/// ```
/// use cognito_srp::signin::Call;
/// fn log(call: &Call) {
///     match call {
///         Call::Initiate { auth_flow, .. } => eprintln!("InitiateAuth {auth_flow}"),
///         Call::Respond { challenge_name, session, .. } => {
///             eprintln!("answer {challenge_name} (with a Session: {})", session.is_some())
///         }
///         Call::AssociateSoftwareToken { .. } => eprintln!("ask the TOTP secret"),
///         Call::VerifySoftwareToken { .. } => eprintln!("verify the first TOTP code"),
///     }
///     if let Some(parameters) = call.parameters() {
///         assert!(parameters.contains_key("USERNAME"));
///     }
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Call {
    /// `(Admin)InitiateAuth`.
    Initiate {
        /// `AuthFlow`.
        auth_flow: String,
        /// `AuthParameters`.
        auth_parameters: ParameterMap,
    },
    /// `(Admin)RespondToAuthChallenge`.
    Respond {
        /// `ChallengeName`.
        challenge_name: String,
        /// `ChallengeResponses`.
        challenge_responses: ParameterMap,
        /// `Session`, as the last reply gave it.
        session: Option<String>,
    },
    /// `AssociateSoftwareToken`.
    AssociateSoftwareToken {
        /// `Session`, of the `MFA_SETUP` challenge.
        session: String,
    },
    /// `VerifySoftwareToken`.
    VerifySoftwareToken {
        /// `Session`, of `AssociateSoftwareToken`'s reply.
        session: String,
        /// `UserCode`: the first code of the authenticator.
        user_code: String,
        /// `FriendlyDeviceName`, if the caller named the authenticator.
        friendly_device_name: Option<String>,
    },
}

impl Call {
    /// `AuthParameters` or `ChallengeResponses` (none for the TOTP set-up calls).
    pub fn parameters(&self) -> Option<&ParameterMap> {
        match self {
            Call::Initiate {
                auth_parameters, ..
            } => Some(auth_parameters),
            Call::Respond {
                challenge_responses,
                ..
            } => Some(challenge_responses),
            Call::AssociateSoftwareToken { .. } | Call::VerifySoftwareToken { .. } => None,
        }
    }

    /// Wipes the password values it holds (`PASSWORD`, `NEW_PASSWORD`).
    pub(crate) fn wipe_passwords(&mut self) {
        let map = match self {
            Call::Initiate {
                auth_parameters, ..
            } => auth_parameters,
            Call::Respond {
                challenge_responses,
                ..
            } => challenge_responses,
            Call::AssociateSoftwareToken { .. } | Call::VerifySoftwareToken { .. } => return,
        };
        for key in PASSWORD_KEYS {
            if let Some(value) = map.get_mut(key) {
                value.zeroize();
            }
        }
    }
}

/// Keys that hold a password: `Debug` leaves them out, and a step wipes them
/// once answered.
const PASSWORD_KEYS: [&str; 2] = ["PASSWORD", "NEW_PASSWORD"];
/// Keys whose values `Debug` leaves out.
const REDACTED_KEYS: [&str; 2] = PASSWORD_KEYS;

struct RedactedMap<'a>(&'a ParameterMap);

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<&String> = self.0.keys().collect();
        keys.sort();
        let mut map = f.debug_map();
        for key in keys {
            if REDACTED_KEYS.contains(&key.as_str()) {
                map.entry(key, &format_args!("<redacted>"));
            } else {
                map.entry(key, &self.0[key]);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::Initiate {
                auth_flow,
                auth_parameters,
            } => f
                .debug_struct("Initiate")
                .field("auth_flow", auth_flow)
                .field("auth_parameters", &RedactedMap(auth_parameters))
                .finish(),
            Call::Respond {
                challenge_name,
                challenge_responses,
                session,
            } => f
                .debug_struct("Respond")
                .field("challenge_name", challenge_name)
                .field("challenge_responses", &RedactedMap(challenge_responses))
                .field(
                    "session",
                    &session.as_ref().map(|_| format_args!("<redacted>")),
                )
                .finish(),
            Call::AssociateSoftwareToken { .. } => f
                .debug_struct("AssociateSoftwareToken")
                .field("session", &format_args!("<redacted>"))
                .finish(),
            Call::VerifySoftwareToken {
                friendly_device_name,
                ..
            } => f
                .debug_struct("VerifySoftwareToken")
                .field("session", &format_args!("<redacted>"))
                .field("user_code", &format_args!("<redacted>"))
                .field("friendly_device_name", friendly_device_name)
                .finish(),
        }
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation())
            .field("client_id", &self.client_id)
            .field("user_pool_id", &self.user_pool_id)
            .field("call", &self.call)
            .finish()
    }
}
