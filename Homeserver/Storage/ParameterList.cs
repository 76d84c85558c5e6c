namespace Messenger.Homeserver.Storage;

/// <summary>
/// A collection as a list, for <c>EF.Parameter(list).Contains(...)</c>: bound as one parameter (a JSON array on SQLite,
/// an array on PostgreSQL), which the providers accept for lists and arrays, not for any collection (a dictionary's keys,
/// a set).
/// </summary>
public static class ParameterList
{
    public static List<string> Of(IReadOnlyCollection<string> items) => items as List<string> ?? [.. items];
}
