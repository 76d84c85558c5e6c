using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage.Rows;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Reads of event relationships (columns filled by <see cref="EventPersister"/> from <c>m.relates_to</c>): children
/// of a parent, the figures of bundled aggregations, thread roots, and the event nearest a timestamp. A redacted
/// child is never counted: redaction strips <c>m.relates_to</c>, which breaks the relationship
/// ("Aggregations of child events").
/// </summary>
public sealed class RelationsStore(HomeserverDbContext db)
{
    /// <summary>The relationship types the server bundles: edits, threads, references (annotations are left to clients since v1.7).</summary>
    public static readonly string[] AggregatedTypes = [EventRelation.Replace, EventRelation.Thread, EventRelation.Reference];

    /// <summary>Live children of any of <paramref name="parentIds"/> in the room, optionally of one rel_type and event type.</summary>
    private IQueryable<EventRow> Children(string roomId, IReadOnlyCollection<string> parentIds, string? relType, string? eventType)
    {
        var query = db.Events.AsNoTracking().Where(e => e.RoomId == roomId && e.RelatesToId != null && parentIds.Contains(e.RelatesToId) && e.RedactedBy == null && e.Kind == EventKind.Timeline);
        if (relType is not null) query = query.Where(e => e.RelType == relType);
        if (eventType is not null) query = query.Where(e => e.Type == eventType);
        return query;
    }

    /// <summary>Ids of the live children of <paramref name="parentIds"/> (one level of a recursive relations walk).</summary>
    public Task<List<string>> ChildIdsAsync(string roomId, IReadOnlyCollection<string> parentIds, string? relType, string? eventType, long upTo, CancellationToken ct) =>
        Children(roomId, parentIds, relType, eventType).TagWith("RelationsStore.ChildIds")
            .Where(e => e.StreamOrdering <= upTo).Select(e => e.EventId).ToListAsync(ct);

    /// <summary>
    /// A page of children in topological order (depth, then stream position), strictly before/after the position
    /// (<paramref name="fromDepth"/>, <paramref name="fromStream"/>); with <paramref name="streamOnly"/> by stream position alone.
    /// </summary>
    public Task<List<EventRow>> ChildrenPageAsync(string roomId, IReadOnlyCollection<string> parentIds,
        string? relType, string? eventType, RelationsPosition from, bool backwards, int limit, long upTo, CancellationToken ct)
    {
        var query = Children(roomId, parentIds, relType, eventType).TagWith("RelationsStore.ChildrenPage").Where(e => e.StreamOrdering <= upTo);
        var (depth, stream) = (from.Depth, from.Stream);
        if (from.StreamOnly)
        {
            query = backwards
                ? query.Where(e => e.StreamOrdering < stream).OrderByDescending(e => e.StreamOrdering)
                : query.Where(e => e.StreamOrdering >= stream).OrderBy(e => e.StreamOrdering);
        }
        else
        {
            query = backwards
                ? query.Where(e => e.Depth < depth || (e.Depth == depth && e.StreamOrdering < stream)).OrderByDescending(e => e.Depth).ThenByDescending(e => e.StreamOrdering)
                : query.Where(e => e.Depth > depth || (e.Depth == depth && e.StreamOrdering >= stream)).OrderBy(e => e.Depth).ThenBy(e => e.StreamOrdering);
        }
        return query.Take(limit).ToListAsync(ct);
    }

    /// <summary>Which of <paramref name="parentIds"/> have live children of an aggregated type, and of which types.</summary>
    public Task<List<(string ParentId, string RelType)>> AggregatedKindsAsync(IReadOnlyCollection<string> parentIds, CancellationToken ct)
    {
        var ids = ParameterList.Of(parentIds);
        return db.Events.TagWith("RelationsStore.AggregatedKinds").AsNoTracking()
            .Where(e => e.RelatesToId != null && EF.Parameter(ids).Contains(e.RelatesToId) && e.RedactedBy == null && AggregatedTypes.Contains(e.RelType!))
            .Select(e => new ValueTuple<string, string>(e.RelatesToId!, e.RelType!)).Distinct().ToListAsync(ct);
    }

    /// <summary>
    /// For each parent: its newest edit by the same sender with the same type (newest by <c>origin_server_ts</c>, then
    /// the larger event id: "Server-side aggregation of m.replace relationships"), and its thread's size, newest event
    /// (topologically) and whether <paramref name="viewer"/> took part (sent the root or a thread event). One query.
    /// </summary>
    public Task<List<ParentAggregate>> AggregatesAsync(IReadOnlyCollection<string> parentIds, string? viewer, CancellationToken ct)
    {
        var ids = ParameterList.Of(parentIds);
        return db.Events.TagWith("RelationsStore.Aggregates").AsNoTracking().Where(p => EF.Parameter(ids).Contains(p.EventId)).Select(p => new ParentAggregate(
            p.EventId,
            db.Events.Where(c => c.RelatesToId == p.EventId && c.RelType == EventRelation.Replace && c.RedactedBy == null && c.RoomId == p.RoomId
                    && c.Sender == p.Sender && c.Type == p.Type && c.StateKey == null)
                .OrderByDescending(c => c.OriginServerTs).ThenByDescending(c => c.EventId).Select(c => c.EventId).FirstOrDefault(),
            db.Events.Count(c => c.RelatesToId == p.EventId && c.RelType == EventRelation.Thread && c.RedactedBy == null && c.RoomId == p.RoomId),
            db.Events.Where(c => c.RelatesToId == p.EventId && c.RelType == EventRelation.Thread && c.RedactedBy == null && c.RoomId == p.RoomId)
                .OrderByDescending(c => c.Depth).ThenByDescending(c => c.StreamOrdering).Select(c => c.EventId).FirstOrDefault(),
            viewer != null && (p.Sender == viewer || db.Events.Any(c => c.RelatesToId == p.EventId && c.RelType == EventRelation.Thread
                && c.RedactedBy == null && c.RoomId == p.RoomId && c.Sender == viewer))))
            .ToListAsync(ct);
    }

    /// <summary>All live edits of one event by its sender, for when the newest is not a valid replacement.</summary>
    public Task<List<EventRow>> EditsAsync(string parentId, string roomId, string sender, string type, CancellationToken ct) =>
        db.Events.TagWith("RelationsStore.Edits").AsNoTracking()
            .Where(c => c.RelatesToId == parentId && c.RelType == EventRelation.Replace && c.RedactedBy == null && c.RoomId == roomId
                && c.Sender == sender && c.Type == type && c.StateKey == null)
            .ToListAsync(ct);

    /// <summary>The JSON of a user's live annotations of one event with one event type (to refuse a duplicate key).</summary>
    public Task<List<string>> AnnotationsBySenderAsync(string parentId, string sender, string type, CancellationToken ct) =>
        db.Events.TagWith("RelationsStore.AnnotationsBySender").AsNoTracking()
            .Where(e => e.RelatesToId == parentId && e.RelType == EventRelation.Annotation && e.RedactedBy == null && e.Sender == sender && e.Type == type)
            .Select(e => e.Json).ToListAsync(ct);

    /// <summary>(parent, child, child's room) of the live <c>m.reference</c> children of <paramref name="parentIds"/>, oldest first.</summary>
    public Task<List<(string ParentId, string EventId, string RoomId)>> ReferencesAsync(IReadOnlyCollection<string> parentIds, CancellationToken ct)
    {
        var ids = ParameterList.Of(parentIds);
        return db.Events.TagWith("RelationsStore.References").AsNoTracking()
            .Where(e => e.RelatesToId != null && EF.Parameter(ids).Contains(e.RelatesToId) && e.RelType == EventRelation.Reference && e.RedactedBy == null)
            .OrderBy(e => e.StreamOrdering)
            .Select(e => new ValueTuple<string, string, string>(e.RelatesToId!, e.EventId, e.RoomId)).ToListAsync(ct);
    }

    /// <summary>
    /// A page of a room's thread roots, most recent activity first: each root with the stream position of its thread's
    /// newest live event, taking threads whose activity is before <paramref name="beforeStream"/>. With
    /// <paramref name="participant"/>, only threads that user started or wrote in.
    /// </summary>
    public Task<List<(EventRow Root, long Activity)>> ThreadsPageAsync(string roomId, string? participant, long beforeStream, int limit, long upTo, CancellationToken ct)
    {
        var threads = db.Events.AsNoTracking()
            .Where(c => c.RoomId == roomId && c.RelType == EventRelation.Thread && c.RedactedBy == null && c.StreamOrdering <= upTo && c.Kind == EventKind.Timeline)
            .GroupBy(c => c.RelatesToId!)
            .Select(g => new { RootId = g.Key, Activity = g.Max(c => c.StreamOrdering) })
            .Where(t => t.Activity < beforeStream);
        var roots = from t in threads
                    join root in db.Events.AsNoTracking() on t.RootId equals root.EventId
                    where root.RoomId == roomId
                    select new { Root = root, t.Activity };
        if (participant is not null)
        {
            roots = roots.Where(r => r.Root.Sender == participant || db.Events.Any(c => c.RelatesToId == r.Root.EventId && c.RelType == EventRelation.Thread
                && c.RedactedBy == null && c.RoomId == roomId && c.Sender == participant));
        }
        return roots.TagWith("RelationsStore.ThreadsPage").OrderByDescending(r => r.Activity).Take(limit)
            .Select(r => new ValueTuple<EventRow, long>(r.Root, r.Activity)).ToListAsync(ct);
    }

    /// <summary>
    /// The room's event closest to <paramref name="ts"/>: the first at or after it going forwards, the last at or before it
    /// going backwards (by <c>origin_server_ts</c>, ties by stream position). Null if none.
    /// </summary>
    public Task<EventRow?> NearestToTimestampAsync(string roomId, long ts, bool forwards, long upTo, CancellationToken ct)
    {
        var query = db.Events.TagWith("RelationsStore.NearestToTimestamp").AsNoTracking().Where(e => e.RoomId == roomId && e.StreamOrdering <= upTo && e.Kind == EventKind.Timeline);
        query = forwards
            ? query.Where(e => e.OriginServerTs >= ts).OrderBy(e => e.OriginServerTs).ThenBy(e => e.StreamOrdering)
            : query.Where(e => e.OriginServerTs <= ts).OrderByDescending(e => e.OriginServerTs).ThenByDescending(e => e.StreamOrdering);
        return query.FirstOrDefaultAsync(ct);
    }
}
