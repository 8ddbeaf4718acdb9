"""The `cognito-srp` command (which runs the AWS SDK for Rust) signing in
beyond SRP: `--flow password` through InitiateAuth (USER_PASSWORD_AUTH), with
and without a client secret, and through AdminInitiateAuth
(ADMIN_USER_PASSWORD_AUTH, signed with the seed's IAM credentials), then
USER_AUTH with an EMAIL_OTP first factor, the code read from the endpoint's
local code channel; an app client that does not allow USER_PASSWORD_AUTH
refuses it.

The pool (AllowedFirstAuthFactors PASSWORD and EMAIL_OTP), its app clients
(ExplicitAuthFlows) and the user are made here through the API with boto3, as
on AWS. Each check prints PASS or FAIL; any failure makes the process exit 1.

Usage: python cli-flows.py ENDPOINT SEED COGNITO_SRP_BIN
"""
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config

endpoint, seed_path, cognito_srp_bin = sys.argv[1:4]
endpoint = endpoint.rstrip("/")
seed = json.load(open(seed_path, encoding="utf-8"))
key = seed["credentials"][0]
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                   config=Config(retries={"max_attempts": 1, "mode": "standard"}),
                   aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"])
scratch = tempfile.mkdtemp(prefix="cognito-srp-cli-flows-")
env = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": key["access_key_id"],
    "AWS_SECRET_ACCESS_KEY": key["secret_access_key"],
    "AWS_CONFIG_FILE": os.path.join(scratch, "no-config"),
    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(scratch, "no-credentials"),
    "AWS_EC2_METADATA_DISABLED": "true",
    # The command's device and session stores, if it made any.
    "XDG_CONFIG_HOME": scratch,
    "HOME": scratch,
}
env.pop("AWS_PROFILE", None)
env.pop("COGNITO_CLIENT_SECRET", None)
results = []


def check(name):
    def run(body):
        try:
            body()
            results.append(("pass", name))
            print(f"  PASS {name}")
        except Exception as e:  # every failure is reported, the next check still runs
            results.append(("fail", name))
            print(f"  FAIL {name}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        return body
    return run


def claims(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def make_client(name, flows, secret=False):
    made = idp.create_user_pool_client(UserPoolId=pool_id, ClientName=name, GenerateSecret=secret,
                                       ExplicitAuthFlows=flows)["UserPoolClient"]
    return {"id": made["ClientId"], "secret": made.get("ClientSecret")}


pool_id = idp.create_user_pool(
    PoolName=f"cli-flows-{secrets.token_hex(4)}",
    Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
)["UserPool"]["Id"]
flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH",
         "ALLOW_REFRESH_TOKEN_AUTH"]
public = make_client("public", flows)
confidential = make_client("confidential", flows, secret=True)
srp_only = make_client("srp-only", ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
USER, PASSWORD = "quinn", "Cli-Flows-Password-3!"
idp.admin_create_user(UserPoolId=pool_id, Username=USER, TemporaryPassword="Temporary-Pass-9!",
                      UserAttributes=[{"Name": "email", "Value": "quinn@example.com"},
                                      {"Name": "email_verified", "Value": "true"}],
                      MessageAction="SUPPRESS")
idp.admin_set_user_password(UserPoolId=pool_id, Username=USER, Password=PASSWORD, Permanent=True)
version = subprocess.run([cognito_srp_bin, "--version"], capture_output=True, text=True).stdout.strip()
print(f"{version} (AWS SDK for Rust) against pool {pool_id}")


def command(client, *extra):
    """The command line and environment of a sign-in through `client`."""
    args = [cognito_srp_bin, "sign-in", "--endpoint-url", endpoint, "--user-pool-id", pool_id,
            "--client-id", client["id"], "--username", USER, *extra]
    return args, {**env, **({"COGNITO_CLIENT_SECRET": client["secret"]} if client["secret"] else {})}


def signed_in(done, client):
    """The tokens of a finished sign-in through `client`, checked."""
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr.strip()}"
    tokens = json.loads(done.stdout)
    access = claims(tokens["AccessToken"])
    assert access["username"] == USER and access["client_id"] == client["id"], access
    assert claims(tokens["IdToken"])["email"] == "quinn@example.com"
    assert PASSWORD not in done.stderr, "the password was printed"
    return tokens


def sign_in_with_password(client, *extra):
    args, run_env = command(client, *extra)
    done = subprocess.run(args, input=PASSWORD + "\n", env=run_env, capture_output=True, text=True,
                          timeout=120)
    return signed_in(done, client)


@check("cognito-srp sign-in --flow password: USER_PASSWORD_AUTH")
def _():
    sign_in_with_password(public, "--flow", "password")


@check("cognito-srp sign-in --flow password: USER_PASSWORD_AUTH with a client secret")
def _():
    sign_in_with_password(confidential, "--flow", "password")


@check("cognito-srp sign-in --flow password --admin: ADMIN_USER_PASSWORD_AUTH")
def _():
    sign_in_with_password(public, "--flow", "password", "--admin")
    sign_in_with_password(confidential, "--flow", "password", "--admin")


@check("cognito-srp sign-in --flow password: refused where the app client does not allow it")
def _():
    args, run_env = command(srp_only, "--flow", "password")
    done = subprocess.run(args, input=PASSWORD + "\n", env=run_env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and not done.stdout, f"exit {done.returncode}"
    assert "USER_PASSWORD_AUTH flow not enabled for this client" in done.stderr, done.stderr.strip()


def codes():
    """The live codes sent to the user, newest first (the local code channel)."""
    with urllib.request.urlopen(f"{endpoint}/_local/codes/{pool_id}/{USER}", timeout=30) as reply:
        return [c["Code"] for c in json.load(reply)["Codes"]]


def sign_in_with_email_code(client, *extra):
    """USER_AUTH with EMAIL_OTP preferred: no password; the code that the
    endpoint sends is written to the command's standard input once sent."""
    before = len(codes())
    args, run_env = command(client, "--flow", "user-auth", "--first-factor", "email-otp", *extra)
    child = subprocess.Popen(args, env=run_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(sent := codes()) == before:
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            _, err = child.communicate()
            raise AssertionError(f"no EMAIL_OTP code was sent: {err.strip()}")
        time.sleep(0.1)
    out, err = child.communicate(sent[0] + "\n", timeout=120)
    done = subprocess.CompletedProcess(args, child.returncode, out, err)
    tokens = signed_in(done, client)
    assert "Password" not in err, "a password was asked for"
    return tokens


@check("cognito-srp sign-in --flow user-auth --first-factor email-otp: the code from the local channel")
def _():
    sign_in_with_email_code(public)


@check("cognito-srp sign-in --flow user-auth --first-factor email-otp --admin, with a client secret")
def _():
    sign_in_with_email_code(confidential, "--admin")


failed = [name for outcome, name in results if outcome == "fail"]
print(f"cli-flows: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
