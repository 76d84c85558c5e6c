using System.Text.Json.Nodes;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Loads the bundled aggregations (<c>unsigned.m.relations</c>) of a page of events in a few queries whatever the page
/// size: one to learn which events have children at all (usually none), one for edits and threads, one for references,
/// one for the edit and latest thread events themselves. Rules: state events get none ("Aggregations of child events");
/// a redacted event gets no <c>m.replace</c>; an edit counts only with the same sender and type as the original, no
/// state key, an original that is not itself an edit, and <c>m.new_content</c> (unless encrypted: "Validity of
/// replacement events"). Ignored users are not filtered yet: the ignore list comes with account data (issue #5).
/// </summary>
public sealed class BundledAggregations(RelationsStore relations, RoomStore rooms)
{
    public async Task<Dictionary<string, EventAggregation>> LoadAsync(IReadOnlyList<EventRow> events, string? viewerUserId, CancellationToken ct)
    {
        var result = new Dictionary<string, EventAggregation>(StringComparer.Ordinal);
        var parents = events.Where(e => e.StateKey is null).GroupBy(e => e.EventId).ToDictionary(g => g.Key, g => g.First());
        if (parents.Count == 0) return result;
        var kinds = await relations.AggregatedKindsAsync(parents.Keys, ct);
        if (kinds.Count == 0) return result;

        var withEditsOrThreads = kinds.Where(k => k.RelType != EventRelation.Reference).Select(k => k.ParentId).Distinct().ToList();
        var aggregates = withEditsOrThreads.Count == 0 ? [] : await relations.AggregatesAsync(withEditsOrThreads, viewerUserId, ct);
        var referenced = kinds.Where(k => k.RelType == EventRelation.Reference).Select(k => k.ParentId).ToList();
        var references = referenced.Count == 0 ? [] : await relations.ReferencesAsync(referenced, ct);

        var nestedIds = aggregates.SelectMany(a => new[] { a.LatestEditId, a.LatestThreadEventId }).OfType<string>().Distinct().ToList();
        var nested = nestedIds.Count == 0 ? [] : (await rooms.EventRowsAsync(nestedIds, ct)).ToDictionary(r => r.EventId);
        var byParent = aggregates.ToDictionary(a => a.EventId);
        // A relationship across rooms is no relationship ("Forming relationships between events").
        var referencesByParent = references.Where(r => parents[r.ParentId].RoomId == r.RoomId).GroupBy(r => r.ParentId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.EventId).ToList());

        foreach (var (id, parent) in parents)
        {
            EventRow? edit = null;
            ThreadAggregation? thread = null;
            if (byParent.TryGetValue(id, out var aggregate))
            {
                if (aggregate.LatestEditId is { } editId && CanBeEdited(parent))
                {
                    edit = nested.GetValueOrDefault(editId);
                    if (edit is not null && !IsValidReplacement(edit)) edit = await NewestValidEditAsync(parent, ct);
                }
                if (aggregate.LatestThreadEventId is { } latestId && nested.TryGetValue(latestId, out var latest))
                    thread = new ThreadAggregation(aggregate.ThreadCount, latest, aggregate.ViewerParticipated);
            }
            var refs = referencesByParent.GetValueOrDefault(id);
            if (edit is not null || thread is not null || refs is not null) result[id] = new EventAggregation(edit, thread, refs);
        }
        return result;
    }

    /// <summary>"If the original event is redacted, any m.replace relationship should not be bundled"; an edit cannot be edited.</summary>
    private static bool CanBeEdited(EventRow original) =>
        original.RedactedBy is null && original.StateKey is null && original.RelType != EventRelation.Replace;

    /// <summary>The replacement carries <c>m.new_content</c>, except when encrypted: then it is inside the ciphertext.</summary>
    private static bool IsValidReplacement(EventRow edit) =>
        edit.Type == "m.room.encrypted" || JsonNode.Parse(edit.Json)?["content"]?["m.new_content"] is JsonObject;

    private async Task<EventRow?> NewestValidEditAsync(EventRow original, CancellationToken ct)
    {
        var edits = await relations.EditsAsync(original.EventId, original.RoomId, original.Sender, original.Type, ct);
        return edits.Where(IsValidReplacement)
            .OrderByDescending(e => e.OriginServerTs).ThenByDescending(e => e.EventId, StringComparer.Ordinal).FirstOrDefault();
    }
}
