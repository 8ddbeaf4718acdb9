//! The real `cognito-srp-local` binary with `--data-dir`, killed with
//! SIGKILL: with users being made concurrently, every user whose creation
//! was answered is there after a restart and signs in, and no user is half
//! there; a restart serves the same JWKS and refreshes an earlier refresh
//! token.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cognito_srp_local::client::CognitoHttp;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_CrashPool1";
const CLIENT: &str = "crashclient";
const ACCESS_KEY: &str = "AKIAMOCKCOGNITO000001";
const SECRET_KEY: &str = "mock/secret/key/0000000000000000000001";
const PASSWORD: &str = "Correct-Horse-1";

struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// The binary on `data_dir`, seeded with `seed` (a file).
    fn start(data_dir: &Path, seed: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-srp-local"))
            .args(["--port", "0", "--threads", "8", "--data-dir"])
            .arg(data_dir)
            .arg("--seed")
            .arg(seed)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned()
            + "/";
        Server { child, url }
    }

    fn http(&self) -> CognitoHttp {
        http(&self.url)
    }

    /// SIGKILL: no chance to flush or close anything.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http(url: &str) -> CognitoHttp {
    CognitoHttp::new(url, POOL, CLIENT, None)
        .unwrap()
        .with_credentials(ACCESS_KEY, SECRET_KEY)
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "cognito-srp-local-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A work dir with the seed file; the data dir is `<it>/data`.
fn setup(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = temp_dir(name);
    let seed = root.join("seed.json");
    std::fs::write(
        &seed,
        json!({
            "credentials": [{ "access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY }],
            "pools": [{ "id": POOL, "clients": [{ "id": CLIENT }],
                        "users": [{ "username": "alice", "password": PASSWORD }] }]
        })
        .to_string(),
    )
    .unwrap();
    (root.clone(), root.join("data"), seed)
}

/// The users among `names` that the pool holds, as `AdminGetUser` gives them.
fn users_among(http: &CognitoHttp, names: &BTreeSet<String>) -> BTreeMap<String, Value> {
    let mut users = BTreeMap::new();
    for name in names {
        match http.call(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": name }),
        ) {
            Ok(user) => {
                users.insert(name.clone(), user);
            }
            Err(e) => assert!(e.starts_with("UserNotFoundException"), "{name}: {e}"),
        }
    }
    users
}

fn attribute(user: &Value, name: &str) -> Option<String> {
    user["UserAttributes"]
        .as_array()?
        .iter()
        .find(|a| a["Name"] == name)
        .and_then(|a| a["Value"].as_str())
        .map(str::to_owned)
}

#[test]
fn users_answered_before_a_sigkill_are_all_there_and_none_is_half_there() {
    let (root, data, seed) = setup("crash");
    let server = Server::start(&data, &seed);
    let answered = Mutex::new(BTreeSet::new());
    let attempted = Mutex::new(BTreeSet::new());
    let stop = AtomicBool::new(false);
    let url = server.url.clone();
    std::thread::scope(|scope| {
        for worker in 0..12 {
            let (answered, attempted, stop, url) = (&answered, &attempted, &stop, &url);
            scope.spawn(move || {
                let http = http(url);
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    // Half the workers sign up, half create users as an admin.
                    let (name, result) = if worker % 2 == 0 {
                        let name = format!("signup-{worker}-{n}");
                        attempted.lock().unwrap().insert(name.clone());
                        let body = json!({ "ClientId": CLIENT, "Username": name,
                                           "Password": PASSWORD });
                        (name, http.call("SignUp", &body))
                    } else {
                        let name = format!("admin-{worker}-{n}");
                        attempted.lock().unwrap().insert(name.clone());
                        let body = json!({ "UserPoolId": POOL, "Username": name,
                                           "TemporaryPassword": PASSWORD,
                                           "UserAttributes": [{ "Name": "email",
                                               "Value": format!("{name}@example.com") }] });
                        (name, http.call("AdminCreateUser", &body))
                    };
                    match result {
                        Ok(_) => {
                            answered.lock().unwrap().insert(name);
                        }
                        // The kill: the connection is gone.
                        Err(_) => return,
                    }
                }
            });
        }
        // Kill in mid-flight, once a good number of users were answered.
        let started = Instant::now();
        while answered.lock().unwrap().len() < 120 && started.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(5));
        }
        stop.store(true, Ordering::Relaxed);
        server.kill_9();
    });
    let answered = answered.into_inner().unwrap();
    let attempted = attempted.into_inner().unwrap();
    assert!(answered.len() >= 120, "only {} answered", answered.len());

    let server = Server::start(&data, &seed);
    let http = server.http();
    let users = users_among(&http, &attempted);
    for name in &answered {
        assert!(users.contains_key(name), "{name} was answered and is gone");
    }
    for (name, user) in &users {
        // Whole: the attributes and the status that came with its creation.
        let expected = if name.starts_with("signup-") {
            "UNCONFIRMED"
        } else {
            assert_eq!(
                attribute(user, "email").as_deref(),
                Some(format!("{name}@example.com").as_str()),
                "{name} is half there: {user}"
            );
            "FORCE_CHANGE_PASSWORD"
        };
        assert_eq!(user["UserStatus"], expected, "{name}: {user}");
    }
    // Every user that is there signs in with its password: a sign-up once
    // confirmed, an admin-made user up to the new password it must choose.
    for name in users.keys() {
        if name.starts_with("signup-") {
            http.call(
                "AdminConfirmSignUp",
                &json!({ "UserPoolId": POOL, "Username": name }),
            )
            .unwrap();
            let signed = http.sign_in(name, PASSWORD, None).unwrap();
            assert!(signed.result["IdToken"].is_string());
        } else {
            let refused = http.sign_in(name, PASSWORD, None).unwrap_err();
            assert!(
                refused.contains("NEW_PASSWORD_REQUIRED"),
                "{name}: {refused}"
            );
        }
    }
    println!(
        "{} answered, {} attempted, {} there after the SIGKILL",
        answered.len(),
        attempted.len(),
        users.len()
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_restart_serves_the_same_jwks_and_refreshes_an_earlier_refresh_token() {
    let (root, data, seed) = setup("restart");
    let jwks_path = format!("{POOL}/.well-known/jwks.json");
    let get = |server: &Server| -> Value {
        let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
        agent
            .get(&format!("{}{jwks_path}", server.url))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    };
    let server = Server::start(&data, &seed);
    let jwks = get(&server);
    let signed = server.http().sign_in("alice", PASSWORD, None).unwrap();
    let refresh = signed.result["RefreshToken"].clone();
    server.kill_9();

    let server = Server::start(&data, &seed);
    assert_eq!(get(&server), jwks, "the same signing keys");
    let refreshed = server
        .http()
        .call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": CLIENT, "RefreshToken": refresh }),
        )
        .unwrap();
    let id_token = refreshed["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap();
    // Signed with a key of the JWKS from before the restart.
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            id_token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == header["kid"])
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&root);
}
