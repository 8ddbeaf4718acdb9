"""The AWS CLI, unmodified, sets a pool up against cognito-srp-local as it
would on AWS (create-user-pool, create-user-pool-client --generate-secret,
admin-create-user then admin-set-user-password --permanent, create-group,
admin-add-user-to-group), then the `cognito-srp` command (through the app
client with the secret) and Amplify JS v6 (through an app client without
one: Amplify does not take client secrets) sign in to that pool, and the ID
token carries the group.

The CLI signs with the seed's IAM credentials (environment variables only:
no profile or config file is read).

Each check prints PASS or FAIL; any failure makes the process exit 1.

Usage: python aws-cli.py ENDPOINT SEED AWS_BIN COGNITO_SRP_BIN AMPLIFY_SCRIPT
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

endpoint, seed_path, aws_bin, cognito_srp_bin, amplify_script = sys.argv[1:6]
seed = json.load(open(seed_path, encoding="utf-8"))
key = seed["credentials"][0]
scratch = tempfile.mkdtemp(prefix="cognito-srp-interop-")
env = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": key["access_key_id"],
    "AWS_SECRET_ACCESS_KEY": key["secret_access_key"],
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.path.join(scratch, "no-config"),
    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(scratch, "no-credentials"),
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PAGER": "",
    # The cognito-srp command keeps its device and session stores here.
    "XDG_CONFIG_HOME": scratch,
    "HOME": scratch,
}
results = []
state = {}
username, password, group = "carla", "Cli-Made-User-7", "admins"


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


def aws(*args):
    """One `aws cognito-idp` call; its JSON output."""
    done = subprocess.run([aws_bin, "cognito-idp", *args, "--endpoint-url", endpoint, "--output", "json"],
                          env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"aws cognito-idp {args[0]} exited {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout) if done.stdout.strip() else {}


def claims(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


version = subprocess.run([aws_bin, "--version"], env=env, capture_output=True, text=True).stdout.strip()
print(f"AWS CLI: {version}")


@check("create-user-pool")
def _():
    pool = aws("create-user-pool", "--pool-name", "interop-cli",
               "--policies", "PasswordPolicy={MinimumLength=10,RequireUppercase=true,RequireLowercase=true,"
                             "RequireNumbers=true,RequireSymbols=false}")["UserPool"]
    assert re.fullmatch(r"us-east-1_[0-9A-Za-z]{9}", pool["Id"]), pool["Id"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10, pool["Policies"]
    state["pool"] = pool["Id"]


@check("create-user-pool-client --generate-secret")
def _():
    client = aws("create-user-pool-client", "--user-pool-id", state["pool"], "--client-name", "cli-secret",
                 "--generate-secret", "--explicit-auth-flows", "ALLOW_USER_SRP_AUTH",
                 "ALLOW_REFRESH_TOKEN_AUTH")["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"]), client["ClientId"]
    assert len(client["ClientSecret"]) >= 24, "a generated secret"
    described = aws("describe-user-pool-client", "--user-pool-id", state["pool"],
                    "--client-id", client["ClientId"])["UserPoolClient"]
    assert described["ClientSecret"] == client["ClientSecret"]
    state["client"], state["secret"] = client["ClientId"], client["ClientSecret"]
    # Amplify JS takes no client secret: a second client without one.
    state["public"] = aws("create-user-pool-client", "--user-pool-id", state["pool"], "--client-name", "amplify",
                          "--no-generate-secret")["UserPoolClient"]["ClientId"]


@check("admin-create-user then admin-set-user-password --permanent")
def _():
    user = aws("admin-create-user", "--user-pool-id", state["pool"], "--username", username,
               "--user-attributes", "Name=email,Value=carla@example.com", "Name=email_verified,Value=true",
               "--message-action", "SUPPRESS")["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD", user
    # The pool's own policy applies: ten characters at least.
    try:
        aws("admin-set-user-password", "--user-pool-id", state["pool"], "--username", username,
            "--password", "Short-1a", "--permanent")
        raise RuntimeError("a password under the pool's minimum length was accepted")
    except AssertionError as e:
        assert "InvalidPasswordException" in str(e), e
    aws("admin-set-user-password", "--user-pool-id", state["pool"], "--username", username,
        "--password", password, "--permanent")
    got = aws("admin-get-user", "--user-pool-id", state["pool"], "--username", username)
    assert got["UserStatus"] == "CONFIRMED", got


@check("create-group, admin-add-user-to-group")
def _():
    made = aws("create-group", "--user-pool-id", state["pool"], "--group-name", group, "--precedence", "1",
               "--description", "made by the AWS CLI")["Group"]
    assert made["GroupName"] == group and made["Precedence"] == 1, made
    aws("admin-add-user-to-group", "--user-pool-id", state["pool"], "--username", username,
        "--group-name", group)
    groups = aws("admin-list-groups-for-user", "--user-pool-id", state["pool"], "--username", username)
    assert [g["GroupName"] for g in groups["Groups"]] == [group], groups


@check("cognito-srp sign-in (client secret): the ID token carries the group")
def _():
    done = subprocess.run([cognito_srp_bin, "sign-in", "--user-pool-id", state["pool"],
                           "--client-id", state["client"], "--username", username, "--endpoint-url", endpoint],
                          input=password + "\n", env={**env, "COGNITO_CLIENT_SECRET": state["secret"]},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr.strip()}"
    tokens = json.loads(done.stdout)
    id_claims = claims(tokens["IdToken"])
    assert id_claims["cognito:groups"] == [group], id_claims
    assert id_claims["cognito:username"] == username and id_claims["aud"] == state["client"], id_claims
    assert claims(tokens["AccessToken"])["cognito:groups"] == [group]


@check("cognito-srp sign-in refuses a wrong password")
def _():
    done = subprocess.run([cognito_srp_bin, "sign-in", "--user-pool-id", state["pool"],
                           "--client-id", state["client"], "--username", username, "--endpoint-url", endpoint],
                          input="Wrong-Password-9\n", env={**env, "COGNITO_CLIENT_SECRET": state["secret"]},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Incorrect username or password" in done.stderr, \
        f"exit {done.returncode}: {done.stderr.strip()}"


@check("Amplify JS v6 signs in to the CLI-made pool: the ID token carries the group")
def _():
    done = subprocess.run(["node", amplify_script, endpoint, state["pool"], state["public"], username, password,
                           group], env=env, capture_output=True, text=True, timeout=300)
    print("\n".join("    " + line for line in done.stdout.rstrip().splitlines()))
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"


failed = [name for outcome, name in results if outcome == "fail"]
print(f"aws-cli: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
