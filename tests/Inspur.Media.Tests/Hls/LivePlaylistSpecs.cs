using Inspur.Media.Hls;
using Inspur.Media.Segmenting;
using Inspur.Media.Tests.Segmenting;

namespace Inspur.Media.Tests.Hls;

/// <summary>A live rendition driven by the real segmenter, reloaded after every part and segment, checked against RFC 8216.</summary>
public sealed class LivePlaylistSpecs
{
    private static readonly LivePlaylistOptions Plain = new() { SegmentUri = seq => $"{seq}.ts" };

    private static readonly LivePlaylistOptions LowLatency = new()
    {
        SegmentUri = seq => $"{seq}.ts",
        PartUri = (seq, i) => $"{seq}.{i}.ts",
        PartTarget = TimeSpan.FromMilliseconds(400),
        CanSkip = true,
    };

    /// <summary>Feeds the window from the segmenter and renders a reload after every event.</summary>
    private sealed class ReloadingSink(LiveWindow window, LivePlaylistOptions options) : ISegmentSink
    {
        public List<MediaPlaylist> Reloads { get; } = [];

        public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes)
        {
            window.AddPart(part);
            Reload();
        }

        public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes)
        {
            window.AddSegment(segment);
            Reload();
        }

        private void Reload() => Reloads.Add(PlaylistParser.ParseMedia(PlaylistWriter.Write(LivePlaylist.Render(window.Snapshot, options))));
    }

    private static async Task<List<MediaPlaylist>> Run(LivePlaylistOptions options, byte[]? ts = null)
    {
        ts ??= await MediaSamples.H264Aac(seconds: 20, gop: 20);
        var window = new LiveWindow(TimeSpan.FromSeconds(2));
        var sink = new ReloadingSink(window, options);
        using var segmenter = new Segmenter(new SegmenterOptions { TargetDuration = TimeSpan.FromSeconds(2), PartTarget = options.PartTarget }, sink);
        for (var i = 0; i < ts.Length; i += 1316 * 10) segmenter.Push(ts.AsSpan(i, Math.Min(1316 * 10, ts.Length - i)));
        return sink.Reloads;
    }

    [Fact]
    public async Task Reloads_of_a_live_playlist_obey_rfc_8216()
    {
        var reloads = await Run(Plain);

        Assert.True(reloads.Count >= 8);
        Assert.Empty(PlaylistRules.CheckReloads(reloads));
        Assert.All(reloads.Skip(3), r => Assert.True(r.Segments.Sum(s => s.Duration.TotalSeconds) >= 3 * r.TargetDuration));
        Assert.All(reloads, r => Assert.Equal(2, r.TargetDuration));
        Assert.True(reloads[^1].MediaSequence > reloads[0].MediaSequence, "the window slid");
    }

    [Fact]
    public async Task Ll_hls_reloads_list_parts_a_preload_hint_and_obey_the_rules()
    {
        var reloads = await Run(LowLatency);

        Assert.Empty(PlaylistRules.CheckReloads(reloads));
        var last = reloads[^1];
        Assert.NotNull(last.PreloadHintUri);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), last.ServerControl!.PartHoldBack);
        Assert.True(last.ServerControl.CanBlockReload);
        Assert.Contains(reloads, r => r.TrailingParts.Count > 0);
        Assert.All(reloads.SelectMany(r => r.Segments.SelectMany(s => s.Parts).Concat(r.TrailingParts)),
            p => Assert.True(p.Duration <= TimeSpan.FromMilliseconds(400)));
        var withParts = last.Segments.Where(s => s.Parts.Count > 0).ToList();
        Assert.InRange(withParts.Count, 1, 3);
        Assert.All(withParts, s => Assert.Equal(s.Duration.TotalSeconds, s.Parts.Sum(p => p.Duration.TotalSeconds), 3));
    }

    [Fact]
    public async Task A_delta_update_skips_old_segments_but_keeps_numbering()
    {
        var ts = await MediaSamples.H264Aac(seconds: 40, gop: 20);
        var window = new LiveWindow(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        using (var segmenter = new Segmenter(new SegmenterOptions(), new WindowSink(window))) segmenter.Push(ts);

        var full = LivePlaylist.Render(window.Snapshot, LowLatency with { PartTarget = null });
        var delta = LivePlaylist.Render(window.Snapshot, LowLatency with { PartTarget = null }, skip: true);
        var parsed = PlaylistParser.ParseMedia(PlaylistWriter.Write(delta));

        Assert.True(delta.SkippedSegments > 0);
        Assert.Equal(full.MediaSequence, parsed.MediaSequence);
        Assert.Equal(full.Segments.Count, parsed.SkippedSegments + parsed.Segments.Count);
        Assert.Equal(full.Segments.Skip(delta.SkippedSegments).Select(s => s.Uri), parsed.Segments.Select(s => s.Uri));
        Assert.True(parsed.Segments.Sum(s => s.Duration.TotalSeconds) >= 6 * parsed.TargetDuration);
        Assert.Empty(PlaylistRules.CheckReloads([full, parsed]));
    }

    [Fact]
    public void The_rules_catch_a_sequence_going_back_and_a_rewritten_segment()
    {
        MediaPlaylist P(long seq, params (string Uri, double D)[] s) => new()
        {
            TargetDuration = 2,
            MediaSequence = seq,
            Segments = s.Select(x => new HlsSegment(x.Uri, TimeSpan.FromSeconds(x.D))).ToList(),
        };

        var back = PlaylistRules.CheckReloads([P(10, ("10.ts", 2), ("11.ts", 2), ("12.ts", 2)), P(9, ("9.ts", 2), ("10.ts", 2), ("11.ts", 2))]);
        var rewritten = PlaylistRules.CheckReloads([P(10, ("10.ts", 2), ("11.ts", 2), ("12.ts", 2)), P(10, ("10.ts", 2), ("11b.ts", 2), ("12.ts", 2))]);
        var shortWindow = PlaylistRules.CheckReloads([P(10, ("10.ts", 2), ("11.ts", 2), ("12.ts", 2)), P(12, ("12.ts", 2))]);
        var filling = PlaylistRules.CheckReloads([P(10, ("10.ts", 2)), P(10, ("10.ts", 2), ("11.ts", 2))]);

        Assert.Contains(back, p => p.Contains("went back"));
        Assert.Contains(rewritten, p => p.Contains("changed"));
        Assert.Contains(shortWindow, p => p.Contains("shorter than 3 target durations"));
        Assert.Empty(filling);
    }

    private sealed class WindowSink(LiveWindow window) : ISegmentSink
    {
        public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes) => window.AddPart(part);

        public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes) => window.AddSegment(segment);
    }
}

/// <summary>A master playlist whose attributes come from the stream itself.</summary>
public sealed class MasterFromStreamSpecs
{
    [Fact]
    public async Task Codecs_resolution_frame_rate_and_bandwidths_come_from_the_stream()
    {
        var ts = await MediaSamples.H264Aac(seconds: 10);
        var (sink, segmenter) = CollectingSink.Run(ts, new SegmenterOptions());

        var variant = VariantFromStream.Create("720p/index.m3u8", segmenter.Description!, sink.Segments.Select(s => s.Info).ToList());
        var master = PlaylistParser.ParseMaster(PlaylistWriter.Write(new MasterPlaylist { Variants = [variant] }));

        var parsed = Assert.Single(master.Variants);
        Assert.Equal(segmenter.Description!.Codecs, parsed.Codecs);
        Assert.StartsWith("avc1.", parsed.Codecs);
        Assert.EndsWith(",mp4a.40.2", parsed.Codecs);
        Assert.Equal((320, 240), parsed.Resolution);
        Assert.Equal(25.0, parsed.FrameRate);
        var average = ts.Length * 8 / 10.0;
        Assert.InRange(parsed.AverageBandwidth!.Value, average * 0.95, average * 1.10);
        Assert.True(parsed.Bandwidth >= parsed.AverageBandwidth);
        Assert.Throws<ArgumentException>(() => VariantFromStream.Create("x", segmenter.Description!, []));
    }
}
