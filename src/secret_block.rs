//! [`SecretBlock`]: the `SECRET_BLOCK` a server issues and a claim signs.

use core::fmt;

use crate::error::{Field, Result};
use crate::wire::decode_base64;

/// `SECRET_BLOCK`: opaque bytes from the server, sent back unchanged and signed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretBlock {
    encoded: String,
    bytes: Vec<u8>,
}

impl SecretBlock {
    /// Parses strict standard base64 (canonical `=` padding, nothing else; empty allowed).
    pub fn parse(encoded: &str) -> Result<Self> {
        let bytes = decode_base64(Field::SecretBlock, encoded)?;
        Ok(SecretBlock {
            encoded: encoded.to_owned(),
            bytes,
        })
    }

    /// A secret block holding `bytes` (a server issuing one).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        SecretBlock {
            encoded: crate::wire::encode_base64(&bytes),
            bytes,
        }
    }

    /// The base64 text, exactly as received.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The decoded bytes, which the signature covers.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for SecretBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBlock({} bytes)", self.bytes.len())
    }
}
