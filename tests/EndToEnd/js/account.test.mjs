// Account lifecycle driven by matrix-js-sdk, as a real client does it:
// register (UIA), log in, who am I, devices, log out (Client-Server API,
// "Account registration and management", "Login", "Device management").
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  anonymousClient,
  clientFor,
  expectMatrixError,
  registerWithDummyFlow,
  uniqueUsername,
} from "./matrix.mjs";

const password = "correct horse battery staple";

test("a new user registers through the UIA dummy flow, logs in, lists devices and logs out", async () => {
  const username = uniqueUsername("alice");
  const registered = await registerWithDummyFlow(username, password, {
    initial_device_display_name: "registration device",
  });
  assert.match(registered.user_id, new RegExp(`^@${username}:`), "user ID is built from the username");
  assert.ok(registered.access_token, "registration without inhibit_login returns an access token");
  assert.ok(registered.device_id, "registration without inhibit_login returns a device ID");

  const loggedIn = await anonymousClient().loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: username },
    password,
    initial_device_display_name: "laptop",
  });
  assert.equal(loggedIn.user_id, registered.user_id);
  assert.notEqual(loggedIn.device_id, registered.device_id, "each login is a new device");
  assert.notEqual(loggedIn.access_token, registered.access_token);

  const session = clientFor(loggedIn);
  const whoami = await session.whoami();
  assert.equal(whoami.user_id, registered.user_id);
  assert.equal(whoami.device_id, loggedIn.device_id);

  const { devices } = await session.getDevices();
  const byId = new Map(devices.map((device) => [device.device_id, device]));
  assert.equal(byId.get(loggedIn.device_id)?.display_name, "laptop", JSON.stringify(devices));
  assert.equal(byId.get(registered.device_id)?.display_name, "registration device", JSON.stringify(devices));

  await session.logout();
  await expectMatrixError(session.whoami(), 401, "M_UNKNOWN_TOKEN");

  // Logging out ends that one session only: the registration's device still works.
  const other = await clientFor(registered).whoami();
  assert.equal(other.device_id, registered.device_id);
});

test("registration with m.login.dummy already in the first request, without a session, succeeds", async () => {
  // matrix-nio and other clients skip the 401 round trip this way; Synapse accepts it.
  const username = uniqueUsername("nio");
  const registered = await anonymousClient().registerRequest({
    username,
    password,
    auth: { type: "m.login.dummy" },
  });
  assert.match(registered.user_id, new RegExp(`^@${username}:`));

  const whoami = await clientFor(registered).whoami();
  assert.equal(whoami.user_id, registered.user_id);
});

test("the legacy user field of m.login.password logs in too", async () => {
  const username = uniqueUsername("legacy");
  const registered = await registerWithDummyFlow(username, password);

  const client = anonymousClient();
  const loggedIn = await client.loginWithPassword(username, password);
  assert.equal(loggedIn.user_id, registered.user_id);
  assert.equal((await clientFor(loggedIn).whoami()).user_id, registered.user_id);
});

test("login with a wrong password is refused with 403 M_FORBIDDEN", async () => {
  const username = uniqueUsername("bob");
  await registerWithDummyFlow(username, password);

  await expectMatrixError(
    anonymousClient().loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: username },
      password: "not the password",
    }),
    403,
    "M_FORBIDDEN",
  );
});

test("registering a taken username fails with 400 M_USER_IN_USE before any UIA stage", async () => {
  const username = uniqueUsername("carol");
  assert.equal(await anonymousClient().isUsernameAvailable(username), true);
  await registerWithDummyFlow(username, password);

  // The spec: homeservers MUST check the username and return these codes before
  // performing User-Interactive Authentication.
  await expectMatrixError(
    anonymousClient().registerRequest({ username, password: "another password" }),
    400,
    "M_USER_IN_USE",
  );
  // The SDK maps GET /register/available's 400 M_USER_IN_USE to false (and rethrows any other error).
  assert.equal(await anonymousClient().isUsernameAvailable(username), false);
});
