//! The SRP-6a steps of Cognito's sign-in, one function each (hazmat).
//!
//! These are the formulas of docs/PROTOCOL.md on typed values: integers, bytes and
//! secrets, with no hex, base64 or parameter maps. The flows
//! ([`UserSrpClient`](crate::UserSrpClient), [`DeviceSrpClient`](crate::DeviceSrpClient),
//! [`SrpServer`](crate::SrpServer)) put them together; use them directly only
//! to check a step, as the known-answer tests do.
//!
//! Each function that takes or makes a secret wipes the stack it used before
//! returning (see the README's security notes). The flows call the same
//! steps unwiped (the private `unwiped` module below) inside their own single
//! wipe, so that a sign-in wipes once rather than once per step.
//!
//! *Realm* and *identity* are what the hashes bind: the pool name and
//! `USER_ID_FOR_SRP` for a user; the device group key and device key for a device.

use crate::arith::U3072;
use crate::error::Result;
use crate::salt::Salt;
use crate::secret::{HkdfKey, SecretElement, SecretExponent};
use crate::stack::wiped;

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
    wiped(|| unwiped::private_ephemeral(bytes))
}

/// `g^e mod N`: `A = g^a` for a client, `g^b` inside a server's `B`.
pub fn public_ephemeral(private: &PrivateEphemeral) -> U3072 {
    wiped(|| unwiped::public_ephemeral(private))
}

/// `u = H(pad(A) || pad(B))`, as its 32 big-endian bytes.
pub fn compute_u(srp_a: &U3072, srp_b: &U3072) -> [u8; 32] {
    unwiped::compute_u(srp_a, srp_b)
}

/// `x = H(pad(salt) || H(realm || identity || ":" || password))`.
///
/// The inner digest is hashed as its 32 bytes (the SDKs concatenate hex
/// strings and decode them back).
pub fn compute_x(salt: &Salt, realm: &str, identity: &str, password: &[u8]) -> PrivateKeyX {
    wiped(|| unwiped::compute_x(salt, realm, identity, password))
}

/// The password verifier `v = g^x mod N`.
pub fn compute_verifier(x: &PrivateKeyX) -> SecretElement {
    wiped(|| unwiped::compute_verifier(x))
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
    wiped(|| unwiped::client_premaster_secret(a, srp_b, x, u))
}

/// The server's public ephemeral `B = (k*v + g^b) mod N`.
pub fn server_public_ephemeral(verifier: &SecretElement, b: &PrivateEphemeral) -> U3072 {
    wiped(|| unwiped::server_public_ephemeral(verifier, b))
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
    wiped(|| unwiped::server_premaster_secret(srp_a, verifier, u, b))
}

/// The 16-byte key: HKDF-SHA256 with salt `pad(u)`, input `pad(S)` and info
/// `"Caldera Derived Key"`.
pub fn derive_key(u: &[u8; 32], premaster_secret: &SecretElement) -> HkdfKey {
    wiped(|| unwiped::derive_key(u, premaster_secret))
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
    wiped(|| unwiped::password_claim_signature(key, realm, identity, secret_block, timestamp))
}

/// The steps without the stack wipe, for the flows, which run a whole sign-in
/// step inside one [`wiped`]. Each is documented once, on its public form above.
pub(crate) mod unwiped {
    use hkdf::Hkdf;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};
    use zeroize::{Zeroize, Zeroizing};

    use super::{A_BITS, CLIENT_EXPONENT_BITS, PrivateEphemeral, PrivateKeyX, X_BITS};
    use crate::arith::{U3072, mul_wide};
    use crate::encoding::{pad, pad_unsigned_bytes};
    use crate::error::{Error, Field, Result};
    use crate::group::{Group, K};
    use crate::salt::Salt;
    use crate::secret::{HkdfKey, SecretElement, SecretExponent};

    /// The HKDF `info` of Cognito's key derivation.
    const HKDF_INFO: &[u8] = b"Caldera Derived Key";

    /// [`private_ephemeral`](super::private_ephemeral), without the stack wipe.
    pub(crate) fn private_ephemeral(bytes: &[u8]) -> Result<PrivateEphemeral> {
        if bytes.is_empty() || bytes.len() > 128 {
            return Err(Error::invalid(
                Field::PrivateEphemeral,
                "must be 1 to 128 bytes",
            ));
        }
        // OR of all bytes without branching on any; only "is zero" is revealed.
        if bytes.iter().fold(0u8, |acc, &b| acc | b) == 0 {
            return Err(Error::invalid(Field::PrivateEphemeral, "must not be zero"));
        }
        let bits = if bytes.len() <= 32 { 256 } else { A_BITS };
        Ok(PrivateEphemeral::from_be_bytes(bytes, bits))
    }

    /// [`public_ephemeral`](super::public_ephemeral), without the stack wipe.
    pub(crate) fn public_ephemeral(private: &PrivateEphemeral) -> U3072 {
        Group::get().pow_g(private.limbs(), private.bits())
    }

    /// [`compute_u`](super::compute_u), without the stack wipe.
    pub(crate) fn compute_u(srp_a: &U3072, srp_b: &U3072) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(pad(srp_a));
        h.update(pad(srp_b));
        h.finalize().into()
    }

    /// [`compute_x`](super::compute_x), without the stack wipe.
    pub(crate) fn compute_x(
        salt: &Salt,
        realm: &str,
        identity: &str,
        password: &[u8],
    ) -> PrivateKeyX {
        let mut inner = Sha256::new();
        inner.update(realm.as_bytes());
        inner.update(identity.as_bytes());
        inner.update(b":");
        inner.update(password);
        let mut inner_digest: Zeroizing<[u8; 32]> = Zeroizing::new(inner.finalize().into());
        let mut outer = Sha256::new();
        outer.update(salt.pad());
        outer.update(&inner_digest[..]);
        let mut x: Zeroizing<[u8; 32]> = Zeroizing::new(outer.finalize().into());
        let out = PrivateKeyX::from_be_bytes(&x[..], X_BITS);
        inner_digest.zeroize();
        x.zeroize();
        out
    }

    /// [`compute_verifier`](super::compute_verifier), without the stack wipe.
    pub(crate) fn compute_verifier(x: &PrivateKeyX) -> SecretElement {
        let mut v = Group::get().pow_g(x.limbs(), x.bits());
        let out = SecretElement::new(&v);
        v.zeroize();
        out
    }

    /// [`client_premaster_secret`](super::client_premaster_secret), without the stack wipe.
    pub(crate) fn client_premaster_secret(
        a: &PrivateEphemeral,
        srp_b: &U3072,
        x: &PrivateKeyX,
        u: &[u8; 32],
    ) -> SecretElement {
        let group = Group::get();
        let mut g_x = group.pow_g(x.limbs(), x.bits());
        let mut k_g_x = group.mul(&K, &g_x);
        let mut base = group.sub(&group.reduce(srp_b), &k_g_x);
        let exponent = client_exponent(a, u, x);
        let mut s = group.pow(&base, exponent.limbs(), exponent.bits());
        let out = SecretElement::new(&s);
        g_x.zeroize();
        k_g_x.zeroize();
        base.zeroize();
        s.zeroize();
        out
    }

    /// `a + u*x` as a 1025-bit exponent, computed with fixed loops and no branch.
    fn client_exponent(a: &PrivateEphemeral, u: &[u8; 32], x: &PrivateKeyX) -> SecretExponent<17> {
        let u = u256_limbs(u);
        let x = x.limbs();
        // Schoolbook u * x into 8 limbs.
        let mut product = Zeroizing::new([0u64; 8]);
        for (i, &ui) in u.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &xj) in x.iter().enumerate() {
                let t = mul_wide(ui, xj) + u128::from(product[i + j]) + u128::from(carry);
                product[i + j] = t as u64;
                carry = (t >> 64) as u64;
            }
            product[i + 4] = carry;
        }
        // a + product into 17 limbs.
        let mut sum = [0u64; 17];
        let mut carry = 0u64;
        for (i, &ai) in a.limbs().iter().enumerate() {
            let addend = product.get(i).copied().unwrap_or(0);
            let t = u128::from(ai) + u128::from(addend) + u128::from(carry);
            sum[i] = t as u64;
            carry = (t >> 64) as u64;
        }
        sum[16] = carry;
        let out = SecretExponent::from_limbs(&sum, CLIENT_EXPONENT_BITS);
        sum.zeroize();
        out
    }

    /// [`server_public_ephemeral`](super::server_public_ephemeral), without the stack wipe.
    pub(crate) fn server_public_ephemeral(verifier: &SecretElement, b: &PrivateEphemeral) -> U3072 {
        let group = Group::get();
        let mut k_v = group.mul(&K, verifier.value());
        let mut g_b = public_ephemeral(b);
        let srp_b = group.add(&k_v, &g_b);
        k_v.zeroize();
        g_b.zeroize();
        srp_b
    }

    /// [`server_premaster_secret`](super::server_premaster_secret), without the stack wipe.
    pub(crate) fn server_premaster_secret(
        srp_a: &U3072,
        verifier: &SecretElement,
        u: &[u8; 32],
        b: &PrivateEphemeral,
    ) -> SecretElement {
        let group = Group::get();
        // `u = H(pad(A) || pad(B))` is computed from two public values, so a
        // variable-time exponentiation may leak it; the base `v` stays secret
        // (every product is constant time whatever its operands).
        let mut v_u = group.pow_vartime(verifier.value(), &u256_limbs(u));
        let mut base = group.mul(&group.reduce(srp_a), &v_u);
        let mut s = group.pow(&base, b.limbs(), b.bits());
        let out = SecretElement::new(&s);
        v_u.zeroize();
        base.zeroize();
        s.zeroize();
        out
    }

    /// [`derive_key`](super::derive_key), without the stack wipe.
    pub(crate) fn derive_key(u: &[u8; 32], premaster_secret: &SecretElement) -> HkdfKey {
        let salt = pad_unsigned_bytes(u);
        let ikm = premaster_secret.pad_unwiped();
        // `Hkdf::new` would drop its copy of the pseudorandom key unwiped.
        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(&salt), &ikm);
        prk[..].zeroize();
        let mut key = [0u8; 16];
        // 16 bytes is far below HKDF-SHA256's limit of 255 * 32, so this cannot fail.
        if hkdf.expand(HKDF_INFO, &mut key).is_err() {
            unreachable!("HKDF-SHA256 can always expand to 16 bytes");
        }
        let out = HkdfKey::new(&key);
        key.zeroize();
        out
    }

    /// [`password_claim_signature`](super::password_claim_signature), without the stack wipe.
    pub(crate) fn password_claim_signature(
        key: &HkdfKey,
        realm: &str,
        identity: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.expose_secret())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(realm.as_bytes());
        mac.update(identity.as_bytes());
        mac.update(secret_block);
        mac.update(timestamp.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Little-endian limbs of a 32-byte big-endian integer.
    fn u256_limbs(bytes: &[u8; 32]) -> [u64; 4] {
        let mut limbs = [0u64; 4];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.rchunks_exact(8)) {
            *limb = u64::from_be_bytes(chunk.try_into().unwrap_or([0; 8]));
        }
        limbs
    }
}
