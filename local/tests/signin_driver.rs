//! The crate's sign-in driver (`cognito_srp::signin`) against the endpoint,
//! in process: each request goes through its JSON wire form to
//! `Endpoint::handle`, and each answer back through `Reply::from_json`.

use cognito_srp::signin::{Next, Reply, Request, SignIn, SignedIn};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, Password, PoolId};
use cognito_srp_local::Endpoint;
use serde_json::{Value, json};

const POOL: &str = "us-east-1_DriverPool1";
const PASSWORD: &str = "Correct-Horse-1";

fn endpoint() -> Endpoint {
    cognito_srp_local::seed_from_json(&json!({ "pools": [{ "id": POOL,
        "clients": [{ "id": "publicclient", "remember_devices": true },
                    { "id": "secretclient", "secret": "s3cr3t-client-secret" }],
        "users": [{ "username": "alice", "password": PASSWORD }] }] }))
    .unwrap()
}

fn exchange(endpoint: &Endpoint, request: &Request) -> Result<Reply, String> {
    let body: Value = serde_json::from_str(&request.to_json()).unwrap();
    let answer = endpoint
        .handle(request.operation().name(), &body)
        .map_err(|e| format!("{e:?}"))?;
    Ok(Reply::from_json(&answer.to_string()).unwrap())
}

/// The driver's loop; the endpoint asks no prompt in these flows.
fn sign_in(
    endpoint: &Endpoint,
    signin: SignIn,
    password: &str,
) -> Result<(SignedIn, Vec<String>), String> {
    let mut step = signin.start(Password::new(password)).unwrap();
    let mut answered = Vec::new();
    loop {
        let reply = exchange(endpoint, step.request())?;
        match step.receive(reply).map_err(|e| e.to_string())? {
            Next::Send(next) => {
                if let cognito_srp::signin::Call::Respond { challenge_name, .. } =
                    next.request().call()
                {
                    answered.push(challenge_name.clone());
                }
                step = next;
            }
            Next::Prompt(prompt) => return Err(format!("unexpected prompt {prompt:?}")),
            Next::SignedIn(done) => return Ok((done, answered)),
        }
    }
}

fn app(secret: bool) -> AppClient {
    if secret {
        AppClient::with_secret("secretclient", ClientSecret::new("s3cr3t-client-secret")).unwrap()
    } else {
        AppClient::new("publicclient").unwrap()
    }
}

#[test]
fn user_srp_auth_with_and_without_a_client_secret() {
    let endpoint = endpoint();
    for secret in [false, true] {
        let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(secret), "alice").unwrap();
        let (done, answered) = sign_in(&endpoint, signin, PASSWORD).unwrap();
        assert_eq!(answered, ["PASSWORD_VERIFIER"]);
        assert!(done.access_token().starts_with("eyJ"));
        assert_eq!(
            done.new_device().is_some(),
            !secret,
            "only the public client tracks devices"
        );
    }
}

#[test]
fn a_wrong_password_is_refused_by_the_endpoint() {
    let endpoint = endpoint();
    let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "alice").unwrap();
    let error = sign_in(&endpoint, signin, "Wrong-Horse-1").unwrap_err();
    assert!(error.contains("NotAuthorizedException"), "{error}");
}

#[test]
fn a_new_device_confirmed_then_device_srp_auth() {
    let endpoint = endpoint();
    let signin = SignIn::new(PoolId::parse(POOL).unwrap(), app(false), "alice")
        .unwrap()
        .with_device_name("driver test");
    let (done, _) = sign_in(&endpoint, signin.clone(), PASSWORD).unwrap();
    let (credentials, confirm) = done.into_parts().1.expect("a new device").into_parts();
    let config = confirm.device_secret_verifier_config();
    endpoint
        .handle(
            "ConfirmDevice",
            &json!({ "AccessToken": confirm.access_token(), "DeviceKey": confirm.device_key(),
                     "DeviceName": confirm.device_name(),
                     "DeviceSecretVerifierConfig": config.to_map() }),
        )
        .unwrap();

    let (done, answered) = sign_in(
        &endpoint,
        signin.clone().with_device(credentials.clone()),
        PASSWORD,
    )
    .unwrap();
    assert_eq!(
        answered,
        [
            "PASSWORD_VERIFIER",
            "DEVICE_SRP_AUTH",
            "DEVICE_PASSWORD_VERIFIER"
        ]
    );
    assert!(done.new_device().is_none());

    // A device the pool does not know: refused, and the sign-in starts over without it.
    let unknown = DeviceCredentials::new(
        credentials.device_group_key(),
        "us-east-1_00000000-0000-4000-8000-000000000000",
        credentials.device_password().clone(),
    )
    .unwrap();
    let error = sign_in(&endpoint, signin.clone().with_device(unknown), PASSWORD).unwrap_err();
    assert!(error.contains("ResourceNotFoundException"), "{error}");
    let (_, answered) = sign_in(&endpoint, signin.without_device(), PASSWORD).unwrap();
    assert_eq!(answered, ["PASSWORD_VERIFIER"]);
}
