//! Runs the sans-I/O sign-in driver of [`cognito_srp`] over the AWS SDK for
//! Rust (`aws-sdk-cognitoidentityprovider`): `InitiateAuth` /
//! `RespondToAuthChallenge`, or `AdminInitiateAuth` /
//! `AdminRespondToAuthChallenge` signed with SigV4 by the SDK's credential
//! chain, then `ConfirmDevice` and `UpdateDeviceStatus` for a new device;
//! and after it the refresh (`REFRESH_TOKEN_AUTH` or
//! `GetTokensFromRefreshToken`), `RevokeToken`, `GlobalSignOut` and
//! `AdminUserGlobalSignOut` of a kept sign-in ([`Runner::refresh`]).
//!
//! A crate of its own, not a feature of `cognito-srp`: the library's build
//! never sees the SDK, tokio or an HTTP stack, whatever features a dependency
//! graph unifies, and users who bring their own Cognito client drive
//! [`cognito_srp::signin::SignIn`] themselves.
//!
//! The SDK's types are at the edges: a [`Client`](aws_sdk_cognitoidentityprovider::Client)
//! goes in, an [`AuthenticationResultType`](aws_sdk_cognitoidentityprovider::types::AuthenticationResultType)
//! comes out, and [`device_secret_verifier_config`] gives the
//! `DeviceSecretVerifierConfigType` of `ConfirmDevice`. Challenges that need a
//! person (a new password, an MFA code, a custom answer) go to the caller's
//! [`Prompter`].
//!
//! ```no_run
//! use cognito_srp::signin::SignIn;
//! use cognito_srp::{AppClient, Password, PoolId};
//! use cognito_srp_sdk::{NoPrompts, Runner, load_config};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let pool = PoolId::parse("us-east-1_AbCdEf123")?;
//! let config = load_config(pool.region(), None).await;
//! let runner = Runner::new(aws_sdk_cognitoidentityprovider::Client::new(&config));
//! let sign_in = SignIn::new(pool, AppClient::new("3n4b5urk1ft4fl3mg5e62d9ado")?, "alice")?;
//! match runner.sign_in(sign_in, Password::new("hunter2"), &mut NoPrompts).await {
//!     Ok(signed_in) => println!("{:?}", signed_in.authentication_result().id_token()),
//!     Err(e) if e.is_refused() => eprintln!("wrong username or password: {e}"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```

mod config;
mod error;
mod prompt;
mod runner;
mod tokens;

pub use config::{https_client, load_config};
pub use error::{Error, PromptError, ServiceError};
pub use prompt::Prompter;
pub use runner::{NoPrompts, Runner, SignedIn, device_secret_verifier_config};

/// The SDK crates this runner was built with, so callers name the same versions.
pub use aws_config;
/// The SDK crates this runner was built with, so callers name the same versions.
pub use aws_sdk_cognitoidentityprovider;
