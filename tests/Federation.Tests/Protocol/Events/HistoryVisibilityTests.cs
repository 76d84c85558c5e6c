using System.Text.Json.Nodes;
using Messenger.Federation.Protocol.Events;
using Xunit;

namespace Messenger.Federation.Tests.Protocol.Events;

/// <summary>
/// Client-server API "Room History Visibility", "Server behaviour", rules 1–5 for a user, and the same rule read for a
/// requesting server (<c>/backfill</c>, <c>/get_missing_events</c>, <c>/event</c>): each visibility value against the
/// membership the viewer had at the event.
/// </summary>
public class HistoryVisibilityTests
{
    private const string WorldReadable = "world_readable";
    private const string Shared = "shared";
    private const string Invited = "invited";
    private const string Joined = "joined";

    [Theory]
    [InlineData("""{"history_visibility":"world_readable"}""", WorldReadable)]
    [InlineData("""{"history_visibility":"shared"}""", Shared)]
    [InlineData("""{"history_visibility":"invited"}""", Invited)]
    [InlineData("""{"history_visibility":"joined"}""", Joined)]
    // "if no history_visibility is set, or if the value is not understood, the visibility is assumed to be shared".
    [InlineData("""{"history_visibility":"members_only"}""", Shared)]
    [InlineData("""{"history_visibility":7}""", Shared)]
    [InlineData("""{}""", Shared)]
    [InlineData(null, Shared)]
    public void Effective_value_defaults_to_shared(string? content, string expected) =>
        Assert.Equal(expected, HistoryVisibility.Effective(content is null ? null : JsonNode.Parse(content)!.AsObject()));

    // Rows: visibility at the event, the user's membership at the event, whether they joined later → may see.
    [Theory]
    [InlineData(WorldReadable, null, false, true)]
    [InlineData(WorldReadable, "leave", false, true)]
    [InlineData(WorldReadable, "ban", false, true)]
    [InlineData(Shared, null, false, false)]
    [InlineData(Shared, null, true, true)]
    [InlineData(Shared, "invite", false, false)]
    [InlineData(Shared, "join", false, true)]
    [InlineData(Shared, "leave", true, true)]
    [InlineData(Invited, null, true, false)]
    [InlineData(Invited, "invite", false, true)]
    [InlineData(Invited, "join", false, true)]
    [InlineData(Invited, "leave", true, false)]
    [InlineData(Invited, "knock", true, false)]
    [InlineData(Joined, null, true, false)]
    [InlineData(Joined, "invite", true, false)]
    [InlineData(Joined, "join", false, true)]
    [InlineData(Joined, "leave", true, false)]
    [InlineData(Joined, "ban", true, false)]
    public void User_sees_an_event_by_the_visibility_and_membership_at_it(string visibility, string? membership, bool joinedSince, bool sees) =>
        Assert.Equal(sees, HistoryVisibility.UserMaySee(visibility, membership, joinedSince));

    // Rows: visibility at the event, the memberships the server's users had at it → the server sees it unredacted.
    [Theory]
    [InlineData(WorldReadable, new string[0], true)]
    // shared: the server is in the room now, so its users joined after the event, even with no member ever before.
    [InlineData(Shared, new string[0], true)]
    [InlineData(Shared, new[] { "leave" }, true)]
    [InlineData(Invited, new string[0], false)]
    [InlineData(Invited, new[] { "invite" }, true)]
    [InlineData(Invited, new[] { "leave", "invite" }, true)]
    [InlineData(Invited, new[] { "join" }, true)]
    [InlineData(Invited, new[] { "leave", "ban", "knock" }, false)]
    [InlineData(Joined, new string[0], false)]
    [InlineData(Joined, new[] { "invite" }, false)]
    [InlineData(Joined, new[] { "leave" }, false)]
    [InlineData(Joined, new[] { "invite", "join" }, true)]
    public void Server_sees_an_event_when_one_of_its_users_may(string visibility, string[] memberships, bool sees) =>
        Assert.Equal(sees, HistoryVisibility.ServerMaySee(visibility, memberships));

    [Fact]
    public void Server_that_joined_a_joined_only_room_late_sees_from_its_join_on()
    {
        // Before the join: no member of the server; the join itself counts with the state after it; after: joined.
        Assert.False(HistoryVisibility.ServerMaySee(Joined, []));
        Assert.True(HistoryVisibility.AfterCounts(EventTypes.Member, "@bob:b.example", key => key.EndsWith(":b.example", StringComparison.Ordinal)));
        Assert.True(HistoryVisibility.ServerMaySee(Joined, ["join"]));
    }

    [Theory]
    [InlineData(EventTypes.HistoryVisibility, "", true)]
    [InlineData(EventTypes.HistoryVisibility, "x", false)]
    [InlineData(EventTypes.Member, "@me:here", true)]
    [InlineData(EventTypes.Member, "@other:there", false)]
    [InlineData(EventTypes.Message, null, false)]
    [InlineData(EventTypes.Name, "", false)]
    public void State_after_counts_for_visibility_changes_and_the_viewers_own_membership(string type, string? stateKey, bool counts) =>
        Assert.Equal(counts, HistoryVisibility.AfterCounts(type, stateKey, key => key == "@me:here"));
}
