using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Messenger.Homeserver.Storage;

/// <summary>
/// Full-text queries over <see cref="EventSearchSchema"/>'s index. Which events a user may find is passed in as stream
/// windows per room (<see cref="SearchWindow"/>), joined in SQL as a <c>VALUES</c> list, so ranking, paging and the
/// count all see only those events. SQLite matches every term as a prefix (after <see cref="SearchTerms"/> trims
/// Russian endings, since FTS5 has no Russian stemmer); PostgreSQL parses the term as a web search under the
/// <c>russian</c> configuration, which stems Cyrillic words with the Russian and Latin ones with the English stemmer.
/// </summary>
public sealed class EventSearchStore(HomeserverDbContext db)
{
    /// <summary>Marks around highlighted words in <see cref="SearchHit.Highlighted"/>.</summary>
    public const string HighlightStart = "[[[", HighlightEnd = "]]]";

    public async Task<List<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var postgres = db is PostgresHomeserverDbContext;
        var match = postgres ? query.Term.ToLowerInvariant() : SearchTerms.ToFts5Query(query.Term);
        if (match.Length == 0 || query.Windows.Count == 0) return [];
        var sql = new StringBuilder();
        await using var command = await CommandAsync(ct);
        AppendWindows(sql, command, query.Windows);
        if (postgres)
        {
            sql.Append($"""
                , q AS (SELECT websearch_to_tsquery('russian', @term) AS query)
                SELECT s.event_id, s.room_id, s.stream_ordering, ts_rank_cd(s.vector, q.query) AS score,
                       ts_headline('russian', s.value, q.query, 'StartSel={HighlightStart}, StopSel={HighlightEnd}, HighlightAll=true')
                FROM event_search s CROSS JOIN q JOIN w ON w.room_id = s.room_id AND s.stream_ordering BETWEEN w.lo AND w.hi
                WHERE s.vector @@ q.query
                """);
        }
        else
        {
            sql.Append($"""
                SELECT event_search.event_id, event_search.room_id, event_search.rowid, -bm25(event_search) AS score,
                       highlight(event_search, 0, '{HighlightStart}', '{HighlightEnd}')
                FROM event_search JOIN w ON w.room_id = event_search.room_id AND event_search.rowid BETWEEN w.lo AND w.hi
                WHERE event_search MATCH @term
                """);
        }
        Add(command, "term", match);
        AppendConditions(sql, command, query, postgres ? "s" : "event_search", postgres ? "stream_ordering" : "rowid");
        sql.Append(query.ByRank ? " ORDER BY score DESC, 3 DESC" : " ORDER BY 3 DESC");
        sql.Append(CultureInfo.InvariantCulture, $" LIMIT {query.Limit} OFFSET {query.Offset}");
        command.CommandText = sql.ToString();

        var hits = new List<SearchHit>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture), reader.GetString(4)));
        return hits;
    }

    /// <summary>How many events match in all (the response's <c>count</c>).</summary>
    public async Task<int> CountAsync(SearchQuery query, CancellationToken ct)
    {
        var postgres = db is PostgresHomeserverDbContext;
        var match = postgres ? query.Term.ToLowerInvariant() : SearchTerms.ToFts5Query(query.Term);
        if (match.Length == 0 || query.Windows.Count == 0) return 0;
        var sql = new StringBuilder();
        await using var command = await CommandAsync(ct);
        AppendWindows(sql, command, query.Windows);
        sql.Append(postgres
            ? """
              SELECT count(*) FROM event_search s JOIN w ON w.room_id = s.room_id AND s.stream_ordering BETWEEN w.lo AND w.hi
              WHERE s.vector @@ websearch_to_tsquery('russian', @term)
              """
            : """
              SELECT count(*) FROM event_search JOIN w ON w.room_id = event_search.room_id AND event_search.rowid BETWEEN w.lo AND w.hi
              WHERE event_search MATCH @term
              """);
        Add(command, "term", match);
        AppendConditions(sql, command, query with { Before = null }, postgres ? "s" : "event_search", postgres ? "stream_ordering" : "rowid");
        command.CommandText = sql.ToString();
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private async Task<DbCommand> CommandAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static void AppendWindows(StringBuilder sql, DbCommand command, IReadOnlyList<SearchWindow> windows)
    {
        sql.Append("WITH w(room_id, lo, hi) AS (VALUES ");
        for (var i = 0; i < windows.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(CultureInfo.InvariantCulture, $"(@r{i}, CAST(@l{i} AS bigint), CAST(@h{i} AS bigint))");
            Add(command, "r" + i, windows[i].RoomId);
            Add(command, "l" + i, windows[i].From);
            Add(command, "h" + i, windows[i].To);
        }
        sql.Append(')');
    }

    private static void AppendConditions(StringBuilder sql, DbCommand command, SearchQuery query, string table, string position)
    {
        AppendIn(sql, command, $"{table}.key", "k", query.Keys, negate: false);
        if (query.Senders is { } senders) AppendIn(sql, command, $"{table}.sender", "s", senders, negate: false);
        if (query.NotSenders.Count > 0) AppendIn(sql, command, $"{table}.sender", "ns", query.NotSenders, negate: true);
        if (query.IgnoredSenders is { Count: > 0 } ignored)
        {
            // "Ignoring Users": their messages are hidden; their state events (names, topics) are not.
            sql.Append(CultureInfo.InvariantCulture, $" AND NOT ({table}.key = 'content.body'");
            AppendIn(sql, command, $"{table}.sender", "ig", ignored, negate: false);
            sql.Append(')');
        }
        if (query.Before is { } before)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {table}.{position} < @before");
            Add(command, "before", before);
        }
    }

    private static void AppendIn(StringBuilder sql, DbCommand command, string column, string prefix, IReadOnlyList<string> values, bool negate)
    {
        if (values.Count == 0)
        {
            if (!negate) sql.Append(" AND 1 = 0");
            return;
        }
        sql.Append(CultureInfo.InvariantCulture, $" AND {column} {(negate ? "NOT IN" : "IN")} (");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(CultureInfo.InvariantCulture, $"@{prefix}{i}");
            Add(command, prefix + i, values[i]);
        }
        sql.Append(')');
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>Stream positions <see cref="From"/>..<see cref="To"/> (inclusive) of a room whose events a searcher may see.</summary>
public sealed record SearchWindow(string RoomId, long From, long To);

/// <summary>One full-text search: term, where, which keys and senders, order and page.</summary>
public sealed record SearchQuery(
    string Term,
    IReadOnlyList<SearchWindow> Windows,
    IReadOnlyList<string> Keys,
    IReadOnlyList<string>? Senders,
    IReadOnlyList<string> NotSenders,
    bool ByRank,
    int Limit,
    int Offset,
    long? Before,
    IReadOnlyList<string>? IgnoredSenders = null);

/// <summary>A matching event: its rank (higher is closer) and its text with matched words between highlight marks.</summary>
public sealed record SearchHit(string EventId, string RoomId, long StreamOrdering, double Rank, string Highlighted);
