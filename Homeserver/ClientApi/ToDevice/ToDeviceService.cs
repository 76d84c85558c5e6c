using System.Text;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
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
/// devices (a room key shared with 500 devices is one round trip), and the recipients' syncs wake. Only local recipients are served until
/// federation exists (remote ones are dropped). Each message's content is at most 64 KiB.
/// </summary>
public sealed partial class ToDeviceService(ToDeviceStore store, KeyStreamWriter writer, HomeserverConfig config, TimeProvider time, ILogger<ToDeviceService> logger)
{
    public const int MaxContentBytes = 65_536;
    private const string AllDevices = "*";

    public async Task SendAsync(Requester requester, string eventType, string txnId, JsonObject body, CancellationToken ct)
    {
        if (eventType.Length is 0 or > 255) throw MatrixError.InvalidParam("Event type must be 1 to 255 characters");
        if (body["messages"] is not JsonObject messages)
            throw body["messages"] is null ? MatrixError.MissingParam("messages") : MatrixError.BadJson("messages must be an object");

        var wanted = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (user, byDevice) in messages)
        {
            if (!UserId.TryParse(user, out var id)) throw MatrixError.InvalidParam($"messages: '{user}' is not a user id");
            if (byDevice is not JsonObject devices) throw MatrixError.BadJson($"messages.{user} must map device ids to contents");
            var contents = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (device, content) in devices)
            {
                if (content is not JsonObject) throw MatrixError.BadJson($"messages.{user}.{device} must be an object");
                var json = content.ToJsonString(StoredJson.Options);
                if (Encoding.UTF8.GetByteCount(json) > MaxContentBytes) throw MatrixError.TooLarge($"A to-device message is larger than {MaxContentBytes} bytes");
                contents[device] = json;
            }
            if (id.ServerName.Value != config.ServerName)
            {
                LogRemoteDropped(logger, id.ServerName.Value);
                continue;
            }
            wanted[user] = contents;
        }

        await writer.RunAsync(async write =>
        {
            var position = write.NextPosition();
            var txn = new ToDeviceTxnRow
            {
                UserId = requester.UserId, DeviceId = requester.DeviceId, TxnId = txnId, Position = position,
                CreatedTs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            if (!await store.TryAddTxnAsync(txn, ct) || wanted.Count == 0) return;
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
            await store.InsertMessagesAsync(position, requester.UserId, eventType, copies, ct);
        }, ct);
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Debug, Message = "To-device messages for {Server} dropped: federation is not available yet")]
    private static partial void LogRemoteDropped(ILogger logger, string server);
}
