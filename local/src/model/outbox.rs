//! The codes and temporary passwords the endpoint sends, with the message
//! that carries each: nothing leaves the machine, so each is kept here for
//! the local channel
//! (`GET /_local/codes/<pool id>/<username>`, and a line on standard error)
//! until it expires.

use std::collections::VecDeque;
use std::time::Instant;

/// At most this many codes are kept; past that the oldest go first.
const MAX_KEPT: usize = 4096;

/// A code as it would have been delivered.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub pool_id: String,
    /// The user's real username.
    pub username: String,
    /// What the code is for (`EMAIL_OTP`, `SMS_OTP`, `CONFIRM_SIGN_UP`,
    /// `VERIFY_ATTRIBUTE`, `FORGOT_PASSWORD`, `TEMPORARY_PASSWORD`).
    pub purpose: &'static str,
    /// `EMAIL` or `SMS`.
    pub medium: &'static str,
    /// The address or number it would have gone to.
    pub destination: String,
    pub code: String,
    /// The message as the user would read it (the code in it).
    pub message: String,
    /// An email's subject.
    pub subject: Option<String>,
    pub expires: Instant,
}

/// The codes sent and not yet expired, oldest first.
#[derive(Default)]
pub(crate) struct Outbox {
    deliveries: VecDeque<Delivery>,
}

impl Outbox {
    /// Keeps `delivery`, dropping expired codes and, past the cap, the oldest.
    pub(crate) fn push(&mut self, delivery: Delivery, now: Instant) {
        self.deliveries.retain(|d| d.expires > now);
        while self.deliveries.len() >= MAX_KEPT {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(delivery);
    }

    /// The live codes sent to `username` of `pool_id`, newest first.
    pub(crate) fn for_user(&self, pool_id: &str, username: &str, now: Instant) -> Vec<&Delivery> {
        self.deliveries
            .iter()
            .rev()
            .filter(|d| d.pool_id == pool_id && d.username == username && d.expires > now)
            .collect()
    }
}
