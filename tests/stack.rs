//! No secret is left on the dead stack after a public call.
//!
//! For every public entry point that takes or makes a secret: zero a region
//! of stack below the current frame, make the call, read the region back, and
//! look in it for every 8-byte window of every secret the call handled, in
//! both byte orders (big-endian as hashed, little-endian as limbs sit in
//! memory). The entry points wipe the stack they used before returning
//! (src/stack.rs); a copy that survives fails the test.
//!
//! The scanner is checked first: a function that leaves a copy of a secret in
//! its frame must be caught.
//!
//! The group's backend is fixed at first use, so each backend of
//! `Backend::available()` runs in a child process of this test, chosen with
//! `COGNITO_SRP_BACKEND`.
//!
//! Not searched: secrets in Montgomery form or other encodings than bytes and
//! 64-bit limbs, SHA-256 midstates, and values in registers.
#![cfg(all(any(target_arch = "x86_64", target_arch = "aarch64"), unix))]

use std::collections::{BTreeMap, HashMap};

use chrono::{TimeZone, Utc};
use cognito_srp::hazmat::arith::Backend;
use cognito_srp::hazmat::group::{self, N_HEX};
use cognito_srp::hazmat::srp;
use cognito_srp::hazmat::wire::parse_hex_u3072;
use cognito_srp::hazmat::{
    DeviceSrpClientExt, DeviceSrpSignInExt, ServerSessionExt, SrpServerExt, UserSrpClientExt,
    UserSrpSignInExt,
};
use cognito_srp::{
    AppClient, ClientSecret, DeviceCredentials, DevicePassword, DevicePasswordVerifierChallenge,
    DeviceSrpClient, Field, Password, PasswordVerifierChallenge, PoolId, Salt, SecretBlock,
    SrpServer, StoredVerifier, Timestamp, UserSrpClient, secret_hash,
};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

/// Bytes of dead stack zeroed and scanned below the probe's frame: four times
/// the library's wipe, so that a copy below the wipe is seen too.
const SCAN_BYTES: usize = 256 * 1024;
/// The stack of the thread that runs the probes.
const THREAD_STACK: usize = 8 * 1024 * 1024;

/// The stack pointer of the calling function's frame.
#[inline(always)]
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads a register; touches no memory.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags));
    }
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags));
    }
    sp
}

/// Zeroes `SCAN_BYTES` of stack below this frame, runs `call` (whose frames
/// lie there), and returns a copy of that region as `call` left it.
#[inline(never)]
fn dead_stack_after(call: &mut dyn FnMut()) -> Vec<u8> {
    let mut dump = vec![0u8; SCAN_BYTES];
    let bottom = stack_pointer() - SCAN_BYTES;
    // SAFETY: the region lies below this frame's stack pointer, inside this
    // thread's stack of THREAD_STACK bytes (far more than this frame plus
    // SCAN_BYTES); nothing lives there until `call` runs, and this loop makes
    // no call. Volatile, so the writes are neither removed nor merged away.
    unsafe {
        for offset in 0..SCAN_BYTES {
            std::ptr::write_volatile((bottom + offset) as *mut u8, 0);
        }
    }
    call();
    // SAFETY: the same region, read after `call` returned; the loop makes no
    // call, so it reads what `call` left.
    unsafe {
        let out = dump.as_mut_ptr();
        for offset in 0..SCAN_BYTES {
            out.add(offset)
                .write(std::ptr::read_volatile((bottom + offset) as *const u8));
        }
    }
    dump
}

/// A secret, as the set of its 8-byte windows.
struct Secret {
    name: String,
    windows: Vec<[u8; 8]>,
}

impl Secret {
    /// Every 8-byte window of `bytes` and of `bytes` reversed, except windows
    /// of fewer than 5 distinct byte values (runs of zeros and the like,
    /// which any stack holds).
    fn new(name: &str, bytes: &[u8]) -> Self {
        let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
        let mut windows: Vec<[u8; 8]> = bytes
            .windows(8)
            .chain(reversed.windows(8))
            .filter(|w| {
                let mut seen = w.to_vec();
                seen.sort_unstable();
                seen.dedup();
                seen.len() >= 5
            })
            .map(|w| w.try_into().unwrap())
            .collect();
        windows.sort_unstable();
        windows.dedup();
        assert!(!windows.is_empty(), "{name}: no window to search for");
        Secret {
            name: name.to_owned(),
            windows,
        }
    }
}

/// For each secret with a window in `dump`: its name, windows found and
/// windows searched.
fn find(dump: &[u8], secrets: &[Secret]) -> Vec<(String, usize, usize)> {
    let mut owner: HashMap<[u8; 8], Vec<usize>> = HashMap::new();
    for (i, secret) in secrets.iter().enumerate() {
        for w in &secret.windows {
            owner.entry(*w).or_default().push(i);
        }
    }
    let mut found: BTreeMap<usize, std::collections::BTreeSet<[u8; 8]>> = BTreeMap::new();
    for w in dump.windows(8) {
        let w: [u8; 8] = w.try_into().unwrap();
        if let Some(owners) = owner.get(&w) {
            for &i in owners {
                found.entry(i).or_default().insert(w);
            }
        }
    }
    found
        .into_iter()
        .map(|(i, ws)| (secrets[i].name.clone(), ws.len(), secrets[i].windows.len()))
        .collect()
}

/// The checks of one backend: each entry point, what it left.
#[derive(Default)]
struct Report {
    lines: Vec<String>,
    leaks: Vec<String>,
}

impl Report {
    /// Runs `call` on a zeroed stack and searches what it left for `secrets`.
    fn check(&mut self, entry: &str, secrets: &[Secret], call: &mut dyn FnMut()) {
        let dump = dead_stack_after(call);
        self.record(entry, &dump, secrets);
    }

    /// Searches `dump`, what `entry` left, for `secrets`.
    fn record(&mut self, entry: &str, dump: &[u8], secrets: &[Secret]) {
        let used = dump
            .iter()
            .position(|&b| b != 0)
            .map_or(0, |first| SCAN_BYTES - first);
        let found = find(dump, secrets);
        let names: Vec<&str> = secrets.iter().map(|s| s.name.as_str()).collect();
        if found.is_empty() {
            self.lines.push(format!(
                "{entry}: stack touched down to {used} bytes; none of {} found",
                names.join(", ")
            ));
        } else {
            let what: Vec<String> = found
                .iter()
                .map(|(name, n, of)| format!("{name} {n}/{of}"))
                .collect();
            self.leaks.push(format!(
                "{entry} (stack touched down to {used} bytes): left on the dead stack: {}",
                what.join(", ")
            ));
        }
    }
}

// ---- The secrets, computed independently where the crate's own steps are not
// what is being checked (num-bigint for the group arithmetic).

fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}

fn k() -> BigUint {
    let mut padded_n = vec![0u8];
    padded_n.extend_from_slice(&n().to_bytes_be());
    BigUint::from_bytes_be(
        &Sha256::new()
            .chain_update(padded_n)
            .chain_update([2u8])
            .finalize(),
    )
}

fn big(hex_text: &str) -> BigUint {
    BigUint::parse_bytes(hex_text.as_bytes(), 16).unwrap()
}

/// `pad(n)`: minimal big-endian bytes, with a zero byte in front when the top bit is set.
fn pad(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        [&[0u8][..], &bytes].concat()
    } else {
        bytes
    }
}

/// Deterministic test bytes.
fn bytes(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut counter = 0u32;
    while out.len() < len {
        out.extend_from_slice(
            &Sha256::new()
                .chain_update(label)
                .chain_update(counter.to_be_bytes())
                .finalize(),
        );
        counter += 1;
    }
    out.truncate(len);
    out
}

/// HMAC-SHA256's inner and outer padded keys for `key` (at most 64 bytes).
fn hmac_pads(name: &str, key: &[u8]) -> [Secret; 2] {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    [(0x36u8, "ipad"), (0x5c, "opad")].map(|(pad, which)| {
        let padded: Vec<u8> = block.iter().map(|b| b ^ pad).collect();
        Secret::new(&format!("{name}^{which}"), &padded)
    })
}

/// What a password gives, for a salt known only after the call.
fn password_secrets(salt: &Salt, realm: &str, identity: &str, password: &str) -> Vec<Secret> {
    let inner_digest = Sha256::new()
        .chain_update(realm)
        .chain_update(identity)
        .chain_update(":")
        .chain_update(password)
        .finalize();
    let x = Sha256::new()
        .chain_update(salt.pad())
        .chain_update(inner_digest)
        .finalize();
    let verifier = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&x), &n());
    vec![
        Secret::new("password", password.as_bytes()),
        Secret::new("H(realm|identity|:|password)", &inner_digest),
        Secret::new("x", &x),
        Secret::new("v", &verifier.to_bytes_be()),
    ]
}

/// What both sides of one sign-in compute, from its public values and secrets.
struct Session {
    x: Vec<u8>,
    inner_digest: Vec<u8>,
    verifier: BigUint,
    s: BigUint,
    key: Vec<u8>,
    prk: Vec<u8>,
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    fn new(
        salt: &Salt,
        realm: &str,
        identity: &str,
        password: &str,
        srp_a: &str,
        srp_b: &str,
        a: &[u8],
        b: &[u8],
    ) -> Self {
        let inner_digest = Sha256::new()
            .chain_update(realm)
            .chain_update(identity)
            .chain_update(":")
            .chain_update(password)
            .finalize()
            .to_vec();
        let x = Sha256::new()
            .chain_update(salt.pad())
            .chain_update(&inner_digest)
            .finalize()
            .to_vec();
        let n = n();
        let verifier = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&x), &n);
        let (big_a, big_b) = (big(srp_a), big(srp_b));
        let u = Sha256::new()
            .chain_update(pad(&big_a))
            .chain_update(pad(&big_b))
            .finalize();
        let u_int = BigUint::from_bytes_be(&u);
        // The server's S = (A * v^u)^b; the client computes the same value.
        let s = (&big_a * verifier.modpow(&u_int, &n)).modpow(&BigUint::from_bytes_be(b), &n);
        let client_s = (&big_b + &n - (k() * &verifier) % &n) % &n;
        let exponent = BigUint::from_bytes_be(a) + &u_int * BigUint::from_bytes_be(&x);
        assert_eq!(
            client_s.modpow(&exponent, &n),
            s,
            "client and server S agree"
        );
        let (prk, hkdf) = hkdf::Hkdf::<Sha256>::extract(Some(&pad(&u_int)), &pad(&s));
        let mut key = [0u8; 16];
        hkdf.expand(b"Caldera Derived Key", &mut key).unwrap();
        Session {
            x,
            inner_digest,
            verifier,
            s,
            key: key.to_vec(),
            prk: prk.to_vec(),
        }
    }

    /// `x` and what the password gives: the inner digest, `v`.
    fn password_secrets(&self, password: &str) -> Vec<Secret> {
        vec![
            Secret::new("password", password.as_bytes()),
            Secret::new("H(realm|identity|:|password)", &self.inner_digest),
            Secret::new("x", &self.x),
            Secret::new("v", &self.verifier.to_bytes_be()),
        ]
    }

    /// What the shared secret gives: `S`, the HKDF pseudorandom key and key,
    /// and HMAC's padded keys.
    fn key_secrets(&self) -> Vec<Secret> {
        let mut out = vec![
            Secret::new("S", &self.s.to_bytes_be()),
            Secret::new("HKDF PRK", &self.prk),
            Secret::new("HKDF key", &self.key),
        ];
        out.extend(hmac_pads("HKDF PRK", &self.prk));
        out.extend(hmac_pads("HKDF key", &self.key));
        out
    }

    /// The client's own: `a`, `a + u*x`, `k*v`, `B - k*v`.
    fn client_secrets(&self, a: &[u8], srp_a: &str, srp_b: &str) -> Vec<Secret> {
        let n = n();
        let u = BigUint::from_bytes_be(
            &Sha256::new()
                .chain_update(pad(&big(srp_a)))
                .chain_update(pad(&big(srp_b)))
                .finalize(),
        );
        let k_v = (k() * &self.verifier) % &n;
        let base = (big(srp_b) + &n - &k_v) % &n;
        let exponent = BigUint::from_bytes_be(a) + u * BigUint::from_bytes_be(&self.x);
        vec![
            Secret::new("a", a),
            Secret::new("a+u*x", &exponent.to_bytes_be()),
            Secret::new("k*v", &k_v.to_bytes_be()),
            Secret::new("B-k*v", &base.to_bytes_be()),
        ]
    }

    /// The server's own: `b`, `g^b`, `v^u`, `A*v^u`.
    fn server_secrets(&self, b: &[u8], srp_a: &str, srp_b: &str) -> Vec<Secret> {
        let n = n();
        let u = BigUint::from_bytes_be(
            &Sha256::new()
                .chain_update(pad(&big(srp_a)))
                .chain_update(pad(&big(srp_b)))
                .finalize(),
        );
        let v_u = self.verifier.modpow(&u, &n);
        vec![
            Secret::new("b", b),
            Secret::new(
                "g^b",
                &BigUint::from(2u8)
                    .modpow(&BigUint::from_bytes_be(b), &n)
                    .to_bytes_be(),
            ),
            Secret::new("k*v", &((k() * &self.verifier) % &n).to_bytes_be()),
            Secret::new("v^u", &v_u.to_bytes_be()),
            Secret::new("A*v^u", &((big(srp_a) * v_u) % &n).to_bytes_be()),
        ]
    }
}

fn concat(parts: Vec<Vec<Secret>>) -> Vec<Secret> {
    parts.into_iter().flatten().collect()
}

/// Every public entry point that touches a secret, on the group's backend.
fn check_every_entry_point() -> Report {
    let mut report = Report::default();
    let pool = PoolId::parse("eu-west-1_Ab3dEfGh1").unwrap();
    let username = "alice@example.org";
    let password_text = "Tr0ub4dor&3-correct-horse-battery";
    let password = Password::new(password_text);
    let a = bytes("a", 128);
    let b = bytes("b", 32);
    let salt = Salt::from_be_bytes(&bytes("salt", 16)).unwrap();
    let block = SecretBlock::from_bytes(bytes("secret block", 64));
    let timestamp = Timestamp::parse("Wed Mar 6 21:29:06 UTC 2024").unwrap();
    let now = Utc.with_ymd_and_hms(2024, 3, 6, 21, 29, 6).unwrap();

    // Build the group (and its table of powers of g) outside any probe.
    let _ = srp::public_ephemeral(&srp::private_ephemeral(&[1]).unwrap());

    // ---- A user: register, start, challenge, respond, verify.
    let x_secrets = |s: &Session| s.password_secrets(password_text);
    let mut stored = None;
    let mut srp_a = String::new();
    let mut srp_b = String::new();
    // The session's values need A and B, which need the calls; compute them first.
    let login = UserSrpClient::new(pool.clone())
        .start_with_private_ephemeral(username, &a)
        .unwrap();
    let verifier =
        StoredVerifier::register_user_with_salt(&pool, username, &password, salt.clone()).unwrap();
    let server_session = SrpServer::new()
        .start_user_with(&pool, username, &verifier, login.srp_a(), &b, block.clone())
        .unwrap();
    let session = Session::new(
        &salt,
        pool.pool_name(),
        username,
        password_text,
        login.srp_a(),
        server_session.srp_b(),
        &a,
        &b,
    );
    let (a_hex, b_hex) = (login.srp_a().to_owned(), server_session.srp_b().to_owned());
    drop((login, server_session, verifier));

    report.check(
        "StoredVerifier::register_user_with_salt",
        &x_secrets(&session),
        &mut || {
            stored = Some(
                StoredVerifier::register_user_with_salt(&pool, username, &password, salt.clone())
                    .unwrap(),
            );
        },
    );
    let stored = stored.unwrap();
    let mut login = None;
    report.check(
        "UserSrpClient::start_with_private_ephemeral",
        &[Secret::new("a", &a)],
        &mut || {
            let started = UserSrpClient::new(pool.clone())
                .start_with_private_ephemeral(username, &a)
                .unwrap();
            srp_a = started.srp_a().to_owned();
            login = Some(started);
        },
    );
    assert_eq!(srp_a, a_hex);
    let mut server_session = None;
    report.check(
        "SrpServer::start_user_with",
        &concat(vec![
            session.server_secrets(&b, &a_hex, &b_hex),
            vec![Secret::new("v", &session.verifier.to_bytes_be())],
        ]),
        &mut || {
            let started = SrpServer::new()
                .start_user_with(&pool, username, &stored, &srp_a, &b, block.clone())
                .unwrap();
            srp_b = started.srp_b().to_owned();
            server_session = Some(started);
        },
    );
    assert_eq!(srp_b, b_hex);
    let challenge = PasswordVerifierChallenge::from_challenge_parameters(
        &server_session.as_ref().unwrap().challenge_parameters(),
    )
    .unwrap();
    let mut responses = None;
    let login = login.unwrap();
    let mut login = Some(login);
    report.check(
        "UserSrpSignIn::respond_at",
        &concat(vec![
            x_secrets(&session),
            session.client_secrets(&a, &a_hex, &b_hex),
            session.key_secrets(),
        ]),
        &mut || {
            let claim = login
                .take()
                .unwrap()
                .respond_at(&challenge, &password, &timestamp)
                .unwrap();
            responses = Some(claim.into_challenge_responses());
        },
    );
    let responses = responses.unwrap();
    let mut server_session = server_session;
    report.check(
        "ServerSession::verify_at",
        &concat(vec![
            session.server_secrets(&b, &a_hex, &b_hex),
            session.key_secrets(),
            vec![Secret::new("v", &session.verifier.to_bytes_be())],
        ]),
        &mut || {
            server_session
                .take()
                .unwrap()
                .verify_at(&responses, now)
                .unwrap();
        },
    );

    // ---- The stored verifier's text form.
    let v_secret = || vec![Secret::new("v", &session.verifier.to_bytes_be())];
    let mut encoded = None;
    report.check("StoredVerifier::to_encoded", &v_secret(), &mut || {
        encoded = Some(stored.to_encoded());
    });
    let encoded = encoded.unwrap();
    let mut parsed = None;
    report.check("StoredVerifier::from_encoded", &v_secret(), &mut || {
        parsed = Some(StoredVerifier::from_encoded(&encoded).unwrap());
    });
    assert!(parsed.unwrap() == stored);
    report.check("StoredVerifier::from_parts", &v_secret(), &mut || {
        let _ = StoredVerifier::from_parts(salt.clone(), &session.verifier.to_bytes_be()).unwrap();
    });
    // A fresh salt: the secrets are known once the call returns.
    let mut registered = None;
    let dump = dead_stack_after(&mut || {
        registered = Some(StoredVerifier::register_user(&pool, username, &password).unwrap());
    });
    let registered = registered.unwrap();
    report.record(
        "StoredVerifier::register_user",
        &dump,
        &password_secrets(registered.salt(), pool.pool_name(), username, password_text),
    );

    // ---- A device: confirm, start, respond; the server's side of it.
    let group_key = "-Gnswph8P";
    let device_key = "eu-west-1_bbeb508f-4a80-4646-817a-8105bc319994";
    let device_password_text = "EqhzTXev32Vkx+geQzne5lBbzkJczaGhhCYpjaqpRioCphEfmFYHFQ==";
    let device = DeviceCredentials::new(
        group_key,
        device_key,
        DevicePassword::new(device_password_text),
    )
    .unwrap();
    let salt_random: [u8; 16] = bytes("device salt", 16).try_into().unwrap();
    let device_salt = Salt::from_be_bytes(&salt_random).unwrap();
    let device_login = DeviceSrpClient::new(device.clone())
        .start_with_private_ephemeral(username, &a)
        .unwrap();
    let device_config = device.verifier_config(&salt_random);
    let device_stored = StoredVerifier::from_device_config(&device_config).unwrap();
    let device_server = SrpServer::new()
        .start_device_with(
            group_key,
            device_key,
            username,
            &device_stored,
            device_login.srp_a(),
            &b,
            block.clone(),
        )
        .unwrap();
    let device_session = Session::new(
        &device_salt,
        group_key,
        device_key,
        device_password_text,
        device_login.srp_a(),
        device_server.srp_b(),
        &a,
        &b,
    );
    let (device_a_hex, device_b_hex) = (
        device_login.srp_a().to_owned(),
        device_server.srp_b().to_owned(),
    );
    drop((device_login, device_server));
    let device_x_secrets = || device_session.password_secrets(device_password_text);

    report.check(
        "DeviceCredentials::verifier_config",
        &device_x_secrets(),
        &mut || {
            let _ = device.verifier_config(&salt_random);
        },
    );
    report.check(
        "StoredVerifier::from_device_config",
        &[Secret::new("v", &device_session.verifier.to_bytes_be())],
        &mut || {
            let _ = StoredVerifier::from_device_config(&device_config).unwrap();
        },
    );
    let mut device_login = None;
    report.check(
        "DeviceSrpClient::start_with_private_ephemeral",
        &[
            Secret::new("a", &a),
            Secret::new("device password", device_password_text.as_bytes()),
        ],
        &mut || {
            device_login = Some(
                DeviceSrpClient::new(device.clone())
                    .start_with_private_ephemeral(username, &a)
                    .unwrap(),
            );
        },
    );
    let mut device_server = None;
    report.check(
        "SrpServer::start_device_with",
        &concat(vec![
            device_session.server_secrets(&b, &device_a_hex, &device_b_hex),
            vec![Secret::new("v", &device_session.verifier.to_bytes_be())],
        ]),
        &mut || {
            device_server = Some(
                SrpServer::new()
                    .start_device_with(
                        group_key,
                        device_key,
                        username,
                        &device_stored,
                        &device_a_hex,
                        &b,
                        block.clone(),
                    )
                    .unwrap(),
            );
        },
    );
    let device_challenge = DevicePasswordVerifierChallenge::from_challenge_parameters(
        &device_server.as_ref().unwrap().challenge_parameters(),
    )
    .unwrap();
    let mut device_responses = None;
    report.check(
        "DeviceSrpSignIn::respond_at",
        &concat(vec![
            device_x_secrets(),
            device_session.client_secrets(&a, &device_a_hex, &device_b_hex),
            device_session.key_secrets(),
        ]),
        &mut || {
            let claim = device_login
                .take()
                .unwrap()
                .respond_at(&device_challenge, &timestamp)
                .unwrap();
            device_responses = Some(claim.into_challenge_responses());
        },
    );
    let device_responses = device_responses.unwrap();
    report.check(
        "ServerSession::verify_at (device)",
        &concat(vec![
            device_session.server_secrets(&b, &device_a_hex, &device_b_hex),
            device_session.key_secrets(),
        ]),
        &mut || {
            device_server
                .take()
                .unwrap()
                .verify_at(&device_responses, now)
                .unwrap();
        },
    );
    // A generated device: its password and salt are known once the call returns.
    let mut generated = None;
    let mut call = || generated = Some(DeviceCredentials::generate(group_key, device_key).unwrap());
    let dump = dead_stack_after(&mut call);
    let (generated_device, generated_config) = generated.unwrap();
    let generated_salt = {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(generated_config.salt())
            .unwrap();
        Salt::from_twos_complement_be(&bytes).unwrap()
    };
    let generated_password = generated_device
        .device_password()
        .expose_secret()
        .to_owned();
    report.record(
        "DeviceCredentials::generate",
        &dump,
        &password_secrets(&generated_salt, group_key, device_key, &generated_password),
    );

    // ---- SECRET_HASH.
    let client_secret_text = "1x1uhwq29i228lsml7wqx3qrzi59ppmxie13ya1coj52qk0qwmx";
    let client_secret = ClientSecret::new(client_secret_text);
    let mut secret_hash_secrets = vec![Secret::new("client secret", client_secret_text.as_bytes())];
    secret_hash_secrets.extend(hmac_pads("client secret", client_secret_text.as_bytes()));
    report.check("secret_hash", &secret_hash_secrets, &mut || {
        let _ = secret_hash(username, "lojolie8nsb1iarjfq21iqwo59", &client_secret);
    });
    let app = AppClient::with_secret("lojolie8nsb1iarjfq21iqwo59", client_secret.clone()).unwrap();
    report.check("AppClient::secret_hash", &secret_hash_secrets, &mut || {
        let _ = app.secret_hash(username);
    });

    // ---- The hazmat steps.
    let a_secret = srp::private_ephemeral(&a).unwrap();
    let x = srp::compute_x(&salt, pool.pool_name(), username, password_text.as_bytes());
    let srp_a_value = parse_hex_u3072(Field::SrpA, &a_hex).unwrap();
    let srp_b_value = parse_hex_u3072(Field::SrpB, &b_hex).unwrap();
    let u = srp::compute_u(&srp_a_value, &srp_b_value);
    let v = srp::compute_verifier(&x);
    let s = srp::client_premaster_secret(&a_secret, &srp_b_value, &x, &u);
    let key = srp::derive_key(&u, &s);
    let b_secret = srp::private_ephemeral(&b).unwrap();
    report.check(
        "srp::private_ephemeral",
        &[Secret::new("a", &a)],
        &mut || {
            let _ = srp::private_ephemeral(&a).unwrap();
        },
    );
    report.check(
        "srp::public_ephemeral",
        &[Secret::new("a", &a)],
        &mut || {
            let _ = srp::public_ephemeral(&a_secret);
        },
    );
    report.check("srp::compute_x", &x_secrets(&session)[..3], &mut || {
        let _ = srp::compute_x(&salt, pool.pool_name(), username, password_text.as_bytes());
    });
    report.check(
        "srp::compute_verifier",
        &x_secrets(&session)[2..],
        &mut || {
            let _ = srp::compute_verifier(&x);
        },
    );
    report.check(
        "srp::client_premaster_secret",
        &concat(vec![
            x_secrets(&session).split_off(2),
            session.client_secrets(&a, &a_hex, &b_hex),
            session.key_secrets().into_iter().take(1).collect(),
        ]),
        &mut || {
            let _ = srp::client_premaster_secret(&a_secret, &srp_b_value, &x, &u);
        },
    );
    report.check(
        "srp::server_public_ephemeral",
        &concat(vec![
            session
                .server_secrets(&b, &a_hex, &b_hex)
                .into_iter()
                .take(3)
                .collect(),
            v_secret(),
        ]),
        &mut || {
            let _ = srp::server_public_ephemeral(&v, &b_secret);
        },
    );
    report.check(
        "srp::server_premaster_secret",
        &concat(vec![
            session.server_secrets(&b, &a_hex, &b_hex),
            session.key_secrets().into_iter().take(1).collect(),
            v_secret(),
        ]),
        &mut || {
            let _ = srp::server_premaster_secret(&srp_a_value, &v, &u, &b_secret);
        },
    );
    report.check("srp::derive_key", &session.key_secrets(), &mut || {
        let _ = srp::derive_key(&u, &s);
    });
    report.check(
        "srp::password_claim_signature",
        &session.key_secrets()[2..],
        &mut || {
            let _ = srp::password_claim_signature(&key, "realm", "identity", b"block", "time");
        },
    );
    report.check(
        "SecretElement::pad",
        &session.key_secrets()[..1],
        &mut || {
            let _ = s.pad();
        },
    );
    report.check(
        "SecretExponent::to_be_bytes",
        &x_secrets(&session)[2..3],
        &mut || {
            let _ = x.to_be_bytes();
        },
    );
    report
}

/// A function that leaves a copy of its secret in its frame, as an unwiped
/// entry point would.
#[inline(never)]
fn leaves_a_copy(secret: &[u8]) {
    let mut copy = [0u8; 64];
    copy[..secret.len()].copy_from_slice(secret);
    std::hint::black_box(&mut copy);
}

#[test]
fn the_scanner_finds_a_copy_left_in_a_dead_frame() {
    let secret = bytes("planted", 48);
    let windows = secret.len() - 7;
    let found = std::thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let dump = dead_stack_after(&mut || leaves_a_copy(&secret));
            find(&dump, &[Secret::new("planted", &secret)])
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(found.len(), 1, "the planted copy was not found");
    // Every window in the order it was written (the search also has them reversed).
    assert_eq!(found[0].1, windows, "every window of the copy: {found:?}");
}

/// Set in the child processes, one per backend.
const CHILD: &str = "COGNITO_SRP_STACK_TEST_CHILD";

#[test]
fn no_secret_is_left_on_the_stack_by_any_entry_point_on_any_backend() {
    if std::env::var_os(CHILD).is_some() {
        let backend = std::env::var("COGNITO_SRP_BACKEND").unwrap();
        assert_eq!(
            Some(group::backend()),
            Backend::named(&backend),
            "the group runs on the backend asked for"
        );
        let report = std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn(check_every_entry_point)
            .unwrap()
            .join()
            .unwrap();
        for line in &report.lines {
            println!("[{backend}] {line}");
        }
        for leak in &report.leaks {
            println!("[{backend}] LEAK {leak}");
        }
        assert!(
            report.leaks.is_empty(),
            "{} entry points left secrets",
            report.leaks.len()
        );
        return;
    }
    let this = std::env::current_exe().unwrap();
    for backend in Backend::available() {
        let name = format!("{backend:?}");
        let out = std::process::Command::new(&this)
            .args([
                "no_secret_is_left_on_the_stack_by_any_entry_point_on_any_backend",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("COGNITO_SRP_BACKEND", &name)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!("{stdout}");
        assert!(
            out.status.success(),
            "backend {name}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
