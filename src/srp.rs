//! The SRP-6a steps of Cognito's sign-in, one function each (hazmat).
//!
//! These are the formulas of docs/PROTOCOL.md on typed values: integers, bytes and
//! secrets, with no hex, base64 or parameter maps. The flows
//! ([`UserSrpClient`](crate::UserSrpClient), [`DeviceSrpClient`](crate::DeviceSrpClient),
//! [`SrpServer`](crate::SrpServer)) put them together; use them directly only
//! to check a step, as the known-answer tests do.
//!
//! Each function that takes or makes a secret wipes the stack it used before
//! returning (see the README's security notes).
//!
//! *Realm* and *identity* are what the hashes bind: the pool name and
//! `USER_ID_FOR_SRP` for a user; the device group key and device key for a device.

use crate::arith::U3072;
use crate::error::Result;
use crate::salt::Salt;
use crate::secret::{HkdfKey, SecretElement, SecretExponent};
use crate::stack::wiped;
use crate::steps;

/// Limbs of a private ephemeral (`a`, or a caller-given `b`): up to 1024 bits.
pub const EPHEMERAL_LIMBS: usize = 16;
/// Declared width of the client's private ephemeral `a`.
pub const A_BITS: u32 = 1024;
/// Declared width of `x`, a SHA-256 output.
pub const X_BITS: u32 = 256;
/// Declared width of `a + u*x`: one bit more than `a`, since `u*x < 2^512`.
pub const CLIENT_EXPONENT_BITS: u32 = 1025;

/// A private ephemeral `a` or `b` of up to 1024 bits.
pub type PrivateEphemeral = SecretExponent<EPHEMERAL_LIMBS>;
/// The private key `x` derived from the password.
pub type PrivateKeyX = SecretExponent<4>;

/// A caller-given private ephemeral (`a` or `b`) from 1 to 128 big-endian bytes.
///
/// Its declared width, which fixes the exponentiation's step count, follows
/// the *length* given (never the value): 256 bits for up to 32 bytes, else
/// 1024 bits. Zero is refused.
pub fn private_ephemeral(bytes: &[u8]) -> Result<PrivateEphemeral> {
    wiped(|| steps::private_ephemeral(bytes))
}

/// `g^e mod N`: `A = g^a` for a client, `g^b` inside a server's `B`.
pub fn public_ephemeral(private: &PrivateEphemeral) -> U3072 {
    wiped(|| steps::public_ephemeral(private))
}

/// `u = H(pad(A) || pad(B))`, as its 32 big-endian bytes.
pub fn compute_u(srp_a: &U3072, srp_b: &U3072) -> [u8; 32] {
    steps::compute_u(srp_a, srp_b)
}

/// `x = H(pad(salt) || H(realm || identity || ":" || password))`.
///
/// The inner digest is hashed as its 32 bytes (the SDKs concatenate hex
/// strings and decode them back).
pub fn compute_x(salt: &Salt, realm: &str, identity: &str, password: &[u8]) -> PrivateKeyX {
    wiped(|| steps::compute_x(salt, realm, identity, password))
}

/// The password verifier `v = g^x mod N`.
pub fn compute_verifier(x: &PrivateKeyX) -> SecretElement {
    wiped(|| steps::compute_verifier(x))
}

/// The client's premaster secret `S = (B - k*g^x)^(a + u*x) mod N`.
///
/// `srp_b` is taken mod `N` (the wire parser has already refused `B >= N`). The exponent is
/// not reduced mod the group order, as in the SDKs: for a `B` that is not in
/// the subgroup, reducing it would change `S`.
pub fn client_premaster_secret(
    a: &PrivateEphemeral,
    srp_b: &U3072,
    x: &PrivateKeyX,
    u: &[u8; 32],
) -> SecretElement {
    wiped(|| steps::client_premaster_secret(a, srp_b, x, u))
}

/// The server's public ephemeral `B = (k*v + g^b) mod N`.
pub fn server_public_ephemeral(verifier: &SecretElement, b: &PrivateEphemeral) -> U3072 {
    wiped(|| steps::server_public_ephemeral(verifier, b))
}

/// The server's premaster secret `S = (A * v^u)^b mod N`.
///
/// `srp_a` is taken mod `N` (the wire parser has already refused `A >= N`).
pub fn server_premaster_secret(
    srp_a: &U3072,
    verifier: &SecretElement,
    u: &[u8; 32],
    b: &PrivateEphemeral,
) -> SecretElement {
    wiped(|| steps::server_premaster_secret(srp_a, verifier, u, b))
}

/// The 16-byte key: HKDF-SHA256 with salt `pad(u)`, input `pad(S)` and info
/// `"Caldera Derived Key"`.
pub fn derive_key(u: &[u8; 32], premaster_secret: &SecretElement) -> HkdfKey {
    wiped(|| steps::derive_key(u, premaster_secret))
}

/// `HMAC-SHA256(key, realm || identity || secret_block || timestamp)`: the
/// raw bytes of `PASSWORD_CLAIM_SIGNATURE`.
pub fn password_claim_signature(
    key: &HkdfKey,
    realm: &str,
    identity: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    wiped(|| steps::password_claim_signature(key, realm, identity, secret_block, timestamp))
}
