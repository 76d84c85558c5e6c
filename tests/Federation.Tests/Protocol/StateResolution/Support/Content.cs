using System.Text.Json.Nodes;

namespace Messenger.Federation.Tests.Protocol.StateResolution.Support;

/// <summary>Event contents of the scenarios, spelled as the spec's event schemas.</summary>
internal static class Content
{
    public static JsonObject Join => Membership("join");
    public static JsonObject Leave => Membership("leave");
    public static JsonObject Ban => Membership("ban");
    public static JsonObject Invite => Membership("invite");
    public static JsonObject Empty => [];

    public static JsonObject Membership(string membership) => new() { ["membership"] = membership };

    public static JsonObject JoinRule(string rule) => new() { ["join_rule"] = rule };

    public static JsonObject Topic(string topic) => new() { ["topic"] = topic };
}
