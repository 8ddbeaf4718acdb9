//! A map whose entries expire and whose size is bounded.
//!
//! Challenges in flight and issued access tokens are kept in memory. A flood
//! of `InitiateAuth` calls that are never answered, or of sign-ins whose tokens
//! are never used, must not grow the endpoint's memory without limit: expired
//! entries are swept out, and past the cap the entry closest to expiry goes.

use std::collections::HashMap;
use std::time::Instant;

/// Below this many entries the map is never swept.
const SWEEP_FLOOR: usize = 1024;

/// String-keyed entries, each with an expiry instant, at most `cap` of them.
pub(crate) struct Expiring<V> {
    entries: HashMap<String, (Instant, V)>,
    cap: usize,
    /// The size at which the next sweep runs; doubling it after each sweep
    /// keeps the cost of sweeping constant per insertion on average.
    next_sweep: usize,
}

impl<V> Expiring<V> {
    /// An empty map holding at most `cap` entries (at least one).
    pub(crate) fn new(cap: usize) -> Self {
        Expiring {
            entries: HashMap::new(),
            cap: cap.max(1),
            next_sweep: SWEEP_FLOOR,
        }
    }

    /// Inserts `value` under `key` until `expires`, making room if needed.
    pub(crate) fn insert(&mut self, key: String, value: V, expires: Instant, now: Instant) {
        if self.entries.len() >= self.next_sweep {
            self.entries.retain(|_, (at, _)| *at > now);
            self.next_sweep = SWEEP_FLOOR.max(2 * self.entries.len());
        }
        if self.entries.len() >= self.cap && !self.entries.contains_key(&key) {
            let soonest = self
                .entries
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone());
            if let Some(soonest) = soonest {
                self.entries.remove(&soonest);
            }
        }
        self.entries.insert(key, (expires, value));
    }

    /// Removes the entry under `key`; `Err(())` if it was there but expired.
    pub(crate) fn take(&mut self, key: &str, now: Instant) -> Option<Result<V, ()>> {
        let (at, value) = self.entries.remove(key)?;
        Some(if at > now { Ok(value) } else { Err(()) })
    }

    /// The live entry under `key`, if any.
    pub(crate) fn get(&self, key: &str, now: Instant) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|(at, _)| *at > now)
            .map(|(_, value)| value)
    }

    /// How many entries are held, live or not yet swept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn later(base: Instant, secs: u64) -> Instant {
        base + Duration::from_secs(secs)
    }

    #[test]
    fn an_entry_is_live_until_it_expires_and_is_taken_once() {
        let t0 = Instant::now();
        let mut map = Expiring::new(10);
        map.insert("a".into(), 1, later(t0, 10), t0);
        assert_eq!(map.get("a", later(t0, 9)), Some(&1));
        assert_eq!(map.get("a", later(t0, 10)), None);
        assert_eq!(map.take("a", later(t0, 9)), Some(Ok(1)));
        assert_eq!(map.take("a", later(t0, 9)), None);
    }

    #[test]
    fn an_expired_entry_is_reported_as_expired_when_taken() {
        let t0 = Instant::now();
        let mut map = Expiring::new(10);
        map.insert("a".into(), 1, later(t0, 10), t0);
        assert_eq!(map.take("a", later(t0, 11)), Some(Err(())));
    }

    #[test]
    fn past_the_cap_the_entry_closest_to_expiry_makes_room() {
        let t0 = Instant::now();
        let mut map = Expiring::new(3);
        map.insert("late".into(), 1, later(t0, 30), t0);
        map.insert("soon".into(), 2, later(t0, 10), t0);
        map.insert("mid".into(), 3, later(t0, 20), t0);
        map.insert("new".into(), 4, later(t0, 40), t0);
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("soon", t0), None);
        assert_eq!(map.get("late", t0), Some(&1));
        assert_eq!(map.get("new", t0), Some(&4));
    }

    #[test]
    fn expired_entries_are_swept_so_the_map_stays_small() {
        let t0 = Instant::now();
        let mut map = Expiring::new(1 << 20);
        for i in 0..10 * SWEEP_FLOOR {
            // Each entry is already expired by the time the next one arrives.
            let now = later(t0, i as u64);
            map.insert(i.to_string(), i, later(now, 1), now);
        }
        assert!(map.len() <= SWEEP_FLOOR + 1, "held {}", map.len());
    }
}
