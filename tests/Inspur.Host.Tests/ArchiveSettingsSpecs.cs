using Inspur.Host.Archive;
using Inspur.Media.Segmenting;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>The node's archive settings, and that its feeds write the way they say.</summary>
public sealed class ArchiveSettingsSpecs
{
    [Fact]
    public void By_default_the_archive_is_on_under_the_data_folder_without_a_quota_and_writes_direct()
    {
        var dir = Repo.TempDir("archive-settings");

        var settings = ArchiveSettings.Read(InMemorySettings.Of(), dir);

        Assert.Equal(new ArchiveSettings(true, Path.Combine(dir, "archive"), null, DirectWrites: true), settings);
    }

    [Fact]
    public void Configured_folder_quota_and_buffered_writes_are_used()
    {
        var dir = Repo.TempDir("archive-settings");

        var settings = ArchiveSettings.Read(InMemorySettings.Of(("Inspur:Archive:Dir", Path.Combine(dir, "elsewhere")), ("Inspur:Archive:QuotaGb", "1.5"),
            ("Inspur:Archive:DirectWrites", "false")), dir);

        Assert.Equal(new ArchiveSettings(true, Path.Combine(dir, "elsewhere"), 1_610_612_736, DirectWrites: false), settings);
    }

    [Theory]
    [InlineData("Inspur:Archive:QuotaGb", "lots", "must be a positive number of GB")]
    [InlineData("Inspur:Archive:QuotaGb", "-1", "must be a positive number of GB")]
    [InlineData("Inspur:Archive:DirectWrites", "sometimes", "Inspur:Archive:DirectWrites")]
    public void A_setting_that_cannot_work_is_a_clear_error(string key, string value, string says)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ArchiveSettings.Read(InMemorySettings.Of((key, value)), Repo.TempDir("archive-settings")));

        Assert.Contains(says, error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_channel_feed_archives_its_segments_the_way_the_settings_say(bool direct)
    {
        var archive = new NodeArchive(new ArchiveSettings(true, Repo.TempDir("archive-feed"), null, direct), TimeProvider.System);
        var bytes = new byte[188 * 1000];
        new Random(3).NextBytes(bytes);
        var start = new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero);
        var feed = archive.Feed("ch1");

        feed.Add("main", new SegmentReady(new SegmentInfo(1, 0, start, TimeSpan.FromSeconds(2), bytes.Length, false, 0), bytes));
        feed.Dispose();
        await feed.Drained;

        Assert.Equal(direct ? (1L, 0L) : (0L, 1L), feed.Written);
        Assert.Equal(bytes, File.ReadAllBytes(archive.Layout.SegmentPath("ch1", "main", start, TimeSpan.FromSeconds(2))));
        Assert.Equal(0, feed.Failures);
    }
}
