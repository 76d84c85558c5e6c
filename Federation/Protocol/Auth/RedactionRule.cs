using Messenger.Federation.Protocol.Events;

namespace Messenger.Federation.Protocol.Auth;

/// <summary>
/// Whether an accepted redaction takes effect on its target. Rooms v1–2 decide it in the auth rules (rule 11), so an
/// accepted redaction applies. From v3 the auth rules accept any redaction and "Handling redactions" decides once both
/// events are known: it applies when the redaction's sender has at least the redact level, or when its sender's domain
/// is the target's sender's domain. The same rule serves live events (levels of the state before the redaction) and
/// back-filled ones (levels of its auth events, the only state known for them).
/// </summary>
public static class RedactionRule
{
    public static bool Applies(Pdu redaction, string targetSender, PowerLevels levels) =>
        redaction.RoomVersion.RedactionAuthByEventIdDomain
        || UserIdSyntax.Domain(redaction.Sender).SequenceEqual(UserIdSyntax.Domain(targetSender))
        || levels.UserLevel(redaction.Sender) >= levels.Redact;
}
