using Messenger.LoadTest;

var scenario = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).FirstOrDefault() ?? "all";
var postgres = Option("--postgres");
var members = int.Parse(Option("--members") ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
var rounds = int.Parse(Option("--rounds") ?? "3", System.Globalization.CultureInfo.InvariantCulture);

await using var server = await LoadServer.StartAsync(postgres);
Console.WriteLine($"# Messenger load test: {scenario} on {(postgres is null ? "SQLite" : "PostgreSQL")}, {Environment.ProcessorCount} cores");
if (scenario is "send" or "all") await SendScenario.RunAsync(server, Option("--phase"));
if (scenario is "fanout" or "all") await FanoutScenario.RunAsync(server, members, rounds);
if (scenario is "initial-sync" or "all") await InitialSyncScenario.RunAsync(server, int.Parse(Option("--samples") ?? "30", System.Globalization.CultureInfo.InvariantCulture), args.Contains("--probe"));
if (scenario is "probe") await ProbeScenario.RunAsync(server);
if (scenario is "federation" or "all") await FederationScenario.RunAsync(server);
if (scenario is "keys-claim" or "all") await KeysClaimScenario.RunAsync(server);
if (scenario is "to-device" or "all") await ToDeviceScenario.RunAsync(server);

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
