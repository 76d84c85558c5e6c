using System.Text.Json.Serialization;

namespace Messenger.Homeserver.ClientApi.Discovery;

/// <summary>The <c>/.well-known/matrix/client</c> object ("Well-known URIs"), also returned by <c>/login</c>.</summary>
public sealed record WellKnownClient([property: JsonPropertyName("m.homeserver")] WellKnownBaseUrl Homeserver);
