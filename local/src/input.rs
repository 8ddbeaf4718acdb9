//! Reading request fields as Cognito does: a member of the wrong JSON type is
//! a `SerializationException`; a value that breaks
//! a constraint of the API model is an `InvalidParameterException` in
//! Cognito's `1 validation error detected: ...` form.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::error::{ApiError, err, invalid_parameter};

/// The longest string field accepted.
const MAX_FIELD_CHARS: usize = 16 * 1024;

/// `UsernameType`'s pattern, anchored: letters, marks, symbols, numbers and
/// punctuation only (no separators, controls, NUL or format characters).
static USERNAME_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    // A constant pattern: it compiles, or every test fails at once.
    Regex::new(r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$").unwrap_or_else(|e| panic!("{e}"))
});
const USERNAME_PATTERN_TEXT: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+";
/// `UsernameType`'s longest value.
const MAX_USERNAME_CHARS: usize = 128;

fn missing(name: &str) -> ApiError {
    invalid_parameter(format!("Missing required parameter {name}"))
}

/// A JSON value where a string was expected, refused as Cognito refuses it.
fn wrong_type(value: &Value) -> ApiError {
    let message = match value {
        Value::Object(_) => "Start of structure or map found where not expected.",
        Value::Array(_) => "Start of list found where not expected.",
        Value::Bool(_) => "BOOLEAN_VALUE can not be converted to a String",
        Value::Number(_) => "NUMBER_VALUE can not be converted to a String",
        Value::Null | Value::String(_) => "Unexpected value type in payload",
    };
    err("SerializationException", message)
}

/// An optional string member: absent or `null` is `None`; another JSON type
/// is a `SerializationException`.
pub(crate) fn optional_field<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => {
            Err(invalid_parameter(format!("{name} is too long")))
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(other)),
    }
}

/// A string field of a JSON object: present, a string, and not absurdly long.
pub(crate) fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    optional_field(body, name)?.ok_or_else(|| missing(name))
}

/// A string-to-string map field (`AuthParameters`, `ChallengeResponses`).
pub(crate) fn string_map(body: &Value, name: &str) -> Result<HashMap<String, String>, ApiError> {
    let object = match body.get(name) {
        None | Some(Value::Null) => return Err(missing(name)),
        Some(Value::Object(object)) => object,
        Some(Value::Array(_)) => {
            return Err(err(
                "SerializationException",
                "Start of list found where not expected.",
            ));
        }
        Some(_) => {
            return Err(err(
                "SerializationException",
                "Expected start of structure or map.",
            ));
        }
    };
    let mut out = HashMap::new();
    for (key, value) in object {
        match value {
            Value::String(s) if s.chars().count() <= MAX_FIELD_CHARS => {
                out.insert(key.clone(), s.clone());
            }
            Value::String(_) => {
                return Err(invalid_parameter(format!("{name}.{key} is too long")));
            }
            // amazon-cognito-identity-js sends DEVICE_KEY: null after a device is forgotten.
            Value::Null => {}
            other => return Err(wrong_type(other)),
        }
    }
    Ok(out)
}

/// A required key of a string map.
pub(crate) fn required<'m>(
    map: &'m HashMap<String, String>,
    key: &str,
) -> Result<&'m str, ApiError> {
    map.get(key).map(String::as_str).ok_or_else(|| missing(key))
}

/// Checks a username against `UsernameType` (1 to 128 characters of
/// Cognito's pattern). `member` is the request member's lower-camel-case
/// name; the value is sensitive, so, as Cognito does, it is not echoed.
pub(crate) fn check_username(username: &str, member: &str) -> Result<(), ApiError> {
    let length = username.chars().count();
    if length == 0 {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have length greater than or equal to 1"
        )));
    }
    if length > MAX_USERNAME_CHARS {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have length less than or equal to {MAX_USERNAME_CHARS}"
        )));
    }
    if !USERNAME_PATTERN.is_match(username) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: {USERNAME_PATTERN_TEXT}"
        )));
    }
    Ok(())
}

/// An optional boolean member; another JSON type is a `SerializationException`.
pub(crate) fn optional_bool(body: &Value, name: &str) -> Result<Option<bool>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(_)) => Err(err(
            "SerializationException",
            "STRING_VALUE can not be converted to a Boolean",
        )),
        Some(other) => Err(wrong_type(other)),
    }
}

/// An optional integer member within `range` (`member` names it in the
/// validation message); another JSON type is a `SerializationException`.
pub(crate) fn optional_integer(
    body: &Value,
    name: &str,
    member: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, ApiError> {
    let n = match body.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(_)) => {
            return Err(err(
                "SerializationException",
                "STRING_VALUE can not be converted to an Integer",
            ));
        }
        Some(other) => return Err(wrong_type(other)),
    };
    match n {
        Some(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have value between {} and {}",
            range.start(),
            range.end()
        ))),
    }
}

/// An optional list of strings.
pub(crate) fn optional_strings(body: &Value, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) if s.chars().count() <= MAX_FIELD_CHARS => Ok(s.clone()),
                Value::String(_) => Err(invalid_parameter(format!("{name} has a member too long"))),
                other => Err(wrong_type(other)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(Value::Object(_)) => Err(err(
            "SerializationException",
            "Start of structure or map found where not expected.",
        )),
        Some(other) => Err(wrong_type(other)),
    }
}

/// An optional structure member (a JSON object).
pub(crate) fn optional_object<'a>(
    body: &'a Value,
    name: &str,
) -> Result<Option<&'a serde_json::Map<String, Value>>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object)),
        Some(Value::Array(_)) => Err(err(
            "SerializationException",
            "Start of list found where not expected.",
        )),
        Some(_) => Err(err(
            "SerializationException",
            "Expected start of structure or map.",
        )),
    }
}

/// An optional string-to-string map (`UserPoolTags`); absent is empty.
pub(crate) fn optional_string_map(
    body: &Value,
    name: &str,
) -> Result<Option<HashMap<String, String>>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => string_map(body, name).map(Some),
    }
}

/// Checks a name against Cognito's `[\w\s+=,.@-]+` of 1 to 128 characters
/// (`PoolName`, `ClientName`, `GroupName`); `member` is its lower-camel-case
/// name.
pub(crate) fn check_name(value: &str, member: &str) -> Result<(), ApiError> {
    let length = value.chars().count();
    let allowed =
        |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c);
    if length == 0 || length > 128 || !value.chars().all(allowed) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+ and have length \
             between 1 and 128"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usernames_follow_cognitos_length_and_pattern() {
        for good in [
            "alice",
            "alice@example.com",
            "Ünïcødé-名前",
            "a+b_c.d",
            &"x".repeat(128),
        ] {
            assert_eq!(check_username(good, "username"), Ok(()), "{good:?}");
        }
        for bad in [
            "",
            " ",
            "   ",
            "\t",
            "a b",
            "a\0b",
            "a\u{7}",
            "a\u{200b}",
            &"x".repeat(129),
        ] {
            let e = check_username(bad, "username").unwrap_err();
            assert_eq!(e.kind, "InvalidParameterException", "{bad:?}");
            assert!(
                e.message
                    .starts_with("1 validation error detected: Value at 'username'")
            );
        }
    }

    #[test]
    fn a_member_of_the_wrong_json_type_is_a_serialization_error() {
        for value in [json!(true), json!(7), json!({}), json!([])] {
            let body = json!({ "AuthFlow": value });
            assert_eq!(
                field(&body, "AuthFlow").unwrap_err().kind,
                "SerializationException"
            );
            let body = json!({ "AuthParameters": { "USERNAME": value } });
            assert_eq!(
                string_map(&body, "AuthParameters").unwrap_err().kind,
                "SerializationException"
            );
        }
        assert_eq!(
            string_map(&json!({ "AuthParameters": "x" }), "AuthParameters")
                .unwrap_err()
                .kind,
            "SerializationException"
        );
        assert_eq!(
            field(&json!({}), "AuthFlow").unwrap_err().kind,
            "InvalidParameterException"
        );
    }
}
