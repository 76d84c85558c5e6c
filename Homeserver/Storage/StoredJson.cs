using System.Text.Encodings.Web;
using System.Text.Json;

namespace Messenger.Homeserver.Storage;

/// <summary>How event JSON is written to the database: compact, and with non-ASCII text kept as UTF-8 rather than escaped.</summary>
public static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
