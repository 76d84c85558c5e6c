namespace Messenger.Federation.Client;

/// <summary>
/// An outbound federation request failed: the remote answered with an error (<see cref="Status"/>, and
/// <see cref="Errcode"/> when its body was a Matrix error), or it could not be reached (<see cref="Status"/> null).
/// Remote error messages are kept for logs; endpoints wrap them rather than relay them verbatim.
/// </summary>
public sealed class FederationRequestException(string destination, int? status, string? errcode, string message,
    TimeSpan? retryAfter = null, Exception? inner = null) : Exception(message, inner)
{
    public string Destination { get; } = destination;

    /// <summary>The HTTP status, or null when no answer came (DNS, connection, TLS, timeout, refused address).</summary>
    public int? Status { get; } = status;

    public string? Errcode { get; } = errcode;

    /// <summary>The remote's <c>retry_after_ms</c> of a 429, if any.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>True when trying again later may succeed (no answer, 5xx, 429).</summary>
    public bool IsTransient => Status is null or >= 500 or 429;
}
