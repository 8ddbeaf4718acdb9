"""pycognito (AWSSRP) with boto3, unmodified, against mock-cognito: USER_SRP_AUTH
with and without a client secret, and a wrong password refused.

Usage: python signin.py ENDPOINT POOL_ID CLIENT_ID SECRET_CLIENT_ID SECRET USERNAME PASSWORD
"""
import sys
from importlib.metadata import version

import boto3
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

endpoint, pool_id, client_id, secret_client_id, secret, username, password = sys.argv[1:8]
client = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
tag = f"python pycognito {version('pycognito')} boto3 {version('boto3')}"

tokens = AWSSRP(username, password, pool_id, client_id, client=client).authenticate_user()
assert tokens["AuthenticationResult"]["AccessToken"].count(".") == 2, tokens
print(f"{tag}: USER_SRP_AUTH ok")

tokens = AWSSRP(username, password, pool_id, secret_client_id, client=client, client_secret=secret).authenticate_user()
assert tokens["AuthenticationResult"]["IdToken"].count(".") == 2, tokens
print(f"{tag}: USER_SRP_AUTH with SECRET_HASH ok")

try:
    AWSSRP(username, password + "x", pool_id, client_id, client=client).authenticate_user()
    sys.exit(f"{tag}: a wrong password was accepted")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NotAuthorizedException", e.response
    print(f"{tag}: wrong password refused")
