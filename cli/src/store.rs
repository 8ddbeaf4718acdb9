//! The device store: remembered devices' credentials, in a JSON file only its
//! owner may read.
//!
//! ```json
//! { "devices": { "us-east-1_AbCdEf123/alice":
//!     { "DeviceGroupKey": "-Xy7KqP2w", "DeviceKey": "us-east-1_5f1d...", "DevicePassword": "..." } } }
//! ```
//!
//! The device password signs in as the device, so the file is created 0600
//! (in a 0700 directory), replaced atomically, and refused when others can
//! read it, as ssh does with private keys.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use cognito_srp::{DeviceCredentials, DevicePassword};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// One device's credentials as stored.
#[derive(Deserialize, Serialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "PascalCase")]
struct StoredDevice {
    device_group_key: String,
    device_key: String,
    device_password: String,
}

#[derive(Default, Deserialize, Serialize)]
struct Devices {
    devices: BTreeMap<String, StoredDevice>,
}

/// The device store at a path.
pub struct DeviceStore {
    path: PathBuf,
}

/// Why the store could not be used.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl DeviceStore {
    /// The store at `path`, or at `<config dir>/cognito-srp/devices.json`.
    pub fn open(path: Option<PathBuf>) -> Result<Self, StoreError> {
        let path = match path {
            Some(path) => path,
            None => dirs::config_dir()
                .ok_or_else(|| {
                    StoreError("no configuration directory: give --device-store".into())
                })?
                .join("cognito-srp")
                .join("devices.json"),
        };
        Ok(DeviceStore { path })
    }

    /// The store's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key of a user's device: devices belong to a user of a pool.
    fn key(pool_id: &str, username: &str) -> String {
        format!("{pool_id}/{username}")
    }

    /// The remembered device of `username` in `pool_id`, if any.
    pub fn get(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<DeviceCredentials>, StoreError> {
        let devices = self.read()?;
        let Some(stored) = devices.devices.get(&Self::key(pool_id, username)) else {
            return Ok(None);
        };
        DeviceCredentials::new(
            stored.device_group_key.clone(),
            stored.device_key.clone(),
            DevicePassword::new(stored.device_password.clone()),
        )
        .map(Some)
        .map_err(|e| StoreError(format!("{}: {e}", self.path.display())))
    }

    /// Stores (or replaces) the device of `username` in `pool_id`.
    pub fn put(
        &self,
        pool_id: &str,
        username: &str,
        device: &DeviceCredentials,
    ) -> Result<(), StoreError> {
        let mut devices = self.read()?;
        devices.devices.insert(
            Self::key(pool_id, username),
            StoredDevice {
                device_group_key: device.device_group_key().to_owned(),
                device_key: device.device_key().to_owned(),
                device_password: device.device_password().expose_secret().to_owned(),
            },
        );
        self.write(&devices)
    }

    /// Forgets the device of `username` in `pool_id`.
    pub fn remove(&self, pool_id: &str, username: &str) -> Result<(), StoreError> {
        let mut devices = self.read()?;
        if devices
            .devices
            .remove(&Self::key(pool_id, username))
            .is_some()
        {
            self.write(&devices)?;
        }
        Ok(())
    }

    fn read(&self) -> Result<Devices, StoreError> {
        Ok(read_private_json(&self.path, "device store")?.unwrap_or_default())
    }

    fn write(&self, devices: &Devices) -> Result<(), StoreError> {
        write_private_json(&self.path, "device store", devices)
    }
}

/// The JSON file at `path` (`what` names it in errors), `None` when there is
/// none; refused when others may read it.
pub fn read_private_json<T: DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<Option<T>, StoreError> {
    let error =
        |doing: &str, e: io::Error| StoreError(format!("{what} {}: {doing}: {e}", path.display()));
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error("cannot open", e)),
    };
    let metadata = file.metadata().map_err(|e| error("cannot stat", e))?;
    check_owner_only(path, what, &metadata)?;
    let mut text = Zeroizing::new(String::new());
    io::Read::read_to_string(&mut &file, &mut text).map_err(|e| error("cannot read", e))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError(format!("{}: not a {what}: {e}", path.display())))
}

/// Writes `value` as JSON to `path`, owner-only (0600, in a 0700 directory),
/// atomically.
pub fn write_private_json<T: Serialize>(
    path: &Path,
    what: &str,
    value: &T,
) -> Result<(), StoreError> {
    let error =
        |doing: &str, e: io::Error| StoreError(format!("{what} {}: {doing}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(|e| error("cannot create its directory", e))?;
    let text =
        Zeroizing::new(serde_json::to_string_pretty(value).map_err(|e| StoreError(e.to_string()))?);
    // Written beside it, then renamed over it: a crash leaves the old file or the new one.
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let written = (|| {
        let mut file = create_private_file(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temporary);
        return Err(error("cannot write", e));
    }
    Ok(())
}

#[cfg(unix)]
fn check_owner_only(path: &Path, what: &str, metadata: &fs::Metadata) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(StoreError(format!(
            "{what} {}: others can access it (mode {:o}); `chmod 600` it",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_: &Path, _: &str, _: &fs::Metadata) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cognito-srp-store-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir.join("sub").join("devices.json")
    }

    #[test]
    fn a_stored_device_reads_back_and_can_be_removed() {
        let path = scratch("round-trip");
        let store = DeviceStore::open(Some(path.clone())).unwrap();
        assert!(store.get("us-east-1_Pool", "alice").unwrap().is_none());
        let (device, _) = DeviceCredentials::generate("-group", "us-east-1_device").unwrap();
        store.put("us-east-1_Pool", "alice", &device).unwrap();
        let back = store.get("us-east-1_Pool", "alice").unwrap().unwrap();
        assert_eq!(back.device_key(), "us-east-1_device");
        assert_eq!(back.device_group_key(), "-group");
        assert_eq!(
            back.device_password().expose_secret(),
            device.device_password().expose_secret()
        );
        assert!(store.get("us-east-1_Pool", "bob").unwrap().is_none());
        store.remove("us-east-1_Pool", "alice").unwrap();
        assert!(store.get("us-east-1_Pool", "alice").unwrap().is_none());
        fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_store_is_owner_only_and_refused_otherwise() {
        use std::os::unix::fs::PermissionsExt;
        let path = scratch("modes");
        let store = DeviceStore::open(Some(path.clone())).unwrap();
        let (device, _) = DeviceCredentials::generate("-group", "us-east-1_device").unwrap();
        store.put("us-east-1_Pool", "alice", &device).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let refused = store.get("us-east-1_Pool", "alice").err().unwrap();
        assert!(refused.0.contains("others can access it"), "{refused}");
        fs::remove_dir_all(path.parent().unwrap().parent().unwrap()).unwrap();
    }
}
