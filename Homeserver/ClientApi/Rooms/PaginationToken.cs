using System.Globalization;

using Messenger.Homeserver.ClientApi.Sync;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// A position in a room's history for <c>/messages</c>, <c>/context</c> and <c>/relations</c>: the gap just before the
/// event at (depth, stream position) in topological order, written <c>t{depth}_{stream}</c>. A token is a point between
/// events, so walking backwards from it yields the events before the gap and walking forwards the events from it on
/// (the spec: <c>dir=f</c> returns events "starting at <c>from</c>"). A sync token (<c>s{stream}</c>) is accepted too,
/// meaning the gap just after that stream position, since clients pass <c>next_batch</c> and <c>prev_batch</c> alike.
/// </summary>
public readonly record struct PaginationToken(long Depth, long Stream)
{
    /// <summary>Orders after every event (start of a backwards walk).</summary>
    public static readonly PaginationToken End = new(long.MaxValue, long.MaxValue);

    /// <summary>Orders before every event (start of a forwards walk).</summary>
    public static readonly PaginationToken Start = new(long.MinValue, long.MinValue);

    /// <summary>A sync token only bounds the stream position; depth is then unconstrained.</summary>
    public bool StreamOnly => Depth == long.MaxValue && Stream != long.MaxValue;

    /// <summary>The gap just before an event: where a backwards page ends and a forwards walk would start with it.</summary>
    public static PaginationToken Before(long depth, long stream) => new(depth, stream);

    /// <summary>The gap just after an event: where a forwards page ends (stream positions are unique, so +1 is the next gap).</summary>
    public static PaginationToken After(long depth, long stream) => new(depth, stream + 1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"t{Depth}_{Stream}");

    public static bool TryParse(string? text, out PaginationToken token)
    {
        token = default;
        if (string.IsNullOrEmpty(text)) return false;
        if (text[0] == 't')
        {
            var parts = text[1..].Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var depth)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var stream))
            {
                token = new PaginationToken(depth, stream);
                return true;
            }
            return false;
        }
        if (SyncToken.TryParse(text, out var sync))
        {
            token = new PaginationToken(long.MaxValue, sync.Events + 1);
            return true;
        }
        return false;
    }
}
