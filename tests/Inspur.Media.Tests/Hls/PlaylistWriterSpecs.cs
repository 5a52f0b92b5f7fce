using System.Globalization;
using Inspur.Media.Hls;
using Inspur.Media.Tests.Segmenting;

namespace Inspur.Media.Tests.Hls;

public sealed class PlaylistWriterSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static HlsSegment Seg(int n, double seconds = 2, bool discontinuity = false) =>
        new($"{n}.ts", TimeSpan.FromSeconds(seconds)) { ProgramDateTime = T0.AddSeconds(n * 2), Discontinuity = discontinuity };

    [Fact]
    public void Live_playlist_golden_text()
    {
        var text = PlaylistWriter.Write(new MediaPlaylist
        {
            TargetDuration = 2,
            MediaSequence = 100,
            DiscontinuitySequence = 3,
            IndependentSegments = true,
            Segments = [Seg(100), Seg(101, discontinuity: true), Seg(102, 1.96)],
        });

        Assert.Equal("""
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:100
            #EXT-X-DISCONTINUITY-SEQUENCE:3
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-PROGRAM-DATE-TIME:2026-11-24T12:03:20.000Z
            #EXTINF:2.000,
            100.ts
            #EXT-X-DISCONTINUITY
            #EXT-X-PROGRAM-DATE-TIME:2026-11-24T12:03:22.000Z
            #EXTINF:2.000,
            101.ts
            #EXT-X-PROGRAM-DATE-TIME:2026-11-24T12:03:24.000Z
            #EXTINF:1.960,
            102.ts

            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Vod_and_event_playlists_say_their_type_and_vod_ends()
    {
        var vod = PlaylistWriter.Write(new MediaPlaylist { TargetDuration = 2, Type = PlaylistType.Vod, EndList = true, Segments = [Seg(0)], Start = (TimeSpan.FromSeconds(1.5), true) });
        var ev = PlaylistWriter.Write(new MediaPlaylist { TargetDuration = 2, Type = PlaylistType.Event, Segments = [Seg(0)] });

        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD\n", vod);
        Assert.EndsWith("#EXT-X-ENDLIST\n", vod);
        Assert.Contains("#EXT-X-START:TIME-OFFSET=1.500,PRECISE=YES\n", vod);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT\n", ev);
        Assert.DoesNotContain("ENDLIST", ev);
    }

    [Fact]
    public void Ll_hls_golden_text()
    {
        var part = TimeSpan.FromMilliseconds(400);
        var text = PlaylistWriter.Write(new MediaPlaylist
        {
            TargetDuration = 2,
            MediaSequence = 7,
            PartTarget = part,
            ServerControl = new HlsServerControl(true, part * 3, TimeSpan.FromSeconds(12)),
            Segments = [Seg(7) with { Parts = [new HlsPart("7.0.ts", part, true), new HlsPart("7.1.ts", part)] }],
            TrailingParts = [new HlsPart("8.0.ts", part, true)],
            PreloadHintUri = "8.1.ts",
            RenditionReports = [new HlsRenditionReport("../720p/index.m3u8", 8, 0)],
        });

        Assert.Equal("""
            #EXTM3U
            #EXT-X-VERSION:6
            #EXT-X-TARGETDURATION:2
            #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.200,CAN-SKIP-UNTIL=12.000
            #EXT-X-PART-INF:PART-TARGET=0.400
            #EXT-X-MEDIA-SEQUENCE:7
            #EXT-X-PROGRAM-DATE-TIME:2026-11-24T12:00:14.000Z
            #EXT-X-PART:DURATION=0.400,URI="7.0.ts",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.400,URI="7.1.ts"
            #EXTINF:2.000,
            7.ts
            #EXT-X-PART:DURATION=0.400,URI="8.0.ts",INDEPENDENT=YES
            #EXT-X-PRELOAD-HINT:TYPE=PART,URI="8.1.ts"
            #EXT-X-RENDITION-REPORT:URI="../720p/index.m3u8",LAST-MSN=8,LAST-PART=0

            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Master_playlist_golden_text()
    {
        var text = PlaylistWriter.Write(new MasterPlaylist
        {
            Media = [new HlsMedia("AUDIO", "aac", "Mandarin", "audio/index.m3u8", "zh", Default: true)],
            Variants =
            [
                new HlsVariant("720p/index.m3u8", 3_300_000) { AverageBandwidth = 3_000_000, Codecs = "avc1.64001f,mp4a.40.2", Resolution = (1280, 720), FrameRate = 25, AudioGroup = "aac" },
                new HlsVariant("360p/index.m3u8", 900_000) { Codecs = "avc1.42c01e,mp4a.40.2", Resolution = (640, 360), FrameRate = 30000 / 1001.0 },
            ],
        });

        Assert.Equal("""
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Mandarin",LANGUAGE="zh",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=3300000,AVERAGE-BANDWIDTH=3000000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=25.000,AUDIO="aac"
            720p/index.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.42c01e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970
            360p/index.m3u8

            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Numbers_are_written_the_same_under_any_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            var text = PlaylistWriter.Write(new MediaPlaylist { TargetDuration = 2, Segments = [Seg(0, 1.5)] });
            Assert.Contains("#EXTINF:1.500,", text);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    public static TheoryData<string, MediaPlaylist> Invalid() => new()
    {
        { "rounds above", new MediaPlaylist { TargetDuration = 2, Segments = [Seg(0, 2.5)] } },
        { "positive", new MediaPlaylist { TargetDuration = 2, Segments = [Seg(0, 0)] } },
        { "positive", new MediaPlaylist { TargetDuration = 0 } },
        { "PART-HOLD-BACK", new MediaPlaylist { TargetDuration = 2, PartTarget = TimeSpan.FromSeconds(0.5), ServerControl = new HlsServerControl(true, TimeSpan.FromSeconds(1)) } },
        { "CAN-SKIP-UNTIL", new MediaPlaylist { TargetDuration = 2, ServerControl = new HlsServerControl(false, null, TimeSpan.FromSeconds(6)) } },
        { "EXT-X-SKIP", new MediaPlaylist { TargetDuration = 2, SkippedSegments = 2 } },
        { "PART-INF", new MediaPlaylist { TargetDuration = 2, TrailingParts = [new HlsPart("p.ts", TimeSpan.FromSeconds(0.3))] } },
        { "exceeds", new MediaPlaylist { TargetDuration = 2, PartTarget = TimeSpan.FromSeconds(0.4), TrailingParts = [new HlsPart("p.ts", TimeSpan.FromSeconds(0.5))] } },
        { "quoted-string", new MediaPlaylist { TargetDuration = 2, PartTarget = TimeSpan.FromSeconds(0.4), TrailingParts = [new HlsPart("a\"b.ts", TimeSpan.FromSeconds(0.4))] } },
        { "URI line", new MediaPlaylist { TargetDuration = 2, Segments = [new HlsSegment("a\nb.ts", TimeSpan.FromSeconds(1))] } },
        { "negative", new MediaPlaylist { TargetDuration = 2, MediaSequence = -1 } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void What_players_would_reject_is_refused_with_a_reason(string reason, MediaPlaylist playlist)
    {
        var error = Assert.Throws<PlaylistException>(() => PlaylistWriter.Write(playlist));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Master_playlists_refuse_missing_audio_groups_and_empty_variant_lists()
    {
        Assert.Throws<PlaylistException>(() => PlaylistWriter.Write(new MasterPlaylist()));
        Assert.Throws<PlaylistException>(() => PlaylistWriter.Write(new MasterPlaylist { Variants = [new HlsVariant("a.m3u8", 1) { AudioGroup = "x" }] }));
        Assert.Throws<PlaylistException>(() => PlaylistWriter.Write(new MasterPlaylist { Variants = [new HlsVariant("a.m3u8", 0)] }));
    }

    [Fact]
    public void Everything_written_parses_back_to_the_same_model()
    {
        var part = TimeSpan.FromMilliseconds(400);
        var original = new MediaPlaylist
        {
            TargetDuration = 2,
            MediaSequence = 7,
            DiscontinuitySequence = 1,
            PartTarget = part,
            IndependentSegments = true,
            ServerControl = new HlsServerControl(true, part * 3, TimeSpan.FromSeconds(12)),
            SkippedSegments = 2,
            Segments =
            [
                Seg(9) with { Parts = [new HlsPart("9.0.ts", part, true)], Key = new HlsKey("https://k/1", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) },
                Seg(10, discontinuity: true) with { Gap = true, ByteRange = (1000, 500) },
            ],
            TrailingParts = [new HlsPart("11.0.ts", part, true), new HlsPart("11.1.ts", part, Gap: true)],
            PreloadHintUri = "11.2.ts",
            RenditionReports = [new HlsRenditionReport("../a.m3u8", 11, 1)],
        };

        var parsed = PlaylistParser.ParseMedia(PlaylistWriter.Write(original));

        Assert.Equal(PlaylistWriter.Write(original), PlaylistWriter.Write(parsed));
        Assert.Equal(original.Segments.Select(s => (s.Uri, s.Duration, s.ProgramDateTime, s.Discontinuity, s.Gap, s.ByteRange)),
            parsed.Segments.Select(s => (s.Uri, s.Duration, s.ProgramDateTime, s.Discontinuity, s.Gap, s.ByteRange)));
        Assert.Equal(original.Segments[0].Key!.Iv, parsed.Segments[0].Key!.Iv);
    }

    [Theory]
    [InlineData("", "line 1")]
    [InlineData("#EXTM3U\n#EXTINF:2.0,\n", "TARGETDURATION")]
    [InlineData("#EXTM3U\n#EXT-X-TARGETDURATION:two\n", "line 2")]
    [InlineData("#EXTM3U\n#EXT-X-TARGETDURATION:2\nseg.ts\n", "line 3")]
    [InlineData("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART:DURATION=0.4,URI=\"x\n", "line 3")]
    [InlineData("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:abc,\nx.ts\n", "line 3")]
    public void Malformed_playlists_are_errors_naming_the_line(string text, string expected)
    {
        var error = Assert.Throws<PlaylistException>(() => PlaylistParser.ParseMedia(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Ffmpeg_output_parses_and_our_rewrite_of_it_plays()
    {
        var dir = Directory.CreateTempSubdirectory("inspur-hls-ff-").FullName;
        var (code, _, err) = await MediaSamples.Run("ffmpeg",
            $"-hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine -t 6 -c:v libx264 -preset ultrafast -g 25 -c:a aac -f hls -hls_time 1 -hls_playlist_type vod -master_pl_name master.m3u8 {dir}/out.m3u8");
        Assert.True(code == 0, err);

        var theirs = PlaylistParser.ParseMedia(await File.ReadAllTextAsync($"{dir}/out.m3u8"));
        var master = PlaylistParser.ParseMaster(await File.ReadAllTextAsync($"{dir}/master.m3u8"));
        var ours = $"{dir}/ours.m3u8";
        await File.WriteAllTextAsync(ours, PlaylistWriter.Write(theirs with { IndependentSegments = true }));

        Assert.Equal(6, theirs.Segments.Count);
        Assert.Equal(PlaylistType.Vod, theirs.Type);
        Assert.Equal("out.m3u8", Assert.Single(master.Variants).Uri);
        var probe = await MediaSamples.Run("ffprobe", $"-v error -i {ours}");
        Assert.True(probe.Code == 0 && probe.Err.Trim().Length == 0, probe.Err);
        var decode = await MediaSamples.Run("ffmpeg", $"-v error -i {ours} -f null -");
        Assert.True(decode.Code == 0 && decode.Err.Trim().Length == 0, decode.Err);
    }
}
