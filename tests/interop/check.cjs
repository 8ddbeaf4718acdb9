// The checks' harness shared by the JavaScript clients: each check is named,
// runs in order, and prints PASS or FAIL; any failure makes the process exit 1.
'use strict';
const assert = require('node:assert/strict');

function harness(tag) {
  const results = [];
  async function check(name, body) {
    const id = `${tag.split(' ')[0]}:${name}`;
    try {
      await body();
      results.push({ id, ok: true });
      console.log(`  PASS ${name}`);
    } catch (e) {
      const reason = e && (e.name && e.message ? `${e.name}: ${e.message}` : String(e));
      results.push({ id, ok: false });
      console.log(`  FAIL ${name}: ${reason.split('\n')[0]}`);
    }
  }
  function finish() {
    const failed = results.filter((r) => !r.ok).length;
    const passed = results.filter((r) => r.ok).length;
    console.log(`${tag}: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  }
  return { check, finish };
}

// An error from a client library must carry one of the names given.
async function rejectsWith(promise, ...names) {
  try {
    await promise;
  } catch (e) {
    const name = e.code || e.name || (e.underlyingError && e.underlyingError.name);
    assert.ok(names.includes(name), `refused with ${name} (${e.message}), expected ${names.join(' or ')}`);
    return e;
  }
  assert.fail(`accepted; expected ${names.join(' or ')}`);
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

module.exports = { harness, rejectsWith, claims, assert };
