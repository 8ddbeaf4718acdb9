//! `SECRET_HASH` equals an independent HMAC; app clients validate their input.
#![no_main]

use cognito_srp::{AppClient, ClientSecret, secret_hash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let f = reference::fields(data, 3);
    let (username, client_id, secret) = (&f[0], &f[1], &f[2]);
    let expected = reference::secret_hash(username, client_id, secret);
    assert_eq!(
        secret_hash(username, client_id, &ClientSecret::new(secret.as_str())),
        expected
    );
    match AppClient::with_secret(client_id.as_str(), ClientSecret::new(secret.as_str())) {
        Ok(app) => assert_eq!(
            app.secret_hash(username).as_deref(),
            Some(expected.as_str())
        ),
        Err(_) => assert!(client_id.is_empty() || secret.is_empty()),
    }
});
