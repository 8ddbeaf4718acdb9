//! Software-token MFA: `AssociateSoftwareToken`, `VerifySoftwareToken`,
//! `SetUserMFAPreference`, and the codes of the `SOFTWARE_TOKEN_MFA`
//! challenge.
//!
//! Codes are RFC 6238 TOTP as authenticator apps compute them (HMAC-SHA1,
//! six digits, 30-second steps, one step of clock skew either way), from
//! the `totp-rs` crate. A code is accepted once: a step already used is
//! refused, as RFC 6238 §5.2 asks.

use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, Totp};
use zeroize::Zeroizing;

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter};
use crate::input::field;
use crate::random::random_bytes;

/// A user's software-token MFA.
#[derive(Default)]
pub(crate) struct Mfa {
    /// The secret of `AssociateSoftwareToken`, until `VerifySoftwareToken`.
    pending: Option<Zeroizing<Vec<u8>>>,
    /// The verified secret.
    secret: Option<Zeroizing<Vec<u8>>>,
    enabled: bool,
    preferred: bool,
    /// The last time step whose code was accepted.
    last_step: Option<u64>,
}

impl std::fmt::Debug for Mfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mfa")
            .field("enabled", &self.enabled)
            .field("preferred", &self.preferred)
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
fn matching_step(secret: &[u8], code: &str, last_step: Option<u64>) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret)
        .check(code, now_secs())
        .filter(|step| last_step.is_none_or(|last| *step > last))
}

impl Mfa {
    /// TOTP enabled and preferred with the seed's base32 `totp_secret`.
    pub(crate) fn from_seed_secret(base32: &str) -> Result<Self, String> {
        let secret = Secret::try_from_base32(base32.trim_end_matches('='))
            .map_err(|_| "seed: totp_secret must be base32")?;
        let bytes: &[u8] = secret.as_ref();
        if bytes.is_empty() {
            return Err("seed: totp_secret is empty".to_owned());
        }
        Ok(Mfa {
            pending: None,
            secret: Some(Zeroizing::new(bytes.to_vec())),
            enabled: true,
            preferred: true,
            last_step: None,
        })
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

    /// `UserMFASettingList` and `PreferredMfaSetting` of `GetUser`.
    pub(crate) fn get_user_fields(&self) -> Value {
        if self.software_token_enabled() {
            let mut out = json!({ "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"] });
            if self.preferred {
                out["PreferredMfaSetting"] = json!("SOFTWARE_TOKEN_MFA");
            }
            out
        } else {
            json!({})
        }
    }
}

/// A boolean member of an optional settings object, or a type error.
fn setting(settings: &Value, name: &str) -> Result<Option<bool>, ApiError> {
    match settings.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(err(
            "SerializationException",
            format!("{name} must be a boolean"),
        )),
    }
}

impl Endpoint {
    /// `AssociateSoftwareToken` with an `AccessToken`: a fresh 160-bit
    /// secret, base32 as `SecretCode`, to verify before it counts.
    pub(crate) fn associate_software_token(&self, body: &Value) -> ApiResult {
        if body.get("Session").is_some() {
            if body.get("AccessToken").is_some() {
                return Err(invalid_parameter(
                    "Only one of AccessToken or Session may be given",
                ));
            }
            // No MFA_SETUP challenge is issued, so no session can be valid here.
            return Err(crate::session::invalid_session());
        }
        let secret = Zeroizing::new(random_bytes::<20>().to_vec());
        let code = Secret::from(secret.to_vec()).to_base32();
        self.with_access_token(body, move |user| {
            user.mfa.pending = Some(secret);
            Ok(json!({ "SecretCode": code }))
        })
    }

    /// `VerifySoftwareToken`: the first code of the associated secret.
    pub(crate) fn verify_software_token(&self, body: &Value) -> ApiResult {
        let code = field(body, "UserCode")?.to_owned();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid_parameter(
                "1 validation error detected: Value at 'userCode' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [0-9]+",
            ));
        }
        if body.get("Session").is_some() && body.get("AccessToken").is_none() {
            return Err(crate::session::invalid_session());
        }
        self.with_access_token(body, |user| {
            let pending = user.mfa.pending.take().ok_or_else(|| {
                err(
                    "SoftwareTokenMFANotFoundException",
                    "Software Token MFA has not been associated with the user.",
                )
            })?;
            let Some(step) = matching_step(&pending, &code, None) else {
                // The secret stays pending: the user may try another code.
                user.mfa.pending = Some(pending);
                return Err(err(
                    "EnableSoftwareTokenMFAException",
                    "Code mismatch and fail enable Software Token MFA",
                ));
            };
            user.mfa.secret = Some(pending);
            user.mfa.last_step = Some(step);
            Ok(json!({ "Status": "SUCCESS" }))
        })
    }

    /// `SetUserMFAPreference`: software-token MFA on or off, preferred or
    /// not. SMS and email MFA are not served (no message delivery here).
    pub(crate) fn set_user_mfa_preference(&self, body: &Value) -> ApiResult {
        let empty = json!({});
        let totp_settings = body.get("SoftwareTokenMfaSettings").unwrap_or(&empty);
        let enabled = setting(totp_settings, "Enabled")?;
        let preferred = setting(totp_settings, "PreferredMfa")?;
        for other in ["SMSMfaSettings", "EmailMfaSettings"] {
            if let Some(settings) = body.get(other)
                && (setting(settings, "Enabled")? == Some(true)
                    || setting(settings, "PreferredMfa")? == Some(true))
            {
                return Err(invalid_parameter(format!(
                    "User does not have delivery config set to turn on {}",
                    if other == "SMSMfaSettings" {
                        "SMS_MFA"
                    } else {
                        "EMAIL_OTP"
                    }
                )));
            }
        }
        self.with_access_token(body, |user| {
            if (enabled == Some(true) || preferred == Some(true)) && user.mfa.secret.is_none() {
                return Err(invalid_parameter(
                    "User has not verified software token mfa",
                ));
            }
            if let Some(enabled) = enabled {
                user.mfa.enabled = enabled;
                if !enabled {
                    user.mfa.preferred = false;
                }
            }
            if let Some(preferred) = preferred {
                user.mfa.preferred = preferred;
                if preferred {
                    user.mfa.enabled = true;
                }
            }
            Ok(json!({}))
        })
    }
}
