// Amplify JS v6, unmodified, refreshing against cognito-srp-local:
// fetchAuthSession({ forceRefresh: true }) (GetTokensFromRefreshToken) on an
// app client that rotates refresh tokens and on one that does not, each
// before and after rememberDevice (then with DeviceKey). Checks that the
// tokens changed, that a rotated refresh token is the one sent next, and that
// the rotated-out one is refused. What Amplify sends and gets is read from
// the request stream (a wrapper around fetch that records each call and its
// reply and passes both on untouched).
// Usage: node amplify-refresh.mjs ENDPOINT SEED
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';

const require = createRequire(import.meta.url);
const { harness, claims, assert } = require('./check.cjs');
const { admin, makePool, makeClient, makeUser, call } = require('./setup.cjs');
const [endpoint, seedPath] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));

const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const headers = new Headers(init.headers);
  const target = (headers.get('x-amz-target') || '').split('.').pop();
  let body = {};
  try { body = JSON.parse(init.body); } catch { /* not JSON */ }
  const response = await realFetch(url, init);
  let reply = {};
  try { reply = await response.clone().json(); } catch { /* not JSON */ }
  sent.push({ target, step: body.AuthFlow || body.ChallengeName || '', body, reply, status: response.status });
  return response;
};
const since = (from) => sent.slice(from);
const stream = (from) => since(from).map((r) => (r.step ? `${r.target}:${r.step}` : r.target));
globalThis.navigator ??= { userAgent: `Node.js/${process.versions.node} (cognito-srp-local interop)` };

const storage = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  setItem: async (k, v) => void storage.set(k, v),
  getItem: async (k) => storage.get(k) ?? null,
  removeItem: async (k) => void storage.delete(k),
  clear: async () => storage.clear(),
});
const configure = (poolId, clientId) =>
  Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: endpoint } } });
const reset = async () => { try { await auth.signOut(); } catch { /* nothing to sign out */ } };
const accessToken = async () => (await auth.fetchAuthSession()).tokens?.accessToken?.toString();

// The refresh token a sign-in handed out (in the reply that ended it).
const signedInWith = (from) =>
  since(from).findLast((r) => r.reply.AuthenticationResult?.RefreshToken).reply.AuthenticationResult.RefreshToken;

// One forced refresh: the GetTokensFromRefreshToken call Amplify made, its
// reply, and the access tokens before and after.
async function forceRefresh() {
  const before = await accessToken();
  const from = sent.length;
  const session = await auth.fetchAuthSession({ forceRefresh: true });
  const calls = since(from).filter((r) => r.target === 'GetTokensFromRefreshToken');
  assert.equal(calls.length, 1, `one GetTokensFromRefreshToken expected: ${stream(from)}`);
  const [refresh] = calls;
  assert.equal(refresh.status, 200, JSON.stringify(refresh.reply));
  const after = session.tokens.accessToken.toString();
  assert.notEqual(after, before, 'the refresh gave the same access token');
  assert.equal(claims(after).origin_jti, claims(before).origin_jti, 'not refreshed from the same sign-in');
  assert.notEqual(claims(after).jti, claims(before).jti);
  return { request: refresh.body, result: refresh.reply.AuthenticationResult, after };
}

const version = require('aws-amplify/package.json').version;
const { check, finish } = harness(`amplify-refresh ${version}`);
console.log(`Amplify JS ${version} (Node ${process.versions.node}): refresh`);

const setup = admin(endpoint, seed);
const poolId = await makePool(setup, { name: 'amplify-refresh', devices: true });
const rotating = await makeClient(setup, poolId, { name: 'rotating', rotation: true });
const plain = await makeClient(setup, poolId, { name: 'plain' });
const password = 'Refreshes-For-Weeks-6';
await makeUser(setup, poolId, 'rita', password);
await makeUser(setup, poolId, 'paul', password);

// The rotating client: each refresh hands out a new refresh token, which the next one sends.
let rotatingDevice;
await check('rotating-client-refresh-rotates', async () => {
  configure(poolId, rotating.id);
  await reset();
  const from = sent.length;
  assert.equal((await auth.signIn({ username: 'rita', password })).isSignedIn, true);
  rotatingDevice = since(from).find((r) => r.target === 'ConfirmDevice')?.body.DeviceKey;
  const first = signedInWith(from);
  const one = await forceRefresh();
  assert.equal(one.request.RefreshToken, first, 'the first refresh did not send the sign-in\'s refresh token');
  assert.ok(one.result.RefreshToken, 'no new refresh token from a rotating client');
  assert.notEqual(one.result.RefreshToken, first);
  const two = await forceRefresh();
  assert.equal(two.request.RefreshToken, one.result.RefreshToken, 'the rotated refresh token was not the one sent next');
  assert.ok(two.result.RefreshToken && two.result.RefreshToken !== one.result.RefreshToken);
  // No grace period: the rotated-out tokens are refused.
  for (const old of [first, one.result.RefreshToken]) {
    const [status, reply] = await call(endpoint, 'GetTokensFromRefreshToken', { ClientId: rotating.id, RefreshToken: old });
    assert.equal(status, 400);
    assert.match(reply.__type, /RefreshTokenReuseException/);
  }
  // Nor does REFRESH_TOKEN_AUTH work on a rotating client, even with the live token.
  const [status, reply] = await call(endpoint, 'InitiateAuth', {
    ClientId: rotating.id, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: two.result.RefreshToken, DEVICE_KEY: rotatingDevice },
  });
  assert.equal(status, 400);
  assert.match(reply.__type, /NotAuthorizedException/);
  assert.equal(claims(await accessToken()).username, 'rita');
});
await check('rotating-client-refresh-after-remember-device', async () => {
  assert.ok(rotatingDevice, 'no device was confirmed at sign-in');
  await auth.rememberDevice();
  const one = await forceRefresh();
  assert.equal(one.request.DeviceKey, rotatingDevice, 'no DeviceKey in the refresh');
  assert.ok(one.result.RefreshToken, 'no new refresh token');
  // Signed in again through the remembered device: its tokens are bound to it.
  await auth.signOut();
  const from = sent.length;
  assert.equal((await auth.signIn({ username: 'rita', password })).isSignedIn, true);
  assert.ok(stream(from).includes('RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'), `no DEVICE_SRP_AUTH: ${stream(from)}`);
  const signedIn = signedInWith(from);
  const two = await forceRefresh();
  assert.equal(two.request.DeviceKey, rotatingDevice);
  assert.equal(two.request.RefreshToken, signedIn);
  assert.equal(claims(two.after).device_key, rotatingDevice);
  const three = await forceRefresh();
  assert.equal(three.request.RefreshToken, two.result.RefreshToken, 'the rotated refresh token was not the one sent next');
  assert.equal(claims(three.after).device_key, rotatingDevice);
});

// The client without rotation: the same refresh token every time.
let plainDevice;
let plainToken;
await check('plain-client-refresh-keeps-the-refresh-token', async () => {
  await reset();
  configure(poolId, plain.id);
  const from = sent.length;
  assert.equal((await auth.signIn({ username: 'paul', password })).isSignedIn, true);
  plainDevice = since(from).find((r) => r.target === 'ConfirmDevice')?.body.DeviceKey;
  const first = signedInWith(from);
  const one = await forceRefresh();
  assert.equal(one.request.RefreshToken, first);
  assert.equal(one.result.RefreshToken, undefined, 'a refresh token from a client without rotation');
  const two = await forceRefresh();
  assert.equal(two.request.RefreshToken, first, 'Amplify did not keep the refresh token');
  assert.equal(claims(two.after).username, 'paul');
});
await check('plain-client-refresh-after-remember-device', async () => {
  assert.ok(plainDevice, 'no device was confirmed at sign-in');
  await auth.rememberDevice();
  const one = await forceRefresh();
  assert.equal(one.request.DeviceKey, plainDevice, 'no DeviceKey in the refresh');
  assert.equal(one.result.RefreshToken, undefined);
  await auth.signOut();
  const from = sent.length;
  assert.equal((await auth.signIn({ username: 'paul', password })).isSignedIn, true);
  assert.ok(stream(from).includes('RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'), `no DEVICE_SRP_AUTH: ${stream(from)}`);
  plainToken = signedInWith(from);
  const two = await forceRefresh();
  assert.equal(two.request.DeviceKey, plainDevice);
  assert.equal(claims(two.after).device_key, plainDevice);
  // The device's refresh token without its key is refused, as Cognito refuses it.
  const [status, reply] = await call(endpoint, 'GetTokensFromRefreshToken', { ClientId: plain.id, RefreshToken: plainToken });
  assert.equal(status, 400);
  assert.match(reply.__type, /NotAuthorizedException/);
  assert.match(reply.message, /Invalid Refresh Token/);
});
await check('refresh-after-sign-out-refused', async () => {
  assert.ok(plainToken, 'no sign-in to sign out of');
  const from = sent.length;
  await auth.signOut();
  assert.ok(stream(from).includes('RevokeToken'), `no RevokeToken in ${stream(from)}`);
  const [status, reply] = await call(endpoint, 'GetTokensFromRefreshToken', { ClientId: plain.id, RefreshToken: plainToken, DeviceKey: plainDevice });
  assert.equal(status, 400);
  assert.match(reply.__type, /NotAuthorizedException/);
  assert.match(reply.message, /Refresh Token has been revoked/);
  assert.equal(await accessToken(), undefined);
});
finish();
