using Inspur.Actors.Channels;
using Inspur.Media.Archive;

namespace Inspur.Host.Archive;

/// <summary>
/// Rediscovers the archive from disk when the node starts (usage per channel, torn temp files cleared) and then keeps
/// it within each channel's retention (its <c>archiveHours</c>) and the node's quota, oldest first, once a minute.
/// </summary>
public sealed class ArchiveKeeper(NodeArchive archive, IChannelService channels, TimeProvider clock, ILogger<ArchiveKeeper> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!archive.Settings.Enabled) return;
        await Task.Yield();
        try
        {
            var scan = archive.Reader.Scan();
            foreach (var (channel, bytes) in scan.Usage.ByChannel) archive.Usage.Add(channel, bytes);
            var cleared = new ArchiveRetention(archive.Layout, archive.Usage, new ArchiveRetentionOptions(), clock).DeleteStaleTemps(scan.TempFiles);
            log.LogInformation("archive at {Root}: {Bytes} bytes in {Channels} channels rediscovered, {Temps} torn temp files cleared",
                archive.Layout.Root, archive.Usage.Total, scan.Usage.ByChannel.Count, cleared);
        }
        catch (IOException ex)
        {
            log.LogError(ex, "archive at {Root} could not be scanned", archive.Layout.Root);
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await PassAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One retention pass with every channel's own depth; channels the directory does not know keep the default.</summary>
    public async Task<RetentionReport?> PassAsync(CancellationToken ct)
    {
        try
        {
            var hours = (await channels.ListAsync(ct)).ToDictionary(c => c.ChannelId.Value, c => TimeSpan.FromHours(c.Config.ArchiveHours), StringComparer.Ordinal);
            var report = new ArchiveRetention(archive.Layout, archive.Usage, new ArchiveRetentionOptions { Retention = hours, QuotaBytes = archive.Settings.QuotaBytes }, clock).Run();
            archive.LastRetention = report;
            if (report.Purged.Count > 0)
                log.LogInformation("archive retention freed {Bytes} bytes in {Hours} hour folders", report.FreedBytes, report.Purged.Count);
            if (report.AboveAlarm)
                log.LogWarning("archive usage {Usage} bytes is over 90 % of the quota {Quota} bytes: the oldest hours go first", report.UsageBytes, report.QuotaBytes);
            return report;
        }
        catch (Exception ex) when (ex is Akka.Actor.AskTimeoutException or IOException or UnauthorizedAccessException)
        {
            log.LogWarning(ex, "archive retention pass skipped; trying again in {Interval}", Interval);
            return null;
        }
    }
}
