using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// How far a user may read a room ("Room History Visibility"): a member reads up to now, a user who left or was
/// removed up to that event (<see cref="Cap"/>, with the state as it was then), anyone else only a world-readable room.
/// <see cref="JoinedAt"/> is where a member's current join happened: every event from there on is theirs to see.
/// </summary>
public sealed record RoomReadView(RoomSnapshot Snapshot, string? Membership, long? JoinedAt, long? Cap, long? StateGroupAtLeave)
{
    /// <summary>The last stream position the user may read, given the complete part of the stream.</summary>
    public long UpTo(long current) => Cap is { } cap ? Math.Min(cap, current) : current;
}
