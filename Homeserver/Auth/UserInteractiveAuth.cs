using System.Text.Json;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.Auth;

/// <summary>
/// User-Interactive Authentication ("User-Interactive API in the REST API"). Sessions live in the database so a
/// restart or another process does not lose them. As Synapse does, an <c>auth</c> dict sent in the very first
/// request without a <c>session</c> is accepted: a session is made for it on the spot (matrix-nio registers so).
/// </summary>
public sealed class UserInteractiveAuth(UiaSessionStore sessions, AccountStore accounts, HomeserverConfig config, TimeProvider time)
{
    /// <summary>
    /// Returns when the request's <c>auth</c> completes one of <paramref name="flows"/>; otherwise throws the 401.
    /// <paramref name="userId"/> is the logged-in user for account operations: <c>m.login.password</c> must prove them.
    /// </summary>
    public async Task<UiaResult> AuthenticateAsync(JsonObject body, string operation, IReadOnlyList<UiaFlow> flows, string? userId, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (body["auth"] is not JsonObject auth)
        {
            if (body["auth"] is not (null or JsonObject)) throw MatrixError.BadJson("auth must be an object");
            var fresh = await sessions.CreateAsync(SecretTokens.NewOpaqueId(), operation, userId, now, ct);
            throw new UiaRequiredException(flows, fresh.SessionId, []);
        }

        var session = await LoadOrCreateSessionAsync(auth, operation, userId, now, ct);
        var completed = JsonSerializer.Deserialize<List<string>>(session.CompletedStages) ?? [];

        if (auth["type"] is JsonValue typeNode && typeNode.TryGetValue(out string? type))
        {
            if (!flows.Any(f => f.Stages.Contains(type)))
                throw new UiaRequiredException(flows, session.SessionId, completed, MatrixErrorCode.Unrecognized, $"Unrecognised auth type '{type}'");

            if (!completed.Contains(type))
            {
                var failure = await AttemptStageAsync(type, auth, session, userId, now, ct);
                if (failure is not null) throw new UiaRequiredException(flows, session.SessionId, completed, failure.Value.Code, failure.Value.Message);
                completed.Add(type);
                session.CompletedStages = JsonSerializer.Serialize(completed);
                await sessions.SaveAsync(ct);
            }
        }

        if (!flows.Any(f => f.IsCompletedBy(completed))) throw new UiaRequiredException(flows, session.SessionId, completed);
        return new UiaResult(session.SessionId, session.RegistrationToken, session.UserId);
    }

    /// <summary>
    /// Ends a finished session together with the operation it authorised (same transaction): a retry cannot reuse
    /// it, and a registration token it validated moves from pending to completed.
    /// </summary>
    public async Task ConsumeAsync(UiaResult result, CancellationToken ct)
    {
        if (result.RegistrationToken is { } token) await sessions.CompleteTokenUseAsync(token, ct);
        await sessions.DeleteAsync(result.SessionId, ct);
    }

    /// <summary>Whether a registration token can still be used (exists, not expired, uses left counting pending sessions).</summary>
    public async Task<bool> IsRegistrationTokenValidAsync(string token, CancellationToken ct)
    {
        var row = await sessions.FindTokenAsync(token, ct);
        if (row is null) return false;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (row.ExpiryTime is { } expiry && expiry <= now) return false;
        if (row.UsesAllowed is not { } allowed) return true;
        var pending = await sessions.CountPendingAsync(token, now - config.Auth.UiaSessionLifetimeMs, ct);
        return row.Completed + pending < allowed;
    }

    private async Task<UiaSessionRow> LoadOrCreateSessionAsync(JsonObject auth, string operation, string? userId, long now, CancellationToken ct)
    {
        if (auth["session"] is not JsonValue sessionNode || !sessionNode.TryGetValue(out string? sessionId))
        {
            return await sessions.CreateAsync(SecretTokens.NewOpaqueId(), operation, userId, now, ct);
        }
        var session = await sessions.FindAsync(sessionId, ct);
        if (session is null || session.CreatedTs < now - config.Auth.UiaSessionLifetimeMs)
            throw MatrixError.BadRequest("Unknown or expired session ID");
        if (session.Operation != operation || (userId is not null && session.UserId is not null && session.UserId != userId))
            throw MatrixError.Forbidden("This session was started for another operation or user");
        return session;
    }

    private async Task<(MatrixErrorCode Code, string Message)?> AttemptStageAsync(
        string type, JsonObject auth, UiaSessionRow session, string? userId, long now, CancellationToken ct)
    {
        switch (type)
        {
            case UiaFlow.Dummy:
                return null;

            case UiaFlow.Password:
            {
                var claimed = LoginIdentifier.ReadUser(auth, config.ServerName);
                var password = auth["password"] is JsonValue p && p.TryGetValue(out string? pw) ? pw : null;
                if (claimed is null || password is null) return (MatrixErrorCode.MissingParam, "identifier and password are required");
                if ((userId ?? session.UserId) is { } expected && claimed != expected) return (MatrixErrorCode.Forbidden, "Invalid username or password");
                var account = await accounts.FindAsync(claimed, ct);
                if (account is null || account.IsDeactivated || !PasswordHasher.Verify(password, account.PasswordHash))
                    return (MatrixErrorCode.Forbidden, "Invalid username or password");
                session.UserId = claimed;
                return null;
            }

            case UiaFlow.RegistrationToken:
            {
                var token = auth["token"] is JsonValue t && t.TryGetValue(out string? tk) ? tk : null;
                if (string.IsNullOrEmpty(token)) return (MatrixErrorCode.MissingParam, "token is required");
                if (!await IsRegistrationTokenValidAsync(token, ct)) return (MatrixErrorCode.Unauthorized, "Invalid registration token");
                session.RegistrationToken = token;
                return null;
            }

            default:
                return (MatrixErrorCode.Unrecognized, $"Unsupported auth type '{type}'");
        }
    }
}
