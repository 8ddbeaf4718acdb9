//! `PreventUserExistenceErrors` for SRP sign-in.
//!
//! Under `LEGACY` an unknown user gets `UserNotFoundException` at once.
//! Under `ENABLED` the endpoint answers as for a real user: a
//! `PASSWORD_VERIFIER` challenge with a salt and a UUID `USER_ID_FOR_SRP`
//! that are stable per (pool, username), derived with HMAC-SHA-256 under a
//! key drawn once per process, and an `SRP_B` computed from a decoy
//! verifier with the same SRP work. No password matches the decoy (its
//! discrete logarithm is unknown to everyone), so the answer ends in the
//! same `NotAuthorizedException: Incorrect username or password.` as a
//! wrong password.

use std::sync::LazyLock;

use cognito_srp::{Salt, StoredVerifier};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{ApiError, err, no_such_user};
use crate::model::pool::Client;
use crate::random::{random_bytes, uuid_from};

/// The key the decoys are derived under, and the decoy verifier's bytes:
/// drawn once per process, never sent.
struct DecoyKeys {
    hmac_key: Zeroizing<[u8; 32]>,
    verifier: Zeroizing<Vec<u8>>,
}

static DECOY: LazyLock<DecoyKeys> = LazyLock::new(|| {
    let mut verifier = Zeroizing::new(random_bytes::<384>().to_vec());
    // Below the group prime N, whose first byte is 0xff; above zero.
    verifier[0] &= 0x7f;
    verifier[383] |= 1;
    DecoyKeys {
        hmac_key: Zeroizing::new(random_bytes()),
        verifier,
    }
});

/// HMAC-SHA-256 under the decoy key of `label`, `pool_id` and `username`
/// (each length-prefixed, so no two inputs collide).
fn derive(label: &str, pool_id: &str, username: &str) -> Result<[u8; 32], ApiError> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(DECOY.hmac_key.as_slice())
        .map_err(|_| err("InternalErrorException", "decoy key"))?;
    for part in [label, pool_id, username] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    Ok(mac.finalize().into_bytes().into())
}

/// The decoy user of an unknown `username`: its `USER_ID_FOR_SRP` (a UUID,
/// also sent as `USERNAME`) and a verifier with its stable salt.
pub(crate) fn decoy_user(
    pool_id: &str,
    username: &str,
) -> Result<(String, StoredVerifier), ApiError> {
    let id_bytes = derive("USER_ID_FOR_SRP", pool_id, username)?;
    let mut id = [0u8; 16];
    id.copy_from_slice(&id_bytes[..16]);
    let salt_bytes = derive("SALT", pool_id, username)?;
    // As for a real user: 16 bytes, read as a non-negative number.
    let salt = Salt::from_be_bytes(&salt_bytes[..16])
        .ok_or_else(|| err("InternalErrorException", "decoy salt"))?;
    let verifier = StoredVerifier::from_parts(salt, &DECOY.verifier)
        .map_err(|_| err("InternalErrorException", "decoy verifier"))?;
    Ok((uuid_from(id), verifier))
}

/// What an unknown `username` gets from `client`: `UserNotFoundException`
/// under `LEGACY`, the decoy user under `ENABLED`.
pub(crate) fn unknown_user(
    client: &Client,
    username: &str,
) -> Result<(String, StoredVerifier), ApiError> {
    if !client.prevent_user_existence_errors {
        return Err(no_such_user());
    }
    decoy_user(&client.pool_id, username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoy_is_stable_per_pool_and_username_and_differs_between_them() {
        let (id1, v1) = decoy_user("us-east-1_A", "nobody").unwrap();
        let (id2, v2) = decoy_user("us-east-1_A", "nobody").unwrap();
        assert_eq!(id1, id2);
        assert_eq!(v1.salt(), v2.salt());
        let (id3, v3) = decoy_user("us-east-1_B", "nobody").unwrap();
        let (id4, v4) = decoy_user("us-east-1_A", "nobody2").unwrap();
        assert!(id3 != id1 && id4 != id1);
        assert!(v3.salt() != v1.salt() && v4.salt() != v1.salt());
        assert_eq!(id1.len(), 36);
        assert_eq!(&id1[14..15], "4");
    }
}
