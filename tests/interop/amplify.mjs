// Amplify JS v6, unmodified, in Node against cognito-srp-local (userPoolEndpoint
// pointed at it, tokens in an in-memory key-value storage): SRP sign-in
// (default and USER_AUTH), device remembering and DEVICE_SRP_AUTH, refresh,
// sign-out, new password, TOTP, device listing and forgetting, and refusals.
// What Amplify sends is read from the request stream (a wrapper around
// fetch that records each call and passes it on untouched).
// Usage: node amplify.mjs ENDPOINT POOL_ID CLIENT_ID ENABLED_CLIENT_ID SEED EMAIL_POOL_ID EMAIL_CLIENT_ID
// (the last pool's users sign in with their email as username)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import * as OTPAuth from 'otpauth';

const require = createRequire(import.meta.url);
const { harness, rejectsWith, claims, assert } = require('./check.cjs');
const [endpoint, poolId, clientId, enabledClientId, seedPath, emailPoolId, emailClientId] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));
const users = Object.fromEntries(seed.pools.find((p) => p.id === poolId).users.map((u) => [u.username, u]));

// The request stream: operation, flow or challenge, and the body, per call.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const headers = new Headers(init.headers);
  const target = (headers.get('x-amz-target') || '').split('.').pop();
  let body = {};
  try { body = JSON.parse(init.body); } catch { /* not JSON */ }
  sent.push({ target, step: body.AuthFlow || body.ChallengeName || '', body, url: String(url), init });
  return realFetch(url, init);
};
const stream = (from) => sent.slice(from).map((r) => (r.step ? `${r.target}:${r.step}` : r.target));

// Node 20 has no `navigator`, which Amplify reads for the device's name at
// ConfirmDevice (and drops the device when it cannot): give it a browser's.
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node} (cognito-srp-local interop)` };

const storage = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  setItem: async (k, v) => void storage.set(k, v),
  getItem: async (k) => storage.get(k) ?? null,
  removeItem: async (k) => void storage.delete(k),
  clear: async () => storage.clear(),
});
const configure = (client, pool = poolId) =>
  Amplify.configure({ Auth: { Cognito: { userPoolId: pool, userPoolClientId: client, userPoolEndpoint: endpoint } } });
configure(clientId);

const totp = (user, offset = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(users[user].totp_secret), digits: 6, period: 30, algorithm: 'SHA1' })
    .generate({ timestamp: Date.now() + offset * 30_000 });
const accessToken = async () => (await auth.fetchAuthSession()).tokens?.accessToken?.toString();
// Leaves no sign-in behind, whatever the last check left.
const reset = async () => { try { await auth.signOut(); } catch { /* nothing to sign out */ } };

const version = require('aws-amplify/package.json').version;
const { check, finish } = harness(`amplify ${version}`);
console.log(`Amplify JS ${version} (Node ${process.versions.node})`);
const amy = 'amy';
const amyPassword = users[amy].password;
let deviceKey;

await check('signin-default-srp', async () => {
  const from = sent.length;
  const result = await auth.signIn({ username: amy, password: amyPassword });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  assert.deepEqual(stream(from).slice(0, 2), ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER']);
  assert.ok(stream(from).includes('ConfirmDevice'), `no ConfirmDevice in ${stream(from)}`);
  deviceKey = sent.find((r, i) => i >= from && r.target === 'ConfirmDevice').body.DeviceKey;
});
await check('remember-device', async () => {
  const from = sent.length;
  await auth.rememberDevice();
  assert.deepEqual(stream(from), ['UpdateDeviceStatus']);
  assert.equal(sent.at(-1).body.DeviceRememberedStatus, 'remembered');
});
await check('fetch-devices', async () => {
  const devices = await auth.fetchDevices();
  assert.ok(devices.some((d) => d.id === deviceKey), `${deviceKey} not in ${JSON.stringify(devices)}`);
});
await check('refresh-tokens', async () => {
  const before = await accessToken();
  const from = sent.length;
  const session = await auth.fetchAuthSession({ forceRefresh: true });
  const after = session.tokens.accessToken.toString();
  assert.notEqual(after, before, 'the refresh gave the same access token');
  assert.ok(stream(from).some((s) => /REFRESH_TOKEN|GetTokensFromRefreshToken/.test(s)), `no refresh in ${stream(from)}`);
  assert.equal(claims(after).username, amy);
});
await check('get-current-user', async () => {
  const user = await auth.fetchUserAttributes();
  assert.equal(user.email, users[amy].attributes.email);
});
await check('sign-out', async () => {
  const from = sent.length;
  await auth.signOut();
  assert.ok(stream(from).includes('RevokeToken'), `no RevokeToken in ${stream(from)}`);
  assert.equal(await accessToken(), undefined);
});
await check('signin-through-device-srp', async () => {
  await reset();
  const from = sent.length;
  const result = await auth.signIn({ username: amy, password: amyPassword });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  const steps = stream(from);
  const offered = sent.slice(from).find((r) => r.step === 'PASSWORD_VERIFIER')?.body.ChallengeResponses.DEVICE_KEY;
  assert.ok(steps.includes('RespondToAuthChallenge:DEVICE_SRP_AUTH') && steps.includes('RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'),
    `did not go through DEVICE_SRP_AUTH: ${steps} (DEVICE_KEY offered: ${offered})`);
  assert.equal(claims(await accessToken()).device_key, deviceKey);
});
await check('global-sign-out', async () => {
  const token = await accessToken();
  assert.ok(token, 'not signed in');
  await auth.signOut({ global: true });
  assert.ok(sent.some((r) => r.target === 'GlobalSignOut'), 'no GlobalSignOut sent');
  // The revoked access token is refused from now on.
  const r = await realFetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' }, body: JSON.stringify({ AccessToken: token }) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).__type, /NotAuthorizedException/);
});
await check('signin-user-auth-password-srp', async () => {
  await reset();
  const from = sent.length;
  const result = await auth.signIn({ username: amy, password: amyPassword, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD_SRP' } });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  assert.equal(stream(from)[0], 'InitiateAuth:USER_AUTH');
  assert.equal(sent[from].body.AuthParameters.PREFERRED_CHALLENGE, 'PASSWORD_SRP');
  assert.ok(stream(from).includes('RespondToAuthChallenge:PASSWORD_VERIFIER'), `${stream(from)}`);
});
await check('signin-user-auth-select-challenge', async () => {
  await reset();
  const from = sent.length;
  let step = await auth.signIn({ username: amy, options: { authFlowType: 'USER_AUTH' } });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(step.nextStep));
  assert.ok(step.nextStep.availableChallenges.includes('PASSWORD_SRP'), JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: amyPassword });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  assert.ok(stream(from).includes('RespondToAuthChallenge:SELECT_CHALLENGE'), `${stream(from)}`);
});
await check('forget-device', async () => {
  const from = sent.length;
  await auth.forgetDevice();
  assert.deepEqual(stream(from), ['ForgetDevice']);
  const devices = await auth.fetchDevices();
  assert.ok(!devices.some((d) => d.id === deviceKey), `${deviceKey} still listed`);
});
await check('signin-new-password-required', async () => {
  await reset();
  const user = 'newpw-amplify';
  const fresh = 'Chosen-By-Amplify-7';
  let step = await auth.signIn({ username: user, password: users[user].password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: fresh });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  await auth.signOut();
  await rejectsWith(auth.signIn({ username: user, password: users[user].password }), 'NotAuthorizedException');
  assert.equal((await auth.signIn({ username: user, password: fresh })).isSignedIn, true);
});
let totpAnswer;
await check('signin-totp', async () => {
  await reset();
  const user = 'totp-amplify';
  let step = await auth.signIn({ username: user, password: users[user].password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(step.nextStep));
  // A code from an hour ago is refused.
  await rejectsWith(auth.confirmSignIn({ challengeResponse: totp(user, -120) }), 'CodeMismatchException');
  // Whether Cognito lets the same Session try again is not documented: sign in anew.
  step = await auth.signIn({ username: user, password: users[user].password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: totp(user) });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  totpAnswer = sent.findLast((r) => r.step === 'SOFTWARE_TOKEN_MFA');
});
await check('refused-reused-totp-session', async () => {
  assert.ok(totpAnswer, 'no SOFTWARE_TOKEN_MFA answer to replay');
  // Amplify's own request, sent again: its Session answered once already.
  const r = await realFetch(totpAnswer.url, totpAnswer.init);
  assert.equal(r.status, 400, 'the reused Session was accepted');
  assert.match((await r.json()).__type, /NotAuthorizedException|CodeMismatchException/);
});
await check('refused-wrong-password', async () => {
  await reset();
  await rejectsWith(auth.signIn({ username: amy, password: amyPassword + 'x' }), 'NotAuthorizedException');
});
await check('refused-unknown-user-legacy', async () => {
  await rejectsWith(auth.signIn({ username: 'nobody-amplify', password: amyPassword }), 'UserNotFoundException');
});
await check('refused-unknown-user-enabled', async () => {
  configure(enabledClientId);
  try {
    await rejectsWith(auth.signIn({ username: 'nobody-amplify', password: amyPassword }), 'NotAuthorizedException');
  } finally {
    configure(clientId);
  }
});
await check('email-as-username-device-srp', async () => {
  // The pool's real username is a UUID: Cognito answers with it in USERNAME
  // and USER_ID_FOR_SRP alike, so Amplify finds the device it remembered.
  await reset();
  const erin = seed.pools.find((p) => p.id === emailPoolId).users[0];
  configure(emailClientId, emailPoolId);
  try {
    const from = sent.length;
    assert.equal((await auth.signIn({ username: erin.username, password: erin.password })).isSignedIn, true);
    const answer = sent.slice(from).find((r) => r.step === 'PASSWORD_VERIFIER').body.ChallengeResponses;
    const username = claims((await auth.fetchAuthSession()).tokens.idToken.toString())['cognito:username'];
    assert.match(username, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the username is no UUID');
    assert.equal(answer.USERNAME, username);
    await auth.rememberDevice();
    await auth.signOut();
    const again = sent.length;
    assert.equal((await auth.signIn({ username: erin.username, password: erin.password })).isSignedIn, true);
    assert.ok(stream(again).includes('RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'), `no DEVICE_SRP_AUTH: ${stream(again)}`);
  } finally {
    await reset();
    configure(clientId);
  }
});
finish();
