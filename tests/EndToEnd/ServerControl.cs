using System.Net;
using System.Net.Sockets;

namespace Messenger.EndToEnd.Tests;

/// <summary>
/// Lets a federation suite stop and start the second homeserver process in the middle of a test (issue #7, "Proof":
/// messages sent while one server is stopped arrive after it restarts). A loopback HTTP endpoint the suite gets in
/// <c>MESSENGER_CONTROL_URL</c>: <c>POST /second/kill</c> kills the process (as a crash would) and answers once it is
/// gone; <c>POST /second/start</c> starts it again on the same ports and database and answers once it serves clients.
/// </summary>
internal sealed class ServerControl : IAsyncDisposable
{
    public const string UrlVariable = "MESSENGER_CONTROL_URL";

    private readonly HttpListener listener = new();
    private readonly FederatingHomeservers servers;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    private ServerControl(FederatingHomeservers servers, int port)
    {
        this.servers = servers;
        Url = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public static ServerControl Start(FederatingHomeservers servers)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new ServerControl(servers, port);
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var status = 200;
            var message = "done";
            try
            {
                switch (context.Request.HttpMethod, context.Request.Url?.AbsolutePath)
                {
                    case ("POST", "/second/kill"):
                        await servers.Second.KillAsync(stopping.Token);
                        break;
                    case ("POST", "/second/start"):
                        await servers.Second.StartAsync(stopping.Token);
                        break;
                    default:
                        (status, message) = (404, "unknown control request");
                        break;
                }
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                (status, message) = (500, e.ToString());
            }

            context.Response.StatusCode = status;
            await using (var body = new StreamWriter(context.Response.OutputStream))
            {
                await body.WriteAsync(message);
            }

            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Close();
        await loop;
        stopping.Dispose();
    }
}
