using Inspur.Domain.Channels;
using Inspur.Domain.Epg;

namespace Inspur.Domain.Tests;

public sealed class XmltvParserSpecs
{
    private static readonly ChannelId Cctv1 = new("cctv-1");

    private static string Tv(string body) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <tv generator-info-name="specs">
          <channel id="cctv-1"><display-name lang="zh">CCTV-1 综合</display-name></channel>
          <!-- programmes from line 5 -->
        {body}
        </tv>
        """;

    private static string Prog(string start, string stop, string title, string channel = "cctv-1") =>
        $"""  <programme start="{start}" stop="{stop}" channel="{channel}"><title lang="zh">{title}</title></programme>""";

    private static ImportIssue Single(ImportReport report, string kind) => Assert.Single(report.Issues, i => i.Kind == kind);

    [Fact]
    public void A_full_programme_is_read_with_every_field_and_times_in_utc()
    {
        var result = XmltvParser.Parse(Tv("""
              <programme start="20261201120000 +0800" stop="20261201130000 +0800" channel="cctv-1">
                <title lang="zh">新闻联播</title><title lang="en">News</title>
                <sub-title>第一集</sub-title>
                <desc>今日要闻</desc>
                <category lang="en">News</category>
                <episode-num system="xmltv_ns">0.0.</episode-num><episode-num system="onscreen">S1E1</episode-num>
                <rating system="CN"><value>G</value></rating>
                <icon src="https://img.example/news.png" />
              </programme>
            """));

        var p = Assert.Single(result.Programmes);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero), p.Start);
        Assert.Equal(TimeSpan.Zero, p.Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), p.Stop);
        Assert.Equal(("新闻联播", "第一集", "今日要闻", "News", "S1E1", "G", "https://img.example/news.png"),
            (p.Title, p.SubTitle, p.Description, p.Category, p.EpisodeNum, p.Rating, p.Icon));
        Assert.Equal($"cctv-1-{p.Start.ToUnixTimeSeconds()}", p.Id);
        Assert.Equal(new XmltvChannel("cctv-1", "CCTV-1 综合"), Assert.Single(result.Channels));
        Assert.False(result.Report.HasErrors);
        Assert.Equal(1, result.Report.Kept);
    }

    [Theory]
    [InlineData("20261201120000 +0530", "2026-12-01T06:30:00Z")]
    [InlineData("20261201120000 -0330", "2026-12-01T15:30:00Z")]
    [InlineData("20261201120000 +1400", "2026-11-30T22:00:00Z")]
    [InlineData("20261201120000", "2026-12-01T12:00:00Z")]
    [InlineData("202612011200", "2026-12-01T12:00:00Z")]
    [InlineData("202612011200 +0100", "2026-12-01T11:00:00Z")]
    [InlineData("20261201120000 Z", "2026-12-01T12:00:00Z")]
    [InlineData("20261201", "2026-12-01T00:00:00Z")]
    public void Times_in_every_xmltv_form_normalise_to_utc(string text, string utc)
    {
        Assert.True(XmltvParser.TryParseTime(text, TimeSpan.Zero, out var time, out _, out var error), error);
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), time);
        Assert.Equal(TimeSpan.Zero, time.Offset);
    }

    [Fact]
    public void A_time_without_offset_takes_the_configured_default()
    {
        Assert.True(XmltvParser.TryParseTime("20261201120000", TimeSpan.FromHours(8), out var time, out _, out _));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero), time);
    }

    [Theory]
    [InlineData("20261201120000 +2500")]
    [InlineData("20261201120000 PST")]
    [InlineData("20261201120000 +0860")]
    [InlineData("20261201120000 +08")]
    [InlineData("20261201120000 Europe/Berlin")]
    public void A_bad_timezone_drops_that_programme_and_names_its_line(string start)
    {
        var result = XmltvParser.Parse(Tv(string.Join('\n',
            Prog("20261201100000 +0000", "20261201110000 +0000", "Good before"),
            Prog(start, "20261201130000 +0000", "Bad zone"),
            Prog("20261201130000 +0000", "20261201140000 +0000", "Good after"))));

        Assert.Equal(["Good before", "Good after"], result.Programmes.Select(p => p.Title));
        var issue = Single(result.Report, IssueKinds.BadTimezone);
        Assert.Equal(IssueSeverity.Error, issue.Severity);
        Assert.Equal(6, issue.Line);
        Assert.Contains("start", issue.Message);
        Assert.Equal(1, result.Report.Dropped);
    }

    [Theory]
    [InlineData("2026-12-01 12:00")]
    [InlineData("20261301120000 +0000")]
    [InlineData("")]
    public void A_bad_time_is_reported(string start)
    {
        var result = XmltvParser.Parse(Tv(Prog(start, "20261201130000 +0000", "X")));

        Assert.Empty(result.Programmes);
        Assert.Equal(5, Single(result.Report, IssueKinds.BadTime).Line);
    }

    [Fact]
    public void A_missing_stop_or_start_is_reported_and_the_rest_kept()
    {
        var result = XmltvParser.Parse(Tv("""
              <programme start="20261201100000 +0000" channel="cctv-1"><title>No stop</title></programme>
              <programme stop="20261201100000 +0000" channel="cctv-1"><title>No start</title></programme>
              <programme start="20261201110000 +0000" stop="20261201120000 +0000" channel="cctv-1"><title>Fine</title></programme>
            """));

        Assert.Equal(["Fine"], result.Programmes.Select(p => p.Title));
        var missing = result.Report.Issues.Where(i => i.Kind == IssueKinds.MissingAttribute).ToList();
        Assert.Equal([5, 6], missing.Select(i => i.Line));
        Assert.Contains("stop", missing[0].Message);
        Assert.Contains("start", missing[1].Message);
    }

    [Fact]
    public void Stop_at_or_before_start_is_reported()
    {
        var result = XmltvParser.Parse(Tv(string.Join('\n',
            Prog("20261201120000 +0000", "20261201120000 +0000", "Zero"),
            Prog("20261201120000 +0800", "20261201030000 +0000", "Backwards"))));

        Assert.Empty(result.Programmes);
        Assert.Equal([5, 6], result.Report.Issues.Where(i => i.Kind == IssueKinds.StopNotAfterStart).Select(i => i.Line));
    }

    [Fact]
    public void An_unknown_channel_is_reported_and_mapped_ones_kept()
    {
        var map = Assert.IsType<EpgChannelMap>(EpgChannelMap.TryParse("CCTV1.cn:cctv-1", out var m, out _) ? m : null);
        var result = XmltvParser.Parse(Tv(string.Join('\n',
            Prog("20261201100000 +0000", "20261201110000 +0000", "Mapped", "CCTV1.cn"),
            Prog("20261201100000 +0000", "20261201110000 +0000", "Unmappable", "BTV.cn"),
            Prog("20261201100000 +0000", "20261201110000 +0000", "Not ours", "hunan-tv"))),
            new XmltvOptions { Map = map, KnownChannels = new HashSet<ChannelId> { Cctv1 } });

        var kept = Assert.Single(result.Programmes);
        Assert.Equal((Cctv1, "Mapped"), (kept.ChannelId, kept.Title));
        var unknown = result.Report.Issues.Where(i => i.Kind == IssueKinds.UnknownChannel).ToList();
        Assert.Equal([6, 7], unknown.Select(i => i.Line));
        Assert.Equal(["BTV.cn", "hunan-tv"], unknown.Select(i => i.Channel));
        Assert.Contains("not in the channel map", unknown[0].Message);
        Assert.Contains("not one of our channels", unknown[1].Message);
    }

    [Fact]
    public void Overlaps_keep_the_first_and_report_the_other_and_gaps_are_info()
    {
        var result = XmltvParser.Parse(Tv(string.Join('\n',
            Prog("20261201100000 +0000", "20261201110000 +0000", "A"),
            Prog("20261201103000 +0000", "20261201113000 +0000", "Overlapping A"),
            Prog("20261201110000 +0000", "20261201120000 +0000", "B"),
            Prog("20261201123000 +0000", "20261201130000 +0000", "After a gap"),
            Prog("20261201100000 +0000", "20261201103000 +0000", "Other channel, same time", "cctv-2"))));

        Assert.Equal(["A", "B", "After a gap"], result.Programmes.Where(p => p.ChannelId == Cctv1).Select(p => p.Title));
        Assert.Single(result.Programmes, p => p.ChannelId.Value == "cctv-2");
        var overlap = Single(result.Report, IssueKinds.Overlap);
        Assert.Equal((IssueSeverity.Error, 6), (overlap.Severity, overlap.Line));
        Assert.Contains("line 5", overlap.Message);
        var gap = Single(result.Report, IssueKinds.Gap);
        Assert.Equal((IssueSeverity.Info, 8), (gap.Severity, gap.Line));
        Assert.Contains("30 min", gap.Message);
        Assert.Equal((4, 1), (result.Report.Kept, result.Report.Dropped));
    }

    [Fact]
    public void A_programme_without_title_is_reported()
    {
        var result = XmltvParser.Parse(Tv("""  <programme start="20261201100000" stop="20261201110000" channel="cctv-1"><desc>?</desc></programme>"""));

        Assert.Empty(result.Programmes);
        Assert.Equal(5, Single(result.Report, IssueKinds.MissingTitle).Line);
    }

    [Fact]
    public void Malformed_xml_names_line_and_column_and_imports_nothing()
    {
        var result = XmltvParser.Parse(Tv(string.Join('\n',
            Prog("20261201100000 +0000", "20261201110000 +0000", "Good"),
            "  <programme start=\"20261201110000\" stop=\"20261201120000\" channel=\"cctv-1\"><title>Unclosed</programme>")));

        Assert.Empty(result.Programmes);
        Assert.True(result.Report.Malformed);
        var issue = Assert.Single(result.Report.Issues);
        Assert.Equal(IssueKinds.Malformed, issue.Kind);
        Assert.Equal(6, issue.Line);
        Assert.True(issue.Column > 0);
    }

    [Fact]
    public void A_root_other_than_tv_is_malformed()
    {
        var result = XmltvParser.Parse("<html><body/></html>");

        Assert.True(result.Report.Malformed);
        Assert.Contains("<tv>", Assert.Single(result.Report.Issues).Message);
    }

    [Fact]
    public void An_external_entity_is_refused_and_never_read()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"xxe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secret, "TOP-SECRET");
        try
        {
            var result = XmltvParser.Parse($"""
                <?xml version="1.0"?>
                <!DOCTYPE tv [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
                <tv><programme start="20261201100000" stop="20261201110000" channel="cctv-1"><title>&xxe;</title></programme></tv>
                """);

            Assert.Empty(result.Programmes);
            Assert.True(result.Report.Malformed);
            Assert.Equal(3, result.Report.Issues[0].Line);
            Assert.DoesNotContain("TOP-SECRET", result.Report.Issues[0].Message);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Entity_expansion_bombs_are_refused()
    {
        var result = XmltvParser.Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE tv [ <!ENTITY a "aaaaaaaaaa"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> ]>
            <tv><programme start="20261201100000" stop="20261201110000" channel="cctv-1"><title>&c;</title></programme></tv>
            """);

        Assert.True(result.Report.Malformed);
        Assert.Empty(result.Programmes);
    }

    [Fact]
    public void The_usual_xmltv_doctype_is_tolerated()
    {
        var result = XmltvParser.Parse($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE tv SYSTEM "xmltv.dtd">
            <tv>{Prog("20261201100000 +0000", "20261201110000 +0000", "Fine")}</tv>
            """);

        Assert.False(result.Report.Malformed);
        Assert.Single(result.Programmes);
    }

    [Fact]
    public void A_document_over_the_bound_is_malformed()
    {
        var body = string.Join('\n', Enumerable.Range(0, 200).Select(i => Prog($"2026120{1 + i / 100}{i % 24:00}0000", $"2026120{1 + i / 100}{i % 24:00}3000", $"P{i}")));

        var result = XmltvParser.Parse(Tv(body), new XmltvOptions { MaxCharacters = 4096 });

        Assert.True(result.Report.Malformed);
        Assert.Empty(result.Programmes);
    }

    [Fact]
    public void Map_text_parses_and_bad_entries_say_which()
    {
        Assert.True(EpgChannelMap.TryParse("CCTV1.cn:cctv-1, http://x/y:cctv-2", out var map, out _));
        Assert.Equal(new ChannelId("cctv-2"), map.Resolve("http://x/y"));
        Assert.Equal(new ChannelId("cctv-9"), map.Resolve("cctv-9"));
        Assert.Null(map.Resolve("Not.An.Id"));

        Assert.False(EpgChannelMap.TryParse("CCTV1.cn:CCTV 1", out _, out var error));
        Assert.Contains("CCTV 1", error);
        Assert.False(EpgChannelMap.TryParse("nocolon", out _, out error));
        Assert.Contains("nocolon", error);
    }

    [Fact]
    public void Programme_ids_round_trip_to_channel_and_start()
    {
        var start = new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);
        var id = Programme.IdFor(new ChannelId("cctv-1"), start);

        Assert.True(Programme.TryParseId(id, out var channel, out var parsed));
        Assert.Equal((new ChannelId("cctv-1"), start), (channel, parsed));
        Assert.False(Programme.TryParseId("../etc-1", out _, out _));
        Assert.False(Programme.TryParseId("cctv-1-", out _, out _));
        Assert.False(Programme.TryParseId("cctv-abc", out _, out _));
    }
}
