using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberCommands;

namespace Inspur.Domain.Tests;

/// <summary><see cref="SubscriberState.EntitlementsAt"/>: channels by package, VOD packs by SVOD, titles by TVOD, each with the order granting it.</summary>
public sealed partial class SubscriberStateSpecs
{
    // Initialised without the other part's fields: the order of static initialisers across partial files is not defined.
    private static readonly ProductId Films = new("films");
    private static readonly ProductId Sports = new("sports");
    private static readonly ProductDefinition TwoChannels = new(ProductKind.Package, "Basic", 3000, "CNY") { Channels = [new ChannelId("cctv-1"), new ChannelId("cctv-5")] };
    private static readonly ProductDefinition SportsPackage = new(ProductKind.Package, "Sports", 2000, "CNY") { Channels = [new ChannelId("cctv-5")] };
    private static readonly ProductDefinition FilmsPack = new(ProductKind.Svod, "Films", 1500, "CNY") { VodPacks = ["films", "kids"] };

    [Fact]
    public void Entitlements_each_kind_of_product_grants_its_own_items_with_the_order_and_its_end()
    {
        var state = Run(Opened(), Now, Order(Basic, TwoChannels), Order(Films, FilmsPack, until: Now.AddDays(30)), Order(Film, Rental));

        var at = Now.AddHours(1);
        var e = state.EntitlementsAt(at);

        Assert.Equal((at, SubscriberStatus.Active), (e.At, e.Status));
        Assert.Equal([new Grant("cctv-1", Basic, Now, null), new Grant("cctv-5", Basic, Now, null)], e.Channels);
        Assert.Equal([new Grant("films", Films, Now, Now.AddDays(30)), new Grant("kids", Films, Now, Now.AddDays(30))], e.VodPacks);
        Assert.Equal([new Grant("film-1", Film, Now, Now.AddHours(48))], e.Titles);
    }

    [Fact]
    public void Entitlements_a_rental_ends_after_its_validity_and_an_order_not_yet_started_grants_nothing()
    {
        var state = Run(Opened(), Now, Order(Film, Rental), Order(Films, FilmsPack, from: Now.AddDays(2)));

        Assert.Single(state.EntitlementsAt(Now.AddHours(47)).Titles);
        Assert.Empty(state.EntitlementsAt(Now.AddHours(48)).Titles);
        Assert.Empty(state.EntitlementsAt(Now.AddDays(1)).VodPacks);
        Assert.Equal(2, state.EntitlementsAt(Now.AddDays(2)).VodPacks.Count);
        Assert.Empty(state.EntitlementsAt(Now.AddSeconds(-1)).Titles);
    }

    [Fact]
    public void Entitlements_a_channel_granted_twice_names_the_order_lasting_longest()
    {
        var state = Run(Opened(), Now, Order(Sports, SportsPackage, until: Now.AddDays(7)), Order(Basic, TwoChannels, until: Now.AddDays(30)));

        var cctv5 = Assert.Single(state.EntitlementsAt(Now.AddDays(1)).Channels, g => g.Item == "cctv-5");
        Assert.Equal(Basic, cctv5.Via);

        var open = Run(state, Now, Order(Sports, SportsPackage, from: Now.AddDays(7)));
        Assert.Equal(Sports, Assert.Single(open.EntitlementsAt(Now.AddDays(8)).Channels, g => g.Item == "cctv-5").Via);
    }

    [Fact]
    public void Entitlements_a_cancelled_order_stops_granting_from_its_effective_time()
    {
        var state = Run(Opened(), Now, Order(Films, FilmsPack));
        state = Run(state, Now, new CancelProduct(Id, Key(), Films, Now.AddDays(3)));

        Assert.Equal(Now.AddDays(3), state.EntitlementsAt(Now.AddDays(1)).VodPacks[0].Until);
        Assert.Empty(state.EntitlementsAt(Now.AddDays(3)).VodPacks);
    }

    [Fact]
    public void Entitlements_a_suspended_account_keeps_its_entitlements_and_says_it_is_suspended()
    {
        var state = Run(Opened(), Now, Order(Basic, TwoChannels), new SuspendAccount(Id, Key(), "unpaid"));

        var e = state.EntitlementsAt(Now.AddMinutes(1));
        Assert.Equal(SubscriberStatus.Suspended, e.Status);
        Assert.Equal(2, e.Channels.Count);
    }
}
