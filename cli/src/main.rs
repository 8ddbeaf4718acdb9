//! `cognito-srp`: Amazon Cognito SRP sign-in from the command line (the AWS CLI
//! cannot do SRP), on the `cognito-srp` driver and the `cognito-srp-sdk` runner.

mod args;
mod input;
mod output;
mod store;

use std::process::ExitCode;

use clap::Parser;
use cognito_srp::signin::{Entry, Flow, SignIn};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, PoolId};
use cognito_srp_sdk::{PromptError, Runner, load_config};
use serde_json::json;

use args::{Cli, ClientSecretArgs, Command, FlowArg, OutputArg, SignInArgs};
use input::{CliPrompter, Input};
use store::DeviceStore;

/// Why the command failed, and so its exit status.
enum Failure {
    /// Cognito refused the sign-in.
    Refused(String),
    /// Bad arguments or input (clap's own usage errors exit 2 as well).
    Usage(String),
    /// No answer, or an error or unexpected reply from the service.
    Service(String),
    /// The device store or the terminal failed.
    Local(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Refused(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Service(_) => 3,
            Failure::Local(_) => 4,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Refused(m) | Failure::Usage(m) | Failure::Service(m) | Failure::Local(m) => m,
        }
    }
}

impl From<cognito_srp_sdk::Error> for Failure {
    fn from(error: cognito_srp_sdk::Error) -> Self {
        use cognito_srp_sdk::Error;
        let message = error.to_string();
        match error {
            Error::Refused(_) => Failure::Refused(message),
            Error::Prompt(PromptError::Io(_)) => Failure::Local(message),
            Error::Prompt(_) => Failure::Usage(message),
            // The answer given does not fit the challenge (e.g. a code that is not digits).
            Error::InvalidAnswer(_) => Failure::Usage(message),
            _ => Failure::Service(message),
        }
    }
}

impl From<PromptError> for Failure {
    fn from(error: PromptError) -> Self {
        match error {
            PromptError::Io(e) => Failure::Local(format!("reading standard input: {e}")),
            other => Failure::Usage(other.to_string()),
        }
    }
}

impl From<store::StoreError> for Failure {
    fn from(error: store::StoreError) -> Self {
        Failure::Local(error.0)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::SignIn(args) => sign_in(args),
        Command::SecretHash(args) => {
            secret_hash(&args.username, &args.client_id, &args.client_secret)
        }
        Command::DeviceVerifier(args) => device_verifier(&args.device_group_key, &args.device_key),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("cognito-srp: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The client secret: from standard input when asked, else from the environment.
fn client_secret(
    args: &ClientSecretArgs,
    input: &mut Input,
) -> Result<Option<ClientSecret>, Failure> {
    if args.client_secret_stdin {
        let secret = input.line("client secret")?;
        return Ok(Some(ClientSecret::new(secret.as_str())));
    }
    Ok(std::env::var("COGNITO_CLIENT_SECRET")
        .ok()
        .filter(|secret| !secret.is_empty())
        .map(ClientSecret::new))
}

fn app_client(client_id: &str, secret: Option<ClientSecret>) -> Result<AppClient, Failure> {
    match secret {
        Some(secret) => AppClient::with_secret(client_id, secret),
        None => AppClient::new(client_id),
    }
    .map_err(|e| Failure::Usage(e.to_string()))
}

fn secret_hash(username: &str, client_id: &str, args: &ClientSecretArgs) -> Result<(), Failure> {
    let mut input = Input::new();
    let secret = match client_secret(args, &mut input)? {
        Some(secret) => secret,
        // Not in the environment: the first line of standard input.
        None => ClientSecret::new(input.secret("Client secret: ", "client secret")?.as_str()),
    };
    let app = app_client(client_id, Some(secret))?;
    let hash = app
        .secret_hash(username)
        .ok_or_else(|| Failure::Usage("no client secret".into()))?;
    println!("{hash}");
    Ok(())
}

fn device_verifier(device_group_key: &str, device_key: &str) -> Result<(), Failure> {
    let (device, config) = DeviceCredentials::generate(device_group_key, device_key)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let output = json!({
        "DeviceKey": device.device_key(),
        "DeviceGroupKey": device.device_group_key(),
        "DevicePassword": device.device_password().expose_secret(),
        "DeviceSecretVerifierConfig": {
            "PasswordVerifier": config.password_verifier(),
            "Salt": config.salt(),
        },
    });
    println!("{output}");
    Ok(())
}

fn sign_in(args: SignInArgs) -> Result<(), Failure> {
    let pool = PoolId::parse(&args.user_pool_id)
        .map_err(|e| Failure::Usage(format!("--user-pool-id: {e}")))?;
    let mut input = Input::new();
    let secret = client_secret(&args.client_secret, &mut input)?;
    let app = app_client(&args.client_id, secret)?;
    // Without a configuration directory there is no default store: fine unless one is needed.
    let store = match DeviceStore::open(args.device_store.clone()) {
        Ok(store) => Some(store),
        Err(e) if args.remember_device => return Err(e.into()),
        Err(_) => None,
    };
    let device = match &store {
        Some(store) => store.get(pool.as_str(), &args.username)?,
        None => None,
    };
    let password = input.secret(&format!("Password for {}: ", args.username), "password")?;
    let password = cognito_srp::Password::new(password.as_str());

    let sign_in = SignIn::new(pool.clone(), app, args.username.clone())
        .map_err(|e| Failure::Usage(e.to_string()))?
        .with_entry(if args.admin {
            Entry::AdminInitiateAuth
        } else {
            Entry::InitiateAuth
        })
        .with_flow(match args.flow {
            FlowArg::UserSrp => Flow::UserSrpAuth,
            FlowArg::UserAuth => Flow::UserAuthPasswordSrp,
            FlowArg::CustomAuth => Flow::CustomAuthSrp,
        })
        .with_device_name(args.device_name.clone());
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| pool.region().to_owned());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Local(format!("cannot start the async runtime: {e}")))?;
    let mut prompter = CliPrompter {
        input: &mut input,
        new_password_stdin: args.new_password_stdin,
        attributes: args.attributes.clone(),
        mfa_code: args.mfa_code.clone(),
        custom_answer: args.custom_answer.clone(),
    };
    runtime.block_on(async {
        let config = load_config(&region, args.endpoint_url.as_deref()).await;
        let runner =
            Runner::new(cognito_srp_sdk::aws_sdk_cognitoidentityprovider::Client::new(&config));
        let signed_in = match device {
            Some(device) => {
                eprintln!(
                    "signing in with the remembered device {}",
                    device.device_key()
                );
                runner
                    .sign_in_with_device(sign_in, device, password, &mut prompter)
                    .await?
            }
            None => runner.sign_in(sign_in, password, &mut prompter).await?,
        };
        if let (true, Some(store)) = (signed_in.forgot_device(), &store) {
            eprintln!("Cognito no longer knows the remembered device: removed from the store");
            store.remove(pool.as_str(), &args.username)?;
        }
        match (signed_in.new_device(), &store) {
            (Some(new_device), Some(store)) if args.remember_device => {
                runner.confirm_device(new_device, true).await?;
                store.put(pool.as_str(), &args.username, new_device.credentials())?;
                eprintln!(
                    "device {} remembered (credentials in {})",
                    new_device.credentials().device_key(),
                    store.path().display()
                );
            }
            (None, _) if args.remember_device && !signed_in.signed_in_with_device() => {
                eprintln!("no device to remember: the app client does not track devices");
            }
            _ => {}
        }
        let result = signed_in.authentication_result();
        match args.output {
            OutputArg::Json => println!("{}", output::json(result)),
            OutputArg::Env => print!("{}", output::env(result)),
        }
        Ok::<(), Failure>(())
    })
}
