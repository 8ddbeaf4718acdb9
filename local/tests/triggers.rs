//! The pools' Lambda triggers, run on a Lambda host through the Invoke API.
//!
//! The host here is a small hyper server in the test that speaks the Invoke
//! API (`POST /2015-03-31/functions/<name>/invocations`), refuses any call
//! whose SigV4 signature (service `lambda`) does not check, records every
//! event, and answers with the test's scripted function: an event back, a
//! function error (`X-Amz-Function-Error: Unhandled`), something that is not
//! JSON, or nothing in time.

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cognito_srp::{Password, PasswordVerifierChallenge, UserSrpClient};
use cognito_srp_local::LambdaHost;
use cognito_srp_local::sigv4::{CredentialStore, ReceivedRequest, verify_for_service};
use common::*;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{Value, json};

const LAMBDA_KEY: &str = "AKIALAMBDATEST000001";
const LAMBDA_SECRET: &str = "lambda/secret/0000000000000000000000001";
const PW_CLIENT: &str = "pwclient";
/// An app client with `PreventUserExistenceErrors` `ENABLED`.
const PUE_CLIENT: &str = "pueclient";

/// What a scripted function does with an event.
enum Answer {
    /// Returns this `response` in the event.
    Respond(Value),
    /// Fails with this `errorMessage`.
    Fail(&'static str),
    /// Answers this raw body.
    Raw(&'static str),
    /// Answers after this long.
    Late(Duration),
    /// The host has no such function (as serverless-offline answers).
    NoSuchFunction,
}

type Script = dyn Fn(&str, &Value) -> Answer + Send + Sync;

/// The fake Lambda host: its address and every event it was given, by
/// function name.
struct FakeLambda {
    addr: SocketAddr,
    events: Arc<Mutex<Vec<(String, Value)>>>,
}

impl FakeLambda {
    fn start(script: impl Fn(&str, &Value) -> Answer + Send + Sync + 'static) -> Self {
        let script: Arc<Script> = Arc::new(script);
        let events = Arc::new(Mutex::new(Vec::new()));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let recorded = events.clone();
        std::thread::spawn(move || {
            runtime.block_on(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let script = script.clone();
                    let recorded = recorded.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |request| {
                            let script = script.clone();
                            let recorded = recorded.clone();
                            async move {
                                Ok::<_, Infallible>(invocation(request, &*script, &recorded).await)
                            }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        FakeLambda { addr, events }
    }

    fn host(&self) -> LambdaHost {
        LambdaHost::new(&format!("http://{}", self.addr))
            .with_credentials(LAMBDA_KEY, LAMBDA_SECRET)
            .with_timeout(Duration::from_millis(500))
    }

    /// The events `function` was given, in order.
    fn events(&self, function: &str) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, _)| name == function)
            .map(|(_, event)| event.clone())
            .collect()
    }
}

fn reply(status: u16, headers: &[(&str, &str)], body: String) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(Full::new(Bytes::from(body))).unwrap()
}

/// One Invoke call: the signature checked, the event recorded, the script's answer.
async fn invocation(
    request: hyper::Request<hyper::body::Incoming>,
    script: &Script,
    recorded: &Mutex<Vec<(String, Value)>>,
) -> hyper::Response<Full<Bytes>> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_owned());
    let headers: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let body = request.into_body().collect().await.unwrap().to_bytes();
    let mut credentials = CredentialStore::new();
    credentials.insert(LAMBDA_KEY, LAMBDA_SECRET);
    let received = ReceivedRequest {
        method: &method,
        path_and_query: &path_and_query,
        headers: &headers,
        body: &body,
    };
    if let Err(e) = verify_for_service(&received, &credentials, SystemTime::now(), "lambda") {
        return reply(
            403,
            &[("x-amzn-ErrorType", e.kind)],
            json!({ "message": e.message }).to_string(),
        );
    }
    let name = path
        .strip_prefix("/2015-03-31/functions/")
        .and_then(|rest| rest.strip_suffix("/invocations"));
    let (Some(name), "POST") = (name, method.as_str()) else {
        return reply(
            404,
            &[("x-amzn-ErrorType", "ResourceNotFoundException")],
            "{}".into(),
        );
    };
    let mut event: Value = serde_json::from_slice(&body).unwrap();
    recorded
        .lock()
        .unwrap()
        .push((name.to_owned(), event.clone()));
    match script(name, &event) {
        Answer::Respond(response) => {
            event["response"] = response;
            reply(200, &[], event.to_string())
        }
        Answer::Fail(message) => reply(
            200,
            &[("X-Amz-Function-Error", "Unhandled")],
            json!({ "errorType": "Error", "errorMessage": message, "trace": [] }).to_string(),
        ),
        Answer::Raw(body) => reply(200, &[], body.to_owned()),
        Answer::NoSuchFunction => reply(
            404,
            &[("x-amzn-ErrorType", "ResourceNotFoundException")],
            json!({ "Message": format!("Function not found: {name}"), "Type": "User" }).to_string(),
        ),
        Answer::Late(delay) => {
            tokio::time::sleep(delay).await;
            reply(200, &[], event.to_string())
        }
    }
}

fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

/// The seed's pool and users, a client that allows the password flows,
/// and `LambdaConfig` set with `UpdateUserPool`.
fn harness(lambda: Option<&FakeLambda>, config: Value) -> Harness {
    let mut seed = seed(json!([]));
    seed["pools"][0]["clients"].as_array_mut().unwrap().push(
        json!({ "id": PW_CLIENT, "explicit_auth_flows": [
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
    );
    seed["pools"][0]["clients"].as_array_mut().unwrap().push(
        json!({ "id": PUE_CLIENT, "prevent_user_existence_errors": "ENABLED",
                "explicit_auth_flows": [
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"] }),
    );
    let mut h = Harness::new(&seed);
    if let Some(lambda) = lambda {
        h.endpoint = h.endpoint.clone().with_lambda_host(lambda.host());
    }
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": POOL, "LambdaConfig": config }),
    )
    .unwrap();
    h
}

fn password_sign_in(h: &Harness, username: &str, password: &str) -> Result<Value, Refusal> {
    h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PW_CLIENT,
                 "AuthParameters": { "USERNAME": username, "PASSWORD": password } }),
    )
}

fn err(kind: &str, message: &str) -> Result<Value, Refusal> {
    Err((kind.to_owned(), message.to_owned()))
}

#[test]
fn events_have_cognitos_common_shape_and_calls_are_signed_for_lambda() {
    let lambda = FakeLambda::start(|_, _| Answer::Respond(json!({})));
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("preAuth") }),
    );
    h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    let events = lambda.events("preAuth");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["version"], "1");
    assert_eq!(event["triggerSource"], "PreAuthentication_Authentication");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], POOL);
    assert_eq!(event["userName"], "alice");
    assert_eq!(event["callerContext"]["clientId"], CLIENT);
    assert_eq!(
        event["callerContext"]["awsSdkVersion"],
        "aws-sdk-unknown-unknown"
    );
    let attributes = &event["request"]["userAttributes"];
    assert_eq!(attributes["email"], "alice@example.com");
    assert_eq!(attributes["cognito:user_status"], "CONFIRMED");
    assert!(attributes["sub"].is_string());
    assert_eq!(event["response"], json!({}));
}

#[test]
fn a_host_that_refuses_the_signature_is_an_unexpected_lambda_exception() {
    let lambda = FakeLambda::start(|_, _| Answer::Respond(json!({})));
    let mut h = harness(None, json!({ "PreAuthentication": arn("preAuth") }));
    h.endpoint = h.endpoint.clone().with_lambda_host(
        LambdaHost::new(&format!("http://{}", lambda.addr))
            .with_credentials(LAMBDA_KEY, "not-the-secret"),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "UnexpectedLambdaException",
            "PreAuthentication invocation failed due to error InvalidSignatureException."
        )
    );
    assert!(lambda.events("preAuth").is_empty());
}

#[test]
fn pre_authentication_that_fails_refuses_every_flow() {
    let lambda = FakeLambda::start(|_, event| {
        if event["userName"] == "alice" {
            Answer::Fail("Alice may not sign in today")
        } else {
            Answer::Respond(json!({}))
        }
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("preAuth") }),
    );
    let refused = err(
        "UserLambdaValidationException",
        "PreAuthentication failed with error Alice may not sign in today.",
    );
    assert_eq!(h.user_srp(false, CLIENT, "alice", PASSWORD, None), refused);
    assert_eq!(h.user_srp(true, CLIENT, "alice", PASSWORD, None), refused);
    assert_eq!(password_sign_in(&h, "alice", PASSWORD), refused);
    // The refusal comes before the password is looked at.
    assert_eq!(password_sign_in(&h, "alice", "wrong"), refused);
}

#[test]
fn a_malformed_answer_is_an_invalid_lambda_response() {
    let lambda = FakeLambda::start(|name, _| match name {
        "notJson" => Answer::Raw("this is not JSON"),
        _ => Answer::Respond(json!("a string where an object belongs")),
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("notJson") }),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "InvalidLambdaResponseException",
            "Invalid lambda function output : Invalid JSON"
        )
    );
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("badShape") }),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output"
        )
    );
}

#[test]
fn no_answer_in_time_is_an_unexpected_lambda_exception() {
    let lambda = FakeLambda::start(|_, _| Answer::Late(Duration::from_secs(3)));
    let h = harness(Some(&lambda), json!({ "PreAuthentication": arn("slow") }));
    let started = std::time::Instant::now();
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "UnexpectedLambdaException",
            "PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function."
        )
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_refused_connection_or_no_host_is_an_unexpected_lambda_exception() {
    // A port that was free a moment ago: nobody listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut h = harness(None, json!({ "PreAuthentication": arn("preAuth") }));
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None)
            .unwrap_err()
            .0,
        "UnexpectedLambdaException",
        "no Lambda host configured"
    );
    h.endpoint = h
        .endpoint
        .clone()
        .with_lambda_host(LambdaHost::new(&format!("http://127.0.0.1:{port}")));
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "UnexpectedLambdaException",
            "PreAuthentication invocation failed due to error Unable to reach the Lambda endpoint."
        )
    );
}

#[test]
fn an_unknown_function_is_an_unexpected_lambda_exception() {
    let lambda = FakeLambda::start(|_, _| Answer::NoSuchFunction);
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("missing") }),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "UnexpectedLambdaException",
            "PreAuthentication invocation failed due to error ResourceNotFoundException."
        )
    );
    // The name went in the path, and the qualifier in the query.
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": format!("{}:live", arn("missing")) }),
    );
    h.user_srp(false, CLIENT, "alice", PASSWORD, None)
        .unwrap_err();
    assert_eq!(lambda.events("missing").len(), 2);
}

/// Signs in alice with SRP; the tokens' claims (ID, access) and the result.
fn srp_tokens(h: &Harness) -> (Value, Value, Value) {
    let reply = h.user_srp(false, CLIENT, "alice", PASSWORD, None).unwrap();
    let result = reply["AuthenticationResult"].clone();
    (
        claims(result["IdToken"].as_str().unwrap()),
        claims(result["AccessToken"].as_str().unwrap()),
        result,
    )
}

#[test]
fn pre_token_generation_v1_adds_overrides_and_suppresses_id_token_claims_and_replaces_groups() {
    let lambda = FakeLambda::start(|_, _| {
        Answer::Respond(json!({ "claimsOverrideDetails": {
            "claimsToAddOrOverride": { "tier": "gold", "email": "shown@example.com",
                                       "sub": "forged", "hidden": "x" },
            "claimsToSuppress": ["hidden", "token_use"],
            "groupOverrideDetails": { "groupsToOverride": ["admins"],
                                      "iamRolesToOverride": ["arn:aws:iam::123456789012:role/a"],
                                      "preferredRole": "arn:aws:iam::123456789012:role/a" } } }))
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreTokenGeneration": arn("preToken") }),
    );
    let (id, access, result) = srp_tokens(&h);
    assert_eq!(id["tier"], "gold");
    assert_eq!(id["email"], "shown@example.com");
    assert!(id.get("hidden").is_none(), "suppression beats addition");
    assert_ne!(id["sub"], "forged", "sub is not the function's to change");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    assert_eq!(
        id["cognito:roles"],
        json!(["arn:aws:iam::123456789012:role/a"])
    );
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::123456789012:role/a"
    );
    assert_eq!(access["cognito:groups"], json!(["admins"]));
    assert!(
        access.get("tier").is_none(),
        "V1 leaves the access token's claims"
    );

    let events = lambda.events("preToken");
    assert_eq!(events[0]["triggerSource"], "TokenGeneration_Authentication");
    assert_eq!(events[0]["version"], "1");
    assert_eq!(
        events[0]["request"]["groupConfiguration"],
        json!({ "groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null })
    );

    // A refresh runs it again, as TokenGeneration_RefreshTokens.
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
    assert_eq!(id["tier"], "gold");
    let events = lambda.events("preToken");
    assert_eq!(events[1]["triggerSource"], "TokenGeneration_RefreshTokens");
}

#[test]
fn pre_token_generation_v1_takes_string_claims_only() {
    let lambda = FakeLambda::start(|_, _| {
        Answer::Respond(json!({ "claimsOverrideDetails": { "claimsToAddOrOverride": { "n": 1 } } }))
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreTokenGeneration": arn("preToken") }),
    );
    assert_eq!(
        h.user_srp(false, CLIENT, "alice", PASSWORD, None),
        err(
            "InvalidLambdaResponseException",
            "Unrecognizable lambda output"
        )
    );
}

#[test]
fn pre_token_generation_v2_customises_both_tokens_and_the_scopes() {
    let lambda = FakeLambda::start(|_, _| {
        Answer::Respond(json!({ "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": { "claimsToAddOrOverride": { "plan": { "tier": "gold" } },
                                   "claimsToSuppress": ["email"] },
            "accessTokenGeneration": { "claimsToAddOrOverride": { "tenant": 42 },
                                       "scopesToAdd": ["orders/read"],
                                       "scopesToSuppress": ["aws.cognito.signin.user.admin"] },
            "groupOverrideDetails": null } }))
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreTokenGenerationConfig": { "LambdaVersion": "V2_0",
                                              "LambdaArn": arn("preTokenV2") } }),
    );
    h.admin(
        "CreateGroup",
        &json!({ "UserPoolId": POOL, "GroupName": "staff" }),
    )
    .unwrap();
    h.admin(
        "AdminAddUserToGroup",
        &json!({ "UserPoolId": POOL, "Username": "alice", "GroupName": "staff" }),
    )
    .unwrap();
    let (id, access, _) = srp_tokens(&h);
    assert_eq!(id["plan"], json!({ "tier": "gold" }));
    assert!(id.get("email").is_none());
    assert_eq!(access["tenant"], 42);
    assert_eq!(access["scope"], "orders/read");
    assert!(
        id.get("cognito:groups").is_none(),
        "a null override suppresses the groups"
    );
    assert!(access.get("cognito:groups").is_none());
    let events = lambda.events("preTokenV2");
    assert_eq!(events[0]["version"], "2");
    assert_eq!(
        events[0]["request"]["scopes"],
        json!(["aws.cognito.signin.user.admin"])
    );
    assert_eq!(
        events[0]["request"]["groupConfiguration"]["groupsToOverride"],
        json!(["staff"])
    );
}

#[test]
fn post_authentication_runs_before_the_tokens_and_its_failure_withholds_them() {
    let lambda = FakeLambda::start(|name, _| match name {
        "postAuthFails" => Answer::Fail("audit log is down"),
        _ => Answer::Respond(json!({})),
    });
    let h = harness(
        Some(&lambda),
        json!({ "PostAuthentication": arn("postAuth") }),
    );
    srp_tokens(&h);
    let events = lambda.events("postAuth");
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0]["triggerSource"],
        "PostAuthentication_Authentication"
    );
    assert_eq!(events[0]["request"]["newDeviceUsed"], false);
    let h = harness(
        Some(&lambda),
        json!({ "PostAuthentication": arn("postAuthFails") }),
    );
    assert_eq!(
        password_sign_in(&h, "alice", PASSWORD),
        err(
            "UserLambdaValidationException",
            "PostAuthentication failed with error audit log is down."
        )
    );
}

/// A quiz: `DefineAuthChallenge` asks until one right answer (tokens) or
/// three wrong ones (failure); the answer is private. Started with `SRP_A`,
/// it asks for the password first, as AWS's example function does.
fn quiz(name: &str, event: &Value) -> Answer {
    let request = &event["request"];
    match name {
        "define" => {
            let session = request["session"].as_array().unwrap();
            if session.len() == 1 && session[0]["challengeName"] == "SRP_A" {
                return Answer::Respond(json!({ "issueTokens": false, "failAuthentication": false,
                                               "challengeName": "PASSWORD_VERIFIER" }));
            }
            let custom: Vec<&Value> = session
                .iter()
                .filter(|s| s["challengeName"] == "CUSTOM_CHALLENGE")
                .collect();
            if custom.last().is_some_and(|s| s["challengeResult"] == true) {
                Answer::Respond(json!({ "issueTokens": true, "failAuthentication": false }))
            } else if custom.len() >= 3 {
                Answer::Respond(json!({ "issueTokens": false, "failAuthentication": true }))
            } else {
                Answer::Respond(json!({ "issueTokens": false, "failAuthentication": false,
                                        "challengeName": "CUSTOM_CHALLENGE" }))
            }
        }
        "create" => {
            let round = request["session"].as_array().unwrap().len();
            Answer::Respond(json!({ "publicChallengeParameters": { "question": "6*7?" },
                                    "privateChallengeParameters": { "answer": "42" },
                                    "challengeMetadata": format!("ROUND-{round}") }))
        }
        "verify" => Answer::Respond(json!({
            "answerCorrect": request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
        })),
        _ => Answer::Fail("no such function"),
    }
}

fn quiz_config() -> Value {
    json!({ "DefineAuthChallenge": arn("define"), "CreateAuthChallenge": arn("create"),
            "VerifyAuthChallengeResponse": arn("verify") })
}

fn answer(h: &Harness, admin: bool, reply: &Value, answer: &str) -> Result<Value, Refusal> {
    assert_eq!(reply["ChallengeName"], "CUSTOM_CHALLENGE", "{reply}");
    h.respond(
        admin,
        json!({ "ChallengeName": "CUSTOM_CHALLENGE", "ClientId": CLIENT, "Session": reply["Session"],
                "ChallengeResponses": { "USERNAME": "alice", "ANSWER": answer } }),
    )
}

#[test]
fn custom_auth_runs_on_the_three_challenge_triggers() {
    let lambda = FakeLambda::start(quiz);
    let h = harness(Some(&lambda), quiz_config());
    for admin in [false, true] {
        let reply = h
            .initiate(
                admin,
                json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT,
                        "AuthParameters": { "USERNAME": "alice" } }),
            )
            .unwrap();
        assert_eq!(reply["ChallengeParameters"]["question"], "6*7?");
        assert_eq!(reply["ChallengeParameters"]["USERNAME"], "alice");
        assert!(
            reply["ChallengeParameters"].get("answer").is_none(),
            "private parameters stay private"
        );
        let reply = answer(&h, admin, &reply, "41").unwrap();
        // A wrong answer does not end the sign-in: the define trigger decides.
        let done = answer(&h, admin, &reply, "42").unwrap();
        assert!(
            done["AuthenticationResult"]["IdToken"].is_string(),
            "{done}"
        );
        // The session is spent.
        assert_eq!(
            answer(&h, admin, &reply, "42").unwrap_err().0,
            "NotAuthorizedException"
        );
    }
    let defines = lambda.events("define");
    assert_eq!(
        defines[0]["triggerSource"],
        "DefineAuthChallenge_Authentication"
    );
    assert_eq!(defines[0]["request"]["session"], json!([]));
    assert_eq!(
        defines[2]["request"]["session"],
        json!([
            { "challengeName": "CUSTOM_CHALLENGE", "challengeResult": false, "challengeMetadata": "ROUND-0" },
            { "challengeName": "CUSTOM_CHALLENGE", "challengeResult": true, "challengeMetadata": "ROUND-1" }
        ])
    );
    let verifies = lambda.events("verify");
    assert_eq!(verifies[0]["request"]["challengeAnswer"], "41");
    assert_eq!(
        verifies[0]["request"]["privateChallengeParameters"],
        json!({ "answer": "42" })
    );
}

#[test]
fn custom_auth_fails_when_the_define_trigger_says_so() {
    let lambda = FakeLambda::start(quiz);
    let h = harness(Some(&lambda), quiz_config());
    let mut reply = h
        .initiate(
            false,
            json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT,
                    "AuthParameters": { "USERNAME": "alice" } }),
        )
        .unwrap();
    for _ in 0..2 {
        reply = answer(&h, false, &reply, "0").unwrap();
    }
    assert_eq!(
        answer(&h, false, &reply, "0"),
        err("NotAuthorizedException", "Incorrect username or password.")
    );
}

/// `CUSTOM_AUTH` started with `SRP_A` and `CHALLENGE_NAME` `SRP_A`: the reply.
fn start_custom_srp(
    h: &Harness,
    client_id: &str,
    username: &str,
) -> (cognito_srp::UserSrpSignIn, Result<Value, Refusal>) {
    let login = UserSrpClient::new(pool())
        .with_app_client(app(client_id))
        .start(username)
        .unwrap();
    let mut parameters = login.auth_parameters();
    parameters.insert("CHALLENGE_NAME".into(), "SRP_A".into());
    let reply = h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client_id, "AuthParameters": parameters }),
    );
    (login, reply)
}

#[test]
fn custom_auth_started_with_srp_a_asks_the_define_trigger_before_and_after_the_password() {
    let lambda = FakeLambda::start(quiz);
    let h = harness(Some(&lambda), quiz_config());
    let (login, reply) = start_custom_srp(&h, CLIENT, "alice");
    let reply = reply.unwrap();
    // The define trigger asked for the password first.
    assert_eq!(
        lambda.events("define")[0]["request"]["session"],
        json!([{ "challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null }])
    );
    let metadata = json!({ "step": "password" });
    let reply = answer_verifier_with_metadata(&h, false, login, &reply, &metadata).unwrap();
    // The trigger's question, not the seed's scripted one.
    assert_eq!(reply["ChallengeParameters"]["question"], "6*7?");
    let defines = lambda.events("define");
    assert_eq!(defines.len(), 2);
    // The answer's ClientMetadata reaches the challenge triggers it runs.
    assert_eq!(defines[0]["request"]["clientMetadata"], json!({}));
    assert_eq!(defines[1]["request"]["clientMetadata"], metadata);
    assert_eq!(
        lambda.events("create")[0]["request"]["clientMetadata"],
        metadata
    );
    assert_eq!(
        defines[1]["request"]["session"],
        json!([
            { "challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null },
            { "challengeName": "PASSWORD_VERIFIER", "challengeResult": true, "challengeMetadata": null }
        ])
    );
    let done = answer(&h, false, &reply, "42").unwrap();
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());

    // A wrong password ends the sign-in there, and the trigger is not asked again.
    let (login, reply) = start_custom_srp(&h, CLIENT, "alice");
    assert_eq!(
        h.answer_password_verifier(false, CLIENT, login, &reply.unwrap(), "Wrong-Pass-1", &[]),
        err("NotAuthorizedException", "Incorrect username or password.")
    );
    assert_eq!(lambda.events("define").len(), 4);
}

#[test]
fn custom_auth_started_with_srp_a_follows_the_define_triggers_first_answer() {
    // This define trigger skips the password for bob and refuses carol at once.
    let lambda = FakeLambda::start(|name, event| {
        let first = event["request"]["session"]
            .as_array()
            .is_some_and(|s| s.len() == 1);
        match (name, event["userName"].as_str()) {
            ("define", Some("bob")) if first => {
                Answer::Respond(json!({ "issueTokens": false, "failAuthentication": false,
                        "challengeName": "CUSTOM_CHALLENGE" }))
            }
            ("define", Some("carol")) => {
                Answer::Respond(json!({ "issueTokens": false, "failAuthentication": true }))
            }
            _ => quiz(name, event),
        }
    });
    let h = harness(Some(&lambda), quiz_config());
    h.endpoint.add_user(POOL, "bob", PASSWORD, true).unwrap();
    h.endpoint.add_user(POOL, "carol", PASSWORD, true).unwrap();
    let (_, reply) = start_custom_srp(&h, CLIENT, "bob");
    let reply = reply.unwrap();
    assert_eq!(
        reply["ChallengeName"], "CUSTOM_CHALLENGE",
        "no PASSWORD_VERIFIER: {reply}"
    );
    assert_eq!(
        lambda.events("create")[0]["request"]["session"],
        json!([{ "challengeName": "SRP_A", "challengeResult": true, "challengeMetadata": null }])
    );
    let (_, reply) = start_custom_srp(&h, CLIENT, "carol");
    assert_eq!(
        reply,
        err("NotAuthorizedException", "Incorrect username or password.")
    );
}

#[test]
fn custom_auth_without_srp_a_needs_the_triggers() {
    let h = harness(None, json!({}));
    assert_eq!(
        h.call(
            "InitiateAuth",
            &json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT,
                     "AuthParameters": { "USERNAME": "alice" } }),
        ),
        err(
            "InvalidParameterException",
            "Custom auth lambda trigger is not configured for the user pool."
        )
    );
}

#[test]
fn a_failing_create_challenge_trigger_names_itself() {
    let lambda = FakeLambda::start(|name, event| match name {
        "create" => Answer::Fail("'challengeMetaData'"),
        _ => quiz(name, event),
    });
    let h = harness(Some(&lambda), quiz_config());
    assert_eq!(
        h.call(
            "InitiateAuth",
            &json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": CLIENT,
                     "AuthParameters": { "USERNAME": "alice" } }),
        ),
        err(
            "UserLambdaValidationException",
            "CreateAuthChallenge failed with error 'challengeMetaData'."
        )
    );
}

fn migration(_: &str, event: &Value) -> Answer {
    let request = &event["request"];
    match (event["userName"].as_str(), event["triggerSource"].as_str()) {
        (Some("legacy"), Some("UserMigration_Authentication"))
            if request["password"] == "Legacy-Pass-1" =>
        {
            Answer::Respond(json!({ "userAttributes": { "email": "legacy@example.com",
                                                         "email_verified": "true" },
                                    "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS" }))
        }
        (Some("resetme"), Some("UserMigration_Authentication")) => Answer::Respond(
            json!({ "userAttributes": { "email": "resetme@example.com" },
                    "finalUserStatus": "RESET_REQUIRED" }),
        ),
        (Some("forgetful"), Some("UserMigration_ForgotPassword")) => Answer::Respond(
            json!({ "userAttributes": { "email": "forgetful@example.com",
                                                         "email_verified": "true" },
                                    "messageAction": "SUPPRESS" }),
        ),
        _ => Answer::Fail("Bad password"),
    }
}

#[test]
fn user_migration_brings_in_an_unknown_user_at_a_password_sign_in() {
    let lambda = FakeLambda::start(migration);
    let h = harness(Some(&lambda), json!({ "UserMigration": arn("migrate") }));
    let reply = password_sign_in(&h, "legacy", "Legacy-Pass-1").unwrap();
    let id = claims(reply["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "legacy");
    assert_eq!(id["email"], "legacy@example.com");
    let event = &lambda.events("migrate")[0];
    assert_eq!(event["triggerSource"], "UserMigration_Authentication");
    assert_eq!(event["userName"], "legacy");
    // Now a user of the pool: SRP works with the same password, and the
    // function is not asked again.
    h.user_srp(false, CLIENT, "legacy", "Legacy-Pass-1", None)
        .unwrap();
    assert_eq!(lambda.events("migrate").len(), 1);
    // A password the old system refuses is an unknown user, as on Cognito.
    assert_eq!(
        password_sign_in(&h, "stranger", "whatever-1"),
        err(
            "UserNotFoundException",
            "Exception migrating user in app client pwclient"
        )
    );
    // SRP never sends the password, so it never migrates.
    assert_eq!(
        h.user_srp(false, CLIENT, "stranger", "whatever-1", None)
            .unwrap_err()
            .0,
        "UserNotFoundException"
    );
    assert_eq!(lambda.events("migrate").len(), 2);
    // RESET_REQUIRED: the user comes in, and must reset the password.
    let reset = err(
        "PasswordResetRequiredException",
        "Password reset required for the user",
    );
    assert_eq!(password_sign_in(&h, "resetme", "Old-Pass-1"), reset);
    assert_eq!(password_sign_in(&h, "resetme", "Old-Pass-1"), reset);
    let user = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "resetme" }),
        )
        .unwrap();
    assert_eq!(user["UserStatus"], "RESET_REQUIRED");
}

#[test]
fn user_migration_brings_in_an_unknown_user_at_forgot_password() {
    let lambda = FakeLambda::start(migration);
    let h = harness(Some(&lambda), json!({ "UserMigration": arn("migrate") }));
    let reply = h
        .call(
            "ForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": "forgetful" }),
        )
        .unwrap();
    assert_eq!(reply["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let event = &lambda.events("migrate")[0];
    assert_eq!(event["triggerSource"], "UserMigration_ForgotPassword");
    assert!(event["request"].get("password").is_none());
    let user = h
        .admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "forgetful" }),
        )
        .unwrap();
    assert_eq!(user["Username"], "forgetful");
    // The function's own error reaches the caller here.
    assert_eq!(
        h.call(
            "ForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": "nobody" })
        ),
        err(
            "UserLambdaValidationException",
            "UserMigration failed with error Bad password."
        )
    );
}

#[test]
fn pre_sign_up_may_confirm_the_user_or_refuse_the_sign_up() {
    let lambda = FakeLambda::start(|_, event| {
        if event["userName"] == "blocked" {
            Answer::Fail("Sign-ups from this domain are closed")
        } else {
            Answer::Respond(json!({ "autoConfirmUser": true, "autoVerifyEmail": false }))
        }
    });
    let h = harness(Some(&lambda), json!({ "PreSignUp": arn("preSignUp") }));
    let reply = h
        .call(
            "SignUp",
            &json!({ "ClientId": CLIENT, "Username": "newbie", "Password": PASSWORD,
                     "UserAttributes": [{ "Name": "email", "Value": "newbie@example.com" }],
                     "ClientMetadata": { "source": "test" } }),
        )
        .unwrap();
    assert_eq!(reply["UserConfirmed"], true);
    // Confirmed by the trigger: the user signs in straight away.
    h.user_srp(false, CLIENT, "newbie", PASSWORD, None).unwrap();
    let event = &lambda.events("preSignUp")[0];
    assert_eq!(event["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "newbie@example.com"
    );
    assert_eq!(event["request"]["clientMetadata"]["source"], "test");
    assert_eq!(
        h.call(
            "SignUp",
            &json!({ "ClientId": CLIENT, "Username": "blocked", "Password": PASSWORD }),
        ),
        err(
            "UserLambdaValidationException",
            "PreSignUp failed with error Sign-ups from this domain are closed."
        )
    );
    assert_eq!(
        h.admin(
            "AdminGetUser",
            &json!({ "UserPoolId": POOL, "Username": "blocked" })
        )
        .unwrap_err()
        .0,
        "UserNotFoundException"
    );
}

#[test]
fn a_sign_ins_client_metadata_reaches_pre_authentication_and_migration_as_validation_data_only() {
    let lambda = FakeLambda::start(|name, event| match name {
        "migrate" => migration(name, event),
        _ => Answer::Respond(json!({})),
    });
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("preAuth"), "UserMigration": arn("migrate"),
                "PostAuthentication": arn("postAuth"), "PreTokenGeneration": arn("preToken") }),
    );
    let metadata = json!({ "origin": "kiosk-7" });
    let with_metadata = |username: &str, password: &str| {
        h.call(
            "InitiateAuth",
            &json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PW_CLIENT,
                     "AuthParameters": { "USERNAME": username, "PASSWORD": password },
                     "ClientMetadata": metadata }),
        )
    };
    with_metadata("alice", PASSWORD).unwrap();
    assert_eq!(
        lambda.events("preAuth")[0]["request"]["validationData"],
        metadata
    );
    // Post authentication and pre token generation run without it.
    assert_eq!(
        lambda.events("postAuth")[0]["request"]["clientMetadata"],
        json!({})
    );
    assert_eq!(
        lambda.events("preToken")[0]["request"]["clientMetadata"],
        json!({})
    );

    // SRP, through AdminInitiateAuth.
    let login = UserSrpClient::new(pool())
        .with_app_client(app(CLIENT))
        .start("alice")
        .unwrap();
    let reply = h
        .initiate(
            true,
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                    "AuthParameters": login.auth_parameters(), "ClientMetadata": metadata }),
        )
        .unwrap();
    h.answer_password_verifier(true, CLIENT, login, &reply, PASSWORD, &[])
        .unwrap();
    assert_eq!(
        lambda.events("preAuth")[1]["request"]["validationData"],
        metadata
    );

    // Migration at sign-in: validationData, not clientMetadata.
    with_metadata("legacy", "Legacy-Pass-1").unwrap();
    let migrated = &lambda.events("migrate")[0]["request"];
    assert_eq!(migrated["validationData"], metadata);
    assert_eq!(migrated["clientMetadata"], json!({}));
    // ForgotPassword's ClientMetadata is the function's clientMetadata.
    h.call(
        "ForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": "forgetful", "ClientMetadata": metadata }),
    )
    .unwrap();
    let migrated = &lambda.events("migrate")[1]["request"];
    assert_eq!(migrated["clientMetadata"], metadata);
    assert_eq!(migrated["validationData"], json!({}));
}

/// Answers `reply`'s `PASSWORD_VERIFIER` for `login` with `PASSWORD`,
/// sending `metadata` as the answer's `ClientMetadata`.
fn answer_verifier_with_metadata(
    h: &Harness,
    admin: bool,
    login: cognito_srp::UserSrpSignIn,
    reply: &Value,
    metadata: &Value,
) -> Result<Value, Refusal> {
    let challenge =
        PasswordVerifierChallenge::from_challenge_parameters(&map(&reply["ChallengeParameters"]))
            .unwrap();
    let responses = login
        .respond(&challenge, &Password::new(PASSWORD))
        .unwrap()
        .into_challenge_responses();
    h.respond(
        admin,
        json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": CLIENT,
                "ChallengeResponses": responses, "ClientMetadata": metadata }),
    )
}

#[test]
fn the_last_answers_client_metadata_reaches_post_authentication_and_pre_token_generation() {
    let lambda = FakeLambda::start(|_, _| Answer::Respond(json!({})));
    let h = harness(
        Some(&lambda),
        json!({ "PostAuthentication": arn("postAuth"), "PreTokenGeneration": arn("preToken") }),
    );
    let started = json!({ "from": "InitiateAuth" });
    let answered = json!({ "from": "RespondToAuthChallenge" });
    let metadata_of = |function: &str, index: usize| {
        lambda.events(function)[index]["request"]["clientMetadata"].clone()
    };

    // SRP, public and admin: the PASSWORD_VERIFIER answer's, not InitiateAuth's.
    for (index, admin) in [false, true].into_iter().enumerate() {
        let login = UserSrpClient::new(pool())
            .with_app_client(app(CLIENT))
            .start("alice")
            .unwrap();
        let reply = h
            .initiate(
                admin,
                json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": CLIENT,
                        "AuthParameters": login.auth_parameters(), "ClientMetadata": started }),
            )
            .unwrap();
        let done = answer_verifier_with_metadata(&h, admin, login, &reply, &answered).unwrap();
        assert!(done["AuthenticationResult"]["AccessToken"].is_string());
        assert_eq!(metadata_of("postAuth", index), answered, "admin: {admin}");
        assert_eq!(metadata_of("preToken", index), answered, "admin: {admin}");
    }

    // NEW_PASSWORD_REQUIRED after a password sign-in: the answer's again.
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "dora", "TemporaryPassword": "Temp-Dora-1",
                 "MessageAction": "SUPPRESS" }),
    )
    .unwrap();
    let reply = h
        .call(
            "InitiateAuth",
            &json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PW_CLIENT,
                     "AuthParameters": { "USERNAME": "dora", "PASSWORD": "Temp-Dora-1" },
                     "ClientMetadata": started }),
        )
        .unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let done = h
        .call(
            "RespondToAuthChallenge",
            &json!({ "ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": PW_CLIENT,
                     "Session": reply["Session"], "ClientMetadata": answered,
                     "ChallengeResponses": { "USERNAME": "dora", "NEW_PASSWORD": "Dora-Chosen-2" } }),
        )
        .unwrap();
    let result = done["AuthenticationResult"].clone();
    assert_eq!(
        lambda.events("preToken")[2]["triggerSource"],
        "TokenGeneration_NewPasswordChallenge"
    );
    assert_eq!(metadata_of("preToken", 2), answered);
    assert_eq!(metadata_of("postAuth", 2), answered);

    // Tokens straight from InitiateAuth: its ClientMetadata reaches neither.
    password_sign_in(&h, "alice", PASSWORD).unwrap();
    assert_eq!(metadata_of("preToken", 3), json!({}));
    assert_eq!(metadata_of("postAuth", 3), json!({}));

    // A refresh: GetTokensFromRefreshToken's reaches pre token generation,
    // REFRESH_TOKEN_AUTH's does not.
    let refreshed = json!({ "from": "GetTokensFromRefreshToken" });
    h.call(
        "GetTokensFromRefreshToken",
        &json!({ "ClientId": PW_CLIENT, "RefreshToken": result["RefreshToken"],
                 "ClientMetadata": refreshed }),
    )
    .unwrap();
    assert_eq!(
        lambda.events("preToken")[4]["triggerSource"],
        "TokenGeneration_RefreshTokens"
    );
    assert_eq!(metadata_of("preToken", 4), refreshed);
    h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": PW_CLIENT,
                 "AuthParameters": { "REFRESH_TOKEN": result["RefreshToken"] },
                 "ClientMetadata": started }),
    )
    .unwrap();
    assert_eq!(metadata_of("preToken", 5), json!({}));
    assert_eq!(
        lambda.events("postAuth").len(),
        4,
        "a refresh is no sign-in"
    );
}

#[test]
fn under_prevent_user_existence_errors_an_unknown_users_custom_auth_runs_the_triggers_and_fails() {
    let lambda = FakeLambda::start(|name, event| match name {
        "preAuth" => Answer::Respond(json!({})),
        _ => quiz(name, event),
    });
    let mut config = quiz_config();
    config["PreAuthentication"] = json!(arn("preAuth"));
    let h = harness(Some(&lambda), config);
    let start = |client: &str, username: &str| {
        h.call(
            "InitiateAuth",
            &json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client,
                     "AuthParameters": { "USERNAME": username } }),
        )
    };
    // LEGACY: refused at once, no trigger runs.
    assert_eq!(
        start(CLIENT, "ghost"),
        err("UserNotFoundException", "User does not exist.")
    );
    assert!(lambda.events("preAuth").is_empty() && lambda.events("define").is_empty());

    // ENABLED: a challenge like any other, for a UUID that is nobody.
    let reply = start(PUE_CLIENT, "ghost").unwrap();
    assert_eq!(reply["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(reply["ChallengeParameters"]["question"], "6*7?");
    let told = reply["ChallengeParameters"]["USERNAME"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(told.len(), 36, "a UUID, not the name typed: {told}");
    let pre_auth = &lambda.events("preAuth")[0];
    assert_eq!(pre_auth["userName"], "ghost");
    assert_eq!(pre_auth["request"]["userNotFound"], true);
    assert_eq!(pre_auth["request"]["userAttributes"], json!({}));
    for function in ["define", "create"] {
        let event = &lambda.events(function)[0];
        assert_eq!(event["userName"], "ghost");
        assert_eq!(event["request"]["userNotFound"], true, "{function}");
    }
    // Even a right answer, and a define trigger that issues tokens, cannot
    // sign in a user who does not exist.
    let answer_as = |reply: &Value, username: &str, answer: &str| {
        h.call(
            "RespondToAuthChallenge",
            &json!({ "ChallengeName": "CUSTOM_CHALLENGE", "ClientId": PUE_CLIENT,
                     "Session": reply["Session"],
                     "ChallengeResponses": { "USERNAME": username, "ANSWER": answer } }),
        )
    };
    assert_eq!(
        answer_as(&reply, &told, "42"),
        err("NotAuthorizedException", "Incorrect username or password.")
    );
    let verify = &lambda.events("verify")[0];
    assert_eq!(verify["request"]["userNotFound"], true);
    assert_eq!(verify["request"]["challengeAnswer"], "42");
    // The answer may name the user as typed, too; a wrong answer goes on.
    let reply = start(PUE_CLIENT, "ghost").unwrap();
    let again = answer_as(&reply, "ghost", "41").unwrap();
    assert_eq!(again["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(again["ChallengeParameters"]["USERNAME"], told.as_str());

    // A real user on the same client: userNotFound is false.
    let reply = start(PUE_CLIENT, "alice").unwrap();
    assert_eq!(reply["ChallengeParameters"]["USERNAME"], "alice");
    let define = lambda.events("define").pop().unwrap();
    assert_eq!(define["request"]["userNotFound"], false);
    assert_eq!(
        define["request"]["userAttributes"]["email"],
        "alice@example.com"
    );
}

#[test]
fn under_prevent_user_existence_errors_pre_authentication_sees_an_unknown_user() {
    let lambda = FakeLambda::start(|_, _| Answer::Respond(json!({})));
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("preAuth") }),
    );
    let refused = err("NotAuthorizedException", "Incorrect username or password.");
    let password = h.call(
        "InitiateAuth",
        &json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": PUE_CLIENT,
                 "AuthParameters": { "USERNAME": "ghost", "PASSWORD": PASSWORD } }),
    );
    assert_eq!(password, refused);
    assert_eq!(
        h.user_srp(false, PUE_CLIENT, "ghost", PASSWORD, None),
        refused
    );
    let events = lambda.events("preAuth");
    assert_eq!(events.len(), 2);
    for event in events {
        assert_eq!(event["userName"], "ghost");
        assert_eq!(event["request"]["userNotFound"], true);
    }
    // And for a real user, false.
    h.user_srp(false, PUE_CLIENT, "alice", PASSWORD, None)
        .unwrap();
    assert_eq!(
        lambda.events("preAuth")[2]["request"]["userNotFound"],
        false
    );
    // A refusing function refuses the unknown user in its own words, as a known one.
    let lambda = FakeLambda::start(|_, _| Answer::Fail("Nobody by that name today"));
    let h = harness(
        Some(&lambda),
        json!({ "PreAuthentication": arn("preAuth") }),
    );
    assert_eq!(
        h.user_srp(false, PUE_CLIENT, "ghost", PASSWORD, None),
        err(
            "UserLambdaValidationException",
            "PreAuthentication failed with error Nobody by that name today."
        )
    );
}

/// The newest message of `purpose` the local channel holds for `username`.
fn delivered(h: &Harness, username: &str, purpose: &str) -> Value {
    let (status, _, body) = h.get(&format!("/_local/codes/{POOL}/{username}"));
    assert_eq!(status, 200, "{body}");
    body["Codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Purpose"] == purpose)
        .unwrap_or_else(|| panic!("a {purpose} message for {username} in {body}"))
        .clone()
}

/// A pool that verifies emails, sends them through its own SES identity,
/// and has `config` as its `LambdaConfig`.
fn messaging_harness(lambda: Option<&FakeLambda>, config: Value, account: &str) -> Harness {
    let h = harness(lambda, json!({}));
    h.admin(
        "UpdateUserPool",
        &json!({ "UserPoolId": POOL, "LambdaConfig": config, "AutoVerifiedAttributes": ["email"],
                 "EmailConfiguration": { "EmailSendingAccount": account } }),
    )
    .unwrap();
    h
}

/// A custom message function that says which trigger source it wrote for,
/// with the placeholders the event gave it.
fn messenger(_: &str, event: &Value) -> Answer {
    let request = &event["request"];
    let source = event["triggerSource"].as_str().unwrap();
    let code = request["codeParameter"].as_str().unwrap();
    let text = match request["usernameParameter"].as_str() {
        Some(username) => format!("{source} {username} {code}"),
        None => format!("{source} {code}"),
    };
    Answer::Respond(json!({ "smsMessage": text, "emailMessage": text,
                            "emailSubject": format!("About {source}") }))
}

#[test]
fn custom_message_writes_every_message_that_carries_a_code() {
    let lambda = FakeLambda::start(messenger);
    let h = messaging_harness(
        Some(&lambda),
        json!({ "CustomMessage": arn("message") }),
        "DEVELOPER",
    );
    let check = |username: &str, purpose: &str, source: &str| {
        let message = delivered(&h, username, purpose);
        let code = message["Code"].as_str().unwrap();
        assert_eq!(message["Message"], format!("{source} {code}"));
        assert_eq!(message["Subject"], format!("About {source}"));
        let event = lambda.events("message").pop().unwrap();
        assert_eq!(event["triggerSource"], source);
        assert_eq!(event["request"]["codeParameter"], "{####}");
        assert_eq!(event["request"]["usernameParameter"], Value::Null);
        event
    };
    h.call(
        "SignUp",
        &json!({ "ClientId": CLIENT, "Username": "newbie", "Password": PASSWORD,
                 "UserAttributes": [{ "Name": "email", "Value": "newbie@example.com" }],
                 "ClientMetadata": { "lang": "fr" } }),
    )
    .unwrap();
    let event = check("newbie", "CONFIRM_SIGN_UP", "CustomMessage_SignUp");
    assert_eq!(event["request"]["clientMetadata"], json!({ "lang": "fr" }));
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "newbie@example.com"
    );
    assert_eq!(event["callerContext"]["clientId"], CLIENT);
    h.call(
        "ResendConfirmationCode",
        &json!({ "ClientId": CLIENT, "Username": "newbie" }),
    )
    .unwrap();
    check("newbie", "CONFIRM_SIGN_UP", "CustomMessage_ResendCode");
    h.call(
        "ForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": "alice" }),
    )
    .unwrap();
    check("alice", "FORGOT_PASSWORD", "CustomMessage_ForgotPassword");
    let signed_in = password_sign_in(&h, "alice", PASSWORD).unwrap();
    let access = signed_in["AuthenticationResult"]["AccessToken"].clone();
    h.call(
        "UpdateUserAttributes",
        &json!({ "AccessToken": access,
                 "UserAttributes": [{ "Name": "email", "Value": "alice@example.org" }] }),
    )
    .unwrap();
    let event = check(
        "alice",
        "VERIFY_ATTRIBUTE",
        "CustomMessage_UpdateUserAttribute",
    );
    // The function sees the attributes as they now are, and the app client.
    assert_eq!(
        event["request"]["userAttributes"]["email"],
        "alice@example.org"
    );
    assert_eq!(event["callerContext"]["clientId"], PW_CLIENT);
    h.call(
        "GetUserAttributeVerificationCode",
        &json!({ "AccessToken": access, "AttributeName": "email" }),
    )
    .unwrap();
    check(
        "alice",
        "VERIFY_ATTRIBUTE",
        "CustomMessage_VerifyUserAttribute",
    );

    // An invitation carries the username and the temporary password made up for it.
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "invitee", "DesiredDeliveryMediums": ["EMAIL"],
                 "UserAttributes": [{ "Name": "email", "Value": "invitee@example.com" }] }),
    )
    .unwrap();
    let invitation = delivered(&h, "invitee", "TEMPORARY_PASSWORD");
    let temporary = invitation["Code"].as_str().unwrap();
    assert_eq!(
        invitation["Message"],
        format!("CustomMessage_AdminCreateUser invitee {temporary}")
    );
    let event = lambda.events("message").pop().unwrap();
    assert_eq!(event["request"]["usernameParameter"], "{username}");
    assert_eq!(
        event["callerContext"]["clientId"],
        "CLIENT_ID_NOT_APPLICABLE"
    );
    let reply = password_sign_in(&h, "invitee", temporary).unwrap();
    assert_eq!(reply["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    // SUPPRESS sends nothing.
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "quiet", "MessageAction": "SUPPRESS",
                 "DesiredDeliveryMediums": ["EMAIL"], "TemporaryPassword": PASSWORD,
                 "UserAttributes": [{ "Name": "email", "Value": "quiet@example.com" }] }),
    )
    .unwrap();
    let (_, _, codes) = h.get(&format!("/_local/codes/{POOL}/quiet"));
    assert_eq!(codes["Codes"], json!([]));
    // RESEND: a new temporary password, the old one no longer works.
    h.admin(
        "AdminCreateUser",
        &json!({ "UserPoolId": POOL, "Username": "invitee", "MessageAction": "RESEND",
                 "DesiredDeliveryMediums": ["EMAIL"] }),
    )
    .unwrap();
    let again = delivered(&h, "invitee", "TEMPORARY_PASSWORD");
    assert_ne!(again["Code"], invitation["Code"]);
    assert_eq!(
        password_sign_in(&h, "invitee", temporary),
        err("NotAuthorizedException", "Incorrect username or password.")
    );
    assert_eq!(
        h.admin(
            "AdminCreateUser",
            &json!({ "UserPoolId": POOL, "Username": "alice", "MessageAction": "RESEND" }),
        )
        .unwrap_err()
        .0,
        "UnsupportedUserStateException"
    );
}

#[test]
fn without_a_usable_custom_message_the_pools_own_message_goes_out() {
    // No function: Cognito's default text.
    let h = messaging_harness(None, json!({}), "COGNITO_DEFAULT");
    h.call(
        "ForgotPassword",
        &json!({ "ClientId": CLIENT, "Username": "alice" }),
    )
    .unwrap();
    let message = delivered(&h, "alice", "FORGOT_PASSWORD");
    let code = message["Code"].as_str().unwrap();
    assert_eq!(
        message["Message"],
        format!("Your verification code is {code}. ")
    );
    assert_eq!(message["Subject"], "Your verification code");

    // A function whose message has no place for the code, or an email
    // message on a pool that sends through Cognito's own account: the
    // pool's message goes instead.
    let lambda = FakeLambda::start(|_, event| {
        if event["userName"] == "alice" {
            Answer::Respond(json!({ "emailMessage": "Welcome back!", "emailSubject": "Hi" }))
        } else {
            messenger("message", event)
        }
    });
    for account in ["DEVELOPER", "COGNITO_DEFAULT"] {
        let h = messaging_harness(
            Some(&lambda),
            json!({ "CustomMessage": arn("message") }),
            account,
        );
        h.endpoint.add_user(POOL, "bob", PASSWORD, true).unwrap();
        h.admin(
            "AdminUpdateUserAttributes",
            &json!({ "UserPoolId": POOL, "Username": "bob",
                     "UserAttributes": [{ "Name": "email", "Value": "bob@example.com" }] }),
        )
        .unwrap();
        let message = delivered(&h, "bob", "VERIFY_ATTRIBUTE");
        let code = message["Code"].as_str().unwrap();
        if account == "DEVELOPER" {
            assert_eq!(
                message["Message"],
                format!("CustomMessage_UpdateUserAttribute {code}")
            );
        } else {
            assert_eq!(
                message["Message"],
                format!("Your verification code is {code}. ")
            );
        }
        h.call(
            "ForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": "alice" }),
        )
        .unwrap();
        let message = delivered(&h, "alice", "FORGOT_PASSWORD");
        let code = message["Code"].as_str().unwrap();
        assert_eq!(
            message["Message"],
            format!("Your verification code is {code}. ")
        );
        let subject = if account == "DEVELOPER" {
            "Hi"
        } else {
            "Your verification code"
        };
        assert_eq!(message["Subject"], subject);
    }

    // A failing function: Cognito's words, and nothing delivered.
    let lambda = FakeLambda::start(|_, _| Answer::Fail("Template store is down"));
    let h = messaging_harness(
        Some(&lambda),
        json!({ "CustomMessage": arn("message") }),
        "DEVELOPER",
    );
    assert_eq!(
        h.call(
            "ForgotPassword",
            &json!({ "ClientId": CLIENT, "Username": "alice" })
        ),
        err(
            "UserLambdaValidationException",
            "CustomMessage failed with error Template store is down."
        )
    );
    let (_, _, codes) = h.get(&format!("/_local/codes/{POOL}/alice"));
    assert_eq!(codes["Codes"], json!([]));
}
