"""boto3, unmodified, manages users of cognito-srp-local as on AWS, in a pool
it makes itself (AutoVerifiedAttributes email): ListUsers with Cognito's
filters and its pagination (by hand and with boto3's paginator),
ForgotPassword -> ConfirmForgotPassword and SignUp -> ConfirmSignUp and
UpdateUserAttributes -> VerifyUserAttribute with the codes read from the
endpoint's local code channel (GET /_local/codes/<pool id>/<username>),
and AdminDisableUser -> a refused sign-in with Cognito's error.

Each check prints PASS or FAIL; any failure makes the process exit 1.

Usage: python users.py ENDPOINT SEED
"""
import json
import sys
import urllib.request
from importlib.metadata import version

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, seed_path = sys.argv[1:3]
seed = json.load(open(seed_path, encoding="utf-8"))
key = seed["credentials"][0]
no_retries = Config(retries={"max_attempts": 1, "mode": "standard"})
signed = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1", config=no_retries,
                      aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"])
public = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                      config=no_retries.merge(Config(signature_version=UNSIGNED)))
print(f"boto3 {version('boto3')}")
results = []
password = "Users-Boto3-Pass-1"
state = {}


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


def local_code(username, purpose):
    """The newest code of `purpose` sent to `username`, from the local channel."""
    url = f"{endpoint.rstrip('/')}/_local/codes/{state['pool']}/{username}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        codes = json.load(answer)["Codes"]
    found = [c["Code"] for c in codes if c["Purpose"] == purpose]
    assert found, f"no {purpose} code for {username} in {codes}"
    return found[0]


def sign_in(username, pw=password):
    return public.initiate_auth(ClientId=state["client"], AuthFlow="USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": username, "PASSWORD": pw})["AuthenticationResult"]


def names(users):
    return sorted(u["Username"] for u in users)


everyone = [f"user{i:02}" for i in range(1, 8)] + ["zed"]


@check("set-up: pool, client and users over the API")
def _():
    state["pool"] = signed.create_user_pool(PoolName="interop-boto3", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    state["client"] = signed.create_user_pool_client(
        UserPoolId=state["pool"], ClientName="boto3",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for name in everyone:
        domain = "other.org" if name == "zed" else "example.com"
        signed.admin_create_user(UserPoolId=state["pool"], Username=name, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": f"{name}@{domain}"},
                                                 {"Name": "email_verified", "Value": "true"}])
        if name != "user07":  # user07 keeps its temporary password
            signed.admin_set_user_password(UserPoolId=state["pool"], Username=name, Password=password,
                                           Permanent=True)


def list_users(**kwargs):
    return signed.list_users(UserPoolId=state["pool"], **kwargs)


@check("ListUsers filters: email ^=, username =, status =, cognito:user_status =")
def _():
    by_prefix = list_users(Filter='email ^= "user0"')["Users"]
    assert names(by_prefix) == everyone[:-1], names(by_prefix)
    exact = list_users(Filter='username = "user03"')["Users"]
    assert names(exact) == ["user03"], names(exact)
    emails = [a["Value"] for a in exact[0]["Attributes"] if a["Name"] == "email"]
    assert emails == ["user03@example.com"], exact
    signed.admin_disable_user(UserPoolId=state["pool"], Username="user05")
    disabled = list_users(Filter='status = "Disabled"')["Users"]
    assert names(disabled) == ["user05"] and disabled[0]["Enabled"] is False, disabled
    signed.admin_enable_user(UserPoolId=state["pool"], Username="user05")
    temporary = list_users(Filter='cognito:user_status = "force_change_password"')["Users"]
    assert names(temporary) == ["user07"], names(temporary)
    only = list_users(Filter='username = "zed"', AttributesToGet=["email"])["Users"][0]["Attributes"]
    assert only == [{"Name": "email", "Value": "zed@other.org"}], only
    refused("InvalidParameterException", list_users, Filter='shoe_size = "9"')
    refused("InvalidParameterException", list_users, Filter="username = unquoted")


@check("ListUsers pagination: Limit and PaginationToken by hand")
def _():
    seen, token, pages = [], None, 0
    while True:
        page = list_users(Limit=3, **({"PaginationToken": token} if token else {}))
        assert len(page["Users"]) <= 3, page
        seen += [u["Username"] for u in page["Users"]]
        pages += 1
        token = page.get("PaginationToken")
        if not token:
            break
    assert sorted(seen) == sorted(everyone) and len(seen) == len(set(seen)), seen
    assert pages == 3, pages
    refused("InvalidParameterException", list_users, Limit=61)


@check("ListUsers pagination: boto3's paginator")
def _():
    paginator = signed.get_paginator("list_users")
    pages = list(paginator.paginate(UserPoolId=state["pool"], PaginationConfig={"PageSize": 2}))
    seen = [u["Username"] for p in pages for u in p["Users"]]
    assert sorted(seen) == sorted(everyone) and len(pages) == 4, (len(pages), seen)
    filtered = paginator.paginate(UserPoolId=state["pool"], Filter='email ^= "user"',
                                  PaginationConfig={"PageSize": 2}).build_full_result()
    assert names(filtered["Users"]) == everyone[:-1], names(filtered["Users"])


@check("ForgotPassword -> ConfirmForgotPassword with the code from the local channel")
def _():
    sent = public.forgot_password(ClientId=state["client"], Username="user01")["CodeDeliveryDetails"]
    assert sent == {"Destination": "u***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}, sent
    code = local_code("user01", "FORGOT_PASSWORD")
    wrong = "000000" if code != "000000" else "111111"
    refused("CodeMismatchException", public.confirm_forgot_password, ClientId=state["client"],
            Username="user01", ConfirmationCode=wrong, Password="Reset-By-Code-2")
    public.confirm_forgot_password(ClientId=state["client"], Username="user01", ConfirmationCode=code,
                                   Password="Reset-By-Code-2")
    assert sign_in("user01", "Reset-By-Code-2")["AccessToken"]
    refused("NotAuthorizedException", sign_in, "user01", password)


@check("AdminDisableUser -> sign-in refused (User is disabled.), AdminEnableUser -> signs in")
def _():
    tokens = sign_in("user02")
    signed.admin_disable_user(UserPoolId=state["pool"], Username="user02")
    e = refused("NotAuthorizedException", sign_in, "user02")
    assert e.response["Error"]["Message"] == "User is disabled.", e.response["Error"]
    refused("NotAuthorizedException", public.get_user, AccessToken=tokens["AccessToken"])
    refused("NotAuthorizedException", public.initiate_auth, ClientId=state["client"],
            AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    signed.admin_enable_user(UserPoolId=state["pool"], Username="user02")
    assert sign_in("user02")["AccessToken"]


@check("SignUp -> ConfirmSignUp with the code from the local channel")
def _():
    reply = public.sign_up(ClientId=state["client"], Username="newcomer", Password=password,
                           UserAttributes=[{"Name": "email", "Value": "newcomer@example.com"}])
    assert reply["UserConfirmed"] is False, reply
    assert reply["CodeDeliveryDetails"]["AttributeName"] == "email", reply
    refused("UserNotConfirmedException", sign_in, "newcomer")
    public.resend_confirmation_code(ClientId=state["client"], Username="newcomer")
    code = local_code("newcomer", "CONFIRM_SIGN_UP")
    public.confirm_sign_up(ClientId=state["client"], Username="newcomer", ConfirmationCode=code)
    e = refused("NotAuthorizedException", public.confirm_sign_up, ClientId=state["client"],
                Username="newcomer", ConfirmationCode=code)
    assert "Current status is CONFIRMED" in e.response["Error"]["Message"], e.response["Error"]
    got = signed.admin_get_user(UserPoolId=state["pool"], Username="newcomer")
    attributes = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert got["UserStatus"] == "CONFIRMED" and attributes["email_verified"] == "true", got
    assert sign_in("newcomer")["IdToken"]


@check("UpdateUserAttributes -> VerifyUserAttribute with the code from the local channel")
def _():
    access = sign_in("user04")["AccessToken"]
    sent = public.update_user_attributes(AccessToken=access,
                                         UserAttributes=[{"Name": "email", "Value": "four@example.com"}])
    assert [d["AttributeName"] for d in sent["CodeDeliveryDetailsList"]] == ["email"], sent
    unverified = {a["Name"]: a["Value"] for a in public.get_user(AccessToken=access)["UserAttributes"]}
    assert unverified["email"] == "four@example.com" and unverified["email_verified"] == "false", unverified
    public.verify_user_attribute(AccessToken=access, AttributeName="email",
                                 Code=local_code("user04", "VERIFY_ATTRIBUTE"))
    verified = {a["Name"]: a["Value"] for a in public.get_user(AccessToken=access)["UserAttributes"]}
    assert verified["email_verified"] == "true", verified


failed = [name for outcome, name in results if outcome == "fail"]
print(f"users: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
