//! Arbitrary ChallengeParameters maps, challenge strings and pool ids through
//! parsing and the full response: only `Ok` or a typed error, never a panic.
#![no_main]

use std::collections::HashMap;

use cognito_srp::hazmat::{DeviceSrpClientExt, DeviceSrpSignInExt, UserSrpClientExt, UserSrpSignInExt};
use cognito_srp::{
    DeviceCredentials, DevicePassword, DevicePasswordVerifierChallenge, DeviceSrpClient, Password,
    PasswordVerifierChallenge, PoolId, Timestamp, UserSrpClient,
};
use libfuzzer_sys::fuzz_target;

const KEYS: [&str; 6] = [
    "SRP_B",
    "SALT",
    "SECRET_BLOCK",
    "USER_ID_FOR_SRP",
    "USERNAME",
    "DEVICE_KEY",
];

fuzz_target!(|data: &[u8]| {
    // pool id, a (raw bytes), timestamp, then one value per key (some may be absent).
    let f = reference::fields(data, 3);
    let mut map = HashMap::new();
    for (key, value) in KEYS.iter().zip(f.iter().skip(3)) {
        if value != "\u{0}" {
            map.insert((*key).to_owned(), value.clone());
        }
    }
    let a = f[1].as_bytes();
    let timestamp = Timestamp::parse(&f[2]);
    if let Ok(pool) = PoolId::parse(&f[0]) {
        assert_eq!(pool.as_str(), f[0]);
        if let (Ok(login), Ok(challenge), Ok(ts)) = (
            UserSrpClient::new(pool).start_with_private_ephemeral("user", a),
            PasswordVerifierChallenge::from_challenge_parameters(&map),
            timestamp.clone(),
        ) {
            let claim = login.respond_at(&challenge, &Password::new("password"), &ts);
            if let Ok(claim) = claim {
                assert_eq!(
                    claim.challenge_responses()["USERNAME"],
                    challenge.user_id_for_srp()
                );
                assert_eq!(
                    claim.challenge_responses()["PASSWORD_CLAIM_SECRET_BLOCK"],
                    map["SECRET_BLOCK"]
                );
            }
        }
    }
    if let (Ok(device), Ok(challenge), Ok(ts)) = (
        DeviceCredentials::new("-AbCdEf12", "us-east-1_device", DevicePassword::new("pw")),
        DevicePasswordVerifierChallenge::from_challenge_parameters(&map),
        timestamp,
    ) {
        if let Ok(login) = DeviceSrpClient::new(device).start_with_private_ephemeral("user", a) {
            let _ = login.respond_at(&challenge, &ts);
        }
    }
});
