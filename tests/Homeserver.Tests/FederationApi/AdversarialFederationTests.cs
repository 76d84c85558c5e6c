using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Messenger.Federation.Client;
using Messenger.Federation.Protocol.Encoding;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.FederationApi;

/// <summary>
/// A malicious or broken server against a real one over <c>PUT /send</c> ("Checks performed on receipt of a PDU",
/// "Server Access Control Lists", "Transactions"): A holds its real signing key and forges what it likes; B must drop
/// what fails signatures or names another server's sender, keep a PDU whose content hash fails only in its redacted
/// form, refuse PDUs of a server its ACL denies and transactions over the limits, and its room state never changes
/// through any of it.
/// </summary>
public abstract class AdversarialFederationTests(FederatingPair pair)
{
    private const int MaxEdusPerTransaction = 100;
    private const int MaxPduBytes = 65_536;

    private static JsonObject Text(string body) => new() { ["msgtype"] = "m.text", ["body"] = body };

    private static async Task<Dictionary<string, string>> StateAsync(FederatingServer server, Session user, string roomId) =>
        (await server.Client.RoomGetAsync(user, roomId, "state")).AssertOk().Raw.Content.ReadAsStringAsync() is var text
            ? JsonNode.Parse(await text)!.AsArray().ToDictionary(e => $"{e!["type"]}|{e["state_key"]}", e => (string)e!["event_id"]!)
            : [];

    private static Task<MatrixResponse> EventAsync(FederatingServer server, Session user, string roomId, string eventId) =>
        server.Client.RoomGetAsync(user, roomId, "event/" + Uri.EscapeDataString(eventId));

    [Fact]
    public async Task Pdu_with_a_forged_signature_is_dropped_and_the_state_is_unchanged()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var before = await StateAsync(pair.B, bob, roomId);
        var pdu = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.topic", new JsonObject { ["topic"] = "forged" }, "");
        var eventId = await ForgedPdus.EventIdAsync(pair.A, roomId, pdu);
        // A signature under A's key id that A's key never made.
        var signatures = pdu["signatures"]![pair.A.ServerName]!.AsObject();
        foreach (var keyId in signatures.Select(kv => kv.Key).ToList()) signatures[keyId] = UnpaddedBase64.Encode(RandomNumberGenerator.GetBytes(64));

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [pdu]);

        Assert.NotNull(answer[eventId]?["error"]);
        (await EventAsync(pair.B, bob, roomId, eventId)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal(before, await StateAsync(pair.B, bob, roomId));
    }

    [Fact]
    public async Task Pdu_whose_content_hash_does_not_match_is_kept_redacted_not_dropped()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var pdu = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("as signed"));
        var eventId = await ForgedPdus.EventIdAsync(pair.A, roomId, pdu);
        // The signature covers the redacted event (no content), so it still holds; the content hash does not.
        pdu["content"]!["body"] = "changed in transit";

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [pdu]);

        Assert.Empty(answer[eventId]!.AsObject());
        var served = (await EventAsync(pair.B, bob, roomId, eventId)).AssertOk().Body;
        Assert.Empty(served["content"]!.AsObject());
    }

    [Fact]
    public async Task Pdu_whose_sender_belongs_to_another_server_that_did_not_sign_it_is_dropped()
    {
        var (roomId, _, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var before = await StateAsync(pair.B, bob, roomId);
        // A speaks for B's own user, signed only by A.
        var pdu = await ForgedPdus.BuildAsync(pair.A, roomId, bob.UserId, "m.room.message", Text("not bob"));
        var eventId = await ForgedPdus.EventIdAsync(pair.A, roomId, pdu);

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [pdu]);

        Assert.NotNull(answer[eventId]?["error"]);
        (await EventAsync(pair.B, bob, roomId, eventId)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal(before, await StateAsync(pair.B, bob, roomId));
    }

    [Fact]
    public async Task Pdus_and_typing_of_a_server_the_rooms_acl_denies_are_refused()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        (await pair.A.Client.PutStateAsync(alice, roomId, "m.room.server_acl", "",
            new { allow = new[] { "*" }, deny = new[] { pair.B.ServerName }, allow_ip_literals = true })).AssertOk();
        var before = await StateAsync(pair.A, alice, roomId);
        var pdu = await ForgedPdus.BuildAsync(pair.B, roomId, bob.UserId, "m.room.topic", new JsonObject { ["topic"] = "from a denied server" }, "");
        var eventId = await ForgedPdus.EventIdAsync(pair.B, roomId, pdu);
        var typing = new JsonObject
        {
            ["edu_type"] = "m.typing", ["content"] = new JsonObject { ["room_id"] = roomId, ["user_id"] = bob.UserId, ["typing"] = true },
        };

        var answer = await ForgedPdus.SendAsync(pair.B, pair.A, [pdu], [typing]);

        // "If the sending server is denied access to the room identified by room_id, the PDU MUST be ignored with an
        // appropriate error", and for m.typing "the EDU MUST be ignored".
        Assert.NotNull(answer[eventId]?["error"]);
        (await EventAsync(pair.A, alice, roomId, eventId)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal(before, await StateAsync(pair.A, alice, roomId));
        var sync = await pair.A.Client.SyncAsync(alice);
        var ephemeral = sync["rooms"]!["join"]![roomId]!["ephemeral"]?["events"]?.AsArray() ?? [];
        Assert.DoesNotContain(ephemeral, e => (string?)e!["type"] == "m.typing" && e["content"]!["user_ids"]!.AsArray().Any(u => (string?)u == bob.UserId));
    }

    [Fact]
    public async Task Transaction_over_100_edus_is_refused_with_400()
    {
        var edus = Enumerable.Range(0, MaxEdusPerTransaction + 1)
            .Select(i => new JsonObject { ["edu_type"] = "m.example", ["content"] = new JsonObject { ["i"] = i } }).ToArray();

        var refused = await Assert.ThrowsAsync<FederationRequestException>(() => ForgedPdus.SendAsync(pair.A, pair.B, [], edus));

        Assert.Equal(400, refused.Status);
    }

    [Fact]
    public async Task Pdu_over_64_KiB_is_not_accepted_even_correctly_signed()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var before = await StateAsync(pair.B, bob, roomId);
        var pdu = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("small"));
        pdu["content"]!["body"] = new string('x', MaxPduBytes);
        var eventId = await ForgedPdus.ResignAsync(pair.A, roomId, pdu);

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [pdu]);

        Assert.False(answer[eventId] is JsonObject { Count: 0 }, "an oversized PDU must not be reported as processed");
        (await EventAsync(pair.B, bob, roomId, eventId)).AssertError(404, "M_NOT_FOUND");
        Assert.Equal(before, await StateAsync(pair.B, bob, roomId));
    }

    [Fact]
    public async Task Malformed_pdus_get_a_result_only_under_an_id_that_can_be_computed_and_never_break_the_transaction()
    {
        var (roomId, alice, bob) = await SharedRooms.SharedRoomAsync(pair.A, pair.B);
        var valid = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("still delivered"));
        var validId = await ForgedPdus.EventIdAsync(pair.A, roomId, valid);
        var noRoom = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("no room"));
        noRoom.Remove("room_id");
        noRoom["event_id"] = $"$claimed:{pair.A.ServerName}";
        // v3+ ids are reference hashes: a malformed PDU is answered under that, never under an event_id it claims.
        var badDepth = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("bad depth"));
        badDepth["depth"] = "deep";
        badDepth["event_id"] = $"$claimed2:{pair.A.ServerName}";
        var badDepthId = await ForgedPdus.EventIdAsync(pair.A, roomId, badDepth);

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [JsonValue.Create(42), JsonValue.Create("not an event"), new JsonArray(), noRoom, badDepth, valid]);

        Assert.Equal(new[] { badDepthId, validId }.Order(), answer.Select(kv => kv.Key).Order());
        Assert.NotNull(answer[badDepthId]!["error"]);
        Assert.Empty(answer[validId]!.AsObject());
        (await EventAsync(pair.B, bob, roomId, validId)).AssertOk();
    }

    [Fact]
    public async Task In_a_v1_room_a_pdu_whose_event_id_is_malformed_gets_no_result()
    {
        var alice = await pair.A.Client.RegisterAsync();
        var roomId = await pair.A.Client.CreateRoomAsync(alice, new { preset = "public_chat", room_version = "1" });
        var bob = await pair.B.Client.RegisterAsync();
        await SharedRooms.JoinAsync(pair.B, bob, roomId, pair.A.ServerName);
        var valid = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("v1 message"));
        var badId = await ForgedPdus.BuildAsync(pair.A, roomId, alice.UserId, "m.room.message", Text("bad id"));
        badId["event_id"] = "not an event id";

        var answer = await ForgedPdus.SendAsync(pair.A, pair.B, [badId, valid]);

        Assert.Equal([(string)valid["event_id"]!], answer.Select(kv => kv.Key));
        Assert.Empty(answer[(string)valid["event_id"]!]!.AsObject());
    }

    [Fact]
    public async Task Request_from_a_server_outside_the_allow_list_is_refused_with_403()
    {
        await using var listedOnly = await FederatingServer.StartAsync("listed-only.fed.test", pair.Dns, """
            database:
              type: sqlite
              sqlite_path: homeserver.db
            """, $"""
              domain_whitelist: ["{pair.A.ServerName}"]
            """);
        var path = "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString("@nobody:listed-only.fed.test");

        var refused = await Assert.ThrowsAsync<FederationRequestException>(() =>
            pair.B.Services.GetRequiredService<IFederationClient>().GetJsonAsync(listedOnly.ServerName, path, CancellationToken.None, FederationCallOptions.NoRetry));
        var fromListed = await Assert.ThrowsAsync<FederationRequestException>(() =>
            pair.A.Services.GetRequiredService<IFederationClient>().GetJsonAsync(listedOnly.ServerName, path, CancellationToken.None, FederationCallOptions.NoRetry));

        Assert.Equal(403, refused.Status);
        Assert.Equal("M_FORBIDDEN", refused.Errcode);
        Assert.Equal(404, fromListed.Status); // authenticated, and the user simply does not exist
    }
}

public sealed class SqliteAdversarialFederationTests(SqliteFederatingPair pair) : AdversarialFederationTests(pair), IClassFixture<SqliteFederatingPair>;

public sealed class PostgresAdversarialFederationTests(PostgresFederatingPair pair) : AdversarialFederationTests(pair), IClassFixture<PostgresFederatingPair>;
