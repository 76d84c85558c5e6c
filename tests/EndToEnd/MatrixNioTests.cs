using System.Diagnostics;
using Xunit;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// A second, independent crypto stack: matrix-nio with libolm (Python) exchanges Megolm-encrypted messages with a
/// matrix-js-sdk client (Rust crypto) through the real homeserver (<c>js/nio.interop.mjs</c> drives
/// <c>python/nio_peer.py</c>). It needs Debian's <c>python3-matrix-nio</c> and <c>python3-olm</c> for the system
/// python (<c>/usr/bin/python3</c>, not a pyenv or venv one that lacks them); <c>.ci/run</c> installs them.
/// </summary>
public sealed class MatrixNioTests(HomeserverProcess homeserver, ITestOutputHelper output)
    : IClassFixture<HomeserverProcess>
{
    private const string Suite = "nio.interop.mjs";
    private const string SystemPython = "/usr/bin/python3";

    [Fact]
    public async Task Nio_and_js_sdk_clients_decrypt_each_others_messages()
    {
        var node = NodeSuites.FindOnPath("node");
        if (node is null)
        {
            Assert.Skip("node is not on PATH: the matrix-js-sdk side of this test needs Node.js 20 or later");
        }

        var cancellation = TestContext.Current.CancellationToken;
        var missing = await MissingPythonModulesAsync(cancellation);
        if (missing is not null)
        {
            Assert.Skip(missing);
        }

        output.WriteLine(await NodeSuites.EnsurePackagesAsync(cancellation));
        var url = await homeserver.StartAsync(cancellation);
        var environment = new Dictionary<string, string> { ["MESSENGER_NIO_PYTHON"] = SystemPython };
        var (exitCode, nodeOutput) = await NodeSuites.RunAsync(node, Suite, url, cancellation, environment);
        output.WriteLine($"$ MESSENGER_BASE_URL={url.ToString().TrimEnd('/')} MESSENGER_NIO_PYTHON={SystemPython} node --test {Suite}");
        output.WriteLine(nodeOutput);
        if (exitCode != 0)
        {
            output.WriteLine("--- homeserver output ---");
            output.WriteLine(homeserver.Log);
        }

        Assert.True(exitCode == 0, $"node --test {Suite} exited with code {exitCode}; node's output, then the homeserver's, follow.");
    }

    /// <summary>Null when the system python imports nio and olm; otherwise why the test cannot run.</summary>
    private static async Task<string?> MissingPythonModulesAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(SystemPython))
        {
            return $"{SystemPython} does not exist: the matrix-nio test needs the system python3 with python3-matrix-nio and python3-olm";
        }

        var info = new ProcessStartInfo(SystemPython);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import nio, olm; from nio.crypto import ENCRYPTION_ENABLED; assert ENCRYPTION_ENABLED");
        var (exitCode, text) = await CapturedProcess.RunAsync(info, TimeSpan.FromSeconds(60), cancellationToken);
        return exitCode == 0
            ? null
            : $"{SystemPython} cannot import matrix-nio with encryption (install Debian's python3-matrix-nio and python3-olm): {text.Trim()}";
    }
}
