using System.Globalization;
using Inspur.Media.Codecs;
using static Inspur.Media.Tests.Codecs.BitReaderSpecs;

namespace Inspur.Media.Tests.Codecs;

public sealed class AudioHeaderSpecs
{
    internal static Task<Sample> Aac(int sampleRate, int channels) =>
        CodecSamples.Encode($"aac-{sampleRate}-{channels}", "aac",
            $"-f lavfi -i sine=frequency=1000:sample_rate={sampleRate} -t 1 -ac {channels} -c:a aac -b:a 64k -f adts");

    internal static Task<Sample> Mp2(int sampleRate, int channels) =>
        CodecSamples.Encode($"mp2-{sampleRate}-{channels}", "mp2",
            $"-f lavfi -i sine=frequency=1000:sample_rate={sampleRate} -t 1 -ac {channels} -c:a mp2 -b:a 128k -f mp2");

    private static List<(AdtsHeader Header, byte[] Frame)> Frames(ReadOnlySpan<byte> data, out AdtsScanner end)
    {
        var frames = new List<(AdtsHeader, byte[])>();
        var scanner = new AdtsScanner(data);
        while (scanner.TryNext(out var header, out var frame)) frames.Add((header, frame.ToArray()));
        end = scanner;
        return frames;
    }

    [Theory]
    [InlineData(48000, 2)]
    [InlineData(48000, 1)]
    [InlineData(44100, 2)]
    [InlineData(44100, 1)]
    public async Task Adts_frames_of_an_ffmpeg_aac_stream_carry_its_rate_and_channels_and_tile_the_file(int sampleRate, int channels)
    {
        var sample = await Aac(sampleRate, channels);
        var probe = await CodecSamples.Stream(sample.Path, "sample_rate,channels,profile");
        var packets = await CodecSamples.Packets(sample.Path);

        var frames = Frames(sample.Bytes, out var end);

        Assert.Equal(packets.Count, frames.Count);
        Assert.Equal(sample.Bytes.Length, frames.Sum(f => f.Header.FrameLength));
        Assert.Equal(sample.Bytes.Length, end.Position);
        Assert.Equal(0, end.SkippedBytes);
        Assert.Equal("LC", probe["profile"]);
        foreach (var (header, frame) in frames)
        {
            Assert.Equal(int.Parse(probe["sample_rate"], CultureInfo.InvariantCulture), header.SampleRate);
            Assert.Equal(int.Parse(probe["channels"], CultureInfo.InvariantCulture), header.Channels);
            Assert.Equal((sampleRate, channels), (header.SampleRate, header.Channels));
            Assert.Equal((2, "mp4a.40.2", 1, 1024), (header.ObjectType, header.CodecString, header.RawDataBlocks, header.Samples));
            Assert.Equal(frame.Length, header.FrameLength);
        }

        Assert.True(Adts.TryParse(sample.Bytes, out var parameters, out var firstLength));
        Assert.Equal(new AudioParameters("aac", "mp4a.40.2", sampleRate, channels), parameters);
        Assert.Equal(frames[0].Header.FrameLength, firstLength);
    }

    [Fact]
    public void Header_fields_are_read_as_iso_13818_7_lays_them_out()
    {
        Assert.True(AdtsHeader.TryParse(Hex("FF F1 50 80 2E 7F FC"), out var h));
        Assert.Equal((4, true, 1, 2, 4, 44100), (h.MpegVersion, h.ProtectionAbsent, h.Profile, h.ObjectType, h.SamplingFrequencyIndex, h.SampleRate));
        Assert.Equal((2, 2, 371, 7, 0x7FF, 1), (h.ChannelConfiguration, h.Channels, h.FrameLength, h.HeaderLength, h.BufferFullness, h.RawDataBlocks));

        Assert.True(AdtsHeader.TryParse(Hex("FF F8 4D C0 40 1F FF"), out var crc));
        Assert.Equal((2, false, 9, 7, 8, 3, 2, "mp4a.40.2"), (crc.MpegVersion, crc.ProtectionAbsent, crc.HeaderLength, crc.ChannelConfiguration, crc.Channels, crc.SamplingFrequencyIndex, crc.ObjectType, crc.CodecString));
        Assert.Equal((512, 4, 4096), (crc.FrameLength, crc.RawDataBlocks, crc.Samples));

        Assert.True(AdtsHeader.TryParse(Hex("FF F1 2C 00 20 1F FC"), out var main));
        Assert.Equal((1, "mp4a.40.1", 0, 8000), (main.ObjectType, main.CodecString, main.Channels, main.SampleRate));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FF F1 50 80 2E 7F")]
    [InlineData("FF F3 50 80 2E 7F FC")]
    [InlineData("FF E1 50 80 2E 7F FC")]
    [InlineData("FE F1 50 80 2E 7F FC")]
    [InlineData("FF F1 74 80 2E 7F FC")]
    [InlineData("FF F1 7C 80 2E 7F FC")]
    [InlineData("FF F1 50 80 00 DF FC")]
    [InlineData("FF F0 50 80 01 1F FC")]
    [InlineData("00 00 00 00 00 00 00 00")]
    public void Bad_headers_are_refused(string hex)
    {
        Assert.False(AdtsHeader.TryParse(Hex(hex), out _));
        Assert.False(Adts.TryParse(Hex(hex), out _, out _));
    }

    [Fact]
    public async Task The_scanner_resyncs_after_garbage_and_finds_every_real_frame()
    {
        var clean = Frames((await Aac(48000, 2)).Bytes, out _).Select(f => f.Frame).ToList();
        var random = new Random(42);
        var data = new List<byte>();
        var garbage = 0;
        for (var i = 0; i < clean.Count; i++)
        {
            if (i % 5 == 0)
            {
                // Junk that starts like a header (wrong layer, reserved rate, bad length) and random bytes.
                byte[] junk = [0xFF, 0xF3, 0x50, 0x80, 0x2E, 0x7F, 0xFC, 0xFF, 0xF1, 0x7C, 0x80, 0x2E, 0x7F, 0xFC, 0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC];
                var extra = new byte[random.Next(12, 40)]; // the last junk header claims 16 bytes: they must not end on a real frame
                random.NextBytes(extra);
                for (var j = 0; j < extra.Length; j++) extra[j] &= 0xEF; // no stray 0xFF: this spec is about the crafted junk
                data.AddRange(junk);
                data.AddRange(extra);
                garbage += junk.Length + extra.Length;
            }

            data.AddRange(clean[i]);
        }

        var found = Frames(data.ToArray(), out var end);

        Assert.Equal(clean, found.Select(f => f.Frame).ToList());
        Assert.Equal(garbage, end.SkippedBytes);
        Assert.Equal(data.Count, end.Position);
    }

    [Fact]
    public async Task A_frame_cut_short_is_left_for_the_next_buffer()
    {
        var bytes = (await Aac(44100, 2)).Bytes;
        var first = Frames(bytes, out _)[0].Header.FrameLength;
        var cut = bytes.AsSpan(0, first + 20);

        var frames = Frames(cut, out var end);

        Assert.Single(frames);
        Assert.Equal(first, end.Position);
        Assert.Equal(0, end.SkippedBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Empty_zero_and_short_buffers_yield_no_frames(int length)
    {
        Assert.Empty(Frames(new byte[length], out var end));
        Assert.Equal(length, end.SkippedBytes);
        Assert.Empty(Frames(Hex("FF F1 50"), out _));
    }

    [Theory]
    [InlineData(48000, 2)]
    [InlineData(44100, 1)]
    [InlineData(22050, 2)]
    public async Task Mpeg_audio_frame_headers_of_an_ffmpeg_mp2_stream_tile_the_file(int sampleRate, int channels)
    {
        var sample = await Mp2(sampleRate, channels);
        var packets = await CodecSamples.Packets(sample.Path);

        var position = 0;
        var frames = 0;
        while (position < sample.Bytes.Length && MpegAudioHeader.TryParse(sample.Bytes.AsSpan(position), out var header))
        {
            Assert.Equal((sampleRate, channels, 2, 128_000), (header.SampleRate, header.Channels, header.Layer, header.Bitrate));
            Assert.Equal(sampleRate >= 32000 ? 1 : 2, header.Version);
            Assert.Equal(sampleRate >= 32000 ? "mp4a.6B" : "mp4a.69", header.CodecString);
            position += header.FrameLength;
            frames++;
        }

        Assert.Equal(sample.Bytes.Length, position);
        Assert.Equal(packets.Count, frames);
    }

    [Theory]
    [InlineData("FF FB 90 64", 1, 3, 128_000, 44100, 417, 1152)]
    [InlineData("FF FB 92 64", 1, 3, 128_000, 44100, 418, 1152)]
    [InlineData("FF F3 40 C4", 2, 3, 32_000, 22050, 104, 576)]
    [InlineData("FF FF 40 00", 1, 1, 128_000, 44100, 136, 384)]
    [InlineData("FF E3 10 C4", 25, 3, 8_000, 11025, 52, 576)]
    public void Mpeg_audio_header_fields_and_frame_length(string hex, int version, int layer, int bitrate, int rate, int length, int samples)
    {
        Assert.True(MpegAudioHeader.TryParse(Hex(hex), out var h));

        Assert.Equal((version, layer, bitrate, rate, length, samples), (h.Version, h.Layer, h.Bitrate, h.SampleRate, h.FrameLength, h.SamplesPerFrame));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FF FB 90")]
    [InlineData("FF EB 90 64")]
    [InlineData("FF F9 90 64")]
    [InlineData("FF FB 00 64")]
    [InlineData("FF FB F0 64")]
    [InlineData("FF FB 9C 64")]
    [InlineData("FF 1B 90 64")]
    public void Bad_mpeg_audio_headers_are_refused(string hex) => Assert.False(MpegAudioHeader.TryParse(Hex(hex), out _));
}
