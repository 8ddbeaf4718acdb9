"""boto3, unmodified, against cognito-srp-local whose pool's Lambda triggers run
on a real Lambda host (serverless-offline, handlers in lambda/handlers.js):

- a PreTokenGeneration function adds a claim seen in the ID token;
- a PreAuthentication function refuses a user (UserLambdaValidationException);
- the three custom-auth triggers drive a CUSTOM_AUTH sign-in;
- a sign-in's ClientMetadata reaches PreAuthentication as validationData;
- a CustomMessage function writes the ForgotPassword message, read back from
  the endpoint's local code channel.

The pool and its LambdaConfig are made through the API (signed with the seed's
IAM credentials). Each check prints PASS or FAIL; any failure makes the process
exit 1.

Usage: python triggers.py ENDPOINT SEED FUNCTION_PREFIX
"""
import base64
import json
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, seed_path, prefix = sys.argv[1:4]
seed = json.load(open(seed_path, encoding="utf-8"))
key = seed["credentials"][0]
cognito = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                       config=Config(retries={"max_attempts": 1, "mode": "standard"}),
                       aws_access_key_id=key["access_key_id"],
                       aws_secret_access_key=key["secret_access_key"])
results = []


def arn(name):
    return f"arn:aws:lambda:us-east-1:000000000000:function:{prefix}{name}"


def check(name):
    def run(body):
        try:
            body()
            results.append(True)
            print(f"  PASS {name}")
        except Exception as e:  # every failure is reported, the next check still runs
            results.append(False)
            print(f"  FAIL {name}: {type(e).__name__}: {e}")
    return run


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


pool_id = cognito.create_user_pool(PoolName="interop-triggers", LambdaConfig={
    "PreTokenGeneration": arn("preToken"),
    "PreAuthentication": arn("preAuth"),
    "DefineAuthChallenge": arn("define"),
    "CreateAuthChallenge": arn("create"),
    "VerifyAuthChallengeResponse": arn("verify"),
    "CustomMessage": arn("customMessage"),
}, EmailConfiguration={"EmailSendingAccount": "DEVELOPER"})["UserPool"]["Id"]
client_id = cognito.create_user_pool_client(
    UserPoolId=pool_id, ClientName="triggers",
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH",
                       "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
password = "Interop-Trigger-Pass-1"
for user in ("trigger-user", "refused-user"):
    cognito.admin_create_user(UserPoolId=pool_id, Username=user, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user, Password=password,
                                    Permanent=True)


def sign_in(user):
    return cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": user, "PASSWORD": password})


@check("PreTokenGeneration adds a claim the ID token shows")
def _():
    result = sign_in("trigger-user")["AuthenticationResult"]
    got = claims(result["IdToken"]).get("interop_claim")
    assert got == "added-by-lambda", f"interop_claim = {got!r}"
    # and again on refresh
    refreshed = cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    got = claims(refreshed["AuthenticationResult"]["IdToken"]).get("interop_claim")
    assert got == "added-by-lambda", f"after refresh interop_claim = {got!r}"


@check("PreAuthentication refuses a user (UserLambdaValidationException)")
def _():
    try:
        sign_in("refused-user")
    except ClientError as e:
        error = e.response["Error"]
        assert error["Code"] == "UserLambdaValidationException", error
        expected = "PreAuthentication failed with error refused-user may not sign in."
        assert error["Message"] == expected, error
        return
    raise AssertionError("refused-user was signed in")


@check("DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse drive CUSTOM_AUTH")
def _():
    reply = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                  AuthParameters={"USERNAME": "trigger-user"})
    assert reply["ChallengeName"] == "CUSTOM_CHALLENGE", reply
    assert reply["ChallengeParameters"]["question"] == "What is 6 times 7?", reply
    assert "answer" not in reply["ChallengeParameters"], "the private answer leaked"
    wrong = cognito.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=reply["Session"],
        ChallengeResponses={"USERNAME": "trigger-user", "ANSWER": "41"})
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE", wrong
    done = cognito.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=wrong["Session"],
        ChallengeResponses={"USERNAME": "trigger-user", "ANSWER": "42"})
    id_claims = claims(done["AuthenticationResult"]["IdToken"])
    assert id_claims["cognito:username"] == "trigger-user", id_claims
    assert id_claims.get("interop_claim") == "added-by-lambda", id_claims


@check("CUSTOM_AUTH fails when DefineAuthChallenge says so")
def _():
    reply = cognito.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH",
                                  AuthParameters={"USERNAME": "trigger-user"})
    for _ in range(2):
        reply = cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=reply["Session"],
            ChallengeResponses={"USERNAME": "trigger-user", "ANSWER": "0"})
    try:
        cognito.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=reply["Session"],
            ChallengeResponses={"USERNAME": "trigger-user", "ANSWER": "0"})
    except ClientError as e:
        assert e.response["Error"]["Code"] == "NotAuthorizedException", e.response["Error"]
        return
    raise AssertionError("a third wrong answer was accepted")


@check("a sign-in's ClientMetadata reaches PreAuthentication as validationData")
def _():
    try:
        cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": "trigger-user", "PASSWORD": password},
                              ClientMetadata={"probe": "kiosk-7"})
    except ClientError as e:
        error = e.response["Error"]
        assert error["Code"] == "UserLambdaValidationException", error
        expected = "PreAuthentication failed with error validationData.probe is kiosk-7."
        assert error["Message"] == expected, error
        return
    raise AssertionError("the probe did not reach PreAuthentication")


@check("CustomMessage writes the ForgotPassword message the local channel delivers")
def _():
    cognito.forgot_password(ClientId=client_id, Username="trigger-user")
    url = f"{endpoint.rstrip('/')}/_local/codes/{pool_id}/trigger-user"
    codes = json.load(urllib.request.urlopen(url, timeout=30))["Codes"]
    sent = next(c for c in codes if c["Purpose"] == "FORGOT_PASSWORD")
    expected = f"CustomMessage_ForgotPassword for trigger-user: {sent['Code']}"
    assert sent["Message"] == expected, sent
    assert sent["Subject"] == "Interop CustomMessage_ForgotPassword", sent


print(f"triggers (boto3 {boto3.__version__}, serverless-offline): "
      f"{sum(results)} PASS, {len(results) - sum(results)} FAIL")
sys.exit(0 if all(results) else 1)
