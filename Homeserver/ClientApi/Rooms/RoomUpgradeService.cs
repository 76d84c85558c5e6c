using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Http;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// POST /rooms/{roomId}/upgrade ("Room upgrades", server behaviour): checks the version (400
/// <c>M_UNSUPPORTED_ROOM_VERSION</c>) and the user's power to send <c>m.room.tombstone</c> (403); creates the replacement
/// room with <c>predecessor</c> and the old <c>type</c>, copies the recommended state and the bans (sent by the upgrader,
/// never impersonating), moves the local aliases and the local part of the canonical alias, then tombstones the old room
/// and restricts its power levels. The new room is written in one transaction; the old room's events follow it.
/// </summary>
public sealed class RoomUpgradeService(RoomEventPipeline pipeline, RoomStore rooms, RoomAccess access, MemberProfiles profiles, AliasService aliases)
{
    /// <summary>The state the spec recommends transferring, in the order it is sent.</summary>
    private static readonly string[] CopiedState =
    [
        EventTypes.JoinRules, EventTypes.HistoryVisibility, EventTypes.GuestAccess, EventTypes.Name, EventTypes.Topic,
        "m.room.avatar", EventTypes.Encryption, EventTypes.ServerAcl,
    ];

    public async Task<string> UpgradeAsync(Requester requester, string roomId, UpgradeRoomRequest request, CancellationToken ct)
    {
        var versionId = MatrixJson.Require(request.NewVersion, "new_version");
        var version = RoomVersions.Find(versionId)
            ?? throw new MatrixException(MatrixErrorCode.UnsupportedRoomVersion, $"Room version '{versionId}' is not supported");
        var user = requester.UserId;
        var creators = new List<string> { user };
        if (version.PrivilegedCreators)
        {
            foreach (var extra in request.AdditionalCreators ?? [])
            {
                if (!UserId.TryParse(extra, out _)) throw MatrixError.InvalidParam($"'{extra}' is not a user id");
                if (!creators.Contains(extra)) creators.Add(extra);
            }
        }

        var old = await access.RequireJoinedAsync(roomId, user, ct);
        var levels = await RoomPowerLevels.ReadAsync(pipeline, old, ct);
        if (levels.UserLevel(user) < levels.EventLevel(EventTypes.Tombstone, isState: true))
            throw MatrixError.Forbidden("You cannot upgrade this room");
        var oldRoom = await rooms.FindRoomAsync(roomId, ct) ?? throw MatrixError.NotFound("Unknown room");

        var oldCreate = await StateAsync(old, EventTypes.Create, ct);
        var oldPowerLevels = await StateAsync(old, EventTypes.PowerLevels, ct);
        var (initialLevels, finalLevels) = UpgradePowerLevels.Plan(levels, oldPowerLevels?.Content, user, creators, version);
        var canonical = (await StateAsync(old, EventTypes.CanonicalAlias, ct))?.Content;
        var (keptInOld, movedToNew) = SplitCanonicalAlias(canonical);

        var create = new JsonObject
        {
            ["room_version"] = version.Id,
            ["predecessor"] = new JsonObject { ["room_id"] = roomId, ["event_id"] = old.Extremities[^1] },
        };
        if (oldCreate?.Content["type"] is { } type) create["type"] = type.DeepClone();
        if (oldCreate?.Content["m.federate"] is { } federate) create["m.federate"] = federate.DeepClone();
        if (version.CreateEventHasCreator) create["creator"] = user;
        if (version.PrivilegedCreators && creators.Count > 1) create["additional_creators"] = new JsonArray([.. creators.Skip(1).Select(c => JsonValue.Create(c))]);
        var join = await profiles.MembershipContentAsync(user, Membership.Join, ct);

        var copied = new List<(string Type, string StateKey, JsonObject Content)>();
        foreach (var stateType in CopiedState)
        {
            if (await StateAsync(old, stateType, ct) is { } e) copied.Add((stateType, "", e.Content.DeepClone().AsObject()));
        }
        foreach (var (key, eventId) in old.State.Where(kv => kv.Key.Type == EventTypes.Member))
        {
            var member = await pipeline.LoadEventAsync(eventId, old.Version, ct);
            if (member.Content["membership"] is JsonValue m && m.TryGetValue(out string? membership) && membership == Membership.Ban)
                copied.Add((EventTypes.Member, key.Key, new JsonObject { ["membership"] = Membership.Ban }));
        }

        var newRoomId = await pipeline.CreateRoomAsync(version, user, oldRoom.IsPublic, async batch =>
        {
            await batch.AddAsync(new LocalEvent(user, EventTypes.Create, create, StateKey: ""), ct);
            await batch.AddAsync(new LocalEvent(user, EventTypes.Member, join, StateKey: user), ct);
            await batch.AddAsync(new LocalEvent(user, EventTypes.PowerLevels, initialLevels, StateKey: ""), ct);
            foreach (var (stateType, stateKey, content) in copied) await TryAddAsync(batch, new LocalEvent(user, stateType, content, StateKey: stateKey), ct);
            if (movedToNew is not null) await TryAddAsync(batch, new LocalEvent(user, EventTypes.CanonicalAlias, movedToNew, StateKey: ""), ct);
            if (finalLevels is not null) await batch.AddAsync(new LocalEvent(user, EventTypes.PowerLevels, finalLevels, StateKey: ""), ct);
            await aliases.StageMoveAliasesAsync(roomId, batch.Working.RoomId, ct);
        }, ct);

        var tombstone = new JsonObject { ["body"] = "This room has been replaced", ["replacement_room"] = newRoomId };
        await pipeline.SendAsync(roomId, new LocalEvent(user, EventTypes.Tombstone, tombstone, StateKey: ""), ct);
        if (oldRoom.IsPublic) await aliases.UnpublishAsync(roomId, ct);
        if (keptInOld is not null) await TrySendAsync(roomId, new LocalEvent(user, EventTypes.CanonicalAlias, keptInOld, StateKey: ""), ct);
        if (UpgradePowerLevels.Restrict(levels, oldPowerLevels?.Content) is { } restricted)
            await TrySendAsync(roomId, new LocalEvent(user, EventTypes.PowerLevels, restricted, StateKey: ""), ct);
        return newRoomId;
    }

    /// <summary>
    /// The canonical alias content for each room, as Synapse splits it: this server's aliases move to the new room,
    /// others' stay. Null for a room whose event would not change (old) or would be empty (new).
    /// </summary>
    private (JsonObject? Old, JsonObject? New) SplitCanonicalAlias(JsonObject? canonical)
    {
        if (canonical is null) return (null, null);
        var kept = canonical.DeepClone().AsObject();
        var moved = new JsonObject();
        if (canonical["alias"] is JsonValue a && a.TryGetValue(out string? alias) && aliases.IsLocal(alias))
        {
            moved["alias"] = alias;
            kept.Remove("alias");
        }
        if (canonical["alt_aliases"] is JsonArray alt)
        {
            var local = alt.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).Where(s => s is not null && aliases.IsLocal(s)).ToList();
            if (local.Count > 0)
            {
                moved["alt_aliases"] = new JsonArray([.. local.Select(s => JsonValue.Create(s))]);
                var rest = alt.Where(n => !(n is JsonValue v && v.TryGetValue(out string? s) && local.Contains(s))).Select(n => n?.DeepClone()).ToArray();
                if (rest.Length > 0) kept["alt_aliases"] = new JsonArray(rest);
                else kept.Remove("alt_aliases");
            }
        }
        return (moved.Count == 0 ? null : kept, moved.Count == 0 ? null : moved);
    }

    private async Task<Pdu?> StateAsync(RoomSnapshot room, string type, CancellationToken ct) =>
        room.StateEventId(type) is { } id ? await pipeline.LoadEventAsync(id, room.Version, ct) : null;

    /// <summary>Copied state the new room's rules refuse (a ban of someone as powerful as the upgrader, say) is left out.</summary>
    private static async Task TryAddAsync(LocalEventBatch batch, LocalEvent e, CancellationToken ct)
    {
        try
        {
            await batch.AddAsync(e, ct);
        }
        catch (EventRejectedException)
        {
        }
    }

    /// <summary>The old room's follow-ups are done "if possible": the upgrader may lack the power for them.</summary>
    private async Task TrySendAsync(string roomId, LocalEvent e, CancellationToken ct)
    {
        try
        {
            await pipeline.SendAsync(roomId, e, ct);
        }
        catch (EventRejectedException)
        {
        }
    }
}
