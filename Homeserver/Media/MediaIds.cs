using System.Security.Cryptography;

namespace Messenger.Homeserver.Media;

/// <summary>
/// Media ids of <c>mxc://</c> URIs. The spec ("Matrix Content (mxc://) URIs", "Security considerations") allows only
/// <c>A-Za-z0-9</c>, <c>_</c> and <c>-</c>, and servers MUST refuse anything else so that an id can never walk out of
/// the media store (<c>../../etc/passwd</c>). Ours are 24 random letters, as Synapse makes them.
/// </summary>
public static class MediaIds
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Longer ids cannot be ours; the column holds 64 characters.</summary>
    public const int MaxLength = 64;

    public static string New() => RandomNumberGenerator.GetString(Letters, 24);

    public static bool IsValid(string mediaId, int maxLength = MaxLength) =>
        mediaId.Length > 0 && mediaId.Length <= maxLength && mediaId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
