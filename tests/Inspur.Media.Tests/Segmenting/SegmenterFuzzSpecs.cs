using Inspur.Media.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Media.Tests.Segmenting;

/// <summary>
/// A bounded, seeded mutation fuzz of the segmenter over real TS and random bytes (the coverage-guided SharpFuzz
/// harness in bench/fuzz runs the same entry point for as long as one likes).
/// </summary>
public sealed class SegmenterFuzzSpecs
{
    private const int P = TsConstants.PacketSize;
    private const int Iterations = 400;

    [Fact]
    public async Task Mutated_real_streams_never_throw_and_never_publish_a_malformed_segment()
    {
        var seed = (await MediaSamples.H264Aac(seconds: 4)).AsSpan(0, P * 1500).ToArray();
        var random = new Random(20261124);
        var published = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(seed, random);
            var chunk = random.Next(1, 20_000);
            var (sink, segmenter) = Run(input, chunk, random);
            published += sink.Segments.Count;
            foreach (var (info, bytes) in sink.Segments)
            {
                Assert.True(bytes.Length % P == 0, $"iteration {i}: segment {info.Sequence} is {bytes.Length} bytes");
                Assert.Equal(0, TsPacketHeader.ReadPid(bytes));
                Assert.Equal(0x02, bytes[P + 5]);
                Assert.True(info.Duration > TimeSpan.Zero, $"iteration {i}: {info}");
            }

            Assert.True(segmenter.Stats.Packets >= 0);
        }

        Assert.True(published > Iterations, $"the fuzz mostly produced nothing ({published} segments): mutations too destructive to test cutting");
    }

    [Fact]
    public void Random_bytes_with_sync_bytes_sprinkled_in_never_throw()
    {
        var random = new Random(99);
        for (var i = 0; i < Iterations / 4; i++)
        {
            var data = new byte[random.Next(0, 50_000)];
            random.NextBytes(data);
            for (var k = 0; k + P < data.Length; k += P)
            {
                if (random.Next(4) != 0) data[k] = TsConstants.SyncByte;
            }

            var (sink, _) = Run(data, random.Next(1, 5000), random);
            Assert.All(sink.Segments, s => Assert.Equal(0, TsPacketHeader.ReadPid(s.Bytes)));
        }
    }

    private static (CollectingSink, Segmenter) Run(byte[] input, int chunk, Random random)
    {
        var options = new SegmenterOptions
        {
            TargetDuration = TimeSpan.FromSeconds(random.Next(1, 3)),
            PartTarget = random.Next(2) == 0 ? null : TimeSpan.FromMilliseconds(400),
        };
        return CollectingSink.Run(input, options, chunk);
    }

    /// <summary>Bit flips, dropped/duplicated/swapped packets, PID rewrites, inserted junk and truncation.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var packets = Enumerable.Range(0, seed.Length / P).Select(i => seed.AsSpan(i * P, P).ToArray()).ToList();
        var edits = random.Next(1, 12);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(packets.Count);
            switch (random.Next(8))
            {
                case 0:
                    packets[at][random.Next(P)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    packets.RemoveAt(at);
                    break;
                case 2:
                    packets.Insert(at, (byte[])packets[at].Clone());
                    break;
                case 3:
                    var other = random.Next(packets.Count);
                    (packets[at], packets[other]) = (packets[other], packets[at]);
                    break;
                case 4:
                    packets[at][1] = (byte)((packets[at][1] & 0xE0) | random.Next(0x20));
                    packets[at][2] = (byte)random.Next(256);
                    break;
                case 5:
                    var junk = new byte[random.Next(1, 400)];
                    random.NextBytes(junk);
                    packets.Insert(at, junk);
                    break;
                case 6:
                    packets[at] = packets[at].AsSpan(0, random.Next(P)).ToArray();
                    break;
                default:
                    random.NextBytes(packets[at].AsSpan(4));
                    break;
            }

            if (packets.Count == 0) break;
        }

        return packets.SelectMany(p => p).ToArray();
    }
}
