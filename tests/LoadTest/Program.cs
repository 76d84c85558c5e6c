using Messenger.LoadTest;

var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();

await using var server = await LoadServer.StartAsync(postgres);
Console.WriteLine($"# Messenger load test: {scenario} on {(postgres is null ? "SQLite" : "PostgreSQL")}, {Environment.ProcessorCount} cores");
if (scenario is "send" or "all") await SendScenario.RunAsync(server);
if (scenario is "fanout" or "all") await FanoutScenario.RunAsync(server);
if (scenario is "initial-sync" or "all") await InitialSyncScenario.RunAsync(server);
if (scenario is "probe") await ProbeScenario.RunAsync(server);
if (scenario is "federation" or "all") await FederationScenario.RunAsync(server);
if (scenario is "keys-claim" or "all") await KeysClaimScenario.RunAsync(server);
if (scenario is "to-device" or "all") await ToDeviceScenario.RunAsync(server);
