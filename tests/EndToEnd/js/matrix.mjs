// Shared vocabulary of the end-to-end tests: clients against the server under test,
// and the Matrix steps (register, expect an error) they are written in.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ClientEvent, createClient, SyncState } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

// The SDK logs every request at debug level; test output should show only what failed. Its child loggers (per
// client, per room encryptor) set their own level at debug but take the root's method factory: silence below warn there.
logger.setLevel("warn");
const loudFactory = logger.methodFactory;
logger.methodFactory = (method, level, name) =>
  ["trace", "debug", "info", "log"].includes(method) ? () => {} : loudFactory(method, level, name);
logger.rebuild();

/** Base URL of the homeserver under test; the dotnet fixture starts it and sets this. */
export const baseUrl = process.env.MESSENGER_BASE_URL;
if (!baseUrl) {
  throw new Error(
    "MESSENGER_BASE_URL is not set: run these tests through `dotnet test` (tests/EndToEnd), " +
      "or start a homeserver and set MESSENGER_BASE_URL=http://127.0.0.1:8008",
  );
}

/**
 * Base URL of a second homeserver that federates with the first, for the federation suites (tests/EndToEnd starts
 * both and sets this); undefined when only one server runs.
 */
export const otherBaseUrl = process.env.MESSENGER_OTHER_BASE_URL;

/** A client with no access token, as a user has before registering or logging in; on `server` (default: the one under test). */
export function anonymousClient(server = baseUrl) {
  return createClient({ baseUrl: server });
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
 * the second completes that stage in the same session. `server`: the homeserver to register on.
 */
export async function registerWithDummyFlow(username, password, extra = {}, server = baseUrl) {
  const client = anonymousClient(server);
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

/** How long a test waits for something the server should deliver at once (a sync, an event). */
export const deliveryTimeoutMs = 15_000;

/**
 * A client that runs the SDK's own sync loop (`startClient`), as an app does, resolved once the
 * first sync is PREPARED. `client.requestLog` keeps the latest requests with their status, and the
 * body of each failed one, so that a test that times out can say what the server answered.
 * `beforeStart(client)` runs before the sync loop starts (e.g. `initRustCrypto`, which must precede it).
 * Stop it with `client.stopClient()`.
 */
export async function syncingClient(credentials, { clientOptions = {}, startOptions = {}, beforeStart } = {}) {
  const requestLog = [];
  const client = createClient({
    baseUrl,
    userId: credentials.user_id,
    deviceId: credentials.device_id,
    accessToken: credentials.access_token,
    fetchFn: recordingFetch(requestLog),
    ...clientOptions,
  });
  client.requestLog = requestLog;
  const prepared = waitUntil(
    client,
    [ClientEvent.Sync],
    () => client.getSyncState() === SyncState.Prepared || client.getSyncState() === SyncState.Syncing,
    `the first sync of ${credentials.user_id} (sync state ${client.getSyncState()})`,
  );
  try {
    await beforeStart?.(client);
    await client.startClient(startOptions);
    await prepared;
  } catch (error) {
    prepared.catch(() => {});
    client.stopClient();
    throw error;
  }
  return client;
}

/**
 * Resolves with the first truthy value of `check()`, tried now and after each of `events` that
 * `emitter` emits; rejects after `timeoutMs` with `description` and, for a client, its latest
 * requests. Checking the state (not the event's arguments) means an event that came before the
 * wait started still counts.
 */
export function waitUntil(emitter, events, check, description, timeoutMs = deliveryTimeoutMs) {
  return new Promise((resolve, reject) => {
    let timer;
    const finish = (settle, value) => {
      clearTimeout(timer);
      for (const name of events) emitter.off(name, onEvent);
      settle(value);
    };
    const onEvent = () => {
      let value;
      try {
        value = check();
      } catch (error) {
        finish(reject, error);
        return;
      }
      if (value) finish(resolve, value);
    };
    for (const name of events) emitter.on(name, onEvent);
    timer = setTimeout(() => {
      finish(reject, new Error(`timed out after ${timeoutMs} ms waiting for ${description}${describeRequests(emitter)}`));
    }, timeoutMs);
    onEvent();
  });
}

/**
 * A fetch that notes each request (access token left out) and its response in `log`, keeping the
 * last 30; failed responses with their body. Requests still waiting for their response are in `log.pending`
 * with their start time, so that a timeout can tell a slow server from a client that asked nothing; `log.lastStarted`
 * maps "METHOD /path" to when such a request was last sent.
 */
function recordingFetch(log) {
  const note = (line) => {
    log.push(line);
    if (log.length > 30) log.shift();
  };
  log.pending = new Map();
  log.lastStarted = new Map();
  return async (url, init = {}) => {
    const method = init.method ?? "GET";
    const { pathname, search } = new URL(url);
    const path = pathname + search.replace(/access_token=[^&]*&?/, "");
    const started = Symbol(path);
    log.lastStarted.set(`${method} ${pathname}`, Date.now());
    log.pending.set(started, { request: `${method} ${path}`, at: Date.now() });
    let response;
    try {
      response = await fetch(url, init);
    } finally {
      log.pending.delete(started);
    }
    if (response.ok) {
      note(`${method} ${path} -> ${response.status}`);
      return response;
    }
    const body = await response.clone().text();
    note(`${method} ${path} -> ${response.status} ${body.slice(0, 500)}`);
    return response;
  };
}

/** The latest requests of a `syncingClient` and those still waiting for their response, for a timeout message. */
export function describeRequests(client) {
  const log = client.requestLog;
  if (!log) return "";
  const now = Date.now();
  const pending = [...log.pending.values()].map(({ request, at }) => `${request} (waiting ${now - at} ms)`);
  return `\nlatest requests:\n${log.join("\n")}\nstill waiting:\n${pending.join("\n") || "(none)"}`;
}
