// Two homeservers federating (issue 7, "Proof"): users of each talk through their own server only, so everything one
// sees of the other crossed the Server-Server API (invites, joins, PDUs in transactions, typing and receipt EDUs,
// backfill, device keys and to-device messages). Observed through matrix-js-sdk's own sync loops; every wait ends on
// an SDK event. tests/EndToEnd starts both servers (named 127.0.0.1:PORT, TLS with verified certificates) and sets
// MESSENGER_BASE_URL (server A) and MESSENGER_OTHER_BASE_URL (server B).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, Direction, EventType, ReceiptType, RoomEvent, RoomMemberEvent, RoomStateEvent } from "matrix-js-sdk";
import { anonymousClient, baseUrl, otherBaseUrl, registerWithDummyFlow, syncingClient, uniqueUsername, waitUntil } from "./matrix.mjs";
import { cryptoState, decryptedEvent, encryptingClient, megolm, trustUpdates } from "./crypto.mjs";

const password = "correct horse battery staple";
const skip = otherBaseUrl ? false : "MESSENGER_OTHER_BASE_URL is not set: this suite needs two federating servers (run it through dotnet test)";

const updates = [ClientEvent.Sync, ClientEvent.Room, RoomEvent.Timeline, RoomEvent.Receipt, RoomEvent.MyMembership,
  RoomStateEvent.Members, RoomMemberEvent.Membership, RoomMemberEvent.Typing];

/** A user registered on `server` with a syncing client; `t.after` stops it. */
async function user(t, name, server) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), password, {}, server);
  const client = await syncingClient(credentials, { clientOptions: { baseUrl: server } });
  t.after(() => client.stopClient());
  return { credentials, client, userId: credentials.user_id };
}

/** A user registered on `server` whose syncing client has Rust crypto (see crypto.mjs `encryptingClient`). */
async function encryptingUser(t, name, server) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), password, {}, server);
  return { credentials, client: await encryptingClient(t, credentials, { baseUrl: server }), userId: credentials.user_id };
}

/** The part of a user id after the first colon: the server name (here an IP literal with a port). */
const serverOf = (userId) => userId.slice(userId.indexOf(":") + 1);

/** Resolves once `client`'s sync shows `userId` with `membership` in `roomId`. */
function membership(client, roomId, userId, membership, description) {
  return waitUntil(client, updates, () => client.getRoom(roomId)?.getMember(userId)?.membership === membership, description);
}

/** The event `eventId` once it is in `client`'s live timeline of `roomId`. */
function eventSeen(client, roomId, eventId, description) {
  return waitUntil(client, updates, () => client.getRoom(roomId)?.findEventById(eventId), description);
}

/** Alice (server A) creates a room and invites Bob (server B), who joins; resolves once both syncs show him joined. */
async function sharedRoom(alice, bob, options = {}) {
  const { room_id: roomId } = await alice.client.createRoom({ preset: "private_chat", invite: [bob.userId], ...options });
  await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMyMembership() === "invite", "Bob's sync to show the invite from the other server");
  const invite = bob.client.getRoom(roomId).getMember(bob.userId).events.member;
  assert.equal(invite.getSender(), alice.userId, "the invite is Alice's");
  await bob.client.joinRoom(roomId);
  await membership(alice.client, roomId, bob.userId, "join", "Alice's sync to show Bob's join from the other server");
  await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMyMembership() === "join", "Bob's sync to show him joined");
  return roomId;
}

test("users of two servers share a room: invite, join, messages both ways, typing and a read receipt", { skip, timeout: 120_000 }, async (t) => {
  const alice = await user(t, "alice", baseUrl);
  const bob = await user(t, "bob", otherBaseUrl);
  assert.notEqual(serverOf(alice.userId), serverOf(bob.userId), "Alice and Bob are users of different servers");
  const roomId = await sharedRoom(alice, bob, { name: "Across servers" });
  assert.equal(bob.client.getRoom(roomId).name, "Across servers", "Bob's server got the room's state with the join");

  await t.test("a message from each side reaches the other", async () => {
    const { event_id: hello } = await alice.client.sendTextMessage(roomId, "Hello Bob, from server A");
    const seenByBob = await eventSeen(bob.client, roomId, hello, "Alice's message in Bob's timeline");
    assert.equal(seenByBob.getContent().body, "Hello Bob, from server A");
    assert.equal(seenByBob.getSender(), alice.userId);

    const { event_id: reply } = await bob.client.sendTextMessage(roomId, "Hi Alice, from server B");
    const seenByAlice = await eventSeen(alice.client, roomId, reply, "Bob's reply in Alice's timeline");
    assert.equal(seenByAlice.getContent().body, "Hi Alice, from server B");
    const order = alice.client.getRoom(roomId).getLiveTimeline().getEvents().map((e) => e.getId());
    assert.ok(order.indexOf(hello) < order.indexOf(reply), "Alice sees her message before Bob's reply");
  });

  await t.test("Bob sees Alice start and stop typing", async () => {
    await alice.client.sendTyping(roomId, true, 30_000);
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.typing === true, "Bob to see Alice typing");
    await alice.client.sendTyping(roomId, false, 0);
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.typing === false, "Bob to see Alice stop typing");
  });

  await t.test("a read receipt Bob sends reaches Alice", async () => {
    const { event_id: eventId } = await alice.client.sendTextMessage(roomId, "did you read this?");
    const event = await eventSeen(bob.client, roomId, eventId, "Alice's question in Bob's timeline");
    await bob.client.sendReadReceipt(event, ReceiptType.Read);
    await waitUntil(alice.client, updates, () => alice.client.getRoom(roomId)?.getEventReadUpTo(bob.userId, true) === eventId,
      "Alice's sync to carry Bob's read receipt");
  });
});

test("an encrypted conversation works across servers, both ways", { skip, timeout: 150_000 }, async (t) => {
  const alice = await encryptingUser(t, "alice", baseUrl);
  const bob = await encryptingUser(t, "bob", otherBaseUrl);
  // Each client learns the other's device keys by /keys/query on its own server, which asks the other server
  // (/user/keys/query); the Olm session needs a one-time key claimed the same way, and the Megolm room key travels as a
  // to-device message (m.direct_to_device EDU).
  const roomId = await sharedRoom(alice, bob, {
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: megolm } }],
  });
  assert.equal(await bob.client.getCrypto().isEncryptionEnabledInRoom(roomId), true, "the room is encrypted for Bob too");

  const { event_id: hello } = await alice.client.sendTextMessage(roomId, "Hello Bob, this is secret across servers");
  const seenByBob = await decryptedEvent(bob.client, roomId, hello, "Bob to decrypt Alice's message from the other server");
  assert.equal(seenByBob.getWireType(), "m.room.encrypted", "the servers carried ciphertext");
  assert.equal(seenByBob.getWireContent().algorithm, megolm);
  assert.equal(seenByBob.getContent().body, "Hello Bob, this is secret across servers");
  assert.equal(seenByBob.getSender(), alice.userId);

  const { event_id: reply } = await bob.client.sendTextMessage(roomId, "Hi Alice, secret received on server B");
  const seenByAlice = await decryptedEvent(alice.client, roomId, reply, "Alice to decrypt Bob's reply from the other server");
  assert.equal(seenByAlice.getWireType(), "m.room.encrypted");
  assert.equal(seenByAlice.getContent().body, "Hi Alice, secret received on server B");
});

test("a device Bob adds later, on his server, is known to Alice's client and decrypts her next message", { skip, timeout: 150_000 }, async (t) => {
  const alice = await encryptingUser(t, "alice", baseUrl);
  const bob = await encryptingUser(t, "bob", otherBaseUrl);
  const roomId = await sharedRoom(alice, bob, {
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: megolm } }],
  });
  const { event_id: first } = await alice.client.sendTextMessage(roomId, "before Bob's second device");
  await decryptedEvent(bob.client, roomId, first, "Bob's first device to decrypt Alice's first message");

  const credentials = await anonymousClient(otherBaseUrl).loginRequest({
    type: "m.login.password", identifier: { type: "m.id.user", user: bob.userId }, password,
  });
  const second = await encryptingClient(t, credentials, { baseUrl: otherBaseUrl });
  // Only Bob's server hears of the new device; Alice's client learns of it when her server lists Bob in
  // device_lists.changed, which needs the m.device_list_update EDU from Bob's server.
  await cryptoState(alice.client, trustUpdates, async () =>
    (await alice.client.getCrypto().getUserDeviceInfo([bob.userId])).get(bob.userId)?.has(credentials.device_id),
  "Alice's client to know Bob's new device", 60_000);

  const { event_id: next } = await alice.client.sendTextMessage(roomId, "after Bob's second device");
  const seen = await decryptedEvent(second, roomId, next, "Bob's second device to decrypt Alice's next message");
  assert.equal(seen.getContent().body, "after Bob's second device");
});

test("a user of the other server who joins late back-fills the history from before his server was in the room", { skip, timeout: 120_000 }, async (t) => {
  const alice = await user(t, "alice", baseUrl);
  const carol = await user(t, "carol", otherBaseUrl);
  const alias = uniqueUsername("history");
  const { room_id: roomId } = await alice.client.createRoom({ preset: "public_chat", room_alias_name: alias, name: "History" });
  const sent = [];
  for (let i = 1; i <= 30; i++) {
    sent.push((await alice.client.sendTextMessage(roomId, `history ${i}`)).event_id);
  }

  // Carol's server has never seen the room: it resolves the alias on Alice's server and joins through it.
  const joined = await carol.client.joinRoom(`#${alias}:${serverOf(alice.userId)}`);
  assert.equal(joined.roomId, roomId, "the alias names Alice's room");
  const room = await waitUntil(carol.client, updates, () => {
    const r = carol.client.getRoom(roomId);
    return r?.getMyMembership() === "join" ? r : undefined;
  }, "Carol's sync to show the room");

  // As a client scrolls up: /messages backwards until the room's creation, which her server must fetch from Alice's.
  const timeline = room.getLiveTimeline();
  for (let page = 0; page < 20 && timeline.getPaginationToken(Direction.Backward) !== null; page++) {
    await carol.client.scrollback(room, 10);
  }
  const events = timeline.getEvents();
  const texts = events.filter((e) => e.getType() === EventType.RoomMessage).map((e) => e.getContent().body);
  assert.deepEqual(texts, sent.map((_, i) => `history ${i + 1}`), "all of Alice's messages, in order");
  assert.deepEqual(events.filter((e) => e.getType() === EventType.RoomMessage).map((e) => e.getId()), sent);
  assert.equal(events[0].getType(), EventType.RoomCreate, "the history reaches back to the room's creation");
});

/** The test's handle on the second server's process (tests/EndToEnd `ServerControl`): "kill" or "start". */
const controlUrl = process.env.MESSENGER_CONTROL_URL;

async function secondServer(action) {
  const response = await fetch(`${controlUrl}/second/${action}`, { method: "POST" });
  assert.equal(response.status, 200, `${action} the second server: ${await response.text()}`);
}

test("messages sent while the other server is down arrive, in order, after it restarts", {
  skip: skip || (controlUrl ? false : "MESSENGER_CONTROL_URL is not set: this test stops and starts a server (run it through dotnet test)"),
  timeout: 120_000,
}, async (t) => {
  const alice = await user(t, "alice", baseUrl);
  const bob = await user(t, "bob", otherBaseUrl);
  const roomId = await sharedRoom(alice, bob, { name: "Through a restart" });
  const { event_id: before } = await alice.client.sendTextMessage(roomId, "before the outage");
  await eventSeen(bob.client, roomId, before, "Alice's first message in Bob's timeline");

  // Bob's server process dies as in a crash; Alice's server cannot deliver and backs off.
  bob.client.stopClient();
  await secondServer("kill");
  const sent = [];
  for (let i = 1; i <= 5; i++) {
    sent.push((await alice.client.sendTextMessage(roomId, `while server B was down ${i}`)).event_id);
  }

  // The same server comes back (same database, key and ports); Bob opens his app again.
  await secondServer("start");
  const again = await syncingClient(bob.credentials, { clientOptions: { baseUrl: otherBaseUrl } });
  t.after(() => again.stopClient());
  const room = await waitUntil(again, updates, () => {
    const r = again.getRoom(roomId);
    return sent.every((id) => r?.findEventById(id)) ? r : undefined;
  }, "Bob's client to receive all five messages sent while his server was down", 30_000);
  const received = room.getLiveTimeline().getEvents().map((e) => e.getId()).filter((id) => sent.includes(id));
  assert.deepEqual(received, sent, "in the order Alice sent them");
  assert.deepEqual(sent.map((id) => room.findEventById(id).getContent().body), sent.map((_, i) => `while server B was down ${i + 1}`));
});
