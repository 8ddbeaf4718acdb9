//! Remembered devices: the `DeviceSecretVerifierConfig` of `ConfirmDevice`,
//! and the client's side of `DEVICE_SRP_AUTH`.
//!
//! The math is the user flow's, with the device group key in place of the
//! pool name, the device key in place of `USER_ID_FOR_SRP`, and the device
//! password in place of the password.

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::app_client::AppClient;
use crate::challenge::DevicePasswordVerifierChallenge;
use crate::client::{Ephemeral, PasswordClaim};
use crate::error::{Error, Field, Result};
use crate::hazmat::{DeviceSrpClientExt, DeviceSrpSignInExt};
use crate::salt::Salt;
use crate::secret::DevicePassword;
use crate::srp::unwiped;
use crate::stack::wiped;
use crate::timestamp::Timestamp;
use crate::wire::{ParameterMap, encode_base64, encode_base64_secret};

/// Random bytes behind a device password (it is their base64).
pub const DEVICE_PASSWORD_RANDOM_BYTES: usize = 40;
/// Random bytes of a device salt.
pub const DEVICE_SALT_BYTES: usize = 16;

/// What a client keeps about a remembered device: the device group key and
/// device key from `NewDeviceMetadata`, and the device password it chose.
#[derive(Clone, Debug)]
pub struct DeviceCredentials {
    device_group_key: String,
    device_key: String,
    device_password: DevicePassword,
}

impl DeviceCredentials {
    /// Credentials of a device confirmed earlier.
    pub fn new(
        device_group_key: impl Into<String>,
        device_key: impl Into<String>,
        device_password: DevicePassword,
    ) -> Result<Self> {
        let (device_group_key, device_key) = (device_group_key.into(), device_key.into());
        if device_group_key.is_empty() {
            return Err(Error::invalid(Field::DeviceGroupKey, "empty"));
        }
        if device_key.is_empty() {
            return Err(Error::invalid(Field::DeviceKey, "empty"));
        }
        if device_password.expose_secret().is_empty() {
            return Err(Error::invalid(Field::DevicePassword, "empty"));
        }
        Ok(DeviceCredentials {
            device_group_key,
            device_key,
            device_password,
        })
    }

    /// New credentials for the device of `NewDeviceMetadata`, with a device
    /// password from 40 random bytes and a salt from 16 random bytes (both from
    /// the OS generator), and the `DeviceSecretVerifierConfig` to send with
    /// `ConfirmDevice`.
    ///
    /// ```
    /// use cognito_srp::DeviceCredentials;
    /// let (device, config) = DeviceCredentials::generate("-abcDEF12", "us-east-1_0f4c2f0e-5d4a-4a1e-9a7e-6f1c3d2b1a00")?;
    /// assert_eq!(device.device_password().expose_secret().len(), 56);
    /// assert_eq!(config.to_map()["Salt"], config.salt());
    /// # Ok::<(), cognito_srp::Error>(())
    /// ```
    pub fn generate(
        device_group_key: impl Into<String>,
        device_key: impl Into<String>,
    ) -> Result<(Self, DeviceSecretVerifierConfig)> {
        let (device_group_key, device_key) = (device_group_key.into(), device_key.into());
        wiped(|| Self::generate_inner(device_group_key, device_key))
    }

    fn generate_inner(
        device_group_key: String,
        device_key: String,
    ) -> Result<(Self, DeviceSecretVerifierConfig)> {
        let mut random = Zeroizing::new([0u8; DEVICE_PASSWORD_RANDOM_BYTES]);
        let mut salt = [0u8; DEVICE_SALT_BYTES];
        getrandom::fill(&mut random[..]).map_err(|_| Error::Random)?;
        getrandom::fill(&mut salt).map_err(|_| Error::Random)?;
        // Moved out of the `Zeroizing` wrapper, not copied.
        let password =
            DevicePassword::new(core::mem::take(&mut *encode_base64_secret(&random[..])));
        let device = Self::new(device_group_key, device_key, password)?;
        let config = device.verifier_config_unwiped(&salt);
        Ok((device, config))
    }

    /// The `DeviceSecretVerifierConfig` for these credentials and the given
    /// salt bytes (for tests and known answers; [`DeviceCredentials::generate`]
    /// draws them).
    pub fn verifier_config(
        &self,
        salt_random: &[u8; DEVICE_SALT_BYTES],
    ) -> DeviceSecretVerifierConfig {
        wiped(|| self.verifier_config_unwiped(salt_random))
    }

    fn verifier_config_unwiped(
        &self,
        salt_random: &[u8; DEVICE_SALT_BYTES],
    ) -> DeviceSecretVerifierConfig {
        // 16 bytes always fit in a salt.
        let salt = Salt::from_be_bytes(salt_random).unwrap_or_else(|| unreachable!("16-byte salt"));
        let x = unwiped::compute_x(
            &salt,
            &self.device_group_key,
            &self.device_key,
            self.device_password.expose_secret().as_bytes(),
        );
        let verifier = unwiped::compute_verifier(&x);
        DeviceSecretVerifierConfig {
            // The protocol sends pad(v), whose length follows v's leading zero
            // bytes: a leak it forces (see the README's security notes).
            password_verifier: core::mem::take(&mut *encode_base64_secret(&verifier.pad_unwiped())),
            salt: encode_base64(&salt.pad()),
        }
    }

    /// The device group key.
    pub fn device_group_key(&self) -> &str {
        &self.device_group_key
    }

    /// The device key.
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// The device password, which the client must store.
    pub fn device_password(&self) -> &DevicePassword {
        &self.device_password
    }
}

/// `DeviceSecretVerifierConfig` of `ConfirmDevice`: `PasswordVerifier =
/// base64(pad(g^x mod N))` and `Salt = base64(pad(salt))`.
///
/// The verifier allows an offline dictionary attack on the device password,
/// so it is treated as a secret until it is sent: wiped on drop, compared in
/// constant time, and left out of `Debug`.
///
/// ```
/// use cognito_srp::DeviceCredentials;
/// let (_, config) = DeviceCredentials::generate("-abcDEF12", "us-east-1_0f4c2f0e")?;
/// assert!(format!("{config:?}").contains("password_verifier: <redacted>"));
/// # Ok::<(), cognito_srp::Error>(())
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DeviceSecretVerifierConfig {
    password_verifier: String,
    salt: String,
}

impl DeviceSecretVerifierConfig {
    /// `PasswordVerifier`, base64.
    pub fn password_verifier(&self) -> &str {
        &self.password_verifier
    }

    /// `Salt`, base64.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// As the JSON object `ConfirmDevice` takes: `{"PasswordVerifier", "Salt"}`
    /// (the wire form: the caller's copy is theirs to wipe).
    pub fn to_map(&self) -> ParameterMap {
        ParameterMap::from([
            (
                "PasswordVerifier".to_owned(),
                self.password_verifier.clone(),
            ),
            ("Salt".to_owned(), self.salt.clone()),
        ])
    }
}

impl PartialEq for DeviceSecretVerifierConfig {
    /// Constant time in the verifier's content (its length is public).
    fn eq(&self, other: &Self) -> bool {
        self.salt == other.salt
            && bool::from(
                self.password_verifier
                    .as_bytes()
                    .ct_eq(other.password_verifier.as_bytes()),
            )
    }
}

impl Eq for DeviceSecretVerifierConfig {}

impl core::fmt::Debug for DeviceSecretVerifierConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceSecretVerifierConfig")
            .field("password_verifier", &format_args!("<redacted>"))
            .field("salt", &self.salt)
            .finish()
    }
}

/// A `DEVICE_SRP_AUTH` client for one remembered device.
#[derive(Clone, Debug)]
pub struct DeviceSrpClient {
    device: DeviceCredentials,
    app: Option<AppClient>,
}

impl DeviceSrpClient {
    /// A client for the device `device`.
    pub fn new(device: DeviceCredentials) -> Self {
        DeviceSrpClient { device, app: None }
    }

    /// Sends `SECRET_HASH` computed for this app client (when it has a secret).
    pub fn with_app_client(mut self, app: AppClient) -> Self {
        self.app = Some(app);
        self
    }

    /// Starts `DEVICE_SRP_AUTH` for `username` with a fresh 128-byte `a`.
    pub fn start(&self, username: &str) -> Result<DeviceSrpSignIn> {
        wiped(|| self.start_with(username, Ephemeral::generate()?))
    }

    fn start_with(&self, username: &str, ephemeral: Ephemeral) -> Result<DeviceSrpSignIn> {
        if username.is_empty() {
            return Err(Error::invalid(Field::Username, "empty"));
        }
        Ok(DeviceSrpSignIn {
            client: self.clone(),
            username: username.to_owned(),
            ephemeral,
        })
    }
}

/// A `DEVICE_SRP_AUTH` sign-in in progress; answering the
/// `DEVICE_PASSWORD_VERIFIER` challenge consumes it.
pub struct DeviceSrpSignIn {
    client: DeviceSrpClient,
    username: String,
    ephemeral: Ephemeral,
}

/// The ephemeral and the device password wipe themselves on drop.
impl zeroize::ZeroizeOnDrop for DeviceSrpSignIn {}

impl core::fmt::Debug for DeviceSrpSignIn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceSrpSignIn")
            .field("client", &self.client)
            .field("username", &self.username)
            .field("srp_a", &self.ephemeral.srp_a())
            .finish_non_exhaustive()
    }
}

impl DeviceSrpSignIn {
    /// `SRP_A = hex(g^a mod N)`.
    pub fn srp_a(&self) -> &str {
        self.ephemeral.srp_a()
    }

    /// The `ChallengeResponses` that answer `DEVICE_SRP_AUTH`: `USERNAME`,
    /// `DEVICE_KEY`, `SRP_A`, and `SECRET_HASH` when it applies.
    pub fn challenge_responses(&self) -> ParameterMap {
        self.ephemeral.srp_a_parameters(
            &self.username,
            self.client.app.as_ref(),
            Some(self.client.device.device_key()),
        )
    }

    /// Answers `DEVICE_PASSWORD_VERIFIER`, signed now.
    pub fn respond(self, challenge: &DevicePasswordVerifierChallenge) -> Result<PasswordClaim> {
        self.respond_at(challenge, &Timestamp::now()?)
    }
}

impl DeviceSrpClientExt for DeviceSrpClient {
    fn start_with_private_ephemeral(&self, username: &str, a: &[u8]) -> Result<DeviceSrpSignIn> {
        wiped(|| self.start_with(username, Ephemeral::from_bytes(a)?))
    }
}

impl DeviceSrpSignInExt for DeviceSrpSignIn {
    fn respond_at(
        self,
        challenge: &DevicePasswordVerifierChallenge,
        timestamp: &Timestamp,
    ) -> Result<PasswordClaim> {
        let DeviceSrpSignIn {
            client,
            username,
            ephemeral,
        } = self;
        let device = &client.device;
        let signature = wiped(|| {
            ephemeral.sign(
                device.device_group_key(),
                device.device_key(),
                device.device_password().expose_secret().as_bytes(),
                &challenge.srp,
                timestamp,
            )
        })?;
        Ok(PasswordClaim::new(
            &signature,
            timestamp,
            &username,
            challenge.secret_block().as_str(),
            client.app.as_ref(),
            Some(device.device_key()),
        ))
    }
}
