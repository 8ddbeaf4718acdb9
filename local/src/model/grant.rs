//! Grants: the sign-ins that ended in tokens, each with its refresh token,
//! found by `origin_jti` (from an access token) and by refresh token.

use std::collections::{BTreeSet, HashMap};

/// At most this many grants are remembered; past it the oldest is forgotten
/// (its tokens then read as revoked).
const MAX_GRANTS: usize = 65_536;

/// A sign-in that succeeded, as long as its refresh token may be used.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
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

/// A refresh token that rotation replaced: its grant, and until when (Unix
/// milliseconds) it may still be used, the app client's grace period.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub(crate) struct Retired {
    pub origin_jti: String,
    pub usable_until_millis: i64,
}

/// What a refresh token is.
pub(crate) enum RefreshTokenState<'a> {
    /// The grant's current refresh token.
    Current(&'a mut Grant),
    /// A token that rotation replaced, with the end of its grace period
    /// (Unix milliseconds).
    Retired(&'a mut Grant, i64),
}

/// The grants, by `origin_jti` and by refresh token.
#[derive(Default)]
pub(crate) struct Grants {
    by_origin: HashMap<String, Grant>,
    by_refresh: HashMap<String, String>,
    /// Refresh tokens that rotation replaced, so that their reuse is told
    /// apart from an unknown token.
    retired: HashMap<String, Retired>,
    /// `ExpiresIn` of ID and access tokens, in seconds, in place of the app
    /// client's validities (a test's override; not durable).
    pub token_lifetime_override: Option<u64>,
    /// The `origin_jti`s of the grants changed since the last
    /// [`Grants::take_dirty`] (every `&mut Grant` handed out marks one).
    dirty: BTreeSet<String>,
    /// The retired refresh tokens added or dropped since then.
    dirty_retired: BTreeSet<String>,
}

/// The grants and retired tokens changed since the last drain: `None` for
/// those forgotten.
pub(crate) struct GrantChanges<'a> {
    pub grants: Vec<(String, Option<&'a Grant>)>,
    pub retired: Vec<(String, Option<&'a Retired>)>,
}

impl Grants {
    /// Grants and retired tokens read from the data directory: nothing dirty.
    pub(crate) fn loaded(grants: Vec<Grant>, retired: Vec<(String, Retired)>) -> Self {
        let mut out = Grants::default();
        for grant in grants {
            out.by_refresh
                .insert(grant.refresh_token.clone(), grant.origin_jti.clone());
            out.by_origin.insert(grant.origin_jti.clone(), grant);
        }
        out.retired = retired.into_iter().collect();
        out
    }

    /// Every grant and every retired refresh token (with its token).
    pub(crate) fn all(&self) -> (Vec<&Grant>, Vec<(&String, &Retired)>) {
        (
            self.by_origin.values().collect(),
            self.retired.iter().collect(),
        )
    }

    /// What changed since the last call.
    pub(crate) fn take_dirty(&mut self) -> GrantChanges<'_> {
        let grants = std::mem::take(&mut self.dirty)
            .into_iter()
            .map(|origin| {
                let grant = self.by_origin.get(&origin);
                (origin, grant)
            })
            .collect();
        let retired = std::mem::take(&mut self.dirty_retired)
            .into_iter()
            .map(|token| {
                let entry = self.retired.get(&token);
                (token, entry)
            })
            .collect();
        GrantChanges { grants, retired }
    }

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
                self.dirty.insert(origin);
            }
        }
        self.dirty.insert(grant.origin_jti.clone());
        self.by_refresh
            .insert(grant.refresh_token.clone(), grant.origin_jti.clone());
        self.by_origin.insert(grant.origin_jti.clone(), grant);
    }

    /// The grant of a refresh token, current or rotated out.
    pub(crate) fn lookup(&mut self, refresh_token: &str) -> Option<RefreshTokenState<'_>> {
        if let Some(origin) = self.by_refresh.get(refresh_token) {
            self.dirty.insert(origin.clone());
            return self
                .by_origin
                .get_mut(origin)
                .map(RefreshTokenState::Current);
        }
        let retired = self.retired.get(refresh_token)?;
        let until = retired.usable_until_millis;
        self.dirty.insert(retired.origin_jti.clone());
        self.by_origin
            .get_mut(&retired.origin_jti)
            .map(|grant| RefreshTokenState::Retired(grant, until))
    }

    /// Rotation: the grant of `origin_jti` gets `new_token`, and its old
    /// refresh token stays usable until `usable_until_millis`. Past
    /// [`MAX_GRANTS`] rotated-out tokens, the one that stopped being usable
    /// first is forgotten (its reuse then reads as an unknown token).
    pub(crate) fn rotate(&mut self, origin_jti: &str, new_token: String, usable_until_millis: i64) {
        let Some(grant) = self.by_origin.get_mut(origin_jti) else {
            return;
        };
        self.dirty.insert(origin_jti.to_owned());
        let old = std::mem::replace(&mut grant.refresh_token, new_token.clone());
        self.by_refresh.remove(&old);
        self.by_refresh.insert(new_token, origin_jti.to_owned());
        if self.retired.len() >= MAX_GRANTS {
            let first = self
                .retired
                .iter()
                .min_by_key(|(_, r)| r.usable_until_millis)
                .map(|(token, _)| token.clone());
            if let Some(token) = first {
                self.retired.remove(&token);
                self.dirty_retired.insert(token);
            }
        }
        self.dirty_retired.insert(old.clone());
        self.retired.insert(
            old,
            Retired {
                origin_jti: origin_jti.to_owned(),
                usable_until_millis,
            },
        );
    }

    /// The grant of an `origin_jti`.
    pub(crate) fn by_origin(&self, origin_jti: &str) -> Option<&Grant> {
        self.by_origin.get(origin_jti)
    }

    /// Revokes every grant of one user (`GlobalSignOut`, `AdminUserGlobalSignOut`).
    pub(crate) fn revoke_user(&mut self, pool_id: &str, sub: &str) {
        for grant in self.by_origin.values_mut() {
            if grant.pool_id == pool_id && grant.sub == sub && !grant.revoked {
                grant.revoked = true;
                self.dirty.insert(grant.origin_jti.clone());
            }
        }
    }
}
