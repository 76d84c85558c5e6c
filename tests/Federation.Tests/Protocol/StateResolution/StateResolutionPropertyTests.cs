using CsCheck;
using Messenger.Federation.Protocol.Events;
using Messenger.Federation.Protocol.RoomVersions;
using Messenger.Federation.Protocol.StateResolution;
using Messenger.Federation.Tests.Protocol.StateResolution.Support;
using Xunit;
using static Messenger.Federation.Tests.Protocol.StateResolution.Support.Users;

namespace Messenger.Federation.Tests.Protocol.StateResolution;

/// <summary>
/// Every server must reach the same state from the same events, whatever order it learnt them in: resolution may not
/// depend on the order of the state sets, of their entries, or of the events supplied. Checked on random histories
/// of a room with two forks (and many equal timestamps, which the event ids must order) that join, leave, ban, kick, promote, set topics and join rules, and merge.
/// </summary>
public sealed class StateResolutionPropertyTests
{
    private static readonly string[] Cast = [Bob, Charlie, Evelyn, Zara];

    /// <summary>One random step on one fork: <c>Kind</c> picks what happens, <c>User</c> to whom, <c>Level</c> how much.</summary>
    private readonly record struct Step(int Fork, int Kind, int User, int Level);

    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 8], Gen.Int[0, Cast.Length - 1], Gen.Int[0, 2])
            .Select((fork, kind, user, level) => new Step(fork, kind, user, level));

    private static readonly Gen<(string Version, Step[] Steps, int Seed)> GenHistory =
        Gen.Select(Gen.OneOf("1", "2", "11", "12"), GenStep.Array[1, 30], Gen.Int);

    [Fact]
    public void Resolution_does_not_depend_on_the_order_of_state_sets_entries_or_events()
    {
        GenHistory.Sample((versionId, steps, seed) =>
        {
            var (room, forks) = Play(RoomVersions.Find(versionId)!, steps);
            var random = new Random(seed);

            var expected = StateResolver.Resolve(room.Version, forks, room.Source()).State;

            var shuffledForks = forks.OrderBy(_ => random.Next())
                .Select(IReadOnlyDictionary<StateKey, string> (f) => f.OrderBy(_ => random.Next()).ToDictionary())
                .ToArray();
            var shuffledEvents = new PreloadedEventSource(room.Events.OrderBy(_ => random.Next()).ToList());
            var actual = StateResolver.Resolve(room.Version, shuffledForks, shuffledEvents).State;

            Assert.Equal(StateAssert.Describe(room, expected), StateAssert.Describe(room, actual));
        }, iter: 400, threads: 1);
    }

    [Fact]
    public void Resolving_a_state_set_with_itself_returns_it()
    {
        GenHistory.Sample((versionId, steps, _) =>
        {
            var (room, forks) = Play(RoomVersions.Find(versionId)!, steps);

            var resolved = StateResolver.Resolve(room.Version, [forks[0], forks[0]], room.Source()).State;

            Assert.Equal(StateAssert.Describe(room, forks[0]), StateAssert.Describe(room, resolved));
        }, iter: 50, threads: 1);
    }

    /// <summary>Plays the steps on two forks of the classic room and returns the states at the forks' heads.</summary>
    private static (RoomDag Room, IReadOnlyDictionary<StateKey, string>[] Forks) Play(RoomVersion version, Step[] steps)
    {
        var room = RoomDag.WithInitialEvents(version, eventsPerMillisecond: 4);
        string[] heads = ["START", "START"];
        for (var i = 0; i < steps.Length; i++)
        {
            var (fork, kind, userIndex, level) = steps[i];
            var name = $"E{i}";
            var user = Cast[userIndex];
            var prev = heads[fork];
            var levelValue = level * 50;
            switch (kind)
            {
                case 0: room.State(name, EventTypes.Member, user, user, Content.Join, prev); break;
                case 1: room.State(name, EventTypes.Member, user, user, Content.Leave, prev); break;
                case 2: room.State(name, EventTypes.Member, Alice, user, Content.Ban, prev); break;
                case 3: room.State(name, EventTypes.Member, Alice, user, Content.Leave, prev); break;
                case 4: room.State(name, EventTypes.PowerLevels, Alice, "", room.PowerLevels((user, levelValue)), prev); break;
                case 5: room.State(name, EventTypes.Topic, user, "", Content.Topic(name), prev); break;
                case 6: room.State(name, EventTypes.JoinRules, Alice, "", Content.JoinRule(level == 0 ? "invite" : "public"), prev); break;
                case 7:
                    var other = (fork + 1) % heads.Length;
                    if (heads[other] == prev) goto default;
                    room.Message(name, Zara, prev, heads[other]);
                    heads[other] = name;
                    break;
                case 8: room.State(name, EventTypes.PowerLevels, user, "", room.PowerLevels((Cast[(userIndex + 1) % Cast.Length], levelValue)), prev); break;
                default: room.Message(name, user, prev); break;
            }
            heads[fork] = name;
        }
        return (room, heads.Distinct().Select(room.StateAfter).ToArray());
    }
}
