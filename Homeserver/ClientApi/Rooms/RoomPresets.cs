using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;

namespace Messenger.Homeserver.ClientApi.Rooms;

/// <summary>
/// The presets of <c>POST /createRoom</c> and the default power levels, as the spec's table gives them and as
/// Synapse fills what the table leaves open (event levels, invite level 0 in private presets).
/// </summary>
public static class RoomPresets
{
    public const string PrivateChat = "private_chat";
    public const string TrustedPrivateChat = "trusted_private_chat";
    public const string PublicChat = "public_chat";

    public static bool IsKnown(string preset) => preset is PrivateChat or TrustedPrivateChat or PublicChat;

    /// <summary>join_rules, history_visibility, guest_access of a preset, in that order.</summary>
    public static IEnumerable<(string Type, JsonObject Content)> StateEvents(string preset)
    {
        yield return (EventTypes.JoinRules, new JsonObject { ["join_rule"] = preset == PublicChat ? "public" : "invite" });
        yield return (EventTypes.HistoryVisibility, new JsonObject { ["history_visibility"] = "shared" });
        yield return (EventTypes.GuestAccess, new JsonObject { ["guest_access"] = preset == PublicChat ? "forbidden" : "can_join" });
    }

    /// <summary>
    /// Default <c>m.room.power_levels</c> content. Up to v11 the creator (and, for trusted_private_chat, the invitees)
    /// get 100 in <c>users</c>; from v12 creators have infinite power and must not be listed, and tombstones need
    /// more than <c>state_default</c> (150).
    /// </summary>
    public static JsonObject PowerLevels(RoomVersion version, string creator, string preset, IEnumerable<string> invitees)
    {
        var users = new JsonObject();
        if (!version.PrivilegedCreators)
        {
            users[creator] = 100;
            if (preset == TrustedPrivateChat)
            {
                foreach (var invitee in invitees) users[invitee] = 100;
            }
        }
        return new JsonObject
        {
            ["users"] = users,
            ["users_default"] = 0,
            ["events"] = new JsonObject
            {
                ["m.room.name"] = 50,
                ["m.room.power_levels"] = 100,
                ["m.room.history_visibility"] = 100,
                ["m.room.canonical_alias"] = 50,
                ["m.room.avatar"] = 50,
                ["m.room.tombstone"] = version.PrivilegedCreators ? 150 : 100,
                ["m.room.server_acl"] = 100,
                ["m.room.encryption"] = 100,
            },
            ["events_default"] = 0,
            ["state_default"] = 50,
            ["ban"] = 50,
            ["kick"] = 50,
            ["redact"] = 50,
            ["invite"] = preset == PublicChat ? 50 : 0,
            ["notifications"] = new JsonObject { ["room"] = 50 },
        };
    }
}
