namespace Messenger.Homeserver.Storage;

/// <summary>Per parent event: its newest same-sender edit, and its thread's size, newest event and the viewer's part in it.</summary>
public sealed record ParentAggregate(string EventId, string? LatestEditId, int ThreadCount, string? LatestThreadEventId, bool ViewerParticipated);
