using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Messenger.Federation;
using Messenger.Federation.Client;
using Messenger.Homeserver.ClientApi.Directories;

namespace Messenger.Homeserver.FederationApi;

/// <summary>
/// Children of a space that this server is not in ("Spaces": "federation is used to fill in the details"): the child's
/// <c>via</c> servers are asked in turn with <c>GET /_matrix/federation/v1/hierarchy/{roomId}</c> until one answers
/// with a <c>room</c> that is the one asked for; its summary (with <c>children_state</c>) is what the walker shows and
/// walks on. The walker then applies its own visibility rule to it. An answer is kept for <see cref="CacheFor"/>, as
/// Synapse keeps its federation hierarchy responses: clients page and re-open space views often, and each walk would
/// otherwise ask the same servers about the same rooms again.
/// </summary>
public sealed class FederationSpaceHierarchy(IFederationClient federation, FederationOptions options, TimeProvider time) : IRemoteSpaceHierarchy
{
    /// <summary>Servers asked per room at most, so a child naming many <c>via</c> servers cannot stall the walk.</summary>
    private const int MaxServersAsked = 3;

    /// <summary>How long a remote room's summary is reused (Synapse: 5 minutes).</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    /// <summary>Cached answers at most; past it expired ones are dropped, and all if none has expired.</summary>
    private const int MaxCached = 2000;

    private static readonly FederationCallOptions Call = new(MaxRetries: 0, Timeout: TimeSpan.FromSeconds(10));

    private readonly ConcurrentDictionary<(string RoomId, bool SuggestedOnly), (JsonObject Entry, DateTimeOffset Expires)> cache = new();

    public async Task<JsonObject?> GetRoomAsync(string roomId, IReadOnlyList<string> via, bool suggestedOnly, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue((roomId, suggestedOnly), out var hit) && hit.Expires > now) return (JsonObject)hit.Entry.DeepClone();
        var found = await AskAsync(roomId, via, suggestedOnly, ct);
        if (found is null) return null;
        if (cache.Count >= MaxCached)
        {
            foreach (var (key, value) in cache)
            {
                if (value.Expires <= now) cache.TryRemove(key, out _);
            }
            if (cache.Count >= MaxCached) cache.Clear();
        }
        cache[(roomId, suggestedOnly)] = ((JsonObject)found.DeepClone(), now + CacheFor);
        return found;
    }

    private async Task<JsonObject?> AskAsync(string roomId, IReadOnlyList<string> via, bool suggestedOnly, CancellationToken ct)
    {
        var path = $"/_matrix/federation/v1/hierarchy/{Uri.EscapeDataString(roomId)}?suggested_only={(suggestedOnly ? "true" : "false")}";
        foreach (var server in via.Where(s => s != options.ServerName).Distinct().Take(MaxServersAsked))
        {
            try
            {
                var response = await federation.GetJsonAsync(server, path, ct, Call);
                if (response["room"] is JsonObject room && room["room_id"] is JsonValue id && id.TryGetValue(out string? answered) && answered == roomId)
                {
                    var entry = (JsonObject)room.DeepClone();
                    if (entry["children_state"] is not JsonArray) entry["children_state"] = new JsonArray();
                    return entry;
                }
            }
            catch (FederationRequestException)
            {
                // Unreachable, or the room is unknown there (404): try the next server.
            }
        }
        return null;
    }
}
