using Inspur.Media.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>The segmenter on real ffmpeg streams: cuts, keyframes, durations, numbering, playability.</summary>
public sealed class SegmenterSpecs
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Stream PTS of the first frame is about 1.4 s in ffmpeg's output; anchor PTS 0 at a round UTC time.</summary>
    private static SegmenterOptions Options(TimeSpan? part = null) => new()
    {
        TargetDuration = TimeSpan.FromSeconds(2),
        PartTarget = part,
        Anchor = new TimeAnchor(Epoch, 0),
    };

    private static string TempDir() => Directory.CreateTempSubdirectory("inspur-seg-").FullName;

    [Theory]
    [InlineData("h264")]
    [InlineData("h265")]
    [InlineData("mpeg2")]
    public async Task Every_segment_starts_with_pat_pmt_and_a_keyframe_and_lasts_its_extinf(string codec)
    {
        var ts = codec switch
        {
            "h264" => await MediaSamples.H264Aac(),
            "h265" => await MediaSamples.H265Aac(),
            _ => await MediaSamples.Mpeg2(),
        };
        var (sink, segmenter) = CollectingSink.Run(ts, Options() with { Anchor = null });
        var dir = TempDir();
        var playlist = MediaSamples.WriteVod(dir, sink.Segments);

        Assert.True(sink.Segments.Count >= 3, $"{sink.Segments.Count} segments; {segmenter.Stats}");
        foreach (var (info, bytes) in sink.Segments)
        {
            Assert.Equal(0, TsPacketHeader.ReadPid(bytes));
            Assert.Equal(segmenter.Program!.ProgramNumber > 0 ? 0x02 : 0x02, bytes[188 + 5]);
            var frames = await MediaSamples.VideoFrames(Path.Combine(dir, $"{info.Sequence}.ts"));
            Assert.True(frames.Count > 0, $"segment {info.Sequence} has no frames");
            Assert.True(frames[0].Key, $"segment {info.Sequence} does not start with a keyframe");
            var frameDuration = 1 / 25.0;
            Assert.InRange(frames.Count * frameDuration, info.Duration.TotalSeconds - frameDuration - 1e-6, info.Duration.TotalSeconds + frameDuration + 1e-6);
        }

        var (code, _, err) = await MediaSamples.Run("ffmpeg", $"-v error -i {playlist} -f null -");
        Assert.True(code == 0 && err.Trim().Length == 0, $"ffmpeg decode of {playlist}: exit {code}\n{err}");
        Assert.Equal(0, segmenter.Stats.ContinuityErrors);
        Assert.Equal(0, segmenter.Stats.SyncLosses);
    }

    [Fact]
    public async Task Durations_add_up_to_the_stream_and_match_the_target()
    {
        var ts = await MediaSamples.H264Aac(seconds: 10, gop: 50);

        var (sink, _) = CollectingSink.Run(ts, Options() with { Anchor = null });

        Assert.InRange(sink.Segments.Sum(s => s.Info.Duration.TotalSeconds), 9.9, 10.1);
        Assert.All(sink.Segments.SkipLast(1), s => Assert.Equal(2.0, s.Info.Duration.TotalSeconds, 3));
        Assert.All(sink.Segments, s => Assert.True(s.Info.ByteSize == s.Bytes.Length && s.Info.Bitrate > 0));
    }

    [Fact]
    public async Task With_a_shared_anchor_the_first_partial_slot_is_skipped_so_numbering_cannot_disagree()
    {
        var ts = await MediaSamples.H264Aac(seconds: 10, gop: 50);

        var (sink, segmenter) = CollectingSink.Run(ts, Options());

        Assert.True(segmenter.Stats.PacketsUnpublished > 0);
        Assert.InRange(sink.Segments.Sum(s => s.Info.Duration.TotalSeconds), 7.9, 8.1);
    }

    [Fact]
    public async Task Sequence_numbers_are_epoch_locked_and_consecutive()
    {
        var ts = await MediaSamples.H264Aac();

        var (sink, _) = CollectingSink.Run(ts, Options());

        var sequences = sink.Segments.Select(s => s.Info.Sequence).ToList();
        Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (long)i), sequences);
        foreach (var (info, _) in sink.Segments)
        {
            Assert.Equal(info.ProgramDateTime.ToUnixTimeMilliseconds() / 2000, info.Sequence);
            Assert.Equal(Epoch + MpegTime.ToTimeSpan(info.StartPts), info.ProgramDateTime);
        }
    }

    [Fact]
    public async Task A_keyframe_interval_longer_than_the_target_is_reported_as_sequence_gaps()
    {
        var ts = await MediaSamples.H264Aac(seconds: 12, gop: 100);

        var (sink, segmenter) = CollectingSink.Run(ts, Options() with { Anchor = null });

        Assert.All(sink.Segments, s => Assert.Equal(4.0, s.Info.Duration.TotalSeconds, 3));
        Assert.Equal(sink.Segments.Count - 1, segmenter.Stats.SequenceGaps);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(25)]
    public async Task Two_segmenters_started_at_different_points_number_the_same_segments_alike(int gop)
    {
        var ts = await MediaSamples.H264Aac(seconds: 12, gop: gop);
        var lateStart = ts.Length / 3 / 188 * 188 + 7 * 188;

        var (early, _) = CollectingSink.Run(ts, Options());
        var (late, _) = CollectingSink.Run(ts.AsSpan(lateStart), Options());

        Assert.NotEmpty(late.Segments);
        var byPts = early.Segments.ToDictionary(s => s.Info.StartPts);
        foreach (var (info, bytes) in late.Segments)
        {
            Assert.True(byPts.TryGetValue(info.StartPts, out var twin), $"late segment at PTS {info.StartPts} has no twin");
            Assert.Equal(twin.Info.Sequence, info.Sequence);
            Assert.Equal(twin.Info.Duration, info.Duration);
            Assert.Equal(twin.Bytes, bytes);
        }
    }

    [Fact]
    public async Task Chunking_of_the_input_does_not_change_the_output()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);

        var (whole, _) = CollectingSink.Run(ts, Options(), chunk: ts.Length);
        var (odd, _) = CollectingSink.Run(ts, Options(), chunk: 1000);
        var (tiny, _) = CollectingSink.Run(ts, Options(), chunk: 7);

        Assert.Equal(whole.Segments.Select(s => s.Bytes), odd.Segments.Select(s => s.Bytes));
        Assert.Equal(whole.Segments.Select(s => s.Bytes), tiny.Segments.Select(s => s.Bytes));
    }

    [Fact]
    public async Task Continuity_counters_run_continuously_within_each_segment()
    {
        var ts = await MediaSamples.H264Aac(seconds: 6);

        var (sink, _) = CollectingSink.Run(ts, Options());

        foreach (var (info, bytes) in sink.Segments)
        {
            var recheck = new Segmenter(Options() with { Anchor = null }, new CollectingSink());
            recheck.Push(bytes);
            Assert.True(recheck.Stats.ContinuityErrors == 0, $"segment {info.Sequence}: {recheck.Stats}");
        }
    }

    [Fact]
    public async Task Ll_hls_parts_tile_each_segment_and_independent_parts_start_with_keyframes()
    {
        // 25 fps, a keyframe every 0.8 s, 0.4 s parts: parts are 10 frames and every second one starts on a keyframe.
        var ts = await MediaSamples.H264Aac(seconds: 8, gop: 20);

        var (sink, _) = CollectingSink.Run(ts, Options(TimeSpan.FromMilliseconds(400)));

        Assert.NotEmpty(sink.Parts);
        foreach (var (info, bytes) in sink.Segments)
        {
            var parts = sink.Parts.Where(p => p.Info.Sequence == info.Sequence).OrderBy(p => p.Info.Index).ToList();
            Assert.Equal(info.Parts, parts.Count);
            Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.Info.Index));
            Assert.Equal(bytes, parts.SelectMany(p => p.Bytes).ToArray());
            Assert.True(parts[0].Info.Independent);
            Assert.Equal(info.Duration.TotalSeconds, parts.Sum(p => p.Info.Duration.TotalSeconds), 3);
            Assert.All(parts, p => Assert.True(p.Info.Duration <= TimeSpan.FromMilliseconds(400), $"part {p.Info.Duration}"));
            Assert.All(parts.SkipLast(1), p => Assert.Equal(TimeSpan.FromMilliseconds(400), p.Info.Duration));
            foreach (var (part, _) in parts.Where(p => p.Info.Index > 0))
            {
                var startsOnKeyframe = MpegTime.Diff(info.StartPts, part.StartPts) % (20 * 3600) == 0;
                Assert.Equal(startsOnKeyframe, part.Independent);
            }
        }

        Assert.Contains(sink.Parts, p => p.Info is { Independent: true, Index: > 0 });
    }

    [Fact]
    public async Task Audio_only_streams_are_segmented_on_audio_frames()
    {
        var ts = await MediaSamples.AudioOnly();

        var (sink, segmenter) = CollectingSink.Run(ts, Options() with { Anchor = null });

        Assert.True(sink.Segments.Count >= 2, segmenter.Stats.ToString());
        Assert.InRange(sink.Segments.Sum(s => s.Info.Duration.TotalSeconds), 5.8, 6.2);
    }
}

/// <summary>Renditions of one channel sharing a time anchor.</summary>
public sealed class SharedAnchorSpecs
{
    [Fact]
    public async Task Renditions_started_apart_number_the_same_moments_alike()
    {
        var ts = await MediaSamples.H264Aac(seconds: 12, gop: 50);
        var shared = new SharedAnchor();
        var options = new SegmenterOptions { SharedAnchor = shared };

        var (leader, _) = CollectingSink.Run(ts, options);
        var (follower, _) = CollectingSink.Run(ts.AsSpan(ts.Length / 3 / 188 * 188), options);

        Assert.NotNull(shared.Current);
        Assert.NotEmpty(follower.Segments);
        var byPts = leader.Segments.ToDictionary(s => s.Info.StartPts, s => s.Info.Sequence);
        Assert.All(follower.Segments, s => Assert.Equal(byPts[s.Info.StartPts], s.Info.Sequence));
    }
}
