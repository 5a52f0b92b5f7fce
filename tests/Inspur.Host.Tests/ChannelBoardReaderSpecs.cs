using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Host.Admin;
using Inspur.Media.Live;
using Inspur.Media.Segmenting;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Tests;

/// <summary>What the admin board reads when the cluster, or one channel, does not answer; and where each column comes from.</summary>
public sealed class ChannelBoardReaderSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static ChannelView View(string id, int number, bool running, ChannelPhase phase = ChannelPhase.Stopped) =>
        new(new ChannelId(id), new ChannelConfig(id, number) { Source = "udp://127.0.0.1:5000" }, 1, T0, T0, running) { Phase = phase };

    private static ChannelLiveStatus Live(long kbps) => new("primary", kbps, T0, T0, ["main"], "node-a");

    [Fact]
    public async Task A_cluster_that_does_not_answer_the_list_is_a_problem_on_the_board_not_an_exception()
    {
        var reader = new ChannelBoardReader(new StubChannelService { List = () => throw new AskTimeoutException("no answer") }, new LiveRegistry());

        var board = await reader.ReadAsync(CancellationToken.None);

        Assert.Empty(board.Rows);
        Assert.Contains("did not answer", board.Problem);
    }

    [Fact]
    public async Task Running_channels_are_asked_concurrently_and_one_that_times_out_is_a_no_answer_row()
    {
        var asked = 0;
        var allAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var channels = new StubChannelService
        {
            List = () => [View("c", 3, running: true), View("a", 1, running: true), View("b", 2, running: true)],
            Get = async (id, _) =>
            {
                // Each answer waits for every question: asked one after another, none would answer in time.
                if (Interlocked.Increment(ref asked) == 3) allAsked.SetResult();
                await allAsked.Task;
                if (id.Value == "b") throw new AskTimeoutException("no answer");
                return View(id.Value, id.Value == "a" ? 1 : 3, running: true, ChannelPhase.Live) with { Live = Live(1200) };
            },
        };

        var board = await new ChannelBoardReader(channels, new LiveRegistry()).ReadAsync(CancellationToken.None);

        Assert.Null(board.Problem);
        Assert.Equal(["a", "b", "c"], board.Rows.Select(r => r.Id));
        Assert.Equal([false, true, false], board.Rows.Select(r => r.NoAnswer));
        Assert.Equal(1200, board.Rows[0].Live?.InputKbps);
        Assert.Equal(ChannelPhase.Live, board.Rows[0].View.Phase);
        Assert.Null(board.Rows[1].Live);
    }

    [Fact]
    public async Task A_running_channel_silent_past_the_entity_timeout_is_a_no_answer_row()
    {
        var channels = new StubChannelService
        {
            List = () => [View("slow", 1, running: true)],
            Get = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            },
        };

        var board = await new ChannelBoardReader(channels, new LiveRegistry()).ReadAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Assert.Single(board.Rows).NoAnswer);
    }

    [Fact]
    public async Task Stopped_channels_are_not_asked_and_their_row_is_the_read_model_view()
    {
        var channels = new StubChannelService
        {
            List = () => [View("off", 1, running: false)],
            Get = (id, _) => throw new InvalidOperationException($"{id} was asked"),
        };

        var board = await new ChannelBoardReader(channels, new LiveRegistry()).ReadAsync(CancellationToken.None);

        var row = Assert.Single(board.Rows);
        Assert.False(row.NoAnswer);
        Assert.Equal(ChannelPhase.Stopped, row.View.Phase);
    }

    [Fact]
    public async Task Output_comes_from_this_nodes_live_registry_or_else_names_the_renditions_another_node_serves()
    {
        var live = new LiveRegistry();
        var main = new LiveRendition("main", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
        main.OnSegment(new SegmentInfo(41, 0, T0, TimeSpan.FromSeconds(2), 250_000, false, 4), new byte[250_000]);
        live.Publish("here", main);
        var channels = new StubChannelService
        {
            List = () => [View("here", 1, running: true), View("there", 2, running: true)],
            Get = (id, _) => Task.FromResult<IChannelReply>(View(id.Value, id.Value == "here" ? 1 : 2, running: true) with { Live = Live(900) }),
        };

        var board = await new ChannelBoardReader(channels, live).ReadAsync(CancellationToken.None);

        var here = Assert.Single(board.Rows[0].Renditions);
        Assert.Equal(new RenditionRow("main", Local: true, 1_000_000, null, 41, T0, TimeSpan.FromMilliseconds(500)), here);
        Assert.Equal(new RenditionRow("main", Local: false), Assert.Single(board.Rows[1].Renditions));
    }

    [Fact]
    public async Task One_channel_reads_the_entity_and_says_plainly_when_it_does_not_exist_or_answer()
    {
        var channels = new StubChannelService
        {
            Get = (id, _) => id.Value switch
            {
                "gone" => Task.FromResult<IChannelReply>(new ChannelRejected(id, ChannelRejection.NotFound, $"channel '{id}' does not exist")),
                "mute" => throw new AskTimeoutException("no answer"),
                _ => Task.FromResult<IChannelReply>(View(id.Value, 7, running: false)),
            },
        };
        var reader = new ChannelBoardReader(channels, new LiveRegistry());

        Assert.Equal(7, (await reader.ReadOneAsync(new ChannelId("ok"), CancellationToken.None)).Row?.View.Config.Number);
        Assert.Equal("channel 'gone' does not exist", (await reader.ReadOneAsync(new ChannelId("gone"), CancellationToken.None)).Problem);
        Assert.Contains("did not answer", (await reader.ReadOneAsync(new ChannelId("mute"), CancellationToken.None)).Problem);
    }
}
