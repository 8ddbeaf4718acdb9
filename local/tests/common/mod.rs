//! What the specification tests share: a seeded endpoint called in process
//! through [`Endpoint::dispatch`] (the same entry the HTTP transport uses),
//! requests signed with AWS's own `aws-sigv4`, and sign-ins driven by the
//! `cognito-srp` crate's sign-in driver (or its per-step clients, where a test
//! crafts a step itself).

#![allow(dead_code)]

use std::collections::HashMap;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use cognito_srp::signin::{Next, Reply, Request, SignIn};
use cognito_srp::{
    AppClient, DeviceCredentials, DevicePasswordVerifierChallenge, DeviceSrpClient, Password,
    PasswordVerifierChallenge, PoolId,
};
use cognito_srp_local::Endpoint;
use cognito_srp_local::sigv4::ReceivedRequest;
use serde_json::{Value, json};

pub const POOL: &str = "us-east-1_OpsPool1";
pub const CLIENT: &str = "opsclient";
pub const DEVICE_CLIENT: &str = "opsdevices";
pub const ACCESS_KEY: &str = "AKIAMOCKCOGNITO000001";
pub const SECRET_KEY: &str = "mock/secret/key/0000000000000000000001";
pub const HOST: &str = "cognito-idp.us-east-1.amazonaws.com";
pub const PASSWORD: &str = "Correct-Horse-1";

/// An error as the wire gives it: `(__type, message)`.
pub type Refusal = (String, String);

/// The seed every test starts from, with `extra_users` added to the pool.
pub fn seed(extra_users: Value) -> Value {
    let mut users = vec![json!({ "username": "alice", "password": PASSWORD,
                                 "attributes": { "email": "alice@example.com" } })];
    users.extend(extra_users.as_array().cloned().unwrap_or_default());
    json!({
        "credentials": [{ "access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY }],
        "pools": [{ "id": POOL,
            "custom_challenge": { "parameters": { "question": "2+2?" }, "answer": "4" },
            "clients": [{ "id": CLIENT }, { "id": DEVICE_CLIENT, "remember_devices": true }],
            "users": users }]
    })
}

pub struct Harness {
    pub endpoint: Endpoint,
}

fn parse(response: cognito_srp_local::Response) -> Result<Value, Refusal> {
    let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    if response.status == 200 {
        Ok(body)
    } else {
        assert_eq!(
            response.error.as_ref().map(|e| e.kind),
            body["__type"].as_str(),
            "x-amzn-ErrorType and __type agree"
        );
        Err((
            body["__type"].as_str().unwrap_or_default().to_owned(),
            body["message"].as_str().unwrap_or_default().to_owned(),
        ))
    }
}

/// The headers of a Cognito call to `operation` on [`HOST`].
pub fn headers(operation: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        ("Host".into(), HOST.into()),
        ("Content-Type".into(), "application/x-amz-json-1.1".into()),
        (
            "X-Amz-Target".into(),
            format!("AWSCognitoIdentityProviderService.{operation}").into_bytes(),
        ),
    ]
}

/// Signs `headers` + `body` as an AWS SDK would, at `time`, and returns the
/// headers with `X-Amz-Date` and `Authorization` added.
pub fn sign_request(
    mut headers: Vec<(String, Vec<u8>)>,
    body: &[u8],
    access_key: &str,
    secret_key: &str,
    region: &str,
    time: SystemTime,
) -> Vec<(String, Vec<u8>)> {
    let identity = Credentials::new(access_key, secret_key, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name("cognito-idp")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let text: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8(v.clone()).unwrap()))
        .collect();
    let signable = SignableRequest::new(
        "POST",
        format!("https://{HOST}/"),
        text.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    for (name, value) in instructions.headers() {
        headers.push((name.to_owned(), value.as_bytes().to_vec()));
    }
    headers
}

impl Harness {
    pub fn new(seed: &Value) -> Self {
        Harness {
            endpoint: cognito_srp_local::seed_from_json(seed).unwrap(),
        }
    }

    /// One request with these exact headers and body.
    pub fn raw(&self, headers: &[(String, Vec<u8>)], body: &[u8]) -> Result<Value, Refusal> {
        parse(self.endpoint.dispatch(&ReceivedRequest {
            method: "POST",
            path_and_query: "/",
            headers,
            body,
        }))
    }

    /// A `GET` of `path`: status, content type and body.
    pub fn get(&self, path: &str) -> (u16, &'static str, Value) {
        let response = self.endpoint.dispatch(&ReceivedRequest {
            method: "GET",
            path_and_query: path,
            headers: &[],
            body: b"",
        });
        (
            response.status,
            response.content_type,
            serde_json::from_str(&response.body).unwrap_or(Value::Null),
        )
    }

    /// An unsigned call, as the public operations are made.
    pub fn call(&self, operation: &str, body: &Value) -> Result<Value, Refusal> {
        self.raw(&headers(operation), body.to_string().as_bytes())
    }

    /// A call signed with the seed's credentials, now.
    pub fn admin(&self, operation: &str, body: &Value) -> Result<Value, Refusal> {
        let bytes = body.to_string().into_bytes();
        let signed = sign_request(
            headers(operation),
            &bytes,
            ACCESS_KEY,
            SECRET_KEY,
            "us-east-1",
            SystemTime::now(),
        );
        self.raw(&signed, &bytes)
    }

    /// `InitiateAuth`, or `AdminInitiateAuth` (signed, with `UserPoolId`) when `admin`.
    pub fn initiate(&self, admin: bool, mut body: Value) -> Result<Value, Refusal> {
        if admin {
            body["UserPoolId"] = json!(POOL);
            self.admin("AdminInitiateAuth", &body)
        } else {
            self.call("InitiateAuth", &body)
        }
    }

    /// `RespondToAuthChallenge`, or its admin form when `admin`.
    pub fn respond(&self, admin: bool, mut body: Value) -> Result<Value, Refusal> {
        if admin {
            body["UserPoolId"] = json!(POOL);
            self.admin("AdminRespondToAuthChallenge", &body)
        } else {
            self.call("RespondToAuthChallenge", &body)
        }
    }

    /// Answers a `PASSWORD_VERIFIER` reply with the crate's client maths.
    pub fn answer_password_verifier(
        &self,
        admin: bool,
        client_id: &str,
        login: cognito_srp::UserSrpSignIn,
        reply: &Value,
        password: &str,
        extra: &[(&str, &str)],
    ) -> Result<Value, Refusal> {
        assert_eq!(reply["ChallengeName"], "PASSWORD_VERIFIER", "{reply}");
        assert!(
            reply.get("Session").is_none(),
            "no Session with PASSWORD_VERIFIER"
        );
        let challenge = PasswordVerifierChallenge::from_challenge_parameters(&map(
            &reply["ChallengeParameters"],
        ))
        .unwrap();
        let mut responses = login
            .respond(&challenge, &Password::new(password))
            .unwrap()
            .into_challenge_responses();
        for (k, v) in extra {
            responses.insert((*k).to_owned(), (*v).to_owned());
        }
        self.respond(
            admin,
            json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
                    "ChallengeResponses": responses }),
        )
    }

    /// A whole `USER_SRP_AUTH` sign-in up to the reply after `PASSWORD_VERIFIER`,
    /// through the crate's sign-in driver (its requests, sent as their JSON
    /// bodies); what follows (a device step, MFA) is left to the test.
    pub fn user_srp(
        &self,
        admin: bool,
        client_id: &str,
        username: &str,
        password: &str,
        device: Option<&DeviceCredentials>,
    ) -> Result<Value, Refusal> {
        let mut signin = SignIn::new(pool(), app(client_id), username).unwrap();
        if let Some(device) = device {
            signin = signin.with_device(device.clone());
        }
        let step = signin.start(Password::new(password)).unwrap();
        let reply = self.initiate(admin, body_of(step.request()))?;
        assert_eq!(reply["ChallengeName"], "PASSWORD_VERIFIER", "{reply}");
        assert!(
            reply.get("Session").is_none(),
            "no Session with PASSWORD_VERIFIER"
        );
        let Next::Send(answer) = step
            .receive(Reply::from_json(&reply.to_string()).unwrap())
            .unwrap()
        else {
            panic!("the driver answers PASSWORD_VERIFIER itself: {reply}");
        };
        self.respond(admin, body_of(answer.request()))
    }

    /// Answers `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER` with the device's maths.
    pub fn device_steps(
        &self,
        admin: bool,
        client_id: &str,
        reply: &Value,
        device: &DeviceCredentials,
    ) -> Result<Value, Refusal> {
        assert_eq!(reply["ChallengeName"], "DEVICE_SRP_AUTH", "{reply}");
        let user_id = reply["ChallengeParameters"]["USERNAME"].as_str().unwrap();
        let login = DeviceSrpClient::new(device.clone())
            .with_app_client(app(client_id))
            .start(user_id)
            .unwrap();
        let reply = self.respond(
            admin,
            json!({ "ChallengeName": "DEVICE_SRP_AUTH", "ClientId": client_id,
                    "ChallengeResponses": login.challenge_responses(), "Session": reply["Session"] }),
        )?;
        let challenge = DevicePasswordVerifierChallenge::from_challenge_parameters(&map(
            &reply["ChallengeParameters"],
        ))
        .unwrap();
        let claim = login.respond(&challenge).unwrap();
        self.respond(
            admin,
            json!({ "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ClientId": client_id,
                    "ChallengeResponses": claim.challenge_responses(), "Session": reply["Session"] }),
        )
    }

    /// Confirms the `NewDeviceMetadata` of a sign-in's result; the device.
    pub fn confirm_device(&self, result: &Value) -> DeviceCredentials {
        let metadata = &result["NewDeviceMetadata"];
        let key = metadata["DeviceKey"].as_str().expect("NewDeviceMetadata");
        let group = metadata["DeviceGroupKey"].as_str().unwrap();
        let (device, config) = DeviceCredentials::generate(group, key).unwrap();
        self.call(
            "ConfirmDevice",
            &json!({ "AccessToken": result["AccessToken"], "DeviceKey": key,
                     "DeviceSecretVerifierConfig": config.to_map(), "DeviceName": "test phone" }),
        )
        .unwrap();
        device
    }
}

pub fn pool() -> PoolId {
    PoolId::parse(POOL).unwrap()
}

pub fn app(client_id: &str) -> AppClient {
    AppClient::new(client_id).unwrap()
}

/// A driver's request as the JSON body it sends.
pub fn body_of(request: &Request) -> Value {
    serde_json::from_str(&request.to_json()).unwrap()
}

pub fn map(value: &Value) -> HashMap<String, String> {
    value
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// The JOSE header of a JWT.
pub fn header(jwt: &str) -> Value {
    use base64::Engine as _;
    let part = jwt.split('.').next().unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap(),
    )
    .unwrap()
}
