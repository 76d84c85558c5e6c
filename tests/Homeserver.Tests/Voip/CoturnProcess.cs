using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Messenger.Homeserver.Tests.Voip;

/// <summary>
/// A real coturn <c>turnserver</c> on 127.0.0.1 with <c>use-auth-secret</c>, and <c>turnutils_uclient</c> to allocate a
/// relay through it with given credentials. Both come from the Debian package <c>coturn</c>; without them
/// <see cref="SkipReason"/> says so.
/// </summary>
public sealed class CoturnProcess : IAsyncDisposable
{
    private readonly Process server;

    public int Port { get; }

    private CoturnProcess(Process server, int port)
    {
        this.server = server;
        Port = port;
    }

    public static string? SkipReason =>
        Find("turnserver") is null || Find("turnutils_uclient") is null
            ? "coturn is not installed (Debian package 'coturn': turnserver, turnutils_uclient)"
            : null;

    public static async Task<CoturnProcess> StartAsync(string sharedSecret)
    {
        var port = FreePort();
        var relayBase = 50000 + Random.Shared.Next(0, 100) * 100;
        var process = Process.Start(new ProcessStartInfo(Find("turnserver")!)
        {
            ArgumentList =
            {
                "-n", "--listening-ip=127.0.0.1", $"--listening-port={port}", "--relay-ip=127.0.0.1",
                $"--min-port={relayBase}", $"--max-port={relayBase + 99}", "--use-auth-secret", $"--static-auth-secret={sharedSecret}",
                "--realm=test.local", "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--log-file=stdout", "--simple-log",
                $"--pidfile={Path.Combine(Path.GetTempPath(), $"turnserver-{port}.pid")}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var coturn = new CoturnProcess(process, port);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return coturn;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        await coturn.DisposeAsync();
        throw new InvalidOperationException("turnserver did not start listening");
    }

    /// <summary>
    /// Runs <c>turnutils_uclient</c> against this server: it allocates relays with the credentials and sends a few
    /// messages to itself through them. True when the allocation succeeded and the messages came back.
    /// </summary>
    public async Task<(bool Accepted, string Output)> TryRelayAsync(string username, string password)
    {
        using var client = Process.Start(new ProcessStartInfo(Find("turnutils_uclient")!)
        {
            ArgumentList = { "-u", username, "-w", password, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", "127.0.0.1", "-y", "-n", "1", "-m", "1", "-l", "64", "127.0.0.1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        var accepted = client.ExitCode == 0 && !output.Contains("Cannot complete Allocation", StringComparison.Ordinal)
            && System.Text.RegularExpressions.Regex.IsMatch(output, @"tot_recv_bytes ~ [1-9]");
        return (accepted, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        server.Dispose();
    }

    private static int FreePort()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
    }

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
