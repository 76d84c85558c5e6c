using System.Text.Json.Nodes;
using Messenger.Homeserver.ClientApi.Keys;
using Messenger.Homeserver.RoomServer;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Messenger.Homeserver.Tests.Support.MatrixTestClient;

namespace Messenger.Homeserver.Tests.Keys;

/// <summary>"Send-to-Device messaging" and what sync reads of it (<see cref="SyncKeyData"/>), on both databases.</summary>
public abstract class ToDeviceTests(ServerFixture server)
{
    private HttpClient Http => server.Client;

    private long Current => server.Services.GetRequiredService<StreamPositions>().Current;

    private Task<MatrixResponse> SendAsync(CryptoDevice sender, string txnId, JsonObject messages, string type = "m.test") =>
        Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/{type}/{txnId}", new JsonObject { ["messages"] = messages }, sender.Token);

    private Task<ToDeviceBatch> InboxAsync(CryptoDevice device, long since, long? upTo = null) =>
        server.WithServiceAsync((SyncKeyData data) => data.ToDeviceAsync(device.UserId, device.DeviceId, since, upTo ?? Current, CancellationToken.None));

    [Fact]
    public async Task A_message_reaches_the_named_device_once_even_when_the_send_is_retried()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var bobsOther = await Http.NewCryptoDeviceAsync(bob.Session);
        var start = Current;
        var messages = new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject { ["n"] = 1 } } };
        (await SendAsync(alice, "txn1", messages)).AssertOk();
        (await SendAsync(alice, "txn1", messages.DeepClone().AsObject())).AssertOk();

        var inbox = await InboxAsync(bob, start);
        var message = Assert.Single(inbox.Events)!;
        Assert.Equal(alice.UserId, (string?)message["sender"]);
        Assert.Equal("m.test", (string?)message["type"]);
        Assert.Equal(1, (int)message["content"]!["n"]!);
        Assert.Empty((await InboxAsync(bobsOther, start)).Events);
    }

    [Fact]
    public async Task A_star_reaches_every_device_of_the_user_and_a_named_device_gets_its_own_content()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        using var bobsOther = await Http.NewCryptoDeviceAsync(bob.Session);
        var start = Current;
        (await SendAsync(alice, "star", new JsonObject
        {
            [bob.UserId] = new JsonObject { ["*"] = new JsonObject { ["to"] = "all" }, [bobsOther.DeviceId] = new JsonObject { ["to"] = "other" } },
        })).AssertOk();

        Assert.Equal("all", (string?)Assert.Single((await InboxAsync(bob, start)).Events)!["content"]!["to"]);
        Assert.Equal("other", (string?)Assert.Single((await InboxAsync(bobsOther, start)).Events)!["content"]!["to"]);
    }

    [Fact]
    public async Task Messages_stay_until_acknowledged_by_a_later_since_and_come_in_order()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var start = Current;
        for (var i = 0; i < 3; i++)
            (await SendAsync(alice, "order" + i, new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject { ["n"] = i } } })).AssertOk();

        var first = await InboxAsync(bob, start);
        Assert.Equal([0, 1, 2], first.Events.Select(e => (int)e!["content"]!["n"]!));
        Assert.Equal(3, (await InboxAsync(bob, start)).Events.Count);

        var afterAck = await InboxAsync(bob, first.Through);
        Assert.Empty(afterAck.Events);
        Assert.Empty((await InboxAsync(bob, start)).Events);
    }

    [Fact]
    public async Task A_sync_carries_at_most_100_messages_and_the_rest_come_next()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var start = Current;
        for (var i = 0; i < 105; i++)
            (await SendAsync(alice, "many" + i, new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject { ["n"] = i } } })).AssertOk();

        var first = await InboxAsync(bob, start);
        Assert.True(first.Limited);
        Assert.Equal(100, first.Events.Count);
        var second = await InboxAsync(bob, first.Through);
        Assert.False(second.Limited);
        Assert.Equal(Enumerable.Range(100, 5), second.Events.Select(e => (int)e!["content"]!["n"]!));
    }

    [Fact]
    public async Task A_send_to_many_devices_stores_each_its_own_content_intact_and_skips_unknown_devices()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        var recipients = new List<CryptoDevice>();
        try
        {
            for (var i = 0; i < 30; i++) recipients.Add(await Http.NewCryptoDeviceAsync());
            var start = Current;
            var messages = new JsonObject();
            foreach (var (device, i) in recipients.Select((d, i) => (d, i)))
            {
                // Quotes, backslashes, non-ASCII and nesting must survive the one-statement insert unchanged.
                messages[device.UserId] = new JsonObject
                {
                    [device.DeviceId] = new JsonObject { ["n"] = i, ["text"] = $"\"ключ\" \\ {i} 🔑", ["nested"] = new JsonObject { ["a"] = new JsonArray(1, "b") } },
                    ["NO_SUCH_DEVICE"] = new JsonObject { ["n"] = -1 },
                };
            }
            messages["@nobody-here:" + ServerFixture.ServerName] = new JsonObject { ["*"] = new JsonObject() };
            (await SendAsync(alice, "fanout", messages)).AssertOk();

            foreach (var (device, i) in recipients.Select((d, i) => (d, i)))
            {
                var content = Assert.Single((await InboxAsync(device, start)).Events)!["content"]!;
                Assert.Equal(i, (int)content["n"]!);
                Assert.Equal($"\"ключ\" \\ {i} 🔑", (string?)content["text"]);
                Assert.Equal("b", (string?)content["nested"]!["a"]![1]);
            }
        }
        finally
        {
            foreach (var device in recipients) device.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_retries_of_one_transaction_deliver_the_message_once()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var start = Current;
        var sends = Enumerable.Range(0, 10).Select(_ =>
            SendAsync(alice, "same-txn", new JsonObject { [bob.UserId] = new JsonObject { ["*"] = new JsonObject { ["once"] = true } } }));
        foreach (var response in await Task.WhenAll(sends)) response.AssertOk();
        Assert.Single((await InboxAsync(bob, start)).Events);
    }

    [Fact]
    public async Task A_send_wakes_the_recipients_long_poll()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var notifier = server.Services.GetRequiredService<EventNotifier>();
        using var waiter = notifier.Watch([bob.UserId]);
        (await SendAsync(alice, "wake", new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject() } })).AssertOk();
        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
    }

    [Fact]
    public async Task Bad_or_oversized_messages_are_refused_and_nothing_is_stored()
    {
        using var alice = await Http.NewCryptoDeviceAsync();
        using var bob = await Http.NewCryptoDeviceAsync();
        var start = Current;
        var huge = new JsonObject { ["data"] = new string('x', 70_000) };
        (await SendAsync(alice, "huge", new JsonObject
        {
            [bob.UserId] = new JsonObject { [bob.DeviceId] = new JsonObject { ["small"] = true } },
            [alice.UserId] = new JsonObject { [alice.DeviceId] = huge },
        })).AssertError(413, "M_TOO_LARGE");
        (await SendAsync(alice, "bad", new JsonObject { [bob.UserId] = new JsonObject { [bob.DeviceId] = "text" } })).AssertError(400, "M_BAD_JSON");
        (await SendAsync(alice, "nouser", new JsonObject { ["bob"] = new JsonObject() })).AssertError(400, "M_INVALID_PARAM");
        (await Http.SendMatrixAsync(HttpMethod.Put, $"{V3}/sendToDevice/m.test/none", new JsonObject(), alice.Token)).AssertError(400, "M_MISSING_PARAM");
        Assert.Empty((await InboxAsync(bob, start)).Events);
    }
}

public sealed class SqliteToDeviceTests(SqliteServer server) : ToDeviceTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresToDeviceTests(PostgresServer server) : ToDeviceTests(server), IClassFixture<PostgresServer>;
