using Inspur.Media.Archive;
using static Inspur.Media.Tests.Archive.ArchiveTesting;

namespace Inspur.Media.Tests.Archive;

public sealed class ArchiveWriterSpecs
{
    [Fact]
    public void A_written_segment_is_complete_under_its_final_name_with_no_temp_left_and_is_counted()
    {
        var layout = new ArchiveLayout(TempRoot());
        var usage = new ArchiveUsage();
        var writer = new ArchiveWriter(layout, usage);
        var bytes = Enumerable.Range(0, 188 * 10).Select(i => (byte)i).ToArray();
        var start = Utc(2026, 12, 1, 23, 59, 59);

        var result = Assert.IsType<ArchiveWritten>(writer.Write("ch1", "main", Segment(start), bytes));

        Assert.Equal(bytes, File.ReadAllBytes(result.Path));
        Assert.Equal([Path.GetFileName(result.Path)], Directory.GetFiles(Path.GetDirectoryName(result.Path)!).Select(Path.GetFileName));
        Assert.Equal(bytes.Length, usage.Of("ch1"));
        Assert.Equal(0, usage.Of("ch2"));
    }

    // The node's archive is on ext4 here (the temp folder), which takes O_DIRECT: sizes around the 4 KiB alignment, one
    // larger than the staging buffer's first MiB, and a small one after it (the reused buffer's tail must not leak).
    [Theory]
    [InlineData(new[] { 1, 4095, 4096, 4097, 1_316_000, 188 * 7 })]
    public void Direct_writes_store_each_segment_byte_for_byte_at_its_own_length(int[] sizes)
    {
        var writer = new ArchiveWriter(new ArchiveLayout(TempRoot()), new ArchiveUsage());
        var random = new Random(5);
        var start = Utc(2026, 12, 2, 3);
        foreach (var size in sizes)
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var result = Assert.IsType<ArchiveWritten>(writer.Write("ch1", "main", Segment(start, size: size), bytes));
            Assert.Equal(bytes, File.ReadAllBytes(result.Path));
            start += TimeSpan.FromSeconds(2);
        }

        Assert.Equal((sizes.Length, 0L), writer.Counts);
        Assert.Equal(sizes.Sum(), writer.Usage.Of("ch1"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Buffered_and_durable_writes_store_the_same_bytes(bool direct, bool durable)
    {
        var writer = new ArchiveWriter(new ArchiveLayout(TempRoot()), new ArchiveUsage()) { DirectWrites = direct, Durable = durable };
        var bytes = new byte[10_000];
        new Random(7).NextBytes(bytes);

        var result = Assert.IsType<ArchiveWritten>(writer.Write("ch1", "main", Segment(Utc(2026, 12, 2, 4)), bytes));

        Assert.Equal(bytes, File.ReadAllBytes(result.Path));
        Assert.Equal(direct ? (1L, 0L) : (0L, 1L), writer.Counts);
    }

    [Fact]
    public void A_published_segment_is_never_rewritten()
    {
        var writer = new ArchiveWriter(new ArchiveLayout(TempRoot()), new ArchiveUsage());
        var start = Utc(2026, 12, 1, 5);
        var first = Assert.IsType<ArchiveWritten>(writer.Write("ch1", "main", Segment(start), new byte[] { 1, 2, 3 }));

        Assert.IsType<ArchiveAlreadyPresent>(writer.Write("ch1", "main", Segment(start), new byte[] { 9, 9, 9, 9 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(first.Path));
        Assert.Equal(3, writer.Usage.Of("ch1"));
    }

    // Failure provoked for real, in a way that works as root too (permissions do not stop root): the hour folder's path
    // is taken by a regular file, so creating the folder fails with the kernel's ENOTDIR/EEXIST.
    [Fact]
    public void A_file_where_the_hour_folder_belongs_is_a_typed_failure_and_leaves_nothing_under_the_final_name()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        var start = Utc(2026, 12, 1, 7, 30);
        var hourDir = layout.HourDir("ch1", "main", start);
        Directory.CreateDirectory(Path.GetDirectoryName(hourDir)!);
        File.WriteAllText(hourDir, "in the way");

        var failed = Assert.IsType<ArchiveWriteFailed>(writer.Write("ch1", "main", Segment(start), new byte[188]));

        Assert.Contains("ch1/main", failed.Reason);
        Assert.IsAssignableFrom<IOException>(failed.Error);
        Assert.False(File.Exists(failed.Path));
        Assert.Equal(0, writer.Usage.Of("ch1"));
    }

    // Disk full for real: the temp name is a symlink to /dev/full, so the write itself fails with ENOSPC mid-segment.
    [Fact]
    public void Disk_full_during_the_write_is_a_typed_failure_the_temp_is_removed_and_nothing_is_under_the_final_name()
    {
        var layout = new ArchiveLayout(TempRoot());
        var writer = new ArchiveWriter(layout, new ArchiveUsage());
        var start = Utc(2026, 12, 1, 8);
        var final = layout.SegmentPath("ch1", "main", start, TimeSpan.FromSeconds(2));
        var temp = Path.Combine(Path.GetDirectoryName(final)!, ArchiveWriter.TempName(Path.GetFileName(final)));
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        File.CreateSymbolicLink(temp, "/dev/full");

        var failed = Assert.IsType<ArchiveWriteFailed>(writer.Write("ch1", "main", Segment(start), new byte[188 * 100]));

        Assert.Contains("space", failed.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(final));
        Assert.False(File.Exists(temp) || new FileInfo(temp).LinkTarget is not null);
        Assert.Empty(new ArchiveReader(layout).Segments("ch1", "main", start.AddHours(-1), start.AddHours(1)));
        Assert.Equal(0, writer.Usage.Of("ch1"));
        Assert.Equal((0L, 0L), writer.Counts); // a failed write is counted as neither
    }

    [Fact]
    public void A_bad_id_is_an_argument_error_before_anything_touches_the_disk()
    {
        var root = TempRoot();
        var writer = new ArchiveWriter(new ArchiveLayout(root), new ArchiveUsage());

        Assert.Throws<ArgumentException>(() => writer.Write("../x", "main", Segment(Utc(2026, 12, 1, 0)), new byte[1]));
        Assert.Throws<ArgumentException>(() => writer.Write("ch1", "/tmp", Segment(Utc(2026, 12, 1, 0)), new byte[1]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }
}
