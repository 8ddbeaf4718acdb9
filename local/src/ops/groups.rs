//! Groups: `CreateGroup`, `GetGroup`, `ListGroups`, `UpdateGroup`,
//! `DeleteGroup`, `AdminAddUserToGroup`, `AdminRemoveUserFromGroup`,
//! `AdminListGroupsForUser`, `ListUsersInGroup`. A user's groups reach its
//! tokens as `cognito:groups`, `cognito:roles` and `cognito:preferred_role`
//! ([`crate::model::pool::Pool::group_claims`]).

use chrono::Utc;
use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_pool, no_such_user};
use crate::input::{check_username, field, optional_field, optional_integer};
use crate::model::pool::{Group, Pool};
use crate::ops::directory::user_type;
use crate::ops::page::page;

fn no_such_group() -> ApiError {
    err("ResourceNotFoundException", "Group not found.")
}

/// `GroupType`.
fn group_type(pool_id: &str, group: &Group) -> Value {
    let mut out = json!({
        "GroupName": group.name,
        "UserPoolId": pool_id,
        "CreationDate": group.created,
        "LastModifiedDate": group.last_modified,
    });
    if let Some(d) = &group.description {
        out["Description"] = json!(d);
    }
    if let Some(r) = &group.role_arn {
        out["RoleArn"] = json!(r);
    }
    if let Some(p) = group.precedence {
        out["Precedence"] = json!(p);
    }
    out
}

/// `Description`, `RoleArn` and `Precedence` of a request.
type Details = (Option<String>, Option<String>, Option<u32>);

/// `Description`, `RoleArn` and `Precedence` of a request, checked.
fn details(body: &Value) -> Result<Details, ApiError> {
    let description = optional_field(body, "Description")?;
    if description.is_some_and(|d| d.chars().count() > 2048) {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: \
             Member must have length less than or equal to 2048",
        ));
    }
    let role = optional_field(body, "RoleArn")?;
    if role.is_some_and(|r| !r.starts_with("arn:") || !(20..=2048).contains(&r.len())) {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: \
             Member must be an ARN of 20 to 2048 characters",
        ));
    }
    let precedence = optional_integer(body, "Precedence", "precedence", 0..=i32::MAX as i64)?;
    Ok((
        description.map(str::to_owned),
        role.map(str::to_owned),
        precedence.map(|p| p as u32),
    ))
}

/// Runs `f` on the pool `UserPoolId` names.
fn with_pool<T>(
    endpoint: &Endpoint,
    body: &Value,
    f: impl FnOnce(&mut Pool) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let pool_id = field(body, "UserPoolId")?;
    let mut state = endpoint.state();
    let pool = state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| no_such_pool(pool_id))?;
    f(pool)
}

/// `GroupName`, checked as Cognito's `GroupNameType` (1-128 characters of
/// letters, marks, symbols, numbers and punctuation).
fn group_name(body: &Value) -> Result<&str, ApiError> {
    let name = field(body, "GroupName")?;
    check_username(name, "groupName")?;
    Ok(name)
}

/// A page size (`Limit`, 0-60; 0 or absent: 60).
fn limit(body: &Value) -> Result<usize, ApiError> {
    Ok(match optional_integer(body, "Limit", "limit", 0..=60)? {
        None | Some(0) => 60,
        Some(n) => n as usize,
    })
}

/// `CreateGroup`.
pub(crate) fn create_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = group_name(body)?.to_owned();
    let (description, role_arn, precedence) = details(body)?;
    with_pool(endpoint, body, |pool| {
        if pool.groups.contains_key(&name) {
            return Err(err(
                "GroupExistsException",
                format!("A group with the name {name} already exists."),
            ));
        }
        let now = Utc::now().timestamp();
        let group = Group {
            name: name.clone(),
            description,
            role_arn,
            precedence,
            created: now,
            last_modified: now,
        };
        let out = group_type(pool.id.as_str(), &group);
        pool.groups.insert(name, group);
        Ok(json!({ "Group": out }))
    })
}

/// `GetGroup`.
pub(crate) fn get_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = group_name(body)?.to_owned();
    with_pool(endpoint, body, |pool| {
        let group = pool.groups.get(&name).ok_or_else(no_such_group)?;
        Ok(json!({ "Group": group_type(pool.id.as_str(), group) }))
    })
}

/// `UpdateGroup`: the members given replace the group's.
pub(crate) fn update_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = group_name(body)?.to_owned();
    let (description, role_arn, precedence) = details(body)?;
    with_pool(endpoint, body, |pool| {
        let pool_id = pool.id.as_str().to_owned();
        let group = pool.groups.get_mut(&name).ok_or_else(no_such_group)?;
        if description.is_some() {
            group.description = description;
        }
        if role_arn.is_some() {
            group.role_arn = role_arn;
        }
        if precedence.is_some() {
            group.precedence = precedence;
        }
        group.last_modified = Utc::now().timestamp();
        Ok(json!({ "Group": group_type(&pool_id, group) }))
    })
}

/// `DeleteGroup`: the group, and every user's membership of it.
pub(crate) fn delete_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = group_name(body)?.to_owned();
    with_pool(endpoint, body, |pool| {
        pool.groups.remove(&name).ok_or_else(no_such_group)?;
        for user in &mut pool.users {
            user.groups.remove(&name);
        }
        Ok(json!({}))
    })
}

/// `ListGroups`: `Limit` and `NextToken`, by name.
pub(crate) fn list_groups(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let limit = limit(body)?;
    let token = optional_field(body, "NextToken")?;
    with_pool(endpoint, body, |pool| {
        let items = pool
            .groups
            .values()
            .map(|g| (g.name.clone(), group_type(pool.id.as_str(), g)))
            .collect();
        paged(page(items, token, limit)?, "Groups", "NextToken")
    })
}

fn paged((items, next): (Vec<Value>, Option<String>), list: &str, token: &str) -> ApiResult {
    let mut out = json!({ list: items });
    if let Some(next) = next {
        out[token] = json!(next);
    }
    Ok(out)
}

/// Adds (`true`) or removes the user `Username` to or from `GroupName`.
fn membership(endpoint: &Endpoint, body: &Value, add: bool) -> ApiResult {
    let name = group_name(body)?.to_owned();
    let username = field(body, "Username")?.to_owned();
    with_pool(endpoint, body, |pool| {
        if !pool.groups.contains_key(&name) {
            return Err(no_such_group());
        }
        let user = pool.user_mut(&username).ok_or_else(no_such_user)?;
        if add {
            user.groups.insert(name);
        } else {
            user.groups.remove(&name);
        }
        Ok(json!({}))
    })
}

/// `AdminAddUserToGroup`.
pub(crate) fn admin_add_user_to_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    membership(endpoint, body, true)
}

/// `AdminRemoveUserFromGroup`.
pub(crate) fn admin_remove_user_from_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    membership(endpoint, body, false)
}

/// `AdminListGroupsForUser`: `Limit` and `NextToken`, by name.
pub(crate) fn admin_list_groups_for_user(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let username = field(body, "Username")?.to_owned();
    let limit = limit(body)?;
    let token = optional_field(body, "NextToken")?;
    with_pool(endpoint, body, |pool| {
        let user = pool.user(&username).ok_or_else(no_such_user)?;
        let items = user
            .groups
            .iter()
            .filter_map(|name| pool.groups.get(name))
            .map(|g| (g.name.clone(), group_type(pool.id.as_str(), g)))
            .collect();
        paged(page(items, token, limit)?, "Groups", "NextToken")
    })
}

/// `ListUsersInGroup`: `Limit` and `NextToken`, by username.
pub(crate) fn list_users_in_group(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = group_name(body)?.to_owned();
    let limit = limit(body)?;
    let token = optional_field(body, "NextToken")?;
    with_pool(endpoint, body, |pool| {
        if !pool.groups.contains_key(&name) {
            return Err(no_such_group());
        }
        let items = pool
            .users
            .iter()
            .filter(|u| u.groups.contains(&name))
            .map(|u| (u.username.clone(), user_type(u, None)))
            .collect();
        paged(page(items, token, limit)?, "Users", "NextToken")
    })
}
