//! A pool's password policy (`PasswordPolicyType`), checked as Cognito
//! checks a new password: one broken rule named per refusal, with
//! `InvalidPasswordException`.

use serde_json::Value;

use crate::error::{ApiError, err};

/// The symbols Cognito counts as special characters.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";
/// The longest password Cognito accepts.
const MAX_LENGTH: usize = 256;

/// What a new password must contain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordPolicy {
    /// At least this many characters (6 to 99).
    pub minimum_length: usize,
    /// At least one upper-case letter.
    pub require_uppercase: bool,
    /// At least one lower-case letter.
    pub require_lowercase: bool,
    /// At least one digit.
    pub require_numbers: bool,
    /// At least one of Cognito's symbols.
    pub require_symbols: bool,
    /// How many days a temporary password stays valid.
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    /// The policy the console preselects: 8 characters and every class,
    /// temporary passwords valid 7 days.
    fn default() -> Self {
        PasswordPolicy {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

fn policy_error(rule: &str) -> ApiError {
    err(
        "InvalidPasswordException",
        format!("Password did not conform with password policy: {rule}"),
    )
}

impl PasswordPolicy {
    /// The seed's `password_policy` object (absent fields take the defaults).
    pub fn from_seed(seed: Option<&Value>) -> Result<Self, String> {
        let mut policy = PasswordPolicy::default();
        let Some(seed) = seed else {
            return Ok(policy);
        };
        let object = seed
            .as_object()
            .ok_or("seed: `password_policy` must be an object")?;
        for (key, value) in object {
            let flag = || {
                value
                    .as_bool()
                    .ok_or(format!("seed: password_policy.{key} must be a boolean"))
            };
            match key.as_str() {
                "minimum_length" => {
                    policy.minimum_length = value
                        .as_u64()
                        .filter(|n| (6..=99).contains(n))
                        .ok_or("seed: password_policy.minimum_length must be 6 to 99")?
                        as usize;
                }
                "require_uppercase" => policy.require_uppercase = flag()?,
                "require_lowercase" => policy.require_lowercase = flag()?,
                "require_numbers" => policy.require_numbers = flag()?,
                "require_symbols" => policy.require_symbols = flag()?,
                "temporary_password_validity_days" => {
                    policy.temporary_password_validity_days = value
                        .as_u64()
                        .filter(|n| *n <= 365)
                        .ok_or(
                        "seed: password_policy.temporary_password_validity_days must be 0 to 365",
                    )? as u32;
                }
                other => return Err(format!("seed: unknown password_policy field {other}")),
            }
        }
        Ok(policy)
    }

    /// Refuses `password` (the request member `password`) with the first
    /// rule it breaks; see [`PasswordPolicy::check_member`].
    pub fn check(&self, password: &str) -> Result<(), ApiError> {
        self.check_member(password, "password")
    }

    /// A temporary password that `self` accepts, for an invitation that
    /// gives none: at least 12 characters from the OS generator.
    pub(crate) fn temporary_password(&self) -> String {
        // Random letters and digits, then one character of each kind, so
        // that any policy is met whatever it requires.
        let alphanumeric = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        let body = self.minimum_length.max(12) - 4;
        let mut password = crate::random::from_alphabet(alphanumeric, body);
        password.push_str(&crate::random::from_alphabet(
            b"ABCDEFGHJKLMNPQRSTUVWXYZ",
            1,
        ));
        password.push_str(&crate::random::from_alphabet(
            b"abcdefghijkmnopqrstuvwxyz",
            1,
        ));
        password.push_str(&crate::random::from_alphabet(b"23456789", 1));
        password.push_str(&crate::random::from_alphabet(b"!#%+=?", 1));
        password
    }

    /// Refuses `password`, the value of the request member `member`
    /// (`password`, `proposedPassword`, `temporaryPassword`), first by the
    /// API's own `PasswordType` (at most 256 characters of
    /// `^[\S]+.*[\S]+$`: two or more, no white space at either end, no line
    /// break), with `InvalidParameterException`; then by the pool's policy,
    /// naming the first rule it breaks, with `InvalidPasswordException`.
    ///
    /// The checks look at each character's class, so their time depends on
    /// the password; Cognito's answer names the broken rule anyway, which
    /// says more than the timing could.
    pub fn check_member(&self, password: &str, member: &str) -> Result<(), ApiError> {
        let length = password.chars().count();
        // Java's `.` (the service's regular expressions) matches no line terminator.
        let line_break = |c: char| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
        if length > MAX_LENGTH {
            return Err(err(
                "InvalidParameterException",
                format!(
                    "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
                     Member must have length less than or equal to {MAX_LENGTH}"
                ),
            ));
        }
        if length < 2
            || password.starts_with(char::is_whitespace)
            || password.ends_with(char::is_whitespace)
            || password.contains(line_break)
        {
            return Err(err(
                "InvalidParameterException",
                format!(
                    "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
                     Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
                ),
            ));
        }
        if length < self.minimum_length {
            return Err(policy_error("Password not long enough"));
        }
        let has = |test: fn(char) -> bool| password.chars().any(test);
        if self.require_lowercase && !has(|c| c.is_lowercase()) {
            return Err(policy_error("Password must have lowercase characters"));
        }
        if self.require_uppercase && !has(|c| c.is_uppercase()) {
            return Err(policy_error("Password must have uppercase characters"));
        }
        if self.require_numbers && !has(|c| c.is_ascii_digit()) {
            return Err(policy_error("Password must have numeric characters"));
        }
        if self.require_symbols && !has(|c| SYMBOLS.contains(c)) {
            return Err(policy_error("Password must have symbol characters"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_names_the_first_rule_broken() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("Correct-Horse-1").is_ok());
        let message = |pw| policy.check(pw).unwrap_err().message;
        assert!(message("Ab-1").ends_with("Password not long enough"));
        assert!(message("ABCDEFG-1").ends_with("Password must have lowercase characters"));
        assert!(message("abcdefg-1").ends_with("Password must have uppercase characters"));
        assert!(message("Abcdefg-h").ends_with("Password must have numeric characters"));
        assert!(message("Abcdefgh1").ends_with("Password must have symbol characters"));
        assert_eq!(
            policy.check("Abcdefgh1").unwrap_err().kind,
            "InvalidPasswordException"
        );
    }

    #[test]
    fn the_apis_own_constraints_come_first_and_name_the_member() {
        let policy = PasswordPolicy::default();
        for bad in [
            "",
            "a",
            " Correct-Horse-1",
            "Correct-Horse-1 ",
            "Correct\nHorse-1",
        ] {
            let e = policy.check_member(bad, "proposedPassword").unwrap_err();
            assert_eq!(e.kind, "InvalidParameterException", "{bad:?}");
            assert!(
                e.message.starts_with(
                    "1 validation error detected: Value at 'proposedPassword' failed to satisfy constraint: \
                     Member must satisfy regular expression pattern"
                ),
                "{bad:?}: {}",
                e.message
            );
        }
        let long = format!("Aa1-{}", "x".repeat(253));
        let e = policy.check(&long).unwrap_err();
        assert_eq!(e.kind, "InvalidParameterException");
        assert!(
            e.message
                .ends_with("Member must have length less than or equal to 256")
        );
        assert!(policy.check(&long[..256]).is_ok());
        // Inner spaces are symbols' neighbours, not white space at an end.
        assert!(policy.check("Correct Horse-1").is_ok());
    }

    #[test]
    fn a_seeded_policy_overrides_the_defaults() {
        let seed = serde_json::json!({ "minimum_length": 6, "require_symbols": false, "require_uppercase": false });
        let policy = PasswordPolicy::from_seed(Some(&seed)).unwrap();
        assert!(policy.check("abcde1").is_ok());
        assert!(
            PasswordPolicy::from_seed(Some(&serde_json::json!({ "minimum_length": 5 }))).is_err()
        );
    }
}
