// Dehydrated devices (MSC3814) as Element Web sets them up through matrix-js-sdk's Rust crypto: with cross-signing
// and secret storage in place, `startDehydration` stores an encrypted device on the server; room keys sent while the
// user has no device logged in reach it, and the next login rehydrates it and decrypts what was sent meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientEvent, RoomEvent } from "matrix-js-sdk";
import { anonymousClient, registerWithDummyFlow, uniqueUsername, waitUntil } from "./matrix.mjs";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { createEncryptedRoom, cryptoState, decryptedEvent, encryptingClient, nextEvent, passwordAuth, trustUpdates, within } from "./crypto.mjs";

const password = "correct horse battery staple";

/** Crypto callbacks that hand out the user's recovery key, as Element asks the user for it. */
function recoveryKeyCallbacks(holder) {
  return {
    getSecretStorageKey: async ({ keys }) => {
      const keyId = Object.keys(keys)[0];
      return holder.key ? [keyId, holder.key.privateKey] : null;
    },
  };
}

/** The device ids `client` knows for `userId`, once `check(ids)` holds (re-read after each device list update). */
function knownDevices(client, userId, check, description) {
  return cryptoState(client, trustUpdates, async () => {
    const ids = [...((await client.getCrypto().getUserDeviceInfo([userId])).get(userId)?.keys() ?? [])];
    return check(ids) ? ids : undefined;
  }, description);
}

test("Room keys sent while Bob has no device logged in reach his dehydrated device; his next login rehydrates it and decrypts", { timeout: 300_000 }, async (t) => {
  const aliceCredentials = await registerWithDummyFlow(uniqueUsername("alice"), password);
  const alice = await encryptingClient(t, aliceCredentials);
  const bobCredentials = await registerWithDummyFlow(uniqueUsername("bob"), password);
  const bobId = bobCredentials.user_id;
  const recovery = {};
  const bob = await encryptingClient(t, bobCredentials, { cryptoCallbacks: recoveryKeyCallbacks(recovery) });
  const bobCrypto = bob.getCrypto();

  assert.equal(await bobCrypto.isDehydrationSupported(), true, "the server offers MSC3814");
  recovery.key = await bobCrypto.createRecoveryKeyFromPassphrase();
  await bobCrypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(bobId, password) });
  await bobCrypto.bootstrapSecretStorage({ createSecretStorageKey: async () => recovery.key, setupNewSecretStorage: true, setupNewKeyBackup: false });
  const uploaded = nextEvent(bob, CryptoEvent.DehydratedDeviceUploaded);
  await within(bobCrypto.startDehydration({ createNewKey: true }), "Bob's client to start dehydration", [bob]);
  await within(uploaded, "Bob's client to upload a dehydrated device", [bob]);
  const dehydrated = await bob.http.authedRequest("GET", "/dehydrated_device", undefined, undefined, { prefix: "/_matrix/client/unstable/org.matrix.msc3814.v1" });
  assert.ok(dehydrated.device_id, "Bob's client stored a dehydrated device");

  const roomId = await createEncryptedRoom(alice, [bobId]);
  await waitUntil(bob, [ClientEvent.Room, RoomEvent.MyMembership], () => bob.getRoom(roomId)?.getMyMembership() === "invite", "Bob's invite");
  await bob.joinRoom(roomId);
  await waitUntil(alice, [ClientEvent.Sync, RoomEvent.Timeline], () => alice.getRoom(roomId)?.getMember(bobId)?.membership === "join", "Bob's join");
  await knownDevices(alice, bobId, (ids) => ids.includes(dehydrated.device_id), "Alice to know Bob's dehydrated device");

  // Bob logs out his only device; Alice writes while he has none.
  bob.stopClient();
  await bob.logout(true);
  const left = await knownDevices(alice, bobId, (ids) => !ids.includes(bobCredentials.device_id), "Alice to see Bob's logged-out device gone");
  assert.deepEqual(left, [dehydrated.device_id], "Alice encrypts for the dehydrated device only");
  const { event_id: whileAway } = await alice.sendTextMessage(roomId, "Sent while Bob had no device");

  const login = await anonymousClient().loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: bobId }, password });
  const bobAgain = await encryptingClient(t, login, { cryptoCallbacks: recoveryKeyCallbacks(recovery) });
  const crypto = bobAgain.getCrypto();
  // Element's "verify with recovery key": cross-signing keys come from secret storage, then dehydration starts,
  // rehydrating the stored device first.
  assert.equal(await crypto.userHasCrossSigningKeys(bobId, true), true, "the new device finds Bob's cross-signing keys");
  await crypto.bootstrapCrossSigning({});
  const progress = [];
  bobAgain.on(CryptoEvent.RehydrationProgress, (roomKeys, toDevice) => progress.push({ roomKeys, toDevice }));
  const rehydrated = new Promise((resolve, reject) => {
    bobAgain.once(CryptoEvent.RehydrationCompleted, resolve);
    bobAgain.once(CryptoEvent.RehydrationError, (message) => reject(new Error(`rehydration failed: ${message}`)));
  });
  await within(crypto.startDehydration(), "Bob's new device to start dehydration", [bobAgain]);
  await within(rehydrated, "Bob's new device to rehydrate the stored device", [bobAgain]);
  assert.ok(progress.at(-1)?.roomKeys >= 1, `the dehydrated device received Alice's room key: ${JSON.stringify(progress)}`);
  const decrypted = await decryptedEvent(bobAgain, roomId, whileAway, "Bob's new device to decrypt the message sent while he was away");
  assert.equal(decrypted.getContent().body, "Sent while Bob had no device");
});
