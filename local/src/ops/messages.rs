//! The messages that carry a code or a temporary password, and the pool's
//! `CustomMessage` trigger that may rewrite them.
//!
//! Nothing leaves the machine: a message is "delivered" to the local code
//! channel (`GET /_local/codes/<pool id>/<username>`, and a line on standard
//! error), with its text as the user would read it. An operation makes its
//! durable change (the code kept with the user) under one hold of the
//! state, and delivers after releasing it, since the trigger is a network
//! call.
//!
//! The text is the pool's own template (`VerificationMessageTemplate`, the
//! older `SmsVerificationMessage`/`EmailVerificationMessage`/
//! `EmailVerificationSubject`, `AdminCreateUserConfig.InviteMessageTemplate`,
//! `SmsAuthenticationMessage` and `EmailMfaConfiguration` for sign-in and
//! MFA codes), else Cognito's default; then, with a
//! `CustomMessage` function, the one it returns. The code replaces
//! `{####}` (`codeParameter`), and in an invitation the username replaces
//! `{username}` (`usernameParameter`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::ApiError;
use crate::model::outbox::Delivery;
use crate::ops::triggers::{Caller, Trigger, configured, invoke, response_string, user_event_data};

/// The placeholder of the code, the event's `codeParameter`.
pub(crate) const CODE_PARAMETER: &str = "{####}";
/// The placeholder of the username in an invitation, the event's
/// `usernameParameter`.
pub(crate) const USERNAME_PARAMETER: &str = "{username}";

/// A message about to go out.
pub(crate) struct Outgoing {
    pub pool_id: String,
    /// The user's real username.
    pub username: String,
    /// What the code is for, as the local channel labels it
    /// (`CONFIRM_SIGN_UP`, `VERIFY_ATTRIBUTE`, `FORGOT_PASSWORD`,
    /// `EMAIL_OTP`, `SMS_OTP`, `SMS_MFA`, `EMAIL_MFA`, `TEMPORARY_PASSWORD`).
    pub purpose: &'static str,
    /// `EMAIL` or `SMS`.
    pub medium: &'static str,
    pub destination: String,
    /// The code, or the temporary password of an invitation.
    pub code: String,
    /// How long the code is good for.
    pub lifetime: Duration,
    /// The `CustomMessage_*` trigger source of this message.
    pub trigger_source: &'static str,
    /// The name an invitation tells the user to sign in with.
    pub invited_as: Option<String>,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("purpose", &self.purpose)
            .field("trigger_source", &self.trigger_source)
            .finish_non_exhaustive()
    }
}

/// The text of a string member of `map`, if any.
fn text<'a>(map: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut value = map;
    for key in path {
        value = value.get(key)?;
    }
    value.as_str().filter(|s| !s.is_empty())
}

/// The pool's own message for `outgoing` (its templates, else Cognito's
/// defaults): the text and, for email, the subject.
fn pool_message(other: &Value, outgoing: &Outgoing) -> (String, Option<String>) {
    let sms = outgoing.medium == "SMS";
    let (message, subject) = match outgoing.trigger_source {
        "CustomMessage_AdminCreateUser" => {
            let template = &["AdminCreateUserConfig", "InviteMessageTemplate"];
            let member = |name: &str| {
                let mut path = template.to_vec();
                path.push(name);
                text(other, &path).map(str::to_owned)
            };
            (
                member(if sms { "SMSMessage" } else { "EmailMessage" }).unwrap_or_else(|| {
                    "Your username is {username} and temporary password is {####}. ".into()
                }),
                member("EmailSubject").unwrap_or_else(|| "Your temporary password".into()),
            )
        }
        // Sign-in and MFA codes: by email, `EmailMfaConfiguration`'s
        // template; by SMS, the pool's `SmsAuthenticationMessage` (which
        // `SetUserPoolMfaConfig`'s `SmsMfaConfiguration` also sets).
        "CustomMessage_Authentication" => (
            if sms {
                text(other, &["SmsAuthenticationMessage"])
            } else {
                text(other, &["EmailMfaConfiguration", "Message"])
            }
            .unwrap_or("Your authentication code is {####}. ")
            .to_owned(),
            text(other, &["EmailMfaConfiguration", "Subject"])
                .unwrap_or("Your authentication code")
                .to_owned(),
        ),
        _ => {
            let template = |name: &str, legacy: &str| {
                text(other, &["VerificationMessageTemplate", name])
                    .or_else(|| text(other, &[legacy]))
                    .map(str::to_owned)
            };
            let message = if sms {
                template("SmsMessage", "SmsVerificationMessage")
            } else {
                template("EmailMessage", "EmailVerificationMessage")
            };
            (
                message.unwrap_or_else(|| "Your verification code is {####}. ".into()),
                template("EmailSubject", "EmailVerificationSubject")
                    .unwrap_or_else(|| "Your verification code".into()),
            )
        }
    };
    (message, (!sms).then_some(subject))
}

/// Whether a function's `message` can carry `outgoing`: it must hold the
/// code's placeholder and, in an invitation, the username's.
fn carries(message: &str, outgoing: &Outgoing) -> bool {
    message.contains(CODE_PARAMETER)
        && (outgoing.invited_as.is_none() || message.contains(USERNAME_PARAMETER))
}

/// Delivers `outgoing` through the local channel, with the message the
/// pool's `CustomMessage` function returns (called as `client_id`, with
/// `client_metadata`) or the pool's own. A failing function fails the
/// delivery in Cognito's words (`UserLambdaValidationException`
/// `CustomMessage failed with error ...`), and nothing is delivered.
pub(crate) fn deliver(
    ep: &Endpoint,
    outgoing: Outgoing,
    client_id: &str,
    client_metadata: &Value,
) -> Result<(), ApiError> {
    let other = {
        let state = ep.state();
        state
            .pools
            .get(&outgoing.pool_id)
            .map(|p| Value::Object(p.settings.other.clone()))
            .unwrap_or_default()
    };
    let (mut message, mut subject) = pool_message(&other, &outgoing);
    if let Some(function) = configured(ep, &outgoing.pool_id, Trigger::CustomMessage) {
        let attributes = user_event_data(ep, &outgoing.pool_id, &outgoing.username)
            .map(|(_, attributes)| attributes)
            .unwrap_or_else(|| json!({}));
        let caller = Caller {
            pool_id: &outgoing.pool_id,
            client_id,
            username: &outgoing.username,
        };
        let username_parameter = outgoing.invited_as.as_ref().map(|_| USERNAME_PARAMETER);
        let response = invoke(
            ep,
            &function,
            outgoing.trigger_source,
            &caller,
            json!({ "userAttributes": attributes, "codeParameter": CODE_PARAMETER,
                    "usernameParameter": username_parameter,
                    "clientMetadata": client_metadata }),
        )?;
        let sms_message = response_string(&response, "smsMessage")?;
        let email_message = response_string(&response, "emailMessage")?;
        let email_subject = response_string(&response, "emailSubject")?;
        // Cognito documents the email members for pools that send email
        // through their own SES identity only.
        let developer =
            text(&other, &["EmailConfiguration", "EmailSendingAccount"]) == Some("DEVELOPER");
        let (custom, custom_subject) = match outgoing.medium {
            "SMS" => (sms_message, None),
            _ if developer => (email_message, email_subject),
            _ => (None, None),
        };
        match custom {
            Some(custom) if carries(&custom, &outgoing) => message = custom,
            // A message that would not carry the code is not sent: the
            // pool's own goes instead.
            Some(_) => eprintln!(
                "cognito-srp-local: CustomMessage ({}) returned a message without {CODE_PARAMETER}; \
                 the pool's own message is sent",
                function.arn
            ),
            None => {}
        }
        if let Some(custom_subject) = custom_subject {
            subject = Some(custom_subject);
        }
    }
    let mut text = message.replace(CODE_PARAMETER, &outgoing.code);
    if let Some(invited_as) = &outgoing.invited_as {
        text = text.replace(USERNAME_PARAMETER, invited_as);
    }
    eprintln!(
        "cognito-srp-local: {} code {} for {} of {} (to {}): {text:?}",
        outgoing.purpose, outgoing.code, outgoing.username, outgoing.pool_id, outgoing.destination
    );
    let now = Instant::now();
    ep.state().outbox.push(
        Delivery {
            pool_id: outgoing.pool_id,
            username: outgoing.username,
            purpose: outgoing.purpose,
            medium: outgoing.medium,
            destination: outgoing.destination,
            code: outgoing.code,
            message: text,
            subject,
            expires: now + outgoing.lifetime,
        },
        now,
    );
    Ok(())
}
