using System.Text.Json.Nodes;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.ClientApi.Rooms;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.Typing;

/// <summary>
/// <c>PUT /rooms/{roomId}/typing/{userId}</c> ("Typing Notifications"): only for oneself, only in a room one is joined
/// to. The one place a local user's typing changes, where a federation sender will hook for <c>m.typing</c> EDUs.
/// </summary>
public sealed class TypingService(RoomAccess access, TypingTracker tracker)
{
    /// <summary>Longer timeouts are cut to this, so a client cannot leave itself typing for days.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public async Task SetAsync(Requester requester, string roomId, string userId, JsonObject body, CancellationToken ct)
    {
        if (userId != requester.UserId) throw MatrixError.Forbidden("Cannot set the typing state of another user");
        var typing = body["typing"] switch
        {
            null => throw MatrixError.MissingParam("typing"),
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw MatrixError.BadJson("typing must be a boolean"),
        };
        var timeout = TimeSpan.Zero;
        if (typing)
        {
            var ms = body["timeout"] switch
            {
                null => throw MatrixError.MissingParam("timeout"),
                JsonValue v when v.TryGetValue(out long n) && n >= 0 => n,
                _ => throw MatrixError.BadJson("timeout must be a non-negative integer"),
            };
            timeout = TimeSpan.FromMilliseconds(Math.Min(ms, (long)MaxTimeout.TotalMilliseconds));
        }
        await access.RequireJoinedAsync(roomId, requester.UserId, ct);
        tracker.Set(roomId, requester.UserId, typing, timeout);
    }
}
