//! The operations, by `X-Amz-Target` name. Each family lives in a module of
//! its own; adding one is a handler `fn(&Endpoint, &Value) -> ApiResult` and
//! one line in [`Endpoint::handle`].

use serde_json::Value;

use crate::Endpoint;
use crate::error::{ApiResult, err};

mod account;
mod admin;
mod devices;
mod flows;
mod mfa;
mod pue;
mod refresh;
mod srp;
mod tokens;
mod users;

impl Endpoint {
    /// Handles one operation (`operation` is the part of `X-Amz-Target`
    /// after `AWSCognitoIdentityProviderService.`).
    pub fn handle(&self, operation: &str, body: &Value) -> ApiResult {
        if !body.is_object() {
            return Err(err(
                "SerializationException",
                "the request body must be a JSON object",
            ));
        }
        match operation {
            "InitiateAuth" => self.initiate_auth(body),
            "RespondToAuthChallenge" => self.respond_to_auth_challenge(body),
            "ConfirmDevice" => self.confirm_device(body),
            "UpdateDeviceStatus" => self.update_device_status(body),
            "ListDevices" => self.list_devices(body),
            "GetDevice" => self.get_device(body),
            "ForgetDevice" => self.forget_device(body),
            "GetUser" => self.get_user(body),
            "ChangePassword" => self.change_password(body),
            "GetTokensFromRefreshToken" => self.get_tokens_from_refresh_token(body),
            "RevokeToken" => self.revoke_token(body),
            "GlobalSignOut" => self.global_sign_out(body),
            "AssociateSoftwareToken" => self.associate_software_token(body),
            "VerifySoftwareToken" => self.verify_software_token(body),
            "SetUserMFAPreference" => self.set_user_mfa_preference(body),
            "AdminInitiateAuth" => self.admin_initiate_auth(body),
            "AdminRespondToAuthChallenge" => self.admin_respond_to_auth_challenge(body),
            "SignUp" => self.sign_up(body),
            "AdminConfirmSignUp" => self.admin_confirm_sign_up(body),
            "AdminCreateUser" => self.admin_create_user(body),
            "AdminSetUserPassword" => self.admin_set_user_password(body),
            _ => Err(err(
                "UnknownOperationException",
                format!("Unknown operation {operation}"),
            )),
        }
    }
}
