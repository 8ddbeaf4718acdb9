//! A small blocking HTTP client that signs in with the `cognito-srp` crate's
//! sign-in driver, as any Rust program would against Cognito (used by the
//! interop script, the load test and the tests).

use cognito_srp::signin::{Call, Next, Reply, Request, Step};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, Password, PoolId};
use serde_json::{Value, json};

/// One endpoint, one app client.
pub struct CognitoHttp {
    agent: ureq::Agent,
    url: String,
    pool: PoolId,
    app: AppClient,
    /// IAM credentials to sign the `Admin*` calls with (SigV4).
    iam: Option<(String, String)>,
}

/// What a sign-in ends with.
#[derive(Debug)]
pub struct SignIn {
    /// `AuthenticationResult`.
    pub result: Value,
    /// Whether it went through `DEVICE_SRP_AUTH`.
    pub used_device: bool,
}

impl CognitoHttp {
    /// A client of `url` for the pool and app client given.
    pub fn new(
        url: &str,
        pool_id: &str,
        client_id: &str,
        secret: Option<&str>,
    ) -> Result<Self, String> {
        let pool = PoolId::parse(pool_id).map_err(|e| e.to_string())?;
        let app = match secret {
            Some(s) => AppClient::with_secret(client_id, ClientSecret::new(s)),
            None => AppClient::new(client_id),
        }
        .map_err(|e| e.to_string())?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Ok(CognitoHttp {
            agent,
            url: url.to_owned(),
            pool,
            app,
            iam: None,
        })
    }

    /// The same client, signing its `Admin*` calls (SigV4, with AWS's
    /// `aws-sigv4`) with these IAM credentials, as an AWS SDK would.
    pub fn with_credentials(mut self, access_key_id: &str, secret_access_key: &str) -> Self {
        self.iam = Some((access_key_id.to_owned(), secret_access_key.to_owned()));
        self
    }

    /// `X-Amz-Date` and `Authorization` for a signed call.
    fn sign(&self, target: &str, body: &str) -> Result<Vec<(String, String)>, String> {
        use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
        let Some((access_key_id, secret)) = &self.iam else {
            return Ok(Vec::new());
        };
        let identity = aws_credential_types::Credentials::new(
            access_key_id.as_str(),
            secret.as_str(),
            None,
            None,
            "cognito-srp-local client",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(self.pool.region())
            .name(crate::sigv4::SERVICE)
            .time(std::time::SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", target),
        ];
        let request = SignableRequest::new(
            "POST",
            self.url.as_str(),
            headers.into_iter(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect())
    }

    /// One call: the response body, or `Err("<__type>: <message>")`.
    pub fn call(&self, operation: &str, body: &Value) -> Result<Value, String> {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let body = body.to_string();
        let mut request = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", &target);
        if operation.starts_with("Admin") {
            for (name, value) in self.sign(&target, &body)? {
                request = request.header(name, value);
            }
        }
        let mut response = request.send(body).map_err(|e| format!("HTTP: {e}"))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("HTTP body: {e}"))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("bad JSON from the endpoint: {e}"))?;
        if status == 200 {
            Ok(value)
        } else {
            Err(format!(
                "{}: {}",
                value["__type"].as_str().unwrap_or("?"),
                value["message"].as_str().unwrap_or("")
            ))
        }
    }

    /// USER_SRP_AUTH, then DEVICE_SRP_AUTH when the endpoint asks for it:
    /// the crate's sign-in driver ([`cognito_srp::signin::SignIn`]), each
    /// request sent as its JSON body. A challenge that needs a person (an MFA
    /// code, a new password) is an error here.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        device: Option<&DeviceCredentials>,
    ) -> Result<SignIn, String> {
        let mut signin =
            cognito_srp::signin::SignIn::new(self.pool.clone(), self.app.clone(), username)
                .map_err(|e| e.to_string())?;
        if let Some(device) = device {
            signin = signin.with_device(device.clone());
        }
        let mut step = signin
            .start(Password::new(password))
            .map_err(|e| e.to_string())?;
        let mut used_device = false;
        loop {
            if let Call::Respond { challenge_name, .. } = step.request().call() {
                used_device |= challenge_name == "DEVICE_SRP_AUTH";
            }
            let (response, reply) = self.send(step.request())?;
            match step.receive(reply).map_err(|e| e.to_string())? {
                Next::Send(next) => step = next,
                Next::Prompt(prompt) => {
                    return Err(format!(
                        "{} needs an answer this client cannot give",
                        prompt.challenge_name()
                    ));
                }
                Next::SignedIn(_) => {
                    return Ok(SignIn {
                        result: response["AuthenticationResult"].clone(),
                        used_device,
                    });
                }
            }
        }
    }

    /// The driver's first step of a `USER_SRP_AUTH` sign-in as `username`,
    /// for a caller that sends each step itself with [`CognitoHttp::send`].
    pub fn start(&self, username: &str, password: &str) -> Result<Step, String> {
        cognito_srp::signin::SignIn::new(self.pool.clone(), self.app.clone(), username)
            .and_then(|signin| signin.start(Password::new(password)))
            .map_err(|e| e.to_string())
    }

    /// Sends one request of the driver as its JSON body: the response body,
    /// and the same read as the driver's [`Reply`].
    pub fn send(&self, request: &Request) -> Result<(Value, Reply), String> {
        let body: Value =
            serde_json::from_str(&request.to_json()).map_err(|e| format!("request body: {e}"))?;
        let response = self.call(request.operation().name(), &body)?;
        let reply = Reply::from_json(&response.to_string()).map_err(|e| e.to_string())?;
        Ok((response, reply))
    }

    /// ConfirmDevice for the `NewDeviceMetadata` of a sign-in; the device's credentials.
    pub fn confirm_device(&self, result: &Value) -> Result<DeviceCredentials, String> {
        let metadata = &result["NewDeviceMetadata"];
        let (key, group) = (
            metadata["DeviceKey"]
                .as_str()
                .ok_or("no NewDeviceMetadata")?,
            metadata["DeviceGroupKey"]
                .as_str()
                .ok_or("no DeviceGroupKey")?,
        );
        let (device, config) =
            DeviceCredentials::generate(group, key).map_err(|e| e.to_string())?;
        self.call(
            "ConfirmDevice",
            &json!({ "AccessToken": result["AccessToken"], "DeviceKey": key,
                     "DeviceSecretVerifierConfig": config.to_map(), "DeviceName": "cognito-srp" }),
        )?;
        Ok(device)
    }
}
