using Inspur.Media.Codecs;

namespace Inspur.Media.Tests.Codecs;

/// <summary>Mutated real headers and access units through every parser: nothing may throw, and chunked scans agree with whole ones.</summary>
public sealed class CodecFuzzSpecs
{
    private const int Iterations = 20_000;
    private const int MaxSeedBytes = 1536;

    private static async Task<List<(string Name, byte[] Bytes)>> Seeds()
    {
        var high = H264SpsSpecs.FirstSps(await H264SpsSpecs.High());
        var aac = (await AudioHeaderSpecs.Aac(48000, 2)).Bytes;
        var mp2 = (await AudioHeaderSpecs.Mp2(48000, 2)).Bytes;
        var h264 = (await KeyframeDetectorSpecs.Stream(VideoCodec.H264)).Bytes;
        var h265 = (await KeyframeDetectorSpecs.Stream(VideoCodec.H265)).Bytes;
        var mpeg2 = (await KeyframeDetectorSpecs.Stream(VideoCodec.Mpeg2)).Bytes;
        return
        [
            ("h264 sps", high),
            ("h264 sps with matrices", H264SpsSpecs.WithScalingMatrices(high, 8)),
            ("h265 sps", BitReaderSpecs.Hex(H265SpsSpecs.X265Sps642X362)),
            ("h265 spec sps", H265SpsSpecs.SpecSps()),
            ("adts", aac[..Math.Min(aac.Length, 600)]),
            ("mp2", mp2[..Math.Min(mp2.Length, 900)]),
            ("h264 au", h264[..MaxSeedBytes]),
            ("h264 later au", h264[^MaxSeedBytes..]),
            ("h265 au", h265[..MaxSeedBytes]),
            ("mpeg2 au", mpeg2[..MaxSeedBytes]),
        ];
    }

    [Fact]
    public async Task Mutated_headers_and_access_units_never_make_a_parser_throw()
    {
        var seeds = await Seeds();
        var random = new Random(20_250_601);
        var accepted = new int[4];

        for (var i = 0; i < Iterations; i++)
        {
            var (name, seed) = seeds[random.Next(seeds.Count)];
            var input = Mutate(random, seed);
            var piece = random.Next(1, 200);
            try
            {
                RunEverything(input, piece, accepted);
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} ({name}, pieces of {piece}) failed on {Convert.ToHexString(input)}: {e}");
            }
        }

        // The mutations are mild enough that every parser's success path runs often, not only its refusals.
        Assert.All(accepted, count => Assert.True(count > Iterations / 100, string.Join(", ", accepted)));
    }

    /// <summary>Runs every parser; counts accepted H.264 SPSs, H.265 SPSs, ADTS frames and keyframe decisions in <paramref name="accepted"/>.</summary>
    private static void RunEverything(byte[] input, int piece, int[] accepted)
    {
        var asH264Sps = (byte[])input.Clone();
        var asH265Sps = (byte[])input.Clone();
        if (input.Length > 0) asH264Sps[0] = 0x67;
        if (input.Length > 1) (asH265Sps[0], asH265Sps[1]) = (0x42, 0x01);
        foreach (var nal in new[] { input, asH264Sps })
        {
            if (!H264SpsParser.TryParse(nal, out var sps)) continue;
            accepted[0]++;
            Assert.InRange(sps.Width, 1, 32768);
            Assert.InRange(sps.Height, 1, 65536);
            Assert.StartsWith("avc1.", sps.CodecString);
            Assert.True(sps.FrameRate is null or > 0);
        }

        foreach (var nal in new[] { input, asH265Sps })
        {
            if (!H265SpsParser.TryParse(nal, out var sps)) continue;
            accepted[1]++;
            Assert.InRange(sps.Width, 1, 32768);
            Assert.InRange(sps.Height, 1, 32768);
            Assert.StartsWith("hvc1.", sps.CodecString);
        }

        var frames = 0;
        var adts = new AdtsScanner(input);
        while (adts.TryNext(out var header, out var frame))
        {
            Assert.Equal(header.FrameLength, frame.Length);
            Assert.True(++frames <= input.Length);
            accepted[2]++;
        }

        Assert.InRange(adts.Position, 0, input.Length);
        for (var at = 0; at < Math.Min(input.Length, 64); at++) MpegAudioHeader.TryParse(input.AsSpan(at), out _);
        Mpeg2SequenceHeader.TryParse(input, out _);
        Mpeg2GopHeader.TryParse(input, out _);
        Mpeg2Video.PictureType(input);
        Mpeg2Video.FirstPictureType(input);

        foreach (var codec in new[] { VideoCodec.H264, VideoCodec.H265, VideoCodec.Mpeg2 })
        {
            var whole = new KeyframeDetector(codec);
            var pieces = new KeyframeDetector(codec);
            var decision = whole.Push(input);
            Assert.Equal(decision, KeyframeDetectorSpecs.Feed(pieces, input, piece).Decision);
            if (decision != KeyframeDecision.Unknown) accepted[3]++;
            Assert.Equal(NalScannerSpecs.Reference(codec, input), NalScannerSpecs.Scan(codec, input, piece));
        }

        var units = 0;
        foreach (var nal in NalScanner.Units(input))
        {
            Assert.NotEqual(0, nal.Length);
            units++;
        }

        Assert.True(units <= input.Length / 4);

        var rbsp = new byte[input.Length];
        Assert.Equal(CodecSamples.Unescape(input), rbsp[..BitReader.Unescape(input, rbsp)]);
        var reader = new BitReader(input);
        for (var k = 0; !reader.Overrun && k < 200; k++)
        {
            _ = (k % 3) switch { 0 => reader.ReadUe(), 1 => (uint)reader.ReadSe(), _ => reader.ReadBits(k % 33) };
        }
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var data = new List<byte>(seed);
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            var at = data.Count == 0 ? 0 : random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0 when data.Count > 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 16)));
                    break;
                case 4:
                    data.InsertRange(at, random.Next(3) switch { 0 => [0, 0, 3], 1 => [0, 0, 1], _ => [0xFF, 0xF1] });
                    break;
                case 5:
                    data.InsertRange(at, Enumerable.Repeat(random.Next(2) == 0 ? (byte)0 : (byte)0xFF, random.Next(1, 40)));
                    break;
                case 6 when data.Count > 0:
                    var from = random.Next(data.Count);
                    data.InsertRange(at, data.GetRange(from, Math.Min(data.Count - from, random.Next(1, 33))));
                    break;
                default:
                    var noise = new byte[random.Next(1, 8)];
                    random.NextBytes(noise);
                    data.InsertRange(at, noise);
                    break;
            }
        }

        return data.ToArray();
    }
}
