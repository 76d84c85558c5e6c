namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>The list filters; absent means "either". <c>is_invited</c> is the later spelling of <c>is_invite</c>.</summary>
public sealed record SlidingFilterBody(
    bool? IsDm,
    bool? IsEncrypted,
    bool? IsInvite,
    bool? IsInvited,
    List<string?>? RoomTypes,
    List<string?>? NotRoomTypes,
    List<string>? Spaces,
    List<string>? Tags,
    List<string>? NotTags);
