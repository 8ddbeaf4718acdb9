//! The tokens on standard output: JSON, or shell `export` lines.

use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use serde_json::{Map, Value};

/// The `AuthenticationResult` as the AWS CLI prints it (the same field names).
pub fn json(result: &AuthenticationResultType) -> String {
    let mut object = Map::new();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            object.insert(name.to_owned(), Value::from(value));
        }
    };
    put("AccessToken", result.access_token());
    put("IdToken", result.id_token());
    put("RefreshToken", result.refresh_token());
    put("TokenType", result.token_type());
    object.insert("ExpiresIn".into(), Value::from(result.expires_in()));
    if let Some(device) = result.new_device_metadata() {
        let mut metadata = Map::new();
        for (name, value) in [
            ("DeviceKey", device.device_key()),
            ("DeviceGroupKey", device.device_group_key()),
        ] {
            if let Some(value) = value {
                metadata.insert(name.into(), Value::from(value));
            }
        }
        object.insert("NewDeviceMetadata".into(), Value::Object(metadata));
    }
    Value::Object(object).to_string()
}

/// `export NAME='value'` lines for a POSIX shell's `eval`.
pub fn env(result: &AuthenticationResultType) -> String {
    let expires_in = result.expires_in().to_string();
    [
        ("COGNITO_ACCESS_TOKEN", result.access_token()),
        ("COGNITO_ID_TOKEN", result.id_token()),
        ("COGNITO_REFRESH_TOKEN", result.refresh_token()),
        ("COGNITO_TOKEN_TYPE", result.token_type()),
        ("COGNITO_EXPIRES_IN", Some(expires_in.as_str())),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| format!("export {name}={}\n", quote(value))))
    .collect()
}

/// Single-quoted for a POSIX shell: nothing inside is special but `'` itself.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> AuthenticationResultType {
        AuthenticationResultType::builder()
            .access_token("aaa.bbb.ccc")
            .id_token("ddd.eee.fff")
            .token_type("Bearer")
            .expires_in(3600)
            .build()
    }

    #[test]
    fn json_uses_the_aws_field_names() {
        let value: Value = serde_json::from_str(&json(&result())).unwrap();
        assert_eq!(value["AccessToken"], "aaa.bbb.ccc");
        assert_eq!(value["IdToken"], "ddd.eee.fff");
        assert_eq!(value["ExpiresIn"], 3600);
        assert!(value.get("RefreshToken").is_none());
    }

    #[test]
    fn env_lines_are_quoted_for_the_shell() {
        assert_eq!(
            env(&result()),
            "export COGNITO_ACCESS_TOKEN='aaa.bbb.ccc'\nexport COGNITO_ID_TOKEN='ddd.eee.fff'\n\
             export COGNITO_TOKEN_TYPE='Bearer'\nexport COGNITO_EXPIRES_IN='3600'\n"
        );
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
