//! Grants: the sign-ins that ended in tokens, each with its refresh token,
//! found by `origin_jti` (from an access token) and by refresh token.

use std::collections::HashMap;
use std::time::Duration;

use crate::model::TOKEN_LIFETIME_SECS;

/// How long a refresh token lives: Cognito's default, 30 days.
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many grants are remembered; past it the oldest is forgotten
/// (its tokens then read as revoked).
const MAX_GRANTS: usize = 65_536;

/// A sign-in that succeeded, as long as its refresh token may be used.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub pool_id: String,
    pub client_id: String,
    pub sub: String,
    pub origin_jti: String,
    pub event_id: String,
    pub auth_time: i64,
    /// The device the sign-in went through (`DEVICE_SRP_AUTH`), if any.
    pub device_key: Option<String>,
    pub refresh_token: String,
    /// Unix time after which the refresh token is refused.
    pub refresh_expires: i64,
    pub revoked: bool,
}

/// The grants, by `origin_jti` and by refresh token.
pub(crate) struct Grants {
    by_origin: HashMap<String, Grant>,
    by_refresh: HashMap<String, String>,
    /// `ExpiresIn` of ID and access tokens, in seconds.
    pub token_lifetime_secs: u64,
}

impl Default for Grants {
    fn default() -> Self {
        Grants {
            by_origin: HashMap::new(),
            by_refresh: HashMap::new(),
            token_lifetime_secs: TOKEN_LIFETIME_SECS,
        }
    }
}

impl Grants {
    pub(crate) fn insert(&mut self, grant: Grant) {
        if self.by_origin.len() >= MAX_GRANTS {
            let oldest = self
                .by_origin
                .values()
                .min_by_key(|g| g.auth_time)
                .map(|g| (g.origin_jti.clone(), g.refresh_token.clone()));
            if let Some((origin, refresh)) = oldest {
                self.by_origin.remove(&origin);
                self.by_refresh.remove(&refresh);
            }
        }
        self.by_refresh
            .insert(grant.refresh_token.clone(), grant.origin_jti.clone());
        self.by_origin.insert(grant.origin_jti.clone(), grant);
    }

    /// The grant of a refresh token.
    pub(crate) fn by_refresh_token(&mut self, refresh_token: &str) -> Option<&mut Grant> {
        let origin = self.by_refresh.get(refresh_token)?;
        self.by_origin.get_mut(origin)
    }

    /// The grant of an `origin_jti`.
    pub(crate) fn by_origin(&self, origin_jti: &str) -> Option<&Grant> {
        self.by_origin.get(origin_jti)
    }

    /// Revokes every grant of one user (`GlobalSignOut`).
    pub(crate) fn revoke_user(&mut self, pool_id: &str, sub: &str) {
        for grant in self.by_origin.values_mut() {
            if grant.pool_id == pool_id && grant.sub == sub {
                grant.revoked = true;
            }
        }
    }
}
