using Inspur.Actors.Channels;
using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgReplies;

namespace Inspur.Actors.Epg;

/// <summary>What one channel's share of an import did: how many programmes, whether they changed the EPG, or why it was refused.</summary>
public sealed record ChannelImport(ChannelId ChannelId, int Programmes, bool Changed, string? Error);

/// <summary>The parser's report (plus any channel that refused its share) and each channel's outcome.</summary>
public sealed record EpgImportResult(ImportReport Report, IReadOnlyList<ChannelImport> Channels);

/// <summary>
/// The import coordinator: parses an XMLTV file against our channels, splits the good programmes by channel and sends each
/// channel's <c>epg</c> entity its share as one command (applied whole or not at all); a malformed file sends nothing.
/// </summary>
public sealed class EpgImporter(IEpgService epg, IChannelService channels)
{
    public async Task<EpgImportResult> ImportAsync(Stream xml, EpgChannelMap map, string source, CancellationToken ct = default)
    {
        var known = (await channels.ListAsync(ct)).Select(c => c.ChannelId).ToHashSet();
        var parsed = XmltvParser.Parse(xml, new XmltvOptions { Map = map, KnownChannels = known });
        if (parsed.Report.Malformed) return new EpgImportResult(parsed.Report, []);

        var outcomes = await Task.WhenAll(parsed.Programmes.GroupBy(p => p.ChannelId).Select(async group =>
        {
            var programmes = group.ToList();
            try
            {
                return await epg.ImportAsync(group.Key, programmes, source, ct) switch
                {
                    ImportApplied a => new ChannelImport(group.Key, programmes.Count, a.Changed, null),
                    EpgRejected r => new ChannelImport(group.Key, programmes.Count, false, r.Message),
                    var other => new ChannelImport(group.Key, programmes.Count, false, $"unexpected reply {other.GetType().Name}"),
                };
            }
            catch (Exception ex) when (ex is TimeoutException or Akka.Actor.AskTimeoutException or TaskCanceledException)
            {
                return new ChannelImport(group.Key, programmes.Count, false, $"the EPG of '{group.Key}' did not answer: {ex.Message}");
            }
        }));

        var failed = outcomes.Where(o => o.Error is not null).ToList();
        if (failed.Count == 0) return new EpgImportResult(parsed.Report, outcomes.OrderBy(o => o.ChannelId.Value, StringComparer.Ordinal).ToList());
        var issues = parsed.Report.Issues.Concat(failed.Select(f =>
            new ImportIssue(IssueSeverity.Error, IssueKinds.NotApplied, 0, 0, $"{f.Programmes} programmes of '{f.ChannelId}' not applied: {f.Error}") { Channel = f.ChannelId.Value }));
        var report = ImportReport.Of(false, parsed.Report.Kept - failed.Sum(f => f.Programmes), parsed.Report.Dropped + failed.Sum(f => f.Programmes), issues.ToList());
        return new EpgImportResult(report, outcomes.OrderBy(o => o.ChannelId.Value, StringComparer.Ordinal).ToList());
    }
}
