//! Known answers: every case of every `vectors/*.json` file.
//!
//! The file name's prefix chooses the kind of case ([`KINDS`]); a file with
//! an unknown prefix fails the run. For every case:
//! - every field it gives must be an input the check reads, a value the crate
//!   computes (which must then match), `id`, or one of the kind's notes; any
//!   other field fails as unknown;
//! - it must give its kind's end results (`password_claim_signature` for a
//!   sign-in, `password_verifier` and `salt_b64` for a device verifier, ...);
//!   intermediates (`u`, `x`, `s`, `hkdf_key`, ...) may be left out, and are
//!   checked when given, so a failure names the step that broke;
//! - a missing input fails (the check cannot run without it).
//!
//! Prints one line per file: `vectors/<file>: <n> cases passed`.
//!
//! Then a mutation check on every case that passed: each value it gives that
//! the crate computes is altered in turn, each end result is removed in turn,
//! and an unknown field is added; the comparison must report each one. A
//! checker that ignored a field, or a rule that let one through, fails here.
//!
//! Last, a self-test of the rule on files written to a temporary directory:
//! the first cases of every file with every optional intermediate stripped
//! (only inputs and end results left) must pass, and the same with one end
//! result corrupted must fail.
//!
//! `VECTORS_DIR=<dir>` runs the same checks on another directory (for example
//! a deliberately corrupted copy, which must fail), without the self-test.
//!
//! A server case refuses its recorded signature with each of its bytes
//! flipped in turn, a new session each time (most of this file's run time).
//! `VECTORS_FLIP_EVERY=<n>` flips every n-th byte and the last instead:
//! `scripts/cross` sets it under emulation, where every byte would take
//! minutes; every other check still runs on every case.
//!
//! WebAssembly has no files: there the same checks run, under
//! wasm-bindgen-test in Node, on the files compiled in ([`EMBEDDED`], which
//! must name every file of `vectors/`: checked here on every other target),
//! and the self-test keeps its files in memory.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
#[cfg(not(target_family = "wasm"))]
use std::path::{Path, PathBuf};
#[cfg(not(target_family = "wasm"))]
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cognito_srp::hazmat::arith::U3072;
use cognito_srp::hazmat::srp;
use cognito_srp::hazmat::wire::{parse_hex_u3072, parse_salt_hex};
use cognito_srp::hazmat::{
    DeviceSrpClientExt, DeviceSrpSignInExt, ServerSessionExt, SrpServerExt, UserSrpClientExt,
    UserSrpSignInExt,
};
use cognito_srp::{
    AppClient, AuthFailure, ClientSecret, DeviceCredentials, DevicePassword,
    DevicePasswordVerifierChallenge, DeviceSrpClient, Error, Field, Password,
    PasswordVerifierChallenge, PoolId, Salt, SecretBlock, SrpServer, StoredVerifier, Timestamp,
    UserSrpClient, secret_hash,
};
use serde_json::{Map, Value};

/// A line of the report: stdout, or under WebAssembly Node's console.
macro_rules! say {
    ($($arg:tt)*) => {{
        #[cfg(not(target_family = "wasm"))]
        println!($($arg)*);
        #[cfg(target_family = "wasm")]
        wasm_bindgen_test::console_log!($($arg)*);
    }};
}

/// Every file of `vectors/`, compiled in for WebAssembly, which cannot read them.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "device_srp.json",
        include_str!("../vectors/device_srp.json"),
    ),
    (
        "device_verifier.json",
        include_str!("../vectors/device_verifier.json"),
    ),
    ("invalid.json", include_str!("../vectors/invalid.json")),
    (
        "secret_hash.json",
        include_str!("../vectors/secret_hash.json"),
    ),
    (
        "server_device_srp.json",
        include_str!("../vectors/server_device_srp.json"),
    ),
    (
        "server_user_srp.json",
        include_str!("../vectors/server_user_srp.json"),
    ),
    ("user_srp.json", include_str!("../vectors/user_srp.json")),
    (
        "user_srp_negative_salt.json",
        include_str!("../vectors/user_srp_negative_salt.json"),
    ),
    (
        "user_srp_noncanonical.json",
        include_str!("../vectors/user_srp_noncanonical.json"),
    ),
];

/// Field name -> value computed by the crate.
type Outputs = BTreeMap<String, String>;

/// One case, recording which fields the check reads as inputs.
struct Case<'a> {
    fields: &'a Map<String, Value>,
    read: RefCell<BTreeSet<String>>,
}

impl<'a> Case<'a> {
    fn new(fields: &'a Map<String, Value>) -> Self {
        Case {
            fields,
            read: RefCell::new(BTreeSet::new()),
        }
    }
    /// A required input.
    fn get(&self, key: &str) -> Result<&'a str, String> {
        self.opt(key)?
            .ok_or_else(|| format!("{key}: missing (an input of this kind)"))
    }
    /// An optional input.
    fn opt(&self, key: &str) -> Result<Option<&'a str>, String> {
        self.read.borrow_mut().insert(key.to_owned());
        match self.fields.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("{key}: not a string: {other}")),
        }
    }
    fn id(&self) -> String {
        match self.fields.get("id") {
            Some(Value::String(id)) => id.clone(),
            _ => "<no id>".to_owned(),
        }
    }
}

/// Hex with an implied leading zero for an odd length (the vectors write `a` as an integer).
fn hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    let even = if text.len() % 2 == 1 {
        format!("0{text}")
    } else {
        text.to_owned()
    };
    hex::decode(even).map_err(|e| format!("bad hex in vector: {e}"))
}

/// Lowercase hex of an integer's big-endian bytes, without leading zeros.
fn int_hex(bytes: &[u8]) -> String {
    let s = hex::encode(bytes);
    let t = s.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

fn err(step: &str) -> impl Fn(Error) -> String + '_ {
    move |e| format!("{step}: {e}")
}

/// The intermediates `u`, `x`, `s`, `hkdf_key` from the step functions.
fn intermediates(
    out: &mut Outputs,
    a: &[u8],
    srp_b: &U3072,
    salt: &Salt,
    realm: &str,
    identity: &str,
    password: &str,
) -> Result<(), String> {
    let a = srp::private_ephemeral(a).map_err(err("a"))?;
    let srp_a = srp::public_ephemeral(&a);
    let u = srp::compute_u(&srp_a, srp_b);
    let x = srp::compute_x(salt, realm, identity, password.as_bytes());
    let s = srp::client_premaster_secret(&a, srp_b, &x, &u);
    let key = srp::derive_key(&u, &s);
    for (field, value) in [
        ("u", int_hex(&u)),
        ("x", int_hex(&x.to_be_bytes())),
        ("s", int_hex(&s.pad())),
        ("hkdf_key", hex::encode(key.expose_secret())),
    ] {
        out.insert(field.into(), value);
    }
    Ok(())
}

/// Checks the `ChallengeResponses` map carries what the case says it must.
fn check_responses(
    map: &std::collections::HashMap<String, String>,
    expect: &[(&str, &str)],
) -> Result<(), String> {
    for (key, value) in expect {
        match map.get(*key) {
            Some(v) if v == value => {}
            other => {
                return Err(format!(
                    "ChallengeResponses[{key}] = {other:?}, expected {value:?}"
                ));
            }
        }
    }
    Ok(())
}

fn user_srp(case: &Case<'_>) -> Result<Outputs, String> {
    let mut out = Outputs::new();
    let pool = PoolId::parse(case.get("pool_id")?).map_err(err("pool id"))?;
    let username = case.get("username")?;
    let a = hex_bytes(case.get("a")?)?;
    let login = UserSrpClient::new(pool.clone())
        .start_with_private_ephemeral(username, &a)
        .map_err(err("SRP_A"))?;
    out.insert("srp_a".into(), login.srp_a().to_owned());
    let (srp_b, salt, secret_block) = (
        case.get("srp_b")?,
        case.get("salt")?,
        case.get("secret_block")?,
    );
    let challenge = PasswordVerifierChallenge::new(srp_b, salt, secret_block, username)
        .map_err(err("challenge"))?;
    let timestamp = Timestamp::parse(case.get("timestamp")?).map_err(err("timestamp"))?;
    let password = case.get("password")?;
    intermediates(
        &mut out,
        &a,
        &parse_hex_u3072(Field::SrpB, srp_b).map_err(err("SRP_B"))?,
        &parse_salt_hex(salt).map_err(err("SALT"))?,
        pool.pool_name(),
        username,
        password,
    )?;
    let claim = login
        .respond_at(&challenge, &Password::new(password), &timestamp)
        .map_err(err("PASSWORD_VERIFIER response"))?;
    check_responses(
        claim.challenge_responses(),
        &[
            ("USERNAME", username),
            ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
            ("TIMESTAMP", case.get("timestamp")?),
        ],
    )?;
    out.insert(
        "password_claim_signature".into(),
        claim.password_claim_signature().to_owned(),
    );
    Ok(out)
}

fn device_srp(case: &Case<'_>) -> Result<Outputs, String> {
    let mut out = Outputs::new();
    let (group_key, device_key, password) = (
        case.get("device_group_key")?,
        case.get("device_key")?,
        case.get("device_password")?,
    );
    let device = DeviceCredentials::new(group_key, device_key, DevicePassword::new(password))
        .map_err(err("device credentials"))?;
    let a = hex_bytes(case.get("a")?)?;
    let login = DeviceSrpClient::new(device)
        .start_with_private_ephemeral("device-user", &a)
        .map_err(err("SRP_A"))?;
    out.insert("srp_a".into(), login.srp_a().to_owned());
    let (srp_b, salt, secret_block) = (
        case.get("srp_b")?,
        case.get("salt")?,
        case.get("secret_block")?,
    );
    let challenge = DevicePasswordVerifierChallenge::new(srp_b, salt, secret_block)
        .map_err(err("challenge"))?;
    let timestamp = Timestamp::parse(case.get("timestamp")?).map_err(err("timestamp"))?;
    intermediates(
        &mut out,
        &a,
        &parse_hex_u3072(Field::SrpB, srp_b).map_err(err("SRP_B"))?,
        &parse_salt_hex(salt).map_err(err("SALT"))?,
        group_key,
        device_key,
        password,
    )?;
    let claim = login
        .respond_at(&challenge, &timestamp)
        .map_err(err("DEVICE_PASSWORD_VERIFIER response"))?;
    check_responses(
        claim.challenge_responses(),
        &[
            ("DEVICE_KEY", device_key),
            ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
            ("USERNAME", "device-user"),
        ],
    )?;
    out.insert(
        "password_claim_signature".into(),
        claim.password_claim_signature().to_owned(),
    );
    Ok(out)
}

fn device_verifier(case: &Case<'_>) -> Result<Outputs, String> {
    let (group_key, device_key, password) = (
        case.get("device_group_key")?,
        case.get("device_key")?,
        case.get("device_password")?,
    );
    let device = DeviceCredentials::new(group_key, device_key, DevicePassword::new(password))
        .map_err(err("device credentials"))?;
    let salt_random: [u8; 16] = hex_bytes(case.get("salt_random")?)?
        .try_into()
        .map_err(|_| "salt_random is not 16 bytes".to_owned())?;
    let config = device.verifier_config(&salt_random);
    let salt = Salt::from_be_bytes(&salt_random).ok_or("salt")?;
    let x = srp::compute_x(&salt, group_key, device_key, password.as_bytes());
    Ok(Outputs::from([
        ("salt".into(), hex::encode(salt.pad())),
        ("x".into(), int_hex(&x.to_be_bytes())),
        (
            "password_verifier".into(),
            config.password_verifier().to_owned(),
        ),
        ("salt_b64".into(), config.salt().to_owned()),
    ]))
}

fn secret_hash_case(case: &Case<'_>) -> Result<Outputs, String> {
    let (username, client_id, secret) = (
        case.get("username")?,
        case.get("client_id")?,
        case.get("client_secret")?,
    );
    let app =
        AppClient::with_secret(client_id, ClientSecret::new(secret)).map_err(err("app client"))?;
    let from_app = app
        .secret_hash(username)
        .ok_or("no SECRET_HASH from an app client with a secret")?;
    let direct = secret_hash(username, client_id, &ClientSecret::new(secret));
    if from_app != direct {
        return Err(format!(
            "AppClient gives {from_app}, secret_hash() gives {direct}"
        ));
    }
    Ok(Outputs::from([("secret_hash".into(), direct)]))
}

/// The wire field an `invalid.json` case breaks, as the crate names it.
fn expected_field(name: &str) -> Option<Field> {
    Some(match name {
        "srp_b" => Field::SrpB,
        "salt" => Field::Salt,
        "secret_block" => Field::SecretBlock,
        "pool_id" => Field::PoolId,
        "username" => Field::UserIdForSrp,
        _ => return None,
    })
}

fn invalid(case: &Case<'_>) -> Result<Outputs, String> {
    let [
        pool_id,
        a,
        srp_b,
        salt,
        secret_block,
        username,
        timestamp,
        password,
    ] = [
        "pool_id",
        "a",
        "srp_b",
        "salt",
        "secret_block",
        "username",
        "timestamp",
        "password",
    ]
    .map(|key| case.get(key));
    let (pool_id, a, srp_b, salt) = (pool_id?, hex_bytes(a?)?, srp_b?, salt?);
    let (secret_block, username, timestamp, password) =
        (secret_block?, username?, timestamp?, password?);
    let attempt = || -> Result<(), Error> {
        let login =
            UserSrpClient::new(PoolId::parse(pool_id)?).start_with_private_ephemeral("user", &a)?;
        let challenge = PasswordVerifierChallenge::new(srp_b, salt, secret_block, username)?;
        login.respond_at(
            &challenge,
            &Password::new(password),
            &Timestamp::parse(timestamp)?,
        )?;
        Ok(())
    };
    match attempt() {
        Ok(()) => Err(format!(
            "accepted, but must be rejected: {}",
            case.opt("why")?.unwrap_or("<no why>")
        )),
        Err(e) => {
            let field = e
                .field()
                .ok_or_else(|| format!("error names no field: {e}"))?;
            // Map the crate's field back to the vector's field name.
            let name = ["srp_b", "salt", "secret_block", "pool_id", "username"]
                .into_iter()
                .find(|n| expected_field(n) == Some(field))
                .unwrap_or(field.name());
            Ok(Outputs::from([("invalid_field".into(), name.to_owned())]))
        }
    }
}

/// The server's side: from `verifier`, `salt` and `b` the server must produce
/// `srp_b`, accept the recorded client signature at the recorded timestamp,
/// and refuse it with any one byte flipped.
fn server_srp(case: &Case<'_>, device: bool) -> Result<Outputs, String> {
    let mut out = Outputs::new();
    let salt = parse_salt_hex(case.get("salt")?).map_err(err("SALT"))?;
    let stored = StoredVerifier::from_parts(salt.clone(), &hex_bytes(case.get("verifier")?)?)
        .map_err(err("verifier"))?;
    let (realm, identity, username, password) = if device {
        (
            case.get("device_group_key")?,
            case.get("device_key")?,
            "device-user",
            case.get("device_password")?,
        )
    } else {
        let pool = PoolId::parse(case.get("pool_id")?).map_err(err("pool id"))?;
        let username = case.get("username")?;
        let password = case.get("password")?;
        // Registration from the password gives the same verifier.
        let registered = StoredVerifier::register_user_with_salt(
            &pool,
            username,
            &Password::new(password),
            salt.clone(),
        )
        .map_err(err("registration"))?;
        if registered != stored {
            return Err("verifier: registration from the password gives another verifier".into());
        }
        (
            case.get("pool_id")?.split_once('_').ok_or("pool id")?.1,
            username,
            username,
            password,
        )
    };
    let x = srp::compute_x(&salt, realm, identity, password.as_bytes());
    out.insert("x".into(), int_hex(&x.to_be_bytes()));
    out.insert("verifier".into(), int_hex(&srp::compute_verifier(&x).pad()));

    let b = hex_bytes(case.get("b")?)?;
    let (secret_block, timestamp) = (case.get("secret_block")?, case.get("timestamp")?);
    let at = Timestamp::parse(timestamp)
        .map_err(err("timestamp"))?
        .datetime();
    let session = |srp_a: &str| {
        let block = SecretBlock::parse(secret_block).map_err(err("SECRET_BLOCK"))?;
        let server = SrpServer::new();
        if device {
            server.start_device_with(realm, identity, username, &stored, srp_a, &b, block)
        } else {
            let pool = PoolId::parse(case.get("pool_id")?).map_err(err("pool id"))?;
            server.start_user_with(&pool, identity, &stored, srp_a, &b, block)
        }
        .map_err(err("server session"))
    };
    let srp_a = case.get("srp_a")?;
    out.insert("srp_b".into(), session(srp_a)?.srp_b().to_owned());

    // The intermediates, from the server's formulas.
    let srp_a_value = parse_hex_u3072(Field::SrpA, srp_a).map_err(err("SRP_A"))?;
    let srp_b_value = parse_hex_u3072(Field::SrpB, &out["srp_b"]).map_err(err("SRP_B"))?;
    let u = srp::compute_u(&srp_a_value, &srp_b_value);
    let b_secret = srp::private_ephemeral(&b).map_err(err("b"))?;
    let verifier = srp::compute_verifier(&x);
    let s = srp::server_premaster_secret(&srp_a_value, &verifier, &u, &b_secret);
    out.insert("u".into(), int_hex(&u));
    out.insert("s".into(), int_hex(&s.pad()));
    out.insert(
        "hkdf_key".into(),
        hex::encode(srp::derive_key(&u, &s).expose_secret()),
    );

    // Given the client's `a`, the crate's own client answers the server's
    // challenge: its SRP_A and signature must be the recorded ones.
    if let Some(a) = case.opt("a")? {
        let a = hex_bytes(a)?;
        let challenge_parameters = session(srp_a)?.challenge_parameters();
        let timestamp_value = Timestamp::parse(timestamp).map_err(err("timestamp"))?;
        let claim = if device {
            let credentials =
                DeviceCredentials::new(realm, identity, DevicePassword::new(password))
                    .map_err(err("device credentials"))?;
            let login = DeviceSrpClient::new(credentials)
                .start_with_private_ephemeral(username, &a)
                .map_err(err("SRP_A"))?;
            out.insert("srp_a".into(), login.srp_a().to_owned());
            let challenge =
                DevicePasswordVerifierChallenge::from_challenge_parameters(&challenge_parameters)
                    .map_err(err("challenge"))?;
            login
                .respond_at(&challenge, &timestamp_value)
                .map_err(err("client response"))?
        } else {
            let pool = PoolId::parse(case.get("pool_id")?).map_err(err("pool id"))?;
            let login = UserSrpClient::new(pool)
                .start_with_private_ephemeral(username, &a)
                .map_err(err("SRP_A"))?;
            out.insert("srp_a".into(), login.srp_a().to_owned());
            let challenge =
                PasswordVerifierChallenge::from_challenge_parameters(&challenge_parameters)
                    .map_err(err("challenge"))?;
            login
                .respond_at(&challenge, &Password::new(password), &timestamp_value)
                .map_err(err("client response"))?
        };
        out.insert(
            "password_claim_signature".into(),
            claim.password_claim_signature().to_owned(),
        );
    }

    // The recorded signature must verify; with any one byte flipped it must not.
    let recorded = case.get("password_claim_signature")?;
    let responses = |signature: String| {
        let mut map = std::collections::HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                secret_block.to_owned(),
            ),
            ("TIMESTAMP".to_owned(), timestamp.to_owned()),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature),
        ]);
        if device {
            map.insert("DEVICE_KEY".to_owned(), identity.to_owned());
        }
        map
    };
    session(srp_a)?
        .verify_at(&responses(recorded.to_owned()), at)
        .map_err(|e| format!("password_claim_signature: the recorded signature is refused: {e}"))?;
    let raw = BASE64
        .decode(recorded)
        .map_err(|e| format!("recorded signature: {e}"))?;
    let every = flip_every();
    for i in (0..raw.len()).filter(|i| i % every == 0 || i + 1 == raw.len()) {
        let mut flipped = raw.clone();
        flipped[i] ^= 0x01;
        match session(srp_a)?.verify_at(&responses(BASE64.encode(&flipped)), at) {
            Err(Error::NotAuthorized(AuthFailure::SignatureMismatch)) => {}
            other => {
                return Err(format!(
                    "signature with byte {i} flipped: {other:?}, expected a refusal"
                ));
            }
        }
    }
    Ok(out)
}

/// Which bytes of a recorded signature a server case flips: every
/// `VECTORS_FLIP_EVERY`-th one (and the last), by default every one.
/// WebAssembly has no environment: there the value given at build time counts.
fn flip_every() -> usize {
    #[cfg(not(target_family = "wasm"))]
    let given = std::env::var("VECTORS_FLIP_EVERY").ok();
    #[cfg(target_family = "wasm")]
    let given = option_env!("VECTORS_FLIP_EVERY").map(String::from);
    given
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

fn server_user_srp(case: &Case<'_>) -> Result<Outputs, String> {
    server_srp(case, false)
}

fn server_device_srp(case: &Case<'_>) -> Result<Outputs, String> {
    server_srp(case, true)
}

type Check = fn(&Case<'_>) -> Result<Outputs, String>;

/// A kind of case: the files whose names start with `prefix`.
struct Kind {
    prefix: &'static str,
    check: Check,
    /// End results: every case must give them, and they must match.
    results: &'static [&'static str],
    /// Free text for the reader, never compared.
    notes: &'static [&'static str],
}

/// The kinds, longest prefix first.
const KINDS: [Kind; 7] = [
    // What the server sends; the recorded `password_claim_signature` is an
    // input it must accept (and refuse with any byte flipped).
    Kind {
        prefix: "server_user_srp",
        check: server_user_srp,
        results: &["srp_b"],
        notes: &[],
    },
    Kind {
        prefix: "server_device_srp",
        check: server_device_srp,
        results: &["srp_b"],
        notes: &[],
    },
    // What the client sends: SRP_A with InitiateAuth, the signature with
    // RespondToAuthChallenge.
    Kind {
        prefix: "user_srp",
        check: user_srp,
        results: &["srp_a", "password_claim_signature"],
        notes: &[],
    },
    Kind {
        prefix: "device_srp",
        check: device_srp,
        results: &["srp_a", "password_claim_signature"],
        notes: &[],
    },
    // What ConfirmDevice sends.
    Kind {
        prefix: "device_verifier",
        check: device_verifier,
        results: &["password_verifier", "salt_b64"],
        notes: &[],
    },
    Kind {
        prefix: "secret_hash",
        check: secret_hash_case,
        results: &["secret_hash"],
        notes: &[],
    },
    Kind {
        prefix: "invalid",
        check: invalid,
        results: &["invalid_field"],
        notes: &["why"],
    },
];

fn kind_for(file: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| file.starts_with(kind.prefix))
}

/// What is wrong with `fields` as a case of `kind`, given what the check
/// computed and which fields it read. Each problem starts with `<field>:`.
fn compare(
    kind: &Kind,
    fields: &Map<String, Value>,
    read: &BTreeSet<String>,
    actual: &Outputs,
) -> Vec<String> {
    let mut problems = Vec::new();
    for result in kind.results {
        if !fields.contains_key(*result) {
            problems.push(format!("{result}: missing (an end result of this kind)"));
        } else if !actual.contains_key(*result) {
            problems.push(format!("{result}: the check did not compute it"));
        }
    }
    for (field, given) in fields {
        if field == "id" || kind.notes.contains(&field.as_str()) {
            continue;
        }
        match actual.get(field) {
            Some(computed) if given.as_str() == Some(computed) => {}
            Some(computed) => {
                problems.push(format!("{field}: expected {given}, computed {computed}"))
            }
            None if read.contains(field) => {}
            None => problems.push(format!(
                "{field}: unknown field (neither an input nor a value the crate computes)"
            )),
        }
    }
    problems
}

/// `value` with its last character changed.
fn mutate(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    match chars.last_mut() {
        Some(c) => *c = if *c == '0' { '1' } else { '0' },
        None => chars.push('0'),
    }
    chars.into_iter().collect()
}

/// Alters every computed value the case gives, removes every end result and
/// adds an unknown field, one at a time: `compare` must report each. Returns
/// how many alterations were made, or the first one that went unreported.
fn mutation_check(
    kind: &Kind,
    fields: &Map<String, Value>,
    read: &BTreeSet<String>,
    actual: &Outputs,
) -> Result<usize, String> {
    let mut alterations: Vec<(String, Map<String, Value>)> = Vec::new();
    for (field, given) in fields {
        if actual.contains_key(field) {
            let mut altered = fields.clone();
            let text = given.as_str().unwrap_or_default();
            altered.insert(field.clone(), Value::String(mutate(text)));
            alterations.push((field.clone(), altered));
        }
    }
    for result in kind.results {
        let mut removed = fields.clone();
        removed.remove(*result);
        alterations.push(((*result).to_owned(), removed));
    }
    let mut extra = fields.clone();
    extra.insert("unexpected".into(), Value::String("1".into()));
    alterations.push(("unexpected".into(), extra));

    let count = alterations.len();
    for (field, altered) in alterations {
        let caught = compare(kind, &altered, read, actual);
        if !caught.iter().any(|c| c.starts_with(&format!("{field}:"))) {
            return Err(format!("altering {field} was not caught: {caught:?}"));
        }
    }
    Ok(count)
}

/// The outcome of checking one directory.
#[derive(Default)]
struct Summary {
    /// One line per file, and one per failing case.
    lines: Vec<String>,
    failures: usize,
    mutations: usize,
    /// Per file, its first cases with the optional intermediates removed
    /// (for the self-test), and how many fields were removed.
    end_results_only: Vec<(String, Vec<Value>, usize)>,
}

/// Cases per file that the self-test rewrites.
const SELF_TEST_CASES: usize = 2;

/// The `*.json` files of `dir` as (name, text), by name.
#[cfg(not(target_family = "wasm"))]
fn read_dir(dir: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no vector files in {}", dir.display());
    paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect()
}

/// Checks every case of `files`, (name, text) pairs.
fn run_files(files: &[(String, String)]) -> Summary {
    let mut summary = Summary::default();
    for (name, text) in files {
        let name = name.clone();
        let Some(kind) = kind_for(&name) else {
            summary.lines.push(format!(
                "vectors/{name}: FAILED: no kind for this file's prefix"
            ));
            summary.failures += 1;
            continue;
        };
        let json: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cases = json["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no cases"));
        let (mut passed, mut stripped, mut removed) = (0usize, Vec::new(), 0usize);
        for (index, case) in cases.iter().enumerate() {
            let fields = case
                .as_object()
                .unwrap_or_else(|| panic!("{name}: a case is not an object"));
            let case = Case::new(fields);
            let id = case.id();
            let outcome = (kind.check)(&case);
            let read = case.read.into_inner();
            let problems = match outcome {
                Err(e) => vec![e],
                Ok(actual) => {
                    let mut problems = compare(kind, fields, &read, &actual);
                    if problems.is_empty() {
                        match mutation_check(kind, fields, &read, &actual) {
                            Ok(n) => summary.mutations += n,
                            Err(e) => problems.push(format!("mutation check: {e}")),
                        }
                    }
                    if index < SELF_TEST_CASES {
                        // Keep the inputs, the end results and the notes.
                        let keep = |field: &String| {
                            !actual.contains_key(field)
                                || read.contains(field)
                                || kind.results.contains(&field.as_str())
                        };
                        let kept: Map<String, Value> = fields
                            .iter()
                            .filter(|(field, _)| keep(field))
                            .map(|(f, v)| (f.clone(), v.clone()))
                            .collect();
                        removed += fields.len() - kept.len();
                        stripped.push(Value::Object(kept));
                    }
                    problems
                }
            };
            if problems.is_empty() {
                passed += 1;
            } else {
                summary.failures += 1;
                for p in problems {
                    summary.lines.push(format!("vectors/{name}: {id}: {p}"));
                }
            }
        }
        summary.lines.push(if passed == cases.len() {
            format!("vectors/{name}: {passed} cases passed")
        } else {
            format!("vectors/{name}: {passed} of {} cases passed", cases.len())
        });
        summary.end_results_only.push((name, stripped, removed));
    }
    summary
}

/// `files` (name, cases) as the harness reads them back: written into a fresh
/// directory `dir` and read from it; under WebAssembly, which has no files,
/// kept in memory.
fn written(dir: &str, files: &[(String, Vec<Value>)]) -> Vec<(String, String)> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(name, cases)| {
            (
                name.clone(),
                serde_json::json!({ "cases": cases }).to_string(),
            )
        })
        .collect();
    #[cfg(target_family = "wasm")]
    let _ = dir;
    #[cfg(not(target_family = "wasm"))]
    let texts = {
        let dir = self_test_root().join(dir);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (name, text) in &texts {
            std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        read_dir(&dir)
    };
    texts
}

/// Where the self-test writes its files.
#[cfg(not(target_family = "wasm"))]
fn self_test_root() -> PathBuf {
    std::env::temp_dir().join(format!("cognito-srp-vectors-{}", std::process::id()))
}

/// The rule on files the harness has not seen: end results alone pass; one
/// corrupted end result fails, in every file. Returns the problems found.
fn self_test(end_results_only: &[(String, Vec<Value>, usize)]) -> Vec<String> {
    let mut problems = Vec::new();
    let files: Vec<(String, Vec<Value>)> = end_results_only
        .iter()
        .map(|(name, cases, _)| (name.clone(), cases.clone()))
        .collect();
    let removed: usize = end_results_only.iter().map(|(_, _, r)| r).sum();

    let summary = run_files(&written("end-results-only", &files));
    if summary.failures == 0 {
        say!(
            "self-test: {} files of end results only ({removed} intermediates removed): all pass",
            files.len()
        );
    } else {
        problems.push(format!(
            "self-test: end results only must pass: {:?}",
            summary.lines
        ));
    }

    // The first end result of the first case, altered.
    let corrupted_files: Vec<(String, Vec<Value>)> = files
        .iter()
        .map(|(name, cases)| {
            let mut cases = cases.clone();
            let kind = kind_for(name).unwrap_or_else(|| unreachable!("checked in run_files"));
            if let Some(Value::Object(case)) = cases.first_mut()
                && let Some(Value::String(value)) = case.get_mut(kind.results[0])
            {
                *value = mutate(value);
            }
            (name.clone(), cases)
        })
        .collect();
    let summary = run_files(&written("corrupted", &corrupted_files));
    if summary.failures == files.len() {
        say!(
            "self-test: the same with one end result corrupted per file: {} failures, one per file",
            summary.failures
        );
    } else {
        problems.push(format!(
            "self-test: a corrupted end result per file must give {} failures, got {}: {:?}",
            files.len(),
            summary.failures,
            summary.lines
        ));
    }
    #[cfg(not(target_family = "wasm"))]
    let _ = std::fs::remove_dir_all(self_test_root());
    problems
}

/// Checks `files`, then (for the repository's own vectors) runs the
/// self-test; reports, and returns the number of failures.
fn check(files: &[(String, String)], self_test_too: bool) -> usize {
    let summary = run_files(files);
    for line in &summary.lines {
        say!("{line}");
    }
    say!(
        "mutation check: {} fields altered, removed or added, each must be reported",
        summary.mutations
    );
    let mut failures = summary.failures;
    if self_test_too {
        let problems = self_test(&summary.end_results_only);
        for p in &problems {
            say!("{p}");
        }
        failures += problems.len();
    }
    if failures > 0 {
        say!("{failures} failures");
    }
    failures
}

#[cfg(not(target_family = "wasm"))]
fn main() -> ExitCode {
    let given = std::env::var_os("VECTORS_DIR").map(PathBuf::from);
    let dir = given
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors"));
    let files = read_dir(&dir);
    let mut failures = check(&files, given.is_none());
    if given.is_none() {
        let on_disk: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let embedded: Vec<&str> = EMBEDDED.iter().map(|(name, _)| *name).collect();
        if on_disk == embedded {
            say!(
                "WebAssembly's compiled-in list: the same {} files",
                embedded.len()
            );
        } else {
            say!("EMBEDDED (for WebAssembly) must list vectors/: {embedded:?} vs {on_disk:?}");
            failures += 1;
        }
    }
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Under WebAssembly: the compiled-in files, as one test that Node runs.
#[cfg(target_family = "wasm")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn vectors() {
    let files: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    assert_eq!(check(&files, true), 0, "known-answer vectors failed");
}

#[cfg(target_family = "wasm")]
fn main() {}
