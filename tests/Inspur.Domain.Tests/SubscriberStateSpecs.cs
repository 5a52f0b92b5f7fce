using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberEvents;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Domain.Tests;

public sealed partial class SubscriberStateSpecs
{
    private static readonly SubscriberId Id = new("boss-1");
    private static readonly ChannelId Cctv1 = new("cctv-1");
    private static readonly ChannelId Cctv5 = new("cctv-5");
    private static readonly ProductId Basic = new("basic");
    private static readonly ProductId Film = new("film-rental");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ProductDefinition BasicPackage = new(ProductKind.Package, "Basic", 3000, "CNY") { Channels = [Cctv1] };
    private static readonly ProductDefinition Rental = new(ProductKind.Tvod, "Film", 500, "CNY") { TitleId = "film-1", ValidityHours = 48 };

    private static int _keys;

    private static string Key() => $"key-{Interlocked.Increment(ref _keys)}";

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

    private static SubscriberRejected Refused(SubscriberState state, ISubscriberCommand command, SubscriberRejection reason, DateTimeOffset? at = null)
    {
        var decision = state.Process(command, at ?? Now);
        Assert.Empty(decision.Events);
        var rejected = Assert.IsType<SubscriberRejected>(decision.Reply);
        Assert.Equal(reason, rejected.Reason);
        return rejected;
    }

    private static SubscriberState Opened(int devices = 2, int streams = 2) =>
        Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Li Lei", new SubscriberLimits(devices, streams)));

    private static OrderProduct Order(ProductId product, ProductDefinition definition, DateTimeOffset? from = null, DateTimeOffset? until = null) =>
        new(Id, Key(), product, from, until, definition);

    [Fact]
    public void An_account_opens_suspends_resumes_and_closes_and_closed_is_final()
    {
        var state = Opened();
        Assert.Equal((SubscriberStatus.Active, 1L, "Li Lei"), (state.Status, state.Version, state.Name));

        state = Run(state, Now, new SuspendAccount(Id, Key(), "unpaid"));
        Assert.Equal((SubscriberStatus.Suspended, "unpaid"), (state.Status, state.StatusReason));
        Refused(state, new SuspendAccount(Id, Key(), "again"), SubscriberRejection.Conflict);

        state = Run(state, Now, new ResumeAccount(Id, Key()));
        Assert.Equal(SubscriberStatus.Active, state.Status);
        Assert.Null(state.StatusReason);
        Refused(state, new ResumeAccount(Id, Key()), SubscriberRejection.Conflict);

        state = Run(state, Now, new CloseAccount(Id, Key(), "moved"));
        Assert.Equal((SubscriberStatus.Closed, 4L), (state.Status, state.Version));
        ISubscriberCommand[] everything =
        [
            new SuspendAccount(Id, Key(), "x"), new ResumeAccount(Id, Key()), new CloseAccount(Id, Key(), null),
            new ChangeLimits(Id, Key(), new SubscriberLimits(3, 3)), new RegisterDevice(Id, Key(), "p-1", DeviceKind.Phone, null, null, null),
            new RemoveDevice(Id, Key(), "p-1"), Order(Basic, BasicPackage), new CancelProduct(Id, Key(), Basic, null),
        ];
        Assert.All(everything, c => Assert.Contains("closed", Refused(state, c, SubscriberRejection.Conflict).Message));
        Assert.Equal(SubscriberStatus.Closed, state.View()!.Status);
    }

    [Fact]
    public void Opening_is_refused_when_taken_or_invalid_and_everything_else_needs_an_open_account()
    {
        var state = Opened();
        Refused(state, new OpenAccount(Id, Key(), "Other", new SubscriberLimits(1, 1)), SubscriberRejection.AlreadyExists);
        var empty = SubscriberState.Empty(Id);
        Refused(empty, new OpenAccount(Id, Key(), " ", new SubscriberLimits(1, 1)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(Id, Key(), "A\u0001", new SubscriberLimits(1, 1)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(Id, Key(), "A", new SubscriberLimits(0, 1)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(Id, Key(), "A", new SubscriberLimits(1, 101)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(new SubscriberId("other"), Key(), "A", new SubscriberLimits(1, 1)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(Id, "", "A", new SubscriberLimits(1, 1)), SubscriberRejection.Invalid);
        Refused(empty, new OpenAccount(Id, "has space", "A", new SubscriberLimits(1, 1)), SubscriberRejection.Invalid);
        Refused(empty, new SuspendAccount(Id, Key(), "x"), SubscriberRejection.NotFound);
        Refused(empty, Order(Basic, BasicPackage), SubscriberRejection.NotFound);
        Assert.Null(empty.View());
    }

    [Fact]
    public void Devices_are_refused_beyond_the_limit_and_when_duplicated()
    {
        var state = Opened(devices: 2);
        state = Run(state, Now, new RegisterDevice(Id, Key(), "stb-1", DeviceKind.Stb, "00-1A-2B-3C-4D-5E", null, "Living room"));
        Assert.Equal("00:1a:2b:3c:4d:5e", state.Devices.Single().Mac);
        Refused(state, new RegisterDevice(Id, Key(), "stb-1", DeviceKind.Phone, null, null, null), SubscriberRejection.Conflict);
        Refused(state, new RegisterDevice(Id, Key(), "stb-2", DeviceKind.Stb, "00:1a:2b:3c:4d:5e", null, null), SubscriberRejection.Conflict);
        Refused(state, new RegisterDevice(Id, Key(), "stb-3", DeviceKind.Stb, null, null, null), SubscriberRejection.Invalid);
        Refused(state, new RegisterDevice(Id, Key(), "stb-3", DeviceKind.Stb, "not-a-mac", null, null), SubscriberRejection.Invalid);
        Refused(state, new RegisterDevice(Id, Key(), "phone 1", DeviceKind.Phone, null, null, null), SubscriberRejection.Invalid);
        Refused(state, new RegisterDevice(Id, Key(), "phone-1", DeviceKind.Phone, null, "SN9", null), SubscriberRejection.Invalid);

        state = Run(state, Now, new RegisterDevice(Id, Key(), "stb-2", DeviceKind.Stb, null, "SN-42", null));
        Refused(state, new RegisterDevice(Id, Key(), "web-1", DeviceKind.Browser, null, null, null), SubscriberRejection.Conflict);
        Refused(state, new ChangeLimits(Id, Key(), new SubscriberLimits(1, 2)), SubscriberRejection.Conflict);

        state = Run(state, Now, new ChangeLimits(Id, Key(), new SubscriberLimits(3, 1)));
        state = Run(state, Now, new RegisterDevice(Id, Key(), "web-1", DeviceKind.Browser, null, null, null));
        Assert.Equal(["stb-1", "stb-2", "web-1"], state.Devices.Select(d => d.DeviceId));
        Refused(state, new RemoveDevice(Id, Key(), "tablet-9"), SubscriberRejection.NotFound);
        state = Run(state, Now, new RemoveDevice(Id, Key(), "stb-1"));
        Assert.Equal(["stb-2", "web-1"], state.Devices.Select(d => d.DeviceId));
        Assert.Equal(1, state.Limits.Streams);
    }

    [Fact]
    public void Entitlement_follows_the_orders_in_force_at_each_instant()
    {
        var from = Now.AddHours(1);
        var state = Run(Opened(), Now, Order(Basic, BasicPackage, from, Now.AddDays(30)));

        Assert.Null(state.Entitles(Cctv1, Now));
        Assert.Equal(Basic, state.Entitles(Cctv1, from)?.ProductId);
        Assert.NotNull(state.Entitles(Cctv1, Now.AddDays(30).AddTicks(-1)));
        Assert.Null(state.Entitles(Cctv1, Now.AddDays(30)));
        Assert.Null(state.Entitles(Cctv5, from));

        // Cancelled effective in ten days: entitled before, not from then on; the order stays in the history.
        var cancelAt = Now.AddDays(10);
        state = Run(state, Now, new CancelProduct(Id, Key(), Basic, cancelAt));
        Assert.NotNull(state.Entitles(Cctv1, cancelAt.AddTicks(-1)));
        Assert.Null(state.Entitles(Cctv1, cancelAt));
        Assert.Equal((cancelAt, Now), (state.Orders.Single().Until, state.Orders.Single().CancelledAt));

        // Ordered again after the cancellation: a second order, entitling from its own start.
        state = Run(state, Now, Order(Basic, BasicPackage, cancelAt.AddDays(1)));
        Assert.Null(state.Entitles(Cctv1, cancelAt.AddHours(1)));
        Assert.NotNull(state.Entitles(Cctv1, cancelAt.AddDays(400)));
        Assert.Equal(2, state.Orders.Count);
    }

    [Fact]
    public void A_tvod_rental_lasts_its_validity_and_grants_no_channel()
    {
        var state = Run(Opened(), Now, Order(Film, Rental));
        var order = state.Orders.Single();
        Assert.Equal((Now, Now.AddHours(48)), (order.From, order.Until));
        Assert.Null(state.Entitles(Cctv1, Now));
        Assert.True(order.ActiveAt(Now.AddHours(47)));
        Assert.False(order.ActiveAt(Now.AddHours(48)));
    }

    [Fact]
    public void Ordering_twice_and_cancelling_what_was_never_ordered_are_conflicts()
    {
        var state = Run(Opened(), Now, Order(Basic, BasicPackage, Now, Now.AddDays(30)));
        Refused(state, Order(Basic, BasicPackage), SubscriberRejection.Conflict);
        Refused(state, Order(Basic, BasicPackage, Now.AddDays(29)), SubscriberRejection.Conflict);
        Refused(state, Order(Basic, BasicPackage, Now.AddDays(-1), Now.AddDays(1)), SubscriberRejection.Conflict);
        Run(state, Now, Order(Basic, BasicPackage, Now.AddDays(30), Now.AddDays(60)));
        Refused(state, Order(Basic, BasicPackage, Now, Now), SubscriberRejection.Invalid);
        Refused(state, new OrderProduct(Id, Key(), new ProductId("gone"), null, null, null), SubscriberRejection.NotFound);

        Assert.Contains("never ordered", Refused(state, new CancelProduct(Id, Key(), Film, null), SubscriberRejection.Conflict).Message);
        Refused(state, new CancelProduct(Id, Key(), Basic, Now.AddDays(31)), SubscriberRejection.Conflict);
        var cancelled = Run(state, Now, new CancelProduct(Id, Key(), Basic, null));
        Refused(cancelled, new CancelProduct(Id, Key(), Basic, null), SubscriberRejection.Conflict);
    }

    [Fact]
    public void Authorisation_says_why_not()
    {
        Assert.Equal(AuthorizationDenial.UnknownSubscriber, SubscriberState.Empty(Id).Authorize(Cctv1, Now).Denial);
        var opened = Opened(streams: 3);
        Assert.Equal(AuthorizationDenial.NotEntitled, opened.Authorize(Cctv1, Now).Denial);

        var entitled = Run(opened, Now, Order(Basic, BasicPackage));
        var allowed = entitled.Authorize(Cctv1, Now);
        Assert.True(allowed.Allowed);
        Assert.Equal((Basic, 3), (allowed.Via, allowed.StreamLimit));
        Assert.Equal(AuthorizationDenial.NotEntitled, entitled.Authorize(Cctv5, Now).Denial);

        var suspended = Run(entitled, Now, new SuspendAccount(Id, Key(), "unpaid"));
        Assert.Equal(AuthorizationDenial.Suspended, suspended.Authorize(Cctv1, Now).Denial);
        Assert.True(Run(suspended, Now, new ResumeAccount(Id, Key())).Authorize(Cctv1, Now).Allowed);
        Assert.Equal(AuthorizationDenial.Closed, Run(suspended, Now, new CloseAccount(Id, Key(), null)).Authorize(Cctv1, Now).Denial);
    }

    [Fact]
    public void The_same_key_and_request_answers_the_first_receipt_and_persists_nothing()
    {
        var open = new OpenAccount(Id, "open-1", "Li Lei", new SubscriberLimits(2, 2));
        var state = Run(SubscriberState.Empty(Id), Now, open);
        Assert.Equal(new SubscriberReceipt(Id, 1, Now, false), state.ReceiptFor("open-1"));

        var again = state.Process(open, Now.AddMinutes(5));
        Assert.Empty(again.Events);
        Assert.Equal(new SubscriberReceipt(Id, 1, Now, true), again.Reply);

        // An order with a null "from" is the same request on a retry, though "now" moved on and the product was redefined.
        var order = new OrderProduct(Id, "order-1", Basic, null, null, BasicPackage);
        state = Run(state, Now, order, new SuspendAccount(Id, "suspend-1", "unpaid"));
        var retried = state.Process(order with { Product = BasicPackage with { Price = 1 } }, Now.AddHours(1));
        Assert.Empty(retried.Events);
        Assert.Equal(new SubscriberReceipt(Id, 2, Now, true), retried.Reply);
    }

    [Fact]
    public void The_same_key_with_a_different_request_is_refused()
    {
        var state = Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, "k", "Li Lei", new SubscriberLimits(2, 2)));

        Refused(state, new OpenAccount(Id, "k", "Han Meimei", new SubscriberLimits(2, 2)), SubscriberRejection.IdempotencyMismatch);
        Refused(state, new SuspendAccount(Id, "k", "unpaid"), SubscriberRejection.IdempotencyMismatch);
        Refused(state, new OrderProduct(Id, "k", Basic, Now, null, BasicPackage), SubscriberRejection.IdempotencyMismatch);
    }

    [Fact]
    public void A_refused_request_is_not_remembered_so_its_retry_is_decided_again()
    {
        var state = Opened(devices: 1);
        state = Run(state, Now, new RegisterDevice(Id, Key(), "p-1", DeviceKind.Phone, null, null, null));
        var second = new RegisterDevice(Id, "second-device", "p-2", DeviceKind.Phone, null, null, null);
        Refused(state, second, SubscriberRejection.Conflict);

        state = Run(state, Now, new ChangeLimits(Id, Key(), new SubscriberLimits(2, 2)), second);
        Assert.Equal(2, state.Devices.Count);
    }

    [Fact]
    public void The_log_keeps_the_last_thousand_keys()
    {
        var state = Opened(devices: 1);
        var first = state.Log.Entries[0].Key;
        for (var i = 0; i < IdempotencyLog.Capacity; i++)
            state = Run(state, Now, i % 2 == 0 ? new SuspendAccount(Id, $"k-{i}", "x") : new ResumeAccount(Id, $"k-{i}"));

        Assert.Equal(IdempotencyLog.Capacity, state.Log.Entries.Count);
        Assert.Null(state.Log.Find(first));
        Assert.NotNull(state.Log.Find("k-0"));
        Assert.Equal(IdempotencyLog.Capacity + 1, state.Version);
    }

    [Fact]
    public void Products_are_validated_by_kind()
    {
        Assert.Null(ProductDefinition.Validate(BasicPackage));
        Assert.Null(ProductDefinition.Validate(Rental));
        Assert.Null(ProductDefinition.Validate(new ProductDefinition(ProductKind.Svod, "Kids", 1500, "CNY")));
        Assert.Equal("channels", ProductDefinition.Validate(BasicPackage with { Channels = [] })?.Field);
        Assert.Equal("channels", ProductDefinition.Validate(BasicPackage with { Channels = [Cctv1, Cctv1] })?.Field);
        Assert.Equal("kind", ProductDefinition.Validate(BasicPackage with { TitleId = "film-1" })?.Field);
        Assert.Equal("validityHours", ProductDefinition.Validate(Rental with { ValidityHours = null })?.Field);
        Assert.Equal("titleId", ProductDefinition.Validate(Rental with { TitleId = null })?.Field);
        Assert.Equal("price", ProductDefinition.Validate(BasicPackage with { Price = -1 })?.Field);
        Assert.Equal("currency", ProductDefinition.Validate(BasicPackage with { Currency = "yuan" })?.Field);
        Assert.Equal("name", ProductDefinition.Validate(BasicPackage with { Name = "" })?.Field);
    }

    [Fact]
    public void The_catalog_defines_redefines_and_replays_by_key()
    {
        var catalog = ProductCatalogState.Empty;
        var define = new ProductCatalogProtocol.DefineProduct(Basic, BasicPackage, "p-1");
        var (evt, reply) = catalog.Process(define, Now);
        Assert.Null(reply);
        catalog = catalog.Apply(evt!);
        Assert.Equal(new ProductCatalogProtocol.ProductReceipt(Basic, 1, Now, false), catalog.ReceiptFor(Basic, "p-1"));

        Assert.Equal(new ProductCatalogProtocol.ProductReceipt(Basic, 1, Now, true), catalog.Process(define, Now.AddHours(1)).Reply);
        var mismatch = Assert.IsType<ProductCatalogProtocol.ProductRejected>(catalog.Process(define with { Definition = Rental }, Now).Reply);
        Assert.Equal(SubscriberRejection.IdempotencyMismatch, mismatch.Reason);
        var invalid = Assert.IsType<ProductCatalogProtocol.ProductRejected>(catalog.Process(new(Basic, BasicPackage with { Channels = [] }, "p-2"), Now).Reply);
        Assert.Equal(SubscriberRejection.Invalid, invalid.Reason);

        catalog = catalog.Apply(catalog.Process(new(Basic, BasicPackage with { Price = 2000 }, "p-3"), Now).Event!);
        Assert.Equal((2000L, 2L), (catalog.Find(Basic)!.Definition.Price, catalog.Find(Basic)!.Version));
        Assert.Single(catalog.Products);
    }
}
