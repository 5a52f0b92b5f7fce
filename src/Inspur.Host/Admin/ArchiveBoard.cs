using System.Globalization;
using Akka.Actor;
using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Host.Archive;
using Inspur.Media.Archive;

namespace Inspur.Host.Admin;

/// <summary>What the archive page shows at one moment: the node's usage against its quota and every channel's archive on one day.</summary>
public sealed record ArchiveBoard(IReadOnlyList<ArchiveRow> Rows, long TotalBytes, long? QuotaBytes, RetentionReport? LastRetention,
    DateOnly Day, DateTimeOffset At, string? Problem = null);

/// <summary>One channel's archive: its bytes on this node, its retention setting and each rendition's extent and availability.</summary>
public sealed record ArchiveRow(string Id, string Name, int Number, int ArchiveHours, long UsageBytes, IReadOnlyList<ArchiveRenditionRow> Renditions);

/// <summary>One archived rendition: the earliest and latest archived time and the day's ranges and gaps.</summary>
public sealed record ArchiveRenditionRow(string Name, TimeRange? Extent, ArchiveAvailability Availability);

/// <summary>
/// Reads the archive page from <see cref="IChannelService"/> (the channels and their retention) and this node's
/// <see cref="NodeArchive"/> (usage, extents and availability straight from disk); a cluster that does not answer is a
/// <see cref="ArchiveBoard.Problem"/> and the rows come from the archive alone.
/// </summary>
public sealed class ArchiveBoardReader(IChannelService channels, NodeArchive archive)
{
    /// <summary>How many days back the day picker offers, today included.</summary>
    public const int Days = 7;

    public long? QuotaBytes => archive.Settings.QuotaBytes;

    public async Task<ArchiveBoard> ReadAsync(DateOnly day, CancellationToken ct)
    {
        IReadOnlyList<ChannelReplies.ChannelView> views = [];
        string? problem = null;
        try
        {
            views = await channels.ListAsync(ct);
        }
        catch (AskTimeoutException)
        {
            problem = $"The cluster did not answer within {ChannelService.AskTimeout.TotalSeconds:0} s; retention settings are unavailable.";
        }

        var usage = archive.Usage.ByChannel;
        var known = views.ToDictionary(v => v.ChannelId.Value, StringComparer.Ordinal);
        var ids = known.Keys.Union(usage.Keys, StringComparer.Ordinal);
        var reader = archive.Reader;
        var rows = ids.Select(id =>
            {
                var config = known.TryGetValue(id, out var view) ? view.Config : null;
                return new ArchiveRow(id, config?.Name ?? id, config?.Number ?? 0, config?.ArchiveHours ?? ChannelConfig.DefaultArchiveHours,
                    usage.GetValueOrDefault(id), reader.Renditions(id).Select(r => new ArchiveRenditionRow(r, reader.Extent(id, r), reader.Availability(id, r, day))).ToList());
            })
            .OrderBy(r => r.Number).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        return new ArchiveBoard(rows, archive.Usage.Total, archive.Settings.QuotaBytes, archive.LastRetention, day, DateTimeOffset.UtcNow, problem);
    }

    /// <summary>Sets a channel's retention through the channel entity, which validates it like any other update.</summary>
    public async Task<Notice> SetRetentionAsync(string id, int hours, CancellationToken ct)
    {
        var channel = new ChannelId(id);
        try
        {
            if (await channels.GetAsync(channel, ct) is not ChannelReplies.ChannelView view)
                return new Notice($"channel '{id}' could not be read; nothing changed", Error: true);
            return await Notice.OfAsync(() => channels.UpdateAsync(channel, view.Config with { ArchiveHours = hours }, ct),
                $"{id} keeps {hours.ToString(CultureInfo.InvariantCulture)} h of archive");
        }
        catch (AskTimeoutException)
        {
            return new Notice($"Channel '{id}' did not answer within {ChannelService.AskTimeout.TotalSeconds:0} s; nothing is known to have changed.", Error: true);
        }
    }

}

/// <summary>The time-shift playlist URLs the admin links to, in the scheme <see cref="Delivery.TimeShiftDelivery"/> serves.</summary>
public static class ArchiveLinks
{
    /// <summary><c>/archive/{channel}/{rendition}/index-{fromUnixSeconds}-{durationSeconds}.m3u8</c>, whole seconds covering the range.</summary>
    public static string Range(string channel, string rendition, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from.ToUnixTimeSeconds();
        var seconds = Math.Max(1, (long)Math.Ceiling((to - DateTimeOffset.FromUnixTimeSeconds(start)).TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"/archive/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(rendition)}/index-{start}-{seconds}.m3u8");
    }
}
