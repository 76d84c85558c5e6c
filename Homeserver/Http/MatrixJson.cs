using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.Http;

/// <summary>
/// Reading request bodies: strict JSON (no comments, no trailing commas, no duplicate keys), objects only,
/// mapped onto wire records with snake_case names. Failures become <c>M_NOT_JSON</c> (not JSON at all)
/// or <c>M_BAD_JSON</c> (JSON of the wrong shape), as "Standard error response" asks.
/// </summary>
public static class MatrixJson
{
    /// <summary>Options for wire records: snake_case, nulls omitted, unknown members ignored (clients send extras).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        PropertyNameCaseInsensitive = false,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Reads the body as a JSON object. An empty body is an empty object when <paramref name="emptyAllowed"/>.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context, bool emptyAllowed = false)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0)
        {
            return emptyAllowed ? [] : throw MatrixError.NotJson("Content not JSON.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: DocumentOptions);
        }
        catch (JsonException)
        {
            throw MatrixError.NotJson("Content not JSON.");
        }
        return node as JsonObject ?? throw MatrixError.BadJson("Content must be a JSON object.");
    }

    /// <summary>Reads the body into a wire record; see <see cref="Bind{T}"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpContext context, bool emptyAllowed = false) =>
        Bind<T>(await ReadObjectAsync(context, emptyAllowed));

    /// <summary>Maps a JSON object onto a wire record; wrong types become <c>M_BAD_JSON</c> naming the field.</summary>
    public static T Bind<T>(JsonObject json)
    {
        try
        {
            return json.Deserialize<T>(Options) ?? throw MatrixError.BadJson("Content must be a JSON object.");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw MatrixError.BadJson($"Invalid JSON value{where}.");
        }
    }

    /// <summary>A required string field: missing or empty is <c>M_MISSING_PARAM</c>.</summary>
    public static string Require(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw MatrixError.MissingParam(name) : value;

    /// <summary>Writes a 200 JSON response with the wire options.</summary>
    public static IResult Ok<T>(T value) => Results.Json(value, Options);
}
