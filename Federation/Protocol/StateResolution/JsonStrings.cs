using System.Text.Json;
using System.Text.Json.Nodes;

namespace Messenger.Federation.Protocol.StateResolution;

/// <summary>Reads an optional string from event content without trusting its shape (a number where a string belongs is "absent").</summary>
internal static class JsonStrings
{
    public static string? Of(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
