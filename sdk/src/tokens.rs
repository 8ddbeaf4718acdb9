//! After the sign-in, over the SDK: refresh, revoke, sign out.

use std::time::SystemTime;

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, AuthenticationResultType};
use cognito_srp::AppClient;
use cognito_srp::signin::{
    AuthenticationResult, KeptSignIn, NewDeviceMetadata, Refresh, Refreshed, Reply, TokenRequest,
};

use crate::error::Error;
use crate::runner::Runner;

impl Runner {
    /// Runs `refresh`: sends its request (`InitiateAuth` or `AdminInitiateAuth`
    /// with `REFRESH_TOKEN_AUTH`, or `GetTokensFromRefreshToken`) and reads
    /// the reply into the [`KeptSignIn`] to store from now on, whose refresh
    /// token is the new one when the app client rotates.
    ///
    /// When Cognito refuses the refresh token (revoked, expired, invalid,
    /// reused), [`Error::token_refusal`] says so: sign in again.
    ///
    /// ```no_run
    /// use cognito_srp::AppClient;
    /// use cognito_srp::signin::{KeptSignIn, RefreshWith};
    /// use cognito_srp_sdk::Runner;
    ///
    /// # async fn example(runner: Runner, kept: KeptSignIn) -> Result<(), Box<dyn std::error::Error>> {
    /// let app = AppClient::new("3n4b5urk1ft4fl3mg5e62d9ado")?;
    /// let refresh = kept.refresh(&app)?.with(RefreshWith::GetTokensFromRefreshToken);
    /// match runner.refresh(refresh).await {
    ///     Ok(refreshed) => {
    ///         let kept = refreshed.into_kept(); // store it: it may hold a new refresh token
    ///         # let _ = kept;
    ///     }
    ///     Err(e) if e.token_refusal().is_some() => eprintln!("sign in again: {e}"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn refresh(&self, refresh: Refresh) -> Result<Refreshed, Error> {
        self.refresh_with_clock(refresh, SystemTime::now).await
    }

    /// [`Runner::refresh`], with the time the reply came read from `clock`
    /// (the new tokens' expiry counts from it): for a caller that corrects
    /// its clock's skew from Cognito's.
    ///
    /// ```no_run
    /// use std::time::{Duration, SystemTime};
    /// # async fn example(runner: cognito_srp_sdk::Runner, refresh: cognito_srp::signin::Refresh) -> Result<(), cognito_srp_sdk::Error> {
    /// // This machine's clock runs 30 seconds behind.
    /// let refreshed = runner
    ///     .refresh_with_clock(refresh, || SystemTime::now() + Duration::from_secs(30))
    ///     .await?;
    /// # let _ = refreshed;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn refresh_with_clock(
        &self,
        refresh: Refresh,
        clock: impl FnOnce() -> SystemTime,
    ) -> Result<Refreshed, Error> {
        let request = refresh.request();
        let result = self.send_token_request(&request).await?;
        let reply = Reply {
            authentication_result: result.as_ref().map(driver_result),
            ..Default::default()
        };
        Ok(refresh.receive(reply, clock())?)
    }

    /// `RevokeToken` for the kept refresh token, through `app` (the app
    /// client it was issued to). Cognito then refuses it and the access
    /// tokens issued with it.
    ///
    /// ```no_run
    /// # async fn example(runner: cognito_srp_sdk::Runner, kept: cognito_srp::signin::KeptSignIn) -> Result<(), Box<dyn std::error::Error>> {
    /// runner.revoke_token(&kept, &cognito_srp::AppClient::new("3n4b5urk1ft4fl3mg5e62d9ado")?).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn revoke_token(&self, kept: &KeptSignIn, app: &AppClient) -> Result<(), Error> {
        self.send_token_request(&kept.revoke_token(app)?).await?;
        Ok(())
    }

    /// `GlobalSignOut` with the kept access token: every refresh token of the
    /// user, on every device, stops working.
    ///
    /// ```no_run
    /// # async fn example(runner: cognito_srp_sdk::Runner, kept: cognito_srp::signin::KeptSignIn) -> Result<(), Box<dyn std::error::Error>> {
    /// runner.global_sign_out(&kept).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn global_sign_out(&self, kept: &KeptSignIn) -> Result<(), Error> {
        self.send_token_request(&kept.global_sign_out()?).await?;
        Ok(())
    }

    /// `AdminUserGlobalSignOut` for the kept user, signed with the client's
    /// AWS credentials.
    ///
    /// ```no_run
    /// # async fn example(runner: cognito_srp_sdk::Runner, kept: cognito_srp::signin::KeptSignIn) -> Result<(), Box<dyn std::error::Error>> {
    /// runner.admin_user_global_sign_out(&kept).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn admin_user_global_sign_out(&self, kept: &KeptSignIn) -> Result<(), Error> {
        self.send_token_request(&kept.admin_user_global_sign_out())
            .await?;
        Ok(())
    }

    /// Sends one [`TokenRequest`] and gives back the `AuthenticationResult`
    /// of a refresh (`None` for the others, whose replies are empty).
    pub async fn send_token_request(
        &self,
        request: &TokenRequest,
    ) -> Result<Option<AuthenticationResultType>, Error> {
        let client = self.client();
        let name = request.operation().name();
        let metadata = |map: &std::collections::HashMap<String, String>| {
            (!map.is_empty()).then(|| map.clone())
        };
        match request {
            TokenRequest::RefreshTokenAuth {
                user_pool_id: None,
                client_id,
                auth_parameters,
                client_metadata,
            } => {
                let out = client
                    .initiate_auth()
                    .client_id(client_id)
                    .auth_flow(AuthFlowType::RefreshTokenAuth)
                    .set_auth_parameters(Some(auth_parameters.clone()))
                    .set_client_metadata(metadata(client_metadata))
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(out.authentication_result().cloned())
            }
            TokenRequest::RefreshTokenAuth {
                user_pool_id: Some(pool),
                client_id,
                auth_parameters,
                client_metadata,
            } => {
                let out = client
                    .admin_initiate_auth()
                    .user_pool_id(pool)
                    .client_id(client_id)
                    .auth_flow(AuthFlowType::RefreshTokenAuth)
                    .set_auth_parameters(Some(auth_parameters.clone()))
                    .set_client_metadata(metadata(client_metadata))
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(out.authentication_result().cloned())
            }
            TokenRequest::GetTokensFromRefreshToken {
                client_id,
                client_secret,
                refresh_token,
                device_key,
                client_metadata,
            } => {
                let out = client
                    .get_tokens_from_refresh_token()
                    .client_id(client_id)
                    .set_client_secret(client_secret.as_ref().map(|s| s.expose_secret().to_owned()))
                    .refresh_token(refresh_token.expose_secret())
                    .set_device_key(device_key.clone())
                    .set_client_metadata(metadata(client_metadata))
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(out.authentication_result().cloned())
            }
            TokenRequest::RevokeToken {
                client_id,
                client_secret,
                token,
            } => {
                client
                    .revoke_token()
                    .client_id(client_id)
                    .set_client_secret(client_secret.as_ref().map(|s| s.expose_secret().to_owned()))
                    .token(token.expose_secret())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(None)
            }
            TokenRequest::GlobalSignOut { access_token } => {
                client
                    .global_sign_out()
                    .access_token(access_token.expose_secret())
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(None)
            }
            TokenRequest::AdminUserGlobalSignOut {
                user_pool_id,
                username,
            } => {
                client
                    .admin_user_global_sign_out()
                    .user_pool_id(user_pool_id)
                    .username(username)
                    .send()
                    .await
                    .map_err(|e| Error::from_sdk(name, e))?;
                Ok(None)
            }
        }
    }
}

/// The driver's view of the SDK's `AuthenticationResultType`.
pub(crate) fn driver_result(result: &AuthenticationResultType) -> AuthenticationResult {
    AuthenticationResult {
        access_token: result.access_token().map(str::to_owned),
        id_token: result.id_token().map(str::to_owned),
        refresh_token: result.refresh_token().map(str::to_owned),
        // The SDK gives 0 for an absent `ExpiresIn`.
        expires_in: Some(result.expires_in()).filter(|&seconds| seconds != 0),
        token_type: result.token_type().map(str::to_owned),
        new_device_metadata: result
            .new_device_metadata()
            .map(|device| NewDeviceMetadata {
                device_key: device.device_key().map(str::to_owned),
                device_group_key: device.device_group_key().map(str::to_owned),
            }),
    }
}
