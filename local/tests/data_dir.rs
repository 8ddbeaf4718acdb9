//! State on disk (`Endpoint::open`, `--data-dir`): every operation that
//! changes durable state is made, then the endpoint restarts on the same
//! data directory and must hold exactly what it held (the restart-equivalence
//! test). An operation added to the router must be listed here, as exercised
//! or as read-only, so one that forgets to persist cannot slip through.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use cognito_srp_local::Endpoint;

/// Operations that change no durable state (they may park a challenge or
/// read): nothing of theirs needs to survive a restart.
const READ_ONLY: &[&str] = &[
    "DescribeUserPool",
    "ListUserPools",
    "GetUserPoolMfaConfig",
    "DescribeUserPoolClient",
    "ListUserPoolClients",
    "AdminGetUser",
    "ListUsers",
    "GetGroup",
    "ListGroups",
    "AdminListGroupsForUser",
    "ListUsersInGroup",
    "GetUser",
    "ListDevices",
    "GetDevice",
    "AdminListDevices",
    "AdminGetDevice",
];

/// A fresh, empty directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
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

fn open(dir: &Path) -> Harness {
    Harness {
        endpoint: Endpoint::open(dir)
            .unwrap()
            .apply_seed(&seed(json!([])))
            .unwrap(),
    }
}

/// The RFC 6238 code of a base32 secret now (HMAC-SHA1, 6 digits, 30 s).
fn totp(secret_base32: &str) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut secret) = (0u32, 0u32, Vec::new());
    for c in secret_base32.trim_end_matches('=').bytes() {
        value = (value << 5) | alphabet.iter().position(|&a| a == c).unwrap() as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            secret.push((value >> bits) as u8);
        }
    }
    let counter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 30;
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = (digest[19] & 0x0f) as usize;
    let code = u32::from_be_bytes([
        digest[at] & 0x7f,
        digest[at + 1],
        digest[at + 2],
        digest[at + 3],
    ]);
    format!("{:06}", code % 1_000_000)
}

struct Run<'a> {
    h: &'a Harness,
    exercised: BTreeSet<String>,
}

impl Run<'_> {
    fn call(&mut self, operation: &str, body: Value) -> Value {
        self.exercised.insert(operation.to_owned());
        let admin =
            cognito_srp_local::operations().any(|(name, signed)| name == operation && signed);
        let result = if admin {
            self.h.admin(operation, &body)
        } else {
            self.h.call(operation, &body)
        };
        result.unwrap_or_else(|e| panic!("{operation} {body}: {e:?}"))
    }

    /// A whole SRP sign-in (`InitiateAuth` and `RespondToAuthChallenge`, or
    /// their `Admin*` forms): its `AuthenticationResult`.
    fn sign_in(&mut self, admin: bool, client: &str, username: &str, password: &str) -> Value {
        let names = match admin {
            true => ["AdminInitiateAuth", "AdminRespondToAuthChallenge"],
            false => ["InitiateAuth", "RespondToAuthChallenge"],
        };
        self.exercised.extend(names.map(str::to_owned));
        let reply = self
            .h
            .user_srp(admin, client, username, password, None)
            .unwrap_or_else(|e| panic!("sign-in of {username}: {e:?}"));
        assert!(reply["AuthenticationResult"].is_object(), "{reply}");
        reply["AuthenticationResult"].clone()
    }
}

#[test]
fn every_durable_change_survives_a_restart_and_the_seed_changes_nothing() {
    let dir = temp_dir("equivalence");
    let h = open(&dir);
    let mut run = Run {
        h: &h,
        exercised: BTreeSet::new(),
    };

    // Pools and app clients.
    let pool = run.call("CreateUserPool", json!({ "PoolName": "second" }))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    run.call(
        "UpdateUserPool",
        json!({ "UserPoolId": pool, "AutoVerifiedAttributes": ["email"] }),
    );
    run.call(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
                "SoftwareTokenMfaConfiguration": { "Enabled": true } }),
    );
    let client = run.call(
        "CreateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientName": "app", "GenerateSecret": true }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    run.call(
        "UpdateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": client, "ClientName": "renamed" }),
    );
    let gone = run.call(
        "CreateUserPoolClient",
        json!({ "UserPoolId": pool, "ClientName": "gone" }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    run.call(
        "DeleteUserPoolClient",
        json!({ "UserPoolId": pool, "ClientId": gone }),
    );
    let doomed = run.call("CreateUserPool", json!({ "PoolName": "doomed" }))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": doomed, "Username": "ghost", "TemporaryPassword": PASSWORD }),
    );
    run.call("DeleteUserPool", json!({ "UserPoolId": doomed }));

    // Users.
    run.call(
        "SignUp",
        json!({ "ClientId": CLIENT, "Username": "bob", "Password": PASSWORD }),
    );
    run.call(
        "AdminConfirmSignUp",
        json!({ "UserPoolId": POOL, "Username": "bob" }),
    );
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": POOL, "Username": "carol", "TemporaryPassword": PASSWORD,
                "UserAttributes": [{ "Name": "email", "Value": "carol@example.com" }] }),
    );
    run.call(
        "AdminSetUserPassword",
        json!({ "UserPoolId": POOL, "Username": "carol", "Password": PASSWORD,
                "Permanent": true }),
    );
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": POOL, "Username": "dave", "TemporaryPassword": PASSWORD }),
    );
    run.call(
        "AdminDisableUser",
        json!({ "UserPoolId": POOL, "Username": "dave" }),
    );
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": POOL, "Username": "erin", "TemporaryPassword": PASSWORD }),
    );
    run.call(
        "AdminDisableUser",
        json!({ "UserPoolId": POOL, "Username": "erin" }),
    );
    run.call(
        "AdminEnableUser",
        json!({ "UserPoolId": POOL, "Username": "erin" }),
    );
    run.call(
        "AdminSetUserPassword",
        json!({ "UserPoolId": POOL, "Username": "erin", "Password": PASSWORD,
                "Permanent": true }),
    );
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": POOL, "Username": "fred", "TemporaryPassword": PASSWORD }),
    );
    run.call(
        "AdminDeleteUser",
        json!({ "UserPoolId": POOL, "Username": "fred" }),
    );

    // Groups.
    run.call(
        "CreateGroup",
        json!({ "UserPoolId": POOL, "GroupName": "admins", "Precedence": 1 }),
    );
    run.call(
        "UpdateGroup",
        json!({ "UserPoolId": POOL, "GroupName": "admins", "Description": "the admins",
                "RoleArn": "arn:aws:iam::123456789012:role/admin" }),
    );
    run.call(
        "AdminAddUserToGroup",
        json!({ "UserPoolId": POOL, "GroupName": "admins", "Username": "bob" }),
    );
    run.call(
        "CreateGroup",
        json!({ "UserPoolId": POOL, "GroupName": "passing" }),
    );
    run.call(
        "AdminAddUserToGroup",
        json!({ "UserPoolId": POOL, "GroupName": "passing", "Username": "carol" }),
    );
    run.call(
        "AdminRemoveUserFromGroup",
        json!({ "UserPoolId": POOL, "GroupName": "passing", "Username": "carol" }),
    );
    run.call(
        "AdminAddUserToGroup",
        json!({ "UserPoolId": POOL, "GroupName": "passing", "Username": "alice" }),
    );
    run.call(
        "DeleteGroup",
        json!({ "UserPoolId": POOL, "GroupName": "passing" }),
    );

    // Sign-ins, devices, refresh tokens.
    let bob = run.sign_in(false, DEVICE_CLIENT, "bob", PASSWORD);
    run.exercised.insert("ConfirmDevice".into());
    let device = h.confirm_device(&bob);
    run.call(
        "UpdateDeviceStatus",
        json!({ "AccessToken": bob["AccessToken"], "DeviceKey": device.device_key(),
                "DeviceRememberedStatus": "not_remembered" }),
    );
    let again = run.sign_in(true, DEVICE_CLIENT, "bob", PASSWORD);
    let second = h.confirm_device(&again);
    run.call(
        "ForgetDevice",
        json!({ "AccessToken": again["AccessToken"], "DeviceKey": second.device_key() }),
    );
    let carol = run.sign_in(false, CLIENT, "carol", PASSWORD);
    run.call(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": CLIENT, "RefreshToken": carol["RefreshToken"] }),
    );
    let alice = run.sign_in(false, CLIENT, "alice", PASSWORD);
    run.call(
        "RevokeToken",
        json!({ "ClientId": CLIENT, "Token": alice["RefreshToken"] }),
    );
    let erin = run.sign_in(false, CLIENT, "erin", PASSWORD);
    run.call(
        "GlobalSignOut",
        json!({ "AccessToken": erin["AccessToken"] }),
    );
    run.call(
        "AdminUserGlobalSignOut",
        json!({ "UserPoolId": POOL, "Username": "bob" }),
    );

    // The account: password and software-token MFA.
    let carol = run.sign_in(false, CLIENT, "carol", PASSWORD);
    run.call(
        "ChangePassword",
        json!({ "AccessToken": carol["AccessToken"], "PreviousPassword": PASSWORD,
                "ProposedPassword": "Battery-Staple-2" }),
    );
    let secret = run.call(
        "AssociateSoftwareToken",
        json!({ "AccessToken": carol["AccessToken"] }),
    )["SecretCode"]
        .as_str()
        .unwrap()
        .to_owned();
    run.call(
        "VerifySoftwareToken",
        json!({ "AccessToken": carol["AccessToken"], "UserCode": totp(&secret) }),
    );
    run.call(
        "SetUserMFAPreference",
        json!({ "AccessToken": carol["AccessToken"],
                "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    );

    // A forgotten password, reset with the code of the local channel, and a
    // code issued and not yet used (it must outlive the restart).
    run.call(
        "ForgotPassword",
        json!({ "ClientId": CLIENT, "Username": "alice" }),
    );
    let (_, _, codes) = h.get(&format!("/_local/codes/{POOL}/alice"));
    let code = codes["Codes"][0]["Code"].as_str().unwrap().to_owned();
    run.call(
        "ConfirmForgotPassword",
        json!({ "ClientId": CLIENT, "Username": "alice", "ConfirmationCode": code,
                "Password": "Battery-Staple-3" }),
    );
    run.call(
        "ForgotPassword",
        json!({ "ClientId": CLIENT, "Username": "carol" }),
    );

    run.call(
        "AdminResetUserPassword",
        json!({ "UserPoolId": POOL, "Username": "alice" }),
    );

    // Attributes, verification codes (one used, one pending), the Admin*
    // device and MFA operations, a user deleting itself.
    run.call(
        "AdminUpdateUserAttributes",
        json!({ "UserPoolId": POOL, "Username": "erin",
                "UserAttributes": [{ "Name": "email", "Value": "erin@example.org" },
                                   { "Name": "given_name", "Value": "Erin" }] }),
    );
    run.call(
        "AdminDeleteUserAttributes",
        json!({ "UserPoolId": POOL, "Username": "erin", "UserAttributeNames": ["given_name"] }),
    );
    let erin = run.sign_in(false, CLIENT, "erin", PASSWORD);
    run.call(
        "UpdateUserAttributes",
        json!({ "AccessToken": erin["AccessToken"],
                "UserAttributes": [{ "Name": "nickname", "Value": "E" },
                                   { "Name": "phone_number", "Value": "+15550100" }] }),
    );
    run.call(
        "DeleteUserAttributes",
        json!({ "AccessToken": erin["AccessToken"], "UserAttributeNames": ["nickname"] }),
    );
    run.call(
        "GetUserAttributeVerificationCode",
        json!({ "AccessToken": erin["AccessToken"], "AttributeName": "email" }),
    );
    let (_, _, codes) = h.get(&format!("/_local/codes/{POOL}/erin"));
    run.call(
        "VerifyUserAttribute",
        json!({ "AccessToken": erin["AccessToken"], "AttributeName": "email",
                "Code": codes["Codes"][0]["Code"] }),
    );
    run.call(
        "GetUserAttributeVerificationCode",
        json!({ "AccessToken": erin["AccessToken"], "AttributeName": "phone_number" }),
    );
    run.call(
        "AdminUpdateDeviceStatus",
        json!({ "UserPoolId": POOL, "Username": "bob", "DeviceKey": device.device_key(),
                "DeviceRememberedStatus": "remembered" }),
    );
    let third = run.sign_in(false, DEVICE_CLIENT, "bob", PASSWORD);
    let third = h.confirm_device(&third);
    run.call(
        "AdminForgetDevice",
        json!({ "UserPoolId": POOL, "Username": "bob", "DeviceKey": third.device_key() }),
    );
    // Email codes as MFA, which the pool allows from now.
    h.admin(
        "SetUserPoolMfaConfig",
        &json!({ "UserPoolId": POOL, "MfaConfiguration": "OPTIONAL",
                 "EmailMfaConfiguration": { "Subject": "Your code" } }),
    )
    .unwrap();
    run.call(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": POOL, "Username": "carol",
                "SoftwareTokenMfaSettings": { "Enabled": false },
                "EmailMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    );
    run.call(
        "AdminCreateUser",
        json!({ "UserPoolId": POOL, "Username": "dora", "TemporaryPassword": PASSWORD }),
    );
    run.call(
        "AdminSetUserPassword",
        json!({ "UserPoolId": POOL, "Username": "dora", "Password": PASSWORD, "Permanent": true }),
    );
    let dora = run.sign_in(false, CLIENT, "dora", PASSWORD);
    run.call("DeleteUser", json!({ "AccessToken": dora["AccessToken"] }));
    let verifying = run.call(
        "CreateUserPool",
        json!({ "PoolName": "verifying", "AutoVerifiedAttributes": ["email"] }),
    )["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = run.call(
        "CreateUserPoolClient",
        json!({ "UserPoolId": verifying, "ClientName": "app" }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    for name in ["gwen", "hugo"] {
        run.call(
            "SignUp",
            json!({ "ClientId": app, "Username": name, "Password": PASSWORD,
                    "UserAttributes": [{ "Name": "email", "Value": format!("{name}@example.com") }] }),
        );
    }
    run.call(
        "ResendConfirmationCode",
        json!({ "ClientId": app, "Username": "gwen" }),
    );
    let (_, _, codes) = h.get(&format!("/_local/codes/{verifying}/gwen"));
    run.call(
        "ConfirmSignUp",
        json!({ "ClientId": app, "Username": "gwen", "ConfirmationCode": codes["Codes"][0]["Code"] }),
    );

    // Every operation served is either exercised above or read-only.
    let unlisted: Vec<&str> = cognito_srp_local::operations()
        .map(|(name, _)| name)
        .filter(|name| !run.exercised.contains(*name) && !READ_ONLY.contains(name))
        .collect();
    assert!(
        unlisted.is_empty(),
        "operations neither exercised by this restart test nor listed as read-only: \
         {unlisted:?} (add each to the test, so that a change it forgets to persist fails it)"
    );

    let before = h.endpoint.durable_snapshot();
    let refresh = carol["RefreshToken"].clone();
    drop(run);
    drop(h);
    let h = open(&dir);
    assert_eq!(h.endpoint.durable_snapshot(), before);

    // What the restart kept works: the token of a sign-in before it refreshes,
    // and a user's password signs in.
    let refreshed = h
        .call(
            "GetTokensFromRefreshToken",
            &json!({ "ClientId": CLIENT, "RefreshToken": refresh }),
        )
        .unwrap();
    assert!(refreshed["AuthenticationResult"]["IdToken"].is_string());
    assert!(h.user_srp(false, CLIENT, "erin", PASSWORD, None).is_ok());
    let carol = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "carol" }),
        )
        .unwrap();
    assert_eq!(carol["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert_eq!(carol["PreferredMfaSetting"], "EMAIL_OTP");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_data_dir_of_a_newer_schema_is_refused() {
    let dir = temp_dir("schema");
    drop(Endpoint::open(&dir).unwrap());
    {
        let db = redb::Database::create(dir.join("state.redb")).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut meta = tx
                .open_table(redb::TableDefinition::<&str, u64>::new("meta"))
                .unwrap();
            meta.insert("schema_version", cognito_srp_local::SCHEMA_VERSION + 1)
                .unwrap();
        }
        tx.commit().unwrap();
    }
    let error = Endpoint::open(&dir).err().expect("refused");
    assert!(
        error.contains(&format!(
            "schema version {}",
            cognito_srp_local::SCHEMA_VERSION + 1
        )),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
