using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.Identifiers;
using Messenger.Homeserver.Auth;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Reporting;

/// <summary>
/// "Reporting content": <c>POST /rooms/{roomId}/report/{eventId}</c> (the reporter must be joined to the room and the
/// event in it and not redacted, else 404 — one answer for all, so the reporter learns nothing more),
/// <c>POST /rooms/{roomId}/report</c> (any room this server knows) and <c>POST /users/{userId}/report</c> (any user
/// this server knows: a local account or a member of one of its rooms). Reports are stored for administrators.
/// </summary>
public sealed class ReportService(ReportStore reports, RoomStore rooms, AccountStore accounts, UserDirectoryStore users, TimeProvider time)
{
    public async Task ReportEventAsync(Requester requester, string roomId, string eventId, JsonObject body, CancellationToken ct)
    {
        var reason = Text(body, "reason", required: false);
        var score = body["score"] is JsonValue s && s.TryGetValue(out int value) ? value : (int?)null;
        var row = await rooms.EventRowAsync(eventId, ct);
        if (row is null || row.RoomId != roomId || row.RedactedBy is not null
            || await rooms.MembershipAsync(roomId, requester.UserId, ct) != Membership.Join)
            throw MatrixError.NotFound("The event was not found or you are not joined to the room.");
        await AddAsync(new ReportRow { Kind = ReportRow.EventKind, ReporterUserId = requester.UserId, RoomId = roomId, EventId = eventId, Reason = reason, Score = score }, ct);
    }

    public async Task ReportRoomAsync(Requester requester, string roomId, JsonObject body, CancellationToken ct)
    {
        var reason = Text(body, "reason", required: true);
        if (await rooms.FindRoomAsync(roomId, ct) is null) throw MatrixError.NotFound("The room was not found.");
        await AddAsync(new ReportRow { Kind = ReportRow.RoomKind, ReporterUserId = requester.UserId, RoomId = roomId, Reason = reason }, ct);
    }

    public async Task ReportUserAsync(Requester requester, string userId, JsonObject body, CancellationToken ct)
    {
        var reason = Text(body, "reason", required: true);
        if (!UserId.TryParse(userId, out _)) throw MatrixError.InvalidParam($"'{userId}' is not a user id");
        if (await accounts.FindAsync(userId, ct) is null && !await users.IsKnownAsync(userId, ct)) throw MatrixError.NotFound("The user was not found.");
        await AddAsync(new ReportRow { Kind = ReportRow.UserKind, ReporterUserId = requester.UserId, TargetUserId = userId, Reason = reason }, ct);
    }

    private Task AddAsync(ReportRow row, CancellationToken ct)
    {
        row.ReceivedTs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return reports.AddAsync(row, ct);
    }

    private static string? Text(JsonObject body, string key, bool required) => body[key] switch
    {
        null when required => throw MatrixError.MissingParam(key),
        null => null,
        JsonValue v when v.TryGetValue(out string? text) => text,
        _ => throw MatrixError.BadJson($"{key} must be a string"),
    };
}
