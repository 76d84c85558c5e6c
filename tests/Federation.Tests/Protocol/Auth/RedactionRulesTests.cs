using Messenger.Federation.Protocol.Auth;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Tests.Protocol.Auth.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.Auth.Support.AuthRoomBuilder;

namespace Messenger.Federation.Tests.Protocol.Auth;

/// <summary><c>m.room.redaction</c>: v1–2 check the redact level or the event id domain; v3+ treat it as any event.</summary>
public sealed class RedactionRulesTests
{
    [Theory, MemberData(nameof(Versions.RedactionDomainRule), MemberType = typeof(Versions))]
    public void V1_member_may_redact_events_from_their_own_server(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var redaction = room.Event(EventTypes.Redaction, Bob, null, "{}", eventId: "$r1:test", redacts: "$target:test");
        AuthAssert.Allowed(room.Authorize(redaction));
    }

    [Theory, MemberData(nameof(Versions.RedactionDomainRule), MemberType = typeof(Versions))]
    public void V1_member_below_the_redact_level_cannot_redact_events_from_other_servers(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var redaction = room.Event(EventTypes.Redaction, Bob, null, "{}", eventId: "$r1:test", redacts: "$target:other.example");
        AuthAssert.Rejected(AuthRule.RedactionNotPermitted, room.Authorize(redaction));
    }

    [Theory, MemberData(nameof(Versions.RedactionDomainRule), MemberType = typeof(Versions))]
    public void V1_moderator_may_redact_anything(string version)
    {
        var room = Created(V(version));
        var redaction = room.Event(EventTypes.Redaction, Alice, null, "{}", eventId: "$r1:test", redacts: "$target:other.example");
        AuthAssert.Allowed(room.Authorize(redaction));
    }

    [Theory, MemberData(nameof(Versions.NoRedactionDomainRule), MemberType = typeof(Versions))]
    public void From_v3_redactions_pass_like_any_event_leaving_the_redact_level_to_redaction_handling(string version)
    {
        var room = Created(V(version)).Join(Bob);
        var redaction = room.Event(EventTypes.Redaction, Bob, null, "{}", redacts: "$SomeoneElsesEvent");
        AuthAssert.Allowed(room.Authorize(redaction));
    }

    [Theory, MemberData(nameof(Versions.All), MemberType = typeof(Versions))]
    public void Redaction_needs_its_events_level(string version)
    {
        var room = Created(V(version)).Join(Bob);
        room.SetLevels("""{"events":{"m.room.redaction":50}}""");
        var redaction = room.Event(EventTypes.Redaction, Bob, null, "{}", eventId: "$r1:test", redacts: "$target:test");
        AuthAssert.Rejected(AuthRule.EventLevelTooLow, room.Authorize(redaction));
    }
}
