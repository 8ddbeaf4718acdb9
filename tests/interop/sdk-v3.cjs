// The AWS SDK for JavaScript v3, unmodified, against cognito-srp-local: the admin
// sign-in (AdminInitiateAuth + AdminRespondToAuthChallenge) with USER_SRP_AUTH
// and USER_AUTH, signed with the seed's IAM credentials, and the refusals.
// The SRP maths are amazon-cognito-identity-js's exported AuthenticationHelper.
// Usage: node sdk-v3.cjs ENDPOINT SEED POOL_ID CLIENT_ID ENABLED_CLIENT_ID USERNAME PASSWORD
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const idp = require('@aws-sdk/client-cognito-identity-provider');
const { AuthenticationHelper, DateHelper } = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const { harness, rejectsWith, claims, assert } = require('./check.cjs');

const [endpoint, seedPath, poolId, clientId, enabledClientId, username, password] = process.argv.slice(2);
const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));
const credentials = {
  accessKeyId: seed.credentials[0].access_key_id,
  secretAccessKey: seed.credentials[0].secret_access_key,
};
const clientFor = (creds) => new idp.CognitoIdentityProviderClient({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 });
const signed = clientFor(credentials);
const poolName = poolId.split('_')[1];

// The SRP side: a fresh `a` per sign-in, as CognitoUser does.
async function srpStart() {
  const helper = new AuthenticationHelper(poolName);
  const A = await new Promise((res, rej) => helper.getLargeAValue((e, v) => (e ? rej(e) : res(v))));
  return { helper, SRP_A: A.toString(16) };
}

async function passwordClaim(helper, params, pw) {
  const userId = params.USER_ID_FOR_SRP;
  const hkdf = await new Promise((res, rej) =>
    helper.getPasswordAuthenticationKey(userId, pw, new BigInteger(params.SRP_B, 16), new BigInteger(params.SALT, 16),
      (e, v) => (e ? rej(e) : res(v))));
  const timestamp = new DateHelper().getNowString();
  const signature = crypto.createHmac('sha256', hkdf)
    .update(Buffer.concat([Buffer.from(poolName), Buffer.from(userId), Buffer.from(params.SECRET_BLOCK, 'base64'), Buffer.from(timestamp)]))
    .digest('base64');
  return { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp };
}

const adminInitiate = (client, AuthFlow, AuthParameters, ClientId = clientId) =>
  client.send(new idp.AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId, AuthFlow, AuthParameters }));
const adminRespond = (client, ChallengeName, ChallengeResponses, Session, ClientId = clientId) =>
  client.send(new idp.AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId, ChallengeName, ChallengeResponses, Session }));

async function adminSrp(user, pw, { flow = 'USER_SRP_AUTH', extra = {}, ClientId = clientId } = {}) {
  const { helper, SRP_A } = await srpStart();
  const started = await adminInitiate(signed, flow, { USERNAME: user, SRP_A, ...extra }, ClientId);
  assert.equal(started.ChallengeName, 'PASSWORD_VERIFIER');
  const answer = await passwordClaim(helper, started.ChallengeParameters, pw);
  return adminRespond(signed, 'PASSWORD_VERIFIER', answer, started.Session, ClientId);
}

function assertTokens(result, user) {
  const tokens = result.AuthenticationResult;
  assert.ok(tokens, `no tokens: ${JSON.stringify(result)}`);
  assert.equal(claims(tokens.IdToken)['cognito:username'], user);
  assert.equal(claims(tokens.AccessToken).token_use, 'access');
}

// The real client, with a middleware after signing that takes the signature off.
function unsignedClient() {
  const client = clientFor(credentials);
  client.middlewareStack.add((next) => (args) => {
    for (const h of Object.keys(args.request.headers)) {
      if (/^(authorization|x-amz-date|x-amz-security-token|x-amz-content-sha256)$/i.test(h)) delete args.request.headers[h];
    }
    return next(args);
  }, { step: 'deserialize', name: 'stripSignature' });
  return client;
}

const version = require('@aws-sdk/client-cognito-identity-provider/package.json').version;
const { check, finish } = harness(`sdk-js-v3 ${version}`);
(async () => {
  console.log(`AWS SDK for JavaScript v3 (client-cognito-identity-provider ${version})`);
  await check('admin-user-srp', async () => assertTokens(await adminSrp(username, password), username));
  await check('admin-user-auth-preferred-password-srp', async () =>
    assertTokens(await adminSrp(username, password, { flow: 'USER_AUTH', extra: { PREFERRED_CHALLENGE: 'PASSWORD_SRP' } }), username));
  let selectSession;
  await check('admin-user-auth-select-challenge', async () => {
    const started = await adminInitiate(signed, 'USER_AUTH', { USERNAME: username });
    assert.equal(started.ChallengeName, 'SELECT_CHALLENGE');
    assert.ok(started.AvailableChallenges.includes('PASSWORD_SRP'), `AvailableChallenges ${started.AvailableChallenges}`);
    selectSession = started.Session;
    const { helper, SRP_A } = await srpStart();
    const verifier = await adminRespond(signed, 'SELECT_CHALLENGE', { USERNAME: username, ANSWER: 'PASSWORD_SRP', SRP_A }, selectSession);
    assert.equal(verifier.ChallengeName, 'PASSWORD_VERIFIER');
    assertTokens(await adminRespond(signed, 'PASSWORD_VERIFIER', await passwordClaim(helper, verifier.ChallengeParameters, password), verifier.Session), username);
  });
  await check('refused-reused-session', async () => {
    assert.ok(selectSession, 'no SELECT_CHALLENGE session to reuse');
    const { SRP_A } = await srpStart();
    await rejectsWith(adminRespond(signed, 'SELECT_CHALLENGE', { USERNAME: username, ANSWER: 'PASSWORD_SRP', SRP_A }, selectSession), 'NotAuthorizedException');
  });
  await check('refused-made-up-session', async () => {
    const { SRP_A } = await srpStart();
    const madeUp = 'AYABe' + crypto.randomBytes(300).toString('base64url');
    await rejectsWith(adminRespond(signed, 'SELECT_CHALLENGE', { USERNAME: username, ANSWER: 'PASSWORD_SRP', SRP_A }, madeUp), 'NotAuthorizedException');
  });
  await check('refused-wrong-password', async () => rejectsWith(adminSrp(username, password + 'x'), 'NotAuthorizedException'));
  await check('refused-unknown-user-legacy', async () => rejectsWith(adminSrp('nobody-' + Date.now(), password), 'UserNotFoundException'));
  await check('refused-unknown-user-enabled', async () =>
    // ENABLED: a challenge that looks real, then the wrong password's refusal.
    rejectsWith(adminSrp('nobody-' + Date.now(), password, { ClientId: enabledClientId }), 'NotAuthorizedException'));
  await check('refused-unsigned-admin-call', async () => {
    const { SRP_A } = await srpStart();
    await rejectsWith(adminInitiate(unsignedClient(), 'USER_SRP_AUTH', { USERNAME: username, SRP_A }), 'MissingAuthenticationTokenException');
  });
  await check('refused-bad-signature', async () => {
    const { SRP_A } = await srpStart();
    const bad = clientFor({ ...credentials, secretAccessKey: credentials.secretAccessKey.replace(/.$/, 'X') });
    await rejectsWith(adminInitiate(bad, 'USER_SRP_AUTH', { USERNAME: username, SRP_A }), 'InvalidSignatureException');
  });
  await check('refused-unknown-access-key', async () => {
    const { SRP_A } = await srpStart();
    const unknown = clientFor({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: credentials.secretAccessKey });
    await rejectsWith(adminInitiate(unknown, 'USER_SRP_AUTH', { USERNAME: username, SRP_A }), 'UnrecognizedClientException');
  });
  await check('public-user-srp', async () => {
    const { helper, SRP_A } = await srpStart();
    const started = await signed.send(new idp.InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: username, SRP_A } }));
    const answer = await passwordClaim(helper, started.ChallengeParameters, password);
    assertTokens(await signed.send(new idp.RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', ChallengeResponses: answer, Session: started.Session })), username);
  });
  finish();
})();
