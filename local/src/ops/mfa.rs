//! MFA: `AssociateSoftwareToken`, `VerifySoftwareToken` and the codes of
//! the `SOFTWARE_TOKEN_MFA` challenge; `SetUserMFAPreference` and
//! `AdminSetUserMFAPreference` for the software token and for SMS and
//! email codes (`SMS_MFA`, `EMAIL_OTP`, whose challenges are in
//! [`crate::ops::flows`]).
//!
//! The codes themselves (RFC 6238 TOTP) are checked by the model's
//! [`Mfa`](crate::model::user::Mfa).

use serde_json::{Value, json};
use totp_rs::Secret;
use zeroize::Zeroizing;

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_pool, no_such_user};

use crate::input::{field, optional_field};
use crate::model::session::{SessionBinding, invalid_session};
use crate::model::signin::TotpSetup;
use crate::model::user::{User, matching_step};
use crate::ops::flows::{MFA_SETUP_ASSOCIATED, MFA_SETUP_VERIFIED};
use crate::ops::tokens::{check_access_token, with_access_token};
use crate::random::random_bytes;

/// A boolean member of an optional settings object (its type was checked
/// with the whole body, see `crate::shape`).
fn setting(settings: &Value, name: &str) -> Result<Option<bool>, ApiError> {
    Ok(settings.get(name).and_then(Value::as_bool))
}

/// `AssociateSoftwareToken` with an `AccessToken`: a fresh 160-bit
/// secret, base32 as `SecretCode`, to verify before it counts.
pub(crate) fn associate_software_token(ep: &Endpoint, body: &Value) -> ApiResult {
    if body.get("Session").is_some() {
        if body.get("AccessToken").is_some() {
            return Err(invalid_parameter(
                "Only one of AccessToken or Session may be given",
            ));
        }
        return associate_in_mfa_setup(ep, body);
    }
    let secret = Zeroizing::new(random_bytes::<20>().to_vec());
    let code = Secret::from(secret.to_vec()).to_base32();
    with_access_token(ep, body, move |user| {
        user.mfa.pending = Some(secret);
        Ok(json!({ "SecretCode": code }))
    })
}

/// `AssociateSoftwareToken` with the `Session` of an `MFA_SETUP` challenge:
/// a fresh secret, held with the sign-in (not yet the user's), and a new
/// `Session` for `VerifySoftwareToken`.
fn associate_in_mfa_setup(ep: &Endpoint, body: &Value) -> ApiResult {
    let session = optional_field(body, "Session")?;
    let now = ep.clock().instant();
    let (binding, mut progress) =
        ep.state()
            .sessions
            .take_for_challenge(session, "MFA_SETUP", now)?;
    let secret = Zeroizing::new(random_bytes::<20>().to_vec());
    let code = Secret::from(secret.to_vec()).to_base32();
    progress.totp_setup = Some(TotpSetup {
        secret,
        verified_step: None,
    });
    let binding = SessionBinding {
        challenge: MFA_SETUP_ASSOCIATED,
        ..binding
    };
    let lifetime = ep.session_lifetime(&binding.client_id);
    let session = ep
        .state()
        .sessions
        .issue(binding, progress, now, lifetime)?;
    Ok(json!({ "SecretCode": code, "Session": session }))
}

/// `VerifySoftwareToken` with the `Session` of `AssociateSoftwareToken` in
/// `MFA_SETUP`: `SUCCESS` and the `Session` to answer `MFA_SETUP` with. A
/// wrong code spends the session (the sign-in starts over).
fn verify_in_mfa_setup(ep: &Endpoint, body: &Value, code: &str) -> ApiResult {
    let session = optional_field(body, "Session")?;
    let now = ep.clock().instant();
    let (binding, mut progress) =
        ep.state()
            .sessions
            .take_for_challenge(session, MFA_SETUP_ASSOCIATED, now)?;
    let setup = progress.totp_setup.as_mut().ok_or_else(invalid_session)?;
    let Some(step) = matching_step(&setup.secret, code, None) else {
        return Err(err(
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA",
        ));
    };
    setup.verified_step = Some(step);
    let binding = SessionBinding {
        challenge: MFA_SETUP_VERIFIED,
        ..binding
    };
    let lifetime = ep.session_lifetime(&binding.client_id);
    let session = ep
        .state()
        .sessions
        .issue(binding, progress, now, lifetime)?;
    Ok(json!({ "Status": "SUCCESS", "Session": session }))
}

/// `VerifySoftwareToken`: the first code of the associated secret.
pub(crate) fn verify_software_token(ep: &Endpoint, body: &Value) -> ApiResult {
    let code = field(body, "UserCode")?.to_owned();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'userCode' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [0-9]+",
        ));
    }
    if body.get("Session").is_some() && body.get("AccessToken").is_none() {
        return verify_in_mfa_setup(ep, body, &code);
    }
    with_access_token(ep, body, |user| {
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

/// `SetUserMFAPreference`: each MFA factor (`SoftwareTokenMfaSettings`,
/// `SMSMfaSettings`, `EmailMfaSettings`) on or off, preferred or not.
pub(crate) fn set_user_mfa_preference(ep: &Endpoint, body: &Value) -> ApiResult {
    let preference = MfaPreference::from_body(body)?;
    let (pool_id, sub, _) = check_access_token(ep, field(body, "AccessToken")?)?;
    preference.apply_to(ep, &pool_id, &sub)?;
    Ok(json!({}))
}

/// `AdminSetUserMFAPreference`: the same for the user `UserPoolId` and
/// `Username` name.
pub(crate) fn admin_set_user_mfa_preference(ep: &Endpoint, body: &Value) -> ApiResult {
    let preference = MfaPreference::from_body(body)?;
    preference.apply_to(ep, field(body, "UserPoolId")?, field(body, "Username")?)?;
    Ok(json!({}))
}

/// What `SetUserMFAPreference` asks of one factor: `Enabled` and
/// `PreferredMfa`, each left alone when absent.
#[derive(Clone, Copy)]
struct FactorSetting {
    enabled: Option<bool>,
    preferred: Option<bool>,
}

impl FactorSetting {
    fn from_body(body: &Value, name: &str) -> Result<Self, ApiError> {
        let empty = json!({});
        let settings = body.get(name).filter(|v| !v.is_null()).unwrap_or(&empty);
        Ok(FactorSetting {
            enabled: setting(settings, "Enabled")?,
            preferred: setting(settings, "PreferredMfa")?,
        })
    }

    /// Whether the factor is to be on after this.
    fn turns_on(self) -> bool {
        self.enabled == Some(true) || self.preferred == Some(true)
    }

    /// Sets a factor's `enabled` and `preferred` switches: preferring
    /// enables, disabling stops preferring.
    fn apply(self, enabled: &mut bool, preferred: &mut bool) {
        if let Some(on) = self.enabled {
            *enabled = on;
            if !on {
                *preferred = false;
            }
        }
        if let Some(on) = self.preferred {
            *preferred = on;
            if on {
                *enabled = true;
            }
        }
    }
}

/// What `SetUserMFAPreference` asks of each factor.
struct MfaPreference {
    totp: FactorSetting,
    sms: FactorSetting,
    email: FactorSetting,
}

impl MfaPreference {
    fn from_body(body: &Value) -> Result<Self, ApiError> {
        let preference = MfaPreference {
            totp: FactorSetting::from_body(body, "SoftwareTokenMfaSettings")?,
            sms: FactorSetting::from_body(body, "SMSMfaSettings")?,
            email: FactorSetting::from_body(body, "EmailMfaSettings")?,
        };
        let preferred = [preference.totp, preference.sms, preference.email]
            .iter()
            .filter(|s| s.preferred == Some(true))
            .count();
        if preferred > 1 {
            return Err(invalid_parameter("Only one MFA method can be preferred."));
        }
        Ok(preference)
    }

    /// Applies the preference to the user `name` names (username, alias
    /// or `sub`) of `pool_id`: all of it, or, refused, none of it.
    fn apply_to(&self, ep: &Endpoint, pool_id: &str, name: &str) -> Result<(), ApiError> {
        let mut state = ep.state();
        let pool = state
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        let allowed = [
            pool.settings.allows_code_mfa("SMS_MFA"),
            pool.settings.allows_code_mfa("EMAIL_OTP"),
        ];
        let user = pool.user_mut(name).ok_or_else(no_such_user)?;
        self.apply(user, allowed)
    }

    /// `allowed`: whether the pool allows `SMS_MFA` and `EMAIL_OTP`.
    fn apply(&self, user: &mut User, allowed: [bool; 2]) -> Result<(), ApiError> {
        if self.totp.turns_on() && user.mfa.secret.is_none() {
            return Err(invalid_parameter(
                "User has not verified software token mfa",
            ));
        }
        for ((factor, setting, attribute), allowed) in [
            ("SMS_MFA", self.sms, "phone_number"),
            ("EMAIL_OTP", self.email, "email"),
        ]
        .into_iter()
        .zip(allowed)
        {
            if !setting.turns_on() {
                continue;
            }
            if !allowed {
                return Err(invalid_parameter(format!(
                    "{factor} is not enabled in the user pool's MFA configuration."
                )));
            }
            if user.attributes.get(attribute).is_none_or(String::is_empty) {
                return Err(invalid_parameter(format!(
                    "User does not have delivery config set to turn on {factor}"
                )));
            }
        }
        let mfa = &mut user.mfa;
        // One factor preferred at most: preferring one stops preferring
        // the others.
        if self.totp.preferred == Some(true) {
            (mfa.sms_preferred, mfa.email_preferred) = (false, false);
        }
        if self.sms.preferred == Some(true) {
            (mfa.preferred, mfa.email_preferred) = (false, false);
        }
        if self.email.preferred == Some(true) {
            (mfa.preferred, mfa.sms_preferred) = (false, false);
        }
        self.totp.apply(&mut mfa.enabled, &mut mfa.preferred);
        self.sms.apply(&mut mfa.sms_enabled, &mut mfa.sms_preferred);
        self.email
            .apply(&mut mfa.email_enabled, &mut mfa.email_preferred);
        Ok(())
    }
}
