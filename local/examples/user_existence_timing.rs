//! Measures, in process, how long the endpoint takes to answer `InitiateAuth`
//! for a known and for an unknown user under `PreventUserExistenceErrors =
//! ENABLED` (the unknown user gets a decoy challenge), interleaved so that
//! load affects both alike, and prints the medians.
//!
//! `cargo run --release -p cognito-srp-local --example user_existence_timing [ROUNDS]`
//!
//! A measurement, not a pass/fail check: timings on a shared machine are too
//! noisy for a robust threshold. LOCAL-ENDPOINT.md records its figures.

use std::time::{Duration, Instant};

use cognito_srp::{PoolId, UserSrpClient};
use serde_json::json;

const POOL: &str = "us-east-1_Plain1";
const CLIENT: &str = "enabled";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The endpoint's own work for one `InitiateAuth` (the client's `SRP_A` is made beforehand).
fn initiate(endpoint: &cognito_srp_local::Endpoint, username: &str) -> Duration {
    let login = UserSrpClient::new(PoolId::parse(POOL).expect("pool id"))
        .start(username)
        .expect("SRP_A");
    let body = json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                       "AuthParameters": login.auth_parameters() });
    let started = Instant::now();
    endpoint
        .handle("InitiateAuth", &body)
        .expect("a challenge, real or decoy");
    started.elapsed()
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("ROUNDS is a number"))
        .unwrap_or(400);
    let seed = json!({ "pools": [
        { "id": POOL,
          "clients": [{ "id": CLIENT, "prevent_user_existence_errors": "ENABLED" }],
          "users": [{ "username": "alice", "password": "Correct-Horse-1" }] }] });
    let endpoint = cognito_srp_local::seed_from_json(&seed).expect("seed");
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    // The first 20 rounds warm up caches and are not counted.
    for i in 0..rounds + 20 {
        let k = initiate(&endpoint, "alice");
        let u = initiate(&endpoint, &format!("nobody{i}"));
        if i >= 20 {
            known.push(k);
            unknown.push(u);
        }
    }
    println!(
        "InitiateAuth medians over {rounds} each (ENABLED): known {:?}, unknown {:?}",
        median(known),
        median(unknown)
    );
}
