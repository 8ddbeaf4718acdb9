//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use cognito_srp::signin::Flow;

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  sign-in refused (wrong password or code, unknown user, new password refused, ...)
  2  usage error (bad arguments or input)
  3  network or service error (no answer, throttling, unexpected reply, ...)
  4  local error (device store, terminal)";

/// Amazon Cognito sign-in from the command line: SRP (USER_SRP_AUTH,
/// DEVICE_SRP_AUTH), and the password, one-time code, passkey and custom flows.
#[derive(Debug, Parser)]
#[command(name = "cognito-srp", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in (with SRP unless --flow says otherwise) and print the tokens.
    ///
    /// The password, for the flows that use one, is read from the terminal,
    /// or from the first line of standard input when it is not a terminal
    /// (never from an argument). Prompts and messages go to standard error;
    /// only the tokens go to standard output.
    #[command(after_help = SIGN_IN_HELP)]
    SignIn(SignInCommand),
    /// Print a valid access token (or ID token) of the user: signs in the
    /// first time, then refreshes the kept sign-in when the token is within
    /// a minute of expiry, and signs in again only when Cognito refuses the
    /// refresh token.
    ///
    /// For scripts: curl -H "Authorization: Bearer $(cognito-srp token ...)".
    #[command(after_help = TOKEN_HELP)]
    Token(TokenArgs),
    /// Refresh the kept sign-in and print the new tokens.
    #[command(after_help = REFRESH_HELP)]
    Refresh(RefreshArgs),
    /// Revoke the kept sign-in's refresh token (or, with --global, every
    /// sign-in of the user) and forget it.
    #[command(after_help = SIGN_OUT_HELP)]
    SignOut(SignOutArgs),
    /// Print the SECRET_HASH of a username for an app client with a secret
    /// (for `aws cognito-idp initiate-auth` and other clients).
    #[command(after_help = SECRET_HASH_HELP)]
    SecretHash(SecretHashArgs),
    /// Generate a device password and the DeviceSecretVerifierConfig for
    /// ConfirmDevice, as JSON.
    #[command(after_help = DEVICE_VERIFIER_HELP)]
    DeviceVerifier(DeviceVerifierArgs),
}

const SIGN_IN_HELP: &str = "\
Examples:
  # Prompts for the password (and for an MFA code or a new password if asked):
  cognito-srp sign-in --user-pool-id us-east-1_AbCdEf123 --client-id 3n4b5urk1ft4fl3mg5e62d9ado \\
      --username alice

  # From a script: password on stdin, client secret from the environment,
  # tokens as shell variables, this device remembered for DEVICE_SRP_AUTH next time:
  printf '%s\\n' \"$PASSWORD\" | COGNITO_CLIENT_SECRET=... cognito-srp sign-in \\
      --user-pool-id us-east-1_AbCdEf123 --client-id 3n4b5urk1ft4fl3mg5e62d9ado \\
      --username alice --remember-device --output env

  # No password: a one-time code sent by email (USER_AUTH, first factor EMAIL_OTP):
  cognito-srp sign-in --user-pool-id us-east-1_AbCdEf123 --client-id 3n4b5urk1ft4fl3mg5e62d9ado \\
      --username alice --flow user-auth --first-factor email-otp

Flows: user-srp (the default), custom-auth and user-auth with the first factor
password-srp prove the password by SRP: it never leaves this machine.
--flow password (USER_PASSWORD_AUTH; ADMIN_USER_PASSWORD_AUTH with --admin)
and --first-factor password SEND THE PASSWORD ITSELF TO THE SERVICE. The app
client must allow the flow (ExplicitAuthFlows). --flow user-auth takes
--first-factor password-srp, password, email-otp, sms-otp, web-authn (these
three ask for no password) or choose (the pool's SELECT_CHALLENGE as a menu; a
password factor chosen there asks for the password then).

Standard input, when it is not a terminal, gives one line per answer, in this
order: the client secret (with --client-secret-stdin), the password (for the
flows that start with it), then each answer as it is asked: the new password
(with --new-password-stdin), the first factor chosen at SELECT_CHALLENGE (its
number or name) and the password if that factor needs it, any MFA or one-time
code or custom answer not given as an option, the WebAuthn credential, the
authenticator app's first code at MFA_SETUP.

WEB_AUTHN: the credential request options are printed (on standard error) as
JSON for a passkey authenticator (navigator.credentials.get); its credential
(AuthenticationResponseJSON) is read as one line. MFA_SETUP: the TOTP secret
and its otpauth:// URI (issuer: --totp-issuer, default the user pool id) are
printed, with a QR code of the URI when standard error is a terminal; then the
app's first code is read.

Exit status: 0 signed in, 1 refused, 2 usage error, 3 network or service
error, 4 local error (device store, terminal).";

const TOKEN_HELP: &str = "\
Example:
  curl -H \"Authorization: Bearer $(cognito-srp token --user-pool-id us-east-1_AbCdEf123 \\
      --client-id 3n4b5urk1ft4fl3mg5e62d9ado --username alice)\" https://api.example.com/

The first call signs in as `sign-in` does (same prompts and options) and keeps
the sign-in in the session store (owner-only, 0600), keyed by pool, app client
and username. Later calls print the kept token while it is valid for more than
a minute, refresh it when it is not, and sign in again only when Cognito
refuses the refresh token (revoked, expired, rotated out).";

const REFRESH_HELP: &str = "\
Example:
  cognito-srp refresh --user-pool-id us-east-1_AbCdEf123 \\
      --client-id 3n4b5urk1ft4fl3mg5e62d9ado --username alice

Refreshes the sign-in that `token` or `sign-in --keep` kept, with SECRET_HASH of
the real username and the remembered device's key, and prints the tokens:
REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken for an app client that rotates
refresh tokens (found out when Cognito refuses REFRESH_TOKEN_AUTH, and
remembered in the session store; --rotation from the start). Exit status 1 when
Cognito refuses the refresh token: sign in again.";

const SIGN_OUT_HELP: &str = "\
Example:
  cognito-srp sign-out --global --user-pool-id us-east-1_AbCdEf123 \\
      --client-id 3n4b5urk1ft4fl3mg5e62d9ado --username alice

Without --global: RevokeToken for the kept refresh token. With --global:
GlobalSignOut (AdminUserGlobalSignOut with --admin), which ends every sign-in of
the user. The kept sign-in is forgotten either way.";

const SECRET_HASH_HELP: &str = "\
Example:
  COGNITO_CLIENT_SECRET=... cognito-srp secret-hash --username alice \\
      --client-id 3n4b5urk1ft4fl3mg5e62d9ado

The client secret comes from COGNITO_CLIENT_SECRET or, when that is not set
(or with --client-secret-stdin), from the first line of standard input.";

const DEVICE_VERIFIER_HELP: &str = "\
Example:
  cognito-srp device-verifier --device-group-key -Xy7KqP2w \\
      --device-key us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c

Prints DeviceKey, DeviceGroupKey, DevicePassword (keep it secret: it signs in
as the device) and DeviceSecretVerifierConfig {PasswordVerifier, Salt}, the
input of `aws cognito-idp confirm-device --device-secret-verifier-config`.";

/// Where the client secret comes from.
#[derive(Debug, Args)]
pub struct ClientSecretArgs {
    /// Read the app client's secret from the first line of standard input
    /// (otherwise from COGNITO_CLIENT_SECRET, if set).
    #[arg(long)]
    pub client_secret_stdin: bool,
}

/// Who signs in where: the pool, app client and user, and how to reach Cognito.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The user pool id, e.g. us-east-1_AbCdEf123.
    #[arg(long, value_name = "ID")]
    pub user_pool_id: String,
    /// The app client id.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The username, or an alias (email, phone number) the pool accepts.
    #[arg(long)]
    pub username: String,
    #[command(flatten)]
    pub client_secret: ClientSecretArgs,
    /// Use the Admin* operations (AdminInitiateAuth, ...), signed with the
    /// standard AWS credential chain (environment, profiles, SSO, ...).
    #[arg(long)]
    pub admin: bool,
    /// The region (default: the user pool id's prefix).
    #[arg(long)]
    pub region: Option<String>,
    /// Send the requests there instead of to Cognito (e.g. a local endpoint).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// The sign-in flow.
    #[arg(long, value_enum, default_value_t = FlowArg::UserSrp)]
    pub flow: FlowArg,
    /// The first factor of `--flow user-auth` (its PREFERRED_CHALLENGE)
    /// [default: password-srp].
    #[arg(long, value_enum, value_name = "FACTOR")]
    pub first_factor: Option<FirstFactorArg>,
    /// The TOTP issuer shown by an authenticator app set up at MFA_SETUP
    /// [default: the user pool id].
    #[arg(long, value_name = "NAME")]
    pub totp_issuer: Option<String>,
    /// Read the new password asked by NEW_PASSWORD_REQUIRED from standard
    /// input (on a terminal it is prompted for).
    #[arg(long)]
    pub new_password_stdin: bool,
    /// A required attribute to send with the new password, NAME=VALUE
    /// (repeatable; on a terminal missing ones are prompted for).
    #[arg(long = "attribute", value_name = "NAME=VALUE", value_parser = parse_attribute)]
    pub attributes: Vec<(String, String)>,
    /// The MFA or one-time code (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP,
    /// SMS_OTP), if asked.
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
    /// The answer to a CUSTOM_CHALLENGE, if asked.
    #[arg(long, value_name = "ANSWER")]
    pub custom_answer: Option<String>,
    /// Confirm and remember the device Cognito creates, and keep its
    /// credentials in the device store, so the next sign-in of this user uses
    /// DEVICE_SRP_AUTH. A device already in the store is always used.
    #[arg(long)]
    pub remember_device: bool,
    /// The device store (created owner-only, 0600).
    /// [default: CONFIG_DIR/cognito-srp/devices.json]
    #[arg(long, value_name = "PATH")]
    pub device_store: Option<PathBuf>,
    /// The DeviceName given to ConfirmDevice.
    #[arg(long, value_name = "NAME", default_value = "cognito-srp")]
    pub device_name: String,
}

impl SignInArgs {
    /// The driver's flow for `--flow`, `--first-factor` and `--admin`; an
    /// error for a first factor given to a flow that has none.
    pub fn flow(&self) -> Result<Flow, String> {
        let flow = match (self.flow, self.first_factor) {
            (FlowArg::UserAuth, factor) => match factor.unwrap_or(FirstFactorArg::PasswordSrp) {
                FirstFactorArg::PasswordSrp => Flow::UserAuthPasswordSrp,
                FirstFactorArg::Password => Flow::UserAuthPassword,
                FirstFactorArg::EmailOtp => Flow::UserAuthEmailOtp,
                FirstFactorArg::SmsOtp => Flow::UserAuthSmsOtp,
                FirstFactorArg::WebAuthn => Flow::UserAuthWebAuthn,
                FirstFactorArg::Choose => Flow::UserAuth,
            },
            (_, Some(_)) => return Err("--first-factor goes with --flow user-auth".into()),
            (FlowArg::UserSrp, None) => Flow::UserSrpAuth,
            (FlowArg::Password, None) if self.target.admin => Flow::AdminUserPasswordAuth,
            (FlowArg::Password, None) => Flow::UserPasswordAuth,
            (FlowArg::CustomAuth, None) => Flow::CustomAuthSrp,
        };
        Ok(flow)
    }
}

#[derive(Debug, Args)]
pub struct SignInCommand {
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// Keep the sign-in (refresh token, real username, device) in the
    /// session store, for `refresh`, `token` and `sign-out`.
    #[arg(long)]
    pub keep: bool,
    #[command(flatten)]
    pub session: SessionArgs,
    /// How to print the tokens.
    #[arg(long, value_enum, default_value_t = OutputArg::Json)]
    pub output: OutputArg,
}

/// The kept sign-ins, and how to refresh them.
#[derive(Debug, Args)]
pub struct SessionArgs {
    /// The session store, where kept sign-ins live (created owner-only, 0600).
    /// [default: CONFIG_DIR/cognito-srp/sessions.json]
    #[arg(long, value_name = "PATH")]
    pub session_store: Option<PathBuf>,
    /// The app client rotates refresh tokens: refresh with
    /// GetTokensFromRefreshToken from the start (without it, the command
    /// switches to it when Cognito refuses REFRESH_TOKEN_AUTH, and remembers).
    #[arg(long)]
    pub rotation: bool,
    /// Seconds to add to this machine's clock when judging whether a token
    /// is about to expire (negative for a clock that runs ahead of Cognito's).
    #[arg(
        long,
        value_name = "SECONDS",
        env = "COGNITO_SRP_CLOCK_SKEW",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub clock_skew: i64,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub sign_in: SignInArgs,
    #[command(flatten)]
    pub session: SessionArgs,
    /// Print the ID token instead of the access token.
    #[arg(long)]
    pub id: bool,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub session: SessionArgs,
    /// How to print the tokens.
    #[arg(long, value_enum, default_value_t = OutputArg::Json)]
    pub output: OutputArg,
}

#[derive(Debug, Args)]
pub struct SignOutArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub session: SessionArgs,
    /// Sign out everywhere: every refresh token of the user, on every device
    /// (GlobalSignOut; AdminUserGlobalSignOut with --admin). Without it, only
    /// the kept refresh token is revoked (RevokeToken).
    #[arg(long)]
    pub global: bool,
}

#[derive(Debug, Args)]
pub struct SecretHashArgs {
    /// The username (for SRP flows: USER_ID_FOR_SRP, the real username).
    #[arg(long)]
    pub username: String,
    /// The app client id.
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    #[command(flatten)]
    pub client_secret: ClientSecretArgs,
}

#[derive(Debug, Args)]
pub struct DeviceVerifierArgs {
    /// The DeviceGroupKey of NewDeviceMetadata.
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    pub device_group_key: String,
    /// The DeviceKey of NewDeviceMetadata.
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    pub device_key: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FlowArg {
    /// USER_SRP_AUTH.
    UserSrp,
    /// USER_PASSWORD_AUTH, or ADMIN_USER_PASSWORD_AUTH with --admin: the
    /// password itself is sent to the service.
    Password,
    /// USER_AUTH (choice-based sign-in), with the first factor of
    /// --first-factor.
    UserAuth,
    /// CUSTOM_AUTH started with SRP_A.
    CustomAuth,
}

/// A first factor of `--flow user-auth`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FirstFactorArg {
    /// PASSWORD_SRP: the password proved by SRP, never sent.
    PasswordSrp,
    /// PASSWORD: the password itself is sent to the service.
    Password,
    /// EMAIL_OTP: a code sent by email (no password).
    EmailOtp,
    /// SMS_OTP: a code sent by SMS (no password).
    SmsOtp,
    /// WEB_AUTHN: a passkey (no password): the request options are printed,
    /// the credential JSON is read.
    WebAuthn,
    /// No preference: choose from the pool's SELECT_CHALLENGE menu.
    Choose,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// The AuthenticationResult as JSON.
    Json,
    /// Shell `export` lines (COGNITO_ACCESS_TOKEN, COGNITO_ID_TOKEN, ...).
    Env,
}

fn parse_attribute(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err("expected NAME=VALUE".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn attributes_are_name_equals_value() {
        assert_eq!(
            parse_attribute("email=a=b@example.com"),
            Ok(("email".into(), "a=b@example.com".into()))
        );
        assert!(parse_attribute("=x").is_err());
        assert!(parse_attribute("email").is_err());
    }
}
