"""pycognito and boto3, unmodified, against cognito-srp-local: pycognito's flows
(AWSSRP with and without a client secret, Cognito.authenticate, refresh,
GetUser, ChangePassword, new password, TOTP, sign-out), boto3's admin sign-in
(admin_initiate_auth + admin_respond_to_auth_challenge with pycognito's
AWSSRP maths, signed with the seed's IAM credentials), and the refusals.

Each check prints PASS or FAIL; any failure makes the process exit 1.

Usage: python signin.py ENDPOINT SEED POOL_ID CLIENT_ID SECRET_CLIENT_ID SECRET
                        ADMIN_CLIENT_ID ENABLED_CLIENT_ID USERNAME PASSWORD
"""
import json
import sys
import time
from importlib.metadata import version

import boto3
import pyotp
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP, SoftwareTokenMFAChallengeException

(endpoint, seed_path, pool_id, client_id, secret_client_id, secret, admin_client_id,
 enabled_client_id, username, password) = sys.argv[1:11]
seed = json.load(open(seed_path, encoding="utf-8"))
users = {u["username"]: u for p in seed["pools"] if p["id"] == pool_id for u in p["users"]}
key = seed["credentials"][0]
region = pool_id.split("_")[0]
no_retries = Config(retries={"max_attempts": 1, "mode": "standard"})


def boto(access_key=key["access_key_id"], secret_key=key["secret_access_key"], config=no_retries):
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region, config=config,
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key)


signed = boto()
tag = f"python pycognito {version('pycognito')} boto3 {version('boto3')}"
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


def refused(code, call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, f"refused with {got} ({e.response['Error'].get('Message')}), expected {code}"
        return e
    raise AssertionError(f"accepted; expected {code}")


def claims(jwt):
    import base64
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def admin_srp(user, pw, client=signed, app=admin_client_id, flow="USER_SRP_AUTH", extra=None):
    srp = AWSSRP(user, pw, pool_id, app, client=client)
    params = {**srp.get_auth_params(), **(extra or {})}
    started = client.admin_initiate_auth(UserPoolId=pool_id, ClientId=app, AuthFlow=flow, AuthParameters=params)
    assert started["ChallengeName"] == "PASSWORD_VERIFIER", started
    answer = srp.process_challenge(started["ChallengeParameters"], params)
    more = {"Session": started["Session"]} if started.get("Session") else {}
    return client.admin_respond_to_auth_challenge(UserPoolId=pool_id, ClientId=app, ChallengeName="PASSWORD_VERIFIER",
                                                  ChallengeResponses=answer, **more)


def has_tokens(result, user):
    tokens = result["AuthenticationResult"]
    assert claims(tokens["IdToken"])["cognito:username"] == user, tokens
    assert claims(tokens["AccessToken"])["token_use"] == "access"


def cognito(user, app=client_id):
    # pycognito also fetches f"{endpoint_url}/{pool_id}/.well-known/jwks.json".
    return Cognito(pool_id, app, username=user, boto3_client_kwargs={
        "endpoint_url": endpoint.rstrip("/"), "aws_access_key_id": "unused", "aws_secret_access_key": "unused"})


print(tag)


@check("pycognito-user-srp")
def _():
    tokens = AWSSRP(username, password, pool_id, client_id, client=boto()).authenticate_user()
    has_tokens(tokens, username)


@check("pycognito-user-srp-secret-hash")
def _():
    tokens = AWSSRP(username, password, pool_id, secret_client_id, client=boto(), client_secret=secret).authenticate_user()
    has_tokens(tokens, username)


@check("pycognito-refused-wrong-password")
def _():
    refused("NotAuthorizedException", AWSSRP(username, password + "x", pool_id, client_id, client=boto()).authenticate_user)


@check("pycognito-session-life")
def _():
    # Cognito.authenticate (SRP), GetUser, refresh, ChangePassword, GlobalSignOut.
    user = "bob@example.com"
    pw = users[user]["password"]
    c = cognito(user)
    c.authenticate(password=pw)
    assert c.get_user().username == user
    before = c.access_token
    c.renew_access_token()
    assert c.access_token != before, "the refresh gave the same access token"
    c.change_password(pw, pw + "-2")
    c.change_password(pw + "-2", pw)
    token = c.access_token
    c.logout()
    refused("NotAuthorizedException", boto().get_user, AccessToken=token)


@check("pycognito-new-password-required")
def _():
    user = "newpw-py"
    c = cognito(user)
    c.new_password_challenge(users[user]["password"], "Chosen-By-Pycognito-3")
    cognito(user).authenticate(password="Chosen-By-Pycognito-3")


@check("pycognito-totp-and-sessions")
def _():
    user = "totp-py"
    c = cognito(user)
    try:
        c.authenticate(password=users[user]["password"])
        raise AssertionError("no SOFTWARE_TOKEN_MFA challenge")
    except SoftwareTokenMFAChallengeException as e:
        mfa = e.get_tokens()
    assert mfa["ChallengeName"] == "SOFTWARE_TOKEN_MFA", mfa
    code = pyotp.TOTP(users[user]["totp_secret"]).now()
    made_up = dict(mfa, Session="AYABe" + "x" * 400)
    refused("NotAuthorizedException", c.respond_to_software_token_mfa_challenge, code, made_up)
    c.respond_to_software_token_mfa_challenge(code, mfa)
    assert claims(c.access_token)["username"] == user
    refused("NotAuthorizedException", c.respond_to_software_token_mfa_challenge, code, mfa)


@check("boto3-admin-user-srp")
def _():
    has_tokens(admin_srp(username, password), username)


@check("boto3-admin-user-auth-password-srp")
def _():
    has_tokens(admin_srp(username, password, flow="USER_AUTH", extra={"PREFERRED_CHALLENGE": "PASSWORD_SRP"}), username)


@check("boto3-admin-refused-wrong-password")
def _():
    refused("NotAuthorizedException", admin_srp, username, password + "x")


@check("boto3-admin-refused-unknown-user-legacy")
def _():
    refused("UserNotFoundException", admin_srp, f"nobody-{time.time_ns()}", password)


@check("boto3-admin-refused-unknown-user-enabled")
def _():
    refused("NotAuthorizedException", admin_srp, f"nobody-{time.time_ns()}", password, app=enabled_client_id)


@check("boto3-admin-refused-unsigned")
def _():
    refused("MissingAuthenticationTokenException", admin_srp, username, password,
            client=boto(config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1})))


@check("boto3-admin-refused-bad-signature")
def _():
    refused("InvalidSignatureException", admin_srp, username, password,
            client=boto(secret_key=key["secret_access_key"][:-1] + "X"))


@check("boto3-admin-refused-unknown-access-key")
def _():
    refused("UnrecognizedClientException", admin_srp, username, password,
            client=boto(access_key="AKIAUNKNOWNKEY000000"))


counts = {s: sum(1 for r in results if r[0] == s) for s in ("pass", "fail")}
print(f"{tag}: {counts['pass']} passed, {counts['fail']} failed")
sys.exit(1 if counts["fail"] else 0)
