using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// Checks an <c>m.room.canonical_alias</c> a client sends (PUT /rooms/{roomId}/state, its 400 errors): each alias must
/// be valid (<c>M_INVALID_PARAM</c>) and point to this room (<c>M_BAD_ALIAS</c>). As Synapse, only aliases the event
/// adds are checked — the <c>alias</c> if it changed, <c>alt_aliases</c> not in the previous event — so a room whose old
/// alias drifted away can still edit its other aliases.
/// </summary>
public sealed class CanonicalAliasValidator(AliasService aliases, RoomEventPipeline pipeline)
{
    public async Task ValidateAsync(RoomSnapshot room, JsonObject content, CancellationToken ct)
    {
        JsonObject? previous = null;
        if (room.StateEventId(EventTypes.CanonicalAlias) is { } id) previous = (await pipeline.LoadEventAsync(id, room.Version, ct)).Content;
        var previousAlias = previous?["alias"] is JsonValue pa && pa.TryGetValue(out string? p) ? p : null;
        var previousAlt = (previous?["alt_aliases"] as JsonArray)?.OfType<JsonValue>()
            .Select(v => v.TryGetValue(out string? s) ? s : null).Where(s => s is not null).ToHashSet() ?? [];

        switch (content["alias"])
        {
            case null:
                break;
            case JsonValue v when v.TryGetValue(out string? alias):
                if (alias.Length > 0 && alias != previousAlias) await RequirePointsHereAsync(alias, room.RoomId, ct);
                break;
            default:
                throw MatrixError.InvalidParam("alias must be a string");
        }

        if (content["alt_aliases"] is null) return;
        if (content["alt_aliases"] is not JsonArray alt) throw MatrixError.InvalidParam("alt_aliases must be a list");
        foreach (var entry in alt)
        {
            if (entry is not JsonValue v || !v.TryGetValue(out string? alias)) throw MatrixError.InvalidParam("alt_aliases must be a list of strings");
            if (!previousAlt.Contains(alias)) await RequirePointsHereAsync(alias, room.RoomId, ct);
        }
    }

    private async Task RequirePointsHereAsync(string alias, string roomId, CancellationToken ct)
    {
        if (!RoomAlias.TryParse(alias, out _)) throw MatrixError.InvalidParam($"'{alias}' is not a valid room alias");
        if (await aliases.ResolveAsync(alias, ct) != roomId)
            throw new MatrixException(MatrixErrorCode.BadAlias, $"The alias '{alias}' does not point to this room.");
    }
}
