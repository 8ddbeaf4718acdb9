//! The `Session` of a challenge: an opaque random string the client sends
//! back unchanged with its answer.
//!
//! A session is bound to the pool, the app client, the user's real username
//! and the name of the challenge it answers, and carries whatever state the
//! next step needs. It lives as long as its app client's
//! `AuthSessionValidity` says (3 to 15 minutes; 3 by default) and is taken
//! exactly once: a second use, another
//! user's, another client's, an expired or a made-up one are all refused with
//! `NotAuthorizedException`. At most a fixed number are in flight; past that
//! newcomers get `TooManyRequestsException` and no session in progress is
//! evicted.
//!
//! `PASSWORD_VERIFIER` carries no session: its `SECRET_BLOCK` binds the
//! answer (see `ops::srp`).
//!
//! A session issued with a key ([`Sessions::issue_keyed`], the device key of
//! `DEVICE_SRP_AUTH`) may also be answered without it, by what it is bound
//! to and that key: pycognito and older amazon-cognito-identity-js builds
//! answer the device steps with no `Session`, and Cognito takes them. A
//! `Session` that is sent must still be the one issued, and either way the
//! session answers once. The device's own SRP proof, in the next step, is
//! what authenticates the answer.
//!
//! The table is typed by what a session carries (a sign-in's
//! [`SignInProgress`](crate::model::signin::SignInProgress) on the
//! endpoint): what an answer takes out is what its challenge put in.

use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::error::{ApiError, err};
use crate::expiring::Expiring;
use crate::random::random_bytes;

/// What a session is bound to; the answer must match it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionBinding {
    /// The user pool.
    pub pool_id: String,
    /// The app client the challenge was issued to.
    pub client_id: String,
    /// The user's real username (not an alias).
    pub username: String,
    /// The challenge the session answers, e.g. `DEVICE_SRP_AUTH`.
    pub challenge: &'static str,
}

struct Entry<S> {
    binding: SessionBinding,
    state: S,
}

/// The sessions in flight, each carrying an `S`.
pub(crate) struct Sessions<S> {
    map: Expiring<Entry<S>>,
    /// Keyed sessions, by binding and key: the session string.
    keyed: Expiring<String>,
}

/// The index of a keyed session: its binding and key, NUL-separated (no
/// member of a binding holds a NUL).
fn keyed_index(binding: &SessionBinding, key: &str) -> String {
    format!(
        "{}\0{}\0{}\0{}\0{key}",
        binding.pool_id, binding.client_id, binding.username, binding.challenge
    )
}

/// `NotAuthorizedException: Invalid session for the user.`
pub(crate) fn invalid_session() -> ApiError {
    err("NotAuthorizedException", "Invalid session for the user.")
}

/// `NotAuthorizedException: Invalid session for the user, session is expired.`
pub(crate) fn expired_session() -> ApiError {
    err(
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )
}

/// `TooManyRequestsException`: the table of challenges in flight is full.
pub(crate) fn too_many_requests() -> ApiError {
    err("TooManyRequestsException", "Too many requests")
}

/// A fresh session string in Cognito's look: `AYAB` then standard base64
/// (132 characters in all; the model allows 20 to 4096).
fn fresh_session() -> String {
    format!(
        "AYAB{}",
        base64::engine::general_purpose::STANDARD.encode(random_bytes::<96>())
    )
}

impl<S> Sessions<S> {
    /// At most `cap` sessions in flight.
    pub(crate) fn new(cap: usize) -> Self {
        Sessions {
            map: Expiring::new(cap),
            keyed: Expiring::new(cap),
        }
    }

    /// Issues a session for `binding` carrying `state`, valid for
    /// `lifetime` from `now`; refused with `TooManyRequestsException` when
    /// `cap` sessions are in flight.
    pub(crate) fn issue(
        &mut self,
        binding: SessionBinding,
        state: S,
        now: Instant,
        lifetime: Duration,
    ) -> Result<String, ApiError> {
        let session = fresh_session();
        let entry = Entry { binding, state };
        self.map
            .try_insert(session.clone(), entry, now + lifetime, now)
            .map_err(|_| too_many_requests())?;
        Ok(session)
    }

    /// [`Sessions::issue`], and remembers the session under `binding` and
    /// `key` too, for an answer that comes without it
    /// ([`Sessions::take_keyed`]). A later session for the same binding and
    /// key takes the place of an earlier one.
    pub(crate) fn issue_keyed(
        &mut self,
        binding: SessionBinding,
        key: &str,
        state: S,
        now: Instant,
        lifetime: Duration,
    ) -> Result<String, ApiError> {
        let index = keyed_index(&binding, key);
        let session = self.issue(binding, state, now, lifetime)?;
        // Replacing an entry never needs room; a new one is refused when full,
        // as the session itself would have been.
        self.keyed.take(&index, now);
        self.keyed
            .try_insert(index, session.clone(), now + lifetime, now)
            .map_err(|_| too_many_requests())?;
        Ok(session)
    }

    /// Takes a session of [`Sessions::issue_keyed`]: by the request's
    /// `Session` when it sends one (which must be the one issued for
    /// `binding`), otherwise by `binding` and `key`. Either way it answers once.
    pub(crate) fn take_keyed(
        &mut self,
        session: Option<&str>,
        binding: &SessionBinding,
        key: &str,
        now: Instant,
    ) -> Result<S, ApiError> {
        if session.is_some() {
            return self.take(session, binding, now);
        }
        let session = self
            .keyed
            .take(&keyed_index(binding, key), now)
            .ok_or_else(invalid_session)?
            .map_err(|_| expired_session())?;
        self.take(Some(&session), binding, now)
    }

    /// Takes the session `session` issued for a `challenge`, whoever it was
    /// bound to: for the calls that name no user (`AssociateSoftwareToken`,
    /// `VerifySoftwareToken` in `MFA_SETUP`). Used up whatever the outcome.
    pub(crate) fn take_for_challenge(
        &mut self,
        session: Option<&str>,
        challenge: &'static str,
        now: Instant,
    ) -> Result<(SessionBinding, S), ApiError> {
        let session = session.ok_or_else(invalid_session)?;
        let entry = self
            .map
            .take(session, now)
            .ok_or_else(invalid_session)?
            .map_err(|_| expired_session())?;
        if entry.binding.challenge != challenge {
            return Err(invalid_session());
        }
        Ok((entry.binding, entry.state))
    }

    /// Takes the session `session` (the request's `Session`, if any): it must
    /// exist, be live and have been issued for exactly `binding`. Whatever
    /// the outcome, the session is used up.
    pub(crate) fn take(
        &mut self,
        session: Option<&str>,
        binding: &SessionBinding,
        now: Instant,
    ) -> Result<S, ApiError> {
        let session = session.ok_or_else(invalid_session)?;
        let entry = self
            .map
            .take(session, now)
            .ok_or_else(invalid_session)?
            .map_err(|_| expired_session())?;
        if entry.binding != *binding {
            return Err(invalid_session());
        }
        Ok(entry.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cognito's default `AuthSessionValidity`.
    const LIFE: Duration = Duration::from_secs(180);

    fn binding(username: &str, challenge: &'static str) -> SessionBinding {
        SessionBinding {
            pool_id: "us-east-1_Pool".into(),
            client_id: "client".into(),
            username: username.into(),
            challenge,
        }
    }

    #[test]
    fn a_session_looks_like_cognitos_and_answers_once_with_its_state() {
        let now = Instant::now();
        let mut sessions = Sessions::new(8);
        let s = sessions
            .issue(binding("alice", "DEVICE_SRP_AUTH"), 42u32, now, LIFE)
            .unwrap();
        assert!(s.starts_with("AYAB") && s.len() >= 20 && s.len() <= 4096);
        let b = binding("alice", "DEVICE_SRP_AUTH");
        assert_eq!(sessions.take(Some(&s), &b, now), Ok(42));
        assert_eq!(sessions.take(Some(&s), &b, now), Err(invalid_session()));
    }

    #[test]
    fn another_users_another_challenges_a_made_up_a_missing_or_an_expired_session_is_refused() {
        let now = Instant::now();
        let mut sessions = Sessions::new(8);
        let b = binding("alice", "DEVICE_SRP_AUTH");
        let s = sessions.issue(b.clone(), (), now, LIFE).unwrap();
        assert_eq!(
            sessions.take(Some(&s), &binding("bob", "DEVICE_SRP_AUTH"), now),
            Err(invalid_session())
        );
        // Refused once, used up: the rightful answer is refused too.
        assert_eq!(sessions.take(Some(&s), &b, now), Err(invalid_session()));
        let s = sessions.issue(b.clone(), (), now, LIFE).unwrap();
        assert_eq!(
            sessions.take(Some(&s), &binding("alice", "NEW_PASSWORD_REQUIRED"), now),
            Err(invalid_session())
        );
        assert_eq!(
            sessions.take(Some("AYABmadeupmadeupmadeup"), &b, now),
            Err(invalid_session())
        );
        assert_eq!(sessions.take(None, &b, now), Err(invalid_session()));
        let s = sessions.issue(b.clone(), (), now, LIFE).unwrap();
        assert_eq!(
            sessions.take(Some(&s), &b, now + Duration::from_secs(181)),
            Err(expired_session())
        );
    }

    #[test]
    fn a_keyed_session_answers_once_with_its_session_or_without_any() {
        let now = Instant::now();
        let mut sessions = Sessions::new(8);
        let b = binding("alice", "DEVICE_SRP_AUTH");
        // Without a Session: found by binding and key, once.
        let s = sessions
            .issue_keyed(b.clone(), "device-1", 1u8, now, LIFE)
            .unwrap();
        assert_eq!(
            sessions.take_keyed(None, &b, "device-2", now),
            Err(invalid_session())
        );
        assert_eq!(
            sessions.take_keyed(None, &binding("bob", "DEVICE_SRP_AUTH"), "device-1", now),
            Err(invalid_session())
        );
        assert_eq!(sessions.take_keyed(None, &b, "device-1", now), Ok(1));
        assert_eq!(
            sessions.take_keyed(None, &b, "device-1", now),
            Err(invalid_session())
        );
        assert_eq!(
            sessions.take_keyed(Some(&s), &b, "device-1", now),
            Err(invalid_session())
        );
        // With one: it must be the one issued, and then it is used up.
        let s = sessions
            .issue_keyed(b.clone(), "device-1", 2u8, now, LIFE)
            .unwrap();
        assert_eq!(
            sessions.take_keyed(Some("AYABmadeupmadeupmadeup"), &b, "device-1", now),
            Err(invalid_session())
        );
        assert_eq!(sessions.take_keyed(Some(&s), &b, "device-1", now), Ok(2));
        assert_eq!(
            sessions.take_keyed(None, &b, "device-1", now),
            Err(invalid_session())
        );
        // The latest session for a device is the one found; expiry holds.
        sessions
            .issue_keyed(b.clone(), "device-1", 3u8, now, LIFE)
            .unwrap();
        sessions
            .issue_keyed(b.clone(), "device-1", 4u8, now, LIFE)
            .unwrap();
        assert_eq!(sessions.take_keyed(None, &b, "device-1", now), Ok(4));
        sessions
            .issue_keyed(b.clone(), "device-1", 5u8, now, LIFE)
            .unwrap();
        assert_eq!(
            sessions.take_keyed(None, &b, "device-1", now + Duration::from_secs(181)),
            Err(expired_session())
        );
    }

    #[test]
    fn when_full_newcomers_are_refused_and_sessions_in_flight_survive() {
        let now = Instant::now();
        let mut sessions = Sessions::new(2);
        let b = binding("alice", "DEVICE_SRP_AUTH");
        let first = sessions.issue(b.clone(), 1u8, now, LIFE).unwrap();
        sessions.issue(b.clone(), 2u8, now, LIFE).unwrap();
        assert_eq!(
            sessions.issue(b.clone(), 3u8, now, LIFE),
            Err(too_many_requests())
        );
        assert_eq!(sessions.take(Some(&first), &b, now), Ok(1));
        assert!(sessions.issue(b, 4u8, now, LIFE).is_ok());
    }
}
