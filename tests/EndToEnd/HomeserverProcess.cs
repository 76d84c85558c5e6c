using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// The real <c>Messenger.Homeserver</c> executable, run as a child process exactly as a user
/// runs it (<c>dotnet Messenger.Homeserver.dll --config homeserver.yaml</c>), on Kestrel bound to
/// 127.0.0.1, so end-to-end clients test what ships rather than an in-memory host.
/// Started on first use and shared by the tests of a class; disposing kills it and deletes its
/// directory. Made with a <see cref="TestCertificateAuthority"/>, it federates (see <see cref="TestHomeserverConfig"/>)
/// and trusts that authority alone. <see cref="KillAsync"/> ends the process as a crash would and keeps the rest, so the
/// next <see cref="StartAsync"/> brings the same server back: same name, ports, signing key and database.
/// </summary>
public sealed class HomeserverProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly TestCertificateAuthority? authority;
    private DirectoryInfo? directory;
    private TestHomeserverConfig? config;
    private CapturedProcess? process;
    private Uri? baseUrl;
    private string earlierOutput = "";

    /// <summary>A lone server named <c>localhost</c>.</summary>
    public HomeserverProcess()
    {
    }

    /// <summary>A federating server named <c>127.0.0.1:PORT</c> whose certificate <paramref name="authority"/> issues.</summary>
    internal HomeserverProcess(TestCertificateAuthority authority) => this.authority = authority;

    /// <summary>The server name, once started.</summary>
    public string? ServerName { get; private set; }

    /// <summary>What the server printed so far, for a failing test's output.</summary>
    public string Log => earlierOutput + (process?.Output ?? "(the homeserver is not running)");

    /// <summary>
    /// Starts the server unless it runs already and returns its client base URL once
    /// <c>GET /_matrix/client/versions</c> answers 200; throws with the server's output when
    /// it exits or stays silent for <see cref="StartTimeout"/>.
    /// </summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (baseUrl is not null)
            {
                return baseUrl;
            }

            if (config is null)
            {
                directory = System.IO.Directory.CreateTempSubdirectory("messenger-e2e-");
                config = TestHomeserverConfig.Write(directory.FullName, authority);
            }

            process = CapturedProcess.Start(StartInfo(config));
            ServerName = config.ServerName;
            await WaitUntilAnsweringAsync(config.BaseUrl, cancellationToken);
            baseUrl = config.BaseUrl;
            return baseUrl;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Kills the process (no graceful shutdown, as a crash or a power cut) and keeps its directory, so that
    /// <see cref="StartAsync"/> starts the same server again on the same ports and database. Its output so far stays
    /// in <see cref="Log"/>.
    /// </summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (process is null)
            {
                return;
            }

            process.Kill();
            earlierOutput += process.Output + $"--- killed at {DateTime.UtcNow:HH:mm:ss.fff} ---\n";
            process.Dispose();
            process = null;
            baseUrl = null;
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        process?.Dispose();
        try
        {
            directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean: a temp directory is not worth failing a run over.
        }

        gate.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ProcessStartInfo StartInfo(TestHomeserverConfig config)
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, "Messenger.Homeserver.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException(
                "Messenger.Homeserver.dll is not beside the tests; the ProjectReference to Homeserver should copy it.",
                assembly);
        }

        var info = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = config.Directory };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config.ConfigPath);

        // MESSENGER__* variables override config keys: a developer's would change the database the
        // test runs on. Only the file counts, so none of the project's variables are passed on.
        foreach (var name in info.Environment.Keys.ToList())
        {
            if (name.StartsWith("MESSENGER_", StringComparison.OrdinalIgnoreCase)
                || name.Equals("ASPNETCORE_URLS", StringComparison.OrdinalIgnoreCase)
                || name.Equals("DOTNET_URLS", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        // OpenSSL's variables, which .NET on Linux reads for its root store: the test authority (alone in its
        // directory) is the only trusted root, so the other server's certificate verifies and no other would.
        if (config.Authority is not null)
        {
            info.Environment["SSL_CERT_FILE"] = config.Authority.CertificatePath;
            info.Environment["SSL_CERT_DIR"] = Path.GetDirectoryName(config.Authority.CertificatePath)!;
        }

        return info;
    }

    /// <summary>The dotnet host that runs these tests, so the server gets the same runtime.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ holds the runtime; <root>/dotnet is the host.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private async Task WaitUntilAnsweringAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (deadline.Elapsed < StartTimeout)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException(
                    $"The homeserver exited with code {process.ExitCode} before answering on {url}. Its output:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync("_matrix/client/versions", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                lastProblem = $"GET /_matrix/client/versions answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        process!.Kill();
        throw new TimeoutException(
            $"The homeserver did not answer GET {url}_matrix/client/versions within {StartTimeout} ({lastProblem}). Its output:\n{Log}");
    }
}
