// Shared steps of the end-to-end encryption suites: clients with matrix-js-sdk's Rust crypto (matrix-sdk-crypto-wasm,
// the stack Element Web runs) and waits for what only their crypto can tell (a decrypted event, a verification status).
import { ClientEvent, MatrixEventEvent, RoomEvent } from "matrix-js-sdk";
import { LoggerLevel, Tracing } from "@matrix-org/matrix-sdk-crypto-wasm";
import { deliveryTimeoutMs, syncingClient, waitUntil } from "./matrix.mjs";

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
  }, description, 30_000);
}

/** The event `eventId` once `client` tried to decrypt it and failed (no room key). */
export function undecryptableEvent(client, roomId, eventId, description) {
  return waitUntil(client, decryptionUpdates, () => {
    const event = client.getRoom(roomId)?.findEventById(eventId);
    return event && !event.isBeingDecrypted() && event.isDecryptionFailure() ? event : undefined;
  }, description);
}

/** Polls an async `check` until it returns something truthy: for states the SDK reaches after requests of its own. */
export async function eventually(check, description, timeoutMs = deliveryTimeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${JSON.stringify(last)})`);
}
