using System.Text.Json.Nodes;

namespace Messenger.Federation.Edus;

/// <summary>
/// Handles one EDU type received in a transaction (<c>PUT /_matrix/federation/v1/send/{txnId}</c>): typing,
/// receipts, presence, device lists, signing keys, to-device. The part of the homeserver that owns the data
/// registers a handler; <see cref="EduDispatcher"/> routes to it. Handlers check what the spec asks (the user
/// belongs to <paramref name="origin"/>, is in the room, the server ACL allows it) and ignore what fails; an EDU
/// is never answered, so a handler should not throw for bad input.
/// </summary>
public interface IEduHandler
{
    /// <summary>The <c>edu_type</c> handled, e.g. <c>m.typing</c>.</summary>
    string EduType { get; }

    Task HandleAsync(string origin, JsonObject content, CancellationToken ct);
}
