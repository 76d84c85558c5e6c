namespace Messenger.Homeserver.Tests.Support;

/// <summary>Rooms shared between federating test servers, joined the way a client does it.</summary>
public static class SharedRooms
{
    /// <summary>A user of <paramref name="host"/> creates a public room and a user of <paramref name="joiner"/> joins it over federation.</summary>
    public static async Task<(string RoomId, Session Host, Session Joiner)> SharedRoomAsync(FederatingServer host, FederatingServer joiner)
    {
        var owner = await host.Client.RegisterAsync();
        var roomId = await host.Client.CreateRoomAsync(owner, new { preset = "public_chat" });
        var guest = await joiner.Client.RegisterAsync();
        await JoinAsync(joiner, guest, roomId, host.ServerName);
        return (roomId, owner, guest);
    }

    /// <summary><c>POST /join/{roomId}?server_name=</c> through <paramref name="via"/>.</summary>
    public static async Task JoinAsync(FederatingServer server, Session user, string roomId, string via)
    {
        var joined = await server.Client.PostMatrixAsync(
            $"{MatrixTestClient.V3}/join/{Uri.EscapeDataString(roomId)}?server_name={Uri.EscapeDataString(via)}", new { }, user.AccessToken);
        Assert.Equal(roomId, joined.AssertOk().String("room_id"));
    }

    public static async Task<string> NextBatchAsync(this HttpClient http, Session session) => (string)(await http.SyncAsync(session))["next_batch"]!;
}
