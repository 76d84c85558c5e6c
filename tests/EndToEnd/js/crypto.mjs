// Shared steps of the end-to-end encryption suites: clients with matrix-js-sdk's Rust crypto (matrix-sdk-crypto-wasm,
// the stack Element Web runs) and waits for what only their crypto can tell (a decrypted event, a verification status).
import { ClientEvent, MatrixEventEvent, RoomEvent } from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { LoggerLevel, Tracing } from "@matrix-org/matrix-sdk-crypto-wasm";
import { describeRequests, syncingClient, waitUntil } from "./matrix.mjs";

export const megolm = "m.megolm.v1.aes-sha2";

/**
 * A syncing client (see `syncingClient`) with Rust crypto on an in-memory store, set up before its first sync as an app
 * does; `t.after` stops it. `clientOptions` go to `createClient` (e.g. `cryptoCallbacks`).
 */
export async function encryptingClient(t, credentials, clientOptions = {}) {
  const client = await syncingClient(credentials, {
    clientOptions,
    beforeStart: async (c) => {
      await c.initRustCrypto({ useIndexedDB: false });
      // initRustCrypto turns the Rust SDK's tracing on at debug level; a failing test should show its warnings only.
      new Tracing(LoggerLevel.Warn).turnOn();
    },
  });
  t.after(() => client.stopClient());
  return client;
}

/**
 * User-Interactive Authentication with the account password, as Element asks for it when cross-signing is set up or
 * a device deleted: the first request without `auth` gets 401 with a session, the second completes m.login.password.
 */
export function passwordAuth(userId, password) {
  return async (makeRequest) => {
    let session;
    try {
      await makeRequest(null);
      return;
    } catch (error) {
      if (error.httpStatus !== 401 || !error.data?.session) throw error;
      session = error.data.session;
    }
    await makeRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password, session });
  };
}

/** Creates a private room with `m.room.encryption` (Megolm) in its initial state. */
export async function createEncryptedRoom(client, invite) {
  const { room_id: roomId } = await client.createRoom({
    preset: "private_chat",
    invite,
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: megolm } }],
  });
  return roomId;
}

const decryptionUpdates = [ClientEvent.Sync, RoomEvent.Timeline, MatrixEventEvent.Decrypted];

/**
 * The event `eventId` in `client`'s timeline of `roomId` once the client decrypted it: its clear type is no longer
 * m.room.encrypted and it is no decryption failure (a failure also gets a clear m.room.message, "Unable to decrypt").
 */
export function decryptedEvent(client, roomId, eventId, description) {
  return waitUntil(client, decryptionUpdates, () => {
    const event = client.getRoom(roomId)?.findEventById(eventId);
    return event && !event.isBeingDecrypted() && !event.isDecryptionFailure() && event.getType() !== "m.room.encrypted"
      ? event
      : undefined;
  }, description, cryptoTimeoutMs);
}

/** The event `eventId` once `client` tried to decrypt it and failed (no room key). */
export function undecryptableEvent(client, roomId, eventId, description) {
  return waitUntil(client, decryptionUpdates, () => {
    const event = client.getRoom(roomId)?.findEventById(eventId);
    return event && !event.isBeingDecrypted() && event.isDecryptionFailure() ? event : undefined;
  }, description, cryptoTimeoutMs);
}

/** How long a crypto wait may take at most: generous, since every wait ends on an event, not when a window closes. */
export const cryptoTimeoutMs = 90_000;

/**
 * The SDK events after which what its crypto knows of devices and identities may have changed. A completed sync is
 * among them: the crypto processes /keys/query answers in the sync loop, and a signature on one's own device changes
 * no device list and no identity, so the Rust crypto announces it with no event of its own.
 */
export const trustUpdates = [CryptoEvent.DevicesUpdated, CryptoEvent.UserTrustStatusChanged, CryptoEvent.KeysChanged, ClientEvent.Sync];

/**
 * Resolves with the first truthy value of the async `check()`, run now and again after each of `events` that
 * `client` emits: for what the SDK's crypto learns in the background (a device list after /keys/query, a trusted
 * identity, an active backup, a received secret). One run at a time; an event during a run asks for one more run,
 * so a change that lands while `check` reads is not missed. Rejects after `timeoutMs` with `description` and the
 * client's latest requests.
 */
export function cryptoState(client, events, check, description, timeoutMs = cryptoTimeoutMs) {
  return new Promise((resolve, reject) => {
    let running = false;
    let again = false;
    let done = false;
    let last;
    const finish = (settle, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const name of events) client.off(name, onEvent);
      settle(value);
    };
    const run = async () => {
      running = true;
      try {
        do {
          again = false;
          last = await check();
          if (last) {
            finish(resolve, last);
            return;
          }
        } while (again && !done);
      } catch (error) {
        finish(reject, error);
      } finally {
        running = false;
      }
    };
    function onEvent() {
      if (done) return;
      if (running) again = true;
      else run();
    }
    const timer = setTimeout(() => {
      finish(reject, new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${JSON.stringify(last)})${describeRequests(client)}`));
    }, timeoutMs);
    for (const name of events) client.on(name, onEvent);
    run();
  });
}

/**
 * Resolves once `client`'s crypto has stopped asking about device keys: at a completed sync, no /keys/query is
 * waiting for its answer and none was sent since the sync before. The Rust crypto sends one after each sync that
 * lists a changed device list, so a quiet sync interval means it has read back everything the server changed.
 * Resetting cross-signing needs this: the Rust crypto drops its new private keys when a /keys/query it sent before
 * the reset reached the server answers with the old master key (matrix-sdk-crypto `clear_if_differs`).
 */
export function keyQueriesSettled(client, description) {
  const log = client.requestLog;
  const query = "POST /_matrix/client/v3/keys/query";
  let previousSync;
  return waitUntil(client, [ClientEvent.Sync], () => {
    const now = Date.now();
    const quiet = previousSync !== undefined
      && (log.lastStarted.get(query) ?? 0) < previousSync
      && ![...log.pending.values()].some(({ request }) => request.startsWith(query));
    previousSync = now;
    return quiet;
  }, description, cryptoTimeoutMs);
}

/**
 * `promise` (an SDK promise or the next emission of an event), or a rejection after `timeoutMs` naming `description`
 * and the latest requests of `clients`: for the steps of a flow that resolve exactly once.
 */
export function within(promise, description, clients = [], timeoutMs = cryptoTimeoutMs) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`
      + clients.map((client) => `\n--- ${client.getUserId()} ${client.getDeviceId()}:${describeRequests(client)}`).join(""))), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The arguments of the next `event` that `emitter` emits, as an array. */
export function nextEvent(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

