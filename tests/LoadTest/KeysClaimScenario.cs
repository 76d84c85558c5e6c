using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Messenger.LoadTest;

/// <summary>
/// <c>POST /keys/claim</c> for 50 devices at once (issue #6: under 20 ms), what a client sends before it shares a room key
/// with 50 devices it has no Olm session with yet: first while one-time keys last, then when only fallback keys are left.
/// </summary>
public static class KeysClaimScenario
{
    private const int Devices = 50;
    private const int Rounds = 100;
    private const int FallbackRounds = 50;

    public static async Task RunAsync(LoadServer server)
    {
        var owners = new List<LoadDevice>();
        for (var i = 0; i < Devices; i++)
        {
            var device = await LoadDevice.RegisterAsync(server, $"claim_owner{i}");
            await device.UploadKeysAsync(server, oneTimeKeys: Rounds + 1);
            owners.Add(device);
        }
        using var claimer = await LoadDevice.RegisterAsync(server, "claimer");
        var body = new JsonObject
        {
            ["one_time_keys"] = new JsonObject(owners.Select(o => KeyValuePair.Create(o.UserId, (JsonNode?)new JsonObject { [o.DeviceId] = "signed_curve25519" }))),
        };

        await ClaimAsync(server, claimer, body, "warm-up", 1, Devices);
        await ClaimAsync(server, claimer, body, "one-time keys", Rounds, Devices);
        await ClaimAsync(server, claimer, body, "fallback keys only", FallbackRounds, Devices);
        foreach (var owner in owners) owner.Dispose();
    }

    private static async Task ClaimAsync(LoadServer server, LoadDevice claimer, JsonObject body, string name, int rounds, int expected)
    {
        var latencies = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var start = Stopwatch.GetTimestamp();
            var response = await server.SendAsync(HttpMethod.Post, "/_matrix/client/v3/keys/claim", claimer.Token, body);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            var got = response["one_time_keys"]!.AsObject().Sum(u => u.Value!.AsObject().Count);
            if (got != expected) throw new InvalidOperationException($"claim round {round} returned keys for {got} devices, not {expected}");
        }
        if (name != "warm-up") Console.WriteLine($"keys-claim [{expected} devices, {name}]: {Percentiles.Describe(latencies)}");
    }
}
