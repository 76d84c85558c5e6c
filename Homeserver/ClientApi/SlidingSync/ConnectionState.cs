using System.Collections.Immutable;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// What one connection has told its client, as of one response: the stream position the response covered, where
/// to-device resumes, each room sent and what of it, and each list's count. Immutable: a retried request starts from
/// the same state, and the state a response leads to is stored under that response's <c>pos</c>.
/// </summary>
public sealed record ConnectionState(
    long Position,
    long ToDevicePosition,
    ImmutableDictionary<string, SentRoom> Rooms,
    ImmutableDictionary<string, int> ListCounts)
{
    public static readonly ConnectionState Fresh = new(0, 0, ImmutableDictionary<string, SentRoom>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal));
}

/// <summary>
/// A room as last sent on a connection: the stream position its data was complete up to, the user's membership then
/// (its event id, so a leave and rejoin is noticed), the config it was sent with (to notice a widened one) and, for
/// lazy-loaded members, which member event of each user the client holds; whether it was a DM then.
/// </summary>
public sealed record SentRoom(long At, string MembershipEventId, string Membership, RoomConfig Config, ImmutableDictionary<string, string> LazyMembers, bool IsDm);
