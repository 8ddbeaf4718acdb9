//! A whole sign-in between the crate's client and the crate's server, in one
//! process: USER_SRP_AUTH with SECRET_HASH, then ConfirmDevice, then a second
//! sign-in that goes through DEVICE_SRP_AUTH. Every message is printed as the
//! wire would carry it (long values shortened), with the time each side's
//! math took.
//!
//! Run: `cargo run --release --example demo`

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cognito_srp::{
    AppClient, ClientSecret, DeviceCredentials, DevicePasswordVerifierChallenge, DeviceSrpClient,
    Password, PasswordVerifierChallenge, PoolId, SrpServer, StoredVerifier, UserSrpClient,
};
use serde_json::{Value, json};

/// Shortens long strings so a 768-digit SRP_A fits on a line.
fn shorten(value: &Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(24).collect();
            Value::String(format!("{head}…({} chars)", s.chars().count()))
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shorten(v))).collect())
        }
        other => other.clone(),
    }
}

fn send(from: &str, to: &str, operation: &str, body: Value) {
    let body = shorten(&body);
    let text = serde_json::to_string_pretty(&body).unwrap_or_default();
    println!("\n{from} -> {to}: {operation}\n{text}");
}

fn timed<T>(side: &str, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("  [{side} math: {what}: {:.2} ms]", ms(start.elapsed()));
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn sorted(map: &HashMap<String, String>) -> Value {
    let mut keys: Vec<_> = map.keys().collect();
    keys.sort();
    Value::Object(
        keys.into_iter()
            .map(|k| (k.clone(), Value::String(map[k].clone())))
            .collect(),
    )
}

fn main() -> Result<(), cognito_srp::Error> {
    let pool = PoolId::parse("us-east-1_DemoPool1")?;
    let client_id = "3n4b5urk1ft4fl3mg5e62d9ado";
    let app = AppClient::with_secret(
        client_id,
        ClientSecret::new("demo-client-secret-1x1uhwq29i228lsml7wqx"),
    )?;
    // A pool whose users sign in with their email: the email is what the user
    // types, and the real username is a UUID, which Cognito sends back as both
    // USERNAME and USER_ID_FOR_SRP.
    let (username, user_id_for_srp) = ("alice@example.com", "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c");
    let password = Password::new("correct horse battery staple");
    let server = SrpServer::new();

    println!("== Registration (server side, what SignUp stores)");
    // The first exponentiation also builds the process's table of powers of g.
    let stored = timed(
        "server",
        "salt and verifier v = g^x (and the table of g, once)",
        || StoredVerifier::register_user(&pool, user_id_for_srp, &password),
    )?;
    println!(
        "  stored: {}",
        shorten(&Value::String(stored.to_encoded().to_string()))
    );

    println!("\n== Sign-in 1: USER_SRP_AUTH with SECRET_HASH");
    let client = UserSrpClient::new(pool.clone()).with_app_client(app.clone());
    let login = timed("client", "a and SRP_A = g^a", || client.start(username))?;
    send(
        "client",
        "Cognito",
        "InitiateAuth",
        json!({
            "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": sorted(&login.auth_parameters()),
        }),
    );
    let session = timed("server", "b and SRP_B = k*v + g^b", || {
        server.start_user(&pool, user_id_for_srp, &stored, login.srp_a())
    })?;
    send(
        "Cognito",
        "client",
        "InitiateAuth response",
        json!({
            "ChallengeName": session.challenge_name(), "ChallengeParameters": sorted(&session.challenge_parameters()),
        }),
    );
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())?;
    let claim = timed("client", "u, x, S, HKDF key, signature", || {
        login.respond(&challenge, &password)
    })?;
    send(
        "client",
        "Cognito",
        "RespondToAuthChallenge",
        json!({
            "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
            "ChallengeResponses": sorted(claim.challenge_responses()),
        }),
    );
    timed(
        "server",
        "u, S = (A*v^u)^b, key, constant-time compare",
        || session.verify(claim.challenge_responses()),
    )?;
    let (device_key, device_group_key) = (
        "us-east-1_5f1d2c3b-4a5e-4f6a-8b7c-9d0e1f2a3b4c",
        "-Xy7KqP2w",
    );
    send(
        "Cognito",
        "client",
        "RespondToAuthChallenge response",
        json!({
            "AuthenticationResult": { "AccessToken": "<jwt>", "IdToken": "<jwt>", "RefreshToken": "<opaque>",
                "NewDeviceMetadata": { "DeviceKey": device_key, "DeviceGroupKey": device_group_key } },
        }),
    );

    println!("\n== ConfirmDevice");
    let (device, config) = timed("client", "device password, salt, verifier g^x", || {
        DeviceCredentials::generate(device_group_key, device_key)
    })?;
    send(
        "client",
        "Cognito",
        "ConfirmDevice",
        json!({
            "AccessToken": "<jwt>", "DeviceKey": device_key, "DeviceName": "demo",
            "DeviceSecretVerifierConfig": sorted(&config.to_map()),
        }),
    );
    let device_verifier = timed("server", "validate and store the device verifier", || {
        StoredVerifier::from_device_config(&config)
    })?;

    println!("\n== Sign-in 2: USER_SRP_AUTH with DEVICE_KEY, then DEVICE_SRP_AUTH");
    let client = client.with_device_key(device_key);
    let login = timed("client", "a and SRP_A", || client.start(username))?;
    send(
        "client",
        "Cognito",
        "InitiateAuth",
        json!({
            "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": sorted(&login.auth_parameters()),
        }),
    );
    let session = timed("server", "b and SRP_B", || {
        server.start_user(&pool, user_id_for_srp, &stored, login.srp_a())
    })?;
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())?;
    let claim = timed("client", "PASSWORD_VERIFIER response", || {
        login.respond(&challenge, &password)
    })?;
    send(
        "client",
        "Cognito",
        "RespondToAuthChallenge",
        json!({
            "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": sorted(claim.challenge_responses()),
        }),
    );
    timed("server", "verify the password claim", || {
        session.verify(claim.challenge_responses())
    })?;
    send(
        "Cognito",
        "client",
        "RespondToAuthChallenge response",
        json!({ "ChallengeName": "DEVICE_SRP_AUTH" }),
    );

    let device_client = DeviceSrpClient::new(device).with_app_client(app);
    let device_login = timed("client", "a and SRP_A for the device", || {
        device_client.start(user_id_for_srp)
    })?;
    send(
        "client",
        "Cognito",
        "RespondToAuthChallenge",
        json!({
            "ChallengeName": "DEVICE_SRP_AUTH", "ChallengeResponses": sorted(&device_login.challenge_responses()),
        }),
    );
    let device_session = timed("server", "b and SRP_B for the device", || {
        server.start_device(
            device_group_key,
            device_key,
            user_id_for_srp,
            &device_verifier,
            device_login.srp_a(),
        )
    })?;
    send(
        "Cognito",
        "client",
        "RespondToAuthChallenge response",
        json!({
            "ChallengeName": device_session.challenge_name(),
            "ChallengeParameters": sorted(&device_session.challenge_parameters()),
        }),
    );
    let challenge = DevicePasswordVerifierChallenge::from_challenge_parameters(
        &device_session.challenge_parameters(),
    )?;
    let claim = timed("client", "DEVICE_PASSWORD_VERIFIER response", || {
        device_login.respond(&challenge)
    })?;
    send(
        "client",
        "Cognito",
        "RespondToAuthChallenge",
        json!({
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeResponses": sorted(claim.challenge_responses()),
        }),
    );
    timed("server", "verify the device claim", || {
        device_session.verify(claim.challenge_responses())
    })?;
    send(
        "Cognito",
        "client",
        "RespondToAuthChallenge response",
        json!({
            "AuthenticationResult": { "AccessToken": "<jwt>", "IdToken": "<jwt>", "RefreshToken": "<opaque>" },
        }),
    );
    println!("\nBoth sign-ins verified.");
    Ok(())
}
