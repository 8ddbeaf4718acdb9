//! `Serialize` and `Deserialize` for [`KeptSignIn`] (the `serde` feature): a
//! flat object of strings and numbers, checked again when it is read back.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::device::DeviceCredentials;
use crate::pool::PoolId;
use crate::secret::DevicePassword;

use super::keep::{Current, KeptSignIn};
use super::token::{AccessToken, IdToken, RefreshToken};

#[derive(Serialize)]
struct DeviceOut<'a> {
    device_group_key: &'a str,
    device_key: &'a str,
    device_password: &'a str,
}

#[derive(Serialize)]
struct KeptOut<'a> {
    pool_id: &'a str,
    client_id: &'a str,
    username: &'a str,
    refresh_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<DeviceOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token_expires_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token_expires_at: Option<u64>,
}

/// A secret as it is read: wiped on drop, also when the value is refused.
struct Secret(Zeroizing<String>);

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| Secret(Zeroizing::new(s)))
    }
}

impl Secret {
    fn take(mut self) -> String {
        core::mem::take(&mut *self.0)
    }
}

#[derive(Deserialize)]
struct DeviceIn {
    device_group_key: String,
    device_key: String,
    device_password: Secret,
}

#[derive(Deserialize)]
struct KeptIn {
    pool_id: String,
    client_id: String,
    username: String,
    refresh_token: Secret,
    #[serde(default)]
    device: Option<DeviceIn>,
    #[serde(default)]
    access_token: Option<Secret>,
    #[serde(default)]
    access_token_expires_at: Option<u64>,
    #[serde(default)]
    id_token: Option<Secret>,
    #[serde(default)]
    id_token_expires_at: Option<u64>,
}

impl Serialize for KeptSignIn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let current = self.current.as_ref();
        KeptOut {
            pool_id: self.pool.as_str(),
            client_id: &self.client_id,
            username: &self.username,
            refresh_token: self.refresh_token.expose_secret(),
            device: self.device.as_ref().map(|d| DeviceOut {
                device_group_key: d.device_group_key(),
                device_key: d.device_key(),
                device_password: d.device_password().expose_secret(),
            }),
            access_token: current.map(|c| c.access_token.expose_secret()),
            access_token_expires_at: current.map(|c| c.access_token_expires_at),
            id_token: current.and_then(|c| c.id_token.as_ref().map(IdToken::expose_secret)),
            id_token_expires_at: current
                .filter(|c| c.id_token.is_some())
                .map(|c| c.id_token_expires_at),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for KeptSignIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let kept = KeptIn::deserialize(deserializer)?;
        let bad = D::Error::custom;
        let pool = PoolId::parse(&kept.pool_id).map_err(bad)?;
        let refresh_token = RefreshToken::new(kept.refresh_token.take()).map_err(bad)?;
        let mut out =
            KeptSignIn::new(pool, kept.client_id, kept.username, refresh_token).map_err(bad)?;
        if let Some(device) = kept.device {
            out.device = Some(
                DeviceCredentials::new(
                    device.device_group_key,
                    device.device_key,
                    DevicePassword::new(device.device_password.take()),
                )
                .map_err(bad)?,
            );
        }
        out.current = match (kept.access_token, kept.access_token_expires_at) {
            (None, None) => None,
            (Some(access_token), Some(access_token_expires_at)) => {
                let id_token = kept
                    .id_token
                    .map(|t| IdToken::new(t.take()))
                    .transpose()
                    .map_err(bad)?;
                Some(Current {
                    access_token: AccessToken::new(access_token.take()).map_err(bad)?,
                    access_token_expires_at,
                    id_token_expires_at: kept
                        .id_token_expires_at
                        .unwrap_or(access_token_expires_at),
                    id_token,
                })
            }
            _ => {
                return Err(D::Error::custom(
                    "access_token and access_token_expires_at come together",
                ));
            }
        };
        Ok(out)
    }
}
