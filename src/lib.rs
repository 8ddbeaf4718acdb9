//! # cognito-srp
//!
//! Amazon Cognito's SRP-6a sign-in (`USER_SRP_AUTH`, `DEVICE_SRP_AUTH`, and
//! `CUSTOM_AUTH` / `USER_AUTH` started with `SRP_A`), byte-exact with the AWS
//! SDKs, on constant-time 3072-bit arithmetic.
//!
//! It does no I/O: it says what to send and takes what came back, in the
//! plain strings and maps (`AuthParameters`, `ChallengeParameters`,
//! `ChallengeResponses`) that any Cognito client sends and receives.
//!
//! The whole sign-in is [`signin::SignIn`]: it answers `PASSWORD_VERIFIER`,
//! the device steps and `SELECT_CHALLENGE` itself, carries `Session`, the real
//! username and `SECRET_HASH` from step to step, and stops with a typed
//! [`signin::Prompt`] for what only a person can give (an MFA code, a new
//! password). The loop, with the caller's I/O in `send` (here a local
//! [`SrpServer`] stands in for Cognito):
//!
//! ```
//! use cognito_srp::signin::{Next, Prompt, Reply, Request, SignIn};
//! use cognito_srp::{AppClient, Password, PoolId};
//! # use cognito_srp::signin::{AuthenticationResult, Call};
//! # use cognito_srp::{SrpServer, StoredVerifier};
//! # let pool = PoolId::parse("us-east-1_AbCdEf123")?;
//! # let stored = StoredVerifier::register_user(&pool, "alice", &Password::new("hunter2"))?;
//! # let mut session = None;
//! # let mut send = |request: &Request| -> Result<Reply, cognito_srp::Error> {
//! #     Ok(match request.call() {
//! #         Call::Initiate { auth_parameters, .. } => {
//! #             let s = SrpServer::new().start_user(&pool, "alice", &stored, &auth_parameters["SRP_A"])?;
//! #             let reply = Reply::challenge("PASSWORD_VERIFIER", s.challenge_parameters(), None);
//! #             session = Some(s);
//! #             reply
//! #         }
//! #         Call::Respond { challenge_responses, .. } => {
//! #             session.take().unwrap().verify(challenge_responses)?;
//! #             Reply::authenticated(AuthenticationResult { access_token: Some("eyJ...".into()), ..Default::default() })
//! #         }
//! #         _ => unreachable!(),
//! #     })
//! # };
//! let signin = SignIn::new(PoolId::parse("us-east-1_AbCdEf123")?, AppClient::new("client-id")?, "alice")?;
//! let mut step = signin.start(Password::new("hunter2"))?;
//! let signed_in = loop {
//!     // Send `step.request()` with any Cognito client (or as JSON: `to_json()`, `target()`).
//!     let reply = send(step.request())?;
//!     match step.receive(reply)? {
//!         Next::Send(next) => step = next,
//!         Next::Prompt(Prompt::SoftwareTokenMfa(prompt)) => step = prompt.answer("123456")?,
//!         Next::Prompt(other) => panic!("not handled here: {other:?}"),
//!         Next::SignedIn(signed_in) => break signed_in,
//!     }
//! };
//! assert_eq!(signed_in.access_token(), "eyJ...");
//! # Ok::<(), cognito_srp::Error>(())
//! ```
//!
//! The layers, from the top; use the highest one that fits:
//!
//! | Layer | Use it when |
//! |---|---|
//! | [`signin::SignIn`], the sign-in driver | you send the requests yourself (any HTTP client or AWS SDK): the whole sign-in, every challenge, refresh and sign-out |
//! | `cognito-srp-sdk` (a crate of this repository) | you use the AWS SDK for Rust: it runs the driver over a `Client` |
//! | per-step clients: [`UserSrpClient`], [`DeviceSrpClient`], [`SrpServer`] | you run your own loop and want only the SRP steps (`SRP_A`, the `PASSWORD_VERIFIER` answer), or a server that verifies them |
//! | [`hazmat`] | you check a formula against another implementation, pick an arithmetic backend, or need fixed ephemerals for known answers |
//!
// `unsafe` is allowed in two modules only, each for a measured gain: the AVX-512 IFMA arithmetic
// (src/arith/ifma.rs) and the mulx/adcx/adox assembly (src/arith/adx.rs).
#![deny(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod app_client;
mod challenge;
mod client;
mod device;
mod encoding;
mod error;
pub mod hazmat;
mod pool;
mod prime;
mod salt;
mod secret;
mod secret_block;
mod secret_hash;
mod server;
pub mod signin;
mod stack;
mod stored_verifier;
mod timestamp;

pub use app_client::AppClient;
pub use challenge::{DevicePasswordVerifierChallenge, PasswordVerifierChallenge};
pub use client::{PasswordClaim, UserSrpClient, UserSrpSignIn};
pub use device::{DeviceCredentials, DeviceSecretVerifierConfig, DeviceSrpClient, DeviceSrpSignIn};
pub use error::{AuthFailure, Error, Field, Result, TokenRefusal};
pub use pool::PoolId;
pub use salt::Salt;
pub use secret::{ClientSecret, DevicePassword, Password};
pub use secret_block::SecretBlock;
pub use secret_hash::secret_hash;
pub use server::{ServerSession, SrpServer};
pub use stored_verifier::StoredVerifier;
pub use timestamp::Timestamp;
pub use wire::ParameterMap;

// The hazmat modules, as the rest of the crate names them.
use hazmat::{arith, group, srp, wire};

#[doc = include_str!("../docs/PROTOCOL.md")]
pub mod protocol {}

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
