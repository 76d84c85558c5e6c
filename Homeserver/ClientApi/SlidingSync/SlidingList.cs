namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// A parsed list: the rooms passing <see cref="Filter"/>, sorted by recency, and of those the indexes inside any of
/// <see cref="Ranges"/> (inclusive; null: all of them).
/// </summary>
public sealed record SlidingList(string Name, RoomConfig Config, IReadOnlyList<(int Start, int End)>? Ranges, SlidingRoomFilter Filter)
{
    public bool InRange(int index) => Ranges is null || Ranges.Any(r => index >= r.Start && index <= r.End);
}
