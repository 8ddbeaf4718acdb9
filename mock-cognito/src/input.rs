//! Reading request fields: present, of the right JSON type, not absurdly long.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{ApiError, invalid_parameter};

/// The longest string field accepted.
const MAX_FIELD_CHARS: usize = 16 * 1024;

fn missing(name: &str) -> ApiError {
    invalid_parameter(format!("Missing required parameter {name}"))
}

/// A string field of a JSON object: present, a string, and not absurdly long.
pub(crate) fn field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    let value = body
        .get(name)
        .ok_or_else(|| missing(name))?
        .as_str()
        .ok_or_else(|| invalid_parameter(format!("{name} must be a string")))?;
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(invalid_parameter(format!("{name} is too long")));
    }
    Ok(value)
}

/// A string-to-string map field (`AuthParameters`, `ChallengeResponses`).
pub(crate) fn string_map(body: &Value, name: &str) -> Result<HashMap<String, String>, ApiError> {
    let object = body
        .get(name)
        .ok_or_else(|| missing(name))?
        .as_object()
        .ok_or_else(|| invalid_parameter(format!("{name} must be a map")))?;
    let mut out = HashMap::new();
    for (key, value) in object {
        match value {
            Value::String(s) if s.chars().count() <= MAX_FIELD_CHARS => {
                out.insert(key.clone(), s.clone());
            }
            // amazon-cognito-identity-js sends DEVICE_KEY: null after a device is forgotten.
            Value::Null => {}
            _ => {
                return Err(invalid_parameter(format!(
                    "{name}.{key} must be a short string"
                )));
            }
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
