//! The session store: kept sign-ins (refresh token, real username, device,
//! last tokens), in a JSON file only its owner may read, as the device store,
//! and the app clients found to refresh through `GetTokensFromRefreshToken`
//! (those that rotate refresh tokens refuse `REFRESH_TOKEN_AUTH`).
//!
//! ```json
//! { "sessions": { "us-east-1_AbCdEf123/3n4b5urk1ft4fl3mg5e62d9ado/alice":
//!     { "pool_id": "...", "client_id": "...", "username": "c7a3e4b2-...", "refresh_token": "...",
//!       "access_token": "...", "access_token_expires_at": 1764896400, ... } },
//!   "get_tokens_from_refresh_token": ["us-east-1_AbCdEf123/3n4b5urk1ft4fl3mg5e62d9ado"] }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cognito_srp::signin::KeptSignIn;
use serde::{Deserialize, Serialize};

use crate::store::{StoreError, read_private_json, write_private_json};

const WHAT: &str = "session store";

#[derive(Default, Deserialize, Serialize)]
struct Sessions {
    sessions: BTreeMap<String, KeptSignIn>,
    /// `pool/client` of the app clients that refresh through
    /// `GetTokensFromRefreshToken` (absent from stores written before).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    get_tokens_from_refresh_token: BTreeSet<String>,
}

/// The session store at a path.
pub struct SessionStore {
    path: PathBuf,
}

impl SessionStore {
    /// The store at `path`, or at `<config dir>/cognito-srp/sessions.json`.
    pub fn open(path: Option<PathBuf>) -> Result<Self, StoreError> {
        let path = match path {
            Some(path) => path,
            None => dirs::config_dir()
                .ok_or_else(|| {
                    StoreError("no configuration directory: give --session-store".into())
                })?
                .join("cognito-srp")
                .join("sessions.json"),
        };
        Ok(SessionStore { path })
    }

    /// The store's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A sign-in is kept per pool, app client and the username as typed.
    fn key(pool_id: &str, client_id: &str, username: &str) -> String {
        format!("{pool_id}/{client_id}/{username}")
    }

    fn read(&self) -> Result<Sessions, StoreError> {
        Ok(read_private_json(&self.path, WHAT)?.unwrap_or_default())
    }

    /// The kept sign-in, if any.
    pub fn get(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
    ) -> Result<Option<KeptSignIn>, StoreError> {
        Ok(self
            .read()?
            .sessions
            .remove(&Self::key(pool_id, client_id, username)))
    }

    /// Keeps (or replaces) the sign-in of `username` as typed.
    pub fn put(&self, username: &str, kept: &KeptSignIn) -> Result<(), StoreError> {
        let mut sessions = self.read()?;
        sessions.sessions.insert(
            Self::key(kept.pool_id().as_str(), kept.client_id(), username),
            kept.clone(),
        );
        write_private_json(&self.path, WHAT, &sessions)
    }

    /// Whether the app client was found to refresh through
    /// `GetTokensFromRefreshToken` (see [`SessionStore::remember_get_tokens`]).
    pub fn refreshes_with_get_tokens(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .read()?
            .get_tokens_from_refresh_token
            .contains(&format!("{pool_id}/{client_id}")))
    }

    /// Remembers that the app client refreshes through
    /// `GetTokensFromRefreshToken`, for every user, even after sign-out.
    pub fn remember_get_tokens(&self, pool_id: &str, client_id: &str) -> Result<(), StoreError> {
        let mut sessions = self.read()?;
        if sessions
            .get_tokens_from_refresh_token
            .insert(format!("{pool_id}/{client_id}"))
        {
            write_private_json(&self.path, WHAT, &sessions)?;
        }
        Ok(())
    }

    /// Forgets the kept sign-in.
    pub fn remove(&self, pool_id: &str, client_id: &str, username: &str) -> Result<(), StoreError> {
        let mut sessions = self.read()?;
        if sessions
            .sessions
            .remove(&Self::key(pool_id, client_id, username))
            .is_some()
        {
            write_private_json(&self.path, WHAT, &sessions)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognito_srp::PoolId;
    use cognito_srp::signin::RefreshToken;

    #[test]
    fn a_kept_sign_in_reads_back_and_can_be_removed() {
        let dir = std::env::temp_dir().join(format!("cognito-srp-sessions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = SessionStore::open(Some(dir.join("sessions.json"))).unwrap();
        let pool = "us-east-1_Pool1";
        assert!(store.get(pool, "client", "alice").unwrap().is_none());
        let kept = KeptSignIn::new(
            PoolId::parse(pool).unwrap(),
            "client",
            "c7a3e4b2",
            RefreshToken::new("refresh").unwrap(),
        )
        .unwrap();
        store.put("alice", &kept).unwrap();
        let back = store.get(pool, "client", "alice").unwrap().unwrap();
        assert_eq!(back.username(), "c7a3e4b2");
        assert_eq!(back.refresh_token().expose_secret(), "refresh");
        assert!(store.get(pool, "other", "alice").unwrap().is_none());
        store.remove(pool, "client", "alice").unwrap();
        assert!(store.get(pool, "client", "alice").unwrap().is_none());

        // The app client's way to refresh outlives its sign-ins.
        assert!(!store.refreshes_with_get_tokens(pool, "client").unwrap());
        store.remember_get_tokens(pool, "client").unwrap();
        store.remember_get_tokens(pool, "client").unwrap();
        assert!(store.refreshes_with_get_tokens(pool, "client").unwrap());
        assert!(!store.refreshes_with_get_tokens(pool, "other").unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
