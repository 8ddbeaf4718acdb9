//! User pool ids and the pool name that SRP hashes.

use core::fmt;

use crate::error::{Error, Field, Result};

/// A validated user pool id, `<region>_<name>` (for example `us-east-1_AbCdEf123`).
///
/// The region is letters, digits and `-`; the name letters and digits; the
/// whole id at most 55 characters. The *pool name* (the part after the
/// underscore) is what SRP hashes into `x` and the signature.
///
/// ```
/// use cognito_srp::PoolId;
/// let pool = PoolId::parse("us-east-1_AbCdEf123")?;
/// assert_eq!(pool.pool_name(), "AbCdEf123");
/// assert_eq!(pool.region(), "us-east-1");
/// assert!(PoolId::parse("us-east-1_ab-cd").is_err());
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PoolId {
    id: String,
    underscore: usize,
}

impl PoolId {
    /// The longest pool id Cognito issues.
    pub const MAX_LEN: usize = 55;

    /// Parses and validates a user pool id.
    pub fn parse(id: &str) -> Result<Self> {
        let invalid = |reason| Error::invalid(Field::PoolId, reason);
        if id.is_empty() {
            return Err(invalid("empty"));
        }
        if id.len() > Self::MAX_LEN {
            return Err(invalid("longer than the 55 characters a pool id may have"));
        }
        let (region, name) = id
            .split_once('_')
            .ok_or(invalid("no '_' between region and pool name"))?;
        if region.is_empty() {
            return Err(invalid("empty region before '_'"));
        }
        if name.is_empty() {
            return Err(invalid("empty pool name after '_'"));
        }
        if !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(invalid(
                "the region may hold only ASCII letters, digits and '-'",
            ));
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(
                "the pool name may hold only ASCII letters and digits",
            ));
        }
        Ok(PoolId {
            id: id.to_owned(),
            underscore: region.len(),
        })
    }

    /// The whole id.
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The region, before the underscore.
    pub fn region(&self) -> &str {
        &self.id[..self.underscore]
    }

    /// The pool name, after the underscore: what SRP hashes.
    pub fn pool_name(&self) -> &str {
        &self.id[self.underscore + 1..]
    }
}

impl core::str::FromStr for PoolId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PoolId::parse(s)
    }
}

impl fmt::Display for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl fmt::Debug for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PoolId({:?})", self.id)
    }
}
