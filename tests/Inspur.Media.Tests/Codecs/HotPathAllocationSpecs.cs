using Inspur.Media.Codecs;

namespace Inspur.Media.Tests.Codecs;

/// <summary>The scanning paths the packager runs per packet allocate nothing (parsed parameter sets may).</summary>
public sealed class HotPathAllocationSpecs
{
    [Fact]
    public async Task Scanning_real_streams_in_ts_sized_pieces_allocates_nothing()
    {
        var h264 = (await KeyframeDetectorSpecs.Stream(VideoCodec.H264)).Bytes;
        var h265 = (await KeyframeDetectorSpecs.Stream(VideoCodec.H265)).Bytes;
        var mpeg2 = (await KeyframeDetectorSpecs.Stream(VideoCodec.Mpeg2)).Bytes;
        var aac = (await AudioHeaderSpecs.Aac(48000, 2)).Bytes;
        var detectors = new[] { new KeyframeDetector(VideoCodec.H264), new KeyframeDetector(VideoCodec.H265), new KeyframeDetector(VideoCodec.Mpeg2) };
        var rbsp = new byte[h264.Length];
        var streams = new[] { h264, h265, mpeg2 };

        long Run()
        {
            long seen = 0;
            for (var s = 0; s < streams.Length; s++)
            {
                var scanner = new NalScanner(detectors[s].Codec);
                detectors[s].Reset();
                var stream = streams[s];
                for (var offset = 0; offset < stream.Length; offset += 184)
                {
                    var piece = stream.AsSpan(offset, Math.Min(184, stream.Length - offset));
                    var position = 0;
                    while (scanner.TryFindNext(piece, ref position, out var start)) seen += start.Type;
                    var decision = detectors[s].Push(piece);
                    seen += (int)decision;
                    if (decision != KeyframeDecision.Unknown) detectors[s].Reset();
                }

                foreach (var nal in NalScanner.Units(stream)) seen += nal.Length;
                seen += (int)Mpeg2Video.FirstPictureType(stream);
            }

            var adts = new AdtsScanner(aac);
            while (adts.TryNext(out var header, out var frame)) seen += header.FrameLength + frame.Length + header.CodecString.Length;
            seen += BitReader.Unescape(h264, rbsp);
            return seen;
        }

        var expected = Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var seen = Run();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, seen);
        Assert.Equal(0, allocated);
    }
}
