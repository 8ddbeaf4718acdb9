"""boto3, unmodified, against cognito-srp-local: the password flows
(admin_initiate_auth ADMIN_USER_PASSWORD_AUTH and its older name
ADMIN_NO_SRP_AUTH, initiate_auth USER_PASSWORD_AUTH, with and without a client
secret, and their refusals), refresh (REFRESH_TOKEN_AUTH through initiate_auth
and admin_initiate_auth, get_tokens_from_refresh_token with and without
refresh token rotation), revoke_token and the refusal of a revoked token.

The pool and its app clients are made here through the API (signed with the
seed's IAM credentials), as on AWS. Each check prints PASS or FAIL; any
failure makes the process exit 1.

Usage: python boto3_flows.py ENDPOINT SEED
"""
import base64
import hashlib
import hmac
import json
import secrets
import sys
from importlib.metadata import version

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, seed_path = sys.argv[1:3]
seed = json.load(open(seed_path, encoding="utf-8"))
key = seed["credentials"][0]
idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                   config=Config(retries={"max_attempts": 1, "mode": "standard"}),
                   aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"])
tag = f"python boto3 {version('boto3')} botocore {version('botocore')}"
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


def refused(code, call, *args, message=None, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as e:
        got = e.response["Error"]["Code"]
        text = e.response["Error"].get("Message", "")
        assert got == code, f"refused with {got} ({text}), expected {code}"
        assert message is None or message in text, f"refused with {text!r}, expected {message!r}"
        return e
    raise AssertionError(f"accepted; expected {code}")


def claims(jwt):
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def secret_hash(username, client):
    digest = hmac.new(client["secret"].encode(), (username + client["id"]).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def make_client(name, flows=None, secret=False, rotation=False):
    made = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName=name, GenerateSecret=secret,
        **({"ExplicitAuthFlows": flows} if flows else {}),
        **({"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}} if rotation else {}),
    )["UserPoolClient"]
    return {"id": made["ClientId"], "secret": made.get("ClientSecret")}


print(tag)
pool_id = idp.create_user_pool(PoolName=f"boto3-flows-{secrets.token_hex(4)}")["UserPool"]["Id"]
password_flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
public = make_client("public", flows=password_flows)
confidential = make_client("confidential", flows=password_flows, secret=True)
srp_only = make_client("default-flows")  # ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH, ALLOW_REFRESH_TOKEN_AUTH
legacy = make_client("legacy", flows=["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"])
rotating = make_client("rotating", flows=password_flows, rotation=True)
rotating_secret = make_client("rotating-secret", flows=password_flows, secret=True, rotation=True)
USER, PASSWORD = "pat", "Password-Flows-8!"
idp.admin_create_user(UserPoolId=pool_id, Username=USER, TemporaryPassword="Temporary-Pass-9!",
                      UserAttributes=[{"Name": "email", "Value": "pat@example.com"}])
idp.admin_set_user_password(UserPoolId=pool_id, Username=USER, Password=PASSWORD, Permanent=True)


def user_password(client, username=USER, password=PASSWORD):
    params = {"USERNAME": username, "PASSWORD": password}
    if client["secret"]:
        params["SECRET_HASH"] = secret_hash(username, client)
    return idp.initiate_auth(ClientId=client["id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)


def admin_password(client, flow="ADMIN_USER_PASSWORD_AUTH", username=USER, password=PASSWORD):
    params = {"USERNAME": username, "PASSWORD": password}
    if client["secret"]:
        params["SECRET_HASH"] = secret_hash(username, client)
    return idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client["id"], AuthFlow=flow, AuthParameters=params)


def tokens_of(reply, client):
    assert "ChallengeName" not in reply, reply.get("ChallengeName")
    result = reply["AuthenticationResult"]
    access = claims(result["AccessToken"])
    assert access["username"] == USER and access["client_id"] == client["id"], access
    assert claims(result["IdToken"])["cognito:username"] == USER
    return result


@check("admin-user-password-auth")
def _():
    result = tokens_of(admin_password(public), public)
    assert result["RefreshToken"] and result["ExpiresIn"] == 3600, result


@check("admin-user-password-auth-secret-hash")
def _():
    tokens_of(admin_password(confidential), confidential)
    refused("NotAuthorizedException", admin_password, {**confidential, "secret": "not-the-secret"})


@check("admin-no-srp-auth-legacy-name")
def _():
    tokens_of(admin_password(legacy, flow="ADMIN_NO_SRP_AUTH"), legacy)


@check("admin-user-password-auth-refusals")
def _():
    refused("NotAuthorizedException", admin_password, public, password=PASSWORD + "x",
            message="Incorrect username or password.")
    refused("UserNotFoundException", admin_password, public, username="nobody-boto3")
    refused("InvalidParameterException", admin_password, srp_only, message="not enabled")
    # The public flow through the admin operation.
    refused("InvalidParameterException", admin_password, public, flow="USER_PASSWORD_AUTH",
            message="Initiate Auth method not supported.")


@check("user-password-auth")
def _():
    tokens_of(user_password(public), public)
    tokens_of(user_password(legacy), legacy)


@check("user-password-auth-secret-hash")
def _():
    tokens_of(user_password(confidential), confidential)
    refused("NotAuthorizedException", user_password, {**confidential, "secret": "not-the-secret"})


@check("user-password-auth-refusals")
def _():
    refused("NotAuthorizedException", user_password, public, password=PASSWORD + "x",
            message="Incorrect username or password.")
    refused("InvalidParameterException", user_password, srp_only,
            message="USER_PASSWORD_AUTH flow not enabled for this client")
    refused("InvalidParameterException", idp.initiate_auth, ClientId=public["id"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": USER, "PASSWORD": PASSWORD}, message="Initiate Auth method not supported.")


def refresh_token_auth(client, refresh_token, admin=False):
    params = {"REFRESH_TOKEN": refresh_token}
    if client["secret"]:
        params["SECRET_HASH"] = secret_hash(USER, client)
    if admin:
        return idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client["id"], AuthFlow="REFRESH_TOKEN_AUTH",
                                       AuthParameters=params)
    return idp.initiate_auth(ClientId=client["id"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params)


def get_tokens(client, refresh_token):
    extra = {"ClientSecret": client["secret"]} if client["secret"] else {}
    return idp.get_tokens_from_refresh_token(ClientId=client["id"], RefreshToken=refresh_token, **extra)


def refreshed(before, reply, client):
    result = tokens_of(reply, client)
    assert result["AccessToken"] != before["AccessToken"], "the refresh gave the same access token"
    assert claims(result["AccessToken"])["origin_jti"] == claims(before["AccessToken"])["origin_jti"]
    return result


@check("refresh-token-auth")
def _():
    for client in (public, confidential):
        signed_in = tokens_of(user_password(client), client)
        for admin in (False, True):
            result = refreshed(signed_in, refresh_token_auth(client, signed_in["RefreshToken"], admin), client)
            assert "RefreshToken" not in result, "a new refresh token without rotation"


@check("get-tokens-from-refresh-token")
def _():
    assert hasattr(idp, "get_tokens_from_refresh_token"), f"botocore {version('botocore')} has no GetTokensFromRefreshToken"
    for client in (public, confidential):
        signed_in = tokens_of(user_password(client), client)
        result = refreshed(signed_in, get_tokens(client, signed_in["RefreshToken"]), client)
        assert "RefreshToken" not in result, "a new refresh token without rotation"
    refused("NotAuthorizedException", get_tokens, {**confidential, "secret": None}, signed_in["RefreshToken"])


@check("get-tokens-from-refresh-token-rotation")
def _():
    for client in (rotating, rotating_secret):
        signed_in = tokens_of(user_password(client), client)
        first = signed_in["RefreshToken"]
        one = refreshed(signed_in, get_tokens(client, first), client)
        assert one.get("RefreshToken") and one["RefreshToken"] != first, "no new refresh token under rotation"
        two = refreshed(one, get_tokens(client, one["RefreshToken"]), client)
        assert two.get("RefreshToken") and two["RefreshToken"] != one["RefreshToken"]
        # No grace period: the rotated-out tokens are refused.
        refused("RefreshTokenReuseException", get_tokens, client, first)
        refused("RefreshTokenReuseException", get_tokens, client, one["RefreshToken"])
        # REFRESH_TOKEN_AUTH is refused under rotation, even with the live token.
        refused("NotAuthorizedException", refresh_token_auth, client, two["RefreshToken"])
        refused("NotAuthorizedException", refresh_token_auth, client, two["RefreshToken"], admin=True)


@check("revoke-token-and-refusal")
def _():
    for client in (public, confidential):
        signed_in = tokens_of(user_password(client), client)
        extra = {"ClientSecret": client["secret"]} if client["secret"] else {}
        idp.revoke_token(Token=signed_in["RefreshToken"], ClientId=client["id"], **extra)
        revoked = "Refresh Token has been revoked"
        refused("NotAuthorizedException", refresh_token_auth, client, signed_in["RefreshToken"], message=revoked)
        refused("NotAuthorizedException", refresh_token_auth, client, signed_in["RefreshToken"], admin=True,
                message=revoked)
        refused("NotAuthorizedException", get_tokens, client, signed_in["RefreshToken"], message=revoked)
        # The access token of that sign-in goes with it.
        refused("NotAuthorizedException", idp.get_user, AccessToken=signed_in["AccessToken"])
    # A rotating client's rotated token revokes the same way.
    signed_in = tokens_of(user_password(rotating), rotating)
    rotated = get_tokens(rotating, signed_in["RefreshToken"])["AuthenticationResult"]["RefreshToken"]
    idp.revoke_token(Token=rotated, ClientId=rotating["id"])
    refused("NotAuthorizedException", get_tokens, rotating, rotated, message="Refresh Token has been revoked")


@check("revoke-token-refusals")
def _():
    signed_in = tokens_of(user_password(public), public)
    refused("UnsupportedTokenTypeException", idp.revoke_token, Token=signed_in["AccessToken"], ClientId=public["id"])
    # RFC 7009: an unknown token is no error.
    idp.revoke_token(Token="not-a-refresh-token", ClientId=public["id"])
    tokens_of(refresh_token_auth(public, signed_in["RefreshToken"]), public)


@check("global-sign-out-revokes-refresh-tokens")
def _():
    one = tokens_of(user_password(public), public)
    two = tokens_of(admin_password(confidential), confidential)
    idp.global_sign_out(AccessToken=one["AccessToken"])
    refused("NotAuthorizedException", refresh_token_auth, public, one["RefreshToken"],
            message="Refresh Token has been revoked")
    refused("NotAuthorizedException", get_tokens, confidential, two["RefreshToken"],
            message="Refresh Token has been revoked")


counts = {s: sum(1 for r in results if r[0] == s) for s in ("pass", "fail")}
print(f"{tag}: {counts['pass']} passed, {counts['fail']} failed")
sys.exit(1 if counts["fail"] else 0)
