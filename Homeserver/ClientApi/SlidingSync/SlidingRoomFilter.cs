namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// A list's <c>filters</c> (MSC4186 "SlidingRoomFilter"), all AND'd; a null field does not filter. Room types compare
/// the create event's <c>type</c>, null standing for rooms without one; <c>not_room_types</c> wins over <c>room_types</c>.
/// <c>is_dm</c> reads <c>m.direct</c> account data; <c>tags</c>/<c>not_tags</c> the rooms' <c>m.tag</c>.
/// </summary>
public sealed record SlidingRoomFilter(
    bool? IsDm,
    bool? IsEncrypted,
    bool? IsInvite,
    IReadOnlyList<string?>? RoomTypes,
    IReadOnlyList<string?>? NotRoomTypes,
    IReadOnlyList<string>? Spaces,
    IReadOnlyList<string>? Tags,
    IReadOnlyList<string>? NotTags)
{
    public static readonly SlidingRoomFilter None = new(null, null, null, null, null, null, null, null);

    public bool NeedsTags => Tags is not null || NotTags is not null;

    /// <summary>Whether answering needs the rooms' state (encryption, create type, space children).</summary>
    public bool NeedsRoomState => IsEncrypted is not null || RoomTypes is not null || NotRoomTypes is not null;

    public bool Allows(SlidingRoomFacts room)
    {
        if (IsDm is { } dm && room.IsDm != dm) return false;
        if (IsInvite is { } invite && room.IsInvite != invite) return false;
        if (IsEncrypted is { } encrypted && room.IsEncrypted != encrypted) return false;
        if (NotRoomTypes is not null && NotRoomTypes.Contains(room.RoomType)) return false;
        if (RoomTypes is not null && !RoomTypes.Contains(room.RoomType)) return false;
        if (Spaces is not null && !room.InSpaces.Overlaps(Spaces)) return false;
        // not_tags wins over tags.
        if (NotTags is not null && room.Tags.Overlaps(NotTags)) return false;
        if (Tags is not null && !room.Tags.Overlaps(Tags)) return false;
        return true;
    }
}

/// <summary>What the list filters ask of one room.</summary>
public sealed record SlidingRoomFacts(bool IsDm, bool IsInvite, bool IsEncrypted, string? RoomType, IReadOnlySet<string> InSpaces, IReadOnlySet<string> Tags);
