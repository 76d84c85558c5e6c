using System.Collections.Immutable;
using Messenger.Federation.Protocol.Events;
using Messenger.Homeserver.Errors;

namespace Messenger.Homeserver.ClientApi.SlidingSync;

/// <summary>
/// A room config's <c>required_state</c> (MSC4186): <c>[type, state_key]</c> pairs, OR'd. <c>"*"</c> as the type
/// matches every type (with that state key), as the state key every key of that type; <c>"$ME"</c> as a state key is
/// the requesting user; <c>["m.room.member", "$LAZY"]</c> asks for the members the returned timeline needs
/// ("lazy-loaded memberships"). Several configs for one room combine by union. Immutable, compared by value so a
/// connection can tell whether the client widened it since the room was last sent.
/// </summary>
public sealed record RequiredStateSpec(
    bool All,
    ImmutableHashSet<string> AllKeysOfType,
    ImmutableHashSet<string> AnyTypeWithKey,
    ImmutableHashSet<(string Type, string Key)> Exact,
    bool LazyMembers)
{
    public const string Wildcard = "*";
    public const string Lazy = "$LAZY";
    public const string Me = "$ME";

    public static readonly RequiredStateSpec None = new(false, [], [], [], false);

    /// <summary>Parses the pairs; <c>$ME</c> becomes <paramref name="userId"/>. A pair that is not two strings is <c>M_BAD_JSON</c>.</summary>
    public static RequiredStateSpec Parse(List<List<string>>? pairs, string userId)
    {
        if (pairs is null) return None;
        var spec = None;
        foreach (var pair in pairs)
        {
            if (pair is not [{ } type, { } key]) throw MatrixError.BadJson("required_state entries must be [event type, state key] pairs");
            if (key == Me) key = userId;
            spec = (type, key) switch
            {
                (Wildcard, Wildcard) => spec with { All = true },
                (EventTypes.Member, Lazy) => spec with { LazyMembers = true },
                (Wildcard, _) => spec with { AnyTypeWithKey = spec.AnyTypeWithKey.Add(key) },
                (_, Wildcard) => spec with { AllKeysOfType = spec.AllKeysOfType.Add(type) },
                _ => spec with { Exact = spec.Exact.Add((type, key)) },
            };
        }
        return spec;
    }

    /// <summary>Whether the state entry is asked for explicitly (lazy members aside).</summary>
    public bool Matches(StateKey key) =>
        All || AllKeysOfType.Contains(key.Type) || AnyTypeWithKey.Contains(key.Key) || Exact.Contains((key.Type, key.Key));

    /// <summary>
    /// Whether member events are only wanted lazily: lazy-loading asked for and no rule asks for all of them anyway.
    /// </summary>
    public bool LazyOnly => LazyMembers && !All && !AllKeysOfType.Contains(EventTypes.Member);

    public RequiredStateSpec Union(RequiredStateSpec other) => new(
        All || other.All,
        AllKeysOfType.Union(other.AllKeysOfType),
        AnyTypeWithKey.Union(other.AnyTypeWithKey),
        Exact.Union(other.Exact),
        LazyMembers || other.LazyMembers);

    public bool Equals(RequiredStateSpec? other) =>
        other is not null && All == other.All && LazyMembers == other.LazyMembers && AllKeysOfType.SetEquals(other.AllKeysOfType)
        && AnyTypeWithKey.SetEquals(other.AnyTypeWithKey) && Exact.SetEquals(other.Exact);

    public override int GetHashCode() => HashCode.Combine(All, LazyMembers, AllKeysOfType.Count, AnyTypeWithKey.Count, Exact.Count);
}
