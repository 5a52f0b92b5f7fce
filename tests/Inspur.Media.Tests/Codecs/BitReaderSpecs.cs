using Inspur.Media.Codecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class BitReaderSpecs
{
    [Fact]
    public void Reads_bits_across_byte_boundaries_most_significant_first()
    {
        var r = new BitReader([0b1010_1100, 0b0101_0011, 0xFF, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9A]);

        Assert.Equal(1u, r.ReadBit());
        Assert.Equal(0b010u, r.ReadBits(3));
        Assert.Equal(0b1100_0101u, r.ReadBits(8));
        Assert.Equal(0b0011u, r.ReadBits(4));
        Assert.Equal(0xFF001234u, r.ReadBits(32));
        Assert.Equal(0x56789Au, r.ReadBits(24));
        Assert.Equal(0, r.BitsLeft);
        Assert.False(r.Overrun);
    }

    [Fact]
    public void Exp_golomb_codes_round_trip_for_the_standard_table_and_extremes()
    {
        uint[] unsigned = [0, 1, 2, 3, 4, 5, 6, 7, 8, 254, 255, 256, 65535, 1u << 20, 0x7FFFFFFE, 0xFFFFFFFE];
        int[] signed = [0, 1, -1, 2, -2, 3, -3, 127, -128, 32767, -32768, int.MaxValue, -int.MaxValue];
        var w = new BitWriter();
        foreach (var u in unsigned) w.Ue(u);
        foreach (var s in signed) w.Se(s);
        var r = new BitReader(w.Rbsp());

        foreach (var u in unsigned) Assert.Equal(u, r.ReadUe());
        foreach (var s in signed) Assert.Equal(s, r.ReadSe());
        Assert.False(r.Overrun);
    }

    [Fact]
    public void Exp_golomb_bit_patterns_are_those_of_the_standard()
    {
        // 1 → 0, 010 → 1, 011 → 2, 00100 → 3, 00111 → 6; se: 1 → 0, 010 → 1, 011 → -1, 00100 → 2.
        var r = new BitReader([0b1010_0110, 0b0100_0011, 0b1101_0011, 0b0010_0000]);

        Assert.Equal(0u, r.ReadUe());
        Assert.Equal(1u, r.ReadUe());
        Assert.Equal(2u, r.ReadUe());
        Assert.Equal(3u, r.ReadUe());
        Assert.Equal(6u, r.ReadUe());
        Assert.Equal(0, r.ReadSe());
        Assert.Equal(1, r.ReadSe());
        Assert.Equal(-1, r.ReadSe());
        Assert.Equal(2, r.ReadSe());
        Assert.False(r.Overrun);
    }

    [Fact]
    public void Reading_past_the_end_sets_overrun_and_returns_zeros_without_throwing()
    {
        var r = new BitReader([0xFF]);

        Assert.Equal(0x7Fu, r.ReadBits(7));
        Assert.Equal(0u, r.ReadBits(2));
        Assert.True(r.Overrun);
        Assert.Equal(0u, r.ReadBit());
        Assert.Equal(0u, r.ReadUe());
        Assert.Equal(0, r.ReadSe());
        Assert.Equal(0, r.BitsLeft);
    }

    [Fact]
    public void An_empty_span_overruns_on_the_first_read()
    {
        var r = new BitReader(ReadOnlySpan<byte>.Empty);

        Assert.Equal(0u, r.ReadBits(0));
        Assert.False(r.Overrun);
        Assert.Equal(0u, r.ReadUe());
        Assert.True(r.Overrun);
    }

    [Fact]
    public void A_truncated_or_all_zero_exp_golomb_code_is_an_overrun()
    {
        var truncated = new BitReader([0b0000_0001]); // 7 zeros, the 1, then 7 bits that are not there
        Assert.Equal(0u, truncated.ReadUe());
        Assert.True(truncated.Overrun);

        var zeros = new BitReader(new byte[64]); // more than 31 leading zeros is not a valid code
        Assert.Equal(0u, zeros.ReadUe());
        Assert.True(zeros.Overrun);
    }

    [Fact]
    public void Skip_and_bad_counts_are_bounds_checked()
    {
        var r = new BitReader([0xAA, 0xBB]);
        r.Skip(8);
        Assert.Equal(0xBBu, r.ReadBits(8));
        r.Skip(1);
        Assert.True(r.Overrun);

        var negative = new BitReader([0xAA]);
        negative.Skip(-1);
        Assert.True(negative.Overrun);

        var tooMany = new BitReader(new byte[16]);
        Assert.Equal(0u, tooMany.ReadBits(33));
        Assert.True(tooMany.Overrun);
    }

    [Theory]
    [InlineData("00 00 03 01", "00 00 01")]
    [InlineData("00 00 03", "00 00")]
    [InlineData("00 00 03 00 00 03", "00 00 00 00")]
    [InlineData("00 00 03 03", "00 00 03")]
    [InlineData("00 03 00 00 03 02", "00 03 00 00 02")]
    [InlineData("25 00 00 03 00 00 03 00 00 03 01 7F", "25 00 00 00 00 00 00 01 7F")]
    [InlineData("00 00 00 03", "00 00 00")]
    [InlineData("03 00 03 00 00", "03 00 03 00 00")]
    [InlineData("", "")]
    public void Unescape_removes_exactly_the_emulation_prevention_bytes(string escaped, string expected)
    {
        var input = Hex(escaped);
        var output = new byte[input.Length];

        var n = BitReader.Unescape(input, output);

        Assert.Equal(Hex(expected), output[..n]);
        Assert.Equal(CodecSamples.Unescape(input), output[..n]);
    }

    [Fact]
    public void Unescape_stops_when_the_destination_is_full()
    {
        var input = Hex("11 00 00 03 22 33 44");
        var output = new byte[4];

        Assert.Equal(4, BitReader.Unescape(input, output));
        Assert.Equal(Hex("11 00 00 22"), output);
        Assert.Equal(0, BitReader.Unescape(input, Span<byte>.Empty));
    }

    [Fact]
    public void Unescape_agrees_with_the_obvious_loop_on_random_zero_heavy_data()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var input = new byte[random.Next(0, 40)];
            for (var j = 0; j < input.Length; j++) input[j] = (byte)(random.Next(3) == 0 ? random.Next(0, 5) : 0);
            var output = new byte[input.Length];

            var n = BitReader.Unescape(input, output);

            Assert.Equal(CodecSamples.Unescape(input), output[..n]);
        }
    }

    internal static byte[] Hex(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)).ToArray();
}
