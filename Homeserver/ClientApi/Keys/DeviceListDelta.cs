namespace Messenger.Homeserver.ClientApi.Keys;

/// <summary>The <c>device_lists</c> of a sync window, or the answer of <c>/keys/changes</c>.</summary>
public sealed record DeviceListDelta(IReadOnlyList<string> Changed, IReadOnlyList<string> Left);
