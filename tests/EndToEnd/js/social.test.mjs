// What users see of each other beside messages, driven by matrix-js-sdk's own sync loops: profile changes,
// typing, read receipts, a mention highlighted by push rules, and an image with its thumbnail
// (Client-Server API: "Profiles", "Typing Notifications", "Receipts", "Push Notifications", "Content repository").
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync, crc32 } from "node:zlib";
import { ClientEvent, NotificationCountType, ReceiptType, RoomEvent, RoomMemberEvent, RoomStateEvent } from "matrix-js-sdk";
import { baseUrl, registerWithDummyFlow, syncingClient, uniqueUsername, waitUntil } from "./matrix.mjs";

const password = "correct horse battery staple";

const updates = [ClientEvent.Sync, ClientEvent.Room, RoomEvent.Timeline, RoomEvent.Receipt, RoomEvent.UnreadNotifications,
  RoomStateEvent.Members, RoomMemberEvent.Name, RoomMemberEvent.Typing, RoomMemberEvent.Membership];

async function user(t, name) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), password);
  const client = await syncingClient(credentials);
  t.after(() => client.stopClient());
  return { credentials, client, userId: credentials.user_id };
}

/** A solid-colour RGB PNG of the given size (PNG spec: signature, IHDR, one IDAT, IEND). */
function png(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([200, 40 + y % 100, 90], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

test("Alice and Bob see each other's profile, typing, receipts, a highlighted mention and an image thumbnail", { timeout: 180_000 }, async (t) => {
  const alice = await user(t, "alice");
  const bob = await user(t, "bob");
  const { room_id: roomId } = await alice.client.createRoom({ preset: "public_chat", name: "Social" });
  await waitUntil(alice.client, updates, () => alice.client.getRoom(roomId)?.getMyMembership() === "join", "Alice's sync to show her room");
  await bob.client.joinRoom(roomId);
  await waitUntil(alice.client, updates, () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === "join", "Alice's sync to show Bob's join");
  await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMyMembership() === "join", "Bob's sync to show the room");

  await t.test("a display name Alice sets reaches Bob as her member name in the room", async () => {
    await alice.client.setDisplayName("Alice in Wonderland");
    const profile = await bob.client.getProfileInfo(alice.userId);
    assert.equal(profile.displayname, "Alice in Wonderland");
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.name === "Alice in Wonderland",
      "Bob's sync to show Alice's new display name");
    assert.equal(bob.client.getRoom(roomId).getMember(alice.userId).membership, "join", "the new member event keeps her joined");
  });

  await t.test("Bob sees Alice start and stop typing", async () => {
    await alice.client.sendTyping(roomId, true, 30_000);
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.typing === true, "Bob to see Alice typing");
    await alice.client.sendTyping(roomId, false, 0);
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.getMember(alice.userId)?.typing === false, "Bob to see Alice stop typing");
  });

  await t.test("a read receipt Bob sends reaches Alice, and clears his unread count", async () => {
    const { event_id: eventId } = await alice.client.sendTextMessage(roomId, "did you read this?");
    const event = await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.findEventById(eventId), "Alice's message in Bob's timeline");
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId).getUnreadNotificationCount(NotificationCountType.Total) > 0,
      "Bob's unread count to include Alice's message");
    await bob.client.sendReadReceipt(event, ReceiptType.Read, true);
    await waitUntil(alice.client, updates, () => alice.client.getRoom(roomId)?.getEventReadUpTo(bob.userId, true) === eventId,
      "Alice's sync to carry Bob's read receipt");
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId).getUnreadNotificationCount(NotificationCountType.Total) === 0,
      "Bob's unread count to be reset by his receipt");
  });

  await t.test("a mention of Bob is a highlight, for the server's counts and the client's own push rule evaluation", async () => {
    const { event_id: eventId } = await alice.client.sendEvent(roomId, "m.room.message", {
      msgtype: "m.text",
      body: `${bob.userId}: look at this`,
      "m.mentions": { user_ids: [bob.userId] },
    });
    const event = await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.findEventById(eventId), "the mention in Bob's timeline");
    await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId).getUnreadNotificationCount(NotificationCountType.Highlight) === 1,
      "Bob's highlight count from the server to be 1");
    const actions = bob.client.getPushActionsForEvent(event, true);
    assert.equal(actions?.notify, true);
    assert.equal(actions?.tweaks?.highlight, true, "the server's push rules (fetched by the SDK) highlight the mention");
    const plain = await alice.client.sendTextMessage(roomId, "no mention here");
    const plainEvent = await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.findEventById(plain.event_id), "a plain message");
    assert.notEqual(bob.client.getPushActionsForEvent(plainEvent, true)?.tweaks?.highlight, true);
  });

  await t.test("an image Alice uploads is sent, and Bob downloads it and a smaller thumbnail", async () => {
    const image = png(256, 192);
    const { content_uri: mxc } = await alice.client.uploadContent(image, { type: "image/png", name: "picture.png" });
    assert.match(mxc, /^mxc:\/\//);
    const { event_id: eventId } = await alice.client.sendMessage(roomId, {
      msgtype: "m.image", body: "picture.png", url: mxc, info: { mimetype: "image/png", w: 256, h: 192, size: image.length },
    });
    const event = await waitUntil(bob.client, updates, () => bob.client.getRoom(roomId)?.findEventById(eventId), "the image in Bob's timeline");
    const url = event.getContent().url;
    const authorization = { Authorization: `Bearer ${bob.credentials.access_token}` };

    const full = await fetch(bob.client.mxcUrlToHttp(url, undefined, undefined, undefined, false, true, true), { headers: authorization });
    assert.equal(full.status, 200);
    assert.deepEqual(Buffer.from(await full.arrayBuffer()), image, "the download is the uploaded file");

    // 96x96 crop is one of the sizes the spec says servers should produce.
    const thumbUrl = bob.client.mxcUrlToHttp(url, 96, 96, "crop", false, true, true);
    assert.ok(thumbUrl.startsWith(baseUrl) && thumbUrl.includes("/_matrix/client/v1/media/thumbnail/"), thumbUrl);
    const thumb = await fetch(thumbUrl, { headers: authorization });
    assert.equal(thumb.status, 200);
    const type = thumb.headers.get("content-type");
    assert.match(type, /^image\/(png|jpeg)/);
    const bytes = Buffer.from(await thumb.arrayBuffer());
    assert.notDeepEqual(bytes, image, "a thumbnail, not the original");
    if (type.startsWith("image/png")) {
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [96, 96], "the thumbnail is cropped to 96x96");
    }
    const anonymous = await fetch(thumbUrl);
    assert.equal(anonymous.status, 401, "authenticated media needs an access token");
  });
});
