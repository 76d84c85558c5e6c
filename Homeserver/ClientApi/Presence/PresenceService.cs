using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.ClientApi.Presence;

/// <summary>
/// "Presence" over the API: one's own status set, anyone's read by those who share a room with them. Remote users'
/// presence comes over federation into the same tracker (<c>FederationApi/Edus/PresenceEdus</c>).
/// </summary>
public sealed class PresenceService(PresenceTracker tracker, RoomStore rooms, AccountStore accounts, TimeProvider time)
{
    /// <summary>PUT /presence/{userId}/status: <c>presence</c> one of online, unavailable, offline; <c>status_msg</c> optional.</summary>
    public void SetStatus(Requester requester, string userId, JsonObject body)
    {
        if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot set the presence of another user");
        var state = body["presence"] switch
        {
            null => throw MatrixError.MissingParam("presence"),
            JsonValue v when v.TryGetValue(out string? s) => PresenceStateOf(s),
            _ => throw MatrixError.BadJson("presence must be a string"),
        };
        var message = body["status_msg"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            _ => throw MatrixError.BadJson("status_msg must be a string"),
        };
        tracker.Set(userId, state, message);
    }

    /// <summary>
    /// GET /presence/{userId}/status: 404 for an unknown user (neither an account here nor a remote member of a room
    /// here, whose presence arrives over federation), 403 unless the caller is that user or shares a room with them.
    /// </summary>
    public async Task<JsonObject> StatusAsync(Requester requester, string userId, CancellationToken ct)
    {
        if (await accounts.FindAsync(userId, ct) is null && (await rooms.RoomsWithMembershipAsync(userId, Membership.Join, ct)).Count == 0)
            throw MatrixError.NotFound("Unknown user");
        if (userId != requester.UserId)
        {
            var mine = await rooms.RoomsWithMembershipAsync(requester.UserId, Membership.Join, ct);
            if (!(await rooms.JoinedAmongAsync(mine, [userId], ct)).Contains(userId)) throw MatrixError.Forbidden("You are not allowed to see their presence");
        }
        var content = Content(tracker.Get(userId), time.GetUtcNow());
        return content;
    }

    /// <summary>A <c>set_presence</c> or <c>presence</c> value: one of the three states, else <c>M_INVALID_PARAM</c>.</summary>
    public static string PresenceStateOf(string? value) =>
        PresenceState.IsState(value) ? value! : throw MatrixError.InvalidParam("presence must be online, unavailable or offline");

    /// <summary>The content of an <c>m.presence</c> event (and of <c>GET /presence</c>): offline when nothing is known.</summary>
    public static JsonObject Content(PresenceState? state, DateTimeOffset now)
    {
        if (state is null) return new JsonObject { ["presence"] = PresenceState.Offline };
        var content = new JsonObject { ["presence"] = state.State };
        if (state.LastActive != DateTimeOffset.MinValue) content["last_active_ago"] = (long)Math.Max(0, (now - state.LastActive).TotalMilliseconds);
        if (state.StatusMsg is not null) content["status_msg"] = state.StatusMsg;
        content["currently_active"] = state.State == PresenceState.Online && now - state.LastActive < PresenceState.ActiveWindow;
        return content;
    }
}
