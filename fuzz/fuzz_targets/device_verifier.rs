//! Device verifiers equal the reference model, and a server reads them back;
//! arbitrary `DeviceSecretVerifierConfig` strings never panic.
#![no_main]

use cognito_srp::{DeviceCredentials, DevicePassword, StoredVerifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // device group key, device key, device password, 16 salt bytes (hex), then two raw config strings.
    let f = reference::fields(data, 6);
    let _ = StoredVerifier::from_device_secret_verifier_config(&f[4], &f[5]);
    let mut salt = [0u8; 16];
    for (i, byte) in f[3].bytes().take(16).enumerate() {
        salt[i] = byte;
    }
    let Ok(device) = DeviceCredentials::new(
        f[0].as_str(),
        f[1].as_str(),
        DevicePassword::new(f[2].as_str()),
    ) else {
        assert!(f[0].is_empty() || f[1].is_empty() || f[2].is_empty());
        return;
    };
    let config = device.verifier_config(&salt);
    let (verifier, salt_b64) = reference::device_verifier(&f[0], &f[1], &f[2], &salt);
    assert_eq!(config.password_verifier(), verifier);
    assert_eq!(config.salt(), salt_b64);
    // A server reads it back (the verifier g^x is never 0 or >= N).
    let stored =
        StoredVerifier::from_device_config(&config).expect("a device's own config must parse");
    assert_eq!(
        StoredVerifier::from_encoded(&stored.to_encoded()).unwrap(),
        stored
    );
});
