using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// The requesting server's half of "Knocking upon a room" and "Leaving Rooms (Rejecting Invites)" for rooms this server
/// is not in: <c>make_knock</c>/<c>make_leave</c> at a resident server, our signed event back through
/// <c>send_knock</c>/<c>send_leave</c> (v2), and the result recorded out of band for the user's /sync. Servers are tried
/// in order; the first that works wins. A knock's <c>knock_room_state</c> is kept only where it checks out (format,
/// room, signatures). When no server can take a rejection, the invite is rejected here only (a leave event no other
/// server sees, as Synapse does), so a user is never stuck with an invite from a server that went away.
/// </summary>
public sealed class RemoteMemberships(IFederationClient client, OutOfBandMembershipStore store, ReceivedPduChecks checks, RoomServerContext context, RemoteInviter inviter)
    : IRemoteMemberships
{
    private static readonly string VersionQuery = string.Join("&", RoomVersions.All.Select(v => "ver=" + Uri.EscapeDataString(v.Id)));

    public Task<Pdu> CountersignInviteAsync(RoomSnapshot room, Pdu invite, CancellationToken ct) => inviter.CountersignAsync(room, invite, ct);

    public async Task KnockAsync(string roomId, string userId, JsonObject content, IReadOnlyList<string> servers, CancellationToken ct)
    {
        var failures = new List<FederationRequestException>();
        string? problem = null;
        foreach (var server in Candidates(servers, roomId))
        {
            try
            {
                var made = await client.GetJsonAsync(server, $"/_matrix/federation/v1/make_knock/{Escape(roomId)}/{Escape(userId)}?{VersionQuery}", ct);
                var knock = MembershipEventMaker.FromTemplate(made, roomId, userId, Membership.Knock, content, context);
                if (!knock.IsSuccess)
                {
                    problem = $"{server}: {knock.Error}";
                    continue;
                }
                var sent = await client.PutJsonAsync(server, $"/_matrix/federation/v1/send_knock/{Escape(roomId)}/{Escape(knock.Value.EventId)}",
                    knock.Value.Json.DeepClone().AsObject(), ct);
                var stripped = await CheckedStateAsync(sent["knock_room_state"] as JsonArray ?? [], knock.Value, ct);
                stripped.Insert(0, ClientEventFormatter.ToStrippedState(knock.Value.Json));
                await store.SetAsync(knock.Value, server, stripped, ct);
                return;
            }
            catch (FederationRequestException e)
            {
                failures.Add(e);
            }
        }
        if (failures.FirstOrDefault(f => f.Errcode == "M_INCOMPATIBLE_ROOM_VERSION") is not null)
            throw new MatrixException(MatrixErrorCode.IncompatibleRoomVersion, "The room's version is not supported by this server");
        if (failures.Any(f => f.Status == 403)) throw MatrixError.Forbidden("The room's servers refused the knock");
        throw MatrixError.NotFound(problem is null && failures.Count == 0 ? "No known servers for this room" : "Could not knock through any server");
    }

    public async Task<bool> TryLeaveOutOfBandAsync(string roomId, string userId, JsonObject content, CancellationToken ct)
    {
        var held = await store.FindAsync(roomId, userId, ct);
        if (held is null || held.Membership is not (Membership.Invite or Membership.Knock)) return false;
        foreach (var server in Candidates([held.Server], roomId))
        {
            try
            {
                var made = await client.GetJsonAsync(server, $"/_matrix/federation/v1/make_leave/{Escape(roomId)}/{Escape(userId)}", ct);
                var leave = MembershipEventMaker.FromTemplate(made, roomId, userId, Membership.Leave, content, context);
                if (!leave.IsSuccess) continue;
                await client.PutJsonAsync(server, $"/_matrix/federation/v2/send_leave/{Escape(roomId)}/{Escape(leave.Value.EventId)}",
                    leave.Value.Json.DeepClone().AsObject(), ct);
                await store.SetAsync(leave.Value, server, [], ct);
                return true;
            }
            catch (FederationRequestException)
            {
                // Try the next server, then fall back to leaving here only.
            }
        }
        await store.SetAsync(LocalLeave(held.EventId, held.RoomVersion, roomId, userId, content), held.Server, [], ct);
        return true;
    }

    public async Task<IReadOnlyList<string>> JoinServersAsync(string roomId, string userId, CancellationToken ct) =>
        await store.FindAsync(roomId, userId, ct) is { Membership: Membership.Invite or Membership.Knock } held ? [held.Server] : [];

    /// <summary>The given servers, then the room id's server (up to room version 11), never ourselves.</summary>
    private IEnumerable<string> Candidates(IReadOnlyList<string> servers, string roomId)
    {
        var colon = roomId.IndexOf(':');
        var all = colon > 0 ? servers.Append(roomId[(colon + 1)..]) : servers;
        return all.Where(s => s != context.ServerName).Distinct(StringComparer.Ordinal);
    }

    /// <summary><c>knock_room_state</c> as stripped state: entries that are not valid, signed events of the room are left out ("SHOULD be removed").</summary>
    private async Task<JsonArray> CheckedStateAsync(JsonArray state, Pdu knock, CancellationToken ct)
    {
        var entries = state.OfType<JsonObject>().Select(o => o.DeepClone().AsObject()).ToList();
        var valid = entries.Count == 0 ? [] : await checks.CheckAsync(entries, knock.RoomVersion, knock.RoomId, ct);
        return new JsonArray([.. valid.Where(c => c.Pdu is { IsState: true }).Select(c => (JsonNode)ClientEventFormatter.ToStrippedState(c.Pdu!.Json))]);
    }

    /// <summary>A leave that follows the invite or knock in our own records only (no resident server could be reached).</summary>
    private Pdu LocalLeave(string heldEventId, string versionId, string roomId, string userId, JsonObject content)
    {
        var version = RoomVersions.Find(versionId) ?? throw new InvalidOperationException($"unknown room version {versionId}");
        var leaveContent = content.DeepClone().AsObject();
        leaveContent["membership"] = Membership.Leave;
        var built = PduBuilder.Build(new EventDraft
        {
            Type = EventTypes.Member, Sender = userId, StateKey = userId, RoomId = roomId, Content = leaveContent,
            PrevEvents = [heldEventId], AuthEvents = [heldEventId], Depth = 1,
            OriginServerTs = context.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            EventIdOpaquePart = version.EventIdInEvent ? Guid.NewGuid().ToString("N") : null,
        }, version, context.ServerName, context.SigningKey);
        return built.IsSuccess ? built.Value : throw new InvalidOperationException(built.Error);
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
