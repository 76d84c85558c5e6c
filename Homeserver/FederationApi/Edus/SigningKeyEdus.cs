using System.Text.Json.Nodes;
using Messenger.Federation.Edus;

namespace Messenger.Homeserver.FederationApi.Edus;

/// <summary>
/// Inbound <c>m.signing_key_update</c> ("End-to-End Encryption": a user's <c>master_key</c> and/or
/// <c>self_signing_key</c> changed; outbound: <see cref="DeviceListEduSender"/>). For a user of the origin who shares a
/// room with us, the keys that belong to that user replace the cached ones (<see cref="RemoteDeviceLists"/>); anything
/// else is ignored.
/// </summary>
public sealed class SigningKeyEdus(IServiceScopeFactory scopes, ILogger<DeviceListEdus> logger) : IEduHandler
{
    public const string Type = "m.signing_key_update";

    public string EduType => Type;

    public async Task HandleAsync(string origin, JsonObject content, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (content["user_id"] is not JsonValue u || !u.TryGetValue(out string? userId)
            || !await scope.ServiceProvider.GetRequiredService<EduAudience>().IsKnownRemoteAsync(origin, userId, ct))
        {
            DeviceListEdus.LogIgnored(logger, origin, EduType);
            return;
        }
        var master = RemoteDeviceListSnapshot.OwnKey(content["master_key"], userId) is { } m ? JsonNode.Parse(m)!.AsObject() : null;
        var selfSigning = RemoteDeviceListSnapshot.OwnKey(content["self_signing_key"], userId) is { } s ? JsonNode.Parse(s)!.AsObject() : null;
        await scope.ServiceProvider.GetRequiredService<RemoteDeviceLists>().ApplySigningKeysAsync(userId, master, selfSigning, ct);
    }
}
