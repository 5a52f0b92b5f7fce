using System.Globalization;
using Inspur.Media.Codecs;
using static Inspur.Media.Tests.Codecs.BitReaderSpecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class Mpeg2VideoSpecs
{
    internal static Task<Sample> Mpeg2(string name, string size, string rate, string options = "") =>
        CodecSamples.Encode(name, "m2v",
            $"-f lavfi -i testsrc2=size={size}:rate={rate} -t 1 -c:v mpeg2video -g 12 -bf 2 -b:v 2M -maxrate 3M -bufsize 1835k {options} -f mpeg2video");

    private static IEnumerable<int> StartCodes(byte[] es, byte code)
    {
        for (var i = 0; i + 3 < es.Length; i++)
        {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1 && es[i + 3] == code) yield return i;
        }
    }

    [Theory]
    [InlineData("m2v-pal", "720x576", "25", 3)]
    [InlineData("m2v-ntsc", "640x360", "30000/1001", 4)]
    [InlineData("m2v-film", "352x288", "24", 2)]
    public async Task Sequence_header_gives_the_size_rate_and_bit_rate_ffprobe_and_the_encoder_settings_give(string name, string size, string rate, int rateCode)
    {
        var sample = await Mpeg2(name, size, rate);
        var probe = await CodecSamples.Stream(sample.Path, "width,height,r_frame_rate");
        var at = StartCodes(sample.Bytes, Mpeg2Video.SequenceHeaderCode).First();

        Assert.True(Mpeg2SequenceHeader.TryParse(sample.Bytes.AsSpan(at), out var header));
        Assert.True(Mpeg2SequenceHeader.TryParse(sample.Bytes.AsSpan(at + 3), out var withoutPrefix));

        Assert.Equal(header, withoutPrefix);
        Assert.Equal($"{probe["width"]}x{probe["height"]}", $"{header.Width}x{header.Height}");
        Assert.Equal(size, $"{header.Width}x{header.Height}");
        Assert.Equal(rateCode, header.FrameRateCode);
        Assert.Equal(H264SpsSpecs.Rate(probe["r_frame_rate"]), header.FrameRate!.Value, 9);
        Assert.Equal(3_000_000, header.BitRate);
        Assert.Equal(112 * 16384, header.VbvBufferSize);
        Assert.Equal(new VideoParameters("mpeg2video", "mp2v.61", header.Width, header.Height, 0, 0), header.ToVideoParameters());
        Assert.True(Mpeg2Sequence.TryParse(sample.Bytes.AsSpan(at), out var parameters));
        Assert.Equal(header.ToVideoParameters(), parameters);
    }

    [Fact]
    public async Task Picture_coding_type_of_every_access_unit_matches_ffprobes_pict_type()
    {
        var sample = await Mpeg2("m2v-pal", "720x576", "25");
        var frames = await CodecSamples.FramesInDecodeOrder(sample.Path);
        var units = CodecSamples.CutAt(sample.Bytes, frames.Select(f => f.Pos).ToList());

        for (var i = 0; i < units.Count; i++)
        {
            var type = Mpeg2Video.FirstPictureType(units[i]);
            Assert.Equal(frames[i].PictType, type.ToString());
            Assert.Equal(frames[i].Key, Mpeg2Video.IsIntraAccessUnit(units[i]));
            var picture = StartCodes(units[i], Mpeg2Video.PictureStartCode).First();
            Assert.Equal(type, Mpeg2Video.PictureType(units[i].AsSpan(picture)));
            Assert.Equal(type, Mpeg2Video.PictureType(units[i].AsSpan(picture + 3)));
            Assert.Equal(type == Mpeg2PictureType.I, Mpeg2Video.IsIntraPicture(units[i].AsSpan(picture)));
        }

        Assert.Equal(["B", "I", "P"], frames.Select(f => f.PictType).Distinct().Order());
        Assert.Equal(3, frames.Count(f => f.Key));
    }

    [Fact]
    public async Task Gop_headers_read_as_ffmpegs_decoder_reports_them()
    {
        var sample = await Mpeg2("m2v-pal", "720x576", "25");
        var (_, _, log) = await Segmenting.MediaSamples.Run("ffmpeg", $"-hide_banner -debug pict -i {sample.Path} -f null -");
        var reported = log.Split('\n')
            .Where(l => l.StartsWith("[mpeg2video", StringComparison.Ordinal) && l.Contains("] GOP (", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("GOP (", StringComparison.Ordinal) + 5)..].Trim())
            .ToList();

        var gops = StartCodes(sample.Bytes, Mpeg2Video.GroupStartCode)
            .Select(at => Mpeg2GopHeader.TryParse(sample.Bytes.AsSpan(at), out var gop) ? gop : throw new InvalidOperationException($"GOP at {at}"))
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Hours:00}:{g.Minutes:00}:{g.Seconds:00}{(g.DropFrame ? ';' : ':')}{g.Pictures:00}) closed_gop={(g.ClosedGop ? 1 : 0)} broken_link={(g.BrokenLink ? 1 : 0)}"))
            .ToList();

        Assert.Equal(3, gops.Count);
        Assert.Equal(reported, gops);
        Assert.True(Mpeg2GopHeader.TryParse(Hex("B8 00 08 00 40"), out var closed));
        Assert.Equal(new Mpeg2GopHeader(false, 0, 0, 0, 0, true, false), closed);
        Assert.False(Mpeg2GopHeader.TryParse(Hex("B8 00 00 00 40"), out _));
        Assert.False(Mpeg2GopHeader.TryParse(Hex("00 00 01 B8 00 08"), out _));
    }

    [Theory]
    [InlineData("00 00 01 00 00 0F FF F8", Mpeg2PictureType.I)]
    [InlineData("00 00 01 00 01 57 FF F8", Mpeg2PictureType.P)]
    [InlineData("00 01 9F FF F8", Mpeg2PictureType.B)]
    [InlineData("00 00 20", Mpeg2PictureType.D)]
    [InlineData("00 00 38", Mpeg2PictureType.Unknown)]
    [InlineData("00 00", Mpeg2PictureType.Unknown)]
    [InlineData("00 00 01 00 00", Mpeg2PictureType.Unknown)]
    [InlineData("00 00 01 B3 00 0F", Mpeg2PictureType.Unknown)]
    [InlineData("", Mpeg2PictureType.Unknown)]
    public void Picture_header_coding_type(string hex, Mpeg2PictureType expected) =>
        Assert.Equal(expected, Mpeg2Video.PictureType(Hex(hex)));

    [Theory]
    [InlineData("")]
    [InlineData("00 00 01 B3")]
    [InlineData("00 00 01 B3 2D 02 40 33 FF FF")]
    [InlineData("00 00 01 B3 00 02 40 33 FF FF E0 18")]
    [InlineData("00 00 01 B3 2D 00 00 33 FF FF E0 18")]
    [InlineData("00 00 01 B3 2D 02 40 03 FF FF E0 18")]
    [InlineData("00 00 01 B3 2D 02 40 30 FF FF E0 18")]
    [InlineData("00 00 01 B3 2D 02 40 33 FF FF C0 18")]
    [InlineData("00 00 01 B8 00 00 00")]
    [InlineData("00 00 01 00 2D 02 40 33 FF FF E0 18")]
    public void Bad_sequence_headers_are_refused(string hex)
    {
        Assert.False(Mpeg2SequenceHeader.TryParse(Hex(hex), out _));
        Assert.False(Mpeg2Sequence.TryParse(Hex(hex), out _));
    }

    [Fact]
    public void A_hand_made_sequence_header_reads_as_laid_out()
    {
        // 720x576, 4:3, 25 fps, bit_rate_value 15000 (6 Mbit/s), marker, vbv 112, constrained 0.
        Assert.True(Mpeg2SequenceHeader.TryParse(Hex("00 00 01 B3 2D 02 40 23 0E A6 23 80"), out var h));

        Assert.Equal((720, 576, 2, 3, 25.0), (h.Width, h.Height, h.AspectRatioCode, h.FrameRateCode, h.FrameRate));
        Assert.Equal((6_000_000L, 112 * 16384, false), (h.BitRate, h.VbvBufferSize, h.ConstrainedParameters));
    }

    [Fact]
    public void First_picture_type_ignores_headers_before_the_picture_and_needs_the_coding_type_byte()
    {
        Assert.Equal(Mpeg2PictureType.P, Mpeg2Video.FirstPictureType(Hex("00 00 01 B8 00 08 00 40 00 00 01 00 01 57 FF F8")));
        Assert.Equal(Mpeg2PictureType.Unknown, Mpeg2Video.FirstPictureType(Hex("00 00 01 B8 00 08 00 40 00 00 01 00 01")));
        Assert.Equal(Mpeg2PictureType.Unknown, Mpeg2Video.FirstPictureType(new byte[500]));
        Assert.False(Mpeg2Video.IsIntraAccessUnit(ReadOnlySpan<byte>.Empty));
        Assert.True(Mpeg2Video.IsSlice(0x01) && Mpeg2Video.IsSlice(0xAF) && !Mpeg2Video.IsSlice(0xB3) && !Mpeg2Video.IsSlice(0x00));
    }
}
