using System.Globalization;

namespace Inspur.Media.Hls;

/// <summary>Reads media and master playlists back into the model; malformed input is a <see cref="PlaylistException"/> naming the line.</summary>
public static class PlaylistParser
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static MediaPlaylist ParseMedia(string text)
    {
        var lines = Lines(text);
        int? target = null;
        long sequence = 0, discontinuitySequence = 0;
        var type = PlaylistType.Live;
        bool endList = false, independent = false;
        (TimeSpan, bool)? start = null;
        HlsServerControl? serverControl = null;
        TimeSpan? partTarget = null;
        int skipped = 0;
        string? preload = null;
        var segments = new List<HlsSegment>();
        var parts = new List<HlsPart>();
        var reports = new List<HlsRenditionReport>();
        TimeSpan? duration = null;
        DateTimeOffset? pdt = null;
        bool discontinuity = false, gap = false;
        (long, long?)? byteRange = null;
        HlsKey? key = null;

        foreach (var (number, line) in lines)
        {
            try
            {
                if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal)) target = int.Parse(After(line), Inv);
                else if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal)) sequence = long.Parse(After(line), Inv);
                else if (line.StartsWith("#EXT-X-DISCONTINUITY-SEQUENCE:", StringComparison.Ordinal)) discontinuitySequence = long.Parse(After(line), Inv);
                else if (line.StartsWith("#EXT-X-PLAYLIST-TYPE:", StringComparison.Ordinal)) type = After(line) == "VOD" ? PlaylistType.Vod : PlaylistType.Event;
                else if (line == "#EXT-X-ENDLIST") endList = true;
                else if (line == "#EXT-X-INDEPENDENT-SEGMENTS") independent = true;
                else if (line == "#EXT-X-DISCONTINUITY") discontinuity = true;
                else if (line == "#EXT-X-GAP") gap = true;
                else if (line.StartsWith("#EXT-X-START:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    start = (Seconds(a["TIME-OFFSET"]), a.GetValueOrDefault("PRECISE") == "YES");
                }
                else if (line.StartsWith("#EXT-X-SERVER-CONTROL:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    serverControl = new HlsServerControl(a.GetValueOrDefault("CAN-BLOCK-RELOAD") == "YES",
                        a.TryGetValue("PART-HOLD-BACK", out var phb) ? Seconds(phb) : null,
                        a.TryGetValue("CAN-SKIP-UNTIL", out var csu) ? Seconds(csu) : null,
                        a.TryGetValue("HOLD-BACK", out var hb) ? Seconds(hb) : null);
                }
                else if (line.StartsWith("#EXT-X-PART-INF:", StringComparison.Ordinal)) partTarget = Seconds(Attributes(After(line))["PART-TARGET"]);
                else if (line.StartsWith("#EXT-X-SKIP:", StringComparison.Ordinal)) skipped = int.Parse(Attributes(After(line))["SKIPPED-SEGMENTS"], Inv);
                else if (line.StartsWith("#EXT-X-PART:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    parts.Add(new HlsPart(a["URI"], Seconds(a["DURATION"]), a.GetValueOrDefault("INDEPENDENT") == "YES", a.GetValueOrDefault("GAP") == "YES"));
                }
                else if (line.StartsWith("#EXT-X-PRELOAD-HINT:", StringComparison.Ordinal)) preload = Attributes(After(line))["URI"];
                else if (line.StartsWith("#EXT-X-RENDITION-REPORT:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    reports.Add(new HlsRenditionReport(a["URI"], long.Parse(a["LAST-MSN"], Inv), a.TryGetValue("LAST-PART", out var lp) ? int.Parse(lp, Inv) : null));
                }
                else if (line.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal))
                    pdt = DateTimeOffset.Parse(After(line), Inv, DateTimeStyles.AssumeUniversal);
                else if (line.StartsWith("#EXT-X-KEY:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    key = a["METHOD"] == "NONE" ? null : new HlsKey(a["URI"], a.TryGetValue("IV", out var iv) ? Convert.FromHexString(iv[2..]) : null);
                }
                else if (line.StartsWith("#EXT-X-BYTERANGE:", StringComparison.Ordinal))
                {
                    var v = After(line).Split('@');
                    byteRange = (long.Parse(v[0], Inv), v.Length > 1 ? long.Parse(v[1], Inv) : null);
                }
                else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
                {
                    duration = Seconds(After(line).Split(',')[0]);
                }
                else if (!line.StartsWith('#'))
                {
                    if (duration is null) throw new PlaylistException($"line {number}: URI '{line}' without a preceding #EXTINF");
                    segments.Add(new HlsSegment(line, duration.Value)
                    {
                        ProgramDateTime = pdt,
                        Discontinuity = discontinuity,
                        Gap = gap,
                        ByteRange = byteRange,
                        Key = key,
                        Parts = parts.ToList(),
                    });
                    duration = null;
                    pdt = null;
                    discontinuity = gap = false;
                    byteRange = null;
                    parts.Clear();
                }
            }
            catch (Exception ex) when (ex is FormatException or KeyNotFoundException or OverflowException or ArgumentException)
            {
                throw new PlaylistException($"line {number}: malformed '{line}': {ex.Message}");
            }
        }

        if (target is null) throw new PlaylistException("no #EXT-X-TARGETDURATION");
        return new MediaPlaylist
        {
            TargetDuration = target.Value,
            MediaSequence = sequence,
            DiscontinuitySequence = discontinuitySequence,
            Type = type,
            EndList = endList,
            IndependentSegments = independent,
            Start = start,
            ServerControl = serverControl,
            PartTarget = partTarget,
            SkippedSegments = skipped,
            Segments = segments,
            TrailingParts = parts.ToList(),
            PreloadHintUri = preload,
            RenditionReports = reports,
        };
    }

    public static MasterPlaylist ParseMaster(string text)
    {
        var media = new List<HlsMedia>();
        var variants = new List<HlsVariant>();
        var independent = false;
        Dictionary<string, string>? pending = null;
        foreach (var (number, line) in Lines(text))
        {
            try
            {
                if (line == "#EXT-X-INDEPENDENT-SEGMENTS") independent = true;
                else if (line.StartsWith("#EXT-X-MEDIA:", StringComparison.Ordinal))
                {
                    var a = Attributes(After(line));
                    media.Add(new HlsMedia(a["TYPE"], a["GROUP-ID"], a["NAME"], a.GetValueOrDefault("URI"), a.GetValueOrDefault("LANGUAGE"),
                        a.GetValueOrDefault("DEFAULT") == "YES", a.GetValueOrDefault("AUTOSELECT") != "NO"));
                }
                else if (line.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal)) pending = Attributes(After(line));
                else if (!line.StartsWith('#'))
                {
                    if (pending is null) throw new PlaylistException($"line {number}: URI '{line}' without a preceding #EXT-X-STREAM-INF");
                    (int, int)? resolution = null;
                    if (pending.TryGetValue("RESOLUTION", out var res))
                    {
                        var wh = res.Split('x');
                        resolution = (int.Parse(wh[0], Inv), int.Parse(wh[1], Inv));
                    }

                    variants.Add(new HlsVariant(line, long.Parse(pending["BANDWIDTH"], Inv))
                    {
                        AverageBandwidth = pending.TryGetValue("AVERAGE-BANDWIDTH", out var avg) ? long.Parse(avg, Inv) : null,
                        Codecs = pending.GetValueOrDefault("CODECS"),
                        Resolution = resolution,
                        FrameRate = pending.TryGetValue("FRAME-RATE", out var fps) ? double.Parse(fps, Inv) : null,
                        AudioGroup = pending.GetValueOrDefault("AUDIO"),
                    });
                    pending = null;
                }
            }
            catch (Exception ex) when (ex is FormatException or KeyNotFoundException or OverflowException or IndexOutOfRangeException)
            {
                throw new PlaylistException($"line {number}: malformed '{line}': {ex.Message}");
            }
        }

        return new MasterPlaylist { IndependentSegments = independent, Media = media, Variants = variants };
    }

    /// <summary>An attribute list (RFC 8216 §4.2): NAME=value pairs, quoted strings may contain commas.</summary>
    public static Dictionary<string, string> Attributes(string list)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < list.Length)
        {
            var eq = list.IndexOf('=', i);
            if (eq < 0) throw new FormatException($"attribute without '=' in '{list}'");
            var name = list[i..eq];
            string value;
            if (eq + 1 < list.Length && list[eq + 1] == '"')
            {
                var close = list.IndexOf('"', eq + 2);
                if (close < 0) throw new FormatException($"unterminated quoted string in '{list}'");
                value = list[(eq + 2)..close];
                i = close + 1;
            }
            else
            {
                var comma = list.IndexOf(',', eq + 1);
                value = comma < 0 ? list[(eq + 1)..] : list[(eq + 1)..comma];
                i = comma < 0 ? list.Length : comma;
            }

            result[name] = value;
            if (i < list.Length && list[i] == ',') i++;
        }

        return result;
    }

    private static IEnumerable<(int Number, string Line)> Lines(string text)
    {
        var all = text.Replace("\r\n", "\n").Split('\n');
        if (all.Length == 0 || all[0].TrimStart('\uFEFF') != "#EXTM3U") throw new PlaylistException("line 1: a playlist starts with #EXTM3U");
        for (var i = 1; i < all.Length; i++)
        {
            var line = all[i].Trim();
            if (line.Length > 0) yield return (i + 1, line);
        }
    }

    private static string After(string line) => line[(line.IndexOf(':') + 1)..];

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(double.Parse(value, NumberStyles.Float, Inv));
}
