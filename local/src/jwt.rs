//! The signing of Cognito-shaped JWTs: two RSA keys, one for ID tokens and
//! one for access tokens (as a pool's are), both in the key set at
//! `/<pool id>/.well-known/jwks.json` under distinct `kid`s.
//!
//! Signing stays on `openssl`, which the crate already uses: it generates the
//! RSA keys at start-up, which no pure-JWT crate does, and a JWT is just two
//! base64url JSON documents and one RS256 signature.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::{Signer, Verifier};
use serde_json::{Map, Value, json};

/// Which of a sign-in's two JWTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    fn claim(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// One RSA signing key and its public half as a JWK.
struct SigningKey {
    key: PKey<Private>,
    kid: String,
    jwk: Value,
}

impl SigningKey {
    fn generate() -> Result<Self, openssl::error::ErrorStack> {
        Self::from_rsa(Rsa::generate(2048)?)
    }

    /// A key stored as PKCS#8 PEM.
    fn from_pem(pem: &[u8]) -> Result<Self, openssl::error::ErrorStack> {
        Self::from_rsa(PKey::private_key_from_pem(pem)?.rsa()?)
    }

    fn to_pem(&self) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        self.key.private_key_to_pem_pkcs8()
    }

    fn from_rsa(rsa: Rsa<Private>) -> Result<Self, openssl::error::ErrorStack> {
        let n = rsa.n().to_vec();
        let kid = URL_SAFE_NO_PAD.encode(&openssl::sha::sha256(&n)[..12]);
        let jwk = json!({
            "alg": "RS256", "e": URL_SAFE_NO_PAD.encode(rsa.e().to_vec()), "kid": kid,
            "kty": "RSA", "n": URL_SAFE_NO_PAD.encode(&n), "use": "sig",
        });
        Ok(SigningKey {
            key: PKey::from_rsa(rsa)?,
            kid,
            jwk,
        })
    }

    fn sign(&self, claims: &Value) -> String {
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

    /// The claims of `jwt` if this key signed it.
    fn verify(&self, jwt: &str) -> Option<Map<String, Value>> {
        let (signing_input, signature) = jwt.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header["alg"] != "RS256" || header["kid"] != self.kid.as_str() {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut verifier = Verifier::new(MessageDigest::sha256(), &self.key).ok()?;
        verifier.update(signing_input.as_bytes()).ok()?;
        if !verifier.verify(&signature).ok()? {
            return None;
        }
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }
}

/// The endpoint's two signing keys: one for ID tokens, one for access tokens
/// (fresh 2048-bit RSA keys, or those kept in the data directory).
pub struct TokenSigner {
    id: SigningKey,
    access: SigningKey,
}

impl TokenSigner {
    /// Two new keys.
    pub fn generate() -> Result<Self, openssl::error::ErrorStack> {
        Ok(TokenSigner {
            id: SigningKey::generate()?,
            access: SigningKey::generate()?,
        })
    }

    /// The keys stored as PKCS#8 PEMs (ID-token key, access-token key).
    pub(crate) fn from_pems(id: &[u8], access: &[u8]) -> Result<Self, openssl::error::ErrorStack> {
        Ok(TokenSigner {
            id: SigningKey::from_pem(id)?,
            access: SigningKey::from_pem(access)?,
        })
    }

    /// Both keys as PKCS#8 PEMs (ID-token key, access-token key).
    pub(crate) fn to_pems(&self) -> Result<(Vec<u8>, Vec<u8>), openssl::error::ErrorStack> {
        Ok((self.id.to_pem()?, self.access.to_pem()?))
    }

    fn key(&self, token_use: TokenUse) -> &SigningKey {
        match token_use {
            TokenUse::Id => &self.id,
            TokenUse::Access => &self.access,
        }
    }

    /// `header.payload.signature`, RS256, with the key for `token_use`.
    pub(crate) fn sign(&self, token_use: TokenUse, claims: &Value) -> String {
        self.key(token_use).sign(claims)
    }

    /// The claims of `jwt` if the key for `token_use` signed it and its
    /// `token_use` claim says so.
    pub(crate) fn verify(&self, token_use: TokenUse, jwt: &str) -> Option<Map<String, Value>> {
        self.key(token_use)
            .verify(jwt)
            .filter(|claims| claims.get("token_use") == Some(&json!(token_use.claim())))
    }

    /// The JSON Web Key Set: both public keys.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.id.jwk, self.access.jwk] })
    }
}
