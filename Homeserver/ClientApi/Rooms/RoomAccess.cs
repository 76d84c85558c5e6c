using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Who may use a room through the room APIs. Writing and most reads need current membership; reading history
/// (<see cref="RequireReadableAsync"/>) is open to former members up to their leave and to anyone in a world-readable
/// room ("Room History Visibility"), each event then passing <see cref="HistoryVisibilityFilter"/>. An unknown room is
/// <c>M_NOT_FOUND</c>, a room the user may not read <c>M_FORBIDDEN</c>.
/// </summary>
public sealed class RoomAccess(RoomEventPipeline pipeline, RoomStore rooms, HistoryVisibilityFilter visibility)
{
    /// <summary>The events of <paramref name="events"/> the user may see; see <see cref="HistoryVisibilityFilter"/>.</summary>
    public Task<List<Storage.Rows.EventRow>> VisibleAsync(string userId, RoomReadView view, IReadOnlyList<Storage.Rows.EventRow> events, CancellationToken ct) =>
        visibility.VisibleAsync(userId, view, events, ct);

    /// <summary>Whether the user may see one event (within their read window, and by history visibility).</summary>
    public Task<bool> IsVisibleAsync(string userId, RoomReadView view, Storage.Rows.EventRow e, CancellationToken ct) =>
        visibility.IsVisibleAsync(userId, view, e, ct);

    public async Task<RoomSnapshot> RequireJoinedAsync(string roomId, string userId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        if (await rooms.MembershipAsync(roomId, userId, ct) != Membership.Join) throw MatrixError.Forbidden("You are not in this room");
        return snapshot;
    }

    /// <summary>
    /// Read access to the room's history: a member up to now; a user who left, was kicked or banned up to that
    /// membership event; anyone else only when the room is currently world-readable (as Synapse lets them peek).
    /// </summary>
    public async Task<RoomReadView> RequireReadableAsync(string roomId, string userId, CancellationToken ct)
    {
        var snapshot = await pipeline.SnapshotAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");
        var membership = snapshot.StateEventId(EventTypes.Member, userId) is { } id ? await rooms.EventRowAsync(id, ct) : null;
        switch (membership?.Membership)
        {
            case Membership.Join:
                return new RoomReadView(snapshot, Membership.Join, membership.StreamOrdering, null, null);
            case Membership.Leave or Membership.Ban:
                return new RoomReadView(snapshot, membership.Membership, null, membership.StreamOrdering, membership.StateGroupAfter);
        }
        if (await CurrentVisibilityAsync(snapshot, ct) == HistoryVisibility.WorldReadable)
            return new RoomReadView(snapshot, membership?.Membership, null, null, null);
        throw MatrixError.Forbidden("You are not in this room");
    }

    private async Task<string?> CurrentVisibilityAsync(RoomSnapshot snapshot, CancellationToken ct) =>
        snapshot.StateEventId(EventTypes.HistoryVisibility) is { } id
        && (await pipeline.LoadEventAsync(id, snapshot.Version, ct)).Content["history_visibility"] is JsonValue v && v.TryGetValue<string>(out var value)
            ? value
            : null;
}
