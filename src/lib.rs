//! # cognito-srp
//!
//! Amazon Cognito's SRP-6a sign-in (`USER_SRP_AUTH`, `DEVICE_SRP_AUTH`, and
//! `CUSTOM_AUTH` / `USER_AUTH` started with `SRP_A`), byte-exact with the AWS
//! SDKs, on constant-time 3072-bit arithmetic.
//!
//! The crate computes `SRP_A`, the `PASSWORD_CLAIM_SIGNATURE` that answers
//! `PASSWORD_VERIFIER`, `SECRET_HASH`, a device's `DeviceSecretVerifierConfig`
//! and the answer to `DEVICE_PASSWORD_VERIFIER`. It does no I/O: it takes and
//! gives the string maps (`AuthParameters`, `ChallengeParameters`,
//! `ChallengeResponses`) that any Cognito client sends and receives.
//!
//! ```
//! use std::collections::HashMap;
//! use cognito_srp::{PasswordVerifierChallenge, Password, PoolId, UserSrpClient};
//!
//! let client = UserSrpClient::new(PoolId::parse("us-east-1_AbCdEf123")?);
//! let login = client.start("alice")?;
//! let auth_parameters = login.auth_parameters(); // send with InitiateAuth
//! # let challenge_parameters: HashMap<String, String> = HashMap::from([
//! #     ("SRP_B".into(), "2".into()), ("SALT".into(), "abcd".into()),
//! #     ("SECRET_BLOCK".into(), "YWJj".into()), ("USER_ID_FOR_SRP".into(), "alice".into())]);
//! // ... Cognito answers PASSWORD_VERIFIER with `challenge_parameters`
//! let challenge = PasswordVerifierChallenge::from_challenge_parameters(&challenge_parameters)?;
//! let claim = login.respond(&challenge, &Password::new("hunter2"))?;
//! let challenge_responses = claim.into_challenge_responses(); // send with RespondToAuthChallenge
//! assert!(challenge_responses.contains_key("PASSWORD_CLAIM_SIGNATURE"));
//! # Ok::<(), cognito_srp::Error>(())
//! ```
//!
//! The modules follow the protocol's layers: [`arith`] is constant-time
//! modular arithmetic that knows nothing of SRP; [`srp`] is the SRP-6a math on
//! typed values; the wire's text forms (hex, base64, timestamps, maps) are
//! parsed into validated types before the math sees them.
// `unsafe` is allowed in two modules only, each for a measured gain: the AVX-512 IFMA arithmetic
// (src/arith/ifma.rs) and the mulx/adcx/adox assembly (src/arith/adx.rs).
#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

pub mod arith;
mod challenge;
mod client;
mod device;
mod encoding;
mod error;
pub mod group;
mod pool;
mod prime;
mod salt;
mod secret;
mod secret_hash;
mod server;
pub mod signin;
pub mod srp;
mod stack;
mod steps;
mod timestamp;
pub mod wire;

pub use challenge::{DevicePasswordVerifierChallenge, PasswordVerifierChallenge, SecretBlock};
pub use client::{PRIVATE_EPHEMERAL_BYTES, PasswordClaim, UserSrpClient, UserSrpLogin};
pub use device::{
    DEVICE_PASSWORD_RANDOM_BYTES, DEVICE_SALT_BYTES, DeviceCredentials, DeviceSecretVerifierConfig,
    DeviceSrpClient, DeviceSrpLogin,
};
pub use error::{AuthFailure, Error, Field, Result, TokenRefusal};
pub use pool::PoolId;
pub use salt::Salt;
pub use secret::{ClientSecret, DevicePassword, HkdfKey, Password, SecretElement, SecretExponent};
pub use secret_hash::{AppClient, secret_hash};
pub use server::{
    SECRET_BLOCK_BYTES, SERVER_EPHEMERAL_BYTES, ServerSession, SrpServer, StoredVerifier,
    USER_SALT_BYTES,
};
pub use stack::WIPE_BYTES as STACK_WIPE_BYTES;
pub use timestamp::Timestamp;

#[doc = include_str!("../docs/PROTOCOL.md")]
pub mod protocol {}

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
