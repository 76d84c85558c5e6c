using Xunit;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// Each matrix-js-sdk suite of tests/EndToEnd/js must pass against the real homeserver
/// executable: the proof that an unmodified, widely used client works with Messenger.
/// </summary>
public sealed class MatrixJsSdkTests(HomeserverProcess homeserver, ITestOutputHelper output)
    : IClassFixture<HomeserverProcess>
{
    public static TheoryData<string> Suites => new(NodeSuites.Files());

    [Theory]
    [MemberData(nameof(Suites))]
    public async Task Suite_passes_against_the_real_homeserver(string suite)
    {
        var node = NodeSuites.FindOnPath("node");
        if (node is null)
        {
            Assert.Skip("node is not on PATH: the matrix-js-sdk suites need Node.js 20 or later");
        }

        var cancellation = TestContext.Current.CancellationToken;
        output.WriteLine(await NodeSuites.EnsurePackagesAsync(cancellation));
        var url = await homeserver.StartAsync(cancellation);

        var (exitCode, nodeOutput) = await NodeSuites.RunAsync(node, suite, url, cancellation);
        output.WriteLine($"$ MESSENGER_BASE_URL={url.ToString().TrimEnd('/')} node --test {suite}");
        output.WriteLine(nodeOutput);
        if (exitCode != 0)
        {
            output.WriteLine("--- homeserver output ---");
            output.WriteLine(homeserver.Log);
        }

        Assert.True(exitCode == 0, $"node --test {suite} exited with code {exitCode}; node's output, then the homeserver's, follow.");
    }
}
