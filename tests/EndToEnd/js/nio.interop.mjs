// The same encrypted exchange between two different crypto stacks: a matrix-nio client (Python, libolm) and a
// matrix-js-sdk client (Rust crypto), both against the server under test. Each must decrypt what the other sent, so
// Olm sessions, one-time key claims, to-device room keys and device lists work for both implementations.
// Run by tests/EndToEnd (MatrixNioTests) with MESSENGER_NIO_PYTHON naming a python3 that has nio and olm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ClientEvent, MatrixEventEvent, RoomEvent } from "matrix-js-sdk";
import { LoggerLevel, Tracing } from "@matrix-org/matrix-sdk-crypto-wasm";
import { baseUrl, registerWithDummyFlow, syncingClient, uniqueUsername, waitUntil } from "./matrix.mjs";

const python = process.env.MESSENGER_NIO_PYTHON ?? "/usr/bin/python3";
const peerScript = fileURLToPath(new URL("../python/nio_peer.py", import.meta.url));
const megolm = "m.megolm.v1.aes-sha2";

/**
 * The nio client of ../python/nio_peer.py as a child process: `request` writes one JSON command and resolves with the
 * next JSON event it prints (an `error` event rejects). Its stderr is kept for failure messages.
 */
class NioPeer {
  static async start(t) {
    const child = spawn(python, [peerScript], { env: { ...process.env, MESSENGER_BASE_URL: baseUrl }, stdio: ["pipe", "pipe", "pipe"] });
    const peer = new NioPeer(child);
    t.after(() => peer.stop());
    const ready = await peer.next();
    assert.equal(ready.event, "ready", JSON.stringify(ready));
    Object.assign(peer, { userId: ready.user_id, deviceId: ready.device_id });
    return peer;
  }

  constructor(child) {
    this.child = child;
    this.stderr = "";
    this.waiting = [];
    this.queued = [];
    child.stderr.on("data", (chunk) => { this.stderr = (this.stderr + chunk).slice(-20_000); });
    createInterface({ input: child.stdout }).on("line", (line) => {
      const event = JSON.parse(line);
      const waiter = this.waiting.shift();
      if (waiter) waiter(event);
      else this.queued.push(event);
    });
    child.on("exit", (code) => {
      for (const waiter of this.waiting.splice(0)) waiter({ event: "error", message: `nio peer exited with ${code}` });
    });
  }

  next(timeoutMs = 45_000) {
    const queued = this.queued.shift();
    const event = queued
      ? Promise.resolve(queued)
      : new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nio peer said nothing for ${timeoutMs} ms; its stderr:\n${this.stderr}`)), timeoutMs);
        this.waiting.push((value) => { clearTimeout(timer); resolve(value); });
      });
    return event.then((value) => {
      if (value.event === "error") throw new Error(`nio peer: ${value.message}\nits stderr:\n${this.stderr}`);
      return value;
    });
  }

  request(command) {
    this.child.stdin.write(JSON.stringify(command) + "\n");
    return this.next();
  }

  stop() {
    if (this.child.exitCode === null) {
      this.child.stdin.end(JSON.stringify({ cmd: "quit" }) + "\n");
      setTimeout(() => this.child.kill(), 5_000).unref();
    }
  }
}

async function jsUser(t, name) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), "correct horse battery staple");
  const client = await syncingClient(credentials, {
    beforeStart: async (c) => {
      await c.initRustCrypto({ useIndexedDB: false });
      new Tracing(LoggerLevel.Warn).turnOn();
    },
  });
  t.after(() => client.stopClient());
  return { credentials, client, userId: credentials.user_id };
}

function decryptedEvent(client, roomId, eventId, description) {
  return waitUntil(
    client,
    [ClientEvent.Sync, RoomEvent.Timeline, MatrixEventEvent.Decrypted],
    () => {
      const event = client.getRoom(roomId)?.findEventById(eventId);
      return event && !event.isBeingDecrypted() && !event.isDecryptionFailure() && event.getType() !== "m.room.encrypted" ? event : undefined;
    },
    description,
    30_000,
  );
}

test("a matrix-nio client and a matrix-js-sdk client exchange Megolm-encrypted messages both ways", { timeout: 120_000 }, async (t) => {
  const nio = await NioPeer.start(t);
  const alice = await jsUser(t, "alice");

  const { room_id: roomId } = await alice.client.createRoom({
    preset: "private_chat",
    invite: [nio.userId],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: megolm } }],
  });
  const joined = await nio.request({ cmd: "join", room_id: roomId });
  assert.equal(joined.encrypted, true, "nio sees the room as encrypted");
  await waitUntil(alice.client, [ClientEvent.Sync, RoomEvent.Timeline],
    () => alice.client.getRoom(roomId)?.getMember(nio.userId)?.membership === "join", "Alice's sync to show nio's join");

  // nio encrypts first: it must find Alice's device, claim a one-time key and send her the room key over Olm.
  const sent = await nio.request({ cmd: "send", room_id: roomId, body: "Hello from nio, encrypted with libolm" });
  const fromNio = await decryptedEvent(alice.client, roomId, sent.event_id, "Alice to decrypt nio's message");
  assert.equal(fromNio.getWireContent().algorithm, megolm);
  assert.equal(fromNio.getSender(), nio.userId);
  assert.equal(fromNio.getContent().body, "Hello from nio, encrypted with libolm");

  // And back: the Rust crypto stack encrypts for nio's device.
  const { event_id: reply } = await alice.client.sendTextMessage(roomId, "Hello nio, encrypted with Rust crypto");
  const received = await nio.request({ cmd: "expect", event_id: reply });
  assert.equal(received.decrypted, true, "nio decrypted the reply");
  assert.equal(received.sender, alice.userId);
  assert.equal(received.body, "Hello nio, encrypted with Rust crypto");
});
