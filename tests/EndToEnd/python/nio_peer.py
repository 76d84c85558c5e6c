"""A matrix-nio client (Olm/Megolm through libolm) driven line by line by an end-to-end test.

It runs nio's own sync loop (``sync_forever``: key upload, device queries, one-time key claims and to-device sends
as nio does them) against ``MESSENGER_BASE_URL``. It reads JSON commands on stdin, one a line, and writes JSON
events on stdout, one a line; nio's own logging goes to stderr.

Commands: {"cmd": "join", "room_id"}, {"cmd": "expect", "event_id"}, {"cmd": "send", "room_id", "body"},
{"cmd": "quit"}. Events: {"event": "ready", "user_id", "device_id"}, {"event": "joined", "room_id", "encrypted"},
{"event": "received", "event_id", "sender", "body", "decrypted"}, {"event": "sent", "event_id"},
{"event": "error", "message"}.
"""

import asyncio
import json
import os
import secrets
import sys
import tempfile
import time

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinError,
    MegolmEvent,
    RegisterResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

PASSWORD = "correct horse battery staple"
WAIT_SECONDS = 30


def emit(**event):
    print(json.dumps(event), flush=True)


class Peer:
    def __init__(self, client):
        self.client = client
        self.messages = {}  # event id -> RoomMessageText (decrypted or not)
        self.undecrypted = {}  # event id -> (room id, MegolmEvent) still waiting for its room key
        self.synced = asyncio.Event()
        client.add_event_callback(self.on_message, (RoomMessageText, MegolmEvent))
        client.add_response_callback(self.on_sync_done, SyncResponse)

    async def on_message(self, room, event):
        if isinstance(event, MegolmEvent):
            self.undecrypted[event.event_id] = (room.room_id, event)
        else:
            self.messages[event.event_id] = event

    async def on_sync_done(self, response):
        # A room key may arrive after the message it unlocks: try the waiting ones again after each sync.
        for event_id, (room_id, event) in list(self.undecrypted.items()):
            event.room_id = room_id
            try:
                decrypted = self.client.decrypt_event(event)
            except Exception:  # noqa: BLE001 - nio raises EncryptionError and others; retried next sync
                continue
            if isinstance(decrypted, RoomMessageText):
                del self.undecrypted[event_id]
                self.messages[event_id] = decrypted
        self.synced.set()

    async def until(self, check, what):
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {WAIT_SECONDS} s waiting for {what}")
            self.synced.clear()
            try:
                await asyncio.wait_for(self.synced.wait(), timeout=1)
            except asyncio.TimeoutError:
                pass

    async def join(self, room_id):
        response = await self.client.join(room_id)
        if isinstance(response, JoinError):
            raise RuntimeError(f"join failed: {response}")
        room = await self.until(lambda: self.client.rooms.get(room_id), f"the sync to show room {room_id}")
        emit(event="joined", room_id=room_id, encrypted=room.encrypted)

    async def expect(self, event_id):
        message = await self.until(lambda: self.messages.get(event_id), f"event {event_id}")
        emit(event="received", event_id=event_id, sender=message.sender, body=message.body, decrypted=message.decrypted)

    async def send(self, room_id, body):
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": body}, ignore_unverified_devices=True
        )
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"room_send failed: {response}")
        emit(event="sent", event_id=response.event_id)


async def read_commands():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if line.strip():
            yield json.loads(line)


async def main():
    base_url = os.environ["MESSENGER_BASE_URL"]
    store = tempfile.mkdtemp(prefix="nio-peer-")
    client = AsyncClient(base_url, store_path=store, config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False))
    try:
        registered = await client.register(f"nio-{int(time.time())}-{secrets.token_hex(4)}", PASSWORD, "nio peer")
        if not isinstance(registered, RegisterResponse):
            emit(event="error", message=f"registration failed: {registered}")
            return 1
        peer = Peer(client)
        syncing = asyncio.create_task(client.sync_forever(timeout=1000, full_state=True))
        await peer.until(lambda: client.olm and not client.should_upload_keys and peer.synced.is_set(), "nio's key upload")
        emit(event="ready", user_id=client.user_id, device_id=client.device_id)
        async for command in read_commands():
            try:
                name = command["cmd"]
                if name == "quit":
                    break
                if name == "join":
                    await peer.join(command["room_id"])
                elif name == "expect":
                    await peer.expect(command["event_id"])
                elif name == "send":
                    await peer.send(command["room_id"], command["body"])
                else:
                    emit(event="error", message=f"unknown command {name}")
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails with it
                emit(event="error", message=f"{type(error).__name__}: {error}")
            if syncing.done():
                emit(event="error", message=f"nio's sync loop ended: {syncing.exception()!r}")
                return 1
        syncing.cancel()
        return 0
    finally:
        await client.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
