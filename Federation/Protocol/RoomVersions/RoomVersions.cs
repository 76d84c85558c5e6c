using System.Collections.Frozen;

namespace Messenger.Federation.Protocol.RoomVersions;

/// <summary>The table of stable room versions (spec v1.19: versions 1 to 12).</summary>
public static class RoomVersions
{
    public static readonly RoomVersion V1 = new()
    {
        Id = "1", EventFormat = EventFormat.V1, StateResolution = StateResolutionAlgorithm.V1, Redaction = RedactionRules.V1,
        SpecialCaseAliasesAuth = true, CreateEventHasCreator = true, RedactionAuthByEventIdDomain = true,
    };

    public static readonly RoomVersion V2 = V1 with { Id = "2", StateResolution = StateResolutionAlgorithm.V2 };
    public static readonly RoomVersion V3 = V2 with { Id = "3", EventFormat = EventFormat.V2, RedactionAuthByEventIdDomain = false };
    public static readonly RoomVersion V4 = V3 with { Id = "4", EventFormat = EventFormat.V3 };
    public static readonly RoomVersion V5 = V4 with { Id = "5", EnforceKeyValidity = true };

    public static readonly RoomVersion V6 = V5 with
    {
        Id = "6", Redaction = RedactionRules.V6, SpecialCaseAliasesAuth = false,
        StrictCanonicalJson = true, LimitNotificationsPowerLevels = true,
    };

    public static readonly RoomVersion V7 = V6 with { Id = "7", Knocking = true };
    public static readonly RoomVersion V8 = V7 with { Id = "8", Redaction = RedactionRules.V8, RestrictedJoins = true };
    public static readonly RoomVersion V9 = V8 with { Id = "9", Redaction = RedactionRules.V9 };
    public static readonly RoomVersion V10 = V9 with { Id = "10", KnockRestrictedJoins = true, IntegerOnlyPowerLevels = true };

    public static readonly RoomVersion V11 = V10 with
    {
        Id = "11", Redaction = RedactionRules.V11, CreateEventHasCreator = false, RedactsInContent = true,
    };

    public static readonly RoomVersion V12 = V11 with
    {
        Id = "12", StateResolution = StateResolutionAlgorithm.V2_1, RoomIdFromCreateEvent = true, PrivilegedCreators = true,
    };

    /// <summary>Every stable version, oldest first.</summary>
    public static IReadOnlyList<RoomVersion> All { get; } = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12];

    private static readonly FrozenDictionary<string, RoomVersion> ById = All.ToFrozenDictionary(v => v.Id, StringComparer.Ordinal);

    /// <summary>The version with this id, or null for an unknown or unstable one.</summary>
    public static RoomVersion? Find(string id) => ById.GetValueOrDefault(id);
}
