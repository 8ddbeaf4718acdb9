//! The crate against the reference model: where the crate answers, the
//! answer is the model's; where either rejects, both reject.
#![no_main]

use cognito_srp::hazmat::{UserSrpClientExt, UserSrpSignInExt};
use cognito_srp::{Password, PasswordVerifierChallenge, PoolId, Timestamp, UserSrpClient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // a (hex), SRP_B, SALT, SECRET_BLOCK, pool id, USER_ID_FOR_SRP, password, TIMESTAMP
    let f = reference::fields(data, 8);
    let a = match reference::parse_hex(&f[0], false) {
        Some(a) => {
            let bytes = a.magnitude().to_bytes_be();
            // Keep the written length (leading zeros included), as a caller would give bytes.
            let len = f[0].len().div_ceil(2);
            if len < bytes.len() || len > 200 {
                return;
            }
            let mut padded = vec![0u8; len - bytes.len()];
            padded.extend_from_slice(&bytes);
            if a.magnitude() == &num_bigint::BigUint::ZERO {
                padded = vec![0u8; len];
            }
            padded
        }
        None => return,
    };
    let model = reference::pool_name(&f[4]).and_then(|pool_name| {
        reference::password_claim_signature(&a, &f[1], &f[2], &f[3], pool_name, &f[5], &f[6], &f[7])
    });
    let crate_answer = (|| {
        let pool = PoolId::parse(&f[4]).ok()?;
        let login = UserSrpClient::new(pool)
            .start_with_private_ephemeral("user", &a)
            .ok()?;
        let srp_a = login.srp_a().to_owned();
        let challenge = PasswordVerifierChallenge::new(&f[1], &f[2], &f[3], &f[5]).ok()?;
        let timestamp = Timestamp::parse(&f[7]).ok()?;
        let claim = login
            .respond_at(&challenge, &Password::new(f[6].as_str()), &timestamp)
            .ok()?;
        Some((claim.password_claim_signature().to_owned(), srp_a))
    })();
    assert_eq!(crate_answer, model, "fields: {f:?}");
});
