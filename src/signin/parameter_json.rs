//! Challenge parameters that Cognito sends as JSON inside a string
//! (`requiredAttributes`, `userAttributes`, `MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`,
//! `CREDENTIAL_REQUEST_OPTIONS`). The JSON bodies of whole requests and
//! replies are `body_json.rs`.

use crate::error::{Error, Field, Result};
use crate::wire::ParameterMap;

/// A JSON array of strings, such as `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`.
pub(crate) fn string_array(field: Field, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|_| Error::invalid(field, "not a JSON array of strings"))
}

/// A JSON object whose values are strings (or `null`, which is left out), such
/// as `{"email":"alice@example.com","email_verified":"true"}`.
pub(crate) fn string_object(field: Field, text: &str) -> Result<ParameterMap> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|_| Error::invalid(field, "not a JSON object"))?;
    let mut out = ParameterMap::with_capacity(map.len());
    for (key, value) in map {
        match value {
            serde_json::Value::String(value) => {
                out.insert(key, value);
            }
            serde_json::Value::Null => {}
            _ => return Err(Error::invalid(field, "a value is not a string")),
        }
    }
    Ok(out)
}

/// Whether `text` is a JSON object (`CREDENTIAL_REQUEST_OPTIONS`, `CREDENTIAL`).
pub(crate) fn is_object(text: &str) -> bool {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).is_ok()
}

#[cfg(test)]
mod tests {
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn arrays_of_strings_only() {
        assert_eq!(
            string_array(Field::MfasCanChoose, r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#).unwrap(),
            ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
        );
        assert_eq!(
            string_array(Field::RequiredAttributes, "[]").unwrap(),
            Vec::<String>::new()
        );
        for bad in ["", "SMS_MFA", "[1]", r#"{"a":"b"}"#, r#"["a""#, "null"] {
            assert_eq!(
                string_array(Field::MfasCanChoose, bad),
                Err(Error::invalid(
                    Field::MfasCanChoose,
                    "not a JSON array of strings"
                )),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn objects_of_strings_drop_nulls() {
        let map = string_object(
            Field::UserAttributes,
            r#"{"email":"a@example.com","email_verified":"true","name":null}"#,
        )
        .unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["email_verified"], "true");
        assert!(string_object(Field::UserAttributes, r#"{"n":1}"#).is_err());
        assert!(string_object(Field::UserAttributes, "[]").is_err());
    }
}
