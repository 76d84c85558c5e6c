using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.AccountData;

/// <summary>
/// "Ignoring Users": the users in the <c>ignored_users</c> of a user's <c>m.ignored_user_list</c> account data. Their
/// events other than state events are not sent to the user, nor their invites. Read afresh for every request, so a
/// change to the list applies to the next sync, and events missed while someone was ignored stay missed.
/// </summary>
public sealed class IgnoredUsers(AccountDataStore store)
{
    public const string Type = "m.ignored_user_list";

    public async Task<IReadOnlySet<string>> OfAsync(string userId, CancellationToken ct)
    {
        var content = await store.GetAsync(userId, AccountDataStore.Global, Type, ct);
        if (content?["ignored_users"] is not System.Text.Json.Nodes.JsonObject ignored || ignored.Count == 0) return Empty;
        return ignored.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether an event of <paramref name="sender"/> is hidden: a non-state event of an ignored user.</summary>
    public static bool Hides(IReadOnlySet<string> ignored, string sender, string? stateKey) =>
        stateKey is null && ignored.Contains(sender);

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();
}
