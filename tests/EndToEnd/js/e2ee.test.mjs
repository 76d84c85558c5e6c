// End-to-end encryption with matrix-js-sdk's Rust crypto (matrix-sdk-crypto-wasm), as Element Web runs it: device and
// one-time keys, Olm sessions over to-device messages, Megolm room keys, server-side key backup, cross-signing and
// interactive verification, each observed through what the SDK decrypts and how it judges devices (Client-Server API:
// "End-to-End Encryption", "Send-to-Device messaging", "Cross-signing", "Server-side key backups",
// "Key verification framework", "Secrets").
import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, RoomEvent } from "matrix-js-sdk";
import { CryptoEvent, VerificationPhase, VerificationRequestEvent, VerifierEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { anonymousClient, registerWithDummyFlow, uniqueUsername, waitUntil } from "./matrix.mjs";
import { createEncryptedRoom, cryptoState, keyQueriesSettled, nextEvent, within, decryptedEvent, encryptingClient, megolm, passwordAuth, trustUpdates, undecryptableEvent, cryptoTimeoutMs } from "./crypto.mjs";

const password = "correct horse battery staple";

async function registeredUser(t, name) {
  const credentials = await registerWithDummyFlow(uniqueUsername(name), password);
  return { credentials, userId: credentials.user_id, client: await encryptingClient(t, credentials) };
}

/** Logs `userId` in again with a password: a new device with keys of its own. */
async function newDevice(t, userId) {
  const credentials = await anonymousClient().loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: userId },
    password,
  });
  return { credentials, userId, deviceId: credentials.device_id, client: await encryptingClient(t, credentials) };
}

/** Alice creates an encrypted room and invites Bob, who joins; resolves once Alice's client sees him joined. */
async function encryptedRoomWith(alice, bob) {
  const roomId = await createEncryptedRoom(alice.client, [bob.userId]);
  await waitUntil(bob.client, [ClientEvent.Room, RoomEvent.MyMembership], () => bob.client.getRoom(roomId)?.getMyMembership() === "invite", "Bob's invite");
  await bob.client.joinRoom(roomId);
  await waitUntil(alice.client, [ClientEvent.Sync, RoomEvent.Timeline],
    () => alice.client.getRoom(roomId)?.getMember(bob.userId)?.membership === "join", "Alice's sync to show Bob's join");
  assert.equal(await alice.client.getCrypto().isEncryptionEnabledInRoom(roomId), true, "the room is encrypted for Alice");
  return roomId;
}

/**
 * Waits until `client` has uploaded the room key `sessionId` to backup `version`: the SDK backs keys up in the
 * background, after a random delay of up to 10 s, and another device can only restore what is there. The server is
 * asked now and after each batch the SDK reports uploaded.
 */
function backedUp(client, version, roomId, sessionId) {
  return cryptoState(client, [CryptoEvent.KeyBackupSessionsRemaining], async () => {
    const keys = await client.http.authedRequest("GET", `/room_keys/keys/${encodeURIComponent(roomId)}`, { version });
    return keys.sessions?.[sessionId];
  }, `the room key ${sessionId} in backup version ${version}`);
}

/** The backup version `client` backs up to, once its check of the server's backup found it trusted. */
function activeBackup(client, description) {
  return cryptoState(client, [CryptoEvent.KeyBackupStatus], () => client.getCrypto().getActiveSessionBackupVersion(), description);
}

/** What `client`'s crypto says of `userId`'s device `deviceId`, once `check(status)` holds. */
function deviceStatus(client, userId, deviceId, check, description) {
  return cryptoState(client, trustUpdates, async () => {
    const status = await client.getCrypto().getDeviceVerificationStatus(userId, deviceId);
    return status && check(status) ? status : undefined;
  }, description);
}

/** The device ids `client` knows for `userId`, once `check(ids)` holds. */
function knownDevices(client, userId, check, description) {
  return cryptoState(client, trustUpdates, async () => {
    const ids = [...((await client.getCrypto().getUserDeviceInfo([userId])).get(userId)?.keys() ?? [])].sort();
    return check(ids) ? ids : undefined;
  }, description);
}

/** Resolves once `client` has downloaded `userId`'s cross-signing keys. */
function hasCrossSigningKeys(client, userId, description) {
  return cryptoState(client, trustUpdates, () => client.getCrypto().userHasCrossSigningKeys(userId), description);
}

/** Bob's first device bootstraps cross-signing (UIA with his password) and a key backup signed by it. */
async function crossSigningAndBackup(bob) {
  const crypto = bob.client.getCrypto();
  await crypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(bob.userId, password) });
  await crypto.resetKeyBackup();
  // The SDK creates the version on the server, then starts backing up to it after its next check.
  return activeBackup(bob.client, "Bob's first device to back up to its new backup version");
}

test("Alice's Megolm message is decrypted by Bob, and Bob's reply by Alice", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  const roomId = await encryptedRoomWith(alice, bob);

  const { event_id: hello } = await alice.client.sendTextMessage(roomId, "Hello Bob, this is secret");
  const seenByBob = await decryptedEvent(bob.client, roomId, hello, "Bob to decrypt Alice's message");
  assert.equal(seenByBob.getWireType(), "m.room.encrypted", "the server carried ciphertext");
  assert.equal(seenByBob.getWireContent().algorithm, megolm);
  assert.equal(seenByBob.getType(), "m.room.message");
  assert.equal(seenByBob.getContent().body, "Hello Bob, this is secret");
  assert.equal(seenByBob.getSender(), alice.userId);

  const { event_id: reply } = await bob.client.sendTextMessage(roomId, "Hi Alice, secret received");
  const seenByAlice = await decryptedEvent(alice.client, roomId, reply, "Alice to decrypt Bob's reply");
  assert.equal(seenByAlice.getContent().body, "Hi Alice, secret received");
});

test("Bob's second device gets the room key of an earlier message from his server-side key backup", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  const bobCrypto = bob.client.getCrypto();
  await bobCrypto.resetKeyBackup();
  const version = await activeBackup(bob.client, "Bob's first device to back up to a new backup version");

  const roomId = await encryptedRoomWith(alice, bob);
  const { event_id: earlier } = await alice.client.sendTextMessage(roomId, "Sent before Bob's second device existed");
  const seenByBob = await decryptedEvent(bob.client, roomId, earlier, "Bob's first device to decrypt the message");
  assert.equal(seenByBob.getContent().body, "Sent before Bob's second device existed");
  await backedUp(bob.client, version, roomId, seenByBob.getWireContent().session_id);

  const second = await newDevice(t, bob.userId);
  await undecryptableEvent(second.client, roomId, earlier, "the second device to see the message it has no key for");

  // The backup's private key comes from the first device, as Element would take it from secret storage.
  const secondCrypto = second.client.getCrypto();
  await secondCrypto.storeSessionBackupPrivateKey(await bobCrypto.getSessionBackupPrivateKey(), version);
  const restored = await secondCrypto.restoreKeyBackup();
  assert.ok(restored.imported >= 1, `keys imported from the backup: ${JSON.stringify(restored)}`);
  const decrypted = await decryptedEvent(second.client, roomId, earlier, "the second device to decrypt the earlier message");
  assert.equal(decrypted.getContent().body, "Sent before Bob's second device existed");
});

test("Cross-signing: Bob bootstraps it with his password, signs his new device, and Alice sees the device signed by Bob", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  const roomId = await encryptedRoomWith(alice, bob);
  const bobCrypto = bob.client.getCrypto();

  await bobCrypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(bob.userId, password) });
  assert.equal((await bobCrypto.getCrossSigningStatus()).publicKeysOnDevice, true, "Bob's device holds his cross-signing keys");
  await deviceStatus(bob.client, bob.userId, bob.credentials.device_id, (s) => s.crossSigningVerified, "bootstrapping to sign the device that did it");
  await hasCrossSigningKeys(alice.client, bob.userId, "Alice to see Bob's cross-signing keys");

  const second = await newDevice(t, bob.userId);
  const before = await deviceStatus(bob.client, bob.userId, second.deviceId, () => true, "Bob's first device to learn of his second");
  assert.equal(before.crossSigningVerified, false, "a new device is not verified before Bob signs it");
  const aliceBefore = await deviceStatus(alice.client, bob.userId, second.deviceId, () => true, "Alice to learn of Bob's second device");
  assert.equal(aliceBefore.signedByOwner, false, "Alice sees the new device unsigned");

  await bobCrypto.crossSignDevice(second.deviceId);
  await deviceStatus(bob.client, bob.userId, second.deviceId, (s) => s.crossSigningVerified, "Bob's first device to see its signature on the second");
  await deviceStatus(alice.client, bob.userId, second.deviceId, (s) => s.signedByOwner, "Alice to see Bob's signature on his second device");

  // Bob's signed second device takes part in the room: Alice's next message reaches it too.
  const { event_id: message } = await alice.client.sendTextMessage(roomId, "For both of Bob's devices");
  const onSecond = await decryptedEvent(second.client, roomId, message, "Bob's second device to decrypt Alice's message");
  assert.equal(onSecond.getContent().body, "For both of Bob's devices");
});

// The new device fetches the missing room key per session (GET /room_keys/keys/{roomId}/{sessionId}); about half of
// all session ids contain '/', sent as %2F, which the server once failed to decode (404, so never decrypted).
test("Bob verifies his new device with emoji (SAS over to-device); it is cross-signed, gets the backup key as a secret and decrypts his history", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  const version = await crossSigningAndBackup(bob);
  const roomId = await encryptedRoomWith(alice, bob);
  const { event_id: earlier } = await alice.client.sendTextMessage(roomId, "History for Bob's verified devices");
  const onFirst = await decryptedEvent(bob.client, roomId, earlier, "Bob's first device to decrypt the message");
  await backedUp(bob.client, version, roomId, onFirst.getWireContent().session_id);

  const second = await newDevice(t, bob.userId);
  await undecryptableEvent(second.client, roomId, earlier, "the new device to see a message it has no key for");

  // The new device asks Bob's other devices to verify it, as Element does after a login. The first device must know
  // the new device's keys by then: the Rust crypto drops a request from a device it cannot look up ("Could not
  // retrieve the device data for the incoming verification request"), and the request can arrive in the same sync as
  // the device list change that makes it query them.
  await deviceStatus(bob.client, bob.userId, second.deviceId, () => true, "Bob's first device to learn of the new device's keys");
  const clients = [bob.client, second.client];
  const incoming = nextEvent(bob.client, CryptoEvent.VerificationRequestReceived);
  const backupKey = nextEvent(second.client, CryptoEvent.KeyBackupDecryptionKeyCached);
  const outgoing = await within(second.client.getCrypto().requestOwnUserVerification(), "the new device to send its request", clients);
  const [received] = await within(incoming, "the first device to receive the verification request", clients);
  assert.equal(received.otherDeviceId, second.deviceId);
  await received.accept();
  await waitUntil(outgoing, [VerificationRequestEvent.Change], () => outgoing.phase === VerificationPhase.Ready, "the request to be ready", cryptoTimeoutMs);

  const verifierOfNew = await within(outgoing.startVerification("m.sas.v1"), "the new device to start SAS", clients);
  await waitUntil(received, [VerificationRequestEvent.Change], () => received.verifier, "the first device's verifier", cryptoTimeoutMs);
  const verifierOfFirst = received.verifier;
  const [showsOnNew, showsOnFirst] = [nextEvent(verifierOfNew, VerifierEvent.ShowSas), nextEvent(verifierOfFirst, VerifierEvent.ShowSas)];
  const done = Promise.all([verifierOfNew.verify(), verifierOfFirst.verify()]);
  const [[sasOnNew], [sasOnFirst]] = await within(Promise.all([showsOnNew, showsOnFirst]), "both devices to show the emoji", clients);
  assert.equal(sasOnNew.sas.emoji.length, 7, "seven emoji are shown");
  assert.deepEqual(sasOnNew.sas.emoji, sasOnFirst.sas.emoji, "both devices show the same emoji");
  await within(Promise.all([sasOnNew.confirm(), sasOnFirst.confirm()]), "both confirmations to be sent", clients);
  await within(done, "both verifiers to finish", clients);
  await Promise.all([outgoing, received].map((request) => waitUntil(request, [VerificationRequestEvent.Change],
    () => request.phase === VerificationPhase.Done, "both sides of the request to be done", cryptoTimeoutMs)));

  // Verifying with a device that holds the cross-signing keys signs the new device and makes it trust Bob's identity.
  await deviceStatus(bob.client, bob.userId, second.deviceId, (s) => s.crossSigningVerified, "the first device to see the new device cross-signed");
  await deviceStatus(second.client, bob.userId, second.deviceId, (s) => s.crossSigningVerified, "the new device to see itself cross-signed by an identity it trusts");
  await deviceStatus(alice.client, bob.userId, second.deviceId, (s) => s.signedByOwner, "Alice to see Bob's new device signed by him");

  // The verified device asks for Bob's secrets (m.secret.request), gets the backup key (m.secret.send), trusts the
  // backup signed by Bob's identity and fetches the missing room key from it.
  const [secretVersion] = await within(backupKey, "the new device to receive the backup key as a secret", clients);
  assert.equal(secretVersion, version, "the backup key received as a secret is for Bob's backup");
  assert.equal(await activeBackup(second.client, "the new device to trust Bob's backup"), version);
  const history = await decryptedEvent(second.client, roomId, earlier, "the new device to decrypt the earlier message");
  assert.equal(history.getContent().body, "History for Bob's verified devices");
});

test("A deleted device disappears from Alice's view of Bob and gets no room key for her next message", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  const roomId = await encryptedRoomWith(alice, bob);
  const second = await newDevice(t, bob.userId);
  await knownDevices(alice.client, bob.userId, (ids) => ids.includes(second.deviceId), "Alice to learn of Bob's second device");

  const { event_id: before } = await alice.client.sendTextMessage(roomId, "Both of Bob's devices can read this");
  await decryptedEvent(second.client, roomId, before, "the second device to decrypt Alice's first message");

  // Bob removes the device from his first one (UIA with his password), as from Element's session list.
  await passwordAuth(bob.userId, password)((auth) => bob.client.deleteDevice(second.deviceId, auth ?? undefined));
  const remaining = await knownDevices(alice.client, bob.userId, (ids) => !ids.includes(second.deviceId), "Alice to see the device gone");
  assert.deepEqual(remaining, [bob.credentials.device_id]);

  // Alice's client rotates the room key when a recipient device goes away; only Bob's remaining device gets the new one.
  const { event_id: after } = await alice.client.sendTextMessage(roomId, "Only Bob's remaining device can read this");
  const onFirst = await decryptedEvent(bob.client, roomId, after, "Bob's remaining device to decrypt Alice's next message");
  assert.equal(onFirst.getContent().body, "Only Bob's remaining device can read this");
  const sessionOf = async (eventId) => (await decryptedEvent(bob.client, roomId, eventId, "")).getWireContent().session_id;
  assert.notEqual(await sessionOf(after), await sessionOf(before), "a new Megolm session after the device was deleted");
});

test("Bob resets his cross-signing identity: Alice's client notices the new master key", { timeout: 300_000 }, async (t) => {
  const alice = await registeredUser(t, "alice");
  const bob = await registeredUser(t, "bob");
  await encryptedRoomWith(alice, bob);
  const bobCrypto = bob.client.getCrypto();
  const aliceCrypto = alice.client.getCrypto();

  await bobCrypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(bob.userId, password) });
  const firstMaster = await bobCrypto.getCrossSigningKeyId();
  await hasCrossSigningKeys(alice.client, bob.userId, "Alice to see Bob's cross-signing keys");
  const pinned = await aliceCrypto.getUserVerificationStatus(bob.userId);
  assert.equal(pinned.needsUserApproval, false, "the first identity Alice sees is trusted on first use");
  // Bob's own client must have read back his first identity before he replaces it (see keyQueriesSettled).
  await deviceStatus(bob.client, bob.userId, bob.credentials.device_id, (s) => s.crossSigningVerified, "Bob's device to be signed by his first identity");
  await keyQueriesSettled(bob.client, "Bob's client to have no device key query under way");

  // Replacing a master key needs UIA again (Client-Server API, "Cross-signing": POST /keys/device_signing/upload).
  await bobCrypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(bob.userId, password) });
  const secondMaster = await bobCrypto.getCrossSigningKeyId();
  assert.ok(firstMaster && secondMaster, `Bob's device holds the private master key of each identity: ${firstMaster}, ${secondMaster}`);
  assert.notEqual(secondMaster, firstMaster, "Bob has a new master key");
  await cryptoState(alice.client, trustUpdates, async () => (await aliceCrypto.getUserVerificationStatus(bob.userId)).needsUserApproval,
    "Alice's client to flag Bob's changed identity");
  await deviceStatus(bob.client, bob.userId, bob.credentials.device_id, (s) => s.crossSigningVerified, "Bob's device to be signed by his new identity");
});
