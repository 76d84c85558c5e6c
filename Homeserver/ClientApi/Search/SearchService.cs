using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.AccountData;
using Messenger.Homeserver.ClientApi.Filters;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Search;

/// <summary>
/// <c>POST /search</c> ("Server Side Search"), category <c>room_events</c>: full-text matches among the events the user
/// may see (<see cref="SearchWindows"/>), ranked (<c>rank</c>) or newest first (<c>recent</c>), <c>filter.limit</c> per
/// page (default 10) with <c>next_batch</c>; <c>count</c>, <c>highlights</c> (the words the index matched, after
/// stemming), <c>event_context</c>, <c>include_state</c> and <c>groupings</c> by room or sender. Messages of ignored
/// users are not found ("Ignoring Users").
/// </summary>
public sealed class SearchService(EventSearchStore store, SearchWindows windows, SearchResults results, IgnoredUsers ignoredUsers)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public async Task<JsonObject> SearchAsync(Requester requester, JsonObject body, string? nextBatch, CancellationToken ct)
    {
        if (body["search_categories"] is not JsonObject categories)
            throw body["search_categories"] is null ? MatrixError.MissingParam("search_categories") : MatrixError.BadJson("search_categories must be an object");
        var answer = new JsonObject();
        if (categories["room_events"] is { } node)
        {
            if (node is not JsonObject roomEvents) throw MatrixError.BadJson("search_categories.room_events must be an object");
            answer["room_events"] = await RoomEventsAsync(requester, SearchCriteria.Parse(roomEvents), nextBatch, ct);
        }
        return new JsonObject { ["search_categories"] = answer };
    }

    private async Task<JsonObject> RoomEventsAsync(Requester requester, SearchCriteria criteria, string? nextBatch, CancellationToken ct)
    {
        var (offset, before) = ParseBatch(nextBatch, criteria.ByRank);
        var filter = criteria.Filter;
        var limit = Math.Clamp(filter.Limit ?? DefaultLimit, 1, MaxLimit);
        var keys = criteria.Keys.Where(k => AllowsType(filter, EventSearchIndex.TypeOfKey(k))).ToList();
        var visible = await windows.ForUserAsync(requester.UserId, filter, ct);
        var ignored = (await ignoredUsers.OfAsync(requester.UserId, ct)).ToList();
        var query = new SearchQuery(criteria.SearchTerm, visible, keys, filter.Senders, filter.NotSenders, criteria.ByRank, limit, offset, before, ignored);

        var hits = await store.SearchAsync(query, ct);
        var response = await results.BuildAsync(requester, criteria, hits, visible, ct);
        response["count"] = await store.CountAsync(query, ct);
        response["highlights"] = new JsonArray([.. Highlights(criteria.SearchTerm, hits).Select(h => JsonValue.Create(h))]);
        if (hits.Count == limit)
            response["next_batch"] = criteria.ByRank
                ? string.Create(CultureInfo.InvariantCulture, $"k{offset + hits.Count}")
                : string.Create(CultureInfo.InvariantCulture, $"r{hits[^1].StreamOrdering}");
        return response;
    }

    /// <summary>
    /// <c>k{offset}</c> continues a ranked walk, <c>r{position}</c> a newest-first one below that position; a token of
    /// the other order, or one this server did not issue, is 400 <c>M_INVALID_PARAM</c>.
    /// </summary>
    private static (int Offset, long? Before) ParseBatch(string? token, bool byRank)
    {
        if (token is null) return (0, null);
        if (byRank && token.StartsWith('k') && int.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return (offset, null);
        if (!byRank && token.StartsWith('r') && long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            return (0, position);
        throw MatrixError.InvalidParam("Invalid next_batch token");
    }

    private static bool AllowsType(RoomEventFilter filter, string type) =>
        !filter.NotTypes.Any(p => RoomEventFilter.Matches(p, type)) && (filter.Types is null || filter.Types.Any(p => RoomEventFilter.Matches(p, type)));

    /// <summary>The words the index marked in the results, lower-cased, then the words of the term itself.</summary>
    private static List<string> Highlights(string term, IEnumerable<SearchHit> hits)
    {
        var words = new List<string>();
        foreach (var hit in hits)
        {
            var text = hit.Highlighted;
            for (var start = text.IndexOf(EventSearchStore.HighlightStart, StringComparison.Ordinal); start >= 0;
                 start = text.IndexOf(EventSearchStore.HighlightStart, start + 1, StringComparison.Ordinal))
            {
                var from = start + EventSearchStore.HighlightStart.Length;
                var end = text.IndexOf(EventSearchStore.HighlightEnd, from, StringComparison.Ordinal);
                if (end < 0) break;
                words.AddRange(SearchTerms.Words(text[from..end]));
            }
        }
        words.AddRange(SearchTerms.Words(term));
        return words.Distinct(StringComparer.Ordinal).ToList();
    }
}
