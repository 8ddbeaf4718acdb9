//! Whether a pool can send an SMS message: its `SmsConfiguration`.
//!
//! Cognito sends SMS through Amazon SNS, assuming the IAM role
//! `SmsConfiguration.SnsCallerArn` names. This endpoint has no IAM and sends
//! every message through its local channel, so it decides from the
//! configuration alone, where Cognito would find out from IAM and SNS:
//!
//! - no `SmsConfiguration` (or no `SnsCallerArn` in it):
//!   `InvalidUserPoolConfigurationException`, the pool cannot send at all;
//! - a `SnsCallerArn` that is not an IAM role (`arn:aws:iam::<account>:role/<name>`):
//!   `InvalidSmsRoleTrustRelationshipException`, there is no role that could
//!   trust `cognito-idp.amazonaws.com`;
//! - a role of another account than the endpoint's (`000000000000`):
//!   `InvalidSmsRoleAccessPolicyException`, the role cannot publish with the
//!   endpoint's SNS.

use serde_json::Value;

use crate::error::{ApiError, err};
use crate::model::pool::PoolSettings;

/// The account this endpoint's pools (and the roles they may use) live in.
pub(crate) const LOCAL_ACCOUNT: &str = "000000000000";

/// The `SmsConfiguration` a seeded pool gets unless its seed gives one: a
/// role of the endpoint's account, so seeded pools send SMS codes.
pub(crate) fn seeded_configuration() -> Value {
    serde_json::json!({
        "SnsCallerArn": format!("arn:aws:iam::{LOCAL_ACCOUNT}:role/cognito-srp-local-sms"),
        "ExternalId": "cognito-srp-local",
    })
}

/// Checks that a pool with `settings` can send an SMS message.
pub(crate) fn check_can_send(settings: &PoolSettings) -> Result<(), ApiError> {
    let Some(arn) = settings
        .other
        .get("SmsConfiguration")
        .and_then(|c| c.get("SnsCallerArn"))
        .and_then(Value::as_str)
    else {
        return Err(err(
            "InvalidUserPoolConfigurationException",
            "SMS configuration is missing for the user pool: it cannot send SMS messages.",
        ));
    };
    // arn:aws:iam::<account>:role/<path/name>
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let role = match parts.as_slice() {
        ["arn", _, "iam", "", account, resource]
            if account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource
                    .strip_prefix("role/")
                    .is_some_and(|n| !n.is_empty()) =>
        {
            Some(*account)
        }
        _ => None,
    };
    match role {
        None => Err(err(
            "InvalidSmsRoleTrustRelationshipException",
            "Role does not have a trust relationship allowing Cognito to assume the role",
        )),
        Some(account) if account != LOCAL_ACCOUNT => Err(err(
            "InvalidSmsRoleAccessPolicyException",
            "Role does not have permission to publish with SNS",
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(configuration: Option<Value>) -> PoolSettings {
        let mut settings = PoolSettings::default();
        if let Some(c) = configuration {
            settings.other.insert("SmsConfiguration".into(), c);
        }
        settings
    }

    fn refusal(configuration: Option<Value>) -> Option<String> {
        check_can_send(&with(configuration))
            .err()
            .map(|e| e.kind.to_owned())
    }

    #[test]
    fn each_configuration_gets_its_refusal() {
        assert_eq!(
            refusal(None).as_deref(),
            Some("InvalidUserPoolConfigurationException")
        );
        assert_eq!(
            refusal(Some(json!({ "ExternalId": "x" }))).as_deref(),
            Some("InvalidUserPoolConfigurationException")
        );
        assert_eq!(
            refusal(Some(
                json!({ "SnsCallerArn": "arn:aws:sns:us-east-1:000000000000:topic" })
            ))
            .as_deref(),
            Some("InvalidSmsRoleTrustRelationshipException")
        );
        assert_eq!(
            refusal(Some(
                json!({ "SnsCallerArn": "arn:aws:iam::000000000000:user/sms" })
            ))
            .as_deref(),
            Some("InvalidSmsRoleTrustRelationshipException")
        );
        assert_eq!(
            refusal(Some(
                json!({ "SnsCallerArn": "arn:aws:iam::123456789012:role/sms" })
            ))
            .as_deref(),
            Some("InvalidSmsRoleAccessPolicyException")
        );
        assert_eq!(refusal(Some(seeded_configuration())), None);
    }
}
