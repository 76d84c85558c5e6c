namespace Messenger.EndToEnd.Tests;

/// <summary>
/// Two homeserver processes that federate with each other over TLS (issue #7, "Proof"): server names
/// <c>127.0.0.1:PORT</c> (IP literals with the federation port, found without DNS), certificates issued by one
/// <see cref="TestCertificateAuthority"/> made for the run, and certificate verification on. Started together on first
/// use; disposing stops both and deletes their directories.
/// </summary>
public sealed class FederatingHomeservers : IAsyncDisposable
{
    private readonly DirectoryInfo authorityDirectory = System.IO.Directory.CreateTempSubdirectory("messenger-e2e-ca-");
    private readonly TestCertificateAuthority authority;

    public FederatingHomeservers()
    {
        authority = TestCertificateAuthority.Create(authorityDirectory.FullName);
        First = new HomeserverProcess(authority);
        Second = new HomeserverProcess(authority);
    }

    public HomeserverProcess First { get; }

    public HomeserverProcess Second { get; }

    /// <summary>Both servers' output, each under its name, for a failing test.</summary>
    public string Log => $"--- {First.ServerName ?? "first"} ---\n{First.Log}\n--- {Second.ServerName ?? "second"} ---\n{Second.Log}";

    /// <summary>Starts both servers (at the same time) and returns their client base URLs.</summary>
    public async Task<(Uri First, Uri Second)> StartAsync(CancellationToken cancellationToken)
    {
        var first = First.StartAsync(cancellationToken);
        var second = Second.StartAsync(cancellationToken);
        return (await first, await second);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await First.DisposeAsync();
        }
        finally
        {
            await Second.DisposeAsync();
            authority.Dispose();
            try
            {
                authorityDirectory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean, as the servers' own directories.
            }
        }
    }
}
