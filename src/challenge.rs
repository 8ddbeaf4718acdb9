//! The server's challenges, parsed and validated from the wire.
//!
//! A challenge type can only be built from values that passed every check, so
//! the protocol code never sees a malformed `SRP_B`, `SALT` or `SECRET_BLOCK`.

use crate::arith::U3072;
use crate::error::{Error, Field, Result};
use crate::group::N;
use crate::salt::Salt;
use crate::secret_block::SecretBlock;
use crate::wire::{ParameterMap, names, parse_hex_u3072, parse_salt_hex, required};

/// A public ephemeral of the other side (`SRP_B` for a client, `SRP_A` for a
/// server), parsed and checked to be `0 < value < N`.
pub(crate) fn parse_public_ephemeral(field: Field, text: &str) -> Result<U3072> {
    let value = parse_hex_u3072(field, text)?;
    if value == U3072::ZERO || value == N {
        return Err(Error::invalid(field, "its value mod N is 0"));
    }
    if value > N {
        return Err(Error::invalid(field, "not below the group prime N"));
    }
    Ok(value)
}

/// What every SRP challenge carries: `SRP_B`, `SALT`, `SECRET_BLOCK`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SrpParameters {
    pub(crate) srp_b: U3072,
    pub(crate) salt: Salt,
    pub(crate) secret_block: SecretBlock,
}

impl SrpParameters {
    fn parse(srp_b: &str, salt: &str, secret_block: &str) -> Result<Self> {
        Ok(SrpParameters {
            srp_b: parse_public_ephemeral(Field::SrpB, srp_b)?,
            salt: parse_salt_hex(salt)?,
            secret_block: SecretBlock::parse(secret_block)?,
        })
    }

    fn from_map(map: &ParameterMap) -> Result<Self> {
        Self::parse(
            required(map, names::SRP_B, Field::SrpB)?,
            required(map, names::SALT, Field::Salt)?,
            required(map, names::SECRET_BLOCK, Field::SecretBlock)?,
        )
    }
}

fn non_empty(field: Field, value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(Error::invalid(field, "empty"));
    }
    Ok(value.to_owned())
}

/// The `PASSWORD_VERIFIER` challenge of a `USER_SRP_AUTH` sign-in, validated.
///
/// ```
/// use std::collections::HashMap;
/// use cognito_srp::PasswordVerifierChallenge;
/// let mut parameters = HashMap::new();
/// parameters.insert("SRP_B".to_string(), "0x1234".to_string());
/// parameters.insert("SALT".to_string(), "abcd".to_string());
/// parameters.insert("SECRET_BLOCK".to_string(), "YWJj".to_string());
/// parameters.insert("USER_ID_FOR_SRP".to_string(), "alice".to_string());
/// let error = PasswordVerifierChallenge::from_challenge_parameters(&parameters).unwrap_err();
/// assert!(error.to_string().starts_with("invalid SRP_B: not hexadecimal"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordVerifierChallenge {
    pub(crate) srp: SrpParameters,
    pub(crate) user_id_for_srp: String,
    pub(crate) username: Option<String>,
}

impl PasswordVerifierChallenge {
    /// From Cognito's `ChallengeParameters`: `SRP_B`, `SALT`, `SECRET_BLOCK`,
    /// `USER_ID_FOR_SRP` are required; `USERNAME` is kept when present.
    pub fn from_challenge_parameters(map: &ParameterMap) -> Result<Self> {
        let srp = SrpParameters::from_map(map)?;
        let user_id_for_srp = non_empty(
            Field::UserIdForSrp,
            required(map, names::USER_ID_FOR_SRP, Field::UserIdForSrp)?,
        )?;
        Ok(PasswordVerifierChallenge {
            srp,
            user_id_for_srp,
            username: map.get(names::USERNAME).cloned(),
        })
    }

    /// From the four fields as received.
    pub fn new(srp_b: &str, salt: &str, secret_block: &str, user_id_for_srp: &str) -> Result<Self> {
        Ok(PasswordVerifierChallenge {
            srp: SrpParameters::parse(srp_b, salt, secret_block)?,
            user_id_for_srp: non_empty(Field::UserIdForSrp, user_id_for_srp)?,
            username: None,
        })
    }

    /// `USER_ID_FOR_SRP`: the name the claim is bound to, and the `USERNAME` of the response.
    pub fn user_id_for_srp(&self) -> &str {
        &self.user_id_for_srp
    }

    /// `USERNAME` as the challenge carried it, if it did.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The salt.
    pub fn salt(&self) -> &Salt {
        &self.srp.salt
    }

    /// `SECRET_BLOCK`.
    pub fn secret_block(&self) -> &SecretBlock {
        &self.srp.secret_block
    }
}

/// The `DEVICE_PASSWORD_VERIFIER` challenge of a `DEVICE_SRP_AUTH` sign-in, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePasswordVerifierChallenge {
    pub(crate) srp: SrpParameters,
}

impl DevicePasswordVerifierChallenge {
    /// From Cognito's `ChallengeParameters`: `SRP_B`, `SALT`, `SECRET_BLOCK` are required.
    pub fn from_challenge_parameters(map: &ParameterMap) -> Result<Self> {
        Ok(DevicePasswordVerifierChallenge {
            srp: SrpParameters::from_map(map)?,
        })
    }

    /// From the three fields as received.
    pub fn new(srp_b: &str, salt: &str, secret_block: &str) -> Result<Self> {
        Ok(DevicePasswordVerifierChallenge {
            srp: SrpParameters::parse(srp_b, salt, secret_block)?,
        })
    }

    /// The device's salt.
    pub fn salt(&self) -> &Salt {
        &self.srp.salt
    }

    /// `SECRET_BLOCK`.
    pub fn secret_block(&self) -> &SecretBlock {
        &self.srp.secret_block
    }
}
