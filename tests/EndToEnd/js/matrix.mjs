// Shared vocabulary of the end-to-end tests: clients against the server under test,
// and the Matrix steps (register, expect an error) they are written in.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createClient } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

// The SDK logs every request at debug level; test output should show only what failed.
logger.setLevel("warn");

/** Base URL of the homeserver under test; the dotnet fixture starts it and sets this. */
export const baseUrl = process.env.MESSENGER_BASE_URL;
if (!baseUrl) {
  throw new Error(
    "MESSENGER_BASE_URL is not set: run these tests through `dotnet test` (tests/EndToEnd), " +
      "or start a homeserver and set MESSENGER_BASE_URL=http://127.0.0.1:8008",
  );
}

/** A client with no access token, as a user has before registering or logging in. */
export function anonymousClient() {
  return createClient({ baseUrl });
}

/** A client that acts as the session `credentials` came from (a /register or /login response). */
export function clientFor(credentials) {
  return createClient({
    baseUrl,
    userId: credentials.user_id,
    deviceId: credentials.device_id,
    accessToken: credentials.access_token,
  });
}

/**
 * A localpart no other test or earlier run uses. The spec's user ID grammar allows
 * only lower-case letters, digits and `._=-/+` in new localparts.
 */
export function uniqueUsername(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Registers through the standard User-Interactive Authentication dummy flow
 * (Client-Server API, "User-Interactive Authentication API"): the first request,
 * without `auth`, must get 401 with `flows` offering `m.login.dummy` and a `session`;
 * the second completes that stage in the same session.
 */
export async function registerWithDummyFlow(username, password, extra = {}) {
  const client = anonymousClient();
  const challenge = await expectMatrixError(
    client.registerRequest({ username, password, ...extra }),
    401,
    undefined,
  );
  assert.equal(typeof challenge.session, "string", "401 response carries a UIA session");
  assert.ok(Array.isArray(challenge.flows), "401 response lists flows");
  assert.ok(
    challenge.flows.some((flow) => flow.stages.length === 1 && flow.stages[0] === "m.login.dummy"),
    `a flow with the single stage m.login.dummy is offered: ${JSON.stringify(challenge.flows)}`,
  );
  return client.registerRequest({
    username,
    password,
    ...extra,
    auth: { type: "m.login.dummy", session: challenge.session },
  });
}

/**
 * Awaits a request that must fail with a Matrix error of the given HTTP status and
 * `errcode` (undefined: any or none, as for a UIA challenge). Returns the error body.
 */
export async function expectMatrixError(promise, httpStatus, errcode) {
  let error;
  try {
    const result = await promise;
    assert.fail(`expected HTTP ${httpStatus} ${errcode ?? ""} but the request succeeded: ${JSON.stringify(result)}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  assert.equal(error.httpStatus, httpStatus, `HTTP status of ${describe(error)}`);
  if (errcode !== undefined) {
    assert.equal(error.errcode, errcode, `errcode of ${describe(error)}`);
  }
  return error.data ?? {};
}

function describe(error) {
  return `${error.name}: ${error.message} ${JSON.stringify(error.data ?? {})}`;
}
