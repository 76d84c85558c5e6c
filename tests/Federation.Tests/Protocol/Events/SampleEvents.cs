using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>Valid events of any room version, signed by <c>origin.example</c>, to start format and signature cases from.</summary>
internal static class SampleEvents
{
    public const string Server = "origin.example";

    public static readonly ServerSigningKey Key = ServerSigningKey.FromSeed("k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static VerifyKeyLookup Keys => (server, keyId) =>
        server == Server && keyId == Key.KeyId ? new ServerVerifyKey(Key.VerifyKey) : null;

    public static string RoomIdFor(RoomVersion version) =>
        version.RoomIdFromCreateEvent ? "!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ" : "!room:origin.example";

    public static string EventIdFor(RoomVersion version, int n) => version.EventFormat switch
    {
        EventFormat.V1 => $"$ev{n}:origin.example",
        EventFormat.V2 => "$" + new string('A', 41) + "+" + n % 10,
        _ => "$" + new string('A', 41) + "-" + n % 10,
    };

    public static EventDraft Message(RoomVersion version, string body = "hello") => new()
    {
        Type = EventTypes.Message,
        Sender = "@alice:origin.example",
        RoomId = RoomIdFor(version),
        Content = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
        PrevEvents = [EventIdFor(version, 1)],
        AuthEvents = [EventIdFor(version, 2), EventIdFor(version, 3)],
        Depth = 12,
        OriginServerTs = 1_700_000_000_000,
        EventIdOpaquePart = "msg1",
    };

    public static Pdu Build(EventDraft draft, RoomVersion version)
    {
        var built = PduBuilder.Build(draft, version, Server, Key);
        return built.IsSuccess ? built.Value : throw new InvalidOperationException(built.Error);
    }

    /// <summary>The built event's JSON, as a remote server would send it, for mutating into a bad one.</summary>
    public static JsonObject MessageJson(RoomVersion version) => (JsonObject)Build(Message(version), version).Json.DeepClone();
}
