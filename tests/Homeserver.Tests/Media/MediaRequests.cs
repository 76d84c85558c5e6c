using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Messenger.Homeserver.Tests.Support;
using SkiaSharp;

namespace Messenger.Homeserver.Tests.Media;

/// <summary>Media requests over real HTTP, and test images made with SkiaSharp.</summary>
public static class MediaRequests
{
    public const string Authenticated = "/_matrix/client/v1/media";
    public const string Legacy = "/_matrix/media/v3";

    /// <summary>Uploads bytes with <c>POST /_matrix/media/v3/upload</c> and returns the response.</summary>
    public static Task<MatrixResponse> UploadAsync(this HttpClient http, byte[] bytes, string? contentType, string? token,
        string? fileName = null, string prefix = Legacy) =>
        http.SendBytesAsync(HttpMethod.Post, prefix + "/upload" + (fileName is null ? "" : "?filename=" + Uri.EscapeDataString(fileName)),
            new ByteArrayContent(bytes), contentType, token);

    /// <summary>Uploads and returns the media id of the <c>mxc://</c> URI, checking it names this server.</summary>
    public static async Task<string> UploadIdAsync(this HttpClient http, byte[] bytes, string? contentType, string token, string? fileName = null)
    {
        var uri = (await http.UploadAsync(bytes, contentType, token, fileName)).AssertOk().String("content_uri");
        Assert.StartsWith($"mxc://{ServerFixture.ServerName}/", uri);
        return uri[$"mxc://{ServerFixture.ServerName}/".Length..];
    }

    public static async Task<MatrixResponse> SendBytesAsync(this HttpClient http, HttpMethod method, string path, HttpContent content,
        string? contentType, string? token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var json = raw.Length == 0 ? [] : JsonNode.Parse(raw) as JsonObject ?? [];
        return new MatrixResponse(response.StatusCode, json, response);
    }

    /// <summary>A GET whose body is bytes (download, thumbnail); the caller disposes the response.</summary>
    public static async Task<HttpResponseMessage> GetRawAsync(this HttpClient http, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>An image of the given size and format, a gradient so that it has content worth scaling.</summary>
    public static byte[] Image(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint())
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.Red, SKColors.Blue], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The pixel size of an encoded image.</summary>
    public static (int Width, int Height) SizeOf(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image)) ?? throw new Xunit.Sdk.XunitException("not an image");
        return (codec.Info.Width, codec.Info.Height);
    }
}
