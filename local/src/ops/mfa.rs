//! Software-token MFA: `AssociateSoftwareToken`, `VerifySoftwareToken`,
//! `SetUserMFAPreference`, and the codes of the `SOFTWARE_TOKEN_MFA`
//! challenge.
//!
//! The codes themselves (RFC 6238 TOTP) are checked by the model's
//! [`Mfa`](crate::model::user::Mfa).

use serde_json::{Value, json};
use totp_rs::Secret;
use zeroize::Zeroizing;

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter};

use crate::input::{field, optional_field};
use crate::model::session::{SessionBinding, invalid_session};
use crate::model::signin::TotpSetup;
use crate::model::user::{Mfa, matching_step};
use crate::ops::flows::{MFA_SETUP_ASSOCIATED, MFA_SETUP_VERIFIED};
use crate::ops::tokens::with_access_token;
use crate::ops::users::admin_user;
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

/// `SetUserMFAPreference`: software-token MFA on or off, preferred or
/// not. SMS and email codes as a second factor are not implemented: turning
/// them on is refused.
pub(crate) fn set_user_mfa_preference(ep: &Endpoint, body: &Value) -> ApiResult {
    let preference = MfaPreference::from_body(body)?;
    with_access_token(ep, body, |user| preference.apply(&mut user.mfa))?;
    Ok(json!({}))
}

/// `AdminSetUserMFAPreference`: the same for the user `UserPoolId` and
/// `Username` name.
pub(crate) fn admin_set_user_mfa_preference(ep: &Endpoint, body: &Value) -> ApiResult {
    let preference = MfaPreference::from_body(body)?;
    admin_user(ep, body, |user| preference.apply(&mut user.mfa))??;
    Ok(json!({}))
}

/// What `SetUserMFAPreference` asks of software-token MFA.
struct MfaPreference {
    enabled: Option<bool>,
    preferred: Option<bool>,
}

impl MfaPreference {
    fn from_body(body: &Value) -> Result<Self, ApiError> {
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
        Ok(MfaPreference { enabled, preferred })
    }

    fn apply(&self, mfa: &mut Mfa) -> Result<(), ApiError> {
        if (self.enabled == Some(true) || self.preferred == Some(true)) && mfa.secret.is_none() {
            return Err(invalid_parameter(
                "User has not verified software token mfa",
            ));
        }
        if let Some(enabled) = self.enabled {
            mfa.enabled = enabled;
            if !enabled {
                mfa.preferred = false;
            }
        }
        if let Some(preferred) = self.preferred {
            mfa.preferred = preferred;
            if preferred {
                mfa.enabled = true;
            }
        }
        Ok(())
    }
}
