using System.Globalization;
using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>
/// "Published room directory" (<c>GET/POST /publicRooms</c>): this server's published rooms, largest first (then by
/// room id, a stable order as spec v1.19 recommends), filtered by <c>generic_search_term</c> (name, topic, canonical
/// alias; case-insensitive in any script) and <c>room_types</c>, paged by <see cref="PublicRoomsToken"/>.
/// Another server's directory is asked through <see cref="IRemoteRoomDirectory"/>. The federation API answers other
/// servers from <see cref="LocalAsync"/>.
/// </summary>
public sealed class PublicRoomsService(RoomDirectoryStore directory, IRemoteRoomDirectory remote, HomeserverConfig config)
{
    /// <summary>Pages are capped so one request cannot ask for an unbounded response.</summary>
    public const int MaxLimit = 500;

    public async Task<JsonObject> QueryAsync(string? server, PublicRoomsQuery query, CancellationToken ct)
    {
        Validate(query);
        if (string.IsNullOrEmpty(server) || server == config.ServerName) return await LocalAsync(query, ct);
        if (!ServerName.TryParse(server, out _)) throw MatrixError.InvalidParam($"'{server}' is not a server name");
        // Synapse answers 502 when the remote directory cannot be fetched; a remote error is wrapped, never relayed.
        return await remote.QueryAsync(server, query, ct)
            ?? throw new MatrixException(MatrixErrorCode.Unknown, $"Failed to fetch the room directory of {server}", 502);
    }

    /// <summary>One page of this server's directory.</summary>
    public async Task<JsonObject> LocalAsync(PublicRoomsQuery query, CancellationToken ct)
    {
        Validate(query);
        var token = query.Since is null ? null : PublicRoomsToken.Parse(query.Since);
        var limit = Math.Min(query.Limit ?? MaxLimit, MaxLimit);

        // A third-party network's list (rooms an application service published for its network) is separate from the
        // main list; this server has no such lists yet, so a request for one network is an empty page.
        var rooms = query.ThirdPartyInstanceId is not null && query.IncludeAllNetworks != true
            ? []
            : (await directory.PublishedRoomsAsync(ct)).Where(r => Matches(r.Summary, query.Filter)).ToList();
        rooms.Sort((a, b) => Compare(a.JoinedMembers, a.Summary.RoomId, b.JoinedMembers, b.Summary.RoomId));

        int start, end;
        if (token is null || token.Forwards)
        {
            start = token is null ? 0 : rooms.FindIndex(r => Compare(r.JoinedMembers, r.Summary.RoomId, token.JoinedMembers, token.RoomId) > 0);
            if (start < 0) start = rooms.Count;
            end = Math.Min(start + limit, rooms.Count);
        }
        else
        {
            end = rooms.FindIndex(r => Compare(r.JoinedMembers, r.Summary.RoomId, token.JoinedMembers, token.RoomId) >= 0);
            if (end < 0) end = rooms.Count;
            start = Math.Max(0, end - limit);
        }

        var page = rooms[start..end];
        var response = new JsonObject
        {
            ["chunk"] = new JsonArray([.. page.Select(r => Chunk(r.Summary, r.JoinedMembers))]),
            ["total_room_count_estimate"] = rooms.Count,
        };
        if (end < rooms.Count && page.Count > 0) response["next_batch"] = new PublicRoomsToken(true, page[^1].JoinedMembers, page[^1].Summary.RoomId).ToString();
        if (start > 0 && page.Count > 0) response["prev_batch"] = new PublicRoomsToken(false, page[0].JoinedMembers, page[0].Summary.RoomId).ToString();
        return response;
    }

    /// <summary>The <c>PublishedRoomsChunk</c> of a room (also the base of a space hierarchy's room entry).</summary>
    public static JsonObject Chunk(RoomSummaryRow summary, int joinedMembers)
    {
        var chunk = new JsonObject
        {
            ["room_id"] = summary.RoomId,
            ["num_joined_members"] = joinedMembers,
            ["world_readable"] = summary.HistoryVisibility == "world_readable",
            ["guest_can_join"] = summary.GuestAccess == "can_join",
            // No join rules event: the auth rules treat the room as invite-only.
            ["join_rule"] = summary.JoinRule ?? "invite",
        };
        if (summary.Name is { } name) chunk["name"] = name;
        if (summary.Topic is { } topic) chunk["topic"] = topic;
        if (summary.CanonicalAlias is { } alias) chunk["canonical_alias"] = alias;
        if (summary.AvatarUrl is { } avatar) chunk["avatar_url"] = avatar;
        if (summary.RoomType is { } type) chunk["room_type"] = type;
        return chunk;
    }

    private static void Validate(PublicRoomsQuery query)
    {
        if (query.Limit is < 0) throw MatrixError.InvalidParam("limit must not be negative");
        if (query.IncludeAllNetworks == true && query.ThirdPartyInstanceId is not null)
            throw MatrixError.InvalidParam("third_party_instance_id can only be used if include_all_networks is false");
    }

    private static bool Matches(RoomSummaryRow room, PublicRoomsFilter? filter)
    {
        if (filter is null) return true;
        if (filter.RoomTypes is { Count: > 0 } types && !types.Contains(room.RoomType)) return false;
        if (string.IsNullOrWhiteSpace(filter.GenericSearchTerm)) return true;
        var term = filter.GenericSearchTerm.Trim();
        return Contains(room.Name, term) || Contains(room.Topic, term) || Contains(room.CanonicalAlias, term);
    }

    private static bool Contains(string? text, string term) =>
        text is not null && CultureInfo.InvariantCulture.CompareInfo.IndexOf(text, term, CompareOptions.IgnoreCase) >= 0;

    /// <summary>Directory order: more joined members first, then room id.</summary>
    private static int Compare(int membersA, string roomA, int membersB, string roomB) =>
        membersA != membersB ? membersB.CompareTo(membersA) : string.CompareOrdinal(roomA, roomB);
}
