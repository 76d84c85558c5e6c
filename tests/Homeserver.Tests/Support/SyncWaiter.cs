using System.Text.Json.Nodes;

namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// Waits for something to reach a user's <c>/sync</c> the way a client does: long-polls from a token until a response
/// matches, so federation tests wait on delivery instead of sleeping.
/// </summary>
public static class SyncWaiter
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>The first sync response after <paramref name="since"/> that <paramref name="match"/> accepts.</summary>
    public static async Task<JsonObject> SyncUntilAsync(this HttpClient http, Session session, string? since, Func<JsonObject, bool> match,
        TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? DefaultPatience);
        while (true)
        {
            var sync = await http.SyncAsync(session, since, timeoutMs: 1000);
            if (match(sync)) return sync;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("sync never showed what the test waits for");
            since = (string)sync["next_batch"]!;
        }
    }

    /// <summary>
    /// The message bodies of <paramref name="roomId"/>'s timeline from <paramref name="since"/> on, collected over as many
    /// syncs as it takes until <paramref name="count"/> arrived (or the patience ran out, returning what came).
    /// </summary>
    public static async Task<List<string>> CollectBodiesAsync(this HttpClient http, Session session, string since, string roomId, int count,
        TimeSpan? patience = null)
    {
        var bodies = new List<string>();
        var deadline = DateTime.UtcNow + (patience ?? DefaultPatience);
        while (bodies.Count < count && DateTime.UtcNow < deadline)
        {
            var sync = await http.SyncAsync(session, since, timeoutMs: 1000);
            bodies.AddRange(sync.Timeline(roomId).Bodies());
            since = (string)sync["next_batch"]!;
        }
        return bodies;
    }
}
