// amazon-cognito-identity-js, unmodified, against cognito-srp-local: USER_SRP_AUTH,
// ConfirmDevice (automatic on NewDeviceMetadata) and a second sign-in through
// DEVICE_SRP_AUTH, refresh, GetUser, global sign-out, CUSTOM_AUTH started
// with SRP_A, NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, and the refusals.
// The library has no USER_AUTH flow (authenticateUser knows USER_SRP_AUTH,
// USER_PASSWORD_AUTH and CUSTOM_AUTH only), so none is tried.
// Usage: node signin.cjs ENDPOINT SEED POOL_ID CLIENT_ID ENABLED_CLIENT_ID USERNAME PASSWORD
'use strict';
const fs = require('node:fs');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');
const OTPAuth = require('otpauth');
const { harness, rejectsWith, claims, assert } = require('./check.cjs');

const [endpoint, seedPath, poolId, clientId, enabledClientId, username, password] = process.argv.slice(2);
const users = Object.fromEntries(
  JSON.parse(fs.readFileSync(seedPath, 'utf8')).pools.find((p) => p.id === poolId).users.map((u) => [u.username, u]));
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const enabledPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: enabledClientId, endpoint });

// One step of a sign-in: resolves with the callback the library called.
function step(start) {
  return new Promise((resolve, reject) => {
    const to = (kind) => (...args) => resolve({ kind, args });
    start({
      onSuccess: to('success'), onFailure: reject, newPasswordRequired: to('newPasswordRequired'),
      totpRequired: to('totpRequired'), mfaRequired: to('mfaRequired'), customChallenge: to('customChallenge'),
      mfaSetup: to('mfaSetup'), selectMFAType: to('selectMFAType'),
    });
  });
}
const details = (name, pw) => new AuthenticationDetails({ Username: name, Password: pw });
const userOf = (name, p = pool) => new CognitoUser({ Username: name, Pool: p });
async function signIn(name, pw, p = pool) {
  const user = userOf(name, p);
  const r = await step((cb) => user.authenticateUser(details(name, pw), cb));
  assert.equal(r.kind, 'success', `ended in ${r.kind}`);
  return { user, session: r.args[0] };
}
const callback = (fn) => new Promise((res, rej) => fn((e, v) => (e ? rej(e) : res(v))));

const version = require('amazon-cognito-identity-js/package.json').version;
const { check, finish } = harness(`js ${version}`);
(async () => {
  console.log(`amazon-cognito-identity-js ${version} (no USER_AUTH flow in this library)`);
  let first;
  await check('user-srp', async () => {
    first = await signIn(username, password);
    assert.equal(claims(first.session.getIdToken().getJwtToken())['cognito:username'], username);
  });
  await check('confirm-device', async () => assert.ok(first && first.user.deviceKey, 'no device was confirmed'));
  await check('refused-wrong-password', async () => rejectsWith(signIn(username, password + 'x'), 'NotAuthorizedException'));
  await check('device-srp', async () => {
    const second = await signIn(username, password);
    assert.equal(claims(second.session.getAccessToken().getJwtToken()).device_key, first.user.deviceKey,
      'the second sign-in did not go through DEVICE_SRP_AUTH');
  });
  await check('refresh-getuser-global-signout', async () => {
    const { user, session } = await signIn(username, password);
    const renewed = await callback((cb) => user.refreshSession(session.getRefreshToken(), cb));
    assert.notEqual(renewed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
    const data = await callback((cb) => user.getUserData(cb, { bypassCache: true }));
    assert.equal(data.Username, username);
    await new Promise((res, rej) => user.globalSignOut({ onSuccess: res, onFailure: rej }));
    await rejectsWith(callback((cb) => user.getUserData(cb, { bypassCache: true })), 'NotAuthorizedException');
  });
  await check('custom-auth-with-srp', async () => {
    // A user with no remembered device here: a device would answer DEVICE_SRP_AUTH instead.
    const name = 'bob@example.com';
    const pw = users[name].password;
    const user = userOf(name);
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    let r = await step((cb) => user.authenticateUser(details(name, pw), cb));
    assert.equal(r.kind, 'customChallenge', `ended in ${r.kind}`);
    // A wrong answer is refused; the right one, sent next, signs in.
    r = await step((cb) => user.sendCustomChallengeAnswer('5', cb)).catch((e) => ({ kind: 'error', args: [e] }));
    assert.ok(r.kind === 'error' || r.kind === 'customChallenge', `a wrong answer ended in ${r.kind}`);
    if (r.kind === 'error') {
      // Cognito ends the sign-in on a refused answer: start again.
      r = await step((cb) => user.authenticateUser(details(name, pw), cb));
    }
    r = await step((cb) => user.sendCustomChallengeAnswer('4', cb));
    assert.equal(r.kind, 'success', `ended in ${r.kind}`);
  });
  await check('new-password-required', async () => {
    const name = 'newpw-js';
    const user = userOf(name);
    let r = await step((cb) => user.authenticateUser(details(name, users[name].password), cb));
    assert.equal(r.kind, 'newPasswordRequired', `ended in ${r.kind}`);
    r = await step((cb) => user.completeNewPasswordChallenge('Chosen-By-Js-Client-5', {}, cb));
    assert.equal(r.kind, 'success', `ended in ${r.kind}`);
    await signIn(name, 'Chosen-By-Js-Client-5');
  });
  await check('totp-mfa-and-sessions', async () => {
    const name = 'totp-js';
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(users[name].totp_secret) });
    const user = userOf(name);
    let r = await step((cb) => user.authenticateUser(details(name, users[name].password), cb));
    assert.equal(r.kind, 'totpRequired', `ended in ${r.kind}`);
    const issued = user.Session;
    assert.ok(issued, 'no Session with SOFTWARE_TOKEN_MFA');
    user.Session = 'AYABe' + 'x'.repeat(400);
    await rejectsWith(step((cb) => user.sendMFACode(totp.generate(), cb, 'SOFTWARE_TOKEN_MFA')), 'NotAuthorizedException');
    user.Session = issued;
    r = await step((cb) => user.sendMFACode(totp.generate(), cb, 'SOFTWARE_TOKEN_MFA'));
    assert.equal(r.kind, 'success', `ended in ${r.kind}`);
    user.Session = issued;
    await rejectsWith(step((cb) => user.sendMFACode(totp.generate(), cb, 'SOFTWARE_TOKEN_MFA')), 'NotAuthorizedException');
  });
  await check('refused-unknown-user-legacy', async () => rejectsWith(signIn('nobody-js', password), 'UserNotFoundException'));
  await check('refused-unknown-user-enabled', async () =>
    rejectsWith(signIn('nobody-js', password, enabledPool), 'NotAuthorizedException'));
  finish();
})();
