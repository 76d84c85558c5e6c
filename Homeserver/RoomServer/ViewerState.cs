namespace Messenger.Homeserver.RoomServer;

/// <summary>
/// What the history visibility rule reads from the room's state at one point: the visibility in force (already
/// defaulted, see <see cref="Federation.Protocol.Events.HistoryVisibility.Effective"/>) and the memberships the viewer
/// had there (one user: none or one; a server: one per user of it with a member event).
/// </summary>
public sealed record ViewerState(string Visibility, IReadOnlyList<string> Memberships);
