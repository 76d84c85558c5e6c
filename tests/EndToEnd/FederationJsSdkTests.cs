namespace Messenger.EndToEnd.Tests;

/// <summary>
/// The matrix-js-sdk suites that need two federating homeservers (<see cref="NodeSuites.FederationSuites"/>): users of
/// one server talk with users of the other through their own servers only, so whatever crosses went over the
/// Server-Server API. The suite gets the first server in <c>MESSENGER_BASE_URL</c> and the second in
/// <c>MESSENGER_OTHER_BASE_URL</c>, and may kill and restart the second process through <see cref="ServerControl"/>.
/// </summary>
public sealed class FederationJsSdkTests(FederatingHomeservers servers, ITestOutputHelper output)
    : IClassFixture<FederatingHomeservers>
{
    public static TheoryData<string> Suites => new(NodeSuites.FederationSuites);

    [Theory]
    [MemberData(nameof(Suites))]
    public async Task Suite_passes_between_two_federating_homeservers(string suite)
    {
        var node = NodeSuites.FindOnPath("node");
        if (node is null)
        {
            Assert.Skip("node is not on PATH: the matrix-js-sdk suites need Node.js 20 or later");
        }

        var cancellation = TestContext.Current.CancellationToken;
        output.WriteLine(await NodeSuites.EnsurePackagesAsync(cancellation));
        var (first, second) = await servers.StartAsync(cancellation);
        var other = second.ToString().TrimEnd('/');
        await using var control = ServerControl.Start(servers);

        var (exitCode, nodeOutput) = await NodeSuites.RunAsync(node, suite, first, cancellation,
            new Dictionary<string, string> { [NodeSuites.OtherBaseUrlVariable] = other, [ServerControl.UrlVariable] = control.Url });
        output.WriteLine($"$ MESSENGER_BASE_URL={first.ToString().TrimEnd('/')} {NodeSuites.OtherBaseUrlVariable}={other} node --test {suite}");
        output.WriteLine($"servers: {servers.First.ServerName} and {servers.Second.ServerName}");
        output.WriteLine(nodeOutput);
        if (exitCode != 0)
        {
            output.WriteLine("--- homeservers' output ---");
            output.WriteLine(servers.Log);
        }

        Assert.True(exitCode == 0, $"node --test {suite} exited with code {exitCode}; node's output, then the homeservers', follow.");
    }
}
