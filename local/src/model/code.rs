//! The codes a user is sent to confirm its sign-up or to verify an email
//! address or phone number: random digits, valid for Cognito's 24 hours,
//! compared in constant time, spent once used, and refused after a few
//! wrong tries (a six-digit code must not be guessable by trying them all).

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// How long a sign-up confirmation or attribute verification code is valid:
/// 24 hours, as Cognito's.
pub(crate) const CODE_LIFETIME_SECS: i64 = 24 * 3600;

/// Wrong tries a code survives; the next try is refused whatever it says,
/// until a new code is sent.
pub(crate) const MAX_WRONG_TRIES: u32 = 5;

/// What a code confirms.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub(crate) enum CodePurpose {
    /// `ConfirmSignUp` (sent by `SignUp` and `ResendConfirmationCode`).
    SignUp,
    /// `VerifyUserAttribute` of this attribute (`email`, `phone_number`).
    Attribute(String),
}

/// A code sent and not yet used.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct SentCode {
    #[serde(with = "crate::model::record::secret")]
    code: Zeroizing<String>,
    /// The attribute it went to (`email`, `phone_number`), verified by it.
    pub attribute: String,
    /// The address or number it went to: it verifies that value only.
    pub destination: String,
    /// Unix time (the endpoint's clock) it expires.
    expires: i64,
    wrong_tries: u32,
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeRefusal {
    /// Not the code sent.
    Mismatch,
    /// The code sent, too late.
    Expired,
    /// Too many wrong tries on this code.
    TooManyTries,
}

impl SentCode {
    /// `code`, sent to `destination`, the value of `attribute`, at `now`.
    pub(crate) fn new(code: &str, attribute: &str, destination: &str, now: i64) -> Self {
        SentCode {
            code: Zeroizing::new(code.to_owned()),
            attribute: attribute.to_owned(),
            destination: destination.to_owned(),
            expires: now.saturating_add(CODE_LIFETIME_SECS),
            wrong_tries: 0,
        }
    }

    /// Checks `given` at `now`: a wrong one counts against the code; a right
    /// one past its time is `Expired`.
    pub(crate) fn check(&mut self, given: &str, now: i64) -> Result<(), CodeRefusal> {
        if self.wrong_tries >= MAX_WRONG_TRIES {
            return Err(CodeRefusal::TooManyTries);
        }
        // The length of a code is no secret (always six digits).
        let equal = self.code.len() == given.len()
            && bool::from(self.code.as_bytes().ct_eq(given.as_bytes()));
        if !equal {
            self.wrong_tries += 1;
            return Err(CodeRefusal::Mismatch);
        }
        if self.expires <= now {
            return Err(CodeRefusal::Expired);
        }
        Ok(())
    }
}

/// A user's codes as a list of pairs, so that any format can hold them
/// (a map's keys must be strings in JSON).
pub(crate) mod as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{CodePurpose, SentCode};

    pub(crate) fn serialize<S: Serializer>(
        codes: &BTreeMap<CodePurpose, SentCode>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        codes.iter().collect::<Vec<_>>().serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<CodePurpose, SentCode>, D::Error> {
        Ok(Vec::<(CodePurpose, SentCode)>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_right_once_in_time_and_locked_after_five_wrong_tries() {
        let mut code = SentCode::new("123456", "email", "a@example.com", 1000);
        assert_eq!(code.check("123457", 1000), Err(CodeRefusal::Mismatch));
        assert_eq!(code.check("12345", 1000), Err(CodeRefusal::Mismatch));
        assert_eq!(code.check("123456", 1000), Ok(()));
        assert_eq!(
            code.check("123456", 1000 + CODE_LIFETIME_SECS),
            Err(CodeRefusal::Expired)
        );
        for _ in 0..3 {
            assert_eq!(code.check("000000", 1000), Err(CodeRefusal::Mismatch));
        }
        assert_eq!(code.check("123456", 1000), Err(CodeRefusal::TooManyTries));
    }
}
