using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary>
/// rooms v3+ "Handling redactions": an accepted redaction applies when its sender has the redact level or is of the
/// target sender's server; in v1–2 the auth rules decided already, so an accepted one applies.
/// </summary>
public sealed class RedactionRuleTests
{
    private static PowerLevels Levels(AuthRoomBuilder room) => PowerLevels.FromState(room.State, room.Version);

    [Theory, MemberData(nameof(Versions.NoRedactionDomainRule), MemberType = typeof(Versions))]
    public void Member_of_the_same_server_redaction_applies_without_the_redact_level(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var redaction = room.Event(EventTypes.Redaction, Bob, null, "{}", redacts: "$target");
        Assert.True(RedactionRule.Applies(redaction, Carol, Levels(room)));
    }

    [Theory, MemberData(nameof(Versions.NoRedactionDomainRule), MemberType = typeof(Versions))]
    public void Member_of_another_server_below_the_redact_level_does_not_redact(string version)
    {
        var room = Created(V(version)).Join(Dave);
        var redaction = room.Event(EventTypes.Redaction, Dave, null, "{}", redacts: "$target");
        Assert.False(RedactionRule.Applies(redaction, Bob, Levels(room)));
    }

    [Theory, MemberData(nameof(Versions.NoRedactionDomainRule), MemberType = typeof(Versions))]
    public void Member_of_another_server_at_the_redact_level_redacts(string version)
    {
        var room = Created(V(version)).Join(Dave);
        room.SetLevels("""{"redact":40}""", (Dave, 40));
        var redaction = room.Event(EventTypes.Redaction, Dave, null, "{}", redacts: "$target");
        Assert.True(RedactionRule.Applies(redaction, Bob, Levels(room)));
    }

    [Theory, MemberData(nameof(Versions.RedactionDomainRule), MemberType = typeof(Versions))]
    public void V1_accepted_redaction_applies(string version)
    {
        var room = Created(V(version)).Join(Dave);
        var redaction = room.Event(EventTypes.Redaction, Dave, null, "{}", eventId: "$r:other.example", redacts: "$target:other.example");
        Assert.True(RedactionRule.Applies(redaction, Bob, Levels(room)));
    }
}
