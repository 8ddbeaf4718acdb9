//! Sign-up and user management: `SignUp`, `AdminConfirmSignUp`,
//! `AdminCreateUser`, `AdminSetUserPassword`.

use cognito_srp::{Password, StoredVerifier};
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, from_srp, invalid_parameter, no_such_pool, no_such_user};
use crate::input::{check_username, field};
use crate::random::token;
use crate::store::User;

impl Endpoint {
    pub(crate) fn sign_up(&self, body: &Value) -> ApiResult {
        let client = self.client(field(body, "ClientId")?)?;
        let username = field(body, "Username")?;
        check_username(username, "username")?;
        let password = field(body, "Password")?;
        client.check_secret_hash(username, body.get("SecretHash").and_then(Value::as_str))?;
        let sub = self.add_user(&client.pool_id, username, password, false)?;
        Ok(json!({ "UserConfirmed": false, "UserSub": sub }))
    }

    /// Runs `f` on the user named by `UserPoolId` and `Username`.
    pub(crate) fn admin_user<T>(
        &self,
        body: &Value,
        f: impl FnOnce(&mut User) -> T,
    ) -> Result<T, ApiError> {
        let pool_id = field(body, "UserPoolId")?;
        let username = field(body, "Username")?;
        let mut state = self.state();
        let pool = state
            .pools
            .get_mut(pool_id)
            .ok_or_else(|| no_such_pool(pool_id))?;
        let user = pool.user_mut(username).ok_or_else(no_such_user)?;
        Ok(f(user))
    }

    pub(crate) fn admin_confirm_sign_up(&self, body: &Value) -> ApiResult {
        self.admin_user(body, |user| user.confirmed = true)?;
        Ok(json!({}))
    }

    pub(crate) fn admin_create_user(&self, body: &Value) -> ApiResult {
        let pool_id = field(body, "UserPoolId")?;
        let username = field(body, "Username")?;
        check_username(username, "username")?;
        // Without a password yet: AdminSetUserPassword gives it one.
        let sub = self.add_user(pool_id, username, &token(), true)?;
        self.admin_user(body, |user| user.verifier = None)?;
        Ok(
            json!({ "User": { "Username": username, "Enabled": true, "UserStatus": "FORCE_CHANGE_PASSWORD",
            "Attributes": [{ "Name": "sub", "Value": sub }] } }),
        )
    }

    pub(crate) fn admin_set_user_password(&self, body: &Value) -> ApiResult {
        let pool = self.pool_id(field(body, "UserPoolId")?)?;
        let password = field(body, "Password")?.to_owned();
        if body.get("Permanent").and_then(Value::as_bool) != Some(true) {
            return Err(invalid_parameter("Only permanent passwords are supported"));
        }
        let real_username = self.admin_user(body, |user| user.username.clone())?;
        let verifier =
            StoredVerifier::register_user(&pool, &real_username, &Password::new(password))
                .map_err(from_srp)?;
        self.admin_user(body, |user| {
            user.verifier = Some(verifier);
            user.confirmed = true;
        })?;
        Ok(json!({}))
    }
}
