using System.Text.Json.Nodes;

namespace Messenger.Benchmarks.Protocol;

/// <summary>A typical m.room.message PDU of about 1 KB as canonical JSON (room version 10 shape), unsigned.</summary>
internal static class SampleMessageEvent
{
    public static JsonObject Create()
    {
        var body = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 14));
        return new JsonObject
        {
            ["auth_events"] = new JsonArray(
                "$Vk6wrdJ9kmlYOd8pIGdjTaD2Wz5Y_PXgb2wJKjUzPlM",
                "$UK4q2nRvTwdm4CyJ8A2RLRVZqkZyH6RJQbOErWzF8xA",
                "$8zH3GoPjH8VMVTzJHwqEiOSQ8z1h9a9SBdw5PjtNPKY"),
            ["content"] = new JsonObject
            {
                ["body"] = body,
                ["msgtype"] = "m.text",
                ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray("@bob:remote.example") },
            },
            ["depth"] = 1234,
            ["origin_server_ts"] = 1_700_000_000_000,
            ["prev_events"] = new JsonArray("$xnLM4P3Hu9ebJcW2uJ2KQJmGdfBX1fDnpsTpYa0VWBQ"),
            ["room_id"] = "!OGEhHVWSdvArJzumhm:matrix.example",
            ["sender"] = "@alice:matrix.example",
            ["type"] = "m.room.message",
            ["unsigned"] = new JsonObject { ["age_ts"] = 1_700_000_000_000 },
        };
    }
}
