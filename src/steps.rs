//! The SRP-6a steps, without the stack wipe: the flows call these inside
//! their own single wipe ([`crate::stack::wiped`]); [`crate::srp`] exposes
//! each one wiped. Documentation and formulas: see [`crate::srp`].

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::arith::{U3072, mul_wide};
use crate::encoding::{pad, pad_unsigned_bytes};
use crate::error::{Error, Field, Result};
use crate::group::{Group, K};
use crate::salt::Salt;
use crate::secret::{HkdfKey, SecretElement, SecretExponent};
use crate::srp::{A_BITS, CLIENT_EXPONENT_BITS, PrivateEphemeral, PrivateKeyX, X_BITS};

/// The HKDF `info` of Cognito's key derivation.
const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// A caller-given private ephemeral (`a` or `b`) from 1 to 128 big-endian bytes.
///
/// Its declared width, which fixes the exponentiation's step count, follows
/// the *length* given (never the value): 256 bits for up to 32 bytes, else
/// 1024 bits. Zero is refused.
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

/// `g^e mod N`: `A = g^a` for a client, `g^b` inside a server's `B`.
pub(crate) fn public_ephemeral(private: &PrivateEphemeral) -> U3072 {
    Group::get().pow_g(private.limbs(), private.bits())
}

/// `u = H(pad(A) || pad(B))`, as its 32 big-endian bytes.
pub(crate) fn compute_u(srp_a: &U3072, srp_b: &U3072) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(pad(srp_a));
    h.update(pad(srp_b));
    h.finalize().into()
}

/// `x = H(pad(salt) || H(realm || identity || ":" || password))`.
///
/// The inner digest is hashed as its 32 bytes (the SDKs concatenate hex
/// strings and decode them back).
pub(crate) fn compute_x(salt: &Salt, realm: &str, identity: &str, password: &[u8]) -> PrivateKeyX {
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

/// The password verifier `v = g^x mod N`.
pub(crate) fn compute_verifier(x: &PrivateKeyX) -> SecretElement {
    let mut v = Group::get().pow_g(x.limbs(), x.bits());
    let out = SecretElement::new(&v);
    v.zeroize();
    out
}

/// The client's premaster secret `S = (B - k*g^x)^(a + u*x) mod N`.
///
/// `srp_b` is taken mod `N` (the wire parser has already refused `B >= N`). The exponent is
/// not reduced mod the group order, as in the SDKs: for a `B` that is not in
/// the subgroup, reducing it would change `S`.
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

/// The server's public ephemeral `B = (k*v + g^b) mod N`.
pub(crate) fn server_public_ephemeral(verifier: &SecretElement, b: &PrivateEphemeral) -> U3072 {
    let group = Group::get();
    let mut k_v = group.mul(&K, verifier.value());
    let mut g_b = public_ephemeral(b);
    let srp_b = group.add(&k_v, &g_b);
    k_v.zeroize();
    g_b.zeroize();
    srp_b
}

/// The server's premaster secret `S = (A * v^u)^b mod N`.
///
/// `srp_a` is taken mod `N` (the wire parser has already refused `A >= N`).
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

/// The 16-byte key: HKDF-SHA256 with salt `pad(u)`, input `pad(S)` and info
/// `"Caldera Derived Key"`.
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

/// `HMAC-SHA256(key, realm || identity || secret_block || timestamp)`: the
/// raw bytes of `PASSWORD_CLAIM_SIGNATURE`.
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
