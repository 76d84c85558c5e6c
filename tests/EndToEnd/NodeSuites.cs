using System.Diagnostics;
using System.Reflection;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// The JavaScript suites in <c>tests/EndToEnd/js</c> (<c>*.test.mjs</c>, matrix-js-sdk clients),
/// run with node's built-in test runner against a homeserver given by <c>MESSENGER_BASE_URL</c>.
/// </summary>
internal static class NodeSuites
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(5);

    /// <summary>One install at a time: the test classes run in parallel and two <c>npm ci</c> in one folder clash.</summary>
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>The js folder in the source tree, recorded at build time by the csproj.</summary>
    public static string Directory { get; } = typeof(NodeSuites).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EndToEndJsDirectory").Value!;

    /// <summary>Suites that need two federating homeservers; <see cref="FederationJsSdkTests"/> runs them.</summary>
    public static IReadOnlyList<string> FederationSuites { get; } = ["federation.test.mjs"];

    /// <summary>The variable that gives a federation suite the second server's client base URL.</summary>
    public const string OtherBaseUrlVariable = "MESSENGER_OTHER_BASE_URL";

    /// <summary>File names of the single-server suites, one xunit case each so a failure names its suite.</summary>
    public static IEnumerable<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.test.mjs")
            .Select(Path.GetFileName)
            .Cast<string>()
            .Except(FederationSuites)
            .Order(StringComparer.Ordinal);

    /// <summary>Full path of <paramref name="program"/> on PATH, or null when it is not installed.</summary>
    public static string? FindOnPath(string program)
    {
        var suffixes = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd" } : new[] { "" };
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => suffixes.Select(suffix => Path.Combine(dir, program + suffix)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Installs matrix-js-sdk when node_modules is missing or older than the lock file:
    /// <c>npm ci</c> from the committed package-lock.json (<c>npm install</c> without one).
    /// .ci/run has done this already; a developer's first <c>dotnet test</c> gets it here.
    /// </summary>
    public static async Task<string> EnsurePackagesAsync(CancellationToken cancellationToken)
    {
        await InstallGate.WaitAsync(cancellationToken);
        try
        {
            return await InstallIfStaleAsync(cancellationToken);
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<string> InstallIfStaleAsync(CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(Directory, "package-lock.json");
        var installed = Path.Combine(Directory, "node_modules", ".package-lock.json");
        var hasLock = File.Exists(lockFile);
        var manifest = hasLock ? lockFile : Path.Combine(Directory, "package.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(manifest))
        {
            return "node_modules is up to date";
        }

        var npm = FindOnPath("npm")
            ?? throw new InvalidOperationException($"npm is not on PATH, so the packages of {Directory} cannot be installed");
        var info = new ProcessStartInfo(npm) { WorkingDirectory = Directory };
        info.ArgumentList.Add(hasLock ? "ci" : "install");
        info.ArgumentList.Add("--no-audit");
        info.ArgumentList.Add("--no-fund");
        var (exitCode, output) = await CapturedProcess.RunAsync(info, InstallTimeout, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"npm {info.ArgumentList[0]} in {Directory} failed with exit code {exitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>
    /// Runs one suite file with <c>node --test</c>; returns node's exit code and output. <paramref name="environment"/>
    /// adds variables for the suite (e.g. the python that runs a matrix-nio peer).
    /// </summary>
    public static Task<(int ExitCode, string Output)> RunAsync(
        string node, string suite, Uri homeserver, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(node) { WorkingDirectory = Directory };
        info.ArgumentList.Add("--test");
        // matrix-js-sdk arms a timer of timeout + 80 s for every /sync long-poll and never clears it,
        // so a suite whose clients ran startClient would linger ~110 s after its last test.
        info.ArgumentList.Add("--test-force-exit");
        info.ArgumentList.Add("--test-reporter=spec");
        info.ArgumentList.Add(suite);
        info.Environment["MESSENGER_BASE_URL"] = homeserver.ToString().TrimEnd('/');
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return CapturedProcess.RunAsync(info, SuiteTimeout, cancellationToken);
    }
}
