using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.RoomServer;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A federating test server turned malicious: builds PDUs for a room it is in, signed with its real key but never
/// stored by it (so the test can tamper with them), and pushes transactions straight to another server's
/// <c>PUT /send</c> with its real X-Matrix signature.
/// </summary>
public static class ForgedPdus
{
    /// <summary>A well-formed PDU on <paramref name="server"/>'s current extremities of the room, hashed and signed by it.</summary>
    public static async Task<JsonObject> BuildAsync(FederatingServer server, string roomId, string sender, string type, JsonObject content, string? stateKey = null)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<RoomServerContext>();
        var room = (await scope.ServiceProvider.GetRequiredService<RoomEventPipeline>().SnapshotAsync(roomId, CancellationToken.None))!;
        var authEvents = AuthEventSelector.Select(room.Version, type, sender, stateKey, content)
            .Select(key => room.State.GetValueOrDefault(key)).OfType<string>().ToList();
        var built = PduBuilder.Build(new EventDraft
        {
            Type = type, Sender = sender, StateKey = stateKey, Content = content, RoomId = roomId,
            PrevEvents = room.Extremities, AuthEvents = authEvents, Depth = room.MaxDepth + 1,
            OriginServerTs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            EventIdOpaquePart = room.Version.EventIdInEvent ? Guid.NewGuid().ToString("N") : null,
        }, room.Version, server.ServerName, context.SigningKey);
        Assert.True(built.IsSuccess, built.IsSuccess ? "" : built.Error);
        return built.Value.Json.DeepClone().AsObject();
    }

    /// <summary>Hashes and signs <paramref name="pdu"/> again as <paramref name="server"/> after a change; returns its event id.</summary>
    public static async Task<string> ResignAsync(FederatingServer server, string roomId, JsonObject pdu)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<RoomServerContext>();
        var version = (await scope.ServiceProvider.GetRequiredService<RoomEventPipeline>().SnapshotAsync(roomId, CancellationToken.None))!.Version;
        pdu.Remove("signatures");
        pdu.Remove("hashes");
        EventSigning.HashAndSign(pdu, version, server.ServerName, context.SigningKey);
        return EventIdOf(version, pdu);
    }

    /// <summary>The event id a receiving server computes for the PDU (v3+: its reference hash).</summary>
    public static async Task<string> EventIdAsync(FederatingServer server, string roomId, JsonObject pdu)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var version = (await scope.ServiceProvider.GetRequiredService<RoomEventPipeline>().SnapshotAsync(roomId, CancellationToken.None))!.Version;
        return EventIdOf(version, pdu);
    }

    private static string EventIdOf(Federation.Protocol.RoomVersions.RoomVersion version, JsonObject pdu)
    {
        var id = EventIds.Compute(pdu, version);
        Assert.True(id.IsSuccess);
        return id.Value;
    }

    /// <summary><c>PUT /send/{txnId}</c> from <paramref name="from"/> to <paramref name="to"/>; the answer's <c>pdus</c>. PDUs may be any JSON (a broken sender).</summary>
    public static async Task<JsonObject> SendAsync(FederatingServer from, FederatingServer to, JsonNode?[] pdus, JsonObject[]? edus = null)
    {
        var body = new JsonObject
        {
            ["origin"] = from.ServerName, ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray([.. pdus.Select(p => p?.DeepClone())]),
        };
        if (edus is not null) body["edus"] = new JsonArray([.. edus.Select(e => (JsonNode)e.DeepClone())]);
        var answer = await from.Services.GetRequiredService<IFederationClient>().PutJsonAsync(to.ServerName,
            "/_matrix/federation/v1/send/" + Guid.NewGuid().ToString("N"), body, CancellationToken.None, FederationCallOptions.NoRetry);
        return answer["pdus"]!.AsObject();
    }
}
