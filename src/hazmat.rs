//! Hazardous materials: the parts below the sign-in, for experts.
//!
//! Named as RustCrypto crates name theirs. Nothing here is needed to sign in
//! ([`signin::SignIn`](crate::signin::SignIn)) or to stand in for Cognito in
//! a test ([`SrpServer`]); everything here can be misused
//! in ways the crate's root does not allow:
//!
//! - [`arith`]: constant-time arithmetic modulo one 3072-bit prime, with the
//!   choice of backend; [`group`]: the protocol's group (`N`, `g`, `k`).
//! - [`srp`]: each SRP-6a formula on typed values, one function each, to check
//!   a step against another implementation.
//! - [`wire`]: the text forms of the protocol's values (hex, base64) and the
//!   parameter names.
//! - The secret value types the formulas take and give ([`SecretElement`],
//!   [`SecretExponent`], [`HkdfKey`]), the sizes of the random values the
//!   crate draws, and [`STACK_WIPE_BYTES`].
//! - The deterministic entry points, which take the random values or the clock
//!   from the caller, for known-answer tests: [`UserSrpClientExt`],
//!   [`UserSrpSignInExt`], [`DeviceSrpClientExt`], [`DeviceSrpSignInExt`],
//!   [`SrpServerExt`], [`ServerSessionExt`] and [`SignInExt`]. A real sign-in
//!   never uses them: a chosen ephemeral that repeats gives the password away.
//!
//! ```
//! use cognito_srp::hazmat::{ServerSessionExt, SrpServerExt, UserSrpClientExt, UserSrpSignInExt};
//! use cognito_srp::{
//!     Password, PasswordVerifierChallenge, PoolId, SecretBlock, SrpServer, StoredVerifier,
//!     Timestamp, UserSrpClient,
//! };
//! let pool = PoolId::parse("us-east-1_AbCdEf123")?;
//! let stored = StoredVerifier::register_user(&pool, "alice", &Password::new("hunter2"))?;
//! let started = UserSrpClient::new(pool.clone()).start_with_private_ephemeral("alice", &[7; 128])?;
//! let session = SrpServer::new().start_user_with(
//!     &pool, "alice", &stored, started.srp_a(), &[9; 32], SecretBlock::from_bytes(vec![1; 64]),
//! )?;
//! let challenge = PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())?;
//! let at = Timestamp::parse("Wed Mar 6 21:29:06 UTC 2024")?;
//! let claim = started.respond_at(&challenge, &Password::new("hunter2"), &at)?;
//! session.verify_at(claim.challenge_responses(), at.datetime())?;
//! # Ok::<(), cognito_srp::Error>(())
//! ```

use chrono::{DateTime, Utc};

use crate::error::Result;
#[cfg(doc)]
use crate::signin::SignIn;
use crate::signin::Step;
use crate::wire::ParameterMap;
use crate::{
    DevicePasswordVerifierChallenge, DeviceSrpSignIn, Password, PasswordClaim,
    PasswordVerifierChallenge, PoolId, SecretBlock, ServerSession, StoredVerifier, Timestamp,
    UserSrpSignIn,
};
#[cfg(doc)]
use crate::{DeviceSrpClient, SrpServer, UserSrpClient};

// The modules stay where they are in the source tree; the crate reaches
// them as `crate::arith` and so on through a `use` in lib.rs.
#[path = "arith/mod.rs"]
pub mod arith;
#[path = "group.rs"]
pub mod group;
#[path = "srp.rs"]
pub mod srp;
#[path = "wire.rs"]
pub mod wire;

pub use crate::client::PRIVATE_EPHEMERAL_BYTES;
pub use crate::device::{DEVICE_PASSWORD_RANDOM_BYTES, DEVICE_SALT_BYTES};
pub use crate::secret::{HkdfKey, SecretElement, SecretExponent};
pub use crate::server::{SECRET_BLOCK_BYTES, SERVER_EPHEMERAL_BYTES};
pub use crate::stack::WIPE_BYTES as STACK_WIPE_BYTES;
pub use crate::stored_verifier::USER_SALT_BYTES;

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::UserSrpClient {}
    impl Sealed for crate::UserSrpSignIn {}
    impl Sealed for crate::DeviceSrpClient {}
    impl Sealed for crate::DeviceSrpSignIn {}
    impl Sealed for crate::SrpServer {}
    impl Sealed for crate::ServerSession {}
    impl Sealed for crate::signin::SignIn {}
}

/// [`UserSrpClient`] with a caller-given `a`.
pub trait UserSrpClientExt: sealed::Sealed {
    /// Starts with a caller-given `a` of 1 to 128 big-endian bytes (tests and
    /// known answers only).
    fn start_with_private_ephemeral(&self, username: &str, a: &[u8]) -> Result<UserSrpSignIn>;
}

/// [`UserSrpSignIn`] signed at a caller-given time.
pub trait UserSrpSignInExt: sealed::Sealed {
    /// Answers the `PASSWORD_VERIFIER` challenge with `password`, signed at `timestamp`.
    fn respond_at(
        self,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
    ) -> Result<PasswordClaim>;
}

/// [`DeviceSrpClient`] with a caller-given `a`.
pub trait DeviceSrpClientExt: sealed::Sealed {
    /// Starts with a caller-given `a` of 1 to 128 big-endian bytes (tests and
    /// known answers only).
    fn start_with_private_ephemeral(&self, username: &str, a: &[u8]) -> Result<DeviceSrpSignIn>;
}

/// [`DeviceSrpSignIn`] signed at a caller-given time.
pub trait DeviceSrpSignInExt: sealed::Sealed {
    /// Answers `DEVICE_PASSWORD_VERIFIER`, signed at `timestamp`.
    fn respond_at(
        self,
        challenge: &DevicePasswordVerifierChallenge,
        timestamp: &Timestamp,
    ) -> Result<PasswordClaim>;
}

/// [`SrpServer`] with a caller-given `b` and `SECRET_BLOCK`.
pub trait SrpServerExt: sealed::Sealed {
    /// [`SrpServer::start_user`] with a caller-given `b` (1 to 128 bytes) and
    /// secret block, for tests and known answers.
    fn start_user_with(
        &self,
        pool: &PoolId,
        user_id_for_srp: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: SecretBlock,
    ) -> Result<ServerSession>;

    /// [`SrpServer::start_device`] with a caller-given `b` and secret block.
    #[allow(clippy::too_many_arguments)]
    fn start_device_with(
        &self,
        device_group_key: &str,
        device_key: &str,
        username: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: SecretBlock,
    ) -> Result<ServerSession>;
}

/// [`ServerSession`] verified against a caller-given clock.
pub trait ServerSessionExt: sealed::Sealed {
    /// [`ServerSession::verify`] with `now` as the server's clock.
    fn verify_at(self, responses: &ParameterMap, now: DateTime<Utc>) -> Result<()>;
}

/// [`SignIn`] with a caller-given `a`.
pub trait SignInExt: sealed::Sealed {
    /// Starts with a caller-given `a` of 1 to 128 big-endian bytes, used for the
    /// user's and the device's SRP step alike.
    ///
    /// For tests and known answers only: a real sign-in must use [`SignIn::start`].
    fn start_with_private_ephemeral(self, password: Password, a: &[u8]) -> Result<Step>;
}
