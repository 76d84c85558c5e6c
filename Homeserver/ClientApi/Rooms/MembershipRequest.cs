namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>Body of the membership endpoints (join, leave, invite, kick, ban, unban).</summary>
public sealed record MembershipRequest(string? UserId, string? Reason);
