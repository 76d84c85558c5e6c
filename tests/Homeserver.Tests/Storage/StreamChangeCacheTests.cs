using Messenger.Homeserver.RoomServer;

namespace Messenger.Homeserver.Tests.Storage;

/// <summary><see cref="StreamChangeCache"/>: it may answer "changed" too often, never "unchanged" for a change it could not rule out.</summary>
public sealed class StreamChangeCacheTests
{
    private static StreamPositions Started(long persisted)
    {
        var positions = new StreamPositions();
        positions.Initialize(persisted);
        positions.SkipAheadAfterRestart(gap: 10);
        return positions;
    }

    [Fact]
    public void Before_the_stream_has_started_everything_may_have_changed()
    {
        var positions = new StreamPositions();
        positions.Initialize(100);
        var cache = new StreamChangeCache(positions);
        Assert.True(cache.MayHaveChanged("!room", 1_000));
    }

    [Fact]
    public void Tokens_from_before_the_start_may_have_missed_changes_and_later_ones_only_see_recorded_changes()
    {
        var positions = Started(100); // starts at 110
        var cache = new StreamChangeCache(positions);
        Assert.True(cache.MayHaveChanged("!room", 50));
        Assert.True(cache.MayHaveChanged("!room", 109));
        Assert.False(cache.MayHaveChanged("!room", 110));

        var position = positions.Allocate();
        cache.Changed("!room", position);
        Assert.True(cache.MayHaveChanged("!room", position - 1));
        Assert.False(cache.MayHaveChanged("!room", position));
        Assert.False(cache.MayHaveChanged("!other", position - 1));
        Assert.Equal(["!room"], cache.MayHaveChanged(["!other", "!room"], position - 1));
    }

    [Fact]
    public void A_later_change_is_never_replaced_by_an_earlier_one()
    {
        var positions = Started(0);
        var cache = new StreamChangeCache(positions);
        var first = positions.Allocate();
        var second = positions.Allocate();
        cache.Changed("@u", second);
        cache.Changed("@u", first);
        Assert.True(cache.MayHaveChanged("@u", first));
    }

    [Fact]
    public void Overflow_forgets_keys_but_raises_the_floor_so_nothing_is_hidden()
    {
        var positions = Started(0);
        var cache = new StreamChangeCache(positions, maxEntries: 2);
        var a = positions.Allocate();
        cache.Changed("a", a);
        var b = positions.Allocate();
        cache.Changed("b", b);
        var c = positions.Allocate();
        cache.Changed("c", c); // the third key empties the cache: what a and b did is only known as "before b"

        Assert.True(cache.MayHaveChanged("a", a - 1));
        Assert.True(cache.MayHaveChanged("untouched", b - 1));
        Assert.False(cache.MayHaveChanged("untouched", b));
        Assert.True(cache.MayHaveChanged("c", b));
    }
}
