namespace Messenger.Homeserver.ClientApi.SlidingSync;

// The request body of simplified sliding sync as Element X (matrix-rust-sdk) sends it to the unstable endpoint
// (MSC4186 before its "Changelog": ranges, required_state as [type, state_key] pairs, is_invite). Bound with the
// strict wire options: a value of the wrong type is M_BAD_JSON naming its path; unknown members are ignored.

/// <summary>The top-level request body. <c>pos</c> and <c>timeout</c> may also come here (later MSC revision).</summary>
public sealed record SlidingSyncBody(
    string? ConnId,
    string? TxnId,
    string? Pos,
    long? Timeout,
    Dictionary<string, SlidingListBody>? Lists,
    Dictionary<string, RoomConfigBody>? RoomSubscriptions,
    SlidingExtensionsBody? Extensions);

/// <summary>A list: which rooms (filters, then ranges into the recency-sorted result) and what of each (room config).</summary>
public sealed record SlidingListBody(
    List<List<long>>? Ranges,
    List<long>? Range,
    long? TimelineLimit,
    List<List<string>>? RequiredState,
    SlidingFilterBody? Filters);

/// <summary>A room config (of a subscription): how many timeline events and which state.</summary>
public sealed record RoomConfigBody(long? TimelineLimit, List<List<string>>? RequiredState);
