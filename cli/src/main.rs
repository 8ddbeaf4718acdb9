//! `cognito-srp`: Amazon Cognito SRP sign-in from the command line (the AWS CLI
//! cannot do SRP), on the `cognito-srp` driver and the `cognito-srp-sdk` runner.

mod args;
mod input;
mod output;
mod sessions;
mod store;

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::Parser;
use cognito_srp::signin::{
    AuthenticationResult, Entry, KeptSignIn, Refresh, RefreshWith, Refreshed, SignIn,
};
use cognito_srp::{AppClient, ClientSecret, DeviceCredentials, PoolId};
use cognito_srp_sdk::aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use cognito_srp_sdk::{PromptError, Runner, load_config};
use serde_json::json;

use args::{
    Cli, ClientSecretArgs, Command, OutputArg, RefreshArgs, SessionArgs, SignInArgs, SignInCommand,
    SignOutArgs, TargetArgs, TokenArgs,
};
use input::{CliPrompter, Input};
use sessions::SessionStore;
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
        Command::Token(args) => token(args),
        Command::Refresh(args) => refresh(args),
        Command::SignOut(args) => sign_out(args),
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

/// The pool, the app client (with its secret) and the region of `target`.
fn target(target: &TargetArgs, input: &mut Input) -> Result<(PoolId, AppClient, String), Failure> {
    let pool = PoolId::parse(&target.user_pool_id)
        .map_err(|e| Failure::Usage(format!("--user-pool-id: {e}")))?;
    let secret = client_secret(&target.client_secret, input)?;
    let app = app_client(&target.client_id, secret)?;
    let region = target
        .region
        .clone()
        .unwrap_or_else(|| pool.region().to_owned());
    Ok((pool, app, region))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Local(format!("cannot start the async runtime: {e}")))
}

async fn runner(region: &str, endpoint_url: Option<&str>) -> Runner {
    let config = load_config(region, endpoint_url).await;
    Runner::new(cognito_srp_sdk::aws_sdk_cognitoidentityprovider::Client::new(&config))
}

/// Now, by this machine's clock moved by `--clock-skew`.
fn now(clock_skew: i64) -> SystemTime {
    let skew = Duration::from_secs(clock_skew.unsigned_abs());
    if clock_skew >= 0 {
        SystemTime::now() + skew
    } else {
        SystemTime::now() - skew
    }
}

/// A token is used only while it stays valid this long.
const MARGIN: Duration = Duration::from_secs(60);

/// Runs a sign-in of `args` (the device store, the prompts, a new device
/// confirmed and remembered when asked), as `sign-in` does.
async fn run_sign_in(
    runner: &Runner,
    args: &SignInArgs,
    pool: &PoolId,
    app: AppClient,
    input: &mut Input,
) -> Result<(cognito_srp_sdk::SignedIn, Option<DeviceCredentials>), Failure> {
    let username = &args.target.username;
    // Without a configuration directory there is no default store: fine unless one is needed.
    let store = match DeviceStore::open(args.device_store.clone()) {
        Ok(store) => Some(store),
        Err(e) if args.remember_device => return Err(e.into()),
        Err(_) => None,
    };
    let device = match &store {
        Some(store) => store.get(pool.as_str(), username)?,
        None => None,
    };
    let flow = args.flow().map_err(Failure::Usage)?;
    // Only the flows that start with the password read it now; `USER_AUTH`
    // without a preference asks for it if a password factor is chosen.
    let password = if flow.needs_password() {
        let password = input.secret(&format!("Password for {username}: "), "password")?;
        Some(cognito_srp::Password::new(password.as_str()))
    } else {
        None
    };

    let sign_in = SignIn::new(pool.clone(), app, username.clone())
        .map_err(|e| Failure::Usage(e.to_string()))?
        .with_entry(if args.target.admin {
            Entry::AdminInitiateAuth
        } else {
            Entry::InitiateAuth
        })
        .with_flow(flow)
        .with_device_name(args.device_name.clone());
    let runner = match &args.totp_issuer {
        Some(issuer) => runner.clone().with_totp_issuer(issuer.clone()),
        None => runner.clone(),
    };
    let mut prompter = CliPrompter {
        input,
        username: username.clone(),
        new_password_stdin: args.new_password_stdin,
        attributes: args.attributes.clone(),
        mfa_code: args.mfa_code.clone(),
        custom_answer: args.custom_answer.clone(),
    };
    if let Some(device) = &device {
        eprintln!(
            "signing in with the remembered device {}",
            device.device_key()
        );
    }
    let (signed_in, forgot_device) = match (device, password) {
        (Some(device), Some(password)) => {
            let signed_in = runner
                .sign_in_with_device(sign_in, device, password, &mut prompter)
                .await?;
            let forgot = signed_in.forgot_device();
            (signed_in, forgot)
        }
        (None, Some(password)) => (
            runner.sign_in(sign_in, password, &mut prompter).await?,
            false,
        ),
        // Without a password the runner has no retry without the device: the
        // same fallback as `sign_in_with_device`, here.
        (Some(device), None) => match runner
            .sign_in_without_password(sign_in.clone().with_device(device), &mut prompter)
            .await
        {
            Err(cognito_srp_sdk::Error::Service(e)) if e.code == "ResourceNotFoundException" => (
                runner
                    .sign_in_without_password(sign_in, &mut prompter)
                    .await?,
                true,
            ),
            other => (other?, false),
        },
        (None, None) => (
            runner
                .sign_in_without_password(sign_in, &mut prompter)
                .await?,
            false,
        ),
    };
    if let (true, Some(store)) = (forgot_device, &store) {
        eprintln!("Cognito no longer knows the remembered device: removed from the store");
        store.remove(pool.as_str(), username)?;
    }
    let mut remembered = None;
    match (signed_in.new_device(), &store) {
        (Some(new_device), Some(store)) if args.remember_device => {
            runner.confirm_device(new_device, true).await?;
            store.put(pool.as_str(), username, new_device.credentials())?;
            eprintln!(
                "device {} remembered (credentials in {})",
                new_device.credentials().device_key(),
                store.path().display()
            );
            remembered = Some(new_device.credentials().clone());
        }
        (None, _) if args.remember_device && !signed_in.signed_in_with_device() => {
            eprintln!("no device to remember: the app client does not track devices");
        }
        _ => {}
    }
    Ok((signed_in, remembered))
}

/// What to keep of a sign-in, with the device it just remembered.
fn keep(
    signed_in: &cognito_srp_sdk::SignedIn,
    remembered: Option<DeviceCredentials>,
    at: SystemTime,
) -> Result<KeptSignIn, Failure> {
    let kept = signed_in.keep(at)?;
    Ok(match remembered {
        Some(device) => kept.with_device(device),
        None => kept,
    })
}

fn sign_in(command: SignInCommand) -> Result<(), Failure> {
    let args = &command.sign_in;
    let mut input = Input::new();
    let (pool, app, region) = target(&args.target, &mut input)?;
    let sessions = match command.keep {
        true => Some(SessionStore::open(command.session.session_store.clone())?),
        false => None,
    };
    runtime()?.block_on(async {
        let runner = runner(&region, args.target.endpoint_url.as_deref()).await;
        let (signed_in, remembered) = run_sign_in(&runner, args, &pool, app, &mut input).await?;
        if let Some(sessions) = &sessions {
            let kept = keep(&signed_in, remembered, now(command.session.clock_skew))?;
            sessions.put(&args.target.username, &kept)?;
            eprintln!("sign-in kept in {}", sessions.path().display());
        }
        print_result(signed_in.authentication_result(), command.output);
        Ok::<(), Failure>(())
    })
}

fn print_result(result: &AuthenticationResultType, output: OutputArg) {
    match output {
        OutputArg::Json => println!("{}", output::json(result)),
        OutputArg::Env => print!("{}", output::env(result)),
    }
}

/// The refresh of `kept` that `target` and `session` ask for:
/// `GetTokensFromRefreshToken` with `--rotation` or for an app client the
/// store knows needs it, else `REFRESH_TOKEN_AUTH` (through `AdminInitiateAuth`
/// with `--admin`).
fn refresh_of(
    kept: &KeptSignIn,
    app: &AppClient,
    target: &TargetArgs,
    session: &SessionArgs,
    store: &SessionStore,
) -> Result<Refresh, Failure> {
    let get_tokens = session.rotation
        || store.refreshes_with_get_tokens(kept.pool_id().as_str(), app.client_id())?;
    let with = match (get_tokens, target.admin) {
        (true, _) => RefreshWith::GetTokensFromRefreshToken,
        (false, true) => RefreshWith::AdminInitiateAuth,
        (false, false) => RefreshWith::InitiateAuth,
    };
    Ok(kept
        .refresh(app)
        .map_err(|e| Failure::Usage(e.to_string()))?
        .with(with))
}

/// Runs `refresh`. When Cognito refuses `REFRESH_TOKEN_AUTH` as an app client
/// that rotates refresh tokens does ([`Refresh::fallback`]), tries
/// `GetTokensFromRefreshToken` instead and, when that gives tokens (or
/// whenever the reply rotates the refresh token), remembers in the store to
/// refresh this app client that way from now on. The outer error is the
/// store's; the inner result is Cognito's answer.
async fn run_refresh(
    runner: &Runner,
    store: &SessionStore,
    (pool, app): (&PoolId, &AppClient),
    refresh: Refresh,
    clock_skew: i64,
) -> Result<Result<Refreshed, cognito_srp_sdk::Error>, Failure> {
    let first = runner
        .refresh_with_clock(refresh.clone(), || now(clock_skew))
        .await;
    let (outcome, fell_back) = match first {
        Err(e) => match e
            .service_error()
            .and_then(|s| refresh.fallback(&s.code, &s.message))
        {
            Some(instead) => {
                eprintln!(
                    "{e}: refreshing through GetTokensFromRefreshToken (the app client may rotate refresh tokens)"
                );
                let outcome = runner.refresh_with_clock(instead, || now(clock_skew)).await;
                (outcome, true)
            }
            None => (Err(e), false),
        },
        ok => (ok, false),
    };
    if let Ok(refreshed) = &outcome
        && (fell_back || refreshed.rotated())
        && !store.refreshes_with_get_tokens(pool.as_str(), app.client_id())?
    {
        store.remember_get_tokens(pool.as_str(), app.client_id())?;
        eprintln!(
            "app client {} refreshes through GetTokensFromRefreshToken{}: remembered in {}",
            app.client_id(),
            if refreshed.rotated() {
                " and rotates refresh tokens"
            } else {
                ""
            },
            store.path().display()
        );
    }
    Ok(outcome)
}

/// The kept sign-in of `target`, or a usage error saying how to make one.
fn kept_of(store: &SessionStore, target: &TargetArgs) -> Result<KeptSignIn, Failure> {
    store
        .get(&target.user_pool_id, &target.client_id, &target.username)?
        .ok_or_else(|| {
            Failure::Usage(format!(
                "no kept sign-in of {} in {}: run `cognito-srp token` or `cognito-srp sign-in --keep` first",
                target.username,
                store.path().display()
            ))
        })
}

fn token(args: TokenArgs) -> Result<(), Failure> {
    // Checked now, not only when a sign-in turns out to be needed.
    args.sign_in.flow().map_err(Failure::Usage)?;
    let target_args = &args.sign_in.target;
    let mut input = Input::new();
    let (pool, app, region) = target(target_args, &mut input)?;
    let store = SessionStore::open(args.session.session_store.clone())?;
    let kept = store.get(pool.as_str(), app.client_id(), &target_args.username)?;
    let clock_skew = args.session.clock_skew;
    let at = now(clock_skew);
    let pick = |kept: &KeptSignIn, at: SystemTime| -> Option<String> {
        if args.id {
            kept.fresh_id_token(at, MARGIN)
                .map(|t| t.expose_secret().to_owned())
        } else {
            kept.fresh_access_token(at, MARGIN)
                .map(|t| t.expose_secret().to_owned())
        }
    };
    if let Some(token) = kept.as_ref().and_then(|kept| pick(kept, at)) {
        println!("{token}");
        return Ok(());
    }
    runtime()?.block_on(async {
        let runner = runner(&region, target_args.endpoint_url.as_deref()).await;
        if let Some(kept) = kept {
            let refresh = refresh_of(&kept, &app, target_args, &args.session, &store)?;
            match run_refresh(&runner, &store, (&pool, &app), refresh, clock_skew).await? {
                Ok(refreshed) => {
                    let kept = refreshed.into_kept();
                    store.put(&target_args.username, &kept)?;
                    return print_token(pick(&kept, at));
                }
                Err(e) if e.token_refusal().is_some() => {
                    eprintln!("{e}: signing in again");
                    store.remove(pool.as_str(), app.client_id(), &target_args.username)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let (signed_in, remembered) =
            run_sign_in(&runner, &args.sign_in, &pool, app.clone(), &mut input).await?;
        let kept = keep(&signed_in, remembered, now(args.session.clock_skew))?;
        store.put(&target_args.username, &kept)?;
        print_token(pick(&kept, at))
    })
}

fn print_token(token: Option<String>) -> Result<(), Failure> {
    match token {
        Some(token) => {
            println!("{token}");
            Ok(())
        }
        None => Err(Failure::Service(
            "Cognito gave no token valid for more than a minute".into(),
        )),
    }
}

fn refresh(args: RefreshArgs) -> Result<(), Failure> {
    let mut input = Input::new();
    let (pool, app, region) = target(&args.target, &mut input)?;
    let store = SessionStore::open(args.session.session_store.clone())?;
    let kept = kept_of(&store, &args.target)?;
    let refresh = refresh_of(&kept, &app, &args.target, &args.session, &store)?;
    let clock_skew = args.session.clock_skew;
    runtime()?.block_on(async {
        let runner = runner(&region, args.target.endpoint_url.as_deref()).await;
        match run_refresh(&runner, &store, (&pool, &app), refresh, clock_skew).await? {
            Ok(refreshed) => {
                store.put(&args.target.username, refreshed.kept())?;
                print_result(&sdk_result(refreshed.authentication_result()), args.output);
                Ok(())
            }
            Err(e) => {
                if e.token_refusal().is_some() {
                    store.remove(pool.as_str(), app.client_id(), &args.target.username)?;
                }
                Err(e.into())
            }
        }
    })
}

fn sign_out(args: SignOutArgs) -> Result<(), Failure> {
    let mut input = Input::new();
    let (pool, app, region) = target(&args.target, &mut input)?;
    let store = SessionStore::open(args.session.session_store.clone())?;
    let kept = kept_of(&store, &args.target)?;
    let clock_skew = args.session.clock_skew;
    runtime()?.block_on(async {
        let runner = runner(&region, args.target.endpoint_url.as_deref()).await;
        let refresh = refresh_of(&kept, &app, &args.target, &args.session, &store)?;
        let outcome = match (args.global, args.target.admin) {
            (false, _) => runner.revoke_token(&kept, &app).await,
            (true, true) => runner.admin_user_global_sign_out(&kept).await,
            // GlobalSignOut needs a valid access token: refresh first if it is not.
            (true, false) => match kept.fresh_access_token(now(args.session.clock_skew), MARGIN) {
                Some(_) => runner.global_sign_out(&kept).await,
                None => {
                    match run_refresh(&runner, &store, (&pool, &app), refresh, clock_skew).await? {
                        Ok(refreshed) => runner.global_sign_out(refreshed.kept()).await,
                        Err(e) => Err(e),
                    }
                }
            },
        };
        match outcome {
            Ok(()) => {}
            // Already refused: there is nothing left to sign out of.
            Err(e) if e.token_refusal().is_some() => eprintln!("{e}"),
            Err(e) => return Err(e.into()),
        }
        store.remove(pool.as_str(), app.client_id(), &args.target.username)?;
        eprintln!("signed out");
        Ok(())
    })
}

/// The SDK's `AuthenticationResultType` of a refresh, for printing as `sign-in` does.
fn sdk_result(result: &AuthenticationResult) -> AuthenticationResultType {
    AuthenticationResultType::builder()
        .set_access_token(result.access_token.clone())
        .set_id_token(result.id_token.clone())
        .set_refresh_token(result.refresh_token.clone())
        .set_token_type(result.token_type.clone())
        .expires_in(result.expires_in.unwrap_or_default())
        .build()
}
