//! A map whose entries expire and whose size is bounded.
//!
//! Challenges in flight and issued access tokens are kept in memory. A flood
//! of `InitiateAuth` calls that are never answered, or of sign-ins whose tokens
//! are never used, must not grow the endpoint's memory without limit: expired
//! entries are swept out. Past the cap, [`Expiring::try_insert`] refuses the
//! newcomer (challenges: a flood must not evict a sign-in in progress) and
//! [`Expiring::insert`] forgets the entry closest to expiry (tokens).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Instant;

/// Below this many entries the map is never swept.
const SWEEP_FLOOR: usize = 1024;

/// String-keyed entries, each with an expiry instant, at most `cap` of them.
pub(crate) struct Expiring<V> {
    entries: HashMap<String, (Instant, V)>,
    /// Keys with their expiry, soonest first (entries may have different
    /// lifetimes), so expired entries are found at the front.
    order: BinaryHeap<Reverse<(Instant, String)>>,
    cap: usize,
    /// The size at which the next sweep runs; doubling it after each sweep
    /// keeps the cost of sweeping constant per insertion on average.
    #[allow(dead_code)]
    next_sweep: usize,
}

impl<V> Expiring<V> {
    /// An empty map holding at most `cap` entries (at least one).
    pub(crate) fn new(cap: usize) -> Self {
        Expiring {
            entries: HashMap::new(),
            order: BinaryHeap::new(),
            cap: cap.max(1),
            next_sweep: SWEEP_FLOOR,
        }
    }

    /// Inserts `value` under `key` until `expires`, making room if needed.
    // No caller since access tokens are checked by signature (tokens.rs);
    // kept, with its tests, for maps where eviction is the right answer.
    #[allow(dead_code)]
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

    /// Inserts `value` under a new `key` until `expires`, or gives it back
    /// when the map holds `cap` live entries: the newcomer is refused, no
    /// entry is evicted. Amortised logarithmic time.
    pub(crate) fn try_insert(
        &mut self,
        key: String,
        value: V,
        expires: Instant,
        now: Instant,
    ) -> Result<(), V> {
        while self.entries.len() >= self.cap {
            match self.order.peek() {
                Some(Reverse((at, _))) if *at <= now => {
                    if let Some(Reverse((at, old))) = self.order.pop()
                        && self.entries.get(&old).is_some_and(|(e, _)| *e == at)
                    {
                        self.entries.remove(&old);
                    }
                }
                _ => return Err(value),
            }
        }
        // Keys taken early leave stale records behind; drop them once they
        // outnumber the live entries, so the queue stays within twice the cap.
        if self.order.len() >= 2 * self.cap.max(SWEEP_FLOOR) {
            let entries = &self.entries;
            self.order
                .retain(|Reverse((at, k))| entries.get(k).is_some_and(|(e, _)| e == at));
        }
        self.order.push(Reverse((expires, key.clone())));
        self.entries.insert(key, (expires, value));
        Ok(())
    }

    /// Removes the entry under `key`; `Err(())` if it was there but expired.
    pub(crate) fn take(&mut self, key: &str, now: Instant) -> Option<Result<V, ()>> {
        let (at, value) = self.entries.remove(key)?;
        Some(if at > now { Ok(value) } else { Err(()) })
    }

    /// The live entry under `key`, if any.
    #[allow(dead_code)]
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

    #[test]
    fn past_the_cap_a_newcomer_is_refused_and_no_live_entry_is_evicted() {
        let t0 = Instant::now();
        let mut map = Expiring::new(2);
        assert!(map.try_insert("a".into(), 1, later(t0, 10), t0).is_ok());
        assert!(map.try_insert("b".into(), 2, later(t0, 20), t0).is_ok());
        assert_eq!(map.try_insert("c".into(), 3, later(t0, 30), t0), Err(3));
        assert_eq!(map.get("a", t0), Some(&1));
        // Once the first has expired there is room again.
        assert!(
            map.try_insert("c".into(), 3, later(t0, 30), later(t0, 11))
                .is_ok()
        );
        assert_eq!(map.get("c", later(t0, 11)), Some(&3));
        assert_eq!(map.take("a", later(t0, 11)), None);
    }

    #[test]
    fn with_lifetimes_of_their_own_the_first_to_expire_makes_room() {
        let t0 = Instant::now();
        let mut map = Expiring::new(2);
        assert!(map.try_insert("long".into(), 1, later(t0, 900), t0).is_ok());
        assert!(
            map.try_insert("short".into(), 2, later(t0, 180), t0)
                .is_ok()
        );
        // The short one expired, behind a long one still live.
        assert!(
            map.try_insert("next".into(), 3, later(t0, 400), later(t0, 181))
                .is_ok()
        );
        assert_eq!(map.get("long", later(t0, 181)), Some(&1));
        assert_eq!(map.get("next", later(t0, 181)), Some(&3));
    }

    #[test]
    fn taken_entries_make_room_and_their_records_do_not_pile_up() {
        let t0 = Instant::now();
        let mut map = Expiring::new(4);
        for i in 0..100 * SWEEP_FLOOR {
            let key = i.to_string();
            assert!(map.try_insert(key.clone(), i, later(t0, 100), t0).is_ok());
            assert_eq!(map.take(&key, t0), Some(Ok(i)));
        }
        assert!(map.order.len() <= 2 * SWEEP_FLOOR);
    }
}
