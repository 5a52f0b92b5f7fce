using Inspur.Media.Codecs;
using Inspur.Media.Ts;
using static Inspur.Media.Tests.Codecs.BitReaderSpecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class KeyframeDetectorSpecs
{
    internal static Task<Sample> Stream(VideoCodec codec) => codec switch
    {
        VideoCodec.H264 => CodecSamples.H264("kf-h264", "320x240", "25", "-preset veryfast -g 12 -bf 2", seconds: 2),
        VideoCodec.H265 => CodecSamples.H265("kf-h265", "320x240", "25", "keyint=12:min-keyint=12:scenecut=0:bframes=2", seconds: 2),
        _ => CodecSamples.Encode("kf-mpeg2", "m2v", "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v mpeg2video -g 12 -bf 2 -f mpeg2video"),
    };

    /// <summary>Feeds <paramref name="unit"/> in pieces until decided; returns the decision and the index of the deciding piece.</summary>
    internal static (KeyframeDecision Decision, int Piece) Feed(KeyframeDetector detector, ReadOnlySpan<byte> unit, int pieceSize)
    {
        var piece = 0;
        for (var offset = 0; offset < unit.Length; offset += pieceSize, piece++)
        {
            var decision = detector.Push(unit.Slice(offset, Math.Min(pieceSize, unit.Length - offset)));
            if (decision != KeyframeDecision.Unknown) return (decision, piece);
        }

        return (KeyframeDecision.Unknown, -1);
    }

    /// <summary>The first byte that settles the question: the first slice's NAL header, or an MPEG-2 picture's coding-type byte.</summary>
    private static int DecisiveByte(VideoCodec codec, byte[] unit)
    {
        foreach (var (offset, type) in NalScannerSpecs.Reference(codec, unit))
        {
            switch (codec)
            {
                case VideoCodec.H264 when type is >= 1 and <= 5:
                case VideoCodec.H265 when type <= 31:
                    return (int)offset;
                case VideoCodec.Mpeg2 when type == 0x00:
                    return (int)offset + 2;
            }
        }

        return -1;
    }

    [Theory]
    [InlineData(VideoCodec.H264, 184)]
    [InlineData(VideoCodec.H264, 1)]
    [InlineData(VideoCodec.H265, 184)]
    [InlineData(VideoCodec.H265, 1)]
    [InlineData(VideoCodec.Mpeg2, 184)]
    [InlineData(VideoCodec.Mpeg2, 1)]
    [InlineData(VideoCodec.Mpeg2, 5)]
    public async Task Every_access_unit_is_classified_as_ffprobe_flags_it_as_soon_as_its_first_picture_appears(VideoCodec codec, int pieceSize)
    {
        var sample = await Stream(codec);
        var frames = await CodecSamples.FramesInDecodeOrder(sample.Path);
        var packets = await CodecSamples.Packets(sample.Path);
        Assert.Equal(packets.Select(p => p.Pos), frames.Select(f => f.Pos));
        var units = CodecSamples.CutAt(sample.Bytes, frames.Select(f => f.Pos).ToList());
        var detector = new KeyframeDetector(codec);

        for (var i = 0; i < units.Count; i++)
        {
            detector.Reset();
            var (decision, piece) = Feed(detector, units[i], pieceSize);

            Assert.Equal(frames[i].Key ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe, decision);
            Assert.Equal(DecisiveByte(codec, units[i]) / pieceSize, piece);
            Assert.Equal(decision, detector.Decision);
        }

        Assert.True(frames.Count(f => f.Key) >= 4);
        Assert.Contains(frames, f => !f.Key);
    }

    [Theory]
    [InlineData(VideoCodec.H264, "-c:v libx264 -preset veryfast -g 12 -bf 2")]
    [InlineData(VideoCodec.Mpeg2, "-c:v mpeg2video -g 12 -bf 2")]
    public async Task Fed_ts_packet_payloads_as_the_segmenter_sees_them_it_agrees_with_ffprobes_key_flags(VideoCodec codec, string encoder)
    {
        var sample = await CodecSamples.Encode($"kf-ts-{codec}", "ts",
            $"-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=sample_rate=48000 -t 2 {encoder} -c:a aac -f mpegts");
        var expected = (await CodecSamples.Packets(sample.Path, "-select_streams v:0")).Select(p => p.Key).ToList();
        var pid = Convert.ToInt32((await CodecSamples.Stream(sample.Path, "id"))["id"], 16);
        var detector = new KeyframeDetector(codec);
        var decisions = new List<KeyframeDecision>();
        var pushesAfterDecision = 0;
        var started = false;

        for (var offset = 0; offset + TsConstants.PacketSize <= sample.Bytes.Length; offset += TsConstants.PacketSize)
        {
            var packet = sample.Bytes.AsSpan(offset, TsConstants.PacketSize);
            var header = TsPacketHeader.Parse(packet);
            if (header.Pid != pid || !header.HasPayload) continue;
            var payload = packet[header.PayloadOffset..];
            if (header.PayloadUnitStart)
            {
                if (started) decisions.Add(detector.Decision);
                started = true;
                detector.Reset();
                Assert.True(PesHeader.TryParse(payload, out var pes));
                detector.Push(payload[pes.PayloadOffset..]);
            }
            else if (detector.Decision == KeyframeDecision.Unknown)
            {
                detector.Push(payload);
            }
            else
            {
                pushesAfterDecision++;
            }
        }

        decisions.Add(detector.Decision);

        Assert.Equal(expected.Select(k => k ? KeyframeDecision.Keyframe : KeyframeDecision.NotKeyframe), decisions);
        Assert.True(pushesAfterDecision > decisions.Count, "most packets of a PES come after the decision");
    }

    [Theory]
    [InlineData(VideoCodec.H264, "00 00 00 01 09 F0 00 00 00 01 67 64 00 1F 00 00 01 68 EE 00 00 01 06 05 FF 00 00 01 65 88 84", KeyframeDecision.Keyframe)]
    [InlineData(VideoCodec.H264, "00 00 00 01 09 30 00 00 01 41 9A 02", KeyframeDecision.NotKeyframe)]
    [InlineData(VideoCodec.H264, "00 00 01 01 9A 00 00 01 65", KeyframeDecision.NotKeyframe)]
    [InlineData(VideoCodec.H265, "00 00 00 01 46 01 10 00 00 01 40 01 0C 00 00 01 42 01 01 00 00 01 26 01 AF", KeyframeDecision.Keyframe)]
    [InlineData(VideoCodec.H265, "00 00 01 46 01 50 00 00 01 2A 01 AF", KeyframeDecision.Keyframe)]
    [InlineData(VideoCodec.H265, "00 00 01 46 01 50 00 00 01 02 01 D0", KeyframeDecision.NotKeyframe)]
    [InlineData(VideoCodec.H265, "00 00 01 4E 01 05 00 00 01 00 01 D0", KeyframeDecision.NotKeyframe)]
    [InlineData(VideoCodec.Mpeg2, "00 00 01 B3 14 00 F0 13 FF FF E0 18 00 00 01 B8 00 08 00 40 00 00 01 00 00 0F FF F8", KeyframeDecision.Keyframe)]
    [InlineData(VideoCodec.Mpeg2, "00 00 01 00 01 57 FF F8 00 00 01 01 12", KeyframeDecision.NotKeyframe)]
    [InlineData(VideoCodec.Mpeg2, "00 00 01 00 01 9F FF F8", KeyframeDecision.NotKeyframe)]
    public void Start_codes_and_picture_headers_split_at_any_point_still_decide_the_same(VideoCodec codec, string hex, KeyframeDecision expected)
    {
        var unit = Hex(hex);
        var detector = new KeyframeDetector(codec);
        Assert.Equal(expected, Feed(detector, unit, unit.Length).Decision);

        for (var cut = 1; cut < unit.Length; cut++)
        {
            detector.Reset();
            Assert.Equal(KeyframeDecision.Unknown, detector.Decision);
            var first = detector.Push(unit.AsSpan(0, cut));
            var second = detector.Push(unit.AsSpan(cut));
            Assert.Equal(expected, second);
            Assert.True(first == KeyframeDecision.Unknown || first == expected);
        }

        foreach (var size in new[] { 1, 2, 3, 4 })
        {
            detector.Reset();
            Assert.Equal(expected, Feed(detector, unit, size).Decision);
        }
    }

    [Theory]
    [InlineData(VideoCodec.H264, "00 00 00 01 09 F0 00 00 00 01 67 64 00 1F AC 00 00 01 68 EE 3C 80")]
    [InlineData(VideoCodec.H265, "00 00 00 01 46 01 10 00 00 01 40 01 0C 01 00 00 01 4E 01 05")]
    [InlineData(VideoCodec.Mpeg2, "00 00 01 B3 14 00 F0 13 FF FF E0 18 00 00 01 B5 14 8A 00 01 00 00 00 00 01 00 00")]
    [InlineData(VideoCodec.H264, "")]
    [InlineData(VideoCodec.H265, "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")]
    [InlineData(VideoCodec.Mpeg2, "FF FF FF 00 00 02 00 00 00 00 03 01")]
    public void Without_a_coded_picture_the_answer_stays_unknown(VideoCodec codec, string hex)
    {
        var unit = Hex(hex);
        var detector = new KeyframeDetector(codec);

        Assert.Equal(KeyframeDecision.Unknown, Feed(detector, unit, 3).Decision);
        Assert.Equal(KeyframeDecision.Unknown, detector.Push(ReadOnlySpan<byte>.Empty));
        Assert.Equal(KeyframeDecision.Unknown, detector.Decision);
    }

    [Fact]
    public void Reset_forgets_a_partial_start_code_and_a_decision()
    {
        var detector = new KeyframeDetector(VideoCodec.H264);
        Assert.Equal(KeyframeDecision.Unknown, detector.Push(Hex("AA 00 00")));
        detector.Reset();
        Assert.Equal(KeyframeDecision.Unknown, detector.Push(Hex("01 65 88")));

        Assert.Equal(KeyframeDecision.Keyframe, detector.Push(Hex("00 00 01 65")));
        Assert.Equal(KeyframeDecision.Keyframe, detector.Push(Hex("00 00 01 41")));
        detector.Reset();
        Assert.Equal(KeyframeDecision.NotKeyframe, detector.Push(Hex("00 00 01 41")));

        var mpeg2 = new KeyframeDetector(VideoCodec.Mpeg2);
        Assert.Equal(KeyframeDecision.Unknown, mpeg2.Push(Hex("00 00 01 00 00")));
        mpeg2.Reset();
        Assert.Equal(KeyframeDecision.Unknown, mpeg2.Push(Hex("0F FF F8")));
        Assert.Equal(VideoCodec.Mpeg2, mpeg2.Codec);
    }

    [Fact]
    public void Codec_helpers_classify_nal_types_as_the_standards_do()
    {
        Assert.Equal(Enumerable.Range(0, 32).Where(t => t == 5), Enumerable.Range(0, 32).Where(H264.IsKeyframeNal));
        Assert.Equal(Enumerable.Range(1, 5), Enumerable.Range(0, 32).Where(H264.IsVcl));
        Assert.Equal((9, 7, 8, 6), (H264.Aud, H264.Sps, H264.Pps, H264.Sei));
        Assert.Equal(Enumerable.Range(16, 6), Enumerable.Range(0, 64).Where(H265.IsKeyframeNal));
        Assert.Equal(Enumerable.Range(16, 8), Enumerable.Range(0, 64).Where(H265.IsIrap));
        Assert.Equal(Enumerable.Range(0, 32), Enumerable.Range(0, 64).Where(H265.IsVcl));
        Assert.Equal((35, 32, 33, 34), (H265.Aud, H265.Vps, H265.Sps, H265.Pps));
        Assert.Equal(5, H264.NalType(0x65));
        Assert.Equal(19, H265.NalType(0x26));
        Assert.Equal(33, H265.NalType(0x42));
    }
}
