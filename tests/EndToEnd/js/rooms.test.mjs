// Rooms, events and sync driven by matrix-js-sdk as a chat app drives them: each user's client
// runs the SDK's own sync loop (startClient) and every check reads what that loop delivered
// (Client-Server API: "Rooms", "Room membership", "Events", "Syncing", "Event relationships",
// "Threading", "Redactions", "Forming relationships between events").
import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, Direction, EventStatus, Filter, RoomEvent, RoomMemberEvent, RoomStateEvent, ThreadEvent } from "matrix-js-sdk";
import { registerWithDummyFlow, syncingClient, uniqueUsername, waitUntil } from "./matrix.mjs";

const password = "correct horse battery staple";

/** Events after which a client's view of its rooms may have changed. */
const roomUpdates = [ClientEvent.Sync, ClientEvent.Room, RoomEvent.Timeline, RoomEvent.Redaction, RoomEvent.MyMembership,
  RoomStateEvent.Members, RoomMemberEvent.Membership, ThreadEvent.New, ThreadEvent.Update];

/**
 * Registers a user and starts a client for it; `t.after` stops the client. `timelineLimit` sets the sync filter's
 * timeline limit for every sync (the SDK's own filter has none after the first, so the server's default of 10 applies).
 */
async function user(t, name, { timelineLimit, ...startOptions } = {}) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), password);
  if (timelineLimit) {
    const filter = new Filter(credentials.user_id);
    filter.setDefinition({ room: { timeline: { limit: timelineLimit } } });
    startOptions.filter = filter;
  }
  const client = await syncingClient(credentials, { startOptions: { threadSupport: true, ...startOptions } });
  t.after(() => client.stopClient());
  return { credentials, client, userId: credentials.user_id };
}

/** The event `eventId` in `client`'s live timeline of `roomId`, once its sync has delivered it. */
function seenInTimeline(client, roomId, eventId, description) {
  return waitUntil(
    client,
    roomUpdates,
    () => client.getRoom(roomId)?.getLiveTimeline().getEvents().find((event) => event.getId() === eventId),
    description,
  );
}

function membershipOf(client, roomId, userId) {
  return client.getRoom(roomId)?.getMember(userId)?.membership;
}

function waitForMembership(client, roomId, userId, membership, description) {
  return waitUntil(client, roomUpdates, () => membershipOf(client, roomId, userId) === membership, description);
}

function waitForMyMembership(client, roomId, membership, description) {
  return waitUntil(client, roomUpdates, () => client.getRoom(roomId)?.getMyMembership() === membership, description);
}

/**
 * Waits for the member counts the client shows (from the sync's room summary): the summary of a
 * sync response is applied after its membership events, so checking right after one could race.
 */
function memberCounts(client, roomId, { joined, invited }, description) {
  return waitUntil(
    client,
    roomUpdates,
    () => {
      const room = client.getRoom(roomId);
      return room?.getJoinedMemberCount() === joined && room.getInvitedMemberCount() === invited;
    },
    description,
  );
}

test("Alice and Bob chat in one room: messages, a reaction, an edit, a thread reply, a redaction and 100 messages paginated back in order", { timeout: 180_000 }, async (t) => {
  const alice = await user(t, "alice");
  // A timeline limit above the 100-message burst: if Bob's sync falls behind, a window over the limit comes back
  // `limited` and the SDK starts a fresh live timeline (correct, but then "all 100 in his live timeline" cannot
  // hold). Back-pagination across such gaps is the next test's subject.
  const bob = await user(t, "bob", { timelineLimit: 200 });

  const { room_id: roomId } = await alice.client.createRoom({ preset: "public_chat", name: "Chat" });
  await waitForMyMembership(alice.client, roomId, "join", "Alice's sync to show the room she created");
  await bob.client.joinRoom(roomId);
  await waitForMembership(alice.client, roomId, bob.userId, "join", "Alice's sync to show Bob's join");
  await waitForMyMembership(bob.client, roomId, "join", "Bob's sync to show the room he joined");

  let helloId;
  await t.test("a message from Alice reaches Bob's timeline with its content and sender", async () => {
    ({ event_id: helloId } = await alice.client.sendTextMessage(roomId, "hello Bob"));
    const seen = await seenInTimeline(bob.client, roomId, helloId, "Alice's message in Bob's timeline");
    assert.equal(seen.getSender(), alice.userId);
    assert.equal(seen.getType(), "m.room.message");
    assert.deepEqual(seen.getContent(), { msgtype: "m.text", body: "hello Bob" });
    assert.equal(bob.client.getRoom(roomId).name, "Chat", "the room name from the state Bob's sync delivered");
    await memberCounts(bob.client, roomId, { joined: 2, invited: 0 }, "Bob's room summary: 2 joined");
  });

  await t.test("a reply from Bob reaches Alice, and her own message is no longer pending", async () => {
    const { event_id: replyId } = await bob.client.sendTextMessage(roomId, "hi Alice");
    const seen = await seenInTimeline(alice.client, roomId, replyId, "Bob's message in Alice's timeline");
    assert.equal(seen.getSender(), bob.userId);
    assert.equal(seen.getContent().body, "hi Alice");
    const own = alice.client.getRoom(roomId).findEventById(helloId);
    assert.equal(own?.status ?? null, null, "Alice's local echo was matched with the synced event (transaction_id)");
    assert.deepEqual(
      alice.client.getRoom(roomId).getLiveTimeline().getEvents().filter((event) => event.getId() === helloId).length,
      1,
      "her message appears once, not as an echo plus the synced copy",
    );
  });

  let reactionId;
  await t.test("Bob's reaction is aggregated on Alice's message in her client", async () => {
    ({ event_id: reactionId } = await bob.client.sendEvent(roomId, "m.reaction", {
      "m.relates_to": { rel_type: "m.annotation", event_id: helloId, key: "👍" },
    }));
    await seenInTimeline(alice.client, roomId, reactionId, "Bob's reaction in Alice's timeline");
    const annotations = alice.client
      .getRoom(roomId)
      .getUnfilteredTimelineSet()
      .relations.getChildEventsForEvent(helloId, "m.annotation", "m.reaction");
    const byKey = new Map(annotations?.getSortedAnnotationsByKey() ?? []);
    assert.deepEqual([...(byKey.get("👍") ?? [])].map((event) => event.getSender()), [bob.userId]);
  });

  let editId;
  await t.test("Alice's edit replaces the message's content in Bob's client", async () => {
    ({ event_id: editId } = await alice.client.sendEvent(roomId, "m.room.message", {
      msgtype: "m.text",
      body: "* hello Bob, edited",
      "m.new_content": { msgtype: "m.text", body: "hello Bob, edited" },
      "m.relates_to": { rel_type: "m.replace", event_id: helloId },
    }));
    await seenInTimeline(bob.client, roomId, editId, "Alice's edit in Bob's timeline");
    const original = bob.client.getRoom(roomId).findEventById(helloId);
    await waitUntil(bob.client, roomUpdates, () => original.replacingEventId() === editId, "Bob's client to apply the edit");
    assert.equal(original.getContent().body, "hello Bob, edited");
    assert.equal(original.getOriginalContent().body, "hello Bob", "the original content stays available");
  });

  let threadReplyId;
  await t.test("Bob's reply in a thread on Alice's message shows up in that thread in her client", async () => {
    ({ event_id: threadReplyId } = await bob.client.sendMessage(roomId, helloId, { msgtype: "m.text", body: "in the thread" }));
    const thread = await waitUntil(
      alice.client,
      roomUpdates,
      () => {
        const candidate = alice.client.getRoom(roomId).getThread(helloId);
        return candidate?.findEventById(threadReplyId) ? candidate : undefined;
      },
      "Bob's thread reply in Alice's thread view",
    );
    const reply = thread.findEventById(threadReplyId);
    assert.equal(reply.threadRootId, helloId);
    assert.equal(reply.getContent().body, "in the thread");
    assert.ok(alice.client.getRoom(roomId).findEventById(helloId).isThreadRoot, "Alice's message is now a thread root");
    assert.equal(thread.length, 1, "one reply in the thread");
    assert.equal(
      alice.client.getRoom(roomId).getLiveTimeline().getEvents().some((event) => event.getId() === threadReplyId),
      false,
      "a thread reply is not in the main timeline",
    );
  });

  await t.test("the thread reply carries the stable m.thread relation", async () => {
    // The SDK sends io.element.thread (MSC3440) unless /versions lists v1.4 or later.
    const reply = alice.client.getRoom(roomId).getThread(helloId)?.findEventById(threadReplyId);
    assert.equal(reply?.getWireContent()["m.relates_to"]?.rel_type, "m.thread");
  });

  await t.test("Alice redacts a message and Bob's copy loses its content", async () => {
    const { event_id: regretId } = await alice.client.sendTextMessage(roomId, "something I regret");
    const seen = await seenInTimeline(bob.client, roomId, regretId, "the message before its redaction");
    const { event_id: redactionId } = await alice.client.redactEvent(roomId, regretId, undefined, { reason: "typo" });
    await waitUntil(bob.client, roomUpdates, () => seen.isRedacted(), "Bob's client to apply the redaction");
    assert.deepEqual(seen.getContent(), {}, "a redacted message keeps no content keys");
    assert.equal(seen.getUnsigned().redacted_because?.event_id, redactionId);
    assert.equal(seen.getUnsigned().redacted_because?.content?.reason, "typo");
    // The server serves it redacted as well, with the redaction in unsigned.
    const fetched = await bob.client.fetchRoomEvent(roomId, regretId);
    assert.deepEqual(fetched.content, {});
    assert.equal(fetched.unsigned?.redacted_because?.event_id, redactionId);
  });

  const bodies = Array.from({ length: 100 }, (_, i) => `message ${i}`);
  await t.test("100 messages from Alice all reach Bob's live timeline once, in the order sent", async () => {
    const sentIds = [];
    for (const body of bodies) {
      sentIds.push((await alice.client.sendTextMessage(roomId, body)).event_id);
    }
    await seenInTimeline(bob.client, roomId, sentIds.at(-1), "the 100th message in Bob's timeline");
    const live = bob.client.getRoom(roomId).getLiveTimeline().getEvents().map((event) => event.getId());
    assert.deepEqual(live.filter((id) => sentIds.includes(id)), sentIds);
  });

  await t.test("a new client of Bob's starts with the latest messages and paginates back to the room's creation in order", async (t2) => {
    const fresh = await syncingClient(bob.credentials, { startOptions: { threadSupport: true, initialSyncLimit: 10 } });
    t2.after(() => fresh.stopClient());
    const room = await waitUntil(fresh, roomUpdates, () => fresh.getRoom(roomId), "the room in the new client's first sync");
    const timelineBodies = () =>
      room
        .getLiveTimeline()
        .getEvents()
        .filter((event) => event.getType() === "m.room.message")
        .map((event) => (event.isRedacted() ? "(redacted)" : event.getContent().body));
    assert.deepEqual(timelineBodies(), bodies.slice(-10), "the initial sync's timeline holds the last 10 messages");
    assert.ok(room.oldState.paginationToken, "a limited timeline gives a prev_batch to paginate from");

    let requests = 0;
    while (room.oldState.paginationToken !== null) {
      assert.ok(++requests <= 20, `back-pagination ends: still a token after ${requests - 1} requests of 20 events`);
      await fresh.scrollback(room, 20);
    }
    const events = room.getLiveTimeline().getEvents();
    assert.equal(events[0].getType(), "m.room.create", "pagination reaches the room's creation");
    const ids = events.map((event) => event.getId());
    assert.equal(new Set(ids).size, ids.length, "no event twice");
    const messages = timelineBodies();
    assert.deepEqual(messages.slice(-100), bodies, "the 100 messages in the order sent");
    assert.deepEqual(messages.slice(0, -100), ["hello Bob, edited", "hi Alice", "(redacted)"], "the earlier chat, edit applied");
    const stream = events.map((event) => event.getTs());
    assert.deepEqual(stream, [...stream].sort((a, b) => a - b), "timestamps never go backwards");
  });

  await t.test("/messages pages backwards from the end, newest first", async () => {
    const page = await bob.client.createMessagesRequest(roomId, bob.client.store.getSyncToken(), 5, Direction.Backward);
    assert.deepEqual(page.chunk.map((event) => event.content.body), bodies.slice(-5).reverse());
    const next = await bob.client.createMessagesRequest(roomId, page.end, 5, Direction.Backward);
    assert.deepEqual(next.chunk.map((event) => event.content.body), bodies.slice(-10, -5).reverse());
  });

  await t.test("/messages forwards from a backwards page's end starts with that page's oldest event", async () => {
    // A token is a point between events: the end of a backwards page lies just before its oldest
    // event, so reading forwards from it returns that event first (as TimelineWindow relies on).
    const page = await bob.client.createMessagesRequest(roomId, bob.client.store.getSyncToken(), 10, Direction.Backward);
    const forward = await bob.client.createMessagesRequest(roomId, page.end, 10, Direction.Forward);
    assert.deepEqual(forward.chunk.map((event) => event.content.body), bodies.slice(-10));
  });

  await t.test("the relations API lists the reaction and the edit of Alice's message", async () => {
    const reactions = await bob.client.relations(roomId, helloId, "m.annotation", "m.reaction");
    assert.deepEqual(reactions.events.map((event) => event.getId()), [reactionId]);
    const edits = await bob.client.relations(roomId, helloId, "m.replace", "m.room.message");
    assert.deepEqual(edits.events.map((event) => event.getId()), [editId]);
  });

  await t.test("the thread is listed by the threads API and its reply by the relations API", async () => {
    const replies = await bob.client.relations(roomId, helloId, "m.thread");
    assert.deepEqual(replies.events.map((event) => event.getId()), [threadReplyId]);
    const threads = await bob.client.createThreadListMessagesRequest(roomId, null, 10);
    assert.deepEqual(threads.chunk.map((event) => event.event_id), [helloId]);
  });

  await t.test("Alice's message carries the bundled edit and thread summary in unsigned.m.relations", async () => {
    const served = await bob.client.fetchRoomEvent(roomId, helloId);
    const bundled = served.unsigned?.["m.relations"] ?? {};
    assert.equal(bundled["m.replace"]?.event_id, editId, "the latest edit, bundled whole");
    assert.equal(bundled["m.thread"]?.count, 1);
    assert.equal(bundled["m.thread"]?.latest_event?.event_id, threadReplyId);
    assert.equal(bundled["m.thread"]?.current_user_participated, true, "Bob replied in the thread");
  });

  assert.equal(alice.client.getRoom(roomId).getLiveTimeline().getEvents().filter((event) => event.status === EventStatus.NOT_SENT).length, 0);
});

test("an invite reaches Bob through sync; he joins, they talk, he leaves and Alice sees it", { timeout: 120_000 }, async (t) => {
  const alice = await user(t, "alice");
  const bob = await user(t, "bob");

  const { room_id: roomId } = await alice.client.createRoom({ preset: "private_chat", name: "Invitation" });
  await waitForMyMembership(alice.client, roomId, "join", "Alice's sync to show the room she created");
  await alice.client.invite(roomId, bob.userId);

  await waitForMyMembership(bob.client, roomId, "invite", "the invite in Bob's sync");
  const invited = bob.client.getRoom(roomId);
  assert.equal(invited.getMember(bob.userId)?.events.member?.getSender(), alice.userId, "the invite is from Alice");
  assert.equal(invited.name, "Invitation", "invite_state carries the room name");
  await waitForMembership(alice.client, roomId, bob.userId, "invite", "Alice's sync to show Bob invited");
  await memberCounts(alice.client, roomId, { joined: 1, invited: 1 }, "Alice's room summary: 1 joined, 1 invited");

  await bob.client.joinRoom(roomId);
  await waitForMyMembership(bob.client, roomId, "join", "Bob's sync to show him joined");
  await waitForMembership(alice.client, roomId, bob.userId, "join", "Alice's sync to show Bob's join");
  await memberCounts(alice.client, roomId, { joined: 2, invited: 0 }, "Alice's room summary: 2 joined");
  await memberCounts(bob.client, roomId, { joined: 2, invited: 0 }, "Bob's room summary: 2 joined");
  assert.equal(bob.client.getRoom(roomId).getMember(alice.userId)?.membership, "join", "Bob's client knows Alice is in");

  const { event_id: fromAlice } = await alice.client.sendTextMessage(roomId, "welcome");
  const { event_id: fromBob } = await bob.client.sendTextMessage(roomId, "thanks");
  assert.equal((await seenInTimeline(bob.client, roomId, fromAlice, "Alice's message at Bob")).getContent().body, "welcome");
  assert.equal((await seenInTimeline(alice.client, roomId, fromBob, "Bob's message at Alice")).getContent().body, "thanks");

  await bob.client.leave(roomId);
  await waitForMembership(alice.client, roomId, bob.userId, "leave", "Alice's sync to show Bob's leave");
  await memberCounts(alice.client, roomId, { joined: 1, invited: 0 }, "Alice's room summary: 1 joined after Bob left");
  await waitForMyMembership(bob.client, roomId, "leave", "Bob's sync to move the room to rooms.leave");
});

test("Alice sets the topic, kicks, bans and unbans Bob, and his sync loop follows each step", { timeout: 120_000 }, async (t) => {
  const alice = await user(t, "alice");
  // Bob lazy-loads members, as Element does: his sync leaves the member list to GET /members.
  const bob = await user(t, "bob", { lazyLoadMembers: true });

  const { room_id: roomId } = await alice.client.createRoom({ preset: "public_chat", name: "Moderated" });
  await bob.client.joinRoom(roomId);
  await waitForMyMembership(bob.client, roomId, "join", "Bob's sync to show him joined");
  assert.ok((await bob.client.getJoinedRooms()).joined_rooms.includes(roomId), "GET /joined_rooms lists the room");
  const joined = await bob.client.getJoinedRoomMembers(roomId);
  assert.deepEqual(Object.keys(joined.joined).sort(), [alice.userId, bob.userId].sort());

  const bobRoom = bob.client.getRoom(roomId);
  await bobRoom.loadMembersIfNeeded();
  assert.equal(bobRoom.getMember(alice.userId)?.membership, "join", "the loaded member list has Alice");

  await alice.client.setRoomTopic(roomId, "Be kind");
  await waitUntil(
    bob.client,
    [...roomUpdates, RoomStateEvent.Events],
    () => bob.client.getRoom(roomId)?.currentState.getStateEvents("m.room.topic", "")?.getContent().topic === "Be kind",
    "the new topic in Bob's room state",
  );
  assert.equal((await bob.client.getStateEvent(roomId, "m.room.topic", "")).topic, "Be kind", "GET /state/m.room.topic/");

  await alice.client.kick(roomId, bob.userId, "cool down");
  await waitForMyMembership(bob.client, roomId, "leave", "the kick in Bob's sync");
  const kick = bob.client.getRoom(roomId).getMember(bob.userId)?.events.member;
  assert.equal(kick?.getSender(), alice.userId, "the kick is Alice's");
  assert.equal(kick?.getContent().reason, "cool down");

  await bob.client.joinRoom(roomId);
  await waitForMyMembership(bob.client, roomId, "join", "Bob back after the kick");
  await alice.client.ban(roomId, bob.userId, "again");
  await waitForMyMembership(bob.client, roomId, "ban", "the ban in Bob's sync");
  await waitForMembership(alice.client, roomId, bob.userId, "ban", "the ban in Alice's sync");
  await expectForbidden(bob.client.joinRoom(roomId), "a banned user cannot rejoin");

  await alice.client.unban(roomId, bob.userId);
  await waitForMembership(alice.client, roomId, bob.userId, "leave", "the unban (membership leave) in Alice's sync");
  await bob.client.joinRoom(roomId);
  await waitForMembership(alice.client, roomId, bob.userId, "join", "Bob's rejoin after the unban in Alice's sync");
});

async function expectForbidden(promise, description) {
  await assert.rejects(promise, (error) => error.httpStatus === 403 && error.errcode === "M_FORBIDDEN", description);
}
