namespace Messenger.Homeserver.Tests.Support;

/// <summary>
/// A SQLite homeserver with the stricter policies: registration only with a token (one of them single-use)
/// and a 64 KiB request body limit.
/// </summary>
public sealed class RestrictedServer : SqliteServer
{
    protected override string RegistrationYaml => $"""
        registration:
          enable_registration: true
          registration_requires_token: true
          registration_shared_secret: "{SharedSecret}"
          registration_tokens:
            - token: "single-use"
              uses_allowed: 1
            - token: "unlimited"
            - token: "expired"
              expiry_time: 1000
        """;

    protected override string ExtraYaml => """
        limits:
          max_request_body_size: 65536
        """;
}
