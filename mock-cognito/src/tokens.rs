//! RS256 JWTs shaped like Cognito's `IdToken` and `AccessToken`, and the key
//! set served at `/<pool id>/.well-known/jwks.json`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{Value, json};

/// The signing key of one endpoint (a fresh 2048-bit RSA key per process).
pub struct TokenSigner {
    key: PKey<Private>,
    kid: String,
    modulus: String,
    exponent: String,
}

impl TokenSigner {
    /// A new key.
    pub fn generate() -> Result<Self, openssl::error::ErrorStack> {
        let rsa = Rsa::generate(2048)?;
        let modulus = URL_SAFE_NO_PAD.encode(rsa.n().to_vec());
        let exponent = URL_SAFE_NO_PAD.encode(rsa.e().to_vec());
        let kid = URL_SAFE_NO_PAD.encode(&openssl::sha::sha256(rsa.n().to_vec().as_slice())[..12]);
        Ok(TokenSigner {
            key: PKey::from_rsa(rsa)?,
            kid,
            modulus,
            exponent,
        })
    }

    /// `header.payload.signature`, RS256.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        // Signing with a key we generated cannot fail short of memory exhaustion.
        let signature = Signer::new(MessageDigest::sha256(), &self.key)
            .and_then(|mut s| {
                s.update(signing_input.as_bytes())?;
                s.sign_to_vec()
            })
            .unwrap_or_default();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The JSON Web Key Set with the public key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "alg": "RS256", "e": self.exponent, "kid": self.kid, "kty": "RSA", "n": self.modulus, "use": "sig",
        }] })
    }
}
