//! `SECRET_HASH`, which app clients that have a client secret must send.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::secret::ClientSecret;
use crate::stack::wiped;
use crate::wire::encode_base64;

/// `SECRET_HASH = base64(HMAC-SHA256(key = client secret, message = username || client id))`.
///
/// ```
/// use cognito_srp::{ClientSecret, secret_hash};
/// let hash = secret_hash("alice", "client-id", &ClientSecret::new("s3cret"));
/// assert_eq!(hash.len(), 44);
/// ```
pub fn secret_hash(username: &str, client_id: &str, client_secret: &ClientSecret) -> String {
    wiped(|| secret_hash_unwiped(username, client_id, client_secret))
}

fn secret_hash_unwiped(username: &str, client_id: &str, client_secret: &ClientSecret) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(client_secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    encode_base64(&mac.finalize().into_bytes())
}
