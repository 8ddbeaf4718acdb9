// amazon-cognito-identity-js, unmodified, refreshing against cognito-srp-local:
// refreshSession (REFRESH_TOKEN_AUTH) after setDeviceStatusRemembered, with the
// remembered device's DEVICE_KEY, before and after a sign-in through
// DEVICE_SRP_AUTH; and its refusal by an app client that rotates refresh
// tokens (the library knows no GetTokensFromRefreshToken). What it sends is
// read from its own client's requests (a wrapper that records each call and
// passes it on untouched).
// Usage: node js-refresh.cjs ENDPOINT SEED
'use strict';
const fs = require('node:fs');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');
const { harness, rejectsWith, claims, assert } = require('./check.cjs');
const { admin, makePool, makeClient, makeUser } = require('./setup.cjs');

const [endpoint, seedPath] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));

const sent = [];
function recorded(pool) {
  const request = pool.client.request.bind(pool.client);
  pool.client.request = (operation, params, callback) => {
    sent.push({ operation, params });
    return request(operation, params, callback);
  };
  return pool;
}

function signIn(pool, name, password) {
  const user = new CognitoUser({ Username: name, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: name, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('newPasswordRequired')),
      totpRequired: () => reject(new Error('totpRequired')),
      mfaRequired: () => reject(new Error('mfaRequired')),
    });
  });
}
const callback = (fn) => new Promise((res, rej) => fn((e, v) => (e ? rej(e) : res(v))));
const refreshes = (from) => sent.slice(from).filter((r) => r.operation === 'InitiateAuth' && r.params.AuthFlow === 'REFRESH_TOKEN_AUTH');

const version = require('amazon-cognito-identity-js/package.json').version;
const { check, finish } = harness(`js-refresh ${version}`);
(async () => {
  console.log(`amazon-cognito-identity-js ${version}: refresh`);
  const setup = admin(endpoint, seed);
  const poolId = await makePool(setup, { name: 'js-refresh', devices: true });
  const plain = await makeClient(setup, poolId, { name: 'plain' });
  const rotating = await makeClient(setup, poolId, { name: 'rotating', rotation: true });
  const password = 'Identity-Js-Refreshes-3';
  await makeUser(setup, poolId, 'jay', password);
  const pool = recorded(new CognitoUserPool({ UserPoolId: poolId, ClientId: plain.id, endpoint }));
  const rotatingPool = recorded(new CognitoUserPool({ UserPoolId: poolId, ClientId: rotating.id, endpoint }));

  let deviceKey;
  await check('refresh-with-remembered-device', async () => {
    const { user, session } = await signIn(pool, 'jay', password);
    deviceKey = user.deviceKey;
    assert.ok(deviceKey, 'no device was confirmed at sign-in');
    await new Promise((res, rej) => user.setDeviceStatusRemembered({ onSuccess: res, onFailure: rej }));
    assert.equal(sent.at(-1).operation, 'UpdateDeviceStatus');
    assert.equal(sent.at(-1).params.DeviceRememberedStatus, 'remembered');
    const from = sent.length;
    const renewed = await callback((cb) => user.refreshSession(session.getRefreshToken(), cb));
    const [refresh] = refreshes(from);
    assert.ok(refresh, 'no REFRESH_TOKEN_AUTH sent');
    assert.equal(refresh.params.AuthParameters.DEVICE_KEY, deviceKey, 'no DEVICE_KEY in the refresh');
    const before = session.getAccessToken().getJwtToken();
    const after = renewed.getAccessToken().getJwtToken();
    assert.notEqual(after, before, 'the refresh gave the same access token');
    assert.equal(claims(after).origin_jti, claims(before).origin_jti);
    assert.equal(renewed.getRefreshToken().getToken(), session.getRefreshToken().getToken(), 'no rotation: the same refresh token');
  });
  await check('refresh-after-device-srp-sign-in', async () => {
    assert.ok(deviceKey, 'no remembered device');
    const from = sent.length;
    const { user, session } = await signIn(pool, 'jay', password);
    assert.ok(sent.slice(from).some((r) => r.params.ChallengeName === 'DEVICE_PASSWORD_VERIFIER'), 'no DEVICE_SRP_AUTH');
    assert.equal(claims(session.getAccessToken().getJwtToken()).device_key, deviceKey);
    const again = sent.length;
    const renewed = await callback((cb) => user.refreshSession(session.getRefreshToken(), cb));
    assert.equal(refreshes(again)[0].params.AuthParameters.DEVICE_KEY, deviceKey);
    assert.equal(claims(renewed.getAccessToken().getJwtToken()).device_key, deviceKey);
    assert.notEqual(renewed.getIdToken().getJwtToken(), session.getIdToken().getJwtToken());
  });
  await check('refresh-refused-by-rotating-client', async () => {
    const { user, session } = await signIn(rotatingPool, 'jay', password);
    await rejectsWith(callback((cb) => user.refreshSession(session.getRefreshToken(), cb)), 'NotAuthorizedException');
  });
  finish();
})();
