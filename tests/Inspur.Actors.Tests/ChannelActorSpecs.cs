using Akka.Actor;
using Akka.Cluster.Sharding;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Testing;
using Xunit.Abstractions;
using static Inspur.Domain.Channels.ChannelCommands;
using static Inspur.Domain.Channels.ChannelQueries;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Actors.Tests;

/// <summary>The channel entity on its own (no sharding), persisting to a real SQLite journal.</summary>
public sealed class ChannelActorSpecs(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(TestConfig.Node(Repo.TempDir("channel-actor-specs"), extraHocon: "akka.actor.provider = local"), nameof(ChannelActorSpecs), output)
{

    private IActorRef Spawn(string id) => ChildActorOf(Props.Create(() => new ChannelActor(id)));

    [Fact]
    public async Task Create_then_get_answers_the_persisted_view()
    {
        var id = new ChannelId("create-get");
        var channel = Spawn(id.Value);

        var created = await channel.Ask<ChannelView>(new CreateChannel(id, new ChannelConfig("One", 1)), RemainingOrDefault);
        var read = await channel.Ask<ChannelView>(new GetChannel(id), RemainingOrDefault);

        Assert.Equal(1, created.Version);
        Assert.Equal(created, read);
    }

    [Fact]
    public async Task A_refused_command_persists_nothing()
    {
        var id = new ChannelId("refused");
        var first = Spawn(id.Value);
        await first.Ask<ChannelView>(new CreateChannel(id, new ChannelConfig("One", 1)), RemainingOrDefault);

        var again = await first.Ask<ChannelRejected>(new CreateChannel(id, new ChannelConfig("Two", 2)), RemainingOrDefault);
        var invalid = await first.Ask<ChannelRejected>(new UpdateChannel(id, new ChannelConfig("", 2)), RemainingOrDefault);
        await WatchAndStop(first);

        var recovered = await Spawn(id.Value).Ask<ChannelView>(new GetChannel(id), RemainingOrDefault);
        Assert.Equal(ChannelRejection.AlreadyExists, again.Reason);
        Assert.Equal(ChannelRejection.Invalid, invalid.Reason);
        Assert.Equal(1, recovered.Version);
        Assert.Equal("One", recovered.Config.Name);
    }

    [Fact]
    public async Task A_query_for_a_missing_channel_answers_not_found_and_asks_to_be_passivated()
    {
        var id = new ChannelId("missing");
        var channel = ChildActorOf(Props.Create(() => new ChannelActor(id.Value)));

        channel.Tell(new GetChannel(id));

        var rejected = ExpectMsg<ChannelRejected>();
        Assert.Equal(ChannelRejection.NotFound, rejected.Reason);
        ExpectMsg<Passivate>();
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Recovers_from_snapshot_plus_later_events_after_many_updates()
    {
        var id = new ChannelId("snapshotted");
        var channel = Spawn(id.Value);
        await channel.Ask<ChannelView>(new CreateChannel(id, new ChannelConfig("v1", 1)), RemainingOrDefault);
        const int updates = ChannelActor.SnapshotEvery * 2 + 7;
        for (var i = 2; i <= updates + 1; i++)
            await channel.Ask<ChannelView>(new UpdateChannel(id, new ChannelConfig($"v{i}", i)), RemainingOrDefault);
        await WatchAndStop(channel);

        var recovered = await Spawn(id.Value).Ask<ChannelView>(new GetChannel(id), RemainingOrDefault);

        Assert.Equal(updates + 1, recovered.Version);
        Assert.Equal(new ChannelConfig($"v{updates + 1}", updates + 1), recovered.Config);
    }

    private async Task WatchAndStop(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        ExpectTerminated(actor);
        Unwatch(actor);
        await Task.CompletedTask;
    }
}
