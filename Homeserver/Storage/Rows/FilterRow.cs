namespace Messenger.Homeserver.Storage.Rows;

/// <summary>A filter a user uploaded (<c>POST /user/{userId}/filter</c>), kept as the JSON they sent.</summary>
public sealed class FilterRow
{
    public required string UserId { get; set; }
    public long FilterId { get; set; }
    public required string Json { get; set; }
}
