//! User pools over the API: `CreateUserPool`, `DescribeUserPool`,
//! `UpdateUserPool`, `DeleteUserPool`, `ListUserPools`,
//! `SetUserPoolMfaConfig`, `GetUserPoolMfaConfig`.
//!
//! A new pool's id is Cognito's shape, `<region>_<9 alphanumerics>`, in
//! [`DEFAULT_REGION`]; the tag `_custom_id_` in `UserPoolTags` pins it
//! instead (LocalStack's convention), e.g. for a test that needs a fixed id.
//! `UpdateUserPool`, as on AWS, resets every setting the request leaves out
//! to its default.

use chrono::Utc;
use cognito_srp::PoolId;
use serde_json::{Map, Value, json};

use crate::Endpoint;
use crate::error::{ApiError, ApiResult, err, invalid_parameter, no_such_pool};
use crate::input::{
    check_name, field, optional_bool, optional_field, optional_integer, optional_object,
    optional_string_map, optional_strings,
};
use crate::model::pool::{
    DEFAULT_FIRST_AUTH_FACTORS, MfaConfiguration, Pool, PoolSettings, WebAuthnConfiguration,
};
use crate::ops::page::page;
use crate::password_policy::PasswordPolicy;
use crate::random::from_alphabet;

/// The region of the pools this endpoint makes (unless an id is pinned).
pub(crate) const DEFAULT_REGION: &str = "us-east-1";
/// The account in the pools' ARNs.
const ACCOUNT: &str = "000000000000";
/// The tag that pins a new pool's id.
const CUSTOM_ID_TAG: &str = "_custom_id_";

/// The attributes every pool has; any other `Schema` name is custom.
pub(crate) const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Members echoed by `DescribeUserPool` that nothing here acts on.
const ECHOED: &[&str] = &[
    "AdminCreateUserConfig",
    "AccountRecoverySetting",
    "EmailConfiguration",
    "SmsConfiguration",
    "VerificationMessageTemplate",
    "UserAttributeUpdateSettings",
    "UsernameConfiguration",
    "UserPoolAddOns",
    "UserPoolTier",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "SmsAuthenticationMessage",
    "SmsVerificationMessage",
    "SmsMfaConfiguration",
    "EmailMfaConfiguration",
];

/// A list member whose values all come from `allowed`.
fn members_of(body: &Value, name: &str, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    let values = optional_strings(body, name)?.unwrap_or_default();
    if let Some(bad) = values.iter().find(|v| !allowed.contains(&v.as_str())) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '[{bad}]' at '{}' failed to satisfy constraint: \
             Member must satisfy enum value set: {allowed:?}",
            lower_camel(name)
        )));
    }
    Ok(values)
}

/// `PoolName` -> `poolName`, as Cognito names members in its messages.
fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `Policies.PasswordPolicy` (absent members take the defaults).
fn password_policy(body: &Value) -> Result<PasswordPolicy, ApiError> {
    let mut policy = PasswordPolicy::default();
    let Some(policies) = optional_object(body, "Policies")? else {
        return Ok(policy);
    };
    let policies = Value::Object(policies.clone());
    let Some(given) = optional_object(&policies, "PasswordPolicy")? else {
        return Ok(policy);
    };
    let given = Value::Object(given.clone());
    if let Some(n) = optional_integer(
        &given,
        "MinimumLength",
        "policies.passwordPolicy.minimumLength",
        6..=99,
    )? {
        policy.minimum_length = n as usize;
    }
    for (name, slot) in [
        ("RequireUppercase", &mut policy.require_uppercase),
        ("RequireLowercase", &mut policy.require_lowercase),
        ("RequireNumbers", &mut policy.require_numbers),
        ("RequireSymbols", &mut policy.require_symbols),
    ] {
        if let Some(b) = optional_bool(&given, name)? {
            *slot = b;
        }
    }
    if let Some(days) = optional_integer(
        &given,
        "TemporaryPasswordValidityDays",
        "policies.passwordPolicy.temporaryPasswordValidityDays",
        0..=365,
    )? {
        policy.temporary_password_validity_days = if days == 0 { 7 } else { days as u32 };
    }
    Ok(policy)
}

/// The values of `AllowedFirstAuthFactors`.
const AUTH_FACTORS: [&str; 5] = [
    "PASSWORD",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
    "SOFTWARE_TOKEN",
];

/// `Policies.SignInPolicy.AllowedFirstAuthFactors`: 1 to 5 of
/// [`AUTH_FACTORS`], Cognito's default (`PASSWORD` alone) when left out.
/// `SOFTWARE_TOKEN` is "not currently supported" as a first factor, and the
/// password must stay allowed (as CDK states; Cognito's own wording is not
/// known, this endpoint's is chosen): both `InvalidParameterException`.
fn allowed_first_auth_factors(body: &Value) -> Result<Vec<String>, ApiError> {
    let default = || DEFAULT_FIRST_AUTH_FACTORS.map(str::to_owned).to_vec();
    let Some(policies) = optional_object(body, "Policies")? else {
        return Ok(default());
    };
    let policies = Value::Object(policies.clone());
    let Some(sign_in) = optional_object(&policies, "SignInPolicy")? else {
        return Ok(default());
    };
    let sign_in = Value::Object(sign_in.clone());
    let Some(mut factors) = optional_strings(&sign_in, "AllowedFirstAuthFactors")? else {
        return Ok(default());
    };
    const AT: &str = "policies.signInPolicy.allowedFirstAuthFactors";
    if factors.is_empty() || factors.len() > AUTH_FACTORS.len() {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '{factors:?}' at '{AT}' failed to satisfy \
             constraint: Member must have length between 1 and 5"
        )));
    }
    if let Some(bad) = factors.iter().find(|f| !AUTH_FACTORS.contains(&f.as_str())) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '[{bad}]' at '{AT}' failed to satisfy \
             constraint: Member must satisfy enum value set: {AUTH_FACTORS:?}"
        )));
    }
    if factors.iter().any(|f| f == "SOFTWARE_TOKEN") {
        return Err(invalid_parameter(
            "SOFTWARE_TOKEN is not currently supported as a first authentication factor.",
        ));
    }
    if !factors.iter().any(|f| f == "PASSWORD") {
        return Err(invalid_parameter(
            "AllowedFirstAuthFactors must include PASSWORD.",
        ));
    }
    factors.dedup();
    Ok(factors)
}

fn mfa_configuration(body: &Value) -> Result<Option<MfaConfiguration>, ApiError> {
    optional_field(body, "MfaConfiguration")?
        .map(|name| {
            MfaConfiguration::parse(name).ok_or_else(|| {
                invalid_parameter(format!(
                    "1 validation error detected: Value '{name}' at 'mfaConfiguration' failed to \
                     satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
                ))
            })
        })
        .transpose()
}

/// The settings `CreateUserPool` and `UpdateUserPool` share, from a request
/// (what is left out takes its default).
fn settings(
    body: &Value,
    tags: Map<String, Value>,
) -> Result<(PoolSettings, PasswordPolicy), ApiError> {
    let mut settings = PoolSettings {
        auto_verified_attributes: members_of(
            body,
            "AutoVerifiedAttributes",
            &["phone_number", "email"],
        )?,
        ..PoolSettings::default()
    };
    if let Some(mfa) = mfa_configuration(body)? {
        settings.mfa_configuration = mfa;
    }
    settings.allowed_first_auth_factors = allowed_first_auth_factors(body)?;
    if let Some(device) = optional_object(body, "DeviceConfiguration")? {
        let device = Value::Object(device.clone());
        for flag in [
            "ChallengeRequiredOnNewDevice",
            "DeviceOnlyRememberedOnUserPrompt",
        ] {
            optional_bool(&device, flag)?;
        }
        settings.device_configuration = Some(device);
    }
    if let Some(lambda) = optional_object(body, "LambdaConfig")? {
        settings.lambda_config = lambda.clone();
    }
    settings.deletion_protection = match optional_field(body, "DeletionProtection")? {
        None | Some("INACTIVE") => false,
        Some("ACTIVE") => true,
        Some(other) => {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at 'deletionProtection' failed to \
                 satisfy constraint: Member must satisfy enum value set: [ACTIVE, INACTIVE]"
            )));
        }
    };
    for (key, value) in tags {
        if let Value::String(value) = value {
            settings.tags.insert(key, value);
        }
    }
    for name in ECHOED {
        if let Some(value) = body.get(*name).filter(|v| !v.is_null()) {
            settings.other.insert((*name).to_owned(), value.clone());
        }
    }
    Ok((settings, password_policy(body)?))
}

/// `UserPoolTags`, checked (keys 1-128, values 0-256 characters).
fn tags(body: &Value) -> Result<Map<String, Value>, ApiError> {
    let tags = optional_string_map(body, "UserPoolTags")?.unwrap_or_default();
    let mut out = Map::new();
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > 128 || value.chars().count() > 256 {
            return Err(invalid_parameter(
                "1 validation error detected: Value at 'userPoolTags' failed to satisfy \
                 constraint: Map keys must have length between 1 and 128, values at most 256",
            ));
        }
        out.insert(key, Value::String(value));
    }
    Ok(out)
}

/// The pool `UserPoolId` names, or `ResourceNotFoundException`.
fn pool_id(endpoint: &Endpoint, body: &Value) -> Result<String, ApiError> {
    let id = field(body, "UserPoolId")?;
    if !endpoint.state().pools.contains_key(id) {
        return Err(no_such_pool(id));
    }
    Ok(id.to_owned())
}

/// `UserPoolType`, as `CreateUserPool` and `DescribeUserPool` show it.
pub(crate) fn describe(pool: &Pool) -> Value {
    let policy = &pool.password_policy;
    let s = &pool.settings;
    let mut out = json!({
        "Id": pool.id.as_str(),
        "Name": pool.name,
        "Arn": format!("arn:aws:cognito-idp:{}:{ACCOUNT}:userpool/{}", pool.id.region(), pool.id.as_str()),
        "CreationDate": pool.created,
        "LastModifiedDate": pool.last_modified,
        "Policies": { "PasswordPolicy": {
            "MinimumLength": policy.minimum_length,
            "RequireUppercase": policy.require_uppercase,
            "RequireLowercase": policy.require_lowercase,
            "RequireNumbers": policy.require_numbers,
            "RequireSymbols": policy.require_symbols,
            "TemporaryPasswordValidityDays": policy.temporary_password_validity_days,
        }, "SignInPolicy": { "AllowedFirstAuthFactors": s.allowed_first_auth_factors }},
        "LambdaConfig": s.lambda_config,
        "MfaConfiguration": s.mfa_configuration.name(),
        "EstimatedNumberOfUsers": pool.users.len(),
        "SchemaAttributes": s.custom_attributes,
        "UserPoolTags": s.tags,
        "DeletionProtection": if s.deletion_protection { "ACTIVE" } else { "INACTIVE" },
    });
    if !pool.username_attributes.is_empty() {
        out["UsernameAttributes"] = json!(pool.username_attributes);
    }
    if !s.alias_attributes.is_empty() {
        out["AliasAttributes"] = json!(s.alias_attributes);
    }
    if !s.auto_verified_attributes.is_empty() {
        out["AutoVerifiedAttributes"] = json!(s.auto_verified_attributes);
    }
    if let Some(device) = &s.device_configuration {
        out["DeviceConfiguration"] = device.clone();
    }
    for (key, value) in &s.other {
        if key != "SmsMfaConfiguration" && key != "EmailMfaConfiguration" {
            out[key] = value.clone();
        }
    }
    out
}

/// `CreateUserPool`.
pub(crate) fn create_user_pool(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let name = field(body, "PoolName")?;
    check_name(name, "poolName")?;
    let tags = tags(body)?;
    let id = match tags.get(CUSTOM_ID_TAG).and_then(Value::as_str) {
        Some(pinned) => PoolId::parse(pinned).map_err(|_| {
            invalid_parameter(format!(
                "{CUSTOM_ID_TAG} {pinned:?} is not a pool id (<region>_<id>)"
            ))
        })?,
        None => {
            let id = format!(
                "{DEFAULT_REGION}_{}",
                from_alphabet(
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                    9
                )
            );
            PoolId::parse(&id).map_err(crate::error::from_srp)?
        }
    };
    let username_attributes = members_of(body, "UsernameAttributes", &["phone_number", "email"])?;
    let alias_attributes = members_of(
        body,
        "AliasAttributes",
        &["phone_number", "email", "preferred_username"],
    )?;
    if !username_attributes.is_empty() && !alias_attributes.is_empty() {
        return Err(invalid_parameter(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool",
        ));
    }
    let mut custom_attributes = Vec::new();
    if let Some(schema) = body.get("Schema").filter(|v| !v.is_null()) {
        let Value::Array(schema) = schema else {
            return Err(err("SerializationException", "Expected start of list."));
        };
        for attribute in schema {
            let name = attribute
                .get("Name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty() && n.chars().count() <= 20)
                .ok_or_else(|| {
                    invalid_parameter("Schema attributes need a Name of 1 to 20 characters")
                })?;
            let mut attribute = attribute.clone();
            if !STANDARD_ATTRIBUTES.contains(&name) {
                attribute["Name"] = json!(format!("custom:{name}"));
            }
            custom_attributes.push(attribute);
        }
    }
    let (mut settings, policy) = settings(body, tags)?;
    settings.alias_attributes = alias_attributes;
    settings.custom_attributes = custom_attributes;
    let now = Utc::now().timestamp();
    let mut pool = Pool::new(id, name, now);
    pool.username_attributes = username_attributes;
    pool.password_policy = policy;
    pool.settings = settings;
    let described = describe(&pool);
    endpoint.insert_pool(pool)?;
    Ok(json!({ "UserPool": described }))
}

/// `DescribeUserPool`.
pub(crate) fn describe_user_pool(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let id = pool_id(endpoint, body)?;
    let state = endpoint.state();
    let pool = state.pools.get(&id).ok_or_else(|| no_such_pool(&id))?;
    Ok(json!({ "UserPool": describe(pool) }))
}

/// `UpdateUserPool`: the settings given replace the pool's; those left out
/// go back to their defaults, as on AWS. The name, username and alias
/// attributes and schema cannot change.
pub(crate) fn update_user_pool(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let id = pool_id(endpoint, body)?;
    let tags = tags(body)?;
    let (mut settings, policy) = settings(body, tags)?;
    let mut state = endpoint.state();
    let pool = state.pools.get_mut(&id).ok_or_else(|| no_such_pool(&id))?;
    settings.alias_attributes = std::mem::take(&mut pool.settings.alias_attributes);
    settings.custom_attributes = std::mem::take(&mut pool.settings.custom_attributes);
    // SetUserPoolMfaConfig's software-token switch outlives an update that
    // does not mention MFA.
    settings.software_token_mfa = pool.settings.software_token_mfa;
    // So do its SMS and email MFA configurations, which UpdateUserPool has
    // no member for.
    for key in ["SmsMfaConfiguration", "EmailMfaConfiguration"] {
        if let Some(value) = pool.settings.other.get(key) {
            settings.other.entry(key).or_insert_with(|| value.clone());
        }
    }
    settings.web_authn = pool.settings.web_authn.clone();
    pool.settings = settings;
    pool.password_policy = policy;
    pool.last_modified = Utc::now().timestamp();
    Ok(json!({}))
}

/// `DeleteUserPool`: the pool, its users and its app clients; refused
/// while deletion protection is on.
pub(crate) fn delete_user_pool(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let id = pool_id(endpoint, body)?;
    let mut state = endpoint.state();
    if state
        .pools
        .get(&id)
        .is_some_and(|p| p.settings.deletion_protection)
    {
        return Err(invalid_parameter(
            "The user pool cannot be deleted because deletion protection is activated.",
        ));
    }
    state.pools.remove(&id);
    state.clients.retain(|_, client| client.pool_id != id);
    Ok(json!({}))
}

/// `ListUserPools`: `MaxResults` (1-60, required) a page, by id.
pub(crate) fn list_user_pools(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let max = optional_integer(body, "MaxResults", "maxResults", 1..=60)?
        .ok_or_else(|| invalid_parameter("Missing required parameter MaxResults"))?;
    let token = optional_field(body, "NextToken")?;
    let items = endpoint
        .state()
        .pools
        .values()
        .map(|pool| {
            (
                pool.id.as_str().to_owned(),
                json!({ "Id": pool.id.as_str(), "Name": pool.name,
                        "LambdaConfig": pool.settings.lambda_config,
                        "CreationDate": pool.created, "LastModifiedDate": pool.last_modified }),
            )
        })
        .collect();
    let (pools, next) = page(items, token, max as usize)?;
    let mut out = json!({ "UserPools": pools });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

/// The MFA configuration as `GetUserPoolMfaConfig` and
/// `SetUserPoolMfaConfig` answer it.
fn mfa_config(pool: &Pool) -> Value {
    let s = &pool.settings;
    let mut out = json!({
        "SoftwareTokenMfaConfiguration": { "Enabled": s.software_token_mfa },
        "MfaConfiguration": s.mfa_configuration.name(),
    });
    for key in ["SmsMfaConfiguration", "EmailMfaConfiguration"] {
        if let Some(value) = s.other.get(key) {
            out[key] = value.clone();
        }
    }
    if let Some(web_authn) = &s.web_authn {
        out["WebAuthnConfiguration"] = json!({ "RelyingPartyId": web_authn.relying_party_id,
            "UserVerification": web_authn.user_verification });
    }
    out
}

/// `WebAuthnConfiguration` of `SetUserPoolMfaConfig`: `RelyingPartyId`
/// (1-127 characters) and `UserVerification` (`required` or `preferred`,
/// the default).
fn web_authn_configuration(body: &Value) -> Result<Option<WebAuthnConfiguration>, ApiError> {
    let Some(config) = optional_object(body, "WebAuthnConfiguration")? else {
        return Ok(None);
    };
    let config = Value::Object(config.clone());
    let Some(relying_party_id) = optional_field(&config, "RelyingPartyId")? else {
        return Ok(None);
    };
    if relying_party_id.is_empty() || relying_party_id.chars().count() > 127 {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'webAuthnConfiguration.relyingPartyId' \
             failed to satisfy constraint: Member must have length between 1 and 127",
        ));
    }
    let user_verification = match optional_field(&config, "UserVerification")? {
        None => "preferred",
        Some(v @ ("required" | "preferred")) => v,
        Some(other) => {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at \
                 'webAuthnConfiguration.userVerification' failed to satisfy constraint: Member \
                 must satisfy enum value set: [required, preferred]"
            )));
        }
    };
    Ok(Some(WebAuthnConfiguration {
        relying_party_id: relying_party_id.to_owned(),
        user_verification: user_verification.to_owned(),
    }))
}

/// `SetUserPoolMfaConfig`.
pub(crate) fn set_user_pool_mfa_config(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let id = pool_id(endpoint, body)?;
    let mfa = mfa_configuration(body)?;
    let software_token = match optional_object(body, "SoftwareTokenMfaConfiguration")? {
        Some(config) => optional_bool(&Value::Object(config.clone()), "Enabled")?,
        None => None,
    };
    let web_authn = web_authn_configuration(body)?;
    let mut state = endpoint.state();
    let pool = state.pools.get_mut(&id).ok_or_else(|| no_such_pool(&id))?;
    if web_authn.is_some() {
        pool.settings.web_authn = web_authn;
    }
    if let Some(mfa) = mfa {
        pool.settings.mfa_configuration = mfa;
    }
    if let Some(enabled) = software_token {
        pool.settings.software_token_mfa = enabled;
    }
    for key in ["SmsMfaConfiguration", "EmailMfaConfiguration"] {
        if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
            pool.settings.other.insert(key.to_owned(), value.clone());
        }
    }
    // A pool has one SMS configuration and one sign-in SMS message: those
    // given with SMS MFA are the pool's (as `UpdateUserPool` would set them).
    if let Some(sms) = body.get("SmsMfaConfiguration").and_then(Value::as_object) {
        for key in ["SmsConfiguration", "SmsAuthenticationMessage"] {
            if let Some(value) = sms.get(key).filter(|v| !v.is_null()) {
                pool.settings.other.insert(key.to_owned(), value.clone());
            }
        }
    }
    pool.last_modified = Utc::now().timestamp();
    Ok(mfa_config(pool))
}

/// `GetUserPoolMfaConfig`.
pub(crate) fn get_user_pool_mfa_config(endpoint: &Endpoint, body: &Value) -> ApiResult {
    let id = pool_id(endpoint, body)?;
    let state = endpoint.state();
    let pool = state.pools.get(&id).ok_or_else(|| no_such_pool(&id))?;
    Ok(mfa_config(pool))
}
