//! The operations, by `X-Amz-Target` name. Each family lives in a module of
//! its own; adding one is a handler `fn(&Endpoint, &Value) -> ApiResult`,
//! one line in [`OPERATIONS`] and its members in [`crate::shape::SHAPES`]
//! (checked by type over the whole body before the handler runs).

use serde_json::Value;

use crate::Endpoint;
use crate::error::{ApiResult, err};
use crate::shape;

pub(crate) mod account;
mod admin;
mod admin_devices;
mod attributes;
mod clients;
mod custom_auth;
mod devices;
mod directory;
mod flows;
mod groups;
mod messages;
mod mfa;
mod migration;
mod page;
mod password;
mod pools;
mod pre_token;
mod pue;
mod recovery;
mod refresh;
mod srp;
pub(crate) mod tokens;
mod triggers;
mod users;
mod verification;

/// An operation's handler.
pub(crate) type Handler = fn(&Endpoint, &Value) -> ApiResult;

/// Whether an operation must be signed with IAM credentials (SigV4), as on
/// AWS: every `Admin*` operation and every management operation (pools,
/// clients); the operations an app makes for its user are not.
/// (An unknown operation is refused as unknown, signed or not.)
pub(crate) fn signed(operation: &str) -> bool {
    !UNSIGNED.contains(&operation) && OPERATIONS.iter().any(|(name, _)| *name == operation)
}

/// The operations served without a signature.
const UNSIGNED: &[&str] = &[
    "InitiateAuth",
    "RespondToAuthChallenge",
    "ConfirmDevice",
    "UpdateDeviceStatus",
    "ListDevices",
    "GetDevice",
    "ForgetDevice",
    "GetUser",
    "ChangePassword",
    "GetTokensFromRefreshToken",
    "RevokeToken",
    "GlobalSignOut",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "SignUp",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "DeleteUser",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
];

/// Every operation served, by `X-Amz-Target` name (the part after
/// `AWSCognitoIdentityProviderService.`).
pub(crate) const OPERATIONS: &[(&str, Handler)] = &[
    ("InitiateAuth", srp::initiate_auth),
    ("RespondToAuthChallenge", srp::respond_to_auth_challenge),
    ("ConfirmDevice", devices::confirm_device),
    ("UpdateDeviceStatus", devices::update_device_status),
    ("ListDevices", account::list_devices),
    ("GetDevice", account::get_device),
    ("ForgetDevice", account::forget_device),
    ("GetUser", account::get_user),
    ("ChangePassword", account::change_password),
    (
        "GetTokensFromRefreshToken",
        refresh::get_tokens_from_refresh_token,
    ),
    ("RevokeToken", refresh::revoke_token),
    ("GlobalSignOut", refresh::global_sign_out),
    (
        "AdminUserGlobalSignOut",
        refresh::admin_user_global_sign_out,
    ),
    ("AssociateSoftwareToken", mfa::associate_software_token),
    ("VerifySoftwareToken", mfa::verify_software_token),
    ("SetUserMFAPreference", mfa::set_user_mfa_preference),
    ("AdminInitiateAuth", admin::admin_initiate_auth),
    (
        "AdminRespondToAuthChallenge",
        admin::admin_respond_to_auth_challenge,
    ),
    ("SignUp", users::sign_up),
    ("AdminConfirmSignUp", users::admin_confirm_sign_up),
    ("AdminCreateUser", users::admin_create_user),
    ("AdminSetUserPassword", users::admin_set_user_password),
    (
        "AdminResetUserPassword",
        recovery::admin_reset_user_password,
    ),
    ("CreateUserPool", pools::create_user_pool),
    ("DescribeUserPool", pools::describe_user_pool),
    ("UpdateUserPool", pools::update_user_pool),
    ("DeleteUserPool", pools::delete_user_pool),
    ("ListUserPools", pools::list_user_pools),
    ("SetUserPoolMfaConfig", pools::set_user_pool_mfa_config),
    ("GetUserPoolMfaConfig", pools::get_user_pool_mfa_config),
    ("CreateUserPoolClient", clients::create_user_pool_client),
    ("DescribeUserPoolClient", clients::describe_user_pool_client),
    ("UpdateUserPoolClient", clients::update_user_pool_client),
    ("DeleteUserPoolClient", clients::delete_user_pool_client),
    ("ListUserPoolClients", clients::list_user_pool_clients),
    ("AdminGetUser", directory::admin_get_user),
    ("ListUsers", directory::list_users),
    ("AdminDeleteUser", directory::admin_delete_user),
    ("AdminDisableUser", directory::admin_disable_user),
    ("AdminEnableUser", directory::admin_enable_user),
    ("CreateGroup", groups::create_group),
    ("GetGroup", groups::get_group),
    ("ListGroups", groups::list_groups),
    ("UpdateGroup", groups::update_group),
    ("DeleteGroup", groups::delete_group),
    ("AdminAddUserToGroup", groups::admin_add_user_to_group),
    (
        "AdminRemoveUserFromGroup",
        groups::admin_remove_user_from_group,
    ),
    ("AdminListGroupsForUser", groups::admin_list_groups_for_user),
    ("ListUsersInGroup", groups::list_users_in_group),
    ("ForgotPassword", recovery::forgot_password),
    ("ConfirmForgotPassword", recovery::confirm_forgot_password),
    ("DeleteUser", account::delete_user),
    (
        "AdminUpdateUserAttributes",
        attributes::admin_update_user_attributes,
    ),
    ("UpdateUserAttributes", attributes::update_user_attributes),
    (
        "AdminDeleteUserAttributes",
        attributes::admin_delete_user_attributes,
    ),
    ("DeleteUserAttributes", attributes::delete_user_attributes),
    ("AdminListDevices", admin_devices::admin_list_devices),
    ("AdminGetDevice", admin_devices::admin_get_device),
    ("AdminForgetDevice", admin_devices::admin_forget_device),
    (
        "AdminUpdateDeviceStatus",
        admin_devices::admin_update_device_status,
    ),
    (
        "AdminSetUserMFAPreference",
        mfa::admin_set_user_mfa_preference,
    ),
    ("ConfirmSignUp", verification::confirm_sign_up),
    (
        "ResendConfirmationCode",
        verification::resend_confirmation_code,
    ),
    (
        "GetUserAttributeVerificationCode",
        verification::get_user_attribute_verification_code,
    ),
    ("VerifyUserAttribute", verification::verify_user_attribute),
];

/// Handles one operation (`operation` is the part of `X-Amz-Target` after
/// `AWSCognitoIdentityProviderService.`).
pub(crate) fn handle(endpoint: &Endpoint, operation: &str, body: &Value) -> ApiResult {
    let Some(object) = body.as_object() else {
        return Err(err(
            "SerializationException",
            "the request body must be a JSON object",
        ));
    };
    match OPERATIONS.iter().find(|(name, _)| *name == operation) {
        Some((name, handler)) => {
            // The whole body is read by type before any value is looked at.
            if let Some(members) = shape::members(name) {
                shape::check(object, members)?;
            }
            let answer = handler(endpoint, body);
            // Whatever the operation changed is durable before it answers,
            // even when it failed part way.
            endpoint.persist()?;
            answer
        }
        None => Err(err(
            "UnknownOperationException",
            format!("Unknown operation {operation}"),
        )),
    }
}
