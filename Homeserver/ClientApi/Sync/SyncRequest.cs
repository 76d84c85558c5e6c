using Messenger.Homeserver.ClientApi.Filters;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>The parameters of <c>GET /sync</c> that shape the response.</summary>
/// <c>SetPresence</c>: the <c>set_presence</c> parameter (online, the default; unavailable; offline: the sync does not change presence).
public sealed record SyncRequest(SyncToken? Since, TimeSpan Timeout, bool FullState, SyncFilterDefinition Filter, string SetPresence = "online");
