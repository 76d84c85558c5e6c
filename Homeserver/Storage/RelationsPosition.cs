namespace Messenger.Homeserver.Storage;

/// <summary>A position in a room's topological order (see the pagination token of <c>/messages</c>); stream-only for sync tokens.</summary>
public readonly record struct RelationsPosition(long Depth, long Stream, bool StreamOnly);
