using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Sending;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.ToDevice;

/// <summary>
/// <c>PUT /sendToDevice/{eventType}/{txnId}</c> ("Send-to-Device messaging"). A transaction id is used once per device:
/// a retry stores nothing again. <c>*</c> means every device of the user; a message to a named device wins over
/// <c>*</c> for that device. Each recipient device gets its own copy at the send's stream position, in one
/// transaction with the transaction id (recorded first: a retry stops there), inserted in one statement however many
/// devices (a room key shared with 500 devices is one round trip), and the recipients' syncs wake. Messages for users
/// of other servers leave after the commit as one <c>m.direct_to_device</c> EDU per server (Server-Server API
/// "Send-to-device messaging"), only on the first use of the transaction id. Each message's content is at most 64 KiB.
/// </summary>
public sealed class ToDeviceService(ToDeviceStore store, KeyStreamWriter writer, HomeserverConfig config, TimeProvider time, IFederationEduQueue edus)
{
    public const int MaxContentBytes = 65_536;
    public const string DirectToDeviceEdu = "m.direct_to_device";
    private const string AllDevices = "*";

    /// <summary>The device id under which the message ids of remote senders are recorded: no local device has it.</summary>
    private const string RemoteSenderDevice = "";

    public async Task SendAsync(Requester requester, string eventType, string txnId, JsonObject body, CancellationToken ct)
    {
        if (eventType.Length is 0 or > 255) throw MatrixError.InvalidParam("Event type must be 1 to 255 characters");
        if (body["messages"] is not JsonObject messages)
            throw body["messages"] is null ? MatrixError.MissingParam("messages") : MatrixError.BadJson("messages must be an object");

        var wanted = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var remote = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (user, byDevice) in messages)
        {
            if (!UserId.TryParse(user, out var id)) throw MatrixError.InvalidParam($"messages: '{user}' is not a user id");
            if (byDevice is not JsonObject devices) throw MatrixError.BadJson($"messages.{user} must map device ids to contents");
            var contents = Contents(devices) ?? throw MatrixError.BadJson($"messages.{user}: each device's content must be an object");
            if (contents.Values.Any(json => Encoding.UTF8.GetByteCount(json) > MaxContentBytes))
                throw MatrixError.TooLarge($"A to-device message is larger than {MaxContentBytes} bytes");
            if (id.ServerName.Value == config.ServerName)
            {
                wanted[user] = contents;
                continue;
            }
            if (!remote.TryGetValue(id.ServerName.Value, out var forServer)) remote[id.ServerName.Value] = forServer = [];
            forServer[user] = devices.DeepClone();
        }

        if (!await StoreAsync(requester.UserId, requester.DeviceId, txnId, requester.UserId, eventType, wanted, ct)) return;
        foreach (var (server, forServer) in remote)
        {
            var content = new JsonObject
            {
                ["sender"] = requester.UserId,
                ["type"] = eventType,
                ["message_id"] = Guid.NewGuid().ToString("N"),
                ["messages"] = forServer,
            };
            await edus.EnqueueAsync([server], DirectToDeviceEdu, content, CancellationToken.None);
        }
    }

    /// <summary>
    /// Delivers an inbound <c>m.direct_to_device</c> EDU to local devices: the caller has checked that the sender
    /// belongs to the origin. The message id is recorded like a transaction id, so a repeated EDU stores nothing.
    /// Messages for users of other servers and malformed or oversized contents are left out.
    /// </summary>
    public async Task ReceiveAsync(string sender, string eventType, string messageId, JsonObject messages, CancellationToken ct)
    {
        var wanted = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (user, byDevice) in messages)
        {
            if (!UserId.TryParse(user, out var id) || id.ServerName.Value != config.ServerName || byDevice is not JsonObject devices) continue;
            if (Contents(devices) is not { } contents || contents.Values.Any(json => Encoding.UTF8.GetByteCount(json) > MaxContentBytes)) continue;
            wanted[user] = contents;
        }
        await StoreAsync(sender, RemoteSenderDevice, messageId, sender, eventType, wanted, ct);
    }

    /// <summary>Device id → canonical content JSON, or null when a content is not an object.</summary>
    private static Dictionary<string, string>? Contents(JsonObject devices)
    {
        var contents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (device, content) in devices)
        {
            if (content is not JsonObject) return null;
            contents[device] = content.ToJsonString(StoredJson.Options);
        }
        return contents;
    }

    /// <summary>Records the transaction id and stores each local copy; false when the id was used before (nothing stored).</summary>
    private async Task<bool> StoreAsync(string txnUser, string txnDevice, string txnId, string sender, string eventType,
        Dictionary<string, Dictionary<string, string>> wanted, CancellationToken ct) =>
        await writer.RunAsync(async write =>
        {
            var position = write.NextPosition();
            var txn = new ToDeviceTxnRow
            {
                UserId = txnUser, DeviceId = txnDevice, TxnId = txnId, Position = position,
                CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            if (!await store.TryAddTxnAsync(txn, ct)) return false;
            if (wanted.Count == 0) return true;
            var existing = (await store.DevicesOfAsync(wanted.Keys.ToList(), ct)).ToLookup(d => d.UserId, d => d.DeviceId);
            var copies = new List<(string UserId, string DeviceId, string ContentJson)>();
            foreach (var (user, contents) in wanted)
            {
                var before = copies.Count;
                foreach (var device in existing[user])
                {
                    var json = contents.GetValueOrDefault(device) ?? contents.GetValueOrDefault(AllDevices);
                    if (json is not null) copies.Add((user, device, json));
                }
                if (copies.Count > before) write.Wake(user);
            }
            await store.InsertMessagesAsync(position, sender, eventType, copies, ct);
            return true;
        }, ct);
}
