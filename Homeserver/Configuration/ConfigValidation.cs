using Messenger.Federation.Protocol.Identifiers;

namespace Messenger.Homeserver.Configuration;

/// <summary>Checks of values that bind but make no sense, each reported with its YAML path.</summary>
internal static class ConfigValidation
{
    public static void Validate(HomeserverConfig config, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(config.ServerName))
            errors.Add("server_name: required (the domain of your users' ids, e.g. example.org)");
        else if (!ServerName.IsValid(config.ServerName))
            errors.Add($"server_name: '{config.ServerName}' is not a valid server name (a DNS name or IP literal, optional :port)");

        if (config.PublicBaseUrl is { Length: > 0 } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            errors.Add($"public_baseurl: '{url}' is not an absolute http(s) URL");

        if (Federation.Protocol.RoomVersions.RoomVersions.Find(config.DefaultRoomVersion) is null)
            errors.Add($"default_room_version: '{config.DefaultRoomVersion}' is not a supported room version (1 to 12)");

        CheckListener(config.Listeners.Client, "listeners.client", errors);
        CheckListener(config.Listeners.Federation, "listeners.federation", errors);

        switch (config.Database.Type)
        {
            case DatabaseConfig.Sqlite:
                break;
            case DatabaseConfig.Postgres when string.IsNullOrWhiteSpace(config.Database.ConnectionString):
                errors.Add("database.connection_string: required when database.type is postgres");
                break;
            case DatabaseConfig.Postgres:
                break;
            default:
                errors.Add($"database.type: '{config.Database.Type}' is not one of sqlite, postgres");
                break;
        }

        var registration = config.Registration;
        for (var i = 0; i < registration.RegistrationTokens.Count; i++)
        {
            var token = registration.RegistrationTokens[i];
            if (token.Token.Length is 0 or > 64 || !token.Token.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-'))
                errors.Add($"registration.registration_tokens[{i}].token: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '~', '-'");
            if (token.UsesAllowed is < 0)
                errors.Add($"registration.registration_tokens[{i}].uses_allowed: must not be negative");
        }
        if (registration.PasswordMinLength < 0)
            errors.Add("registration.password_min_length: must not be negative");

        if (config.Auth.RefreshableAccessTokenLifetimeMs <= 0)
            errors.Add("auth.refreshable_access_token_lifetime_ms: must be positive");
        if (config.Auth.Argon2MemoryKib < 8)
            errors.Add("auth.argon2_memory_kib: must be at least 8");
        if (config.Auth.Argon2Iterations < 1)
            errors.Add("auth.argon2_iterations: must be at least 1");

        CheckRate(config.RateLimits.Registration, "rate_limits.registration", errors);
        CheckRate(config.RateLimits.Login, "rate_limits.login", errors);
        CheckRate(config.RateLimits.Message, "rate_limits.message", errors);
        if (config.Voip.Lifetime is null)
            errors.Add($"voip.turn_user_lifetime: '{config.Voip.TurnUserLifetime}' is not a duration (milliseconds, or a number with s, m, h, d or w)");

        if (config.Limits.MaxRequestBodySize < 1024)
            errors.Add("limits.max_request_body_size: must be at least 1024 bytes");
        if (config.Limits.MaxUploadSize < 1)
            errors.Add("limits.max_upload_size: must be positive");
        if (!string.IsNullOrWhiteSpace(config.MediaRetention.RemoteMediaLifetime) && config.MediaRetention.Lifetime is null)
            errors.Add($"media_retention.remote_media_lifetime: '{config.MediaRetention.RemoteMediaLifetime}' is not a duration (milliseconds, or a number with s, m, h, d or w)");
        if (config.MediaRetention.RemoteCacheMaxSize < 0)
            errors.Add("media_retention.remote_cache_max_size: must not be negative (0 means no limit)");

        for (var i = 0; i < config.Federation.DomainWhitelist.Count; i++)
        {
            if (!ServerName.IsValid(config.Federation.DomainWhitelist[i]))
                errors.Add($"federation.domain_whitelist[{i}]: '{config.Federation.DomainWhitelist[i]}' is not a valid server name");
        }
        for (var i = 0; i < config.Outbound.AllowedPrivateRanges.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(config.Outbound.AllowedPrivateRanges[i], out _))
                errors.Add($"outbound.allowed_private_ranges[{i}]: '{config.Outbound.AllowedPrivateRanges[i]}' is not a CIDR range");
        }
        for (var i = 0; i < config.Federation.AllowedPrivateRanges.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(config.Federation.AllowedPrivateRanges[i], out _))
                errors.Add($"federation.allowed_private_ranges[{i}]: '{config.Federation.AllowedPrivateRanges[i]}' is not a CIDR range");
        }
        CheckFederationKeys(config.Federation, errors);
    }

    private static void CheckFederationKeys(FederationConfig federation, List<string> errors)
    {
        if (federation.KeyValidityPeriodMs < 3_600_000)
            errors.Add("federation.key_validity_period_ms: must be at least 3600000 (an hour; shorter makes others refetch constantly)");
        for (var i = 0; i < federation.TrustedKeyServers.Count; i++)
        {
            var notary = federation.TrustedKeyServers[i];
            if (!ServerName.IsValid(notary.ServerName))
                errors.Add($"federation.trusted_key_servers[{i}].server_name: '{notary.ServerName}' is not a valid server name");
            for (var k = 0; k < notary.VerifyKeys.Count; k++)
                CheckPublicKey(notary.VerifyKeys[k].KeyId, notary.VerifyKeys[k].Key, $"federation.trusted_key_servers[{i}].verify_keys[{k}]", errors);
        }
        for (var i = 0; i < federation.OldSigningKeys.Count; i++)
            CheckPublicKey(federation.OldSigningKeys[i].KeyId, federation.OldSigningKeys[i].Key, $"federation.old_signing_keys[{i}]", errors);
    }

    private static void CheckPublicKey(string keyId, string key, string path, List<string> errors)
    {
        if (!keyId.StartsWith("ed25519:", StringComparison.Ordinal) || !Federation.Protocol.Keys.KeyIdGrammar.IsValidVersion(keyId["ed25519:".Length..]))
            errors.Add($"{path}.key_id: '{keyId}' is not an ed25519 key id (ed25519:<[a-zA-Z0-9_]>)");
        if (!Federation.Protocol.Signing.VerifyKey.TryParse(key, out _))
            errors.Add($"{path}.key: not an unpadded base64 Ed25519 public key");
    }

    private static void CheckListener(ListenerConfig listener, string path, List<string> errors)
    {
        if (listener.Port is < 0 or > 65535) errors.Add($"{path}.port: {listener.Port} is not a TCP port");
        for (var i = 0; i < listener.BindAddresses.Count; i++)
        {
            var address = listener.BindAddresses[i];
            if (address != "localhost" && !System.Net.IPAddress.TryParse(address, out _))
                errors.Add($"{path}.bind_addresses[{i}]: '{address}' is not an IP address or 'localhost'");
        }
        var hasCert = !string.IsNullOrEmpty(listener.TlsCertificatePath);
        var hasKey = !string.IsNullOrEmpty(listener.TlsPrivateKeyPath);
        if (hasCert != hasKey) errors.Add($"{path}: tls_certificate_path and tls_private_key_path go together");
    }

    private static void CheckRate(RateLimitConfig rate, string path, List<string> errors)
    {
        if (rate.PerSecond <= 0) errors.Add($"{path}.per_second: must be positive");
        if (rate.BurstCount < 1) errors.Add($"{path}.burst_count: must be at least 1");
    }
}
