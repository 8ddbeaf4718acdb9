//! Whole protocol steps, client and server.

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use cognito_srp::hazmat::{DeviceSrpSignInExt, ServerSessionExt, SrpServerExt, UserSrpSignInExt};
use cognito_srp::{
    AppClient, ClientSecret, DeviceCredentials, DevicePassword, DevicePasswordVerifierChallenge,
    DeviceSrpClient, Password, PasswordVerifierChallenge, PoolId, SecretBlock, SrpServer,
    StoredVerifier, Timestamp, UserSrpClient,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn sign_in(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign_in");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let pool = PoolId::parse("us-east-1_BenchPool1").unwrap();
    let password = Password::new("correct horse battery staple");
    let user = "c7a3e4b2-5d1f-4a2e-9b8c-0d6e2f1a3b4c";
    let stored = StoredVerifier::register_user(&pool, user, &password).unwrap();
    let client = UserSrpClient::new(pool.clone());
    let server = SrpServer::new();
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
    let timestamp = Timestamp::from_datetime(now).unwrap();

    // What every public entry point that touches a secret adds: one wipe of
    // this many bytes of stack (src/stack.rs).
    group.bench_function("stack_wipe", |b| {
        b.iter(zeroize::zeroize_stack::<{ cognito_srp::hazmat::STACK_WIPE_BYTES }>)
    });

    group.bench_function("client/srp_a", |b| {
        b.iter(|| client.start(black_box(user)).unwrap())
    });

    // A real server's challenge for each fresh sign-in.
    let challenge_for = |srp_a: &str| {
        let session = server.start_user(&pool, user, &stored, srp_a).unwrap();
        let challenge =
            PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
                .unwrap();
        (session, challenge)
    };
    group.bench_function("client/password_verifier_response", |b| {
        b.iter_batched(
            || {
                let started = client.start(user).unwrap();
                let (_, challenge) = challenge_for(started.srp_a());
                (started, challenge)
            },
            |(started, challenge)| {
                started
                    .respond_at(&challenge, &password, &timestamp)
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("client/sign_in", |b| {
        b.iter_batched(
            || {
                let started = client.start(user).unwrap();
                let (_, challenge) = challenge_for(started.srp_a());
                (started.srp_a().to_owned(), challenge)
            },
            // SRP_A from a fresh a, then the response: the client's whole math.
            |(_, challenge)| {
                let started = client.start(user).unwrap();
                started.respond_at(&challenge, &password, &timestamp)
            },
            BatchSize::SmallInput,
        )
    });

    let device = DeviceCredentials::new(
        "-Xy7KqP2w",
        "us-east-1_5f1d2c3b-4a5e",
        DevicePassword::new("dbDdmTqOAKmfJfpwXilW5zUPk9EzE4Ov0VauZ8zXFgTrD9HqqYI5Fw=="),
    )
    .unwrap();
    group.bench_function("client/device_verifier", |b| {
        b.iter(|| device.verifier_config(black_box(&[7u8; 16])))
    });
    let config = device.verifier_config(&[7u8; 16]);
    let device_stored = StoredVerifier::from_device_config(&config).unwrap();
    let device_client = DeviceSrpClient::new(device.clone());
    group.bench_function("client/device_password_verifier_response", |b| {
        b.iter_batched(
            || {
                let started = device_client.start(user).unwrap();
                let session = server
                    .start_device(
                        device.device_group_key(),
                        device.device_key(),
                        user,
                        &device_stored,
                        started.srp_a(),
                    )
                    .unwrap();
                let challenge = DevicePasswordVerifierChallenge::from_challenge_parameters(
                    &session.challenge_parameters(),
                )
                .unwrap();
                (started, challenge)
            },
            |(started, challenge)| started.respond_at(&challenge, &timestamp).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let app = AppClient::with_secret(
        "3n4b5urk1ft4fl3mg5e62d9ado",
        ClientSecret::new("app-client-secret"),
    )
    .unwrap();
    group.bench_function("client/secret_hash", |b| {
        b.iter(|| app.secret_hash(black_box(user)))
    });

    // The server's side.
    let srp_a = client.start(user).unwrap().srp_a().to_owned();
    group.bench_function("server/srp_b", |b| {
        b.iter(|| {
            server
                .start_user(&pool, user, &stored, black_box(&srp_a))
                .unwrap()
        })
    });
    group.bench_function("server/verify", |b| {
        b.iter_batched(
            || {
                let started = client.start(user).unwrap();
                let session = server
                    .start_user_with(
                        &pool,
                        user,
                        &stored,
                        started.srp_a(),
                        &[9u8; 32],
                        SecretBlock::from_bytes(vec![1; 64]),
                    )
                    .unwrap();
                let challenge = PasswordVerifierChallenge::from_challenge_parameters(
                    &session.challenge_parameters(),
                )
                .unwrap();
                let claim = started
                    .respond_at(&challenge, &password, &timestamp)
                    .unwrap();
                (session, claim.into_challenge_responses())
            },
            |(session, responses)| session.verify_at(&responses, now).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, sign_in);
criterion_main!(benches);
