using System.Globalization;
using System.Text.RegularExpressions;

namespace Inspur.Media.Archive;

/// <summary>One archived segment as its path names it: UTC start and duration (ms precision), and where the file is.</summary>
public sealed record ArchivedSegment(DateTimeOffset Start, TimeSpan Duration, string Path)
{
    public DateTimeOffset End => Start + Duration;
}

/// <summary>
/// Time is the index (ARCHITECTURE principle 3): maps channel, rendition and UTC time to
/// <c>{root}/{channel}/{rendition}/{yyyyMMdd}/{HH}/{startMs}-{durationMs}.ts</c> and back, refusing any id that could
/// leave the root.
/// </summary>
public sealed partial class ArchiveLayout
{
    public const string SegmentExtension = ".ts";
    private const string DayFormat = "yyyyMMdd";
    private const string HourFormat = "HH";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly string _rootWithSeparator;

    public ArchiveLayout(string root)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("the archive root must be a folder path", nameof(root));
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _rootWithSeparator = Root + Path.DirectorySeparatorChar;
    }

    /// <summary>The archive root, fully qualified, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary>Throws unless <paramref name="channel"/> matches <c>^[a-z0-9][a-z0-9-]{0,63}$</c>.</summary>
    public static void ValidateChannel(string channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (!ChannelPattern().IsMatch(channel))
            throw new ArgumentException($"channel id '{Printable(channel)}' is not valid: 1–64 of a-z, 0-9, '-', starting with a letter or digit", nameof(channel));
    }

    /// <summary>Throws unless <paramref name="rendition"/> matches <c>^[a-z0-9_-]{1,16}$</c>.</summary>
    public static void ValidateRendition(string rendition)
    {
        ArgumentNullException.ThrowIfNull(rendition);
        if (!RenditionPattern().IsMatch(rendition))
            throw new ArgumentException($"rendition name '{Printable(rendition)}' is not valid: 1–16 of a-z, 0-9, '_', '-'", nameof(rendition));
    }

    public static bool IsChannel(string name) => ChannelPattern().IsMatch(name);

    public static bool IsRendition(string name) => RenditionPattern().IsMatch(name);

    public string ChannelDir(string channel)
    {
        ValidateChannel(channel);
        return Checked(Path.Combine(Root, channel));
    }

    public string RenditionDir(string channel, string rendition)
    {
        ValidateChannel(channel);
        ValidateRendition(rendition);
        return Checked(Path.Combine(Root, channel, rendition));
    }

    public string DayDir(string channel, string rendition, DateOnly day) =>
        Checked(Path.Combine(RenditionDir(channel, rendition), day.ToString(DayFormat, Inv)));

    /// <summary>The folder of the UTC hour that contains <paramref name="time"/>.</summary>
    public string HourDir(string channel, string rendition, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return Checked(Path.Combine(RenditionDir(channel, rendition), utc.ToString(DayFormat, Inv), utc.ToString(HourFormat, Inv)));
    }

    public string SegmentPath(string channel, string rendition, DateTimeOffset start, TimeSpan duration) =>
        Checked(Path.Combine(HourDir(channel, rendition, start), FileName(start, duration)));

    /// <summary><c>{startMs}-{durationMs}.ts</c>; the start is the segment's program-date-time in Unix milliseconds.</summary>
    public static string FileName(DateTimeOffset start, TimeSpan duration)
    {
        var startMs = start.ToUnixTimeMilliseconds();
        if (startMs < 0) throw new ArgumentOutOfRangeException(nameof(start), start, "segments before 1970 cannot be archived");
        var durationMs = (long)Math.Round(duration.TotalMilliseconds, MidpointRounding.AwayFromZero);
        if (durationMs <= 0) throw new ArgumentOutOfRangeException(nameof(duration), duration, "a segment's duration must be at least 1 ms");
        return string.Create(Inv, $"{startMs}-{durationMs}{SegmentExtension}");
    }

    /// <summary>Parses a segment file name; temp files (<c>.name.tmp</c>) and anything else are not segments.</summary>
    public static bool TryParseFileName(string fileName, out DateTimeOffset start, out TimeSpan duration)
    {
        start = default;
        duration = default;
        var name = fileName.AsSpan();
        if (!name.EndsWith(SegmentExtension, StringComparison.Ordinal)) return false;
        name = name[..^SegmentExtension.Length];
        var dash = name.IndexOf('-');
        if (dash <= 0 || dash == name.Length - 1) return false;
        if (!AllDigits(name[..dash]) || !AllDigits(name[(dash + 1)..])) return false;
        if (!long.TryParse(name[..dash], NumberStyles.None, Inv, out var startMs) || !long.TryParse(name[(dash + 1)..], NumberStyles.None, Inv, out var durationMs)) return false;
        if (durationMs <= 0 || startMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return false;
        start = DateTimeOffset.FromUnixTimeMilliseconds(startMs);
        duration = TimeSpan.FromMilliseconds(durationMs);
        return true;
    }

    /// <summary>Parses a full segment path back into channel, rendition and segment; false for anything not laid out by us.</summary>
    public bool TryParse(string path, out string channel, out string rendition, out ArchivedSegment segment)
    {
        channel = rendition = "";
        segment = null!;
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal)) return false;
        var parts = full[_rootWithSeparator.Length..].Split(Path.DirectorySeparatorChar);
        if (parts.Length != 5 || !IsChannel(parts[0]) || !IsRendition(parts[1])) return false;
        if (!TryParseDay(parts[2], out var day) || !TryParseHour(parts[3], out var hour)) return false;
        if (!TryParseFileName(parts[4], out var start, out var duration)) return false;
        if (HourStart(start) != HourStart(day, hour)) return false; // a file in the wrong folder is not ours
        channel = parts[0];
        rendition = parts[1];
        segment = new ArchivedSegment(start, duration, full);
        return true;
    }

    public static bool TryParseDay(string name, out DateOnly day) =>
        DateOnly.TryParseExact(name, DayFormat, Inv, DateTimeStyles.None, out day);

    public static bool TryParseHour(string name, out int hour) =>
        int.TryParse(name, NumberStyles.None, Inv, out hour) && name.Length == 2 && hour is >= 0 and < 24;

    /// <summary>The start of the UTC hour containing <paramref name="time"/>.</summary>
    public static DateTimeOffset HourStart(DateTimeOffset time)
    {
        var utc = time.UtcTicks;
        return new DateTimeOffset(utc - utc % TimeSpan.TicksPerHour, TimeSpan.Zero);
    }

    public static DateTimeOffset HourStart(DateOnly day, int hour) =>
        new(day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Utc));

    /// <summary>Every path we hand out must still be under the root after full normalisation.</summary>
    private string Checked(string path)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
            throw new ArgumentException($"'{Printable(path)}' resolves outside the archive root {Root}");
        return full;
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9') return false;
        }

        return true;
    }

    /// <summary>An id as it can be quoted in a message: control characters escaped, long ones cut.</summary>
    private static string Printable(string value)
    {
        var cut = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelPattern();

    [GeneratedRegex("^[a-z0-9_-]{1,16}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RenditionPattern();
}
