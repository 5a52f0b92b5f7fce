using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Inspur.Domain.Channels;

namespace Inspur.Domain.Epg;

/// <summary>How an XMLTV file is read: the channel map, which of our channels exist, the offset of times without one, the size bound.</summary>
public sealed record XmltvOptions
{
    public EpgChannelMap Map { get; init; } = EpgChannelMap.Identity;

    /// <summary>Our channels; a programme mapped to any other is an unknown channel. Null accepts every mapped id.</summary>
    public IReadOnlySet<ChannelId>? KnownChannels { get; init; }

    /// <summary>The offset of a time written without one (XMLTV says UTC).</summary>
    public TimeSpan DefaultOffset { get; init; } = TimeSpan.Zero;

    public long MaxCharacters { get; init; } = 20 * 1024 * 1024;
}

/// <summary>A <c>&lt;channel&gt;</c> of the file and the display name it gives.</summary>
public sealed record XmltvChannel(string XmltvId, string? DisplayName);

/// <summary>The programmes an XMLTV file gave (valid, UTC, per channel without overlaps) and the report of everything else.</summary>
public sealed record XmltvResult(IReadOnlyList<Programme> Programmes, IReadOnlyList<XmltvChannel> Channels, ImportReport Report);

/// <summary>
/// Reads XMLTV safely (no DTD processing, no resolver, bounded size) into UTC programmes and an import report naming lines:
/// a malformed file imports nothing; a bad programme is dropped and reported while the good ones around it are kept.
/// </summary>
public static class XmltvParser
{
    public const int MaxTitle = 500;
    public const int MaxText = 8000;
    public const int MaxShort = 200;

    /// <summary>Real-world offsets lie within ±14:00.</summary>
    public static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    public static XmltvResult Parse(string xml, XmltvOptions? options = null)
    {
        using var reader = new StringReader(xml);
        return Parse(reader, options);
    }

    public static XmltvResult Parse(Stream xml, XmltvOptions? options = null)
    {
        using var reader = new StreamReader(xml, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, options);
    }

    public static XmltvResult Parse(TextReader text, XmltvOptions? options = null)
    {
        options ??= new XmltvOptions();
        XDocument doc;
        try
        {
            using var reader = XmlReader.Create(text, Settings(options));
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            return Malformed(ex.LineNumber, ex.LinePosition, ex.Message);
        }

        if (doc.Root is not { Name.LocalName: "tv" } root)
            return Malformed(Line(doc.Root), Column(doc.Root), $"the root element must be <tv>, not <{doc.Root?.Name.LocalName}>");

        var issues = new List<ImportIssue>();
        var channels = root.Elements("channel")
            .Select(c => new XmltvChannel((string?)c.Attribute("id") ?? "", Text(c.Element("display-name"), MaxShort)))
            .ToList();
        var candidates = new List<(Programme Programme, int Line, int Column)>();
        var dropped = 0;
        foreach (var element in root.Elements("programme"))
        {
            if (Read(element, options, issues) is { } programme) candidates.Add((programme, Line(element), Column(element)));
            else dropped++;
        }

        var kept = new List<Programme>();
        foreach (var channel in candidates.GroupBy(c => c.Programme.ChannelId))
        {
            (Programme Programme, int Line, int Column)? previous = null;
            foreach (var current in channel.OrderBy(c => c.Programme.Start))
            {
                if (previous is { } prev && current.Programme.Start < prev.Programme.Stop)
                {
                    dropped++;
                    issues.Add(Issue(IssueSeverity.Error, IssueKinds.Overlap, current.Line, current.Column, current.Programme.ChannelId.Value,
                        $"'{current.Programme.Title}' {current.Programme.Start:u}–{current.Programme.Stop:u} overlaps '{prev.Programme.Title}' " +
                        $"{prev.Programme.Start:u}–{prev.Programme.Stop:u} (line {prev.Line}), which is kept"));
                    continue;
                }

                if (previous is { } before && current.Programme.Start > before.Programme.Stop)
                    issues.Add(Issue(IssueSeverity.Info, IssueKinds.Gap, current.Line, current.Column, current.Programme.ChannelId.Value,
                        $"gap of {(current.Programme.Start - before.Programme.Stop).TotalMinutes:0.#} min after '{before.Programme.Title}' (line {before.Line})"));
                kept.Add(current.Programme);
                previous = current;
            }
        }

        return new XmltvResult(kept, channels, ImportReport.Of(false, kept.Count, dropped, issues));
    }

    /// <summary>
    /// An XMLTV time: <c>yyyyMMddHHmmss</c>, <c>yyyyMMddHHmm</c> or <c>yyyyMMdd</c>, optionally followed by <c>±HHMM</c>
    /// (or <c>Z</c>/<c>UTC</c>/<c>GMT</c>); without one it is at <paramref name="defaultOffset"/>. The result is UTC.
    /// </summary>
    public static bool TryParseTime(string? value, TimeSpan defaultOffset, out DateTimeOffset time, out string kind, out string error)
    {
        time = default;
        kind = IssueKinds.BadTime;
        error = "";
        var text = value?.Trim() ?? "";
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        var stamp = text[..digits];
        var zone = text[digits..].Trim();
        string[] formats = stamp.Length switch
        {
            14 => ["yyyyMMddHHmmss"],
            12 => ["yyyyMMddHHmm"],
            8 => ["yyyyMMdd"],
            _ => [],
        };
        if (formats.Length == 0 || !DateTime.TryParseExact(stamp, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            error = $"'{Short(text, 40)}' is not an XMLTV time (yyyyMMddHHmmss ±HHMM)";
            return false;
        }

        var offset = defaultOffset;
        if (zone.Length > 0 && !TryParseOffset(zone, out offset))
        {
            kind = IssueKinds.BadTimezone;
            error = $"timezone '{Short(zone, 20)}' in '{Short(text, 40)}' is not an offset ±HHMM within ±14:00";
            return false;
        }

        time = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    private static bool TryParseOffset(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone is "Z" or "UTC" or "GMT") return true;
        if (zone.Length != 5 || zone[0] is not ('+' or '-') || !zone[1..].All(char.IsAsciiDigit)) return false;
        var hours = int.Parse(zone[1..3], CultureInfo.InvariantCulture);
        var minutes = int.Parse(zone[3..], CultureInfo.InvariantCulture);
        if (minutes >= 60) return false;
        offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
        return offset.Duration() <= MaxOffset;
    }

    private static Programme? Read(XElement element, XmltvOptions options, List<ImportIssue> issues)
    {
        var (line, column) = (Line(element), Column(element));
        var xmltvChannel = (string?)element.Attribute("channel");
        void Error(string kind, string message) => issues.Add(Issue(IssueSeverity.Error, kind, line, column, xmltvChannel, message));

        if (string.IsNullOrWhiteSpace(xmltvChannel))
        {
            Error(IssueKinds.MissingAttribute, "programme has no channel attribute");
            return null;
        }

        var channel = options.Map.Resolve(xmltvChannel);
        if (channel is null || options.KnownChannels is { } known && !known.Contains(channel))
        {
            Error(IssueKinds.UnknownChannel, channel is null
                ? $"channel '{Short(xmltvChannel, 80)}' is not in the channel map and is not a channel id"
                : $"channel '{Short(xmltvChannel, 80)}' maps to '{channel}', which is not one of our channels");
            return null;
        }

        DateTimeOffset? Time(string attribute)
        {
            var raw = (string?)element.Attribute(attribute);
            if (raw is null)
            {
                Error(IssueKinds.MissingAttribute, $"programme has no {attribute} attribute");
                return null;
            }

            if (TryParseTime(raw, options.DefaultOffset, out var time, out var kind, out var why)) return time;
            Error(kind, $"{attribute}: {why}");
            return null;
        }

        var start = Time("start");
        var stop = Time("stop");
        if (start is null || stop is null) return null;
        if (stop <= start)
        {
            Error(IssueKinds.StopNotAfterStart, $"stop {stop:u} is not after start {start:u}");
            return null;
        }

        var title = Text(element.Element("title"), MaxTitle);
        if (string.IsNullOrWhiteSpace(title))
        {
            Error(IssueKinds.MissingTitle, "programme has no title");
            return null;
        }

        return new Programme(channel, start.Value, stop.Value, title)
        {
            SubTitle = Text(element.Element("sub-title"), MaxTitle),
            Description = Text(element.Element("desc"), MaxText),
            Category = Text(element.Element("category"), MaxShort),
            EpisodeNum = Text(element.Elements("episode-num").FirstOrDefault(e => (string?)e.Attribute("system") == "onscreen") ??
                              element.Element("episode-num"), MaxShort),
            Rating = Text(element.Element("rating")?.Element("value"), MaxShort),
            Icon = Cut((string?)element.Element("icon")?.Attribute("src"), MaxShort * 5),
        };
    }

    private static XmlReaderSettings Settings(XmltvOptions options) => new()
    {
        // Real XMLTV carries <!DOCTYPE tv SYSTEM "xmltv.dtd">: it is skipped unread, so any entity it would declare is undefined.
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = options.MaxCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private static XmltvResult Malformed(int line, int column, string message) =>
        new([], [], ImportReport.Of(true, 0, 0, [new ImportIssue(IssueSeverity.Error, IssueKinds.Malformed, line, column, $"malformed XMLTV: {message}")]));

    private static ImportIssue Issue(IssueSeverity severity, string kind, int line, int column, string? channel, string message) =>
        new(severity, kind, line, column, message) { Channel = channel };

    private static string? Text(XElement? element, int max) =>
        element is null ? null : Cut(string.Join(' ', element.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), max) is { Length: > 0 } t ? t : null;

    private static int Line(XObject? node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    private static int Column(XObject? node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LinePosition : 0;

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private static string Short(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
