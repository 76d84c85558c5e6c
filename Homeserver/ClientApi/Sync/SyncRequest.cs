using Messenger.Homeserver.ClientApi.Filters;

namespace Messenger.Homeserver.ClientApi.Sync;

/// <summary>The parameters of <c>GET /sync</c> that shape the response.</summary>
public sealed record SyncRequest(SyncToken? Since, TimeSpan Timeout, bool FullState, SyncFilterDefinition Filter);
