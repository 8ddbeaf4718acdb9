//! Known answers: every case of every `vectors/*.json` file.
//!
//! The check is chosen by the file name's prefix; a file with an unknown
//! prefix fails the run. Every intermediate a case gives (`u`, `x`, `s`,
//! `hkdf_key`) is checked, so a failure names the step that broke. Prints one
//! line per file: `vectors/<file>: <n> cases passed`.
//!
//! Then a mutation check: every expected value of every case is altered in
//! turn, and the comparison must report exactly that field. A checker that
//! ignored a field would fail here.
//!
//! `VECTORS_DIR=<dir>` runs the same checks on another directory (for example
//! a deliberately corrupted copy, which must fail).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cognito_srp::arith::U3072;
use cognito_srp::wire::{parse_hex_u3072, parse_salt_hex};
use cognito_srp::{
    AppClient, AuthFailure, ClientSecret, DeviceCredentials, DevicePassword,
    DevicePasswordVerifierChallenge, DeviceSrpClient, Error, Field, Password,
    PasswordVerifierChallenge, PoolId, Salt, SecretBlock, SrpServer, StoredVerifier, Timestamp,
    UserSrpClient, secret_hash, srp,
};
use serde_json::Value;

/// Field name -> value computed by the crate.
type Outputs = BTreeMap<String, String>;

struct Case<'a>(&'a serde_json::Map<String, Value>);

impl Case<'_> {
    fn get(&self, key: &str) -> Result<&str, String> {
        self.0
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("case has no string field {key:?}"))
    }
    fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }
    fn id(&self) -> String {
        self.get("id").unwrap_or("<no id>").to_owned()
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
#[allow(clippy::too_many_arguments)]
fn intermediates(
    case: &Case<'_>,
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
        if case.has(field) {
            out.insert(field.into(), value);
        }
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
        case,
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
        case,
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
    let attempt = || -> Result<(), Error> {
        let pool = PoolId::parse(case.get("pool_id").unwrap_or_default())?;
        let a = hex_bytes(case.get("a").unwrap_or_default()).unwrap_or_default();
        let login = UserSrpClient::new(pool).start_with_private_ephemeral("user", &a)?;
        let challenge = PasswordVerifierChallenge::new(
            case.get("srp_b").unwrap_or_default(),
            case.get("salt").unwrap_or_default(),
            case.get("secret_block").unwrap_or_default(),
            case.get("username").unwrap_or_default(),
        )?;
        let timestamp = Timestamp::parse(case.get("timestamp").unwrap_or_default())?;
        login.respond_at(
            &challenge,
            &Password::new(case.get("password").unwrap_or_default()),
            &timestamp,
        )?;
        Ok(())
    };
    match attempt() {
        Ok(()) => Err(format!(
            "accepted, but must be rejected: {}",
            case.get("why")?
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

    let a = hex_bytes(case.get("a")?)?;
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
            server.start_user_with(&pool, username, identity, &stored, srp_a, &b, block)
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

    // The crate's own client answers the server's challenge: its SRP_A and
    // signature must be the recorded ones.
    let challenge_parameters = session(srp_a)?.challenge_parameters();
    let timestamp_value = Timestamp::parse(timestamp).map_err(err("timestamp"))?;
    let claim = if device {
        let credentials = DeviceCredentials::new(realm, identity, DevicePassword::new(password))
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
        let challenge = PasswordVerifierChallenge::from_challenge_parameters(&challenge_parameters)
            .map_err(err("challenge"))?;
        login
            .respond_at(&challenge, &Password::new(password), &timestamp_value)
            .map_err(err("client response"))?
    };
    out.insert(
        "password_claim_signature".into(),
        claim.password_claim_signature().to_owned(),
    );

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
    for i in 0..raw.len() {
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

fn server_user_srp(case: &Case<'_>) -> Result<Outputs, String> {
    server_srp(case, false)
}

fn server_device_srp(case: &Case<'_>) -> Result<Outputs, String> {
    server_srp(case, true)
}

type Check = fn(&Case<'_>) -> Result<Outputs, String>;

/// The check for a file, by the longest matching prefix.
fn check_for(file: &str) -> Option<Check> {
    let table: [(&str, Check); 7] = [
        ("server_user_srp", server_user_srp),
        ("server_device_srp", server_device_srp),
        ("user_srp", user_srp),
        ("device_srp", device_srp),
        ("device_verifier", device_verifier),
        ("secret_hash", secret_hash_case),
        ("invalid", invalid),
    ];
    table
        .into_iter()
        .find(|(prefix, _)| file.starts_with(prefix))
        .map(|(_, check)| check)
}

/// Fields of `expected` that `actual` gets wrong, or that the check never computed.
fn compare(case: &serde_json::Map<String, Value>, actual: &Outputs) -> Vec<String> {
    let mut mismatches = Vec::new();
    for (field, value) in actual {
        match case.get(field).and_then(Value::as_str) {
            Some(expected) if expected == value => {}
            Some(expected) => {
                mismatches.push(format!("{field}: expected {expected}, computed {value}"))
            }
            None => mismatches.push(format!("{field}: computed but the case does not give it")),
        }
    }
    mismatches
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

fn main() -> ExitCode {
    let dir = std::env::var_os("VECTORS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());

    let mut failures = 0usize;
    let mut mutations = 0usize;
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some(check) = check_for(&name) else {
            println!("vectors/{name}: FAILED: no check for this file's prefix");
            failures += 1;
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cases = json["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no cases"));
        let mut passed = 0usize;
        for case in cases {
            let case = case
                .as_object()
                .unwrap_or_else(|| panic!("{name}: a case is not an object"));
            let id = Case(case).id();
            let problems = match check(&Case(case)) {
                Err(e) => vec![e],
                Ok(actual) if actual.is_empty() => vec!["the check compared nothing".into()],
                Ok(actual) => {
                    // Every expected value, altered, must be caught by `compare`.
                    for field in actual.keys() {
                        let mut altered = case.clone();
                        let original = case.get(field).and_then(Value::as_str).unwrap_or_default();
                        altered.insert(field.clone(), Value::String(mutate(original)));
                        mutations += 1;
                        let caught = compare(&altered, &actual);
                        assert!(
                            caught.iter().any(|c| c.starts_with(&format!("{field}:"))),
                            "{name} {id}: altering {field} was not caught: {caught:?}"
                        );
                    }
                    compare(case, &actual)
                }
            };
            if problems.is_empty() {
                passed += 1;
            } else {
                failures += 1;
                for p in problems {
                    println!("vectors/{name}: {id}: {p}");
                }
            }
        }
        if passed == cases.len() {
            println!("vectors/{name}: {passed} cases passed");
        } else {
            println!("vectors/{name}: {passed} of {} cases passed", cases.len());
        }
    }
    println!("mutation check: {mutations} altered expected values, every one caught");
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        println!("{failures} failures");
        ExitCode::FAILURE
    }
}
