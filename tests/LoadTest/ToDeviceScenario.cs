using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Messenger.LoadTest;

/// <summary>
/// <c>PUT /sendToDevice</c> to 500 devices in one request (issue #6: under 100 ms): a room key shared with 500 members'
/// devices (each its own Olm ciphertext, ~1 KiB), and one message to all 500 devices of one user with <c>*</c>.
/// </summary>
public static class ToDeviceScenario
{
    private const int Devices = 500;
    private const int Rounds = 50;

    public static async Task RunAsync(LoadServer server)
    {
        using var sender = await LoadDevice.RegisterAsync(server, "to_device_sender");
        var recipients = new List<LoadDevice>();
        for (var i = 0; i < Devices; i++) recipients.Add(await LoadDevice.RegisterAsync(server, $"to_device_member{i}"));
        var perDevice = () => new JsonObject(recipients.Select(r => KeyValuePair.Create(r.UserId, (JsonNode?)new JsonObject { [r.DeviceId] = Ciphertext() })));
        await SendAsync(server, sender, perDevice, "500 users, one device each", Rounds);

        var many = new List<LoadDevice> { await LoadDevice.RegisterAsync(server, "to_device_many") };
        for (var i = 1; i < Devices; i++) many.Add(await LoadDevice.LoginAsync(server, "to_device_many"));
        var wildcard = () => new JsonObject { [many[0].UserId] = new JsonObject { ["*"] = Ciphertext() } };
        await SendAsync(server, sender, wildcard, "1 user, 500 devices, '*'", Rounds);
        foreach (var device in recipients.Concat(many)) device.Dispose();
    }

    private static async Task SendAsync(LoadServer server, LoadDevice sender, Func<JsonObject> messages, string name, int rounds)
    {
        await server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/sendToDevice/m.room.encrypted/{Guid.NewGuid():N}", sender.Token, new JsonObject { ["messages"] = messages() });
        var latencies = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var body = new JsonObject { ["messages"] = messages() };
            var start = Stopwatch.GetTimestamp();
            await server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/sendToDevice/m.room.encrypted/{Guid.NewGuid():N}", sender.Token, body);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        Console.WriteLine($"to-device [{name}]: {Percentiles.Describe(latencies)}");
    }

    /// <summary>An <c>m.olm.v1.curve25519-aes-sha2</c> content of the size a room key share has.</summary>
    private static JsonObject Ciphertext() => new()
    {
        ["algorithm"] = "m.olm.v1.curve25519-aes-sha2",
        ["sender_key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('='),
        ["ciphertext"] = new JsonObject
        {
            ["curve25519key"] = new JsonObject { ["type"] = 0, ["body"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(720)).TrimEnd('=') },
        },
    };
}
