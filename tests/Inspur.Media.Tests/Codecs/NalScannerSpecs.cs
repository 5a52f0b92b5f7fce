using Inspur.Media.Codecs;
using static Inspur.Media.Tests.Codecs.BitReaderSpecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class NalScannerSpecs
{
    /// <summary>Scans <paramref name="data"/> cut into pieces of the given sizes (cycled); returns absolute header offsets and types.</summary>
    internal static List<(long Offset, int Type)> Scan(VideoCodec codec, byte[] data, params int[] pieceSizes)
    {
        var scanner = new NalScanner(codec);
        var found = new List<(long, int)>();
        var offset = 0;
        for (var k = 0; offset < data.Length; k++)
        {
            var piece = data.AsSpan(offset, Math.Min(pieceSizes[k % pieceSizes.Length], data.Length - offset));
            var position = 0;
            while (scanner.TryFindNext(piece, ref position, out var start))
            {
                Assert.Equal(piece[start.Offset], start.Header);
                found.Add((offset + start.Offset, start.Type));
            }

            Assert.Equal(piece.Length, position);
            offset += piece.Length;
        }

        return found;
    }

    internal static List<(long Offset, int Type)> Reference(VideoCodec codec, byte[] data)
    {
        var found = new List<(long, int)>();
        for (var i = 0; i + 3 < data.Length; i++)
        {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) found.Add((i + 3, NalScanner.TypeOf(codec, data[i + 3])));
        }

        return found;
    }

    [Fact]
    public void Finds_three_and_four_byte_start_codes_and_reports_each_codecs_type()
    {
        var data = Hex("00 00 00 01 67 42 00 00 01 68 CE 00 00 00 01 65 88 84 00 00 01 41 9A");

        Assert.Equal([(4L, 7), (9, 8), (15, 5), (21, 1)], Scan(VideoCodec.H264, data, data.Length));
        Assert.Equal([(4L, 0x67 >> 1 & 0x3F), (9, 0x68 >> 1 & 0x3F), (15, 0x65 >> 1 & 0x3F), (21, 0x41 >> 1 & 0x3F)], Scan(VideoCodec.H265, data, data.Length));
        Assert.Equal([(4L, 0x67), (9, 0x68), (15, 0x65), (21, 0x41)], Scan(VideoCodec.Mpeg2, data, data.Length));
    }

    [Fact]
    public void A_start_code_split_at_any_point_between_two_chunks_is_found_once()
    {
        var data = Hex("AA 00 00 00 01 65 11 22 00 00 01 41 33 00 00 01 06 00 00 00 00 01 09 F0");
        var expected = Reference(VideoCodec.H264, data);

        for (var cut = 0; cut <= data.Length; cut++)
        {
            Assert.Equal(expected, Scan(VideoCodec.H264, data, cut == 0 ? data.Length : cut, data.Length));
        }

        Assert.Equal(expected, Scan(VideoCodec.H264, data, 1));
        Assert.Equal(expected, Scan(VideoCodec.H264, data, 2));
        Assert.Equal(expected, Scan(VideoCodec.H264, data, 3, 1, 2));
    }

    [Fact]
    public void A_chunk_ending_right_after_the_start_code_reports_the_header_at_the_start_of_the_next_chunk()
    {
        var scanner = new NalScanner(VideoCodec.H265);
        var position = 0;
        Assert.False(scanner.TryFindNext(Hex("12 00 00 01"), ref position, out _));
        Assert.Equal(4, position);

        position = 0;
        Assert.False(scanner.TryFindNext(ReadOnlySpan<byte>.Empty, ref position, out _));

        position = 0;
        Assert.True(scanner.TryFindNext(Hex("26 01 AF"), ref position, out var start));
        Assert.Equal(new NalStart(0, 0x26, 19), start);
        Assert.Equal(0, position);
        Assert.False(scanner.TryFindNext(Hex("26 01 AF"), ref position, out _));
    }

    [Fact]
    public void A_zero_header_byte_followed_by_00_01_is_an_empty_unit_and_the_next_start_code()
    {
        var data = Hex("00 00 01 00 00 01 B5 00 00 01 00 00 01");

        Assert.Equal([(3L, 0x00), (6, 0xB5), (10, 0x00)], Scan(VideoCodec.Mpeg2, data, data.Length));
        Assert.Equal(Reference(VideoCodec.Mpeg2, data), Scan(VideoCodec.Mpeg2, data, 1));
        var units = new List<byte[]>();
        foreach (var nal in NalScanner.Units(data)) units.Add(nal.ToArray());
        Assert.Equal([Hex("B5")], units);
    }

    [Fact]
    public void Zeros_spread_over_one_byte_chunks_still_make_a_start_code()
    {
        byte[][] pieces = [[0x00], [0x00], [], [0x00], [0x00], [0x01], [0x65]];
        var scanner = new NalScanner(VideoCodec.H264);
        var starts = new List<NalStart>();
        foreach (var piece in pieces)
        {
            var position = 0;
            while (scanner.TryFindNext(piece, ref position, out var start)) starts.Add(start);
        }

        Assert.Equal([new NalStart(0, 0x65, 5)], starts);
    }

    [Fact]
    public void Reset_forgets_a_partial_start_code()
    {
        var scanner = new NalScanner(VideoCodec.H264);
        var position = 0;
        Assert.False(scanner.TryFindNext(Hex("00 00"), ref position, out _));
        scanner.Reset();

        position = 0;
        Assert.False(scanner.TryFindNext(Hex("01 65"), ref position, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4096)]
    public void All_zero_and_empty_input_finds_nothing(int length)
    {
        Assert.Empty(Scan(VideoCodec.H264, new byte[length], 184));
        Assert.Empty(Scan(VideoCodec.H264, new byte[length], 1));
        var count = 0;
        foreach (var _ in NalScanner.Units(new byte[length])) count++;
        Assert.Equal(0, count);
        Assert.Equal(-1, NalScanner.IndexOfStartCode(new byte[length]));
    }

    [Fact]
    public void A_position_past_the_chunk_finds_nothing_and_does_not_throw()
    {
        var scanner = new NalScanner(VideoCodec.H264);
        var position = 10;
        Assert.False(scanner.TryFindNext(Hex("00 00 01 65"), ref position, out _));
        Assert.Equal(4, position);
        position = -3;
        Assert.False(scanner.TryFindNext(Hex("00 00 01 65"), ref position, out _));
    }

    [Fact]
    public void Units_yields_each_nal_without_start_codes_or_trailing_zeros()
    {
        var data = Hex("FF EE 00 00 00 01 67 42 00 00 00 00 01 68 CE 00 00 01 00 00 01 65 88 00 00");
        var units = new List<byte[]>();
        foreach (var nal in NalScanner.Units(data)) units.Add(nal.ToArray());

        Assert.Equal([Hex("67 42"), Hex("68 CE"), Hex("65 88")], units);
    }

    [Theory]
    [InlineData(184)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Pieces_of_a_real_h264_stream_give_the_same_nal_starts_as_the_whole_stream(int piece)
    {
        var sample = await CodecSamples.H264("nal-high", "320x240", "25", "-preset veryfast -profile:v high -g 10");

        var scanned = Scan(VideoCodec.H264, sample.Bytes, piece);

        Assert.Equal(Reference(VideoCodec.H264, sample.Bytes), scanned);
        var units = 0;
        foreach (var nal in NalScanner.Units(sample.Bytes))
        {
            Assert.Equal(scanned[units].Type, H264.NalType(nal[0]));
            units++;
        }

        Assert.Equal(scanned.Count, units);
        Assert.Contains(scanned, s => s.Type == H264.Sps);
        Assert.Contains(scanned, s => s.Type == H264.Idr);
    }
}
