using Messenger.Federation.Protocol.Keys;
using Messenger.Homeserver.RoomServer.Remote;
using Messenger.Homeserver.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Messenger.Homeserver.Tests.RemoteRooms;

/// <summary>The server under test with <see cref="TestPduKeys"/> as its key source, and its own key as a fake server for building its events.</summary>
public interface IFederatedServer
{
    ServerFixture Fixture { get; }
    TestPduKeys Keys { get; }
    TestRemoteEvents RemoteEvents { get; }
}

public sealed class FederatedSqliteServer : SqliteServer, IFederatedServer
{
    public TestPduKeys Keys { get; } = new();
    public TestRemoteEvents RemoteEvents { get; } = new();
    public ServerFixture Fixture => this;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IPduKeySource>(Keys);
        services.AddSingleton<IRemoteEventFetcher>(RemoteEvents);
    }
}

public sealed class FederatedPostgresServer : PostgresServer, IFederatedServer
{
    public TestPduKeys Keys { get; } = new();
    public TestRemoteEvents RemoteEvents { get; } = new();
    public ServerFixture Fixture => this;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IPduKeySource>(Keys);
        services.AddSingleton<IRemoteEventFetcher>(RemoteEvents);
    }
}

public static class FederatedServerExtensions
{
    /// <summary>The server under test as a <see cref="FakeRemoteServer"/> with its real signing key, to build its users' events (a join).</summary>
    public static FakeRemoteServer Self(this ServerFixture server) =>
        new(ServerFixture.ServerName, server.Services.GetRequiredService<ServerSigningKey>());
}
