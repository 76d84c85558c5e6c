using System.Text.Json.Nodes;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>Device list changes (<c>/keys/changes</c>, sync's <c>device_lists</c>), on both databases.</summary>
public abstract class DeviceListTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private string Token => "s" + server.Services.GetRequiredService<StreamPositions>().Current;

    private async Task<(List<string> Changed, List<string> Left)> ChangesAsync(CryptoDevice reader, string from)
    {
        var body = (await Http.GetMatrixAsync($"{V3}/keys/changes?from={from}&to={Token}", reader.Token)).AssertOk().Body;
        return (body["changed"]!.AsArray().Select(u => (string)u!).ToList(), body["left"]!.AsArray().Select(u => (string)u!).ToList());
    }

    private async Task<string> SharedRoomAsync(CryptoDevice alice, CryptoDevice bob)
    {
        var roomId = await Http.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        (await Http.RoomPostAsync(bob.Session, roomId, "join", new { })).AssertOk();
        return roomId;
    }

    [Fact]
    public async Task A_roommate_who_uploads_keys_is_changed_and_a_stranger_is_not()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var stranger = await Http.NewCryptoDeviceAsync();
        await SharedRoomAsync(alice, bob);
        var from = Token;

        await Http.PublishAsync(bob);
        await Http.PublishAsync(stranger);

        var (changed, left) = await ChangesAsync(alice, from);
        Assert.Equal([bob.UserId], changed);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_new_roommate_is_changed_and_one_who_leaves_the_last_shared_room_is_left()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var roomId = await Http.CreateRoomAsync(alice.Session, new { preset = "public_chat" });
        var beforeJoin = Token;
        (await Http.RoomPostAsync(bob.Session, roomId, "join", new { })).AssertOk();
        Assert.Contains(bob.UserId, (await ChangesAsync(alice, beforeJoin)).Changed);
        Assert.Contains(alice.UserId, (await ChangesAsync(bob, beforeJoin)).Changed);

        var beforeLeave = Token;
        (await Http.RoomPostAsync(bob.Session, roomId, "leave", new { })).AssertOk();
        var (changed, left) = await ChangesAsync(alice, beforeLeave);
        Assert.Equal([bob.UserId], left);
        Assert.DoesNotContain(bob.UserId, changed);
        Assert.Equal([alice.UserId], (await ChangesAsync(bob, beforeLeave)).Left);
    }

    [Fact]
    public async Task Deleting_a_device_and_new_cross_signing_keys_are_changes()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var bobsOther = await Http.NewCryptoDeviceAsync(bob.Session);
        await SharedRoomAsync(alice, bob);
        await Http.PublishAsync(bobsOther);

        var beforeLogout = Token;
        (await Http.PostMatrixAsync(V3 + "/logout", new JsonObject(), bobsOther.Token)).AssertOk();
        Assert.Equal([bob.UserId], (await ChangesAsync(alice, beforeLogout)).Changed);

        var beforeSigning = Token;
        using var master = CryptoDevice.NewCrossSigningKey();
        (await Http.PostMatrixAsync(V3 + "/keys/device_signing/upload", new JsonObject { ["master_key"] = bob.CrossSigningKey(master, "master") }, bob.Token)).AssertOk();
        Assert.Equal([bob.UserId], (await ChangesAsync(alice, beforeSigning)).Changed);
    }

    [Fact]
    public async Task A_key_upload_wakes_roommates_long_polls()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        await SharedRoomAsync(alice, bob);
        using var waiter = server.Services.GetRequiredService<EventNotifier>().Watch([alice.UserId]);
        await Http.PublishAsync(bob);
        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task Changes_needs_sync_tokens()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        (await Http.GetMatrixAsync($"{V3}/keys/changes?from=garbage&to={Token}", alice.Token)).AssertError(400, "M_INVALID_PARAM");
        (await Http.GetMatrixAsync($"{V3}/keys/changes?to={Token}", alice.Token)).AssertError(400, "M_MISSING_PARAM");
    }
}

public sealed class SqliteDeviceListTests(SqliteServer server) : DeviceListTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresDeviceListTests(PostgresServer server) : DeviceListTests(server), IClassFixture<PostgresServer>;
