//! Types that hold secrets: they are wiped when dropped and print as
//! `<redacted>` through `Debug`.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::arith::U3072;

macro_rules! redacted_debug {
    ($ty:ident) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($ty), "(<redacted>)"))
            }
        }
    };
}

/// A user's password: the exact UTF-8 bytes are hashed (no normalization, no trimming).
///
/// ```
/// use cognito_srp::Password;
/// let password = Password::new("correct horse battery staple");
/// assert_eq!(format!("{password:?}"), "Password(<redacted>)");
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Password(String);

impl Password {
    /// Wraps a password (the caller's copy, if any, is theirs to wipe).
    pub fn new(password: impl Into<String>) -> Self {
        Password(password.into())
    }

    /// The password's text.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s)
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password(s)
    }
}

redacted_debug!(Password);

/// A remembered device's password: base64 of 40 random bytes, chosen at
/// `ConfirmDevice`. The caller must store it (with the device key and device
/// group key) to sign in with `DEVICE_SRP_AUTH` later.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DevicePassword(String);

impl DevicePassword {
    /// Wraps a stored device password.
    pub fn new(password: impl Into<String>) -> Self {
        DevicePassword(password.into())
    }

    /// The device password's text, for storage.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

redacted_debug!(DevicePassword);

/// An app client's secret, the key of `SECRET_HASH`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps an app client secret.
    pub fn new(secret: impl Into<String>) -> Self {
        ClientSecret(secret.into())
    }

    /// The secret's text.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

redacted_debug!(ClientSecret);

/// A secret exponent of a declared width: the exponentiation always runs
/// `bits` steps, whatever the value.
///
/// Used for the client's `a` (1024 bits), `x` (256 bits), `a + u*x` (1025
/// bits) and the server's `b` (256 bits).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretExponent<const LIMBS: usize> {
    limbs: [u64; LIMBS],
    #[zeroize(skip)]
    bits: u32,
}

impl<const LIMBS: usize> SecretExponent<LIMBS> {
    /// The integer with big-endian bytes `bytes` (at most `bits / 8` of them,
    /// caller-checked), of declared width `bits <= 64 * LIMBS`.
    pub(crate) fn from_be_bytes(bytes: &[u8], bits: u32) -> Self {
        debug_assert!(bytes.len() * 8 <= bits as usize && bits as usize <= 64 * LIMBS);
        let mut limbs = [0u64; LIMBS];
        for (i, &b) in bytes.iter().rev().enumerate() {
            limbs[i / 8] |= u64::from(b) << (8 * (i % 8));
        }
        SecretExponent { limbs, bits }
    }

    pub(crate) fn from_limbs(limbs: [u64; LIMBS], bits: u32) -> Self {
        SecretExponent { limbs, bits }
    }

    /// Little-endian limbs.
    pub(crate) fn limbs(&self) -> &[u64; LIMBS] {
        &self.limbs
    }

    /// The declared width in bits.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The big-endian bytes of the value, `bits / 8` rounded up of them.
    pub fn to_be_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(LIMBS * 8));
        for limb in self.limbs.iter().rev() {
            out.extend_from_slice(&limb.to_be_bytes());
        }
        let keep = (self.bits as usize).div_ceil(8);
        let drop = out.len() - keep;
        out.drain(..drop);
        out
    }
}

impl<const LIMBS: usize> fmt::Debug for SecretExponent<LIMBS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretExponent<{} bits>(<redacted>)", self.bits)
    }
}

/// A secret element of the group: a password verifier `v = g^x`, or the
/// premaster secret `S`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretElement(U3072);

impl SecretElement {
    pub(crate) fn new(value: U3072) -> Self {
        SecretElement(value)
    }

    pub(crate) fn value(&self) -> &U3072 {
        &self.0
    }

    /// `pad(value)`: the bytes that are hashed or sent. Hashing this
    /// minimal-length encoding leaks its length; see the README's security notes.
    pub fn pad(&self) -> Zeroizing<Vec<u8>> {
        crate::encoding::pad_secret(&self.0)
    }
}

redacted_debug!(SecretElement);

/// The 16-byte key HKDF derives from `S` and `u`, which signs the claim.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct HkdfKey([u8; 16]);

impl HkdfKey {
    pub(crate) fn new(key: [u8; 16]) -> Self {
        HkdfKey(key)
    }

    /// The key's bytes.
    pub fn expose_secret(&self) -> &[u8; 16] {
        &self.0
    }
}

redacted_debug!(HkdfKey);
