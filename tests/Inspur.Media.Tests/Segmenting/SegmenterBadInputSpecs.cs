using Inspur.Media.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>Every kind of broken input: never an exception, never a segment without PAT/PMT/keyframe, every problem counted.</summary>
public sealed class SegmenterBadInputSpecs
{
    private const int P = TsConstants.PacketSize;
    private static readonly SegmenterOptions Options = new() { TargetDuration = TimeSpan.FromSeconds(2) };

    private static List<byte[]> Packets(byte[] ts) => Enumerable.Range(0, ts.Length / P).Select(i => ts.AsSpan(i * P, P).ToArray()).ToList();

    private static byte[] Join(IEnumerable<byte[]> packets) => packets.SelectMany(p => p).ToArray();

    private static int Pid(byte[] packet) => TsPacketHeader.ReadPid(packet);

    /// <summary>What every published segment must be, whatever the input.</summary>
    private static void AssertWellFormed(CollectingSink sink, StreamKind kind = StreamKind.H264)
    {
        foreach (var (info, bytes) in sink.Segments)
        {
            Assert.True(bytes.Length % P == 0 && bytes.Length >= 3 * P, $"segment {info.Sequence}: {bytes.Length} bytes");
            Assert.Equal(0, Pid(bytes));
            var pmt = bytes.AsSpan(P, P);
            Assert.Equal(0x02, pmt[5]);
            Assert.True(StartsWithKeyframe(bytes, kind), $"segment {info.Sequence} does not start with a keyframe");
            Assert.True(info.Duration > TimeSpan.Zero);
        }

        var sequences = sink.Segments.Select(s => s.Info.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Distinct().Count(), sequences.Count);
    }

    /// <summary>Re-segments the segment alone: if it opens a segment at its first video access unit, that was a keyframe.</summary>
    private static bool StartsWithKeyframe(byte[] segment, StreamKind kind)
    {
        var sink = new CollectingSink();
        using var check = new Segmenter(Options, sink);
        check.Push(segment);
        check.Complete();
        return sink.Segments.Count > 0 && check.Stats.PacketsUnpublished == 0;
    }

    [Fact]
    public void Zero_length_input_gives_nothing_and_no_error()
    {
        var (sink, segmenter) = CollectingSink.Run(ReadOnlySpan<byte>.Empty, Options);

        Assert.Empty(sink.Segments);
        Assert.Equal(0, segmenter.Stats.Packets);
    }

    [Fact]
    public void Random_garbage_gives_nothing_and_counts_skipped_bytes()
    {
        var garbage = new byte[500_000];
        new Random(42).NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i++) if (garbage[i] == TsConstants.SyncByte) garbage[i] = 0x48;

        var (sink, segmenter) = CollectingSink.Run(garbage, Options, chunk: 4096);

        Assert.Empty(sink.Segments);
        Assert.Equal(garbage.Length, segmenter.Stats.SkippedBytes);
    }

    [Fact]
    public async Task Garbage_between_packets_is_skipped_and_counted_as_sync_loss_and_segments_stay_valid()
    {
        var packets = Packets(await MediaSamples.H264Aac(seconds: 8));
        var dirty = new List<byte[]>();
        var junk = new byte[77];
        new Random(7).NextBytes(junk);
        for (var i = 0; i < packets.Count; i++)
        {
            dirty.Add(packets[i]);
            if (i % 1000 == 500) dirty.Add(junk);
        }

        var (sink, segmenter) = CollectingSink.Run(Join(dirty), Options);

        Assert.Equal(packets.Count / 1000, segmenter.Stats.SyncLosses);
        Assert.True(segmenter.Stats.SkippedBytes >= segmenter.Stats.SyncLosses * junk.Length);
        Assert.True(sink.Segments.Count >= 3);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task A_truncated_packet_costs_sync_and_a_continuity_error_not_the_stream()
    {
        var ts = await MediaSamples.H264Aac(seconds: 8);
        var cut = 2000 * P + 60;
        var truncated = ts.AsSpan(0, cut).ToArray().Concat(ts.AsSpan(cut + 100).ToArray()).ToArray();

        var (sink, segmenter) = CollectingSink.Run(truncated, Options);

        Assert.Equal(1, segmenter.Stats.SyncLosses);
        Assert.True(segmenter.Stats.ContinuityErrors >= 1);
        Assert.True(sink.Segments.Count >= 3);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task Without_pat_nothing_is_published_and_pat_errors_are_counted()
    {
        var packets = Packets(await MediaSamples.H264Aac(seconds: 6)).Where(p => Pid(p) != TsConstants.PatPid);

        var (sink, segmenter) = CollectingSink.Run(Join(packets), Options);

        Assert.Empty(sink.Segments);
        Assert.True(segmenter.Stats.PatErrors >= 10, segmenter.Stats.ToString());
        Assert.True(segmenter.Stats.PacketsUnpublished > 0);
    }

    [Fact]
    public async Task Without_pmt_nothing_is_published_and_pmt_errors_are_counted()
    {
        var packets = Packets(await MediaSamples.H264Aac(seconds: 6));
        var pmtPid = PmtPid(packets);

        var (sink, segmenter) = CollectingSink.Run(Join(packets.Where(p => Pid(p) != pmtPid)), Options);

        Assert.Empty(sink.Segments);
        Assert.True(segmenter.Stats.PmtErrors >= 10, segmenter.Stats.ToString());
        Assert.Equal(0, segmenter.Stats.PatErrors);
    }

    [Fact]
    public async Task Dropped_packets_are_continuity_errors_and_legal_duplicates_are_not()
    {
        var packets = Packets(await MediaSamples.H264Aac(seconds: 6));
        var videoPid = VideoPid(packets);
        var dropped = packets.Where((p, i) => !(i % 400 == 399 && Pid(p) == videoPid && (p[1] & 0x40) == 0)).ToList();
        var drops = packets.Count - dropped.Count;
        var duplicated = packets.SelectMany((p, i) => i % 300 == 0 && (p[3] & 0x10) != 0 ? new[] { p, p } : new[] { p }).ToList();

        var (dropSink, dropSegmenter) = CollectingSink.Run(Join(dropped), Options);
        var (dupSink, dupSegmenter) = CollectingSink.Run(Join(duplicated), Options);
        var (cleanSink, _) = CollectingSink.Run(Join(packets), Options);

        Assert.True(drops > 0);
        Assert.Equal(drops, dropSegmenter.Stats.ContinuityErrors);
        AssertWellFormed(dropSink);
        Assert.Equal(0, dupSegmenter.Stats.ContinuityErrors);
        Assert.Equal(cleanSink.Segments.Select(s => s.Bytes), dupSink.Segments.Select(s => s.Bytes));
    }

    [Fact]
    public async Task Transport_errors_and_pat_crc_errors_are_counted_and_those_packets_ignored()
    {
        var packets = Packets(await MediaSamples.H264Aac(seconds: 6));
        var flagged = 0;
        var corrupted = 0;
        foreach (var p in packets)
        {
            if (Pid(p) == TsConstants.PatPid && corrupted++ % 2 == 0) p[12] ^= 0x5A;
            else if (Pid(p) != TsConstants.PatPid && flagged < 5 && (p[1] & 0x40) == 0)
            {
                p[1] |= 0x80;
                flagged++;
            }
        }

        var (sink, segmenter) = CollectingSink.Run(Join(packets), Options);

        Assert.Equal(5, segmenter.Stats.TransportErrors);
        Assert.Equal((corrupted + 1) / 2, segmenter.Stats.CrcErrors);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task A_pts_jump_closes_the_segment_and_the_next_one_is_a_discontinuity_starting_on_a_keyframe()
    {
        var first = await MediaSamples.H264Aac(seconds: 6);
        var second = await Shifted(6, offsetSeconds: 1000);

        var (sink, segmenter) = CollectingSink.Run(first.Concat(second).ToArray(), Options);

        Assert.Equal(1, segmenter.Stats.PtsJumps);
        var discontinuities = sink.Segments.Where(s => s.Info.Discontinuity).ToList();
        Assert.Single(discontinuities);
        Assert.True(sink.Segments.Count(s => !s.Info.Discontinuity) >= 2);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task Pts_wrapping_at_33_bits_is_not_a_jump()
    {
        // 2^33 / 90 kHz = 95443.7 s: an offset of 95440 s makes the PTS wrap a few seconds in.
        var ts = await Shifted(10, offsetSeconds: 95440);

        var (sink, segmenter) = CollectingSink.Run(ts, Options);

        Assert.Equal(0, segmenter.Stats.PtsJumps);
        Assert.Contains(sink.Segments, s => s.Info.StartPts < MpegTime.Clock * 10);
        Assert.Contains(sink.Segments, s => s.Info.StartPts > MpegTime.Wrap - MpegTime.Clock * 10);
        Assert.All(sink.Segments.SkipLast(1), s => Assert.Equal(2.0, s.Info.Duration.TotalSeconds, 3));
        Assert.DoesNotContain(sink.Segments, s => s.Info.Discontinuity);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task A_program_change_mid_stream_is_a_discontinuity()
    {
        var first = await MediaSamples.H264Aac(seconds: 6);
        var other = await Make("pids", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine -t 6 -c:v libx264 -preset ultrafast -g 50 " +
                                       "-c:a aac -mpegts_pmt_start_pid 0x1100 -mpegts_start_pid 0x300 -output_ts_offset 6 -f mpegts");

        var (sink, segmenter) = CollectingSink.Run(first.Concat(other).ToArray(), Options);

        Assert.True(segmenter.Stats.ProgramChanges >= 1, segmenter.Stats.ToString());
        Assert.Contains(sink.Segments, s => s.Info.Discontinuity);
        Assert.Equal(0x300, segmenter.Program!.Video!.Pid);
        AssertWellFormed(sink);
    }

    [Fact]
    public async Task A_stream_without_keyframes_publishes_nothing_and_says_so()
    {
        var longGop = await Make("longgop", "-f lavfi -i testsrc2=size=320x240:rate=25 -t 8 -c:v libx264 -preset ultrafast -g 10000 -keyint_min 10000 -sc_threshold 0 -f mpegts");
        var packets = Packets(longGop);
        var withoutFirstGop = packets.Take(4).Concat(packets.Skip(packets.Count / 4)).ToList();

        var (sink, segmenter) = CollectingSink.Run(Join(withoutFirstGop), Options);

        Assert.Empty(sink.Segments);
        Assert.True(segmenter.Stats.PacketsUnpublished > withoutFirstGop.Count / 2, segmenter.Stats.ToString());
    }

    [Fact]
    public async Task A_keyframe_gap_longer_than_the_max_drops_the_segment_instead_of_publishing_it()
    {
        var longGop = await Make("longgop", "-f lavfi -i testsrc2=size=320x240:rate=25 -t 8 -c:v libx264 -preset ultrafast -g 10000 -keyint_min 10000 -sc_threshold 0 -f mpegts");

        var (sink, segmenter) = CollectingSink.Run(longGop, Options);

        Assert.Empty(sink.Segments);
        Assert.Equal(1, segmenter.Stats.SegmentsDropped);
    }

    private static int PmtPid(List<byte[]> packets)
    {
        var pat = packets.First(p => Pid(p) == 0);
        Assert.True(Pat.TryParse(pat.AsSpan(5, 16), out var parsed));
        return parsed.Programs[0].PmtPid;
    }

    private static int VideoPid(List<byte[]> packets)
    {
        var sink = new CollectingSink();
        using var s = new Segmenter(Options, sink);
        s.Push(Join(packets.Take(2000)));
        return s.Program!.Video!.Pid;
    }

    private static Task<byte[]> Shifted(int seconds, int offsetSeconds) =>
        Make($"shift-{seconds}-{offsetSeconds}", "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 " +
                                                 $"-t {seconds} -c:v libx264 -preset ultrafast -g 50 -keyint_min 50 -sc_threshold 0 -c:a aac " +
                                                 $"-output_ts_offset {offsetSeconds} -f mpegts");

    private static async Task<byte[]> Make(string name, string args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"inspur-bad-{name}-{Guid.NewGuid():N}.ts");
        var (code, _, err) = await MediaSamples.Run("ffmpeg", $"-hide_banner -loglevel error -y {args} {path}");
        Assert.True(code == 0, err);
        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        return bytes;
    }
}

/// <summary>PSI tables split over several sections.</summary>
public sealed class MultiSectionPatSpecs
{
    private const int P = TsConstants.PacketSize;

    /// <summary>A PAT packet carrying section <paramref name="number"/> of 2 with one program → PMT PID.</summary>
    private static byte[] PatSection(int number, int program, int pmtPid, int cc)
    {
        var section = new List<byte> { 0x00, 0xB0, 0x00, 0x00, 0x01, 0xC1, (byte)number, 0x01,
            (byte)(program >> 8), (byte)program, (byte)(0xE0 | (pmtPid >> 8)), (byte)pmtPid };
        section[2] = (byte)(section.Count - 3 + 4);
        var crc = Crc32Mpeg.Compute(section.ToArray());
        section.AddRange([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
        var packet = Enumerable.Repeat((byte)0xFF, P).ToArray();
        packet[0] = 0x47;
        packet[1] = 0x40;
        packet[2] = 0x00;
        packet[3] = (byte)(0x10 | cc);
        packet[4] = 0;
        section.ToArray().CopyTo(packet, 5);
        return packet;
    }

    [Fact]
    public async Task A_second_pat_section_is_not_a_program_change()
    {
        var ts = await MediaSamples.H264Aac(seconds: 6);
        var packets = Enumerable.Range(0, ts.Length / P).Select(i => ts.AsSpan(i * P, P).ToArray()).ToList();
        var cc = 0;
        var withSecondSection = new List<byte[]>();
        foreach (var p in packets)
        {
            if (TsPacketHeader.ReadPid(p) == 0)
            {
                p[3] = (byte)(0x10 | (cc++ & 0xF));
                withSecondSection.Add(p);
                withSecondSection.Add(PatSection(1, 2, 0x1FF0, cc++ & 0xF));
            }
            else
            {
                withSecondSection.Add(p);
            }
        }

        var (sink, segmenter) = CollectingSink.Run(withSecondSection.SelectMany(p => p).ToArray(), new SegmenterOptions());

        Assert.Equal(0, segmenter.Stats.ProgramChanges);
        Assert.Equal(0, segmenter.Stats.CrcErrors);
        Assert.DoesNotContain(sink.Segments, s => s.Info.Discontinuity);
        Assert.True(sink.Segments.Count >= 2);
    }
}

/// <summary>A failover switch is a discontinuity even when the new source's timestamps run on from the old one's.</summary>
public sealed class SegmenterSourceSwitchSpecs
{
    [Fact]
    public async Task A_source_change_starts_a_discontinuous_segment_at_the_next_keyframe()
    {
        var ts = await MediaSamples.H264Aac(seconds: 10, gop: 25);
        var options = new SegmenterOptions { TargetDuration = TimeSpan.FromSeconds(2) };
        var sink = new CollectingSink();
        using var segmenter = new Segmenter(options, sink);
        var half = ts.Length / 2 / 188 * 188;
        segmenter.Push(ts.AsSpan(0, half));
        var before = sink.Segments.Count;
        Assert.True(before > 0);
        Assert.DoesNotContain(sink.Segments, s => s.Info.Discontinuity);

        // The same stream goes on (continuous timestamps): only the switch itself says the source changed.
        segmenter.SourceChanged();
        segmenter.Push(ts.AsSpan(half));
        segmenter.Complete();

        var after = sink.Segments.Skip(before).ToList();
        Assert.True(after.Count >= 2);
        Assert.True(after[0].Info.Discontinuity || after[1].Info.Discontinuity, "no discontinuity after the switch");
        Assert.Single(sink.Segments, s => s.Info.Discontinuity);
        Assert.Equal(0, segmenter.Stats.PtsJumps);
    }

    [Fact]
    public async Task Without_a_source_change_the_same_input_has_no_discontinuity()
    {
        var ts = await MediaSamples.H264Aac(seconds: 10, gop: 25);
        var (sink, segmenter) = CollectingSink.Run(ts, new SegmenterOptions { TargetDuration = TimeSpan.FromSeconds(2) });
        using (segmenter)
        {
            Assert.True(sink.Segments.Count >= 4);
            Assert.DoesNotContain(sink.Segments, s => s.Info.Discontinuity);
        }
    }
}
