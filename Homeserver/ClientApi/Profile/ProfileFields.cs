using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Messenger.Homeserver.Errors;
using Messenger.Homeserver.Storage.Rows;

namespace Messenger.Homeserver.ClientApi.Profile;

/// <summary>
/// The rules of profile fields ("Profiles", spec v1.16 extended profiles): which key names exist, what values
/// <c>displayname</c> and <c>avatar_url</c> take, and the 64 KiB limit on a whole profile.
/// </summary>
public static partial class ProfileFields
{
    public const string DisplayName = "displayname";
    public const string AvatarUrl = "avatar_url";

    /// <summary>"the total profile MUST be under 64 KiB".</summary>
    public const int MaxProfileBytes = 64 * 1024;

    /// <summary>The key name pattern of the OpenAPI (<c>keyName</c>), and its limit of 255 bytes.</summary>
    public const int MaxKeyBytes = 255;

    /// <summary>Display names longer than this are refused (Synapse's limit, which clients know).</summary>
    public const int MaxDisplayNameLength = 256;

    [GeneratedRegex(@"^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$")]
    private static partial Regex KeyPattern();

    /// <summary>Refuses a key name the spec does not allow: too long (<c>M_KEY_TOO_LARGE</c>) or not of its grammar (<c>M_INVALID_PARAM</c>).</summary>
    public static void CheckKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes) throw new MatrixException(MatrixErrorCode.KeyTooLarge, $"Profile keys are at most {MaxKeyBytes} bytes");
        if (!KeyPattern().IsMatch(key)) throw MatrixError.InvalidParam("Invalid profile key.");
    }

    /// <summary>The whole profile as the API shows it: display name, avatar, then the other fields.</summary>
    public static JsonObject ToJson(ProfileRow row)
    {
        var json = new JsonObject();
        if (row.DisplayName is not null) json[DisplayName] = row.DisplayName;
        if (row.AvatarUrl is not null) json[AvatarUrl] = row.AvatarUrl;
        foreach (var (key, value) in Extra(row)) json[key] = value?.DeepClone();
        return json;
    }

    /// <summary>The fields other than display name and avatar.</summary>
    public static JsonObject Extra(ProfileRow row) =>
        row.Fields is null ? [] : JsonNode.Parse(row.Fields) as JsonObject ?? [];

    /// <summary>
    /// Sets (or, with <paramref name="value"/> absent, removes) one field on the row. <c>displayname</c> and
    /// <c>avatar_url</c> take strings (an empty string or null clears them; an avatar is an <c>mxc://</c> URI);
    /// other fields any JSON. Refuses a result over 64 KiB (<c>M_PROFILE_TOO_LARGE</c>).
    /// </summary>
    public static void Apply(ProfileRow row, string key, JsonNode? value, bool remove)
    {
        switch (key)
        {
            case DisplayName:
                var name = remove ? null : StringOrNull(value, key);
                if (name is { Length: > MaxDisplayNameLength }) throw MatrixError.BadJson($"displayname is at most {MaxDisplayNameLength} characters");
                row.DisplayName = string.IsNullOrEmpty(name) ? null : name;
                break;
            case AvatarUrl:
                var url = remove ? null : StringOrNull(value, key);
                if (!string.IsNullOrEmpty(url) && !url.StartsWith("mxc://", StringComparison.Ordinal)) throw MatrixError.InvalidParam("avatar_url must be an mxc:// URI");
                row.AvatarUrl = string.IsNullOrEmpty(url) ? null : url;
                break;
            default:
                var extra = Extra(row);
                if (remove) extra.Remove(key);
                else
                {
                    if (key == "m.tz" && !(value is JsonValue tz && tz.TryGetValue(out string? _))) throw MatrixError.BadJson("m.tz must be a string");
                    extra[key] = value?.DeepClone();
                }
                row.Fields = extra.Count == 0 ? null : extra.ToJsonString();
                break;
        }
        if (Encoding.UTF8.GetByteCount(ToJson(row).ToJsonString()) >= MaxProfileBytes)
            throw new MatrixException(MatrixErrorCode.ProfileTooLarge, "The profile would exceed 64 KiB");
    }

    private static string? StringOrNull(JsonNode? value, string key) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw MatrixError.BadJson($"{key} must be a string"),
    };
}
