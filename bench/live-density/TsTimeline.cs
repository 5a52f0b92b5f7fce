using Inspur.Media.Codecs;
using Inspur.Media.Segmenting;
using Inspur.Media.Ts;

namespace Inspur.Bench.LiveDensity;

/// <summary>
/// When the replayer sends each datagram: at the PCR time of its last packet (as a CBR encoder or IRD does), at the
/// file's average bitrate, or a whole frame's datagrams at once when the frame starts (a bursty sender, like ffmpeg -re).
/// </summary>
internal enum Pacing
{
    Pcr,
    Rate,
    Frame,
}

internal static class PacingText
{
    public static string Describe(this Pacing p) => p switch
    {
        Pacing.Pcr => "PCR",
        Pacing.Rate => "average bitrate",
        _ => "frame (a frame's datagrams at once)",
    };
}

/// <summary>Where one video access unit starts in the file: its first TS packet, timestamps, and whether it is a keyframe.</summary>
internal readonly record struct Frame(int Packet, long Pts, long Dts, bool Keyframe)
{
    public int Datagram => Packet / TsTimeline.PacketsPerDatagram;
}

/// <summary>
/// The bench input parsed once: when each 7-packet datagram is due (interpolated from the PCR, or from the average
/// bitrate), and where every video frame and keyframe starts, so that a segment or part seen in a playlist can be tied
/// to the datagram that let the segmenter close it.
/// </summary>
internal sealed class TsTimeline
{
    public const int PacketsPerDatagram = 7;
    public const int DatagramBytes = PacketsPerDatagram * TsConstants.PacketSize;

    private readonly Dictionary<long, int> _frameByPts = new();
    private readonly int[] _lastPayloadPacketBefore;
    private readonly int[] _keptBefore; // packets a segment keeps (not null, PAT or PMT) among the first i

    private TsTimeline(byte[] bytes, int videoPid, int pmtPid, List<Frame> frames, double[] packetSeconds, double loopSeconds, Pacing pacing)
    {
        Bytes = bytes;
        VideoPid = videoPid;
        Frames = frames;
        LoopSeconds = loopSeconds;
        Packets = bytes.Length / TsConstants.PacketSize;
        Datagrams = (Packets + PacketsPerDatagram - 1) / PacketsPerDatagram;
        BitsPerSecond = bytes.Length * 8 / loopSeconds;
        Pacing = pacing;
        DueSeconds = new double[Datagrams];
        var frame = 0;
        for (var d = 0; d < Datagrams; d++)
        {
            var last = Math.Min(Packets, (d + 1) * PacketsPerDatagram) - 1; // a sender has a datagram once its last packet is there
            while (frame + 1 < frames.Count && frames[frame + 1].Packet <= last) frame++;
            DueSeconds[d] = pacing switch
            {
                Pacing.Pcr => packetSeconds[last],
                Pacing.Frame => Math.Max(d > 0 ? DueSeconds[d - 1] : 0, frames[frame].Packet <= last ? packetSeconds[frames[frame].Packet] : 0),
                _ => (last + 1) * TsConstants.PacketSize * 8 / BitsPerSecond,
            };
        }

        for (var i = 0; i < frames.Count; i++) _frameByPts.TryAdd(frames[i].Pts, i);
        _lastPayloadPacketBefore = new int[Packets + 1];
        _keptBefore = new int[Packets + 1];
        var lastPayload = -1;
        for (var i = 0; i <= Packets; i++)
        {
            _lastPayloadPacketBefore[i] = lastPayload;
            if (i == Packets) break;
            var pid = TsPacketHeader.ReadPid(bytes.AsSpan(i * TsConstants.PacketSize));
            if (pid != TsConstants.NullPid) lastPayload = i;
            _keptBefore[i + 1] = _keptBefore[i] + (pid is TsConstants.NullPid or TsConstants.PatPid || pid == pmtPid ? 0 : 1);
        }

        var keyframes = frames.Select((f, i) => (f, i)).Where(x => x.f.Keyframe).Select(x => x.i).ToList();
        GopSeconds = keyframes.Count > 1 ? MpegTime.ToSeconds(MpegTime.Diff(frames[keyframes[0]].Dts, frames[keyframes[1]].Dts)) : loopSeconds;
        FrameSeconds = frames.Count > 1 ? MpegTime.ToSeconds(MpegTime.Diff(frames[0].Dts, frames[1].Dts)) : 0;
        Keyframes = keyframes;
    }

    public byte[] Bytes { get; }

    public int Packets { get; }

    public int Datagrams { get; }

    /// <summary>When datagram d is due, in seconds from the start of a loop.</summary>
    public double[] DueSeconds { get; }

    /// <summary>One pass of the file; the next loop's first datagram is due this long after the previous loop's.</summary>
    public double LoopSeconds { get; }

    public double BitsPerSecond { get; }

    public Pacing Pacing { get; }

    public int VideoPid { get; }

    /// <summary>Video access units in decode order.</summary>
    public IReadOnlyList<Frame> Frames { get; }

    /// <summary>Indexes into <see cref="Frames"/> of the keyframes.</summary>
    public IReadOnlyList<int> Keyframes { get; }

    public double GopSeconds { get; }

    public double FrameSeconds { get; }

    public static TsTimeline Load(string path, Pacing pacing)
    {
        var bytes = File.ReadAllBytes(path);
        const int size = TsConstants.PacketSize;
        if (bytes.Length % size != 0 || bytes.Length < size * 100)
            throw new InvalidDataException($"{path}: not a whole number of 188-byte packets");
        var packets = bytes.Length / size;

        var pat = new PsiSectionAssembler();
        var pmt = new PsiSectionAssembler();
        int pmtPid = -1, videoPid = -1, pcrPid = -1;
        VideoCodec codec = default;
        var frames = new List<Frame>();
        KeyframeDetector? detector = null;
        var pcrs = new List<(int Packet, long Pcr)>();
        for (var i = 0; i < packets; i++)
        {
            var packet = bytes.AsSpan(i * size, size);
            if (packet[0] != TsConstants.SyncByte) throw new InvalidDataException($"{path}: packet {i} has no sync byte");
            var h = TsPacketHeader.Parse(packet);
            if (!h.Valid) continue;
            if (h.Pid == pcrPid && h.Pcr != TsPacketHeader.NoPcr) pcrs.Add((i, h.Pcr));
            if (!h.HasPayload) continue;
            var payload = packet[h.PayloadOffset..];
            if (h.Pid == TsConstants.PatPid)
            {
                pat.Push(payload, h.PayloadUnitStart, section =>
                {
                    if (Pat.TryParse(section, out var p) && p.Programs.Count > 0) pmtPid = p.Programs[0].PmtPid;
                });
            }
            else if (h.Pid == pmtPid && videoPid < 0)
            {
                pmt.Push(payload, h.PayloadUnitStart, section =>
                {
                    if (!Pmt.TryParse(section, out var p) || p.Video is not { } v) return;
                    videoPid = v.Pid;
                    pcrPid = p.PcrPid;
                    codec = v.Kind switch
                    {
                        StreamKind.H264 => VideoCodec.H264,
                        StreamKind.H265 => VideoCodec.H265,
                        _ => VideoCodec.Mpeg2,
                    };
                });
                if (videoPid >= 0) detector = new KeyframeDetector(codec);
            }
            else if (h.Pid == videoPid && detector is not null)
            {
                if (h.PayloadUnitStart && PesHeader.TryParse(payload, out var pes) && pes.Pts != PesHeader.NoTimestamp)
                {
                    detector.Reset();
                    frames.Add(new Frame(i, pes.Pts, pes.Dts, false));
                    payload = payload[pes.PayloadOffset..];
                }

                if (frames.Count > 0 && detector.Decision == KeyframeDecision.Unknown && detector.Push(payload) == KeyframeDecision.Keyframe)
                    frames[^1] = frames[^1] with { Keyframe = true };
            }
        }

        if (videoPid < 0 || frames.Count < 10) throw new InvalidDataException($"{path}: no video stream found");
        if (!frames[0].Keyframe) throw new InvalidDataException($"{path}: the first video frame is not a keyframe; loop restarts need one");

        // Seconds of every packet from the first, interpolated between PCRs (extrapolated at the ends).
        if (pacing != Pacing.Rate && pcrs.Count < 2) throw new InvalidDataException($"{path}: too few PCRs to pace by; use --pace rate");
        var seconds = new double[packets + 1];
        double loop;
        if (pcrs.Count >= 2)
        {
            var unwrapped = new long[pcrs.Count];
            const long wrap = (1L << 33) * 300;
            for (var k = 0; k < pcrs.Count; k++)
            {
                var v = pcrs[k].Pcr;
                if (k > 0)
                {
                    while (v < unwrapped[k - 1] - wrap / 2) v += wrap;
                }

                unwrapped[k] = v;
            }

            var k0 = 0;
            for (var i = 0; i <= packets; i++)
            {
                while (k0 + 2 < pcrs.Count && pcrs[k0 + 1].Packet <= i) k0++;
                var (pa, pb) = (pcrs[k0].Packet, pcrs[k0 + 1].Packet);
                var (ca, cb) = (unwrapped[k0], unwrapped[k0 + 1]);
                seconds[i] = (ca + (i - pa) * (double)(cb - ca) / (pb - pa) - unwrapped[0]) / 27e6;
            }

            var origin = seconds[0];
            for (var i = 0; i <= packets; i++) seconds[i] -= origin;
            loop = seconds[packets];
        }
        else
        {
            var span = MpegTime.ToSeconds(MpegTime.Diff(frames[0].Dts, frames[^1].Dts));
            loop = span * frames.Count / (frames.Count - 1);
        }

        return new TsTimeline(bytes, videoPid, pmtPid, frames, seconds, loop, pacing);
    }

    /// <summary>The frame whose PTS this is, or -1.</summary>
    public int FrameOfPts(long pts) => _frameByPts.GetValueOrDefault(pts, -1);

    /// <summary>The frame after <paramref name="frame"/> in decode order; frame 0 (of the next loop) after the last.</summary>
    public int NextFrame(int frame) => frame + 1 < Frames.Count ? frame + 1 : 0;

    /// <summary>The first keyframe after <paramref name="frame"/>; frame 0 (of the next loop) after the last GOP.</summary>
    public int NextKeyframe(int frame)
    {
        foreach (var k in Keyframes)
        {
            if (k > frame) return k;
        }

        return 0;
    }

    /// <summary>
    /// The datagram carrying the last non-null packet before frame <paramref name="frame"/>'s first packet (the last
    /// byte of what precedes the frame), and whether it lies in the previous loop.
    /// </summary>
    public (int Datagram, bool PreviousLoop) LastByteBefore(int frame)
    {
        var p = _lastPayloadPacketBefore[Frames[frame].Packet];
        if (p < 0) return (_lastPayloadPacketBefore[Packets] / PacketsPerDatagram, true);
        return (p / PacketsPerDatagram, false);
    }

    /// <summary>
    /// The bytes of the segment that starts at keyframe <paramref name="frame"/> when nothing was lost: our PAT and PMT,
    /// then every packet up to the next keyframe but null packets and the source's own PAT and PMT. The last GOP of a
    /// loop also takes what precedes the first frame of the next loop (the segmenter only sees the loop restart there).
    /// </summary>
    public long ExpectedSegmentBytes(int frame)
    {
        var next = NextKeyframe(frame);
        var start = Frames[frame].Packet;
        var kept = next > frame
            ? _keptBefore[Frames[next].Packet] - _keptBefore[start]
            : _keptBefore[Packets] - _keptBefore[start] + _keptBefore[Frames[0].Packet];
        return (2L + kept) * TsConstants.PacketSize;
    }

    /// <summary>PTS of the first (or last) video PES that starts in <paramref name="ts"/>; -1 when there is none.</summary>
    public long VideoPts(ReadOnlySpan<byte> ts, bool last)
    {
        var found = PesHeader.NoTimestamp;
        for (var i = 0; i + TsConstants.PacketSize <= ts.Length; i += TsConstants.PacketSize)
        {
            var packet = ts.Slice(i, TsConstants.PacketSize);
            if (packet[0] != TsConstants.SyncByte) break;
            var h = TsPacketHeader.Parse(packet);
            if (h.Pid != VideoPid || !h.PayloadUnitStart || !h.HasPayload) continue;
            if (!PesHeader.TryParse(packet[h.PayloadOffset..], out var pes) || pes.Pts == PesHeader.NoTimestamp) continue;
            found = pes.Pts;
            if (!last) break;
        }

        return found;
    }

    /// <summary>
    /// Runs our segmenter (2 s segments, 400 ms parts, as the node's pipeline does) over two loops of the file, fed
    /// datagram by datagram, and counts how many segments and parts it emits on the very datagram that carries the
    /// first packet of the frame that closes them: the reference the latency figures are measured from.
    /// </summary>
    public string CheckClosingDatagrams(TimeSpan target, TimeSpan partTarget)
    {
        var sink = new EmissionSink(this);
        using (var segmenter = new Segmenter(new SegmenterOptions { TargetDuration = target, PartTarget = partTarget }, sink))
        {
            for (var loop = 0; loop < 2; loop++)
            {
                for (var d = 0; d < Datagrams; d++)
                {
                    sink.Position = loop * Datagrams + d;
                    var offset = d * DatagramBytes;
                    segmenter.Push(Bytes.AsSpan(offset, Math.Min(DatagramBytes, Bytes.Length - offset)));
                }
            }
        }

        return $"segments {sink.SegmentsOnTime}/{sink.Segments} and parts {sink.PartsOnTime}/{sink.Parts} are emitted on the datagram " +
               $"carrying the first packet of the frame that closes them; {sink.SizesRight}/{sink.Segments} segments have the expected size" +
               (sink.Late.Count == 0 ? "" : $"; the others {string.Join(", ", sink.Late.GroupBy(x => x).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key} datagrams later"))}");
    }

    private sealed class EmissionSink(TsTimeline ts) : ISegmentSink
    {
        public int Position { get; set; }
        public int Segments { get; private set; }
        public int SegmentsOnTime { get; private set; }
        public int SizesRight { get; private set; }
        public int Parts { get; private set; }
        public int PartsOnTime { get; private set; }
        public List<int> Late { get; } = [];

        public void OnPart(PartInfo part, ReadOnlySpan<byte> bytes)
        {
            var lastFrame = ts.FrameOfPts(ts.VideoPts(bytes, last: true));
            if (lastFrame < 0) return;
            Parts++;
            if (Check(ts.NextFrame(lastFrame))) PartsOnTime++;
        }

        public void OnSegment(SegmentInfo segment, ReadOnlySpan<byte> bytes)
        {
            var first = ts.FrameOfPts(segment.StartPts);
            if (first < 0) return;
            Segments++;
            if (Check(ts.NextKeyframe(first))) SegmentsOnTime++;
            if (bytes.Length == ts.ExpectedSegmentBytes(first)) SizesRight++;
        }

        private bool Check(int closingFrame)
        {
            // The closing frame lies in the loop being fed (for the last GOP of a loop: frame 0 of the next one).
            var expected = Position / ts.Datagrams * ts.Datagrams + ts.Frames[closingFrame].Datagram;
            if (expected == Position) return true;
            Late.Add(Position - expected);
            return false;
        }
    }
}
