using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Queues new local events for the other servers of their room in the events' own transaction (server-server API,
/// "Transactions"), so a crash neither loses nor repeats one: every server with a member joined once the event is in,
/// plus the target's server of a membership event (a kicked or leaving server hears of it). The room's joined members
/// come from <see cref="JoinedMembers"/> and are kept up to date through the batch; the federation sender is woken
/// after the commit only when something was queued, so a room of this server alone costs nothing more. The same queueing
/// relays a remote server's membership handshake event (<c>send_join</c>, <c>send_leave</c>, <c>send_knock</c>) as the
/// resident server must ("Joining Rooms": it "is responsible for sending the join event to the other servers in the
/// room"), in the received event's own transaction too (<see cref="BeginRelayAsync"/>), never back to its origin.
/// </summary>
public sealed class LocalEventFanout(JoinedMembers members, HomeserverConfig config)
{
    private readonly JoinedMembers members = members;
    private readonly string serverName = config.ServerName;
    private readonly Lock gate = new();
    private Action[] listeners = [];

    /// <summary>Calls <paramref name="listener"/> after each commit that queued events (the federation sender wakes).</summary>
    public void OnQueued(Action listener)
    {
        lock (gate) listeners = [.. listeners, listener];
    }

    /// <summary>Starts a batch of a room, inside the caller's transaction (the members read are those before the batch).</summary>
    public async Task<Batch> BeginAsync(HomeserverDbContext db, string roomId, CancellationToken ct) =>
        new(this, db, roomId, await JoinedAsync(db, roomId, ct), except: null);

    /// <summary>
    /// Starts the relay of received handshake events from <paramref name="origin"/>, inside the transaction that stores
    /// them: queued like local events but not for <paramref name="origin"/>. The joined members are not remembered after
    /// it (the receive path forgets them, as a state resolution may change any).
    /// </summary>
    public async Task<Batch> BeginRelayAsync(HomeserverDbContext db, string roomId, string origin, CancellationToken ct) =>
        new(this, db, roomId, await JoinedAsync(db, roomId, ct), except: origin);

    private Task<ImmutableHashSet<string>> JoinedAsync(HomeserverDbContext db, string roomId, CancellationToken ct) =>
        members.GetAsync(roomId, c => db.CurrentState.TagWith("LocalEventFanout.JoinedMembers").AsNoTracking()
            .Where(s => s.RoomId == roomId && s.Type == EventTypes.Member && s.Membership == Membership.Join)
            .Select(s => s.StateKey).ToListAsync(c), ct);

    private void Wake()
    {
        foreach (var listener in listeners) listener();
    }

    /// <summary>The events of one local batch, in order.</summary>
    public sealed class Batch(LocalEventFanout owner, HomeserverDbContext db, string roomId, ImmutableHashSet<string> joined, string? except)
    {
        private HashSet<string>? servers;
        private bool membersChanged;
        private bool queued;

        /// <summary>Stages the event's queue rows; the caller saves.</summary>
        public void Add(Pdu pdu, long position, long now)
        {
            string? targetServer = null;
            if (pdu.Type == EventTypes.Member && pdu.StateKey is { } target)
            {
                joined = pdu.Content["membership"] is JsonValue m && m.TryGetValue(out string? membership) && membership == Membership.Join
                    ? joined.Add(target) : joined.Remove(target);
                membersChanged = true;
                servers = null;
                targetServer = ServerOf(target);
            }
            servers ??= OtherServers();
            var destinations = targetServer is null || targetServer == owner.serverName || servers.Contains(targetServer) ? servers : [.. servers, targetServer];
            if (except is not null && destinations.Contains(except)) destinations = [.. destinations.Where(d => d != except)];
            foreach (var destination in destinations)
                db.FederationOutbox.Add(new FederationOutboxRow { Destination = destination, StreamOrdering = position, CreatedTs = now });
            queued |= destinations.Count > 0;
        }

        private HashSet<string> OtherServers()
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in joined)
            {
                if (ServerOf(member) is { } server && server != owner.serverName) result.Add(server);
            }
            return result;
        }

        /// <summary>After the commit: the room's members as the batch left them, and the sender woken if it has work.</summary>
        public void Committed()
        {
            if (membersChanged && except is null) owner.members.Set(roomId, joined);
            if (queued) owner.Wake();
        }

        private static string? ServerOf(string userId) => UserId.TryParse(userId, out var user) ? user.ServerName.Value : null;
    }
}
