using System.Text.Json.Nodes;
using Messenger.Federation.Http;

namespace Messenger.Homeserver.Errors;

/// <summary>A <see cref="FederationException"/> of a federation endpoint, rendered by the one exception handler like any Matrix error.</summary>
public sealed class FederationMatrixException(FederationException inner)
    : MatrixException(new MatrixErrorCode(inner.Errcode, inner.Status), inner.Message, inner.Status, inner.Extra)
{
    public override JsonObject ToJson() => inner.ToJson();
}
