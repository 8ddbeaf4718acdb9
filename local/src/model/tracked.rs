//! Collections that remember what changed in them: the only way to reach a
//! durable entity mutably, so that no change escapes the data directory.
//!
//! Every `&mut` path into a [`Tracked`] map or a [`Users`] list marks the
//! entity it reaches dirty; [`crate::model::State::take_changes`] drains the
//! marks into the records that the store writes in one transaction before the
//! operation's answer is sent. A read through `&` marks nothing.

use std::collections::{BTreeSet, HashMap};
use std::ops::Index;

use crate::model::user::User;

/// A map by id whose entries are durable: every mutable access marks the
/// id dirty (changed, added or removed).
pub(crate) struct Tracked<V> {
    entries: HashMap<String, V>,
    dirty: BTreeSet<String>,
}

impl<V> Default for Tracked<V> {
    fn default() -> Self {
        Tracked {
            entries: HashMap::new(),
            dirty: BTreeSet::new(),
        }
    }
}

impl<V> Tracked<V> {
    /// Entries read from the data directory: nothing dirty.
    pub(crate) fn loaded(entries: HashMap<String, V>) -> Self {
        Tracked {
            entries,
            dirty: BTreeSet::new(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&V> {
        self.entries.get(id)
    }

    /// The entry of `id`, to change: marks it dirty.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut V> {
        let entry = self.entries.get_mut(id)?;
        self.dirty.insert(id.to_owned());
        Some(entry)
    }

    pub(crate) fn contains_key(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    pub(crate) fn insert(&mut self, id: String, value: V) -> Option<V> {
        self.dirty.insert(id.clone());
        self.entries.insert(id, value)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<V> {
        let removed = self.entries.remove(id)?;
        self.dirty.insert(id.to_owned());
        Some(removed)
    }

    /// Keeps the entries for which `keep` holds; the others are removed
    /// (and marked).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&String, &V) -> bool) {
        let dirty = &mut self.dirty;
        self.entries.retain(|id, value| {
            let kept = keep(id, value);
            if !kept {
                dirty.insert(id.clone());
            }
            kept
        });
    }

    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.values()
    }

    /// The ids changed since the last call, with their entries (`None`:
    /// removed).
    pub(crate) fn take_dirty(&mut self) -> Vec<(String, Option<&mut V>)> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut out = Vec::with_capacity(dirty.len());
        // Split borrows: one `&mut` per distinct id.
        let mut entries: HashMap<&String, &mut V> = self.entries.iter_mut().collect();
        for id in dirty {
            let entry = entries.remove(&id);
            out.push((id, entry));
        }
        out
    }
}

impl<V> Index<&String> for Tracked<V> {
    type Output = V;
    fn index(&self, id: &String) -> &V {
        &self.entries[id]
    }
}

impl<V> Index<&str> for Tracked<V> {
    type Output = V;
    fn index(&self, id: &str) -> &V {
        &self.entries[id]
    }
}

/// A pool's users, in the order they were made; every mutable access marks
/// the users it reaches (by `sub`) dirty.
#[derive(Default)]
pub(crate) struct Users {
    list: Vec<User>,
    dirty: BTreeSet<String>,
}

impl Users {
    /// Users read from the data directory (in creation order): nothing dirty.
    pub(crate) fn loaded(list: Vec<User>) -> Self {
        Users {
            list,
            dirty: BTreeSet::new(),
        }
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, User> {
        self.list.iter()
    }

    /// Every user, to change: marks them all.
    pub(crate) fn iter_mut(&mut self) -> std::slice::IterMut<'_, User> {
        self.dirty.extend(self.list.iter().map(|u| u.sub.clone()));
        self.list.iter_mut()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn push(&mut self, user: User) {
        self.dirty.insert(user.sub.clone());
        self.list.push(user);
    }

    /// Keeps the users for which `keep` holds; the others are removed
    /// (and marked).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&User) -> bool) {
        let dirty = &mut self.dirty;
        self.list.retain(|user| {
            let kept = keep(user);
            if !kept {
                dirty.insert(user.sub.clone());
            }
            kept
        });
    }

    /// The `sub`s changed since the last call, with their users (`None`:
    /// removed).
    pub(crate) fn take_dirty(&mut self) -> Vec<(String, Option<&User>)> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|sub| {
                let user = self.list.iter().find(|u| u.sub == sub);
                (sub, user)
            })
            .collect()
    }
}

impl Users {
    /// The user at `index` (its place in creation order), to change: marks it.
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut User> {
        let user = self.list.get_mut(index)?;
        self.dirty.insert(user.sub.clone());
        Some(user)
    }
}

impl std::ops::Index<usize> for Users {
    type Output = User;
    fn index(&self, index: usize) -> &User {
        &self.list[index]
    }
}

/// Indexing to change a user marks it, as [`Users::get_mut`] does.
impl std::ops::IndexMut<usize> for Users {
    fn index_mut(&mut self, index: usize) -> &mut User {
        let user = &mut self.list[index];
        self.dirty.insert(user.sub.clone());
        user
    }
}

impl<'a> IntoIterator for &'a Users {
    type Item = &'a User;
    type IntoIter = std::slice::Iter<'a, User>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Users {
    type Item = &'a mut User;
    type IntoIter = std::slice::IterMut<'a, User>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}
