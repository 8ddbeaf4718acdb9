//! The tokens a sign-in hands back, as secrets: wiped when dropped, printed
//! as `<redacted>`.

use core::fmt;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Field, Result};

macro_rules! token {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// Wraps a token as Cognito gave it; an empty one is refused.
            pub fn new(token: impl Into<String>) -> Result<Self> {
                let token = Self(token.into());
                if token.0.is_empty() {
                    return Err(Error::invalid($field, "empty"));
                }
                Ok(token)
            }

            /// The token's text, to send or to store as a secret.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

token!(
    /// A refresh token: opaque (an encrypted JWE), valid for the app client's
    /// refresh token validity (30 days by default), and bound to the device
    /// it was issued with.
    ///
    /// ```
    /// use cognito_srp::signin::RefreshToken;
    /// let token = RefreshToken::new("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.a.b.c.d")?;
    /// assert_eq!(format!("{token:?}"), "RefreshToken(<redacted>)");
    /// assert!(RefreshToken::new("").is_err());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    RefreshToken,
    Field::RefreshToken
);

token!(
    /// An access token (a JWT), which authorises `GlobalSignOut`,
    /// `GetUser` and the other calls of the signed-in user.
    ///
    /// ```
    /// use cognito_srp::signin::AccessToken;
    /// let token = AccessToken::new("eyJraWQiOiJhIn0.eyJzdWIiOiJ4In0.sig")?;
    /// assert_eq!(token.expose_secret(), "eyJraWQiOiJhIn0.eyJzdWIiOiJ4In0.sig");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    AccessToken,
    Field::AccessToken
);

token!(
    /// An ID token (a JWT), which carries the user's attributes.
    ///
    /// ```
    /// use cognito_srp::signin::IdToken;
    /// assert_eq!(format!("{:?}", IdToken::new("eyJ.e30.sig")?), "IdToken(<redacted>)");
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    IdToken,
    Field::IdToken
);

/// `exp - iat` of a JWT's payload, in seconds: how long the token lives, read
/// without checking its signature. It only decides when to refresh, and a
/// difference of the issuer's own two times holds whatever the offset between
/// the issuer's clock and ours.
pub(crate) fn jwt_lifetime(jwt: &str) -> Option<u64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = Zeroizing::new(Base64UrlUnpadded::decode_vec(payload).ok()?);
    let claims: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let iat = claims.get("iat")?.as_u64()?;
    exp.checked_sub(iat)
}

#[cfg(test)]
mod tests {
    use super::*;
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            Base64UrlUnpadded::encode_string(payload.as_bytes())
        )
    }

    #[test]
    fn a_jwt_lifetime_is_exp_minus_iat() {
        assert_eq!(
            jwt_lifetime(&jwt(r#"{"iat":1700000000,"exp":1700003600}"#)),
            Some(3600)
        );
        for bad in [
            jwt(r#"{"iat":1700000000}"#),
            jwt(r#"{"iat":1700003600,"exp":1700000000}"#),
            jwt(r#"{"iat":"1","exp":2}"#),
            jwt("not json"),
            "opaque".to_owned(),
            "a.!!!.c".to_owned(),
        ] {
            assert_eq!(jwt_lifetime(&bad), None, "{bad}");
        }
    }

    #[test]
    fn tokens_never_print() {
        let token = RefreshToken::new("secret-refresh").unwrap();
        assert!(!format!("{token:?}").contains("secret"));
        assert_eq!(
            AccessToken::new("").unwrap_err(),
            Error::invalid(Field::AccessToken, "empty")
        );
    }
}
