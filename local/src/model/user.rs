//! Users and what belongs to each: devices, attributes and software-token
//! MFA.
//!
//! TOTP codes are RFC 6238 as authenticator apps compute them (HMAC-SHA1,
//! six digits, 30-second steps, one step of clock skew either way), from
//! the `totp-rs` crate. A code is accepted once: a step already used is
//! refused, as RFC 6238 §5.2 asks.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cognito_srp::StoredVerifier;
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, Totp};
use zeroize::Zeroizing;

use crate::error::{ApiError, err};
use crate::model::code::{CodePurpose, SentCode};

/// A device of a user.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Device {
    pub group_key: String,
    #[serde(with = "crate::model::record::verifier")]
    pub verifier: Option<StoredVerifier>,
    pub remembered: bool,
    /// `device_name` from `ConfirmDevice`'s `DeviceName`.
    pub name: Option<String>,
    /// Unix times of its creation and of its last sign-in.
    pub created: i64,
    pub last_authenticated: i64,
}

impl Device {
    /// A device just announced in `NewDeviceMetadata`, not yet confirmed.
    pub(crate) fn new(group_key: String, now: i64) -> Self {
        Device {
            group_key,
            verifier: None,
            remembered: false,
            name: None,
            created: now,
            last_authenticated: now,
        }
    }
}

/// A user of a pool.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct User {
    /// The real username: `USERNAME` and `USER_ID_FOR_SRP` in challenges,
    /// `cognito:username` in tokens; the `sub` in pools with
    /// `username_attributes`.
    pub username: String,
    pub sub: String,
    #[serde(with = "crate::model::record::verifier")]
    pub verifier: Option<StoredVerifier>,
    pub confirmed: bool,
    pub device_group_key: String,
    pub devices: HashMap<String, Device>,
    /// Attributes by name (`email`, `custom:...`), `sub` excluded.
    pub attributes: BTreeMap<String, String>,
    /// `FORCE_CHANGE_PASSWORD`: the password is temporary, and the next
    /// sign-in must answer `NEW_PASSWORD_REQUIRED`.
    pub force_change_password: bool,
    /// The Unix time (the endpoint's clock) the temporary password was set,
    /// while there is one: it expires after the pool's
    /// `TemporaryPasswordValidityDays`. `None` in records stored before
    /// this was kept: such a temporary password does not expire.
    #[serde(default)]
    pub temporary_password_set: Option<i64>,
    /// MFA: software token (TOTP), SMS and email codes.
    pub mfa: Mfa,
    /// `AdminDisableUser` clears it: a disabled user cannot sign in.
    pub enabled: bool,
    /// The names of the pool's groups the user is in.
    pub groups: BTreeSet<String>,
    /// Unix times of its creation and last change.
    pub created: i64,
    pub last_modified: i64,
    /// The code of a `ForgotPassword` in progress and the Unix time it
    /// expires.
    #[serde(with = "crate::model::record::opt_secret_until")]
    pub reset_code: Option<(Zeroizing<String>, i64)>,
    /// `RESET_REQUIRED`: an administrator reset the password
    /// (`AdminResetUserPassword`); sign-in is refused with
    /// `PasswordResetRequiredException` until `ConfirmForgotPassword` (or
    /// `AdminSetUserPassword`) sets a new one.
    pub reset_required: bool,
    /// The sign-up confirmation and attribute verification codes sent and
    /// not yet used.
    #[serde(default, with = "crate::model::code::as_list")]
    pub codes: BTreeMap<CodePurpose, SentCode>,
}

/// How long a temporary password lasts when the pool says `0` days: 7.
const DEFAULT_TEMPORARY_PASSWORD_DAYS: u32 = 7;

impl User {
    /// The password becomes a temporary one set at `now`
    /// (`FORCE_CHANGE_PASSWORD`).
    pub(crate) fn set_temporary_password(&mut self, now: i64) {
        self.force_change_password = true;
        self.temporary_password_set = Some(now);
    }

    /// The password is the user's own: no longer temporary.
    pub(crate) fn set_permanent_password(&mut self) {
        self.force_change_password = false;
        self.temporary_password_set = None;
    }

    /// Whether the user's temporary password is more than `validity_days`
    /// (`0`: 7) old at `now`.
    pub(crate) fn temporary_password_expired(&self, validity_days: u32, now: i64) -> bool {
        let days = if validity_days == 0 {
            DEFAULT_TEMPORARY_PASSWORD_DAYS
        } else {
            validity_days
        };
        self.force_change_password
            && self
                .temporary_password_set
                .is_some_and(|set| now.saturating_sub(set) > i64::from(days) * 86_400)
    }
}

/// A user's MFA: the software token (TOTP) and the switches of SMS and
/// email codes as a second factor.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Mfa {
    /// The secret of `AssociateSoftwareToken`, until `VerifySoftwareToken`.
    #[serde(with = "crate::model::record::opt_secret_bytes")]
    pub pending: Option<Zeroizing<Vec<u8>>>,
    /// The verified secret.
    #[serde(with = "crate::model::record::opt_secret_bytes")]
    pub secret: Option<Zeroizing<Vec<u8>>>,
    pub enabled: bool,
    pub preferred: bool,
    /// The last time step whose code was accepted.
    pub last_step: Option<u64>,
    /// `SMSMfaSettings`: `SMS_MFA` enabled, and preferred. Absent from
    /// records stored before SMS MFA was kept: off.
    #[serde(default)]
    pub sms_enabled: bool,
    #[serde(default)]
    pub sms_preferred: bool,
    /// `EmailMfaSettings`: `EMAIL_OTP` enabled, and preferred (absent: off).
    #[serde(default)]
    pub email_enabled: bool,
    #[serde(default)]
    pub email_preferred: bool,
}

/// The MFA factors, as `UserMFASettingList` and `MFAS_CAN_CHOOSE` name
/// them, in the order they are listed.
pub(crate) const MFA_FACTORS: [&str; 3] = ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"];

impl std::fmt::Debug for Mfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mfa")
            .field("enabled", &self.enabled)
            .field("preferred", &self.preferred)
            .field("sms_enabled", &self.sms_enabled)
            .field("sms_preferred", &self.sms_preferred)
            .field("email_enabled", &self.email_enabled)
            .field("email_preferred", &self.email_preferred)
            .finish_non_exhaustive()
    }
}

fn totp(secret: &[u8]) -> Totp {
    // Non-compliant only in allowing secrets under 128 bits: seeds may carry
    // the classic 80-bit examples; the secrets this endpoint draws are 160 bits.
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::from(secret.to_vec()))
        .build_noncompliant()
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The step whose code `code` is, if any, after `last_step`.
pub(crate) fn matching_step(secret: &[u8], code: &str, last_step: Option<u64>) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret)
        .check(code, now_secs())
        .filter(|step| last_step.is_none_or(|last| *step > last))
}

impl Mfa {
    /// TOTP enabled and preferred with `secret` (raw bytes, not empty).
    pub(crate) fn with_secret(secret: Vec<u8>) -> Self {
        Mfa {
            pending: None,
            secret: Some(Zeroizing::new(secret)),
            enabled: true,
            preferred: true,
            last_step: None,
            ..Mfa::default()
        }
    }

    /// Whether a sign-in must answer `SOFTWARE_TOKEN_MFA`.
    pub(crate) fn software_token_enabled(&self) -> bool {
        self.enabled && self.secret.is_some()
    }

    /// Checks the code of a `SOFTWARE_TOKEN_MFA` answer.
    pub(crate) fn check_sign_in_code(&mut self, code: &str) -> Result<(), ApiError> {
        let step = self
            .secret
            .as_ref()
            .and_then(|secret| matching_step(secret, code, self.last_step))
            .ok_or_else(|| err("CodeMismatchException", "Invalid code received for user"))?;
        self.last_step = Some(step);
        Ok(())
    }

    /// Whether `factor` (one of [`MFA_FACTORS`]) is enabled.
    pub(crate) fn is_enabled(&self, factor: &str) -> bool {
        match factor {
            "SMS_MFA" => self.sms_enabled,
            "SOFTWARE_TOKEN_MFA" => self.software_token_enabled(),
            "EMAIL_OTP" => self.email_enabled,
            _ => false,
        }
    }

    /// The enabled factor that is preferred, if one is.
    pub(crate) fn preferred_factor(&self) -> Option<&'static str> {
        MFA_FACTORS.into_iter().find(|factor| {
            self.is_enabled(factor)
                && match *factor {
                    "SMS_MFA" => self.sms_preferred,
                    "SOFTWARE_TOKEN_MFA" => self.preferred,
                    _ => self.email_preferred,
                }
        })
    }

    /// `UserMFASettingList` and `PreferredMfaSetting` of `GetUser`.
    pub(crate) fn get_user_fields(&self) -> Value {
        let enabled: Vec<&str> = MFA_FACTORS
            .into_iter()
            .filter(|factor| self.is_enabled(factor))
            .collect();
        if enabled.is_empty() {
            return json!({});
        }
        let mut out = json!({ "UserMFASettingList": enabled });
        if let Some(preferred) = self.preferred_factor() {
            out["PreferredMfaSetting"] = json!(preferred);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            username: "dora".into(),
            sub: "5f0c1a2b-0000-4000-8000-000000000001".into(),
            verifier: None,
            confirmed: true,
            device_group_key: "-abcdefghi".into(),
            devices: HashMap::new(),
            attributes: BTreeMap::new(),
            force_change_password: false,
            temporary_password_set: None,
            mfa: Mfa::default(),
            enabled: true,
            groups: BTreeSet::new(),
            created: 0,
            last_modified: 0,
            reset_code: None,
            reset_required: false,
            codes: BTreeMap::new(),
        }
    }

    #[test]
    fn a_temporary_password_expires_after_its_validity_days_zero_meaning_seven() {
        let day = 86_400;
        let mut user = user();
        user.set_temporary_password(1_000);
        assert!(!user.temporary_password_expired(7, 1_000 + 7 * day));
        assert!(user.temporary_password_expired(7, 1_000 + 7 * day + 1));
        assert!(!user.temporary_password_expired(0, 1_000 + 7 * day));
        assert!(user.temporary_password_expired(1, 1_000 + day + 1));
        user.set_permanent_password();
        assert!(!user.temporary_password_expired(1, 1_000 + 365 * day));
    }

    #[test]
    fn a_record_stored_before_the_time_was_kept_loads_and_does_not_expire() {
        let mut stored = user();
        stored.force_change_password = true;
        let mut record = serde_json::to_value(&stored).unwrap_or_default();
        if let Some(fields) = record.as_object_mut() {
            fields.remove("temporary_password_set");
        }
        let loaded: User = serde_json::from_value(record).expect("an older record loads");
        assert_eq!(loaded.temporary_password_set, None);
        assert!(loaded.force_change_password);
        assert!(!loaded.temporary_password_expired(7, i64::MAX));
    }

    #[test]
    fn a_record_stored_before_sms_and_email_mfa_were_kept_loads_with_them_off() {
        let mut stored = user();
        stored.mfa = Mfa::with_secret(vec![7; 20]);
        let mut record = serde_json::to_value(&stored).unwrap_or_default();
        if let Some(mfa) = record.get_mut("mfa").and_then(Value::as_object_mut) {
            for field in [
                "sms_enabled",
                "sms_preferred",
                "email_enabled",
                "email_preferred",
            ] {
                assert!(mfa.remove(field).is_some(), "{field} is stored");
            }
        }
        let loaded: User = serde_json::from_value(record).expect("an older record loads");
        assert_eq!(
            loaded.mfa.get_user_fields(),
            json!({ "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
                    "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA" })
        );
    }

    #[test]
    fn get_user_lists_every_enabled_factor_and_the_preferred_one() {
        let mut mfa = Mfa::default();
        assert_eq!(mfa.get_user_fields(), json!({}));
        mfa.email_enabled = true;
        mfa.sms_enabled = true;
        assert_eq!(
            mfa.get_user_fields(),
            json!({ "UserMFASettingList": ["SMS_MFA", "EMAIL_OTP"] })
        );
        mfa.email_preferred = true;
        assert_eq!(mfa.preferred_factor(), Some("EMAIL_OTP"));
        assert_eq!(mfa.get_user_fields()["PreferredMfaSetting"], "EMAIL_OTP");
        mfa.email_enabled = false;
        assert_eq!(
            mfa.preferred_factor(),
            None,
            "a factor turned off is not preferred"
        );
    }
}
