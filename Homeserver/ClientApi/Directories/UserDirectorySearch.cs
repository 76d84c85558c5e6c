namespace Messenger.Homeserver.ClientApi.Directories;

/// <summary>Body of <c>POST /user_directory/search</c>.</summary>
public sealed record UserDirectorySearch(string? SearchTerm, int? Limit);
