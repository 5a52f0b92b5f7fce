using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberCommands;

namespace Inspur.Domain.Tests;

/// <summary><see cref="SubscriberState.EntitlementsAt"/>: channels by package, VOD packs by SVOD, titles by TVOD, each with the order granting it.</summary>
public sealed class SubscriberEntitlementsSpecs
{
    private static readonly SubscriberId Id = new("boss-1");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ProductDefinition Basic = new(ProductKind.Package, "Basic", 3000, "CNY") { Channels = [new ChannelId("cctv-1"), new ChannelId("cctv-5")] };
    private static readonly ProductDefinition Sports = new(ProductKind.Package, "Sports", 2000, "CNY") { Channels = [new ChannelId("cctv-5")] };
    private static readonly ProductDefinition Films = new(ProductKind.Svod, "Films", 1500, "CNY") { VodPacks = ["films", "kids"] };
    private static readonly ProductDefinition Rental = new(ProductKind.Tvod, "Film", 500, "CNY") { TitleId = "film-1", ValidityHours = 48 };

    private static int _keys;

    private static SubscriberState Run(SubscriberState state, DateTimeOffset at, params ISubscriberCommand[] commands)
    {
        foreach (var command in commands)
        {
            var decision = state.Process(command, at);
            Assert.True(decision.Reply is null, $"{command.GetType().Name} refused: {decision.Reply}");
            state = decision.Events.Aggregate(state, (s, e) => s.Apply(e));
        }

        return state;
    }

    private static string Key() => $"key-{Interlocked.Increment(ref _keys)}";

    private static OrderProduct Order(string product, ProductDefinition definition, DateTimeOffset? from = null, DateTimeOffset? until = null) =>
        new(Id, Key(), new ProductId(product), from, until, definition);

    private static SubscriberState Opened() => Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Li Lei", new SubscriberLimits(2, 2)));

    [Fact]
    public void Each_kind_of_product_grants_its_own_items_with_the_order_and_its_end()
    {
        var state = Run(Opened(), Now, Order("basic", Basic), Order("films", Films, until: Now.AddDays(30)), Order("film-1-rent", Rental));

        var at = Now.AddHours(1);
        var e = state.EntitlementsAt(at);

        Assert.Equal((at, SubscriberStatus.Active), (e.At, e.Status));
        Assert.Equal([new Grant("cctv-1", new ProductId("basic"), Now, null), new Grant("cctv-5", new ProductId("basic"), Now, null)], e.Channels);
        Assert.Equal([new Grant("films", new ProductId("films"), Now, Now.AddDays(30)), new Grant("kids", new ProductId("films"), Now, Now.AddDays(30))], e.VodPacks);
        Assert.Equal([new Grant("film-1", new ProductId("film-1-rent"), Now, Now.AddHours(48))], e.Titles);
    }

    [Fact]
    public void A_rental_ends_after_its_validity_and_an_order_not_yet_started_grants_nothing()
    {
        var state = Run(Opened(), Now, Order("film-1-rent", Rental), Order("films", Films, from: Now.AddDays(2)));

        Assert.Single(state.EntitlementsAt(Now.AddHours(47)).Titles);
        Assert.Empty(state.EntitlementsAt(Now.AddHours(48)).Titles);
        Assert.Empty(state.EntitlementsAt(Now.AddDays(1)).VodPacks);
        Assert.Equal(2, state.EntitlementsAt(Now.AddDays(2)).VodPacks.Count);
        Assert.Empty(state.EntitlementsAt(Now.AddSeconds(-1)).Titles);
    }

    [Fact]
    public void A_channel_granted_twice_names_the_order_lasting_longest()
    {
        var state = Run(Opened(), Now, Order("sports", Sports, until: Now.AddDays(7)), Order("basic", Basic, until: Now.AddDays(30)));

        var cctv5 = Assert.Single(state.EntitlementsAt(Now.AddDays(1)).Channels, g => g.Item == "cctv-5");
        Assert.Equal(new ProductId("basic"), cctv5.Via);

        var open = Run(state, Now, Order("sports", Sports, from: Now.AddDays(7)));
        Assert.Equal(new ProductId("sports"), Assert.Single(open.EntitlementsAt(Now.AddDays(8)).Channels, g => g.Item == "cctv-5").Via);
    }

    [Fact]
    public void A_cancelled_order_stops_granting_from_its_effective_time()
    {
        var state = Run(Opened(), Now, Order("films", Films));
        state = Run(state, Now, new CancelProduct(Id, Key(), new ProductId("films"), Now.AddDays(3)));

        Assert.Equal(Now.AddDays(3), state.EntitlementsAt(Now.AddDays(1)).VodPacks[0].Until);
        Assert.Empty(state.EntitlementsAt(Now.AddDays(3)).VodPacks);
    }

    [Fact]
    public void A_suspended_account_keeps_its_entitlements_and_says_it_is_suspended()
    {
        var state = Run(Opened(), Now, Order("basic", Basic), new SuspendAccount(Id, Key(), "unpaid"));

        var e = state.EntitlementsAt(Now.AddMinutes(1));
        Assert.Equal(SubscriberStatus.Suspended, e.Status);
        Assert.Equal(2, e.Channels.Count);
    }
}
