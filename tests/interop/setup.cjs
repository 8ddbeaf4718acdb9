// Pools, app clients and users for the checks that need settings the seed
// does not hold (refresh token rotation, device tracking, allowed flows, MFA
// required), made as on AWS: the AWS SDK for JavaScript v3, signed with the
// seed's IAM credentials. Each script makes its own pool, so no script sees
// another's devices, tokens or MFA.
'use strict';
const crypto = require('node:crypto');
const idp = require('@aws-sdk/client-cognito-identity-provider');

// Taken before a script wraps fetch to record what its client sends.
const realFetch = globalThis.fetch;

function admin(endpoint, seed) {
  const key = seed.credentials[0];
  return new idp.CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key },
  });
}

// A pool: `devices` turns device tracking on (every client then hands out
// NewDeviceMetadata), `totpRequired` makes MFA required with TOTP the only
// factor (MFA_SETUP for users without one), `firstFactors` sets the
// USER_AUTH first factors it allows (AllowedFirstAuthFactors), `codeMfa`
// makes MFA optional with SMS, email and TOTP as factors (SMS through a role
// of the endpoint's account).
async function makePool(client, { name, devices = false, totpRequired = false, firstFactors, codeMfa = false }) {
  const made = await client.send(new idp.CreateUserPoolCommand({
    PoolName: `${name}-${crypto.randomBytes(4).toString('hex')}`,
    ...(devices ? { DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true } } : {}),
    ...(firstFactors ? { Policies: { SignInPolicy: { AllowedFirstAuthFactors: firstFactors } } } : {}),
  }));
  const poolId = made.UserPool.Id;
  if (totpRequired) {
    await client.send(new idp.SetUserPoolMfaConfigCommand({
      UserPoolId: poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true },
    }));
  }
  if (codeMfa) {
    await client.send(new idp.SetUserPoolMfaConfigCommand({
      UserPoolId: poolId,
      MfaConfiguration: 'OPTIONAL',
      SoftwareTokenMfaConfiguration: { Enabled: true },
      SmsMfaConfiguration: {
        SmsAuthenticationMessage: 'Your sign-in code is {####}',
        SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::000000000000:role/interop-sms', ExternalId: 'interop' },
      },
      EmailMfaConfiguration: { Message: 'Your sign-in code is {####}', Subject: 'Sign-in code' },
    }));
  }
  return poolId;
}

// An app client: `rotation` turns refresh token rotation on (no grace
// period), `flows` sets ExplicitAuthFlows (Cognito's default when absent),
// `secret` generates a client secret.
async function makeClient(client, poolId, { name, rotation = false, flows, secret = false }) {
  const made = await client.send(new idp.CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: name,
    ...(flows ? { ExplicitAuthFlows: flows } : {}),
    ...(secret ? { GenerateSecret: true } : {}),
    ...(rotation ? { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } } : {}),
  }));
  return { id: made.UserPoolClient.ClientId, secret: made.UserPoolClient.ClientSecret };
}

// A confirmed user with a permanent password.
async function makeUser(client, poolId, username, password, attributes = {}) {
  await client.send(new idp.AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: username,
    TemporaryPassword: `Temp-${crypto.randomBytes(6).toString('hex')}-Aa1!`,
    UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
  }));
  await client.send(new idp.AdminSetUserPasswordCommand({
    UserPoolId: poolId, Username: username, Password: password, Permanent: true,
  }));
}

// One unsigned call, as any client sends it: [status, body].
async function call(endpoint, operation, body) {
  const r = await realFetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  return [r.status, await r.json()];
}

module.exports = { admin, makePool, makeClient, makeUser, call };
