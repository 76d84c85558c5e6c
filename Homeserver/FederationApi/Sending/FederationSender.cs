using Messenger.Homeserver.RoomServer;
using Messenger.Federation.Client;
using Messenger.Homeserver.Configuration;
using Messenger.Homeserver.Storage;
using System.Text.Json.Nodes;

namespace Messenger.Homeserver.FederationApi.Sending;

/// <summary>
/// Delivers the federation queue (server-server API, "Transactions"; local events are queued with their commit by
/// <see cref="LocalEventFanout"/>, which wakes it; local device list changes become EDUs here, <see cref="Edus.DeviceListEduSender"/>): sends each due destination its transactions one after the other (<c>PUT /_matrix/federation/v1/send/{txnId}</c>, at most 50
/// PDUs and 100 EDUs, in order). A destination that fails is retried with exponential back-off, the same
/// transaction each time, until it answers; it is caught up from the queue when it returns, also after a restart.
/// A 4xx other than 429 is a refusal for good: that transaction is dropped so that one bad batch cannot wedge a
/// destination. Runs on the server's clock.
/// </summary>
public sealed partial class FederationSender(IServiceScopeFactory scopes, IFederationClient client,
    FederationSenderSignal signal, HomeserverConfig config, TimeProvider time, ILogger<FederationSender> logger, StreamPositions positions) : BackgroundService
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(10);
    private const int MaxParallelDestinations = 16;

    private readonly HashSet<string> sending = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The back-off after <paramref name="failures"/> consecutive failures: 5 s doubling up to 10 minutes.</summary>
    public static TimeSpan Backoff(int failures)
    {
        var delay = FirstRetry * Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        return delay > MaxRetry ? MaxRetry : delay;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            foreach (var destination in await scope.ServiceProvider.GetRequiredService<FederationOutboxStore>().BackedOffAsync(stoppingToken))
                signal.MarkBackedOff(destination);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait = TimeSpan.FromSeconds(30);
            await DeviceListFanoutAsync(stoppingToken);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<FederationOutboxStore>();
                foreach (var destination in signal.TakeRecovered()) await outbox.ClearBackoffAsync(destination, stoppingToken);
                var now = Now;
                foreach (var destination in await outbox.DueDestinationsAsync(now, stoppingToken)) StartDestination(destination, stoppingToken);
                if (await outbox.NextRetryAsync(now, stoppingToken) is { } next)
                    wait = TimeSpan.FromMilliseconds(Math.Clamp(next - now, 1, wait.TotalMilliseconds));
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed(logger, e);
            }
            await signal.WaitAsync(wait, time, stoppingToken);
        }
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Queues local device list changes as EDUs (<see cref="Edus.DeviceListEduSender"/>); a failure there never stops sending.</summary>
    private async Task DeviceListFanoutAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var deviceLists = scope.ServiceProvider.GetRequiredService<Edus.DeviceListEduSender>();
            while (await deviceLists.FanoutAsync(positions.Current, ct) == Edus.DeviceListEduSender.Batch)
            {
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogLoopFailed(logger, e);
        }
    }

    private void StartDestination(string destination, CancellationToken ct)
    {
        lock (gate)
        {
            if (sending.Count >= MaxParallelDestinations || !sending.Add(destination)) return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await SendQueueAsync(destination, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                LogLoopFailed(logger, e);
            }
            finally
            {
                lock (gate) sending.Remove(destination);
                signal.Wake();
            }
        }, ct);
    }

    /// <summary>Sends transactions to one destination until its queue is empty or it fails.</summary>
    private async Task SendQueueAsync(string destination, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<FederationOutboxStore>();
            var transaction = await outbox.NextTransactionAsync(destination, Now, ct);
            if (transaction is null) return;

            var body = new JsonObject
            {
                ["origin"] = config.ServerName,
                ["origin_server_ts"] = Now,
                ["pdus"] = new JsonArray(transaction.Pdus.Select(p => (JsonNode)p).ToArray()),
            };
            if (transaction.Edus.Count > 0) body["edus"] = new JsonArray(transaction.Edus.Select(e => (JsonNode)e).ToArray());
            try
            {
                var answer = await client.PutJsonAsync(destination, "/_matrix/federation/v1/send/" + Uri.EscapeDataString(transaction.TxnId), body, ct,
                    FederationCallOptions.NoRetry);
                LogSent(logger, destination, transaction.TxnId, transaction.Pdus.Count, transaction.Edus.Count);
                foreach (var (eventId, result) in answer["pdus"] as JsonObject ?? [])
                {
                    if (result?["error"] is JsonValue error) LogPduRefused(logger, destination, eventId, error.ToString());
                }
                await outbox.CompleteAsync(destination, transaction.TxnId, ct);
                signal.MarkDelivered(destination);
            }
            catch (FederationRequestException e) when (!e.IsTransient)
            {
                LogDropped(logger, destination, transaction.TxnId, e.Message);
                await outbox.CompleteAsync(destination, transaction.TxnId, ct);
            }
            catch (FederationRequestException e)
            {
                var now = Now;
                var failures = await outbox.FailAsync(destination, n => now + (long)Backoff(n).TotalMilliseconds, ct);
                signal.MarkBackedOff(destination);
                LogBackoff(logger, destination, failures, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7401, Level = LogLevel.Debug, Message = "Transaction {TxnId} to {Destination}: {Pdus} PDUs, {Edus} EDUs delivered")]
    private static partial void LogSent(ILogger logger, string destination, string txnId, int pdus, int edus);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "{Destination} refused event {EventId}: {Error}")]
    private static partial void LogPduRefused(ILogger logger, string destination, string eventId, string error);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "Transaction {TxnId} to {Destination} refused for good and dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string destination, string txnId, string reason);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Information, Message = "{Destination} unreachable ({Failures} in a row), backing off: {Reason}")]
    private static partial void LogBackoff(ILogger logger, string destination, int failures, string reason);

    [LoggerMessage(EventId = 7405, Level = LogLevel.Error, Message = "Federation sender loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
