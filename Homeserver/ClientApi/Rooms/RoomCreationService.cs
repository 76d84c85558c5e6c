using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.RoomServer;
using Microsoft.EntityFrameworkCore;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// <c>POST /createRoom</c> ("Creation"): checks the whole request first, then builds the room's first events in the
/// spec's order — create, creator's join, power levels, canonical alias, preset state, initial_state, name, topic,
/// invites — and persists them in one transaction. A rejected event rejects the whole room. Users of other servers are
/// invited once the room exists, each as <c>POST /invite</c> would ("Inviting to a room": their server signs the invite
/// before it is stored, and only that reaches them); a refusal fails the request, as in Synapse.
/// </summary>
public sealed class RoomCreationService(RoomEventPipeline pipeline, MemberProfiles profiles, HomeserverConfig config, AliasService aliases,
    RoomServer.Remote.IRemoteMemberships remote)
{
    public async Task<string> CreateAsync(Requester requester, CreateRoomRequest request, CancellationToken ct)
    {
        var versionId = request.RoomVersion ?? config.DefaultRoomVersion;
        var version = RoomVersions.Find(versionId)
            ?? throw new MatrixException(MatrixErrorCode.UnsupportedRoomVersion, $"Room version '{versionId}' is not supported");
        var visibility = request.Visibility ?? "private";
        if (visibility is not ("public" or "private")) throw MatrixError.InvalidParam("visibility must be 'public' or 'private'");
        var preset = request.Preset ?? (visibility == "public" ? RoomPresets.PublicChat : RoomPresets.PrivateChat);
        if (!RoomPresets.IsKnown(preset)) throw MatrixError.InvalidParam($"Unknown preset '{preset}'");
        // The alias is checked before anything is built, and saved in the room's own transaction below.
        var alias = request.RoomAliasName is { } aliasName ? await aliases.NewRoomAliasAsync(aliasName, ct) : null;
        if (request.Invite3pid is { Count: > 0 })
            throw MatrixError.BadRequest("Third-party invites are not supported by this server yet");

        var invitees = new List<string>();
        foreach (var invitee in request.Invite ?? [])
        {
            if (!UserId.TryParse(invitee, out _)) throw MatrixError.InvalidParam($"'{invitee}' is not a user id");
            if (invitee != requester.UserId && !invitees.Contains(invitee)) invitees.Add(invitee);
        }
        var initialState = ValidateInitialState(request.InitialState);

        var creation = request.CreationContent?.DeepClone().AsObject() ?? [];
        creation.Remove("room_version");
        creation["room_version"] = version.Id;
        if (version.CreateEventHasCreator) creation["creator"] = requester.UserId;
        else creation.Remove("creator");
        if (version.PrivilegedCreators && preset == RoomPresets.TrustedPrivateChat)
        {
            var additional = creation["additional_creators"] as JsonArray ?? [];
            foreach (var invitee in invitees.Where(i => !additional.Any(a => (string?)a == i))) additional.Add(invitee);
            creation["additional_creators"] = additional;
        }

        var powerLevels = RoomPresets.PowerLevels(version, requester.UserId, preset, invitees);
        foreach (var (key, value) in request.PowerLevelContentOverride ?? []) powerLevels[key] = value?.DeepClone();
        var join = await profiles.MembershipContentAsync(requester.UserId, Membership.Join, ct);
        var sender = requester.UserId;
        var localInvitees = invitees.Where(i => ServerOf(i) == ServerOf(sender)).ToList();

        string roomId;
        try
        {
            roomId = await pipeline.CreateRoomAsync(version, sender, visibility == "public", async batch =>
            {
                await batch.AddAsync(new LocalEvent(sender, EventTypes.Create, creation, StateKey: ""), ct);
                await batch.AddAsync(new LocalEvent(sender, EventTypes.Member, join, StateKey: sender), ct);
                await batch.AddAsync(new LocalEvent(sender, EventTypes.PowerLevels, powerLevels, StateKey: ""), ct);
                if (alias is not null)
                {
                    aliases.StageNewRoomAlias(alias, batch.Working.RoomId, sender);
                    await batch.AddAsync(new LocalEvent(sender, EventTypes.CanonicalAlias, new JsonObject { ["alias"] = alias }, StateKey: ""), ct);
                }
                foreach (var (type, content) in RoomPresets.StateEvents(preset))
                {
                    if (!initialState.Any(s => s.Type == type && s.StateKey == "")) await batch.AddAsync(new LocalEvent(sender, type, content, StateKey: ""), ct);
                }
                foreach (var state in initialState) await batch.AddAsync(new LocalEvent(sender, state.Type, state.Content, StateKey: state.StateKey), ct);
                if (request.Name is not null) await batch.AddAsync(new LocalEvent(sender, EventTypes.Name, new JsonObject { ["name"] = request.Name }, StateKey: ""), ct);
                if (request.Topic is not null) await batch.AddAsync(new LocalEvent(sender, EventTypes.Topic, TopicContent(request.Topic), StateKey: ""), ct);
                foreach (var invitee in localInvitees)
                {
                    await batch.AddAsync(new LocalEvent(sender, EventTypes.Member, await InviteContentAsync(invitee, request, ct), StateKey: invitee), ct);
                }
            }, ct);
        }
        catch (DbUpdateException) when (alias is not null)
        {
            // Another request took the alias between our check and our commit; the room was not created.
            if (await aliases.ResolveAsync(alias, ct) is not null) throw AliasService.RoomAliasInUse(alias);
            throw;
        }
        catch (EventRejectedException e)
        {
            throw new MatrixException(new MatrixErrorCode("M_INVALID_ROOM_STATE", 400), $"The requested room state is not allowed: {e.Message}");
        }

        foreach (var invitee in invitees.Except(localInvitees))
        {
            var invite = new LocalEvent(sender, EventTypes.Member, await InviteContentAsync(invitee, request, ct), StateKey: invitee);
            await pipeline.SendCountersignedAsync(roomId, invite, remote.CountersignInviteAsync, ct);
        }
        return roomId;
    }

    private async Task<JsonObject> InviteContentAsync(string invitee, CreateRoomRequest request, CancellationToken ct)
    {
        var invite = await profiles.MembershipContentAsync(invitee, Membership.Invite, ct);
        if (request.IsDirect == true) invite["is_direct"] = true;
        return invite;
    }

    private static string ServerOf(string userId) => userId[(userId.IndexOf(':') + 1)..];

    /// <summary>The plain topic and, since v1.15, its <c>m.topic</c> text/plain representation.</summary>
    private static JsonObject TopicContent(string topic) => new()
    {
        ["topic"] = topic,
        ["m.topic"] = new JsonObject { ["m.text"] = new JsonArray(new JsonObject { ["body"] = topic, ["mimetype"] = "text/plain" }) },
    };

    private static List<(string Type, string StateKey, JsonObject Content)> ValidateInitialState(List<InitialStateEvent>? events)
    {
        var result = new List<(string, string, JsonObject)>();
        foreach (var e in events ?? [])
        {
            if (string.IsNullOrEmpty(e.Type)) throw MatrixError.BadJson("initial_state events need a type");
            if (e.Content is null) throw MatrixError.BadJson("initial_state events need content");
            if (e.Type is EventTypes.Create or EventTypes.Member)
                throw MatrixError.BadJson($"{e.Type} cannot be set through initial_state");
            result.Add((e.Type, e.StateKey ?? "", e.Content));
        }
        return result;
    }
}
