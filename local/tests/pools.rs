//! Pools and app clients made over the API, as the AWS CLI, boto3 or
//! Terraform make them: `CreateUserPool` and its kin, `CreateUserPoolClient`
//! and its kin, `Set/GetUserPoolMfaConfig`; ids in Cognito's shapes, the
//! `_custom_id_` pin, Cognito's paging, and sign-in through what was made.

mod common;

use cognito_srp::{
    AppClient, ClientSecret, Password, PasswordVerifierChallenge, PoolId, UserSrpClient,
};
use common::*;
use serde_json::{Value, json};

fn empty() -> Harness {
    Harness::new(&json!({
        "credentials": [{ "access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY }],
        "pools": []
    }))
}

fn create_pool(h: &Harness, body: Value) -> Value {
    h.admin("CreateUserPool", &body).unwrap()["UserPool"].clone()
}

fn create_client(h: &Harness, body: Value) -> Value {
    h.admin("CreateUserPoolClient", &body).unwrap()["UserPoolClient"].clone()
}

fn kind(result: Result<Value, Refusal>) -> String {
    result.expect_err("refused").0
}

#[test]
fn a_new_pool_has_cognitos_id_shape_defaults_and_shows_in_describe() {
    let h = empty();
    let pool = create_pool(&h, json!({ "PoolName": "My pool" }));
    let id = pool["Id"].as_str().unwrap();
    let (region, rest) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert_eq!(rest.len(), 9);
    assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(pool["Name"], "My pool");
    assert_eq!(
        pool["Arn"],
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}")
    );
    assert_eq!(pool["MfaConfiguration"], "OFF");
    let policy = &pool["Policies"]["PasswordPolicy"];
    assert_eq!(policy["MinimumLength"], 8);
    assert_eq!(policy["RequireSymbols"], true);
    let described = h
        .admin("DescribeUserPool", &json!({ "UserPoolId": id }))
        .unwrap();
    assert_eq!(described["UserPool"], pool);
    let other = create_pool(&h, json!({ "PoolName": "My pool" }));
    assert_ne!(other["Id"], pool["Id"], "ids are drawn at random");
}

#[test]
fn create_user_pool_keeps_its_settings() {
    let h = empty();
    let pool = create_pool(
        &h,
        json!({ "PoolName": "settings",
                "Policies": { "PasswordPolicy": { "MinimumLength": 12, "RequireSymbols": false } },
                "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
                "MfaConfiguration": "OPTIONAL",
                "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": true },
                "Schema": [{ "Name": "team", "AttributeDataType": "String", "Mutable": true }],
                "LambdaConfig": { "PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:f" },
                "UserPoolTags": { "env": "test" },
                "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": true } }),
    );
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireSymbols"], false);
    assert_eq!(pool["UsernameAttributes"], json!(["email"]));
    assert_eq!(pool["AutoVerifiedAttributes"], json!(["email"]));
    assert_eq!(pool["MfaConfiguration"], "OPTIONAL");
    assert_eq!(
        pool["DeviceConfiguration"]["ChallengeRequiredOnNewDevice"],
        true
    );
    assert_eq!(pool["SchemaAttributes"][0]["Name"], "custom:team");
    assert!(pool["LambdaConfig"]["PreSignUp"].is_string());
    assert_eq!(pool["UserPoolTags"]["env"], "test");
    assert_eq!(
        pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
        true
    );
    // The policy is enforced.
    let client = create_client(&h, json!({ "UserPoolId": pool["Id"], "ClientName": "app" }));
    let refused = h.call(
        "SignUp",
        &json!({ "ClientId": client["ClientId"], "Username": "a@example.com",
                 "Password": "Short-1" }),
    );
    assert_eq!(kind(refused), "InvalidPasswordException");
}

#[test]
fn the_custom_id_tag_pins_a_pool_id_once() {
    let h = empty();
    let body =
        json!({ "PoolName": "pinned", "UserPoolTags": { "_custom_id_": "eu-west-1_Pinned123" } });
    let pool = create_pool(&h, body.clone());
    assert_eq!(pool["Id"], "eu-west-1_Pinned123");
    assert!(pool["Arn"].as_str().unwrap().contains(":eu-west-1:"));
    assert_eq!(
        kind(h.admin("CreateUserPool", &body)),
        "InvalidParameterException"
    );
    let bad = json!({ "PoolName": "p", "UserPoolTags": { "_custom_id_": "no-underscore" } });
    assert_eq!(
        kind(h.admin("CreateUserPool", &bad)),
        "InvalidParameterException"
    );
}

#[test]
fn list_user_pools_pages_as_cognito_does() {
    let h = empty();
    let mut made: Vec<String> = (0..5)
        .map(|i| {
            create_pool(&h, json!({ "PoolName": format!("p{i}") }))["Id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    made.sort();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({ "MaxResults": 2 });
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = h.admin("ListUserPools", &body).unwrap();
        let pools = page["UserPools"].as_array().unwrap();
        assert!(pools.len() <= 2);
        seen.extend(pools.iter().map(|p| p["Id"].as_str().unwrap().to_owned()));
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, made, "every pool once, in order");
    assert_eq!(
        kind(h.admin("ListUserPools", &json!({}))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin("ListUserPools", &json!({ "MaxResults": 61 }))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin(
            "ListUserPools",
            &json!({ "MaxResults": 1, "NextToken": "%%%" })
        )),
        "InvalidParameterException"
    );
}

#[test]
fn update_user_pool_replaces_the_settings_and_resets_those_left_out() {
    let h = empty();
    let id = create_pool(
        &h,
        json!({ "PoolName": "u", "MfaConfiguration": "OPTIONAL", "UserPoolTags": { "a": "1" } }),
    )["Id"]
        .clone();
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": id,
                 "Policies": { "PasswordPolicy": { "MinimumLength": 20 } } }),
    )
    .unwrap();
    let pool = h
        .admin("DescribeUserPool", &json!({ "UserPoolId": id }))
        .unwrap()["UserPool"]
        .clone();
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 20);
    assert_eq!(
        pool["MfaConfiguration"], "OFF",
        "left out: back to the default"
    );
    assert_eq!(pool["UserPoolTags"], json!({}));
    assert_eq!(pool["Name"], "u");
}

#[test]
fn delete_user_pool_takes_its_clients_and_respects_deletion_protection() {
    let h = empty();
    let id = create_pool(
        &h,
        json!({ "PoolName": "d", "DeletionProtection": "ACTIVE" }),
    )["Id"]
        .clone();
    let client = create_client(&h, json!({ "UserPoolId": id, "ClientName": "c" }));
    assert_eq!(
        kind(h.admin("DeleteUserPool", &json!({ "UserPoolId": id }))),
        "InvalidParameterException"
    );
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": id, "DeletionProtection": "INACTIVE" }),
    )
    .unwrap();
    h.admin("DeleteUserPool", &json!({ "UserPoolId": id }))
        .unwrap();
    assert_eq!(
        kind(h.admin("DescribeUserPool", &json!({ "UserPoolId": id }))),
        "ResourceNotFoundException"
    );
    let sign_up = h.call(
        "SignUp",
        &json!({ "ClientId": client["ClientId"], "Username": "x", "Password": PASSWORD }),
    );
    assert_eq!(kind(sign_up), "ResourceNotFoundException");
}

#[test]
fn user_pool_mfa_config_is_set_and_read_back() {
    let h = empty();
    let id = create_pool(&h, json!({ "PoolName": "m" }))["Id"].clone();
    let set = h
        .admin(
            "SetUserPoolMfaConfig",
            &json!({ "UserPoolId": id, "MfaConfiguration": "ON",
                     "SoftwareTokenMfaConfiguration": { "Enabled": true } }),
        )
        .unwrap();
    assert_eq!(set["MfaConfiguration"], "ON");
    assert_eq!(set["SoftwareTokenMfaConfiguration"]["Enabled"], true);
    let got = h
        .admin("GetUserPoolMfaConfig", &json!({ "UserPoolId": id }))
        .unwrap();
    assert_eq!(got, set);
    assert_eq!(
        kind(h.admin(
            "SetUserPoolMfaConfig",
            &json!({ "UserPoolId": id, "MfaConfiguration": "SOMETIMES" })
        )),
        "InvalidParameterException"
    );
}

#[test]
fn a_new_client_has_cognitos_id_and_secret_shapes_and_describe_shows_the_secret() {
    let h = empty();
    let pool = create_pool(&h, json!({ "PoolName": "c" }))["Id"].clone();
    let client = create_client(
        &h,
        json!({ "UserPoolId": pool, "ClientName": "web", "GenerateSecret": true,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED" }),
    );
    let id = client["ClientId"].as_str().unwrap();
    assert_eq!(id.len(), 26);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    let secret = client["ClientSecret"].as_str().unwrap();
    assert!((24..=64).contains(&secret.len()));
    assert_eq!(
        client["ExplicitAuthFlows"],
        json!(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    assert_eq!(client["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(client["EnableTokenRevocation"], true);
    assert_eq!(client["AccessTokenValidity"], 60);
    assert_eq!(
        client["TokenValidityUnits"],
        json!({ "AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days" })
    );
    assert_eq!(client["RefreshTokenValidity"], 30);
    let described = h
        .admin(
            "DescribeUserPoolClient",
            &json!({ "UserPoolId": pool, "ClientId": id }),
        )
        .unwrap();
    assert_eq!(described["UserPoolClient"], client);
    assert_eq!(
        kind(h.admin(
            "DescribeUserPoolClient",
            &json!({ "UserPoolId": pool, "ClientId": "nope" })
        )),
        "ResourceNotFoundException"
    );
}

#[test]
fn token_validity_and_rotation_are_kept_with_their_units() {
    let h = empty();
    let pool = create_pool(&h, json!({ "PoolName": "t" }))["Id"].clone();
    let client = create_client(
        &h,
        json!({ "UserPoolId": pool, "ClientName": "t",
                "AccessTokenValidity": 5, "IdTokenValidity": 2, "RefreshTokenValidity": 0,
                "TokenValidityUnits": { "AccessToken": "minutes" },
                "EnableTokenRevocation": false,
                "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 } }),
    );
    assert_eq!(client["AccessTokenValidity"], 5);
    assert_eq!(client["TokenValidityUnits"]["AccessToken"], "minutes");
    assert_eq!(client["IdTokenValidity"], 2);
    assert_eq!(
        client["TokenValidityUnits"]["IdToken"], "hours",
        "a count alone is in hours"
    );
    assert_eq!(client["RefreshTokenValidity"], 30, "0 stands for 30 days");
    assert_eq!(client["EnableTokenRevocation"], false);
    assert_eq!(
        client["RefreshTokenRotation"],
        json!({ "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 })
    );
    for bad in [
        json!({ "AccessTokenValidity": 4, "TokenValidityUnits": { "AccessToken": "minutes" } }),
        json!({ "IdTokenValidity": 25 }),
        json!({ "RefreshTokenValidity": 30, "TokenValidityUnits": { "RefreshToken": "minutes" } }),
        json!({ "TokenValidityUnits": { "AccessToken": "weeks" } }),
        json!({ "RefreshTokenRotation": { "Feature": "MAYBE" } }),
        json!({ "RefreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 61 } }),
        json!({ "GenerateSecret": true, "ClientSecret": "a".repeat(30) }),
        json!({ "ClientSecret": "short" }),
        json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "USER_PASSWORD_AUTH"] }),
        json!({ "ExplicitAuthFlows": ["ALLOW_EVERYTHING"] }),
        json!({ "PreventUserExistenceErrors": "SOMETIMES" }),
    ] {
        let mut body = bad.clone();
        body["UserPoolId"] = pool.clone();
        body["ClientName"] = json!("bad");
        assert_eq!(
            kind(h.admin("CreateUserPoolClient", &body)),
            "InvalidParameterException",
            "{bad}"
        );
    }
}

#[test]
fn update_and_delete_user_pool_client() {
    let h = empty();
    let pool = create_pool(&h, json!({ "PoolName": "u" }))["Id"].clone();
    let client = create_client(
        &h,
        json!({ "UserPoolId": pool, "ClientName": "before", "GenerateSecret": true,
                "PreventUserExistenceErrors": "ENABLED" }),
    );
    let id = client["ClientId"].clone();
    let updated = h
        .admin(
            "UpdateUserPoolClient",
            &json!({ "UserPoolId": pool, "ClientId": id, "ClientName": "after",
                     "AccessTokenValidity": 2 }),
        )
        .unwrap()["UserPoolClient"]
        .clone();
    assert_eq!(updated["ClientName"], "after");
    assert_eq!(updated["AccessTokenValidity"], 2);
    assert_eq!(
        updated["PreventUserExistenceErrors"], "LEGACY",
        "left out: back to the default"
    );
    assert_eq!(
        updated["ClientSecret"], client["ClientSecret"],
        "the secret stays"
    );
    h.admin(
        "DeleteUserPoolClient",
        &json!({ "UserPoolId": pool, "ClientId": id }),
    )
    .unwrap();
    assert_eq!(
        kind(h.admin(
            "DescribeUserPoolClient",
            &json!({ "UserPoolId": pool, "ClientId": id })
        )),
        "ResourceNotFoundException"
    );
}

#[test]
fn list_user_pool_clients_pages_and_pins_with_the_custom_id_name() {
    let h = empty();
    let pool = create_pool(&h, json!({ "PoolName": "l" }))["Id"].clone();
    let other = create_pool(&h, json!({ "PoolName": "other" }))["Id"].clone();
    create_client(
        &h,
        json!({ "UserPoolId": other, "ClientName": "elsewhere" }),
    );
    let pinned = create_client(
        &h,
        json!({ "UserPoolId": pool, "ClientName": "_custom_id_:myfixedclient" }),
    );
    assert_eq!(pinned["ClientId"], "myfixedclient");
    assert_eq!(pinned["ClientName"], "_custom_id_:myfixedclient");
    for i in 0..4 {
        create_client(
            &h,
            json!({ "UserPoolId": pool, "ClientName": format!("c{i}") }),
        );
    }
    let mut seen = 0;
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({ "UserPoolId": pool, "MaxResults": 2 });
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = h.admin("ListUserPoolClients", &body).unwrap();
        for c in page["UserPoolClients"].as_array().unwrap() {
            assert_eq!(c["UserPoolId"], pool);
            seen += 1;
        }
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, 5);
}

#[test]
fn management_calls_must_be_signed_and_bad_input_is_refused_with_cognitos_errors() {
    let h = empty();
    assert_eq!(
        kind(h.call("CreateUserPool", &json!({ "PoolName": "p" }))),
        "MissingAuthenticationTokenException"
    );
    assert_eq!(
        kind(h.admin("CreateUserPool", &json!({}))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin("CreateUserPool", &json!({ "PoolName": "bad/name" }))),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin("CreateUserPool", &json!({ "PoolName": 7 }))),
        "SerializationException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateUserPool",
            &json!({ "PoolName": "p", "Policies": [] })
        )),
        "SerializationException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateUserPool",
            &json!({ "PoolName": "p", "MfaConfiguration": true })
        )),
        "SerializationException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateUserPool",
            &json!({ "PoolName": "p", "UsernameAttributes": ["nickname"] })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateUserPoolClient",
            &json!({ "UserPoolId": "us-east-1_nothere1", "ClientName": "c" })
        )),
        "ResourceNotFoundException"
    );
    assert_eq!(
        kind(h.admin(
            "DescribeUserPool",
            &json!({ "UserPoolId": "us-east-1_nothere1" })
        )),
        "ResourceNotFoundException"
    );
    assert_eq!(
        kind(h.admin("NoSuchOperation", &json!({}))),
        "UnknownOperationException"
    );
}

/// A `USER_SRP_AUTH` sign-in of `username` to `pool` through `client_id`
/// (with its secret, if any): the `AuthenticationResult`.
fn sign_in(
    h: &Harness,
    pool: &str,
    client_id: &str,
    secret: Option<&str>,
    username: &str,
) -> Value {
    let app = match secret {
        Some(s) => AppClient::with_secret(client_id, ClientSecret::new(s)).unwrap(),
        None => AppClient::new(client_id).unwrap(),
    };
    let login = UserSrpClient::new(PoolId::parse(pool).unwrap())
        .with_app_client(app)
        .start(username)
        .unwrap();
    let reply = h
        .call(
            "InitiateAuth",
            &json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
                     "AuthParameters": login.auth_parameters() }),
        )
        .unwrap();
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&map(&reply["ChallengeParameters"]))
            .unwrap();
    let responses = login
        .respond(&challenge, &Password::new(PASSWORD))
        .unwrap()
        .into_challenge_responses();
    h.call(
        "RespondToAuthChallenge",
        &json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
                 "ChallengeResponses": responses }),
    )
    .unwrap()["AuthenticationResult"]
        .clone()
}

#[test]
fn a_user_signs_in_to_a_pool_and_client_made_over_the_api() {
    let h = empty();
    let pool = create_pool(
        &h,
        json!({ "PoolName": "app", "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": false } }),
    )["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = create_client(
        &h,
        json!({ "UserPoolId": pool, "ClientName": "web", "GenerateSecret": true }),
    );
    let (id, secret) = (
        client["ClientId"].as_str().unwrap(),
        client["ClientSecret"].as_str().unwrap(),
    );
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": pool, "Username": "carol", "TemporaryPassword": "Temporary-Pass-1",
                 "MessageAction": "SUPPRESS" }),
    )
    .unwrap();
    h.admin(
        "AdminSetUserPassword",
        &json!({ "UserPoolId": pool, "Username": "carol", "Password": PASSWORD, "Permanent": true }),
    )
    .unwrap();
    let result = sign_in(&h, &pool, id, Some(secret), "carol");
    let claims = claims(result["IdToken"].as_str().unwrap());
    assert_eq!(claims["cognito:username"], "carol");
    assert_eq!(claims["aud"], id);
    assert!(claims["iss"].as_str().unwrap().ends_with(&pool));
    assert!(
        result["NewDeviceMetadata"]["DeviceKey"].is_string(),
        "the pool's DeviceConfiguration turns device tracking on"
    );
}
