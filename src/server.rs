//! The server's side: issue `SRP_B`, verify claims (the verifiers it checks
//! against are [`StoredVerifier`]s).
//!
//! What Cognito does, so the crate can check its own client and stand in for
//! Cognito in other projects' tests. docs/PROTOCOL.md, "The server's side":
//! `B = (k*v + g^b) mod N`, `S = (A * v^u)^b mod N`, then the same key and
//! signature as the client, compared in constant time.

use core::fmt;

use chrono::{DateTime, Duration, Utc};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::arith::U3072;
use crate::challenge::parse_public_ephemeral;
use crate::error::{AuthFailure, Error, Field, Result};
use crate::hazmat::{ServerSessionExt, SrpServerExt};
use crate::pool::PoolId;
use crate::secret_block::SecretBlock;
use crate::srp::PrivateEphemeral;
use crate::srp::unwiped;
use crate::stack::wiped;
use crate::stored_verifier::StoredVerifier;
use crate::timestamp::Timestamp;
use crate::wire::{ParameterMap, decode_base64, hex_salt, hex_u3072, names, required};

/// Bytes of the server's private ephemeral `b` (256 bits, as in
/// docs/PROTOCOL.md, "The server's side").
pub const SERVER_EPHEMERAL_BYTES: usize = 32;
/// Bytes of a fresh `SECRET_BLOCK`.
pub const SECRET_BLOCK_BYTES: usize = 64;

/// The server's settings.
#[derive(Clone, Copy, Debug)]
pub struct SrpServer {
    clock_skew: Duration,
}

impl Default for SrpServer {
    fn default() -> Self {
        SrpServer {
            clock_skew: Duration::minutes(5),
        }
    }
}

/// Who a session authenticates, and the strings its hashes bind.
#[derive(Clone, Debug)]
enum Identity {
    User {
        pool_name: String,
        /// The user's real username, sent as both `USER_ID_FOR_SRP` and `USERNAME`.
        user_id_for_srp: String,
    },
    Device {
        device_group_key: String,
        device_key: String,
        username: String,
    },
}

impl Identity {
    fn realm(&self) -> &str {
        match self {
            Identity::User { pool_name, .. } => pool_name,
            Identity::Device {
                device_group_key, ..
            } => device_group_key,
        }
    }

    fn identity(&self) -> &str {
        match self {
            Identity::User {
                user_id_for_srp, ..
            } => user_id_for_srp,
            Identity::Device { device_key, .. } => device_key,
        }
    }
}

impl SrpServer {
    /// A server that accepts a `TIMESTAMP` within 5 minutes of its clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept a `TIMESTAMP` within `skew` of the server's clock, either way.
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew.abs();
        self
    }

    /// Answers a user's `SRP_A` with a `PASSWORD_VERIFIER` session (fresh `b`
    /// and `SECRET_BLOCK`).
    ///
    /// `user_id_for_srp` is the user's real username (a UUID in pools that
    /// sign in with email or phone), not the alias the user typed: Cognito
    /// sends it as both `USER_ID_FOR_SRP` and `USERNAME`, and the claim is
    /// bound to it.
    pub fn start_user(
        &self,
        pool: &PoolId,
        user_id_for_srp: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
    ) -> Result<ServerSession> {
        let (b, secret_block) = fresh_b_and_secret_block()?;
        self.start_user_with(pool, user_id_for_srp, verifier, srp_a, &b[..], secret_block)
    }

    /// Answers a device's `SRP_A` (in `DEVICE_SRP_AUTH`) with a
    /// `DEVICE_PASSWORD_VERIFIER` session.
    pub fn start_device(
        &self,
        device_group_key: &str,
        device_key: &str,
        username: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
    ) -> Result<ServerSession> {
        let (b, secret_block) = fresh_b_and_secret_block()?;
        self.start_device_with(
            device_group_key,
            device_key,
            username,
            verifier,
            srp_a,
            &b[..],
            secret_block,
        )
    }

    fn start(
        &self,
        identity: Identity,
        verifier: &StoredVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: SecretBlock,
    ) -> Result<ServerSession> {
        let srp_a = parse_public_ephemeral(Field::SrpA, srp_a)?;
        let b = unwiped::private_ephemeral(b)?;
        let srp_b = unwiped::server_public_ephemeral(verifier.verifier(), &b);
        Ok(ServerSession {
            settings: *self,
            identity,
            verifier: verifier.clone(),
            srp_a,
            srp_b_hex: hex_u3072(&srp_b),
            srp_b,
            b,
            secret_block,
        })
    }
}

/// A fresh `b` (on the heap, so that no copy of it is left in this frame)
/// and `SECRET_BLOCK`.
fn fresh_b_and_secret_block() -> Result<(Zeroizing<Vec<u8>>, SecretBlock)> {
    let mut b = Zeroizing::new(vec![0u8; SERVER_EPHEMERAL_BYTES]);
    let mut block = vec![0u8; SECRET_BLOCK_BYTES];
    getrandom::fill(&mut b[..]).map_err(|_| Error::Random)?;
    getrandom::fill(&mut block).map_err(|_| Error::Random)?;
    Ok((b, SecretBlock::from_bytes(block)))
}

/// One server-side sign-in in progress: it holds the secret `b` and verifies
/// one response, which consumes it.
///
/// A session cannot verify twice:
/// ```compile_fail
/// # use std::collections::HashMap;
/// fn verify_twice(session: cognito_srp::ServerSession, responses: &HashMap<String, String>) {
///     let _ = session.verify(responses);
///     let _ = session.verify(responses); // error[E0382]: use of moved value
/// }
/// ```
pub struct ServerSession {
    settings: SrpServer,
    identity: Identity,
    verifier: StoredVerifier,
    srp_a: U3072,
    srp_b: U3072,
    srp_b_hex: String,
    b: PrivateEphemeral,
    secret_block: SecretBlock,
}

/// `b` is a [`PrivateEphemeral`] and the verifier a [`StoredVerifier`]; both wipe themselves on drop.
impl zeroize::ZeroizeOnDrop for ServerSession {}

impl fmt::Debug for ServerSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSession")
            .field("identity", &self.identity)
            .field("srp_b", &self.srp_b_hex)
            .field("secret_block", &self.secret_block)
            .finish_non_exhaustive()
    }
}

impl ServerSession {
    /// `SRP_B = hex(B)`.
    pub fn srp_b(&self) -> &str {
        &self.srp_b_hex
    }

    /// `PASSWORD_VERIFIER` or `DEVICE_PASSWORD_VERIFIER`.
    pub fn challenge_name(&self) -> &'static str {
        match self.identity {
            Identity::User { .. } => "PASSWORD_VERIFIER",
            Identity::Device { .. } => "DEVICE_PASSWORD_VERIFIER",
        }
    }

    /// The `SECRET_BLOCK` this session issued.
    pub fn secret_block(&self) -> &SecretBlock {
        &self.secret_block
    }

    /// The `ChallengeParameters`: `SALT`, `SRP_B`, `SECRET_BLOCK`, `USERNAME`,
    /// and `USER_ID_FOR_SRP` for a user or `DEVICE_KEY` for a device.
    pub fn challenge_parameters(&self) -> ParameterMap {
        let mut map = ParameterMap::new();
        map.insert(names::SALT.into(), hex_salt(self.verifier.salt()));
        map.insert(names::SRP_B.into(), self.srp_b_hex.clone());
        map.insert(
            names::SECRET_BLOCK.into(),
            self.secret_block.as_str().into(),
        );
        match &self.identity {
            Identity::User {
                user_id_for_srp, ..
            } => {
                map.insert(names::USER_ID_FOR_SRP.into(), user_id_for_srp.clone());
                map.insert(names::USERNAME.into(), user_id_for_srp.clone());
            }
            Identity::Device {
                device_key,
                username,
                ..
            } => {
                map.insert(names::DEVICE_KEY.into(), device_key.clone());
                map.insert(names::USERNAME.into(), username.clone());
            }
        }
        map
    }

    /// Verifies the `ChallengeResponses` against the system clock.
    ///
    /// Malformed fields give [`Error::Missing`] or [`Error::Invalid`]; a
    /// well-formed claim that fails gives [`Error::NotAuthorized`] with the
    /// local reason (tell the remote side only
    /// [`AuthFailure::remote_message`]). Consumes the session: a session
    /// answers one response.
    pub fn verify(self, responses: &ParameterMap) -> Result<()> {
        self.verify_at(responses, Utc::now())
    }

    fn verify_unwiped(self, responses: &ParameterMap, now: DateTime<Utc>) -> Result<()> {
        let secret_block = required(
            responses,
            names::PASSWORD_CLAIM_SECRET_BLOCK,
            Field::SecretBlock,
        )?;
        let timestamp = Timestamp::parse(required(responses, names::TIMESTAMP, Field::Timestamp)?)?;
        let signature = decode_base64(
            Field::PasswordClaimSignature,
            required(
                responses,
                names::PASSWORD_CLAIM_SIGNATURE,
                Field::PasswordClaimSignature,
            )?,
        )?;
        let username = required(responses, names::USERNAME, Field::Username)?;

        let identity_matches = match &self.identity {
            Identity::User {
                user_id_for_srp, ..
            } => username == user_id_for_srp,
            Identity::Device { device_key, .. } => {
                required(responses, names::DEVICE_KEY, Field::DeviceKey)? == device_key
            }
        };
        if !identity_matches {
            return Err(Error::NotAuthorized(AuthFailure::IdentityMismatch));
        }
        if !bool::from(
            secret_block
                .as_bytes()
                .ct_eq(self.secret_block.as_str().as_bytes()),
        ) {
            return Err(Error::NotAuthorized(AuthFailure::SecretBlockMismatch));
        }
        let skew = (timestamp.datetime() - now).abs();
        if skew > self.settings.clock_skew {
            return Err(Error::NotAuthorized(AuthFailure::TimestampOutOfRange));
        }

        let u = unwiped::compute_u(&self.srp_a, &self.srp_b);
        if u == [0; 32] {
            return Err(Error::invalid(Field::U, "u = H(pad(A) || pad(B)) is 0"));
        }
        let s =
            unwiped::server_premaster_secret(&self.srp_a, self.verifier.verifier(), &u, &self.b);
        let key = unwiped::derive_key(&u, &s);
        let expected = Zeroizing::new(unwiped::password_claim_signature(
            &key,
            self.identity.realm(),
            self.identity.identity(),
            self.secret_block.as_bytes(),
            timestamp.as_str(),
        ));
        // A signature of the wrong length compares unequal without a branch
        // on the expected value's content.
        if bool::from(expected.as_slice().ct_eq(&signature)) {
            Ok(())
        } else {
            Err(Error::NotAuthorized(AuthFailure::SignatureMismatch))
        }
    }
}

impl SrpServerExt for SrpServer {
    fn start_user_with(
        &self,
        pool: &PoolId,
        user_id_for_srp: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: SecretBlock,
    ) -> Result<ServerSession> {
        if user_id_for_srp.is_empty() {
            return Err(Error::invalid(Field::UserIdForSrp, "empty"));
        }
        let identity = Identity::User {
            pool_name: pool.pool_name().to_owned(),
            user_id_for_srp: user_id_for_srp.to_owned(),
        };
        wiped(|| self.start(identity, verifier, srp_a, b, secret_block))
    }

    fn start_device_with(
        &self,
        device_group_key: &str,
        device_key: &str,
        username: &str,
        verifier: &StoredVerifier,
        srp_a: &str,
        b: &[u8],
        secret_block: SecretBlock,
    ) -> Result<ServerSession> {
        if device_group_key.is_empty() {
            return Err(Error::invalid(Field::DeviceGroupKey, "empty"));
        }
        if device_key.is_empty() {
            return Err(Error::invalid(Field::DeviceKey, "empty"));
        }
        let identity = Identity::Device {
            device_group_key: device_group_key.to_owned(),
            device_key: device_key.to_owned(),
            username: username.to_owned(),
        };
        wiped(|| self.start(identity, verifier, srp_a, b, secret_block))
    }
}

impl ServerSessionExt for ServerSession {
    fn verify_at(self, responses: &ParameterMap, now: DateTime<Utc>) -> Result<()> {
        wiped(move || self.verify_unwiped(responses, now))
    }
}
