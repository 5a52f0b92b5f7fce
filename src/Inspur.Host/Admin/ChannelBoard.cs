using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Media.Live;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Admin;

/// <summary>What the admin shows of every channel at one moment; <see cref="Problem"/> says why it could not be read.</summary>
public sealed record ChannelBoard(IReadOnlyList<ChannelRow> Rows, DateTimeOffset At, string? Problem = null);

/// <summary>One channel as an operator sees it: its view (the entity's when it answered), live status and this node's output.</summary>
public sealed record ChannelRow(ChannelView View, bool NoAnswer, IReadOnlyList<RenditionRow> Renditions)
{
    public string Id => View.ChannelId.Value;

    public ChannelLiveStatus? Live => View.Live;

    /// <summary>This node serves a segment of it, so the in-page preview can play it.</summary>
    public bool Playable => Renditions.Any(r => r.Local && r.LastSequence is not null);
}

/// <summary>One output rendition; <see cref="Local"/> is false when it is served by another node and only its name is known.</summary>
public sealed record RenditionRow(string Name, bool Local, long Bitrate = 0, string? Codecs = null, long? LastSequence = null,
    DateTimeOffset? LastProgramDateTime = null, TimeSpan? PartTarget = null);

/// <summary>One channel for its detail page; <see cref="Row"/> is null when the channel does not exist or nobody answered.</summary>
public sealed record ChannelDetail(ChannelRow? Row, DateTimeOffset At, string? Problem = null);

/// <summary>
/// Reads the board from <see cref="IChannelService"/> (the read model for every channel, the entity itself for running
/// ones, asked concurrently) and <see cref="LiveRegistry"/> (what this node serves); a cluster that does not answer is a
/// <see cref="ChannelBoard.Problem"/>, a channel that does not answer is a row with <see cref="ChannelRow.NoAnswer"/>.
/// </summary>
public sealed class ChannelBoardReader(IChannelService channels, LiveRegistry live)
{
    /// <summary>How long one running channel may take to answer before its row says "no answer".</summary>
    public static readonly TimeSpan EntityTimeout = TimeSpan.FromSeconds(3);

    public async Task<ChannelBoard> ReadAsync(CancellationToken ct)
    {
        IReadOnlyList<ChannelView> views;
        try
        {
            views = await channels.ListAsync(ct);
        }
        catch (AskTimeoutException)
        {
            return new ChannelBoard([], DateTimeOffset.UtcNow, $"The cluster did not answer within {ChannelService.AskTimeout.TotalSeconds:0} s; the channel list is unavailable.");
        }

        var rows = await Task.WhenAll(views.OrderBy(v => v.Config.Number).ThenBy(v => v.ChannelId.Value, StringComparer.Ordinal)
            .Select(v => v.Running ? AskEntityAsync(v, ct) : Task.FromResult(Row(v, noAnswer: false))));
        return new ChannelBoard(rows, DateTimeOffset.UtcNow);
    }

    public async Task<ChannelDetail> ReadOneAsync(ChannelId id, CancellationToken ct)
    {
        try
        {
            return await channels.GetAsync(id, ct) switch
            {
                ChannelView view => new ChannelDetail(Row(view, noAnswer: false), DateTimeOffset.UtcNow),
                ChannelRejected rejected => new ChannelDetail(null, DateTimeOffset.UtcNow, rejected.Message),
                var other => new ChannelDetail(null, DateTimeOffset.UtcNow, $"unexpected reply {other.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return new ChannelDetail(null, DateTimeOffset.UtcNow, $"Channel '{id}' did not answer within {ChannelService.AskTimeout.TotalSeconds:0} s.");
        }
    }

    private async Task<ChannelRow> AskEntityAsync(ChannelView listed, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(EntityTimeout);
        try
        {
            return await channels.GetAsync(listed.ChannelId, deadline.Token) is ChannelView view
                ? Row(view, noAnswer: false)
                : Row(listed, noAnswer: false);
        }
        catch (Exception e) when (e is AskTimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return Row(listed, noAnswer: true);
        }
    }

    private ChannelRow Row(ChannelView view, bool noAnswer)
    {
        var local = live.Renditions(view.ChannelId.Value);
        IReadOnlyList<RenditionRow> renditions = local.Count > 0
            ? local.Select(Rendition).ToList()
            : view.Live?.Renditions.Select(name => new RenditionRow(name, Local: false)).ToList() ?? [];
        return new ChannelRow(view, noAnswer, renditions);
    }

    private static RenditionRow Rendition(LiveRendition rendition)
    {
        var segments = rendition.Snapshot.Segments;
        var last = segments.IsEmpty ? null : segments[^1];
        return new RenditionRow(rendition.Name, Local: true, last?.Bitrate ?? 0, rendition.Description?.Codecs, last?.Sequence,
            last?.ProgramDateTime, rendition.PartTarget);
    }
}
