using Akka.Actor;
using Inspur.Actors.Epg;
using Inspur.Domain.Epg;

namespace Inspur.Host.Admin;

/// <summary>What the EPG page shows at one moment: the scheduled sources with their last outcome and today's grid.</summary>
public sealed record EpgBoard(IReadOnlyList<EpgSource> Sources, IReadOnlyList<EpgGridRow> Grid, DateOnly Day, DateTimeOffset At, string? Problem = null);

/// <summary>
/// Reads the EPG page from <see cref="IEpgService"/> and imports uploads through the same <see cref="EpgImporter"/> as
/// <c>POST /api/v1/epg/import</c>; an EPG that does not answer is an <see cref="EpgBoard.Problem"/>, never an exception.
/// </summary>
public sealed class EpgBoardReader(IEpgService epg, EpgImporter importer)
{
    /// <summary>The same limit as the REST upload.</summary>
    public const long MaxUploadBytes = Api.EpgApi.MaxXmlBytes;

    /// <summary>How many findings of a report the page lists.</summary>
    public const int ListedIssues = 10;

    public async Task<EpgBoard> ReadAsync(CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        try
        {
            var sources = epg.SourcesAsync(ct);
            var grid = epg.GridAsync(day, ct);
            return new EpgBoard(await sources, (await grid).OrderBy(r => r.ChannelId.Value, StringComparer.Ordinal).ToList(), day, DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new EpgBoard([], [], day, DateTimeOffset.UtcNow, $"The EPG did not answer within {EpgService.AskTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Imports an uploaded XMLTV file; the result's report says what was kept and dropped, or why nothing was.</summary>
    public async Task<EpgImportResult> ImportAsync(Stream xml, EpgChannelMap map, CancellationToken ct) =>
        await importer.ImportAsync(xml, map, "upload", ct);
}
