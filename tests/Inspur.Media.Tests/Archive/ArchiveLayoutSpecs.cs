using Inspur.Media.Archive;
using static Inspur.Media.Tests.Archive.ArchiveTesting;

namespace Inspur.Media.Tests.Archive;

public sealed class ArchiveLayoutSpecs
{
    [Fact]
    public void A_segment_path_is_channel_rendition_utc_day_hour_and_start_duration_in_ms()
    {
        var root = TempRoot();
        var layout = new ArchiveLayout(root);
        var start = new DateTimeOffset(2026, 12, 1, 9, 59, 58, 120, TimeSpan.FromHours(8)); // 01:59:58.120 UTC
        var path = layout.SegmentPath("cctv-1", "720p", start, TimeSpan.FromMilliseconds(2000.4));

        Assert.Equal(Path.Combine(root, "cctv-1", "720p", "20261201", "01", $"{start.ToUnixTimeMilliseconds()}-2000.ts"), path);
        Assert.True(layout.TryParse(path, out var channel, out var rendition, out var segment));
        Assert.Equal(("cctv-1", "720p"), (channel, rendition));
        Assert.Equal(start, segment.Start);
        Assert.Equal(TimeSpan.FromSeconds(2), segment.Duration);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("a/../../b")]
    [InlineData("/etc")]
    [InlineData("/")]
    [InlineData("%2e%2e")]
    [InlineData("..%2f..")]
    [InlineData("a\0b")]
    [InlineData("abc\n")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("UPPER")]
    [InlineData("a\\b")]
    [InlineData("．．")]
    [InlineData("a b")]
    public void Path_tricks_in_a_channel_or_rendition_are_refused_with_a_clear_message(string id)
    {
        var layout = new ArchiveLayout(TempRoot());
        var t = Utc(2026, 12, 1, 0);

        var channel = Assert.Throws<ArgumentException>(() => layout.SegmentPath(id, "main", t, TimeSpan.FromSeconds(2)));
        Assert.Contains("channel id", channel.Message);
        var rendition = Assert.Throws<ArgumentException>(() => layout.SegmentPath("ch1", id, t, TimeSpan.FromSeconds(2)));
        Assert.Contains("rendition name", rendition.Message);
        Assert.DoesNotContain('\0', channel.Message);
    }

    [Fact]
    public void Over_long_ids_are_refused()
    {
        var layout = new ArchiveLayout(TempRoot());
        Assert.Throws<ArgumentException>(() => layout.ChannelDir(new string('a', 65)));
        Assert.Throws<ArgumentException>(() => layout.ChannelDir("-lead"));
        Assert.Throws<ArgumentException>(() => layout.RenditionDir("ch1", new string('a', 17)));
        Assert.StartsWith(layout.Root, layout.ChannelDir(new string('a', 64)));
        Assert.StartsWith(layout.Root, layout.RenditionDir("ch1", new string('a', 16)));
    }

    [Fact]
    public void Paths_outside_the_root_or_not_laid_out_by_us_do_not_parse()
    {
        var root = TempRoot();
        var layout = new ArchiveLayout(root);
        var good = layout.SegmentPath("ch1", "main", Utc(2026, 12, 1, 3), TimeSpan.FromSeconds(2));

        Assert.False(layout.TryParse(Path.Combine(root, "..", "ch1", "main", "20261201", "03", Path.GetFileName(good)), out _, out _, out _));
        Assert.False(layout.TryParse("/etc/passwd", out _, out _, out _));
        Assert.False(layout.TryParse(good.Replace("/03/", "/04/"), out _, out _, out _)); // wrong hour folder
        Assert.False(layout.TryParse(Path.Combine(Path.GetDirectoryName(good)!, ".x.ts.tmp"), out _, out _, out _));
        Assert.False(ArchiveLayout.TryParseFileName("12-0.ts", out _, out _));
        Assert.False(ArchiveLayout.TryParseFileName("+12-5.ts", out _, out _));
        Assert.False(ArchiveLayout.TryParseFileName("12-5.ts.tmp", out _, out _));
    }
}
