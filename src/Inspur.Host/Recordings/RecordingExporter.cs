using Inspur.Actors.Recordings;
using Inspur.Domain.Recordings;
using Inspur.Host.Archive;
using Inspur.Media;
using Inspur.Media.Archive;
using Inspur.Media.Ffmpeg;
using Inspur.Media.Hls;
using static Inspur.Domain.Recordings.RecordingCommands;

namespace Inspur.Host.Recordings;

/// <summary>Where this node keeps recordings (<c>Inspur:Recordings:Dir</c>, default <c>{DataDir}/recordings</c>): copies, so they outlive archive retention.</summary>
public sealed class RecordingSettings
{
    private readonly string _rootWithSeparator;

    public RecordingSettings(string root)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _rootWithSeparator = Root + Path.DirectorySeparatorChar;
    }

    public string Root { get; }

    public static RecordingSettings Read(IConfiguration configuration, string dataDir) =>
        new(configuration["Inspur:Recordings:Dir"] ?? Path.Combine(dataDir, "recordings"));

    /// <summary>The folder of a valid recording id; throws for anything else, so no id can name a folder outside the root.</summary>
    public string Folder(RecordingId id) => Checked(Path.Combine(Root, Valid(id).Value));

    /// <summary>A file of a recording: the playlist, the MP4 or a segment named <c>{startMs}-{durationMs}.ts</c>; null for any other name.</summary>
    public string? File(RecordingId id, string name)
    {
        if (!IsFileName(name)) return null;
        return Checked(Path.Combine(Folder(id), name));
    }

    public static bool IsFileName(string name) =>
        name is RecordingFiles.Playlist or RecordingFiles.Mp4 ||
        ArchiveLayout.TryParseFileName(name, out var start, out var duration) && ArchiveLayout.FileName(start, duration) == name;

    private static RecordingId Valid(RecordingId id) =>
        RecordingId.IsValid(id.Value) ? id : throw new ArgumentException($"'{id.Value}' is not a recording id");

    private string Checked(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal)) throw new ArgumentException("the path resolves outside the recordings root");
        return full;
    }
}

/// <summary>
/// Makes a recording from the archive: copies the segments covering the interval into a temp folder with a VOD playlist,
/// remuxes them to MP4 with a supervised ffmpeg (<c>-c copy</c>, killed on cancel), and renames the folder into place.
/// </summary>
public sealed class RecordingExporter(NodeArchive archive, RecordingSettings settings, ILogger<RecordingExporter> log) : IRecordingExporter
{
    private const string TempMarker = ".tmp-";

    /// <summary>How long ffmpeg may take to remux (12 h of copy-remux takes minutes, not this).</summary>
    public static readonly TimeSpan RemuxLimit = TimeSpan.FromMinutes(30);

    public async Task<ReportExport> ExportAsync(RecordingId id, RecordingRequest request, CancellationToken ct)
    {
        var final = settings.Folder(id);
        RemoveTemps(id);
        var segments = archive.Reader.Segments(request.ChannelId.Value, request.Rendition, request.From, request.To);
        if (segments.Count == 0)
            return new ReportExport(id, null, $"nothing archived in {new TimeRange(request.From, request.To)} of {request.ChannelId}/{request.Rendition}");

        var temp = Path.Combine(settings.Root, $".{id.Value}{TempMarker}{Guid.NewGuid():N}"[..(id.Value.Length + 14)]);
        Directory.CreateDirectory(temp);
        try
        {
            var copied = new List<ArchivedSegment>(segments.Count);
            foreach (var s in segments)
            {
                ct.ThrowIfCancellationRequested();
                var name = Path.GetFileName(s.Path);
                try
                {
                    await using var source = new FileStream(s.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
                    await using var target = new FileStream(Path.Combine(temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await source.CopyToAsync(target, ct);
                }
                catch (FileNotFoundException)
                {
                    continue; // purged by retention between listing and copying: it becomes a gap
                }

                copied.Add(s with { Path = Path.Combine(temp, name) });
            }

            if (copied.Count == 0)
                return new ReportExport(id, null, $"nothing archived in {new TimeRange(request.From, request.To)} of {request.ChannelId}/{request.Rendition}");

            var playlist = Path.Combine(temp, RecordingFiles.Playlist);
            await File.WriteAllTextAsync(playlist, PlaylistWriter.Write(Playlist(copied, request.From)), ct);
            await RemuxAsync(playlist, Path.Combine(temp, RecordingFiles.Mp4), ct);

            ct.ThrowIfCancellationRequested();
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true); // an export redone after a crash that had renamed already
            Directory.Move(temp, final);
            var bytes = new DirectoryInfo(final).EnumerateFiles().Sum(f => f.Length);
            var files = new RecordingFiles(copied.Count, bytes, copied.Aggregate(TimeSpan.Zero, (d, s) => d + s.Duration), copied[0].Start, Gaps(copied, request));
            log.LogInformation("recording {Id} exported: {Segments} segments, {Bytes} bytes, {Gaps} gaps", id, files.Segments, files.Bytes, files.Gaps.Count);
            return new ReportExport(id, files, null);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task DeleteAsync(RecordingId id)
    {
        RemoveTemps(id);
        TryDelete(settings.Folder(id));
        return Task.CompletedTask;
    }

    /// <summary>Relative URIs, a PROGRAM-DATE-TIME on every segment, a discontinuity after each hole, ENDLIST.</summary>
    private static MediaPlaylist Playlist(IReadOnlyList<ArchivedSegment> segments, DateTimeOffset from)
    {
        var entries = new List<HlsSegment>(segments.Count);
        ArchivedSegment? previous = null;
        foreach (var s in segments)
        {
            var afterGap = previous is not null && s.Start - previous.End > ArchiveReader.JoinTolerance;
            entries.Add(new HlsSegment(Path.GetFileName(s.Path), s.Duration) { ProgramDateTime = s.Start, Discontinuity = afterGap });
            previous = s;
        }

        var offset = from > segments[0].Start ? from - segments[0].Start : TimeSpan.Zero;
        return new MediaPlaylist
        {
            TargetDuration = Math.Max(1, (int)Math.Ceiling(segments.Max(s => s.Duration).TotalSeconds - 0.001)),
            MediaSequence = 0,
            Type = PlaylistType.Vod,
            EndList = true,
            IndependentSegments = true,
            Start = offset > TimeSpan.Zero ? (offset, true) : null,
            Segments = entries,
        };
    }

    /// <summary>Holes between segments, and at either end of the interval, longer than the archive's join tolerance.</summary>
    private static List<RecordingGap> Gaps(IReadOnlyList<ArchivedSegment> segments, RecordingRequest request)
    {
        var gaps = new List<RecordingGap>();
        if (segments[0].Start - request.From > ArchiveReader.JoinTolerance) gaps.Add(new RecordingGap(request.From, segments[0].Start));
        for (var i = 1; i < segments.Count; i++)
        {
            if (segments[i].Start - segments[i - 1].End > ArchiveReader.JoinTolerance) gaps.Add(new RecordingGap(segments[i - 1].End, segments[i].Start));
        }

        if (request.To - segments[^1].End > ArchiveReader.JoinTolerance) gaps.Add(new RecordingGap(segments[^1].End, request.To));
        return gaps;
    }

    private static async Task RemuxAsync(string playlist, string mp4, CancellationToken ct)
    {
        await using var ffmpeg = FfmpegProcess.Start(new FfmpegJob(["-v", "error", "-y", "-i", playlist, "-map", "0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", mp4]));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(RemuxLimit);
        FfmpegExit exit;
        try
        {
            exit = await ffmpeg.Completion.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the MP4 remux did not finish within {RemuxLimit.TotalMinutes:0} min");
        }

        // Disposing kills and reaps ffmpeg if it still runs (on cancel), so it never outlives the export.
        if (exit.ExitCode != 0) throw new InvalidOperationException($"the MP4 remux failed: {exit.Describe()}");
    }

    private void RemoveTemps(RecordingId id)
    {
        if (!Directory.Exists(settings.Root)) return;
        foreach (var dir in Directory.EnumerateDirectories(settings.Root, $".{id.Value}{TempMarker}*")) TryDelete(dir);
    }

    private void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException ex)
        {
            log.LogWarning(ex, "could not remove {Dir}", dir);
        }
    }
}
