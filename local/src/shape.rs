//! Each operation's request members and their JSON types, as the service
//! model declares them, checked over the whole body before any handler looks
//! at a value: a member of the wrong type is a `SerializationException`, as
//! Cognito's front end refuses it while reading the body, whatever its value
//! and whichever member comes first.
//!
//! Members the table does not list are ignored; `null` counts as absent.
//! Whether a required member is there, and what its value may be, is the
//! handler's business (`InvalidParameterException`), after this check.

use serde_json::{Map, Value};

use crate::error::{ApiError, err};

/// A member's JSON type.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// An object whose values are strings (`AuthParameters`, `ClientMetadata`).
    StringMap,
    /// A list of strings.
    StringList,
    /// An object with these members.
    Structure(&'static [Member]),
    /// A list of objects with these members.
    StructureList(&'static [Member]),
}

/// A member's name and type.
pub(crate) type Member = (&'static str, Shape);

use Shape::{Boolean, Integer, String as Str, StringList, StringMap, Structure, StructureList};

const ANALYTICS_METADATA: Member = (
    "AnalyticsMetadata",
    Structure(&[("AnalyticsEndpointId", Str)]),
);
const USER_CONTEXT_DATA: Member = (
    "UserContextData",
    Structure(&[("IpAddress", Str), ("EncodedData", Str)]),
);
const CONTEXT_DATA: Member = (
    "ContextData",
    Structure(&[
        ("IpAddress", Str),
        ("ServerName", Str),
        ("ServerPath", Str),
        (
            "HttpHeaders",
            StructureList(&[("headerName", Str), ("headerValue", Str)]),
        ),
        ("EncodedData", Str),
    ]),
);
const CLIENT_METADATA: Member = ("ClientMetadata", StringMap);
const ATTRIBUTES: Shape = StructureList(&[("Name", Str), ("Value", Str)]);
const MFA_SETTINGS: Shape = Structure(&[("Enabled", Boolean), ("PreferredMfa", Boolean)]);

const POLICIES: Member = (
    "Policies",
    Structure(&[
        (
            "PasswordPolicy",
            Structure(&[
                ("MinimumLength", Integer),
                ("RequireUppercase", Boolean),
                ("RequireLowercase", Boolean),
                ("RequireNumbers", Boolean),
                ("RequireSymbols", Boolean),
                ("PasswordHistorySize", Integer),
                ("TemporaryPasswordValidityDays", Integer),
            ]),
        ),
        (
            "SignInPolicy",
            Structure(&[("AllowedFirstAuthFactors", StringList)]),
        ),
    ]),
);
const LAMBDA_CONFIG: Member = (
    "LambdaConfig",
    Structure(&[
        ("PreSignUp", Str),
        ("CustomMessage", Str),
        ("PostConfirmation", Str),
        ("PreAuthentication", Str),
        ("PostAuthentication", Str),
        ("DefineAuthChallenge", Str),
        ("CreateAuthChallenge", Str),
        ("VerifyAuthChallengeResponse", Str),
        ("PreTokenGeneration", Str),
        (
            "PreTokenGenerationConfig",
            Structure(&[("LambdaVersion", Str), ("LambdaArn", Str)]),
        ),
        ("UserMigration", Str),
        ("KMSKeyID", Str),
    ]),
);
const DEVICE_CONFIGURATION: Member = (
    "DeviceConfiguration",
    Structure(&[
        ("ChallengeRequiredOnNewDevice", Boolean),
        ("DeviceOnlyRememberedOnUserPrompt", Boolean),
    ]),
);
const SMS_CONFIGURATION: Shape = Structure(&[
    ("SnsCallerArn", Str),
    ("ExternalId", Str),
    ("SnsRegion", Str),
]);
const EMAIL_CONFIGURATION: Member = (
    "EmailConfiguration",
    Structure(&[
        ("SourceArn", Str),
        ("ReplyToEmailAddress", Str),
        ("EmailSendingAccount", Str),
        ("From", Str),
        ("ConfigurationSet", Str),
    ]),
);
const VERIFICATION_MESSAGE_TEMPLATE: Member = (
    "VerificationMessageTemplate",
    Structure(&[
        ("SmsMessage", Str),
        ("EmailMessage", Str),
        ("EmailSubject", Str),
        ("EmailMessageByLink", Str),
        ("EmailSubjectByLink", Str),
        ("DefaultEmailOption", Str),
    ]),
);
const ADMIN_CREATE_USER_CONFIG: Member = (
    "AdminCreateUserConfig",
    Structure(&[
        ("AllowAdminCreateUserOnly", Boolean),
        ("UnusedAccountValidityDays", Integer),
        (
            "InviteMessageTemplate",
            Structure(&[
                ("SMSMessage", Str),
                ("EmailMessage", Str),
                ("EmailSubject", Str),
            ]),
        ),
    ]),
);
/// The members `CreateUserPool` and `UpdateUserPool` both take for
/// messages.
const POOL_MESSAGES: [Member; 4] = [
    ("SmsConfiguration", SMS_CONFIGURATION),
    EMAIL_CONFIGURATION,
    VERIFICATION_MESSAGE_TEMPLATE,
    ADMIN_CREATE_USER_CONFIG,
];
const CLIENT_MEMBERS: &[Member] = &[
    ("UserPoolId", Str),
    ("ClientId", Str),
    ("ClientName", Str),
    ("GenerateSecret", Boolean),
    ("ClientSecret", Str),
    ("RefreshTokenValidity", Integer),
    ("AccessTokenValidity", Integer),
    ("IdTokenValidity", Integer),
    (
        "TokenValidityUnits",
        Structure(&[
            ("AccessToken", Str),
            ("IdToken", Str),
            ("RefreshToken", Str),
        ]),
    ),
    ("ReadAttributes", StringList),
    ("WriteAttributes", StringList),
    ("ExplicitAuthFlows", StringList),
    ("SupportedIdentityProviders", StringList),
    ("CallbackURLs", StringList),
    ("LogoutURLs", StringList),
    ("DefaultRedirectURI", Str),
    ("AllowedOAuthFlows", StringList),
    ("AllowedOAuthScopes", StringList),
    ("AllowedOAuthFlowsUserPoolClient", Boolean),
    ("PreventUserExistenceErrors", Str),
    ("EnableTokenRevocation", Boolean),
    ("EnablePropagateAdditionalUserContextData", Boolean),
    ("AuthSessionValidity", Integer),
    (
        "RefreshTokenRotation",
        Structure(&[("Feature", Str), ("RetryGracePeriodSeconds", Integer)]),
    ),
];

/// Every operation served, with its members. An operation missing here is
/// caught by a test, not served unchecked.
pub(crate) const SHAPES: &[(&str, &[Member])] = &[
    (
        "InitiateAuth",
        &[
            ("AuthFlow", Str),
            ("AuthParameters", StringMap),
            CLIENT_METADATA,
            ("ClientId", Str),
            ANALYTICS_METADATA,
            USER_CONTEXT_DATA,
            ("Session", Str),
        ],
    ),
    (
        "RespondToAuthChallenge",
        &[
            ("ClientId", Str),
            ("ChallengeName", Str),
            ("Session", Str),
            ("ChallengeResponses", StringMap),
            ANALYTICS_METADATA,
            USER_CONTEXT_DATA,
            CLIENT_METADATA,
        ],
    ),
    (
        "AdminInitiateAuth",
        &[
            ("UserPoolId", Str),
            ("ClientId", Str),
            ("AuthFlow", Str),
            ("AuthParameters", StringMap),
            CLIENT_METADATA,
            ANALYTICS_METADATA,
            CONTEXT_DATA,
            ("Session", Str),
        ],
    ),
    (
        "AdminRespondToAuthChallenge",
        &[
            ("UserPoolId", Str),
            ("ClientId", Str),
            ("ChallengeName", Str),
            ("ChallengeResponses", StringMap),
            ("Session", Str),
            ANALYTICS_METADATA,
            CONTEXT_DATA,
            CLIENT_METADATA,
        ],
    ),
    (
        "ConfirmDevice",
        &[
            ("AccessToken", Str),
            ("DeviceKey", Str),
            (
                "DeviceSecretVerifierConfig",
                Structure(&[("PasswordVerifier", Str), ("Salt", Str)]),
            ),
            ("DeviceName", Str),
        ],
    ),
    (
        "UpdateDeviceStatus",
        &[
            ("AccessToken", Str),
            ("DeviceKey", Str),
            ("DeviceRememberedStatus", Str),
        ],
    ),
    (
        "ListDevices",
        &[
            ("AccessToken", Str),
            ("Limit", Integer),
            ("PaginationToken", Str),
        ],
    ),
    ("GetDevice", &[("DeviceKey", Str), ("AccessToken", Str)]),
    ("ForgetDevice", &[("AccessToken", Str), ("DeviceKey", Str)]),
    ("GetUser", &[("AccessToken", Str)]),
    (
        "ChangePassword",
        &[
            ("PreviousPassword", Str),
            ("ProposedPassword", Str),
            ("AccessToken", Str),
        ],
    ),
    (
        "GetTokensFromRefreshToken",
        &[
            ("RefreshToken", Str),
            ("ClientId", Str),
            ("ClientSecret", Str),
            ("DeviceKey", Str),
            CLIENT_METADATA,
        ],
    ),
    (
        "RevokeToken",
        &[("Token", Str), ("ClientId", Str), ("ClientSecret", Str)],
    ),
    ("GlobalSignOut", &[("AccessToken", Str)]),
    (
        "AdminUserGlobalSignOut",
        &[("UserPoolId", Str), ("Username", Str)],
    ),
    (
        "AssociateSoftwareToken",
        &[("AccessToken", Str), ("Session", Str)],
    ),
    (
        "VerifySoftwareToken",
        &[
            ("AccessToken", Str),
            ("Session", Str),
            ("UserCode", Str),
            ("FriendlyDeviceName", Str),
        ],
    ),
    (
        "SetUserMFAPreference",
        &[
            ("SMSMfaSettings", MFA_SETTINGS),
            ("SoftwareTokenMfaSettings", MFA_SETTINGS),
            ("EmailMfaSettings", MFA_SETTINGS),
            ("AccessToken", Str),
        ],
    ),
    (
        "SignUp",
        &[
            ("ClientId", Str),
            ("SecretHash", Str),
            ("Username", Str),
            ("Password", Str),
            ("UserAttributes", ATTRIBUTES),
            ("ValidationData", ATTRIBUTES),
            ANALYTICS_METADATA,
            USER_CONTEXT_DATA,
            CLIENT_METADATA,
        ],
    ),
    (
        "AdminConfirmSignUp",
        &[("UserPoolId", Str), ("Username", Str), CLIENT_METADATA],
    ),
    (
        "AdminCreateUser",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("UserAttributes", ATTRIBUTES),
            ("ValidationData", ATTRIBUTES),
            ("TemporaryPassword", Str),
            ("ForceAliasCreation", Boolean),
            ("MessageAction", Str),
            ("DesiredDeliveryMediums", StringList),
            CLIENT_METADATA,
        ],
    ),
    (
        "AdminSetUserPassword",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("Password", Str),
            ("Permanent", Boolean),
        ],
    ),
    (
        "AdminResetUserPassword",
        &[("UserPoolId", Str), ("Username", Str), CLIENT_METADATA],
    ),
    (
        "CreateUserPool",
        &[
            ("PoolName", Str),
            POLICIES,
            ("DeletionProtection", Str),
            LAMBDA_CONFIG,
            ("AutoVerifiedAttributes", StringList),
            ("AliasAttributes", StringList),
            ("UsernameAttributes", StringList),
            ("SmsVerificationMessage", Str),
            ("EmailVerificationMessage", Str),
            ("EmailVerificationSubject", Str),
            ("SmsAuthenticationMessage", Str),
            ("MfaConfiguration", Str),
            DEVICE_CONFIGURATION,
            ("UserPoolTags", StringMap),
            (
                "Schema",
                StructureList(&[
                    ("Name", Str),
                    ("AttributeDataType", Str),
                    ("DeveloperOnlyAttribute", Boolean),
                    ("Mutable", Boolean),
                    ("Required", Boolean),
                    (
                        "NumberAttributeConstraints",
                        Structure(&[("MinValue", Str), ("MaxValue", Str)]),
                    ),
                    (
                        "StringAttributeConstraints",
                        Structure(&[("MinLength", Str), ("MaxLength", Str)]),
                    ),
                ]),
            ),
            ("UserPoolTier", Str),
            POOL_MESSAGES[0],
            POOL_MESSAGES[1],
            POOL_MESSAGES[2],
            POOL_MESSAGES[3],
        ],
    ),
    ("DescribeUserPool", &[("UserPoolId", Str)]),
    (
        "UpdateUserPool",
        &[
            ("UserPoolId", Str),
            POLICIES,
            ("DeletionProtection", Str),
            LAMBDA_CONFIG,
            ("AutoVerifiedAttributes", StringList),
            ("SmsVerificationMessage", Str),
            ("EmailVerificationMessage", Str),
            ("EmailVerificationSubject", Str),
            ("SmsAuthenticationMessage", Str),
            ("MfaConfiguration", Str),
            DEVICE_CONFIGURATION,
            ("UserPoolTags", StringMap),
            ("PoolName", Str),
            ("UserPoolTier", Str),
            POOL_MESSAGES[0],
            POOL_MESSAGES[1],
            POOL_MESSAGES[2],
            POOL_MESSAGES[3],
        ],
    ),
    ("DeleteUserPool", &[("UserPoolId", Str)]),
    (
        "ListUserPools",
        &[("NextToken", Str), ("MaxResults", Integer)],
    ),
    (
        "SetUserPoolMfaConfig",
        &[
            ("UserPoolId", Str),
            (
                "SoftwareTokenMfaConfiguration",
                Structure(&[("Enabled", Boolean)]),
            ),
            ("MfaConfiguration", Str),
            (
                "SmsMfaConfiguration",
                Structure(&[
                    ("SmsAuthenticationMessage", Str),
                    ("SmsConfiguration", SMS_CONFIGURATION),
                ]),
            ),
            (
                "EmailMfaConfiguration",
                Structure(&[("Message", Str), ("Subject", Str)]),
            ),
            (
                "WebAuthnConfiguration",
                Structure(&[("RelyingPartyId", Str), ("UserVerification", Str)]),
            ),
        ],
    ),
    ("GetUserPoolMfaConfig", &[("UserPoolId", Str)]),
    ("CreateUserPoolClient", CLIENT_MEMBERS),
    ("UpdateUserPoolClient", CLIENT_MEMBERS),
    (
        "DescribeUserPoolClient",
        &[("UserPoolId", Str), ("ClientId", Str)],
    ),
    (
        "DeleteUserPoolClient",
        &[("UserPoolId", Str), ("ClientId", Str)],
    ),
    (
        "ListUserPoolClients",
        &[
            ("UserPoolId", Str),
            ("MaxResults", Integer),
            ("NextToken", Str),
        ],
    ),
    ("AdminGetUser", &[("UserPoolId", Str), ("Username", Str)]),
    (
        "ListUsers",
        &[
            ("UserPoolId", Str),
            ("AttributesToGet", StringList),
            ("Limit", Integer),
            ("PaginationToken", Str),
            ("Filter", Str),
        ],
    ),
    ("AdminDeleteUser", &[("UserPoolId", Str), ("Username", Str)]),
    (
        "AdminDisableUser",
        &[("UserPoolId", Str), ("Username", Str)],
    ),
    ("AdminEnableUser", &[("UserPoolId", Str), ("Username", Str)]),
    (
        "CreateGroup",
        &[
            ("GroupName", Str),
            ("UserPoolId", Str),
            ("Description", Str),
            ("RoleArn", Str),
            ("Precedence", Integer),
        ],
    ),
    ("GetGroup", &[("GroupName", Str), ("UserPoolId", Str)]),
    (
        "ListGroups",
        &[("UserPoolId", Str), ("Limit", Integer), ("NextToken", Str)],
    ),
    (
        "UpdateGroup",
        &[
            ("GroupName", Str),
            ("UserPoolId", Str),
            ("Description", Str),
            ("RoleArn", Str),
            ("Precedence", Integer),
        ],
    ),
    ("DeleteGroup", &[("GroupName", Str), ("UserPoolId", Str)]),
    (
        "AdminAddUserToGroup",
        &[("UserPoolId", Str), ("Username", Str), ("GroupName", Str)],
    ),
    (
        "AdminRemoveUserFromGroup",
        &[("UserPoolId", Str), ("Username", Str), ("GroupName", Str)],
    ),
    (
        "AdminListGroupsForUser",
        &[
            ("Username", Str),
            ("UserPoolId", Str),
            ("Limit", Integer),
            ("NextToken", Str),
        ],
    ),
    (
        "ListUsersInGroup",
        &[
            ("UserPoolId", Str),
            ("GroupName", Str),
            ("Limit", Integer),
            ("NextToken", Str),
        ],
    ),
    (
        "ForgotPassword",
        &[
            ("ClientId", Str),
            ("SecretHash", Str),
            USER_CONTEXT_DATA,
            ("Username", Str),
            ANALYTICS_METADATA,
            CLIENT_METADATA,
        ],
    ),
    (
        "ConfirmForgotPassword",
        &[
            ("ClientId", Str),
            ("SecretHash", Str),
            ("Username", Str),
            ("ConfirmationCode", Str),
            ("Password", Str),
            ANALYTICS_METADATA,
            USER_CONTEXT_DATA,
            CLIENT_METADATA,
        ],
    ),
    ("DeleteUser", &[("AccessToken", Str)]),
    (
        "AdminUpdateUserAttributes",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("UserAttributes", ATTRIBUTES),
            CLIENT_METADATA,
        ],
    ),
    (
        "UpdateUserAttributes",
        &[
            ("UserAttributes", ATTRIBUTES),
            ("AccessToken", Str),
            CLIENT_METADATA,
        ],
    ),
    (
        "AdminDeleteUserAttributes",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("UserAttributeNames", StringList),
        ],
    ),
    (
        "DeleteUserAttributes",
        &[("UserAttributeNames", StringList), ("AccessToken", Str)],
    ),
    (
        "AdminListDevices",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("Limit", Integer),
            ("PaginationToken", Str),
        ],
    ),
    (
        "AdminGetDevice",
        &[("DeviceKey", Str), ("UserPoolId", Str), ("Username", Str)],
    ),
    (
        "AdminForgetDevice",
        &[("UserPoolId", Str), ("Username", Str), ("DeviceKey", Str)],
    ),
    (
        "AdminUpdateDeviceStatus",
        &[
            ("UserPoolId", Str),
            ("Username", Str),
            ("DeviceKey", Str),
            ("DeviceRememberedStatus", Str),
        ],
    ),
    (
        "AdminSetUserMFAPreference",
        &[
            ("SMSMfaSettings", MFA_SETTINGS),
            ("SoftwareTokenMfaSettings", MFA_SETTINGS),
            ("EmailMfaSettings", MFA_SETTINGS),
            ("Username", Str),
            ("UserPoolId", Str),
        ],
    ),
    (
        "ConfirmSignUp",
        &[
            ("ClientId", Str),
            ("SecretHash", Str),
            ("Username", Str),
            ("ConfirmationCode", Str),
            ("ForceAliasCreation", Boolean),
            ANALYTICS_METADATA,
            USER_CONTEXT_DATA,
            CLIENT_METADATA,
            ("Session", Str),
        ],
    ),
    (
        "ResendConfirmationCode",
        &[
            ("ClientId", Str),
            ("SecretHash", Str),
            USER_CONTEXT_DATA,
            ("Username", Str),
            ANALYTICS_METADATA,
            CLIENT_METADATA,
        ],
    ),
    (
        "GetUserAttributeVerificationCode",
        &[
            ("AccessToken", Str),
            ("AttributeName", Str),
            CLIENT_METADATA,
        ],
    ),
    (
        "VerifyUserAttribute",
        &[("AccessToken", Str), ("AttributeName", Str), ("Code", Str)],
    ),
];

/// The members of `operation`, if the table has it.
pub(crate) fn members(operation: &str) -> Option<&'static [Member]> {
    SHAPES
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, members)| *members)
}

/// Checks every member of `body` that `members` lists against its type.
pub(crate) fn check(body: &Map<String, Value>, members: &[Member]) -> Result<(), ApiError> {
    for (name, shape) in members {
        if let Some(value) = body.get(*name) {
            check_value(value, *shape)?;
        }
    }
    Ok(())
}

fn check_value(value: &Value, shape: Shape) -> Result<(), ApiError> {
    match (shape, value) {
        (_, Value::Null)
        | (Str, Value::String(_))
        | (Boolean, Value::Bool(_))
        | (StringList | StructureList(_), Value::Array(_))
        | (StringMap | Structure(_), Value::Object(_)) => {}
        (Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {}
        (expected, found) => return Err(mismatch(expected, found)),
    }
    match (shape, value) {
        (StringMap, Value::Object(map)) => {
            for value in map.values() {
                check_value(value, Str)?;
            }
        }
        (Structure(members), Value::Object(map)) => check(map, members)?,
        (StringList, Value::Array(items)) => {
            for item in items {
                check_value(item, Str)?;
            }
        }
        (StructureList(members), Value::Array(items)) => {
            for item in items {
                check_value(item, Structure(members))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The refusal for `found` where `expected` was due, in the words of the
/// service's JSON reader.
fn mismatch(expected: Shape, found: &Value) -> ApiError {
    let token = match found {
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Object(_) | Value::Array(_) | Value::Null => "",
    };
    let message = match (expected, found) {
        (StringMap | Structure(_), Value::Array(_))
        | (Str | Boolean | Integer, Value::Array(_)) => {
            "Start of list found where not expected.".to_owned()
        }
        (Str | Boolean | Integer | StringList | StructureList(_), Value::Object(_)) => {
            "Start of structure or map found where not expected.".to_owned()
        }
        (StringMap | Structure(_), _) => "Expected start of structure or map.".to_owned(),
        (StringList | StructureList(_), _) => "Expected start of list.".to_owned(),
        (Str, _) => format!("{token} can not be converted to a String"),
        (Boolean, _) => format!("{token} can not be converted to a Boolean"),
        (Integer, _) => format!("{token} can not be converted to an Integer"),
    };
    err("SerializationException", message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(operation: &str, body: Value) -> Option<String> {
        let members = members(operation).unwrap();
        check(body.as_object().unwrap(), members).err().map(|e| {
            assert_eq!(e.kind, "SerializationException");
            e.message
        })
    }

    #[test]
    fn every_operation_served_has_its_members_listed() {
        for (name, _) in crate::ops::OPERATIONS {
            assert!(members(name).is_some(), "{name} has no entry in SHAPES");
        }
    }

    #[test]
    fn a_member_of_the_wrong_type_is_refused_wherever_it_is() {
        assert_eq!(
            refusal("ConfirmDevice", json!({ "AccessToken": true })).unwrap(),
            "BOOLEAN_VALUE can not be converted to a String"
        );
        assert_eq!(
            refusal(
                "UpdateDeviceStatus",
                json!({ "DeviceRememberedStatus": false })
            )
            .unwrap(),
            "BOOLEAN_VALUE can not be converted to a String"
        );
        assert_eq!(
            refusal("ListDevices", json!({ "Limit": "10" })).unwrap(),
            "STRING_VALUE can not be converted to an Integer"
        );
        assert_eq!(
            refusal("ListDevices", json!({ "Limit": 1.5 })).unwrap(),
            "NUMBER_VALUE can not be converted to an Integer"
        );
        assert_eq!(
            refusal("AdminSetUserPassword", json!({ "Permanent": "true" })).unwrap(),
            "STRING_VALUE can not be converted to a Boolean"
        );
        assert_eq!(
            refusal(
                "InitiateAuth",
                json!({ "AuthParameters": { "USERNAME": 7 } })
            )
            .unwrap(),
            "NUMBER_VALUE can not be converted to a String"
        );
        assert_eq!(
            refusal("InitiateAuth", json!({ "AuthParameters": [] })).unwrap(),
            "Start of list found where not expected."
        );
        assert_eq!(
            refusal("InitiateAuth", json!({ "ClientId": {} })).unwrap(),
            "Start of structure or map found where not expected."
        );
        assert_eq!(
            refusal(
                "SetUserMFAPreference",
                json!({ "SoftwareTokenMfaSettings": { "Enabled": "yes" } })
            )
            .unwrap(),
            "STRING_VALUE can not be converted to a Boolean"
        );
        assert_eq!(
            refusal(
                "SignUp",
                json!({ "UserAttributes": [{ "Name": "email", "Value": 1 }] })
            )
            .unwrap(),
            "NUMBER_VALUE can not be converted to a String"
        );
        assert_eq!(
            refusal("AdminCreateUser", json!({ "UserAttributes": "email" })).unwrap(),
            "Expected start of list."
        );
        assert_eq!(
            refusal(
                "AdminInitiateAuth",
                json!({ "ContextData": { "HttpHeaders": [{ "headerName": [] }] } })
            )
            .unwrap(),
            "Start of list found where not expected."
        );
        // Nulls are absent; unknown members are ignored; good bodies pass.
        assert_eq!(
            refusal(
                "InitiateAuth",
                json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": "c", "Session": null,
                        "AuthParameters": { "USERNAME": "alice", "DEVICE_KEY": null },
                        "SomethingNew": [1, 2] })
            ),
            None
        );
        assert_eq!(refusal("ListDevices", json!({ "Limit": 10 })), None);
    }
}
