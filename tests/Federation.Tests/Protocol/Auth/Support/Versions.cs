using Xunit;

namespace Messenger.Federation.Tests.Protocol.Auth.Support;

/// <summary>
/// Room version ids grouped as the spec's room version pages group them (the numbers are the spec's, written out here
/// on purpose: a wrong flag in the room version table then fails these tests instead of agreeing with itself).
/// </summary>
public static class Versions
{
    public static TheoryData<string> All => Ids("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");

    /// <summary>rooms/v1–v5: the <c>m.room.aliases</c> rule; removed in v6.</summary>
    public static TheoryData<string> AliasesRule => Ids("1", "2", "3", "4", "5");
    public static TheoryData<string> NoAliasesRule => Ids("6", "7", "8", "9", "10", "11", "12");

    /// <summary>rooms/v1–v2: redactions need the redact level or the same event id domain; dropped in v3.</summary>
    public static TheoryData<string> RedactionDomainRule => Ids("1", "2");
    public static TheoryData<string> NoRedactionDomainRule => Ids("3", "4", "5", "6", "7", "8", "9", "10", "11", "12");

    /// <summary>rooms/v1–v5 accept float power levels (truncated).</summary>
    public static TheoryData<string> FloatLevels => Ids("1", "2", "3", "4", "5");
    /// <summary>rooms/v1–v9 accept integer strings as power levels; v10 requires integers.</summary>
    public static TheoryData<string> StringLevels => Ids("1", "2", "3", "4", "5", "6", "7", "8", "9");
    public static TheoryData<string> IntegerOnlyLevels => Ids("10", "11", "12");
    /// <summary>rooms/v6 adds <c>notifications</c> to the power levels change rule.</summary>
    public static TheoryData<string> NotificationsRule => Ids("6", "7", "8", "9", "10", "11", "12");
    public static TheoryData<string> NoNotificationsRule => Ids("1", "2", "3", "4", "5");

    /// <summary>rooms/v7: knocking.</summary>
    public static TheoryData<string> Knocking => Ids("7", "8", "9", "10", "11", "12");
    public static TheoryData<string> NoKnocking => Ids("1", "2", "3", "4", "5", "6");
    /// <summary>rooms/v8: the restricted join rule.</summary>
    public static TheoryData<string> Restricted => Ids("8", "9", "10", "11", "12");
    public static TheoryData<string> NoRestricted => Ids("1", "2", "3", "4", "5", "6", "7");
    /// <summary>rooms/v10: the knock_restricted join rule.</summary>
    public static TheoryData<string> KnockRestricted => Ids("10", "11", "12");
    public static TheoryData<string> NoKnockRestricted => Ids("1", "2", "3", "4", "5", "6", "7", "8", "9");

    /// <summary>rooms/v1–v10: <c>m.room.create</c> has a <c>creator</c>; v11 uses the sender.</summary>
    public static TheoryData<string> CreatorInContent => Ids("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    public static TheoryData<string> CreatorIsSender => Ids("11", "12");

    /// <summary>rooms/v1–v11: room ids with a domain, create event in auth events, no privileged creators.</summary>
    public static TheoryData<string> DomainRoomIds => Ids("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
    /// <summary>rooms/v12: room id from the create event, creators with infinite power.</summary>
    public static TheoryData<string> CreateEventRoomIds => Ids("12");

    private static TheoryData<string> Ids(params string[] ids) => new(ids);
}
