using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Json;
using Messenger.Federation.Protocol.Keys;
using Messenger.Federation.Protocol.Signing;

namespace Messenger.Federation.XMatrix;

/// <summary>
/// The object an X-Matrix signature covers (server-server API, "Request Authentication", step 1):
/// <c>{method, uri, origin, destination, content}</c>, <c>uri</c> being the path with the query string exactly as
/// sent, and <c>content</c> present only when the request has a JSON body. Server names are those before delegation.
/// </summary>
public static class XMatrixSigning
{
    /// <summary>Builds the object to sign or verify. <paramref name="content"/> is cloned, never moved.</summary>
    public static JsonObject RequestObject(string method, string uri, string origin, string? destination, JsonNode? content)
    {
        var json = new JsonObject { ["method"] = method, ["uri"] = uri, ["origin"] = origin };
        if (destination is not null) json["destination"] = destination;
        if (content is not null) json["content"] = content.DeepClone();
        return json;
    }

    /// <summary>Signs a request and returns its <c>Authorization</c> header; null when the content has no canonical form.</summary>
    public static XMatrixHeader? Sign(string method, string uri, string origin, string destination, JsonNode? content, ServerSigningKey key)
    {
        var json = RequestObject(method, uri, origin, destination, content);
        var signed = JsonSignatures.Sign(json, origin, key, CanonicalNumbers.AllowLargeIntegers);
        return signed.IsSuccess ? new XMatrixHeader(origin, destination, key.KeyId, signed.Signature) : null;
    }

    /// <summary>Checks a received header's signature over the request with the origin's key <paramref name="key"/>.</summary>
    public static SignatureCheck Verify(XMatrixHeader header, string method, string uri, JsonNode? content, VerifyKey key)
    {
        var json = RequestObject(method, uri, header.Origin, header.Destination, content);
        json["signatures"] = new JsonObject { [header.Origin] = new JsonObject { [header.Key] = header.Signature } };
        return JsonSignatures.Verify(json, header.Origin, header.Key, key, CanonicalNumbers.AllowLargeIntegers);
    }
}
