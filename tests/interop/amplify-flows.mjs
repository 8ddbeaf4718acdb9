// Amplify JS v6, unmodified, against cognito-srp-local: the flows beyond SRP.
// signIn with USER_PASSWORD_AUTH, USER_AUTH with a PASSWORD or an EMAIL_OTP
// first factor (preferred or chosen from SELECT_CHALLENGE; the code read from
// the endpoint's local code channel, GET /_local/codes/<pool>/<username>), and
// a pool that requires MFA: MFA_SETUP through AssociateSoftwareToken and
// VerifySoftwareToken (the TOTP code computed here from the secret Amplify
// hands out), then a TOTP sign-in; and SMS and email codes as MFA, asked
// directly or chosen at SELECT_MFA_TYPE. What Amplify sends is read from the
// request stream (a wrapper around fetch that records each call and passes
// it on untouched).
// Usage: node amplify-flows.mjs ENDPOINT SEED
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import * as OTPAuth from 'otpauth';

const require = createRequire(import.meta.url);
const { harness, rejectsWith, claims, assert } = require('./check.cjs');
const { admin, makePool, makeClient, makeUser } = require('./setup.cjs');
const idp = require('@aws-sdk/client-cognito-identity-provider');
const [endpoint, seedPath] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));

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

// The newest live code the endpoint delivered to `username`, through its local channel.
async function deliveredCode(poolId, username) {
  const r = await realFetch(new URL(`_local/codes/${poolId}/${username}`, endpoint));
  assert.equal(r.status, 200, `the local code channel answered ${r.status}`);
  const { Codes } = await r.json();
  assert.ok(Codes.length > 0, `no code delivered to ${username}`);
  return Codes[0];
}
// A code that is not `code` (same length, one digit changed).
const other = (code) => code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);

const version = require('aws-amplify/package.json').version;
const { check, finish } = harness(`amplify-flows ${version}`);
console.log(`Amplify JS ${version} (Node ${process.versions.node}): password, USER_AUTH, EMAIL_OTP, MFA_SETUP, SMS and email MFA`);

const setup = admin(endpoint, seed);
const poolId = await makePool(setup, { name: 'amplify-flows', firstFactors: ['PASSWORD', 'EMAIL_OTP'] });
const flows = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const client = await makeClient(setup, poolId, { name: 'all-flows', flows });
const srpOnly = await makeClient(setup, poolId, { name: 'default-flows' });
const uma = 'uma';
const password = 'Amplify-Flows-7!';
await makeUser(setup, poolId, uma, password, { email: 'uma@example.com', email_verified: 'true' });
configure(poolId, client.id);

await check('user-password-auth', async () => {
  await reset();
  const from = sent.length;
  const result = await auth.signIn({ username: uma, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  assert.deepEqual(stream(from).slice(0, 1), ['InitiateAuth:USER_PASSWORD_AUTH']);
  assert.equal(sent[from].body.AuthParameters.PASSWORD, password, 'the password flow sends the password');
  assert.ok(!stream(from).some((s) => s.startsWith('RespondToAuthChallenge')), `${stream(from)}`);
  assert.equal(claims(await accessToken()).username, uma);
});
await check('user-password-auth-refusals', async () => {
  await reset();
  await rejectsWith(auth.signIn({ username: uma, password: password + 'x', options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
    'NotAuthorizedException');
  // An app client left with Cognito's default flows does not allow it.
  configure(poolId, srpOnly.id);
  try {
    const e = await rejectsWith(auth.signIn({ username: uma, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
      'InvalidParameterException');
    assert.match(e.message, /USER_PASSWORD_AUTH flow not enabled for this client/);
  } finally {
    configure(poolId, client.id);
  }
});
await check('user-auth-preferred-password', async () => {
  await reset();
  const from = sent.length;
  const result = await auth.signIn({ username: uma, password, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' } });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  assert.equal(stream(from)[0], 'InitiateAuth:USER_AUTH');
  assert.equal(sent[from].body.AuthParameters.PREFERRED_CHALLENGE, 'PASSWORD');
});
let answered;
await check('user-auth-preferred-email-otp', async () => {
  await reset();
  const from = sent.length;
  let step = await auth.signIn({ username: uma, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(step.nextStep));
  const delivery = step.nextStep.codeDeliveryDetails;
  assert.equal(delivery.deliveryMedium, 'EMAIL', JSON.stringify(delivery));
  assert.ok(delivery.destination && delivery.destination !== 'uma@example.com', `destination not masked: ${delivery.destination}`);
  const { Code } = await deliveredCode(poolId, uma);
  assert.match(Code, /^\d{6,8}$/);
  step = await auth.confirmSignIn({ challengeResponse: Code });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  answered = sent.findLast((r) => r.step === 'EMAIL_OTP');
  assert.equal(answered.body.ChallengeResponses.EMAIL_OTP_CODE, Code);
  assert.deepEqual(stream(from), ['InitiateAuth:USER_AUTH', 'RespondToAuthChallenge:EMAIL_OTP']);
  assert.equal(claims(await accessToken()).username, uma);
});
await check('user-auth-email-otp-answers-once', async () => {
  assert.ok(answered, 'no EMAIL_OTP answer to replay');
  const r = await realFetch(answered.url, answered.init);
  assert.equal(r.status, 400, 'the spent code and Session were accepted again');
  assert.match((await r.json()).__type, /NotAuthorizedException|CodeMismatchException|ExpiredCodeException/);
});
await check('user-auth-email-otp-wrong-code', async () => {
  await reset();
  const step = await auth.signIn({ username: uma, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(step.nextStep));
  const { Code } = await deliveredCode(poolId, uma);
  await rejectsWith(auth.confirmSignIn({ challengeResponse: other(Code) }), 'CodeMismatchException');
});
await check('user-auth-select-email-otp', async () => {
  await reset();
  const from = sent.length;
  let step = await auth.signIn({ username: uma, options: { authFlowType: 'USER_AUTH' } });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(step.nextStep));
  assert.ok(step.nextStep.availableChallenges.includes('EMAIL_OTP'), JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: (await deliveredCode(poolId, uma)).Code });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  assert.deepEqual(stream(from), ['InitiateAuth:USER_AUTH', 'RespondToAuthChallenge:SELECT_CHALLENGE', 'RespondToAuthChallenge:EMAIL_OTP']);
});

// A pool that requires MFA, TOTP its only factor: a user with none sets it up while signing in.
const mfaPool = await makePool(setup, { name: 'amplify-mfa-setup', totpRequired: true });
const mfaClient = await makeClient(setup, mfaPool, { name: 'mfa' });
await makeUser(setup, mfaPool, 'tom', password);
await makeUser(setup, mfaPool, 'tim', password);
const totp = (secret, offset = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' })
    .generate({ timestamp: Date.now() + offset * 30_000 });
let tomSecret;
await check('mfa-setup-totp', async () => {
  await reset();
  configure(mfaPool, mfaClient.id);
  const from = sent.length;
  let step = await auth.signIn({ username: 'tom', password });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', JSON.stringify(step.nextStep));
  tomSecret = step.nextStep.totpSetupDetails.sharedSecret;
  assert.match(tomSecret, /^[A-Z2-7]{16,}=*$/, 'not a base32 secret');
  const uri = step.nextStep.totpSetupDetails.getSetupUri('cognito-srp-interop', 'tom');
  assert.match(uri.toString(), /^otpauth:\/\/totp\/.*secret=/);
  step = await auth.confirmSignIn({ challengeResponse: totp(tomSecret) });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  const steps = stream(from);
  for (const expected of ['AssociateSoftwareToken', 'VerifySoftwareToken', 'RespondToAuthChallenge:MFA_SETUP']) {
    assert.ok(steps.includes(expected), `no ${expected} in ${steps}`);
  }
  assert.equal(claims(await accessToken()).username, 'tom');
});
await check('mfa-setup-then-totp-sign-in', async () => {
  assert.ok(tomSecret, 'TOTP was not set up');
  await reset();
  let step = await auth.signIn({ username: 'tom', password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE', JSON.stringify(step.nextStep));
  // The current step's code was spent by the set-up: the next step's is accepted.
  step = await auth.confirmSignIn({ challengeResponse: totp(tomSecret, 1) });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
});
await check('mfa-setup-wrong-code', async () => {
  await reset();
  let step = await auth.signIn({ username: 'tim', password });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', JSON.stringify(step.nextStep));
  const stale = totp(step.nextStep.totpSetupDetails.sharedSecret, -120);
  await rejectsWith(auth.confirmSignIn({ challengeResponse: stale }), 'EnableSoftwareTokenMFAException', 'CodeMismatchException');
  // The sign-in starts over, with a new secret, and the right code ends it.
  step = await auth.signIn({ username: 'tim', password });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: totp(step.nextStep.totpSetupDetails.sharedSecret) });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  await reset();
});

// A pool where MFA is optional and SMS and email codes are factors: each user turns on its own.
const codePool = await makePool(setup, { name: 'amplify-code-mfa', codeMfa: true });
const codeClient = await makeClient(setup, codePool, { name: 'code-mfa' });
const reachable = (name) => ({ email: `${name}@example.com`, email_verified: 'true', phone_number: '+15555550142' });
for (const name of ['sue', 'eve', 'sal']) await makeUser(setup, codePool, name, password, reachable(name));
const prefer = (Username, settings) =>
  setup.send(new idp.AdminSetUserMFAPreferenceCommand({ UserPoolId: codePool, Username, ...settings }));
await prefer('sue', { SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
await prefer('eve', { EmailMfaSettings: { Enabled: true, PreferredMfa: true } });
await prefer('sal', { SMSMfaSettings: { Enabled: true }, EmailMfaSettings: { Enabled: true } });
// The code the endpoint sent `username`, and that it was written with the pool's template.
const mfaCode = async (username, purpose) => {
  const sent = await deliveredCode(codePool, username);
  assert.equal(sent.Purpose, purpose, JSON.stringify(sent));
  assert.equal(sent.Message, `Your sign-in code is ${sent.Code}`, JSON.stringify(sent));
  return sent.Code;
};
await check('mfa-sms-code', async () => {
  await reset();
  configure(codePool, codeClient.id);
  const from = sent.length;
  let step = await auth.signIn({ username: 'sue', password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE', JSON.stringify(step.nextStep));
  assert.deepEqual(step.nextStep.codeDeliveryDetails, { deliveryMedium: 'SMS', destination: '+*******0142' });
  const code = await mfaCode('sue', 'SMS_MFA');
  await rejectsWith(auth.confirmSignIn({ challengeResponse: other(code) }), 'CodeMismatchException');
  step = await auth.signIn({ username: 'sue', password });
  step = await auth.confirmSignIn({ challengeResponse: await mfaCode('sue', 'SMS_MFA') });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  assert.equal(claims(await accessToken()).username, 'sue');
  assert.deepEqual(stream(from).slice(-3),
    ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'RespondToAuthChallenge:SMS_MFA']);
});
await check('mfa-email-code', async () => {
  await reset();
  let step = await auth.signIn({ username: 'eve', password });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(step.nextStep));
  assert.equal(step.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  step = await auth.confirmSignIn({ challengeResponse: await mfaCode('eve', 'EMAIL_MFA') });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
});
await check('mfa-selection', async () => {
  await reset();
  const from = sent.length;
  let step = await auth.signIn({ username: 'sal', password });
  assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', JSON.stringify(step.nextStep));
  assert.deepEqual([...step.nextStep.allowedMFATypes].sort(), ['EMAIL', 'SMS']);
  step = await auth.confirmSignIn({ challengeResponse: 'EMAIL' });
  assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', JSON.stringify(step.nextStep));
  step = await auth.confirmSignIn({ challengeResponse: await mfaCode('sal', 'EMAIL_MFA') });
  assert.equal(step.isSignedIn, true, JSON.stringify(step.nextStep));
  assert.deepEqual(stream(from), ['InitiateAuth:USER_SRP_AUTH', 'RespondToAuthChallenge:PASSWORD_VERIFIER',
    'RespondToAuthChallenge:SELECT_MFA_TYPE', 'RespondToAuthChallenge:EMAIL_OTP']);
  const answer = sent.find((r, i) => i >= from && r.step === 'SELECT_MFA_TYPE');
  assert.equal(answer.body.ChallengeResponses.ANSWER, 'EMAIL_OTP');
  await reset();
});
finish();
