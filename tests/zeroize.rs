//! Every type that holds a secret declares that it wipes itself on drop
//! (`ZeroizeOnDrop`), clears it on `zeroize()`, and never prints it through
//! `Debug`. That the wiping leaves no copy behind is checked on the stack by
//! `tests/stack.rs`; here, `zeroize()` is checked on the values themselves.

use chrono::{TimeZone, Utc};
use cognito_srp::hazmat::{HkdfKey, SecretElement, SecretExponent, srp};
use cognito_srp::hazmat::{SrpServerExt, UserSrpClientExt, UserSrpSignInExt};
use cognito_srp::{
    ClientSecret, DeviceCredentials, DevicePassword, DeviceSecretVerifierConfig, DeviceSrpClient,
    DeviceSrpSignIn, Password, PasswordVerifierChallenge, PoolId, ServerSession, SrpServer,
    StoredVerifier, Timestamp, UserSrpClient, UserSrpSignIn,
};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Compiles only for types that implement the `ZeroizeOnDrop` marker.
fn wiped_on_drop<T: ZeroizeOnDrop>() {}

/// A compile-time check: each type declares `ZeroizeOnDrop`. It does not
/// observe the memory after a drop; the tests below check `zeroize()`.
#[test]
fn every_secret_type_implements_zeroize_on_drop() {
    wiped_on_drop::<Password>();
    wiped_on_drop::<DevicePassword>();
    wiped_on_drop::<ClientSecret>();
    wiped_on_drop::<SecretExponent<4>>();
    wiped_on_drop::<SecretExponent<16>>();
    wiped_on_drop::<SecretExponent<17>>();
    wiped_on_drop::<SecretElement>();
    wiped_on_drop::<HkdfKey>();
    wiped_on_drop::<StoredVerifier>();
    wiped_on_drop::<UserSrpSignIn>();
    wiped_on_drop::<DeviceSrpSignIn>();
    wiped_on_drop::<ServerSession>();
    wiped_on_drop::<DeviceSecretVerifierConfig>();
}

const SECRET: &str = "hunter2-Tr0ub4dor&3";

#[test]
fn passwords_and_client_secrets_print_redacted_and_zeroize_clears_them() {
    let mut password = Password::new(SECRET);
    let mut device_password = DevicePassword::new(SECRET);
    let mut client_secret = ClientSecret::new(SECRET);
    for debug in [
        format!("{password:?}"),
        format!("{device_password:?}"),
        format!("{client_secret:?}"),
    ] {
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
    password.zeroize();
    device_password.zeroize();
    client_secret.zeroize();
    assert_eq!(password.expose_secret(), "");
    assert_eq!(device_password.expose_secret(), "");
    assert_eq!(client_secret.expose_secret(), "");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn derived_secrets_print_redacted_and_zeroize_clears_them() {
    let a_bytes = [0x5au8; 128];
    let mut a = srp::private_ephemeral(&a_bytes).unwrap();
    let salt = cognito_srp::Salt::from_be_bytes(&[1, 2, 3]).unwrap();
    let mut x = srp::compute_x(&salt, "pool", "user", SECRET.as_bytes());
    let mut verifier = srp::compute_verifier(&x);
    let u = [7u8; 32];
    let srp_b = srp::public_ephemeral(&srp::private_ephemeral(&[3u8; 32]).unwrap());
    let mut s = srp::client_premaster_secret(&a, &srp_b, &x, &u);
    let mut key = srp::derive_key(&u, &s);

    for (debug, secret) in [
        (format!("{a:?}"), hex(&a.to_be_bytes())),
        (format!("{x:?}"), hex(&x.to_be_bytes())),
        (format!("{verifier:?}"), hex(&verifier.pad())),
        (format!("{s:?}"), hex(&s.pad())),
        (format!("{key:?}"), hex(key.expose_secret())),
    ] {
        assert!(debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains(&secret[..16]), "{debug}");
    }

    a.zeroize();
    x.zeroize();
    verifier.zeroize();
    s.zeroize();
    key.zeroize();
    assert!(a.to_be_bytes().iter().all(|&b| b == 0));
    assert!(x.to_be_bytes().iter().all(|&b| b == 0));
    assert_eq!(&verifier.pad()[..], [0]);
    assert_eq!(&s.pad()[..], [0]);
    assert_eq!(key.expose_secret(), &[0u8; 16]);
}

#[test]
fn flows_print_no_secret() {
    let pool = PoolId::parse("us-east-1_Zeroize1").unwrap();
    let stored = StoredVerifier::register_user(&pool, "alice", &Password::new(SECRET)).unwrap();
    let encoded = stored.to_encoded();
    let verifier_hex = encoded.rsplit('$').next().unwrap().to_owned();
    assert!(!format!("{stored:?}").contains(&verifier_hex[..16]));

    let a_bytes = [0xa5u8; 128];
    let login = UserSrpClient::new(pool.clone())
        .start_with_private_ephemeral("alice", &a_bytes)
        .unwrap();
    assert!(!format!("{login:?}").contains(&hex(&a_bytes[..8])));

    let b_bytes = [0x3cu8; 32];
    let session = SrpServer::new()
        .start_user_with(
            &pool,
            "alice",
            &stored,
            login.srp_a(),
            &b_bytes,
            cognito_srp::SecretBlock::from_bytes(vec![1; 8]),
        )
        .unwrap();
    let debug = format!("{session:?}");
    assert!(!debug.contains(&hex(&b_bytes[..8])), "{debug}");
    assert!(!debug.contains(&verifier_hex[..16]), "{debug}");

    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&session.challenge_parameters())
            .unwrap();
    let at = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap();
    let claim = login
        .respond_at(
            &challenge,
            &Password::new(SECRET),
            &Timestamp::from_datetime(at).unwrap(),
        )
        .unwrap();
    assert!(!format!("{claim:?}").contains("hunter2"));

    let (device, config) = DeviceCredentials::generate("-AbCdEf12", "us-east-1_device").unwrap();
    let config_debug = format!("{config:?}");
    assert!(
        !config_debug.contains(config.password_verifier()),
        "{config_debug}"
    );
    assert!(config_debug.contains(config.salt()), "{config_debug}");
    let device_password = device.device_password().expose_secret().to_owned();
    assert!(!format!("{device:?}").contains(&device_password));
    let device_login = DeviceSrpClient::new(device).start("alice").unwrap();
    assert!(!format!("{device_login:?}").contains(&device_password));
}
