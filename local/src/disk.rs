//! The data directory (`--data-dir DIR`): the durable records in one
//! [redb](https://docs.rs/redb) database, `DIR/state.redb`.
//!
//! redb is an embedded key-value store in pure Rust: ACID transactions,
//! copy-on-write B-trees with checksummed commits (a torn write is rolled
//! back on open, never half read), no C library to build, and one writer at
//! a time, which is all this endpoint needs. Each record is the JSON of one
//! model entity.
//!
//! Group commit: operations hand their changes to one writer thread, which
//! writes everything queued in one transaction with one fsync
//! (`Durability::Immediate`) and then releases every operation whose changes
//! it carried; an operation answers only after that. Changes are queued in
//! the order they were made (under the state lock), so a later transaction
//! never lands without an earlier one.
//!
//! Schema: a `meta` table holds `schema_version`. A database of a newer
//! version than [`SCHEMA_VERSION`] is refused; older versions are migrated
//! on open (there are none yet). Records gain only fields with defaults
//! within a version; anything else bumps it with a migration.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};

use crate::model::grant::{Grant, Retired};
use crate::model::pool::{Client, Pool};
use crate::model::user::User;
use crate::model::{Change, Table};

/// The version of the records' layout that this build writes.
pub const SCHEMA_VERSION: u64 = 1;
/// The database's file name inside the data directory.
pub const FILE_NAME: &str = "state.redb";

const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const KEYS: TableDefinition<&str, &[u8]> = TableDefinition::new("signing_keys");
const POOLS: TableDefinition<&str, &[u8]> = TableDefinition::new("pools");
const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
const CLIENTS: TableDefinition<&str, &[u8]> = TableDefinition::new("clients");
const GRANTS: TableDefinition<&str, &[u8]> = TableDefinition::new("grants");
const RETIRED: TableDefinition<&str, &[u8]> = TableDefinition::new("retired_refresh_tokens");

fn definition(table: Table) -> TableDefinition<'static, &'static str, &'static [u8]> {
    match table {
        Table::Pools => POOLS,
        Table::Users => USERS,
        Table::Clients => CLIENTS,
        Table::Grants => GRANTS,
        Table::Retired => RETIRED,
    }
}

/// Everything read from the data directory at start.
#[derive(Default)]
pub(crate) struct Loaded {
    pub pools: Vec<Pool>,
    /// Users with their pool's id.
    pub users: Vec<(String, User)>,
    pub clients: Vec<Client>,
    pub grants: Vec<Grant>,
    pub retired: Vec<(String, Retired)>,
    /// The PKCS#8 PEMs of the ID-token and access-token keys, if stored.
    pub keys: Option<(Vec<u8>, Vec<u8>)>,
}

/// How far the writer got.
#[derive(Default)]
struct Progress {
    committed: u64,
    /// Set when a commit failed: nothing is acknowledged after it.
    failure: Option<String>,
}

/// The open data directory and its writer thread.
pub(crate) struct Disk {
    db: Arc<Database>,
    queue: Option<Sender<(u64, Vec<Change>)>>,
    /// The sequence number of the last batch queued (assigned under the
    /// state lock, so in the order the changes were made).
    queued: AtomicU64,
    progress: Arc<(Mutex<Progress>, Condvar)>,
    writer: Option<JoinHandle<()>>,
}

fn text<E: std::fmt::Display>(context: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{context}: {e}")
}

impl Disk {
    /// Opens (or creates) the database in `dir` and reads every record.
    pub(crate) fn open(dir: &Path) -> Result<(Disk, Loaded), String> {
        let shown = dir.display();
        std::fs::create_dir_all(dir).map_err(text(&format!("data dir {shown}")))?;
        restrict(dir);
        let db = Database::create(dir.join(FILE_NAME))
            .map_err(text(&format!("data dir {shown}: cannot open {FILE_NAME}")))?;
        check_version(&db, dir)?;
        let loaded = load(&db).map_err(|e| format!("data dir {shown}: {e}"))?;
        let db = Arc::new(db);
        let (queue, receiver) = channel();
        let progress = Arc::new((Mutex::new(Progress::default()), Condvar::new()));
        let writer = {
            let db = db.clone();
            let progress = progress.clone();
            std::thread::Builder::new()
                .name("data-dir-writer".into())
                .spawn(move || write_loop(&db, &receiver, &progress))
                .map_err(text("cannot start the data dir's writer"))?
        };
        Ok((
            Disk {
                db,
                queue: Some(queue),
                queued: AtomicU64::new(0),
                progress,
                writer: Some(writer),
            },
            loaded,
        ))
    }

    /// Stores the two signing keys (PKCS#8 PEM), durably, before any token
    /// is signed with them.
    pub(crate) fn store_keys(&self, id: &[u8], access: &[u8]) -> Result<(), String> {
        let write = || -> Result<(), redb::Error> {
            let mut tx = self.db.begin_write()?;
            tx.set_durability(Durability::Immediate)
                .map_err(|e| redb::Error::Corrupted(e.to_string()))?;
            {
                let mut keys = tx.open_table(KEYS)?;
                keys.insert("id", id)?;
                keys.insert("access", access)?;
            }
            tx.commit()?;
            Ok(())
        };
        write().map_err(text("cannot store the signing keys"))
    }

    /// Queues a batch of changes (called under the state lock, so batches
    /// queue in the order their changes were made); returns the sequence
    /// number to [`Disk::wait`] for. An empty batch queues nothing and waits
    /// for whatever is already queued, which may hold this operation's
    /// changes (another operation drained them) or changes this operation
    /// read.
    pub(crate) fn enqueue(&self, changes: Vec<Change>) -> u64 {
        if changes.is_empty() {
            return self.queued.load(Ordering::SeqCst);
        }
        let seq = self.queued.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(queue) = &self.queue
            && queue.send((seq, changes)).is_err()
        {
            self.fail("the data dir's writer stopped".into());
        }
        seq
    }

    /// Waits until batch `seq` (and every one before it) is durable.
    pub(crate) fn wait(&self, seq: u64) -> Result<(), String> {
        let (lock, changed) = &*self.progress;
        let mut progress = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(failure) = &progress.failure {
                return Err(failure.clone());
            }
            if progress.committed >= seq {
                return Ok(());
            }
            progress = changed.wait(progress).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn fail(&self, message: String) {
        let (lock, changed) = &*self.progress;
        lock.lock()
            .unwrap_or_else(|p| p.into_inner())
            .failure
            .get_or_insert(message);
        changed.notify_all();
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        // Closing the queue ends the writer once it has written what is
        // queued; joining it closes the database, so that it can be reopened.
        self.queue = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Only the owner may read the data dir: it holds verifiers, TOTP and
/// client secrets and the signing keys.
fn restrict(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
}

fn check_version(db: &Database, dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    let read = || -> Result<Option<u64>, redb::Error> {
        let tx = db.begin_read()?;
        let meta = match tx.open_table(META) {
            Ok(meta) => meta,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(meta.get("schema_version")?.map(|v| v.value()))
    };
    match read().map_err(text(&format!("data dir {shown}")))? {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(newer) if newer > SCHEMA_VERSION => Err(format!(
            "data dir {shown} holds schema version {newer}, and this cognito-srp-local reads \
             versions up to {SCHEMA_VERSION}: run the newer build that wrote it"
        )),
        Some(older) => Err(format!(
            "data dir {shown} holds schema version {older}, which no build ever wrote"
        )),
        None => {
            let write = || -> Result<(), redb::Error> {
                let tx = db.begin_write()?;
                {
                    let mut meta = tx.open_table(META)?;
                    meta.insert("schema_version", SCHEMA_VERSION)?;
                    // Create every table, so that reads find them.
                    tx.open_table(KEYS)?;
                    for table in [
                        Table::Pools,
                        Table::Users,
                        Table::Clients,
                        Table::Grants,
                        Table::Retired,
                    ] {
                        tx.open_table(definition(table))?;
                    }
                }
                tx.commit()?;
                Ok(())
            };
            write().map_err(text(&format!("data dir {shown}")))
        }
    }
}

fn records<T: serde::de::DeserializeOwned>(
    tx: &redb::ReadTransaction,
    table: Table,
) -> Result<Vec<(String, T)>, String> {
    let definition = definition(table);
    let name = format!("{table:?}");
    let opened = tx.open_table(definition).map_err(text(&name))?;
    let mut out = Vec::new();
    for entry in opened.iter().map_err(text(&name))? {
        let (key, value) = entry.map_err(text(&name))?;
        let record = serde_json::from_slice(value.value())
            .map_err(text(&format!("{name} record {}", key.value())))?;
        out.push((key.value().to_owned(), record));
    }
    Ok(out)
}

fn load(db: &Database) -> Result<Loaded, String> {
    let tx = db.begin_read().map_err(text("read"))?;
    let keys = {
        let keys = tx.open_table(KEYS).map_err(text("signing keys"))?;
        let id = keys.get("id").map_err(text("signing keys"))?;
        let access = keys.get("access").map_err(text("signing keys"))?;
        match (id, access) {
            (Some(id), Some(access)) => Some((id.value().to_vec(), access.value().to_vec())),
            _ => None,
        }
    };
    let users = records::<User>(&tx, Table::Users)?
        .into_iter()
        .map(|(key, user)| {
            let pool_id = key.split_once('/').map_or(key.as_str(), |(p, _)| p);
            (pool_id.to_owned(), user)
        })
        .collect();
    Ok(Loaded {
        pools: records(&tx, Table::Pools)?
            .into_iter()
            .map(|(_, p)| p)
            .collect(),
        users,
        clients: records(&tx, Table::Clients)?
            .into_iter()
            .map(|(_, c)| c)
            .collect(),
        grants: records(&tx, Table::Grants)?
            .into_iter()
            .map(|(_, g)| g)
            .collect(),
        retired: records(&tx, Table::Retired)?,
        keys,
    })
}

/// The writer thread: every batch queued so far in one transaction.
fn write_loop(
    db: &Database,
    receiver: &Receiver<(u64, Vec<Change>)>,
    progress: &(Mutex<Progress>, Condvar),
) {
    while let Ok(first) = receiver.recv() {
        let mut last = first.0;
        let mut batches = vec![first.1];
        while let Ok((seq, changes)) = receiver.try_recv() {
            last = seq;
            batches.push(changes);
        }
        let result = write(db, batches.into_iter().flatten());
        let (lock, changed) = progress;
        let mut progress = lock.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(()) => progress.committed = last,
            Err(e) => {
                eprintln!("cognito-srp-local: cannot write the data dir: {e}");
                progress
                    .failure
                    .get_or_insert_with(|| format!("cannot write the data dir: {e}"));
            }
        }
        changed.notify_all();
    }
}

fn write(db: &Database, changes: impl Iterator<Item = Change>) -> Result<(), redb::Error> {
    let mut tx = db.begin_write()?;
    tx.set_durability(Durability::Immediate)
        .map_err(|e| redb::Error::Corrupted(e.to_string()))?;
    {
        let mut tables = HashMap::new();
        for change in changes {
            let table = match &change {
                Change::Put(t, ..) | Change::Delete(t, _) | Change::DeletePrefix(t, _) => *t,
            };
            let opened = match tables.entry(format!("{table:?}")) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(tx.open_table(definition(table))?)
                }
            };
            match change {
                Change::Put(_, key, value) => {
                    opened.insert(key.as_str(), value.as_slice())?;
                }
                Change::Delete(_, key) => {
                    opened.remove(key.as_str())?;
                }
                Change::DeletePrefix(_, prefix) => {
                    let prefix = prefix.as_str();
                    opened.retain_in(prefix.., |key, _| !key.starts_with(prefix))?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(())
}
