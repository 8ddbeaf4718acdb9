//! [`StoredVerifier`]: what a server keeps of a user's or a device's password,
//! and its serialized form.

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::arith::U3072;
use crate::device::DeviceSecretVerifierConfig;
use crate::encoding::{U3072_BYTES, u3072_from_be_secret, u3072_to_be};
use crate::error::{Error, Field, Result};
use crate::group::N;
use crate::pool::PoolId;
use crate::salt::Salt;
use crate::secret::{Password, SecretElement};
use crate::srp::unwiped;
use crate::stack::wiped;
use crate::wire::{
    decode_base64, decode_base64_secret, hex_salt, hex_secret, parse_hex_secret, parse_salt_hex,
};

/// Bytes of a fresh user salt.
pub const USER_SALT_BYTES: usize = 16;
const ENCODING_PREFIX: &str = "cognito-srp-v1$";

/// A stored password verifier: the salt and `v = g^x mod N` of a user or a
/// device. `v` is a secret (it allows an offline dictionary attack on the
/// password): it is wiped on drop and never printed.
///
/// Its serialized form, for a database, is the text
/// `cognito-srp-v1$<salt>$<verifier>`, where `<salt>` is the salt in
/// lowercase hex without leading zeros, with a leading `-` when negative (as
/// `SALT` is sent), and `<verifier>` is `v` as exactly 768 lowercase hex
/// digits (384 bytes, leading zeros kept, so the length says nothing of `v`).
/// Both directions run in constant time in `v`.
///
/// ```
/// use cognito_srp::{Password, PoolId, StoredVerifier};
/// let pool = PoolId::parse("us-east-1_AbCdEf123")?;
/// let stored = StoredVerifier::register_user(&pool, "alice", &Password::new("hunter2"))?;
/// let text = stored.to_encoded();
/// assert_eq!(StoredVerifier::from_encoded(&text)?, stored);
/// assert_eq!(format!("{stored:?}"), "StoredVerifier { salt: .., verifier: <redacted> }");
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone)]
pub struct StoredVerifier {
    salt: Salt,
    verifier: SecretElement,
}

impl StoredVerifier {
    /// Registers a user with a fresh 16-byte salt from the OS generator.
    pub fn register_user(
        pool: &PoolId,
        user_id_for_srp: &str,
        password: &Password,
    ) -> Result<Self> {
        let mut bytes = [0u8; USER_SALT_BYTES];
        getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
        // 16 bytes always fit in a salt.
        let salt = Salt::from_be_bytes(&bytes).ok_or(Error::Random)?;
        Self::register_user_with_salt(pool, user_id_for_srp, password, salt)
    }

    /// Registers a user with the given salt (for tests and known answers).
    pub fn register_user_with_salt(
        pool: &PoolId,
        user_id_for_srp: &str,
        password: &Password,
        salt: Salt,
    ) -> Result<Self> {
        if user_id_for_srp.is_empty() {
            return Err(Error::invalid(Field::UserIdForSrp, "empty"));
        }
        wiped(|| {
            let x = unwiped::compute_x(
                &salt,
                pool.pool_name(),
                user_id_for_srp,
                password.expose_secret().as_bytes(),
            );
            Ok(StoredVerifier {
                salt,
                verifier: unwiped::compute_verifier(&x),
            })
        })
    }

    /// A device's verifier from the `DeviceSecretVerifierConfig` of
    /// `ConfirmDevice`: base64 `PasswordVerifier` and `Salt`, strictly validated.
    pub fn from_device_secret_verifier_config(password_verifier: &str, salt: &str) -> Result<Self> {
        wiped(|| {
            let verifier_bytes = decode_base64_secret(Field::PasswordVerifier, password_verifier)?;
            let salt_bytes = decode_base64(Field::Salt, salt)?;
            let salt = Salt::from_twos_complement_be(&salt_bytes).ok_or(Error::invalid(
                Field::Salt,
                "empty or longer than 384 bytes",
            ))?;
            Self::from_parts_unwiped(salt, &verifier_bytes)
        })
    }

    /// A device's verifier from a [`DeviceSecretVerifierConfig`].
    pub fn from_device_config(config: &DeviceSecretVerifierConfig) -> Result<Self> {
        Self::from_device_secret_verifier_config(config.password_verifier(), config.salt())
    }

    /// From a salt and the big-endian bytes of `v`, which must satisfy `0 < v < N`.
    pub fn from_parts(salt: Salt, verifier_be: &[u8]) -> Result<Self> {
        wiped(|| Self::from_parts_unwiped(salt, verifier_be))
    }

    fn from_parts_unwiped(salt: Salt, verifier_be: &[u8]) -> Result<Self> {
        let v = u3072_from_be_secret(verifier_be).ok_or(Error::invalid(
            Field::PasswordVerifier,
            "larger than the group prime N",
        ))?;
        Self::from_value(salt, v)
    }

    fn from_value(salt: Salt, mut v: U3072) -> Result<Self> {
        let verifier = SecretElement::new(&v);
        v.zeroize();
        // A verifier is a secret, but whether it is a valid group element is
        // not; these comparisons reveal only that.
        if bool::from(ct_eq_u3072(verifier.value(), &U3072::ZERO)) || *verifier.value() >= N {
            return Err(Error::invalid(
                Field::PasswordVerifier,
                "must lie between 0 and N, exclusive",
            ));
        }
        Ok(StoredVerifier { salt, verifier })
    }

    /// The salt.
    pub fn salt(&self) -> &Salt {
        &self.salt
    }

    /// The serialized form, `cognito-srp-v1$<salt>$<verifier>` (a secret: store it as one).
    pub fn to_encoded(&self) -> Zeroizing<String> {
        wiped(|| self.to_encoded_unwiped())
    }

    fn to_encoded_unwiped(&self) -> Zeroizing<String> {
        let verifier = hex_secret(&u3072_to_be(self.verifier.value())[..]);
        let salt = hex_salt(&self.salt);
        let mut out = Zeroizing::new(String::with_capacity(
            ENCODING_PREFIX.len() + salt.len() + 1 + verifier.len(),
        ));
        out.push_str(ENCODING_PREFIX);
        out.push_str(&salt);
        out.push('$');
        out.push_str(&verifier);
        out
    }

    /// Parses the serialized form of [`StoredVerifier::to_encoded`], strictly.
    pub fn from_encoded(text: &str) -> Result<Self> {
        wiped(|| Self::from_encoded_unwiped(text))
    }

    fn from_encoded_unwiped(text: &str) -> Result<Self> {
        let rest = text.strip_prefix(ENCODING_PREFIX).ok_or(Error::invalid(
            Field::PasswordVerifier,
            "not a cognito-srp-v1$ stored verifier",
        ))?;
        let (salt, verifier) = rest.split_once('$').ok_or(Error::invalid(
            Field::PasswordVerifier,
            "expected <salt>$<verifier>",
        ))?;
        let salt = parse_salt_hex(salt)?;
        let verifier = parse_hex_secret::<U3072_BYTES>(
            Field::PasswordVerifier,
            verifier,
            "a stored verifier has exactly 768 hex digits",
        )?;
        Self::from_parts_unwiped(salt, &verifier[..])
    }

    pub(crate) fn verifier(&self) -> &SecretElement {
        &self.verifier
    }
}

impl PartialEq for StoredVerifier {
    /// Constant time in the verifier.
    fn eq(&self, other: &Self) -> bool {
        self.salt == other.salt
            && bool::from(ct_eq_u3072(self.verifier.value(), other.verifier.value()))
    }
}

impl Eq for StoredVerifier {}

/// The verifier is a [`SecretElement`], which wipes itself on drop.
impl zeroize::ZeroizeOnDrop for StoredVerifier {}

impl fmt::Debug for StoredVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoredVerifier { salt: .., verifier: <redacted> }")
    }
}

/// Constant-time equality of two `U3072`s, limb by limb.
fn ct_eq_u3072(a: &U3072, b: &U3072) -> subtle::Choice {
    a.as_words()[..].ct_eq(&b.as_words()[..])
}
