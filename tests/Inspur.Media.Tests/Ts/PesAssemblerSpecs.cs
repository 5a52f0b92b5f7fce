using Inspur.Media.Tests.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Media.Tests.Ts;

public sealed class PesAssemblerSpecs
{
    private const int P = TsConstants.PacketSize;

    private static (List<(PesHeader Header, byte[] Payload)> Pes, PesAssembler Assembler) Reassemble(byte[] ts, int pid, Func<int, bool>? drop = null)
    {
        var result = new List<(PesHeader, byte[])>();
        var assembler = new PesAssembler();
        var lastCc = -1;
        for (var i = 0; i + P <= ts.Length; i += P)
        {
            var packet = ts.AsSpan(i, P);
            var h = TsPacketHeader.Parse(packet);
            if (h.Pid != pid || !h.HasPayload) continue;
            if (drop?.Invoke(i / P) == true) continue;
            if (lastCc >= 0 && h.ContinuityCounter != ((lastCc + 1) & 0xF)) assembler.Discard();
            lastCc = h.ContinuityCounter;
            assembler.Push(packet[h.PayloadOffset..], h.PayloadUnitStart, (in PesHeader header, ReadOnlySpan<byte> payload) => result.Add((header, payload.ToArray())));
        }

        assembler.Flush((in PesHeader header, ReadOnlySpan<byte> payload) => result.Add((header, payload.ToArray())));
        return (result, assembler);
    }

    private static (int Video, int Audio) Pids(byte[] ts)
    {
        var sink = new CollectingSink();
        using var segmenter = new Inspur.Media.Segmenting.Segmenter(new Inspur.Media.Segmenting.SegmenterOptions(), sink);
        segmenter.Push(ts.AsSpan(0, 200 * P));
        var pmt = segmenter.Program!;
        return (pmt.Video!.Pid, pmt.Streams.First(s => s.IsAudio).Pid);
    }

    [Fact]
    public async Task Reassembles_every_video_access_unit_with_its_timestamps()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var (video, _) = Pids(ts);

        var (pes, assembler) = Reassemble(ts, video);

        Assert.Equal(100, pes.Count); // 4 s at 25 fps
        Assert.Equal(0, assembler.Dropped);
        Assert.All(pes, p => Assert.True(p.Payload.Length > 4 && p.Payload[0] == 0 && p.Payload[1] == 0));
        Assert.All(pes, p => Assert.NotEqual(PesHeader.NoTimestamp, p.Header.Pts));
        var dts = pes.Select(p => p.Header.Dts).ToList();
        Assert.Equal(dts.Order(), dts);
    }

    [Fact]
    public async Task Audio_pes_carry_adts_frames_and_respect_the_declared_length()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var (_, audio) = Pids(ts);

        var (pes, _) = Reassemble(ts, audio);

        Assert.NotEmpty(pes);
        Assert.All(pes, p => Assert.True(p.Payload[0] == 0xFF && (p.Payload[1] & 0xF0) == 0xF0, "ADTS sync word"));
        Assert.All(pes.Where(p => p.Header.PacketLength > 0), p => Assert.Equal(p.Header.PacketLength - (p.Header.PayloadOffset - 6), p.Payload.Length));
    }

    [Fact]
    public async Task A_lost_packet_drops_the_torn_pes_instead_of_delivering_it()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var (video, _) = Pids(ts);
        var (clean, _) = Reassemble(ts, video);
        var victim = Enumerable.Range(0, ts.Length / P).First(i => i > 1000 && TsPacketHeader.ReadPid(ts.AsSpan(i * P, P)) == video && (ts[i * P + 1] & 0x40) == 0);

        var (torn, assembler) = Reassemble(ts, video, i => i == victim);

        Assert.Equal(1, assembler.Dropped);
        Assert.Equal(clean.Count - 1, torn.Count);
        Assert.All(torn, p => Assert.Contains(clean, c => c.Header.Dts == p.Header.Dts && c.Payload.AsSpan().SequenceEqual(p.Payload)));
    }

    [Fact]
    public void Oversized_and_headerless_pes_are_dropped_and_counted()
    {
        var assembler = new PesAssembler(maxPesBytes: 1000);
        var delivered = 0;
        PesAssembler.PesHandler count = (in PesHeader _, ReadOnlySpan<byte> _) => delivered++;
        var chunk = new byte[184];

        assembler.Push(chunk, payloadUnitStart: true, count);   // no PES start code
        for (var i = 0; i < 10; i++) assembler.Push(chunk, payloadUnitStart: i == 0, count);
        assembler.Flush(count);

        Assert.Equal(0, delivered);
        Assert.Equal(2, assembler.Dropped);
    }
}
