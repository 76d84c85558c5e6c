using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;

namespace Messenger.Federation.Endpoints;

/// <summary>
/// Answers of recent <c>PUT /send/{txnId}</c> by (origin, transaction id), so that a sender retrying a transaction
/// gets the same answer without it being processed again ("Transactions"). Processing is idempotent anyway (events
/// are stored once); this saves the work. Kept in memory for an hour.
/// </summary>
public sealed class TransactionResults
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public bool TryGet(string origin, string txnId, out JsonObject response) => cache.TryGetValue((origin, txnId), out response!);

    public void Set(string origin, string txnId, JsonObject response) =>
        cache.Set((origin, txnId), response, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
}
