using System.Text.Json.Serialization;

namespace Messenger.Homeserver.ClientApi.Discovery;

/// <summary>A <c>{"base_url": ...}</c> entry of a well-known document.</summary>
public sealed record WellKnownBaseUrl([property: JsonPropertyName("base_url")] string BaseUrl);
