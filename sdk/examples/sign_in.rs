//! Signs in with USER_SRP_AUTH and prints the ID token.
//!
//! `sign_in <user pool id> <app client id> <username> [endpoint url]`, the password on stdin.
use cognito_srp::signin::SignIn;
use cognito_srp::{AppClient, Password, PoolId};
use cognito_srp_sdk::{NoPrompts, Runner, aws_sdk_cognitoidentityprovider::Client, load_config};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [pool, client_id, username, endpoint_url @ ..] = args.as_slice() else {
        return Err(
            "usage: sign_in <user pool id> <app client id> <username> [endpoint url]".into(),
        );
    };
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;

    let pool = PoolId::parse(pool)?;
    let config = load_config(pool.region(), endpoint_url.first().map(String::as_str)).await;
    let runner = Runner::new(Client::new(&config));
    let sign_in = SignIn::new(pool, AppClient::new(client_id.as_str())?, username.as_str())?;
    let password = Password::new(password.trim_end_matches(['\r', '\n']));
    let signed_in = runner.sign_in(sign_in, password, &mut NoPrompts).await?;
    println!(
        "{}",
        signed_in
            .authentication_result()
            .id_token()
            .unwrap_or_default()
    );
    Ok(())
}
