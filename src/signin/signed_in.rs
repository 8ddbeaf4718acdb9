//! The end of a sign-in: the tokens, and a new device to confirm.

use core::fmt;

use crate::device::{DeviceCredentials, DeviceSecretVerifierConfig};
use crate::error::{Error, Field, Result};

use super::keep::Origin;
use super::reply::AuthenticationResult;

/// A finished sign-in: the `AuthenticationResult` (with an `AccessToken`), the
/// real username, and the new device when the pool created one.
///
/// Its `Debug` leaves out the tokens and the device password.
///
/// ```
/// use cognito_srp::signin::SignedIn;
/// fn keep(signed_in: SignedIn) {
///     eprintln!("signed in as {}", signed_in.username());
///     let (tokens, new_device) = signed_in.into_parts();
///     if let Some(device) = new_device {
///         let (credentials, confirm_device) = device.into_parts();
///         // Send `confirm_device` with ConfirmDevice, then store `credentials`
///         // (device key, group key, device password) for the next sign-in.
///         # let _ = (credentials, confirm_device);
///     }
///     # let _ = tokens;
/// }
/// ```
#[derive(Clone)]
pub struct SignedIn {
    username: String,
    result: AuthenticationResult,
    access_token: String,
    new_device: Option<NewDevice>,
    origin: Origin,
}

impl SignedIn {
    /// Checks the result and, for `NewDeviceMetadata`, draws the device
    /// password and salt.
    pub(crate) fn new(
        username: String,
        result: AuthenticationResult,
        device_name: Option<String>,
        origin: Origin,
    ) -> Result<Self> {
        let access_token = match result.access_token.as_deref() {
            None => {
                return Err(Error::Missing {
                    field: Field::AccessToken,
                });
            }
            Some("") => return Err(Error::invalid(Field::AccessToken, "empty")),
            Some(token) => token.to_owned(),
        };
        let new_device = match &result.new_device_metadata {
            None => None,
            Some(metadata) => {
                let device_key = metadata.device_key.as_deref().ok_or(Error::Missing {
                    field: Field::DeviceKey,
                })?;
                let device_group_key =
                    metadata.device_group_key.as_deref().ok_or(Error::Missing {
                        field: Field::DeviceGroupKey,
                    })?;
                let (credentials, config) =
                    DeviceCredentials::generate(device_group_key, device_key)?;
                Some(NewDevice {
                    confirm_device: ConfirmDevice {
                        access_token: access_token.clone(),
                        device_key: device_key.to_owned(),
                        device_secret_verifier_config: config,
                        device_name,
                    },
                    credentials,
                })
            }
        };
        Ok(SignedIn {
            username,
            result,
            access_token,
            new_device,
            origin,
        })
    }

    /// The pool, app client and remembered device of the sign-in.
    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The real username: `USER_ID_FOR_SRP` (or `USERNAME`) of the challenges,
    /// else the name as typed. A UUID in pools where the email or phone number
    /// is the username.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The `AuthenticationResult` as received.
    pub fn authentication_result(&self) -> &AuthenticationResult {
        &self.result
    }

    /// `AccessToken`, which is always present.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The new device, when the result carried `NewDeviceMetadata`.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }

    /// The result and the new device, by value.
    pub fn into_parts(self) -> (AuthenticationResult, Option<NewDevice>) {
        (self.result, self.new_device)
    }
}

impl fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedIn")
            .field("username", &self.username)
            .field("authentication_result", &self.result)
            .field("new_device", &self.new_device)
            .finish()
    }
}

/// A device the pool created at this sign-in: the credentials to keep, and
/// the `ConfirmDevice` input that makes it known.
///
/// After `ConfirmDevice` (and `UpdateDeviceStatus` to `remembered` when it
/// answers `UserConfirmationNecessary`), sign in with
/// [`SignIn::with_device`](super::SignIn::with_device) and these credentials.
///
/// ```
/// use cognito_srp::signin::NewDevice;
/// fn remember(device: &NewDevice) -> (String, String, String) {
///     let credentials = device.credentials();
///     (
///         credentials.device_key().to_owned(),
///         credentials.device_group_key().to_owned(),
///         credentials.device_password().expose_secret().to_owned(), // store as a secret
///     )
/// }
/// ```
#[derive(Clone, Debug)]
pub struct NewDevice {
    credentials: DeviceCredentials,
    confirm_device: ConfirmDevice,
}

impl NewDevice {
    /// The credentials to keep (device group key, device key, and the device
    /// password drawn here).
    pub fn credentials(&self) -> &DeviceCredentials {
        &self.credentials
    }

    /// The `ConfirmDevice` input.
    pub fn confirm_device(&self) -> &ConfirmDevice {
        &self.confirm_device
    }

    /// Both, by value.
    pub fn into_parts(self) -> (DeviceCredentials, ConfirmDevice) {
        (self.credentials, self.confirm_device)
    }
}

/// The input of `ConfirmDevice`: `AccessToken`, `DeviceKey`,
/// `DeviceSecretVerifierConfig` and `DeviceName`. Its `Debug` leaves out the
/// access token and the verifier.
///
/// ```
/// use cognito_srp::signin::ConfirmDevice;
/// // With the AWS SDK: `confirm_device().access_token(..).device_key(..)
/// // .device_secret_verifier_config(..).set_device_name(..)`.
/// fn fields(input: &ConfirmDevice) -> (&str, &str, &str, &str, Option<&str>) {
///     let config = input.device_secret_verifier_config();
///     (
///         input.access_token(),
///         input.device_key(),
///         config.password_verifier(),
///         config.salt(),
///         input.device_name(),
///     )
/// }
/// ```
#[derive(Clone)]
pub struct ConfirmDevice {
    access_token: String,
    device_key: String,
    device_secret_verifier_config: DeviceSecretVerifierConfig,
    device_name: Option<String>,
}

impl ConfirmDevice {
    /// `AccessToken`.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `DeviceKey`.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// `DeviceSecretVerifierConfig` (`PasswordVerifier` and `Salt`).
    pub fn device_secret_verifier_config(&self) -> &DeviceSecretVerifierConfig {
        &self.device_secret_verifier_config
    }

    /// `DeviceName`, as given to [`SignIn::with_device_name`](super::SignIn::with_device_name).
    pub fn device_name(&self) -> Option<&str> {
        self.device_name.as_deref()
    }
}

impl fmt::Debug for ConfirmDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmDevice")
            .field("access_token", &format_args!("<redacted>"))
            .field("device_key", &self.device_key)
            .field(
                "device_secret_verifier_config",
                &self.device_secret_verifier_config,
            )
            .field("device_name", &self.device_name)
            .finish()
    }
}
