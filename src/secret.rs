//! Types that hold secrets: they are wiped when dropped and print as
//! `<redacted>` through `Debug`.
//!
//! Every secret lives on the heap (a `String`, or a `Box` for the fixed-size
//! ones), so moving one of these values, as returning it from a function
//! does, copies a pointer and leaves no copy of the secret behind on the
//! stack.

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
#[derive(Clone)]
pub struct SecretExponent<const LIMBS: usize> {
    limbs: Box<[u64; LIMBS]>,
    bits: u32,
}

impl<const LIMBS: usize> Zeroize for SecretExponent<LIMBS> {
    fn zeroize(&mut self) {
        self.limbs.zeroize();
    }
}

impl<const LIMBS: usize> Drop for SecretExponent<LIMBS> {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl<const LIMBS: usize> ZeroizeOnDrop for SecretExponent<LIMBS> {}

impl<const LIMBS: usize> SecretExponent<LIMBS> {
    /// The integer with big-endian bytes `bytes` (at most `bits / 8` of them,
    /// caller-checked), of declared width `bits <= 64 * LIMBS`.
    pub(crate) fn from_be_bytes(bytes: &[u8], bits: u32) -> Self {
        debug_assert!(bytes.len() * 8 <= bits as usize && bits as usize <= 64 * LIMBS);
        let mut limbs = Box::new([0u64; LIMBS]);
        for (i, &b) in bytes.iter().rev().enumerate() {
            limbs[i / 8] |= u64::from(b) << (8 * (i % 8));
        }
        SecretExponent { limbs, bits }
    }

    /// The caller wipes its `limbs`.
    pub(crate) fn from_limbs(limbs: &[u64; LIMBS], bits: u32) -> Self {
        SecretExponent {
            limbs: Box::new(*limbs),
            bits,
        }
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
        crate::stack::wiped(|| self.to_be_bytes_unwiped())
    }

    fn to_be_bytes_unwiped(&self) -> Zeroizing<Vec<u8>> {
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
#[derive(Clone)]
pub struct SecretElement(Box<U3072>);

impl Zeroize for SecretElement {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for SecretElement {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for SecretElement {}

impl SecretElement {
    /// The caller wipes its `value`.
    pub(crate) fn new(value: &U3072) -> Self {
        SecretElement(Box::new(*value))
    }

    pub(crate) fn value(&self) -> &U3072 {
        &self.0
    }

    /// `pad(value)`: the bytes that are hashed or sent. Hashing this
    /// minimal-length encoding leaks its length; see the README's security notes.
    pub fn pad(&self) -> Zeroizing<Vec<u8>> {
        crate::stack::wiped(|| self.pad_unwiped())
    }

    /// [`SecretElement::pad`] for callers that wipe the stack themselves.
    pub(crate) fn pad_unwiped(&self) -> Zeroizing<Vec<u8>> {
        crate::encoding::pad_secret(&self.0)
    }
}

redacted_debug!(SecretElement);

/// The 16-byte key HKDF derives from `S` and `u`, which signs the claim.
#[derive(Clone)]
pub struct HkdfKey(Box<[u8; 16]>);

impl Zeroize for HkdfKey {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for HkdfKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for HkdfKey {}

impl HkdfKey {
    /// The caller wipes its `key`.
    pub(crate) fn new(key: &[u8; 16]) -> Self {
        HkdfKey(Box::new(*key))
    }

    /// The key's bytes.
    pub fn expose_secret(&self) -> &[u8; 16] {
        &self.0
    }
}

redacted_debug!(HkdfKey);
