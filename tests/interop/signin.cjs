// amazon-cognito-identity-js, unmodified, against mock-cognito:
// USER_SRP_AUTH, a wrong password refused, ConfirmDevice (automatic on
// NewDeviceMetadata), then a second sign-in through DEVICE_SRP_AUTH.
// Usage: node signin.cjs ENDPOINT POOL_ID CLIENT_ID USERNAME PASSWORD
'use strict';
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');
const assert = require('node:assert/strict');

const [endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });

function signIn(pw) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: pw }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
    });
  });
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

(async () => {
  const version = require('amazon-cognito-identity-js/package.json').version;
  const first = await signIn(password);
  const access = first.session.getAccessToken().getJwtToken();
  assert.equal(access.split('.').length, 3);
  assert.equal(claims(first.session.getIdToken().getJwtToken()).token_use, 'id');
  console.log(`js ${version}: USER_SRP_AUTH ok`);
  assert.ok(first.user.deviceKey, 'no device was confirmed');
  console.log(`js ${version}: ConfirmDevice ok (${first.user.deviceKey})`);

  await assert.rejects(signIn(password + 'x'), (e) => e.code === 'NotAuthorizedException');
  console.log(`js ${version}: wrong password refused`);

  const second = await signIn(password);
  const deviceClaim = claims(second.session.getAccessToken().getJwtToken()).device_key;
  assert.equal(deviceClaim, first.user.deviceKey, 'the second sign-in did not go through DEVICE_SRP_AUTH');
  console.log(`js ${version}: DEVICE_SRP_AUTH ok`);
})().catch((e) => {
  console.error('js: FAILED', e);
  process.exit(1);
});
