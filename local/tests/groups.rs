//! Users and groups as an administrator manages them: `AdminGetUser`,
//! `ListUsers` with Cognito's filter and paging, `AdminDeleteUser`,
//! `AdminDisableUser`/`AdminEnableUser`, the group operations, and the
//! group claims in tokens.

mod common;

use common::*;
use serde_json::{Value, json};

fn kind(result: Result<Value, Refusal>) -> String {
    result.expect_err("refused").0
}

/// The seed's pool with alice, bob (bob@example.com) and carol (unconfirmed).
fn harness() -> Harness {
    let h = Harness::new(&seed(json!([
        { "username": "bob", "password": PASSWORD,
          "attributes": { "email": "bob@example.com", "given_name": "Bob \"B\"" } }
    ])));
    h.call(
        "SignUp",
        &json!({ "ClientId": CLIENT, "Username": "carol", "Password": PASSWORD }),
    )
    .unwrap();
    h
}

fn group(h: &Harness, name: &str, precedence: Option<u32>, role: Option<&str>) {
    let mut body = json!({ "UserPoolId": POOL, "GroupName": name });
    if let Some(p) = precedence {
        body["Precedence"] = json!(p);
    }
    if let Some(r) = role {
        body["RoleArn"] = json!(r);
    }
    h.admin("CreateGroup", &body).unwrap();
}

fn add(h: &Harness, user: &str, group: &str) {
    h.admin(
        "AdminAddUserToGroup",
        &json!({ "UserPoolId": POOL, "Username": user, "GroupName": group }),
    )
    .unwrap();
}

const ADMINS: &str = "arn:aws:iam::000000000000:role/Admins";
const READERS: &str = "arn:aws:iam::000000000000:role/Readers";

#[test]
fn groups_reach_the_tokens_with_roles_and_the_preferred_role() {
    let h = harness();
    let plain = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    let id = claims(plain["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert!(id.get("cognito:groups").is_none(), "no group, no claim");
    group(&h, "readers", Some(5), Some(READERS));
    group(&h, "admins", Some(1), Some(ADMINS));
    group(&h, "everyone", None, None);
    for g in ["readers", "admins", "everyone"] {
        add(&h, "alice", g);
    }
    let result =
        h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap()["AuthenticationResult"].clone();
    let id = claims(result["IdToken"].as_str().unwrap());
    let access = claims(result["AccessToken"].as_str().unwrap());
    assert_eq!(
        id["cognito:groups"],
        json!(["admins", "readers", "everyone"])
    );
    assert_eq!(access["cognito:groups"], id["cognito:groups"]);
    assert_eq!(id["cognito:roles"], json!([ADMINS, READERS]));
    assert_eq!(id["cognito:preferred_role"], ADMINS);
    assert!(access.get("cognito:roles").is_none());
    // A tie at the lowest precedence with different roles: no preferred role.
    h.admin(
        "UpdateGroup",
        &json!({ "UserPoolId": POOL, "GroupName": "readers", "Precedence": 1 }),
    )
    .unwrap();
    let refreshed = h
        .call(
            "InitiateAuth",
            &json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT,
                     "AuthParameters": { "REFRESH_TOKEN": result["RefreshToken"] } }),
        )
        .unwrap();
    let id = claims(
        refreshed["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert!(id.get("cognito:preferred_role").is_none(), "{id}");
    assert_eq!(
        id["cognito:groups"],
        json!(["admins", "readers", "everyone"])
    );
}

#[test]
fn group_operations_and_their_refusals() {
    let h = harness();
    group(&h, "team", Some(3), None);
    let got = h
        .admin(
            "GetGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "team" }),
        )
        .unwrap();
    assert_eq!(got["Group"]["Precedence"], 3);
    assert_eq!(got["Group"]["UserPoolId"], POOL);
    assert_eq!(
        kind(h.admin(
            "CreateGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "team" })
        )),
        "GroupExistsException"
    );
    assert_eq!(
        kind(h.admin(
            "GetGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "nope" })
        )),
        "ResourceNotFoundException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "g", "Precedence": -1 })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "g", "RoleArn": "role" })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin(
            "CreateGroup",
            &json!({ "UserPoolId": POOL, "GroupName": 5 })
        )),
        "SerializationException"
    );
    assert_eq!(
        kind(h.call(
            "CreateGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "g" })
        )),
        "MissingAuthenticationTokenException"
    );
    assert_eq!(
        kind(h.admin(
            "AdminAddUserToGroup",
            &json!({ "UserPoolId": POOL, "Username": "nobody", "GroupName": "team" })
        )),
        "UserNotFoundException"
    );
    add(&h, "alice", "team");
    add(&h, "bob", "team");
    let listed = h
        .admin(
            "ListUsersInGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "team", "Limit": 1 }),
        )
        .unwrap();
    assert_eq!(listed["Users"][0]["Username"], "alice");
    let next = h
        .admin(
            "ListUsersInGroup",
            &json!({ "UserPoolId": POOL, "GroupName": "team", "Limit": 1,
                     "NextToken": listed["NextToken"] }),
        )
        .unwrap();
    assert_eq!(next["Users"][0]["Username"], "bob");
    assert!(next.get("NextToken").is_none());
    let groups = h
        .admin(
            "AdminListGroupsForUser",
            &json!({ "UserPoolId": POOL, "Username": "alice" }),
        )
        .unwrap();
    assert_eq!(groups["Groups"][0]["GroupName"], "team");
    h.admin(
        "AdminRemoveUserFromGroup",
        &json!({ "UserPoolId": POOL, "Username": "alice", "GroupName": "team" }),
    )
    .unwrap();
    let groups = h
        .admin(
            "AdminListGroupsForUser",
            &json!({ "UserPoolId": POOL, "Username": "alice" }),
        )
        .unwrap();
    assert_eq!(groups["Groups"], json!([]));
    h.admin(
        "DeleteGroup",
        &json!({ "UserPoolId": POOL, "GroupName": "team" }),
    )
    .unwrap();
    let all = h
        .admin("ListGroups", &json!({ "UserPoolId": POOL }))
        .unwrap();
    assert_eq!(all["Groups"], json!([]));
    let groups = h
        .admin(
            "AdminListGroupsForUser",
            &json!({ "UserPoolId": POOL, "Username": "bob" }),
        )
        .unwrap();
    assert_eq!(
        groups["Groups"],
        json!([]),
        "a deleted group's members leave it"
    );
}

#[test]
fn admin_get_user_shows_status_and_attributes() {
    let h = harness();
    let bob = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "bob" }),
        )
        .unwrap();
    assert_eq!(bob["Username"], "bob");
    assert_eq!(bob["UserStatus"], "CONFIRMED");
    assert_eq!(bob["Enabled"], true);
    assert_eq!(bob["UserAttributes"][0]["Name"], "sub");
    assert!(bob["UserCreateDate"].is_i64());
    let carol = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "carol" }),
        )
        .unwrap();
    assert_eq!(carol["UserStatus"], "UNCONFIRMED");
    assert_eq!(
        kind(h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "nobody" })
        )),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": "us-east-1_Nothere1", "Username": "bob" })
        )),
        "ResourceNotFoundException"
    );
}

fn usernames(reply: &Value) -> Vec<String> {
    reply["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_users_filters_and_pages_as_cognito_does() {
    let h = harness();
    let list = |filter: &str| {
        h.admin(
            "ListUsers",
            &json!({ "UserPoolId": POOL, "Filter": filter }),
        )
        .map(|r| usernames(&r))
    };
    assert_eq!(list("").unwrap(), ["alice", "bob", "carol"]);
    assert_eq!(list("email = \"bob@example.com\"").unwrap(), ["bob"]);
    assert_eq!(list("email ^= \"al\"").unwrap(), ["alice"]);
    assert_eq!(list("username=\"carol\"").unwrap(), ["carol"]);
    assert_eq!(
        list("cognito:user_status = \"unconfirmed\"").unwrap(),
        ["carol"]
    );
    assert_eq!(list("given_name = \"Bob \\\"B\\\"\"").unwrap(), ["bob"]);
    assert_eq!(
        list("status = \"Enabled\"").unwrap(),
        ["alice", "bob", "carol"]
    );
    for bad in [
        "email",
        "email = bob",
        "custom:x = \"1\"",
        "email ~ \"b\"",
        "email = \"a\"b\"",
    ] {
        let refused = list(bad).expect_err(bad);
        assert_eq!(
            refused,
            (
                "InvalidParameterException".into(),
                "Error while parsing filter.".into()
            ),
            "{bad}"
        );
    }
    let mut seen = Vec::new();
    let mut token: Option<Value> = None;
    loop {
        let mut body = json!({ "UserPoolId": POOL, "Limit": 2 });
        if let Some(t) = &token {
            body["PaginationToken"] = t.clone();
        }
        let page = h.admin("ListUsers", &body).unwrap();
        assert!(page["Users"].as_array().unwrap().len() <= 2);
        seen.extend(usernames(&page));
        match page.get("PaginationToken") {
            Some(t) => token = Some(t.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ["alice", "bob", "carol"]);
    let only = h
        .admin(
            "ListUsers",
            &json!({ "UserPoolId": POOL, "AttributesToGet": ["email"], "Filter": "username = \"bob\"" }),
        )
        .unwrap();
    assert_eq!(
        only["Users"][0]["Attributes"],
        json!([{ "Name": "email", "Value": "bob@example.com" }])
    );
    assert_eq!(
        kind(h.admin(
            "ListUsers",
            &json!({ "UserPoolId": POOL, "AttributesToGet": ["sub"] })
        )),
        "InvalidParameterException"
    );
    assert_eq!(
        kind(h.admin("ListUsers", &json!({ "UserPoolId": POOL, "Limit": 61 }))),
        "InvalidParameterException"
    );
}

#[test]
fn a_disabled_user_cannot_sign_in_or_refresh_until_enabled() {
    let h = harness();
    let result =
        h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap()["AuthenticationResult"].clone();
    h.admin(
        "AdminDisableUser",
        &json!({ "UserPoolId": POOL, "Username": "alice" }),
    )
    .unwrap();
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None)
            .unwrap_err(),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(
        kind(h.call("GetUser", &json!({ "AccessToken": result["AccessToken"] }))),
        "NotAuthorizedException"
    );
    let refresh = h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT,
                 "AuthParameters": { "REFRESH_TOKEN": result["RefreshToken"] } }),
    );
    assert_eq!(kind(refresh), "NotAuthorizedException");
    let listed = h
        .admin(
            "ListUsers",
            &json!({ "UserPoolId": POOL, "Filter": "status = \"Disabled\"" }),
        )
        .unwrap();
    assert_eq!(usernames(&listed), ["alice"]);
    h.admin(
        "AdminEnableUser",
        &json!({ "UserPoolId": POOL, "Username": "alice" }),
    )
    .unwrap();
    assert!(h.user_srp(false, CLIENT, "alice", PASSWORD, None).is_ok());
}

#[test]
fn admin_delete_user_removes_the_user_and_its_tokens() {
    let h = harness();
    let result =
        h.user_srp(false, CLIENT, "bob", PASSWORD, None).unwrap()["AuthenticationResult"].clone();
    h.admin(
        "AdminDeleteUser",
        &json!({ "UserPoolId": POOL, "Username": "bob" }),
    )
    .unwrap();
    assert_eq!(
        kind(h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "bob" })
        )),
        "UserNotFoundException"
    );
    assert_eq!(
        kind(h.call("GetUser", &json!({ "AccessToken": result["AccessToken"] }))),
        "NotAuthorizedException"
    );
    assert_eq!(
        kind(h.admin(
            "AdminDeleteUser",
            &json!({ "UserPoolId": POOL, "Username": "bob" })
        )),
        "UserNotFoundException"
    );
}
