// Amplify JS v6, unmodified, in Node, signs in to a pool and app client made
// over the API (by the AWS CLI, see aws-cli.py) on cognito-srp-local; the ID
// token carries the user's group.
// Usage: node amplify-pool.mjs ENDPOINT POOL_ID CLIENT_ID USERNAME PASSWORD GROUP
import { createRequire } from 'node:module';
import { Amplify } from 'aws-amplify';
import * as auth from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';

const require = createRequire(import.meta.url);
const { harness, rejectsWith, claims, assert } = require('./check.cjs');
const [endpoint, poolId, clientId, username, password, group] = process.argv.slice(2);

const storage = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  setItem: async (k, v) => void storage.set(k, v),
  getItem: async (k) => storage.get(k) ?? null,
  removeItem: async (k) => void storage.delete(k),
  clear: async () => storage.clear(),
});
Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: endpoint } } });

const version = require('aws-amplify/package.json').version;
const { check, finish } = harness(`amplify-pool ${version}`);

await check('signin-srp-groups', async () => {
  const result = await auth.signIn({ username, password });
  assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
  const { tokens } = await auth.fetchAuthSession();
  const id = claims(tokens.idToken.toString());
  assert.deepEqual(id['cognito:groups'], [group]);
  assert.equal(id['cognito:username'], username);
  assert.equal(id.aud, clientId);
  assert.deepEqual(tokens.accessToken.payload['cognito:groups'], [group]);
  await auth.signOut();
});
await check('signin-wrong-password', async () => {
  await rejectsWith(auth.signIn({ username, password: `${password}-wrong` }), 'NotAuthorizedException');
});
finish();
