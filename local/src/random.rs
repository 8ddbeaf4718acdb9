//! Random identifiers: UUIDs and opaque tokens from the OS generator.

use base64::Engine as _;

/// `N` bytes from the OS generator.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    // The OS generator failing is not recoverable for a test endpoint either.
    getrandom::fill(&mut out).unwrap_or_else(|e| panic!("OS random generator failed: {e}"));
    out
}

/// A UUID in its text form from 16 bytes, with the version-4 bits set.
pub(crate) fn uuid_from(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A random (version 4) UUID.
pub(crate) fn uuid() -> String {
    uuid_from(random_bytes())
}

/// An opaque random token: 48 random bytes, URL-safe base64 (64 characters).
pub(crate) fn token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<48>())
}

/// `n` characters drawn uniformly from `alphabet` (ASCII, at most 256
/// characters): Cognito's identifiers (pool ids, client ids, secrets).
pub(crate) fn from_alphabet(alphabet: &[u8], n: usize) -> String {
    // Rejection sampling: bytes past the last whole multiple of the
    // alphabet's size are dropped so that every character is equally likely.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for b in random_bytes::<32>() {
            if (b as usize) < limit && out.len() < n {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}
