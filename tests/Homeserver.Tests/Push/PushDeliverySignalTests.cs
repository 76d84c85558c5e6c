using Messenger.Homeserver.Push;

namespace Messenger.Homeserver.Tests.Push;

/// <summary>Which users the push delivery worker is woken for: everybody until it knows who has pushers, then only them.</summary>
public sealed class PushDeliverySignalTests
{
    [Fact]
    public void Everybody_is_woken_until_the_users_with_pushers_are_loaded()
    {
        var signal = new PushDeliverySignal();
        signal.Wake(["@a:hs", "@b:hs", "@a:hs"]);
        Assert.Equal(["@a:hs", "@b:hs"], Drain(signal));
    }

    [Fact]
    public void Once_loaded_only_users_with_pushers_are_woken()
    {
        var signal = new PushDeliverySignal();
        signal.PushersLoaded(["@phone:hs"]);
        signal.Wake(["@web:hs", "@phone:hs", "@other:hs"]);
        Assert.Equal(["@phone:hs"], Drain(signal));
    }

    [Fact]
    public void A_pusher_set_later_wakes_its_user_at_once_and_for_every_later_notification()
    {
        var signal = new PushDeliverySignal();
        signal.PushersLoaded([]);
        signal.Wake(["@new:hs"]);
        Assert.Empty(Drain(signal));

        signal.PusherSet("@new:hs");
        Assert.Equal(["@new:hs"], Drain(signal));
        signal.Wake(["@new:hs", "@web:hs"]);
        Assert.Equal(["@new:hs"], Drain(signal));
    }

    private static List<string> Drain(PushDeliverySignal signal)
    {
        var woken = new List<string>();
        while (signal.Reader.TryRead(out var userId)) woken.Add(userId);
        return woken;
    }
}
