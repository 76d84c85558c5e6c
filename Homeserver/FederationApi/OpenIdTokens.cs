using Messenger.Federation.Ports;
using Messenger.Homeserver.Storage;

namespace Messenger.Homeserver.FederationApi;

/// <summary>The OpenID tokens of <see cref="OpenIdTokenStore"/> for the federation <c>/openid/userinfo</c> endpoint.</summary>
public sealed class OpenIdTokens(OpenIdTokenStore store) : IOpenIdTokens
{
    public Task<string?> UserOfAsync(string token, CancellationToken ct) => store.UserOfAsync(token, ct);
}
