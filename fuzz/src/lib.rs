//! A plain reference model of docs/PROTOCOL.md, written straight from its formulas with
//! num-bigint (variable time, obviously correct), for differential fuzzing.
//! Also the fuzz inputs' field format: fields separated by the byte 0xFF,
//! which never occurs in UTF-8 text.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use num_bigint::{BigInt, BigUint, Sign};
use sha2::{Digest, Sha256};

pub use cognito_srp::hazmat::group::N_HEX;

/// The input's fields, split at 0xFF, as (lossy) UTF-8 text.
pub fn fields(data: &[u8], count: usize) -> Vec<String> {
    let mut out: Vec<String> = data
        .split(|&b| b == 0xff)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    out.resize(count.max(out.len()), String::new());
    out
}

/// The protocol's group prime `N`, read from the crate's published hex.
pub fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

fn h(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for p in parts {
        hash.update(p);
    }
    hash.finalize().into()
}

/// Java's `BigInteger.toByteArray()`.
pub fn pad(n: &BigInt) -> Vec<u8> {
    n.to_signed_bytes_be()
}

/// `pad` of a non-negative integer.
pub fn pad_u(n: &BigUint) -> Vec<u8> {
    pad(&BigInt::from(n.clone()))
}

/// The protocol's hex: one or more ASCII hex digits, a leading `-` only where allowed.
pub fn parse_hex(text: &str, signed: bool) -> Option<BigInt> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) if signed => (true, d),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = BigUint::parse_bytes(digits.as_bytes(), 16)?;
    Some(BigInt::from_biguint(
        if negative { Sign::Minus } else { Sign::Plus },
        magnitude,
    ))
}

/// The protocol's pool id rule; the pool name.
pub fn pool_name(pool_id: &str) -> Option<&str> {
    if pool_id.is_empty() || pool_id.len() > 55 {
        return None;
    }
    let (region, name) = pool_id.split_once('_')?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
    (region_ok && name_ok).then_some(name)
}

/// A timestamp is valid when chrono reads it and writes it back unchanged.
pub fn timestamp_ok(text: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(text, "%a %b %e %H:%M:%S UTC %Y")
        .map(|t| {
            use chrono::{Datelike, Timelike};
            // chrono reads ":60" as a leap second; Cognito's TIMESTAMP has none.
            t.format("%a %b %-d %H:%M:%S UTC %Y").to_string() == text
                && (1000..=9999).contains(&t.year())
                && t.nanosecond() < 1_000_000_000
        })
        .unwrap_or(false)
}

/// docs/PROTOCOL.md step 5: `x = H(pad(salt) || H(realm || identity || ":" || password))`.
pub fn x(salt: &BigInt, realm: &str, identity: &str, password: &str) -> BigUint {
    let inner = h(&[
        realm.as_bytes(),
        identity.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    BigUint::from_bytes_be(&h(&[&pad(salt), &inner]))
}

/// The verifier `v = g^x mod N`.
pub fn verifier(x: &BigUint) -> BigUint {
    BigUint::from(2u8).modpow(x, &n())
}

/// docs/PROTOCOL.md steps 2 to 9: the base64 `PASSWORD_CLAIM_SIGNATURE` and the hex
/// `SRP_A` it goes with, or `None` where docs/PROTOCOL.md (with the crate's stricter
/// rules: `B < N`, a salt of at most 384 bytes, a private `a` of 1 to 128
/// bytes, not all zero) rejects the input.
#[allow(clippy::too_many_arguments)]
pub fn password_claim_signature(
    a: &[u8],
    srp_b: &str,
    salt: &str,
    secret_block: &str,
    realm: &str,
    identity: &str,
    password: &str,
    timestamp: &str,
) -> Option<(String, String)> {
    let n = n();
    let g = BigUint::from(2u8);
    if a.is_empty()
        || a.len() > 128
        || a.iter().all(|&b| b == 0)
        || identity.is_empty()
        || !timestamp_ok(timestamp)
    {
        return None;
    }
    let a = BigUint::from_bytes_be(a);
    let big_a = g.modpow(&a, &n);
    let b = parse_hex(srp_b, false)?.to_biguint()?;
    if b == BigUint::ZERO || b >= n {
        return None;
    }
    let salt = parse_hex(salt, true)?;
    if salt.magnitude().to_bytes_be().len() > 384 {
        return None;
    }
    let block = STANDARD.decode(secret_block).ok()?;
    let k = BigUint::from_bytes_be(&h(&[&pad_u(&n), &pad_u(&g)]));
    let u = BigUint::from_bytes_be(&h(&[&pad_u(&big_a), &pad_u(&b)]));
    if u == BigUint::ZERO {
        return None;
    }
    let x = x(&salt, realm, identity, password);
    let base = (&b + &n * &k - (&k * g.modpow(&x, &n)) % &n) % &n;
    let s = base.modpow(&(&a + &u * &x), &n);
    let hkdf = Hkdf::<Sha256>::new(Some(&pad_u(&u)), &pad_u(&s));
    let mut key = [0u8; 16];
    hkdf.expand(b"Caldera Derived Key", &mut key).ok()?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).ok()?;
    mac.update(realm.as_bytes());
    mac.update(identity.as_bytes());
    mac.update(&block);
    mac.update(timestamp.as_bytes());
    let srp_a = format!("{big_a:x}");
    Some((STANDARD.encode(mac.finalize().into_bytes()), srp_a))
}

/// `SECRET_HASH`, independently.
pub fn secret_hash(username: &str, client_id: &str, secret: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The `DeviceSecretVerifierConfig` (`PasswordVerifier`, `Salt`), base64.
pub fn device_verifier(
    group_key: &str,
    device_key: &str,
    password: &str,
    salt: &[u8; 16],
) -> (String, String) {
    let salt = BigInt::from_bytes_be(Sign::Plus, salt);
    let v = verifier(&x(&salt, group_key, device_key, password));
    (STANDARD.encode(pad_u(&v)), STANDARD.encode(pad(&salt)))
}
