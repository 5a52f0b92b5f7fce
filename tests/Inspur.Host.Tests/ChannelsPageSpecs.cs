using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Host.Admin;
using Inspur.Host.Admin.Pages;
using Inspur.Media.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Tests;

/// <summary>The admin channel board rendered in-process (no browser): what an operator sees when the cluster or a channel does not answer.</summary>
public sealed class ChannelsPageSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<string> RenderAsync(IChannelService channels)
    {
        var services = new ServiceCollection()
            .AddSingleton(channels)
            .AddSingleton<LiveRegistry>()
            .AddSingleton<ChannelBoardReader>()
            .AddSingleton<IJSRuntime, NoJs>()
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<Channels>(ParameterView.Empty)).ToHtmlString());
    }

    [Fact]
    public async Task A_cluster_that_does_not_answer_shows_a_banner_not_an_error()
    {
        var html = await RenderAsync(new StubChannelService { List = () => throw new AskTimeoutException("no answer") });

        Assert.Contains("id=\"cluster-banner\"", html);
        Assert.Contains("Cluster not answering.", html);
        Assert.Contains("channel list unavailable", html);
    }

    [Fact]
    public async Task A_running_channel_that_does_not_answer_says_so_in_its_row_while_the_others_show_their_input()
    {
        ChannelView View(string id, int number) =>
            new(new ChannelId(id), new ChannelConfig(id, number), 1, T0, T0, Running: true) { Phase = ChannelPhase.Live };
        var channels = new StubChannelService
        {
            List = () => [View("mute", 1), View("talks", 2)],
            Get = (id, _) => id.Value == "mute"
                ? throw new AskTimeoutException("no answer")
                : Task.FromResult<IChannelReply>(View("talks", 2) with { Live = new ChannelLiveStatus("backup", 4200, T0, T0, ["main"], "node-a") }),
        };

        var html = await RenderAsync(channels);

        Assert.DoesNotContain("cluster-banner", html);
        var mute = html[html.IndexOf("data-channel=\"mute\"", StringComparison.Ordinal)..html.IndexOf("data-channel=\"talks\"", StringComparison.Ordinal)];
        Assert.Contains("no answer", mute);
        var talks = html[html.IndexOf("data-channel=\"talks\"", StringComparison.Ordinal)..];
        Assert.Contains("4200 kb/s", talks);
        Assert.Contains("source-backup", talks);
    }

    /// <summary>A static render never calls script; any call is a bug in the page.</summary>
    private sealed class NoJs : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => throw new NotSupportedException(identifier);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new NotSupportedException(identifier);
    }
}
