using System.Runtime.CompilerServices;
using Inspur.Media.Ts;

namespace Inspur.Media.Segmenting;

/// <summary>
/// Turns MPEG-TS bytes into HLS segments (and LL-HLS parts) in one pass per packet: resync, TR 101 290 counters,
/// PSI tracking, PES timestamps, keyframe detection and cutting. Every segment starts with a PAT, a PMT and a
/// keyframe; continuity counters are rewritten to run continuously within each segment; sequence numbers are
/// epoch-locked (the UTC slot of the segment's first keyframe), so packagers sharing an anchor number alike.
/// Never throws on bad input: problems are counted in <see cref="Stats"/> and timing breaks become discontinuities.
/// </summary>
public sealed class Segmenter : ITsPacketConsumer, IDisposable
{
    private const int Size = TsConstants.PacketSize;
    private static readonly long PsiTimeout90k = MpegTime.Clock / 2;

    private readonly SegmenterOptions _options;
    private readonly ISegmentSink _sink;
    private readonly TsPacketFramer _framer = new();
    private readonly PsiSectionAssembler _patAssembler = new();
    private readonly PsiSectionAssembler _pmtAssembler = new();
    private readonly PsiSectionAssembler.SectionHandler _onPat;
    private readonly PsiSectionAssembler.SectionHandler _onPmt;
    private readonly short[] _lastCc = new short[TsConstants.MaxPid + 1];
    private readonly byte[] _outCc = new byte[TsConstants.MaxPid + 1];
    private SegmentBuffer _buffer = new();
    private SegmentBuffer _spare = new();
    private readonly long _target90k;
    private readonly long _max90k;
    private readonly long _partTarget90k;
    private readonly long _jump90k;
    private readonly long _targetMs;

    private byte[] _patPackets = [];
    private byte[] _patSection = [];
    private byte[] _pmtSection = [];
    private byte[] _pmtPackets = [];
    private int _pmtPid = -1;
    private Pmt? _pmt;
    private int _videoPid = -1;
    private StreamKind _videoKind;
    private int _audioPid = -1;
    private VideoKeyframeClassifier? _classifier;
    private StreamProbe? _probe;

    // Access unit in classification: its packets start at _pendingOffset in the buffer (or the pre-roll).
    private bool _pending;
    private int _pendingOffset;
    private long _pendingPts;
    private long _pendingDts;

    private bool _open;
    private long _seq = long.MinValue;
    private long _startPts;
    private DateTimeOffset _startUtc;
    private bool _nextDiscontinuity;
    private bool _segmentDiscontinuity;
    private long _maxPtsInSegment;
    private int _partIndex;
    private int _partOffset;
    private long _partStartPts;
    private long _partStartDts;
    private long _lastDtsInSegment;
    private bool _partIndependent;

    private long _lastDts = PesHeader.NoTimestamp;
    private long _frameDuration;
    private long _clock90k = PesHeader.NoTimestamp;
    private long _lastPatClock = PesHeader.NoTimestamp;
    private long _lastPmtClock = PesHeader.NoTimestamp;
    private TimeAnchor? _anchor;
    private bool _reanchor;
    private bool _sourceChanged;
    private bool _alignStart;
    private long _firstSlotSeen = long.MinValue;
    private DateTimeOffset _lastEndUtc = DateTimeOffset.MinValue;

    public Segmenter(SegmenterOptions options, ISegmentSink sink)
    {
        options.Validate();
        _options = options;
        _sink = sink;
        _anchor = options.Anchor;
        _alignStart = options.Anchor is not null;
        _target90k = (long)(options.TargetDuration.TotalSeconds * MpegTime.Clock);
        _targetMs = (long)options.TargetDuration.TotalMilliseconds;
        _max90k = (long)(options.MaxDuration.TotalSeconds * MpegTime.Clock);
        _partTarget90k = options.PartTarget is { } p ? (long)(p.TotalSeconds * MpegTime.Clock) : 0;
        _jump90k = (long)(options.PtsJumpThreshold.TotalSeconds * MpegTime.Clock);
        Array.Fill(_lastCc, (short)-1);
        _onPat = OnPat;
        _onPmt = OnPmt;
    }

    public TsStreamStats Stats { get; } = new();

    /// <summary>The PTS ↔ UTC mapping in use (persist it so a restarted packager continues the same numbering).</summary>
    public TimeAnchor? Anchor => _anchor;

    /// <summary>The program being segmented, once a PMT was seen.</summary>
    public Pmt? Program => _pmt;

    /// <summary>Codecs, resolution and frame rate as far as seen so far (null before a PMT).</summary>
    public StreamDescription? Description =>
        _probe?.Describe(_frameDuration > 0 ? Math.Round(MpegTime.Clock / (double)_frameDuration, 3) : null);

    /// <summary>Feeds TS bytes in chunks of any size.</summary>
    public void Push(ReadOnlySpan<byte> data)
    {
        _framer.Push(data, this);
        Stats.SyncLosses = _framer.SyncLosses;
        Stats.SkippedBytes = _framer.SkippedBytes;
        Stats.CrcErrors = _patAssembler.CrcErrors + _pmtAssembler.CrcErrors;
    }

    /// <summary>End of input: publishes the open segment (its last frame's duration estimated).</summary>
    /// <summary>
    /// The input now comes from another source (a failover switch): at the next access unit the open segment closes and
    /// the next one starts with a discontinuity and a fresh time anchor, even if the new source's timestamps happen to
    /// run on from the old one's.
    /// </summary>
    public void SourceChanged() => _sourceChanged = true;

    public void Complete()
    {
        _framer.Flush();
        Stats.SkippedBytes = _framer.SkippedBytes;
        if (_pending) Decide(KeyframeDecision.NotKeyframe);
        if (_open)
        {
            var end = Add(_maxPtsInSegment, _frameDuration > 0 ? _frameDuration : 0);
            CloseSegment(_buffer.Length, end);
        }
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _spare.Dispose();
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void OnPackets(ReadOnlySpan<byte> packets)
    {
        for (var i = 0; i < packets.Length; i += Size) OnPacket(packets.Slice(i, Size));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnPacket(ReadOnlySpan<byte> packet)
    {
        Stats.Packets++;
        var h = TsPacketHeader.Parse(packet);
        if (h.TransportError)
        {
            Stats.TransportErrors++;
            return;
        }

        if (!h.Valid) return;
        var pid = h.Pid;
        if (pid == TsConstants.NullPid) return;
        if (!CheckContinuity(h)) return;

        if (h.Pcr != TsPacketHeader.NoPcr) Tick(h.Pcr / 300);

        if (pid == TsConstants.PatPid)
        {
            if (h.Scrambling != 0) Stats.PatErrors++;
            else if (h.HasPayload) _patAssembler.Push(packet[h.PayloadOffset..], h.PayloadUnitStart, _onPat);
            return; // PAT and PMT are re-emitted by us at each segment start.
        }

        if (pid == _pmtPid)
        {
            if (h.Scrambling != 0) Stats.PmtErrors++;
            else if (h.HasPayload) _pmtAssembler.Push(packet[h.PayloadOffset..], h.PayloadUnitStart, _onPmt);
            return;
        }

        if (_pmt is null)
        {
            Stats.PacketsUnpublished++;
            return;
        }

        if (_probe is { Done: false } && h.HasPayload) _probe.Push(pid, packet[h.PayloadOffset..], h.PayloadUnitStart);

        if (pid == _videoPid && h.PayloadUnitStart && h.HasPayload)
        {
            StartAccessUnit(packet, h);
            return;
        }

        if (_videoPid < 0 && pid == _audioPid && h.PayloadUnitStart && h.HasPayload)
        {
            StartAccessUnit(packet, h);
            return;
        }

        if (_pending)
        {
            Append(packet);
            if (pid == _videoPid && h.HasPayload)
                Decide(_classifier!.Push(packet[h.PayloadOffset..]));
            return;
        }

        if (_open) Append(packet);
        else Stats.PacketsUnpublished++;
    }

    /// <summary>TR 101 290 1.4: one legal duplicate allowed; adaptation-only packets keep the counter.</summary>
    private bool CheckContinuity(in TsPacketHeader h)
    {
        var last = _lastCc[h.Pid];
        var cc = h.ContinuityCounter;
        if (!h.HasPayload)
        {
            if (last >= 0 && cc != last && !h.Discontinuity) Stats.ContinuityErrors++;
            if (last < 0) _lastCc[h.Pid] = (short)cc;
            return true;
        }

        if (last < 0 || h.Discontinuity)
        {
            _lastCc[h.Pid] = (short)cc;
            return true;
        }

        if (cc == last) return false; // duplicate packet: redundant, dropped
        if (cc != ((last + 1) & 0xF))
        {
            Stats.ContinuityErrors++;
            if (h.Pid == TsConstants.PatPid) _patAssembler.Reset();
            else if (h.Pid == _pmtPid) _pmtAssembler.Reset();
        }

        _lastCc[h.Pid] = (short)cc;
        return true;
    }

    private void Tick(long clock90k)
    {
        _clock90k = clock90k;
        if (_lastPatClock == PesHeader.NoTimestamp) _lastPatClock = clock90k; // observation starts: a PAT is due within 0.5 s
        if (_pmtPid >= 0 && _lastPmtClock == PesHeader.NoTimestamp) _lastPmtClock = clock90k;
        if (_lastPatClock != PesHeader.NoTimestamp && MpegTime.Diff(_lastPatClock, clock90k) > PsiTimeout90k)
        {
            Stats.PatErrors++;
            _lastPatClock = clock90k;
        }

        if (_pmtPid >= 0 && _lastPmtClock != PesHeader.NoTimestamp && MpegTime.Diff(_lastPmtClock, clock90k) > PsiTimeout90k)
        {
            Stats.PmtErrors++;
            _lastPmtClock = clock90k;
        }
    }

    private void OnPat(ReadOnlySpan<byte> section)
    {
        if (section.SequenceEqual(_patSection))
        {
            _lastPatClock = _clock90k;
            return;
        }

        if (section[0] != 0x00 || !Pat.TryParse(section, out var pat))
        {
            Stats.PatErrors++;
            return;
        }

        // A PAT may span several sections; the program we follow is the first one listed in section 0.
        if (section[6] != 0)
        {
            _lastPatClock = _clock90k;
            return;
        }

        _lastPatClock = _clock90k;
        if (pat.Programs.Count == 0) return;
        var pmtPid = pat.Programs[0].PmtPid;
        _patSection = section.ToArray();
        _patPackets = Packetize(TsConstants.PatPid, section);
        if (pmtPid != _pmtPid)
        {
            if (_pmtPid >= 0) Stats.ProgramChanges++;
            _pmtPid = pmtPid;
            _pmtAssembler.Reset();
            _lastPmtClock = _clock90k;
        }
    }

    private void OnPmt(ReadOnlySpan<byte> section)
    {
        if (_pmt is not null && section.SequenceEqual(_pmtSection))
        {
            _lastPmtClock = _clock90k;
            return;
        }

        if (section[0] != 0x02 || !Pmt.TryParse(section, out var pmt))
        {
            Stats.PmtErrors++;
            return;
        }

        _lastPmtClock = _clock90k;
        _pmtSection = section.ToArray();
        var video = pmt.Video;
        var audio = pmt.Streams.FirstOrDefault(s => s.IsAudio);
        var changed = _pmt is not null && (_videoPid != (video?.Pid ?? -1) || _videoKind != (video?.Kind ?? StreamKind.Unknown) ||
                                           _audioPid != (audio?.Pid ?? -1));
        _pmt = pmt;
        _pmtPackets = Packetize(_pmtPid, section);
        if (!changed && _classifier is not null) return;

        if (changed)
        {
            // The program changed under us: what follows is a new stream; close and wait for its keyframe.
            Stats.ProgramChanges++;
            if (_pending) Decide(KeyframeDecision.NotKeyframe);
            if (_open) CloseSegment(_buffer.Length, Add(_maxPtsInSegment, _frameDuration));
            _nextDiscontinuity = true;
            _lastDts = PesHeader.NoTimestamp;
        }

        _videoPid = video?.Pid ?? -1;
        _videoKind = video?.Kind ?? StreamKind.Unknown;
        _audioPid = audio?.Pid ?? -1;
        _classifier = new VideoKeyframeClassifier(_videoPid >= 0 ? _videoKind : StreamKind.Unknown);
        _probe = new StreamProbe(video, audio);
    }

    private void StartAccessUnit(ReadOnlySpan<byte> packet, in TsPacketHeader h)
    {
        if (_pending) Decide(KeyframeDecision.NotKeyframe);
        var payload = packet[h.PayloadOffset..];
        if (!PesHeader.TryParse(payload, out var pes) || pes.Pts == PesHeader.NoTimestamp)
        {
            // An access unit without a usable timestamp cannot start anything; keep it inside the open segment.
            if (_open) Append(packet);
            else Stats.PacketsUnpublished++;
            return;
        }

        var dts = pes.Dts;
        if (_sourceChanged)
        {
            _sourceChanged = false;
            if (_open) CloseSegment(_buffer.Length, Add(_maxPtsInSegment, _frameDuration));
            _nextDiscontinuity = true;
            _reanchor = true;
        }
        else if (_lastDts != PesHeader.NoTimestamp)
        {
            var step = MpegTime.Diff(_lastDts, dts);
            if (step > _jump90k || step < -_jump90k / 10)
            {
                Stats.PtsJumps++;
                if (_open) CloseSegment(_buffer.Length, Add(_maxPtsInSegment, _frameDuration));
                _nextDiscontinuity = true;
                _reanchor = true;
            }
            else if (step > 0 && (_frameDuration == 0 || step < _frameDuration))
            {
                _frameDuration = step;
            }
        }

        _lastDts = dts;
        _pending = true;
        _pendingPts = pes.Pts;
        _pendingDts = dts;
        _pendingOffset = _open ? _buffer.Length : 0;
        if (!_open) _buffer.Clear();
        Append(packet);
        _classifier!.Reset();
        if (_videoPid < 0)
        {
            Decide(KeyframeDecision.Keyframe);
            return;
        }

        Decide(_classifier.Push(payload[pes.PayloadOffset..]));
    }

    private void Decide(KeyframeDecision decision)
    {
        if (decision == KeyframeDecision.Unknown) return;
        _pending = false;
        var keyframe = decision == KeyframeDecision.Keyframe;
        var pts = _pendingPts;

        if (!_open)
        {
            if (_anchor is null && _options.SharedAnchor?.Current is { } shared)
            {
                // Another rendition anchored first: adopt it, and start on a slot boundary as a standby packager would.
                _anchor = shared;
                _alignStart = true;
            }

            if (!keyframe || !AtSlotBoundary(pts))
            {
                Stats.PacketsUnpublished += _buffer.Length / Size;
                _buffer.Clear();
                return;
            }

            OpenSegment(pts);
            return;
        }

        var elapsed = MpegTime.Diff(_startPts, pts);
        if (keyframe && Slot(pts) > _seq && elapsed > 0)
        {
            CloseSegment(_pendingOffset, pts, _pendingDts);
            OpenSegment(pts);
            return;
        }

        if (elapsed > _max90k)
        {
            // No keyframe within the max duration: drop rather than publish an over-long or keyframe-less segment.
            Stats.SegmentsDropped++;
            _open = false;
            _nextDiscontinuity = true;
            if (keyframe)
            {
                _buffer.KeepFrom(_pendingOffset);
                OpenSegment(pts);
            }
            else
            {
                Stats.PacketsUnpublished += _buffer.Length / Size;
                _buffer.Clear();
            }

            return;
        }

        if (MpegTime.Diff(_maxPtsInSegment, pts) > 0) _maxPtsInSegment = pts;
        _lastDtsInSegment = _pendingDts;

        if (_partTarget90k > 0)
        {
            var partElapsed = MpegTime.Diff(_partStartDts, _pendingDts);
            if (partElapsed > 0 && partElapsed + _frameDuration > _partTarget90k)
            {
                EmitPart(_pendingOffset, _pendingDts);
                _partIndex++;
                _partOffset = _pendingOffset;
                _partStartPts = pts;
                _partStartDts = _pendingDts;
                _partIndependent = keyframe;
            }
        }
    }

    /// <summary>
    /// With an anchor shared by several packagers, the first segment must start at the first keyframe of a slot, which
    /// is only certain after an access unit of an earlier slot was seen; otherwise numbering could disagree.
    /// </summary>
    private bool AtSlotBoundary(long pts)
    {
        if (!_alignStart) return true;
        var slot = Slot(pts);
        if (_firstSlotSeen == long.MinValue) _firstSlotSeen = slot;
        if (slot <= _firstSlotSeen) return false;
        _alignStart = false;
        return true;
    }

    /// <summary>Starts a segment with the access unit at the buffer start, prefixing PAT and PMT.</summary>
    private void OpenSegment(long pts)
    {
        (_buffer, _spare) = (_spare, _buffer);
        _buffer.Clear();
        Array.Clear(_outCc);
        _open = true;
        Emit(_patPackets);
        Emit(_pmtPackets);
        Emit(_spare.Span);
        _spare.Clear();

        if (_reanchor || _anchor is null)
        {
            var now = _options.Clock.GetUtcNow();
            var proposal = new TimeAnchor(now > _lastEndUtc ? now : _lastEndUtc, pts);
            _anchor = _reanchor || _options.SharedAnchor is null ? proposal : _options.SharedAnchor.Claim(proposal);
            _reanchor = false;
        }

        var utc = ToUtc(pts);
        var seq = Slot(pts);
        if (seq <= _seq) seq = _seq + 1;
        else if (_seq != long.MinValue && seq > _seq + 1 && !_nextDiscontinuity) Stats.SequenceGaps++;
        _seq = seq;
        _startPts = pts;
        _maxPtsInSegment = pts;
        _startUtc = utc;
        _anchor = new TimeAnchor(utc, pts);
        _segmentDiscontinuity = _nextDiscontinuity;
        _nextDiscontinuity = false;
        _partIndex = 0;
        _partOffset = 0;
        _partStartPts = pts;
        _partStartDts = _pendingDts;
        _lastDtsInSegment = _pendingDts;
        _partIndependent = true;
    }

    private void CloseSegment(int endOffset, long endPts) =>
        CloseSegment(endOffset, endPts, Add(_lastDtsInSegment, _frameDuration));

    private void CloseSegment(int endOffset, long endPts, long endDts)
    {
        if (!_open) return;
        _open = false;
        var duration = MpegTime.Diff(_startPts, endPts);
        if (duration <= 0) duration = _frameDuration > 0 ? _frameDuration : 1;
        if (_partTarget90k > 0) EmitPart(endOffset, endDts);
        Stats.Segments++;
        _lastEndUtc = _startUtc + MpegTime.ToTimeSpan(duration);
        var info = new SegmentInfo(_seq, _startPts, _startUtc, MpegTime.ToTimeSpan(duration), endOffset,
            _segmentDiscontinuity, _partTarget90k > 0 ? _partIndex + 1 : 0);
        _sink.OnSegment(info, _buffer.Slice(0, endOffset));
        _buffer.KeepFrom(endOffset);
        _pendingOffset = 0;
    }

    private void EmitPart(int endOffset, long endDts)
    {
        var length = endOffset - _partOffset;
        if (length <= 0) return;
        var duration = MpegTime.Diff(_partStartDts, endDts);
        if (duration <= 0) duration = _frameDuration;
        _sink.OnPart(new PartInfo(_seq, _partIndex, _partStartPts, MpegTime.ToTimeSpan(duration), _partIndependent, _partOffset, length),
            _buffer.Slice(_partOffset, length));
    }

    /// <summary>Appends a packet to the open segment with its continuity counter rewritten; returns its offset.</summary>
    private int Append(ReadOnlySpan<byte> packet)
    {
        var offset = _buffer.Length;
        var written = _buffer.Append(packet);
        if (_open)
        {
            Renumber(written);
        }

        return offset;
    }

    private void Emit(ReadOnlySpan<byte> packets)
    {
        for (var i = 0; i + Size <= packets.Length; i += Size) Renumber(_buffer.Append(packets.Slice(i, Size)));
    }

    private void Renumber(Span<byte> packet)
    {
        var h = TsPacketHeader.Parse(packet);
        var pid = h.Pid;
        if (h.HasPayload)
        {
            TsPacketHeader.SetContinuityCounter(packet, _outCc[pid]);
            _outCc[pid] = (byte)((_outCc[pid] + 1) & 0xF);
        }
        else
        {
            TsPacketHeader.SetContinuityCounter(packet, (_outCc[pid] + 15) & 0xF);
        }
    }

    private long Slot(long pts) => (ToUtc(pts).ToUnixTimeMilliseconds()) / _targetMs;

    private DateTimeOffset ToUtc(long pts)
    {
        var anchor = _anchor!.Value;
        return anchor.Utc + MpegTime.ToTimeSpan(MpegTime.Diff(anchor.Pts, pts));
    }

    private static long Add(long pts, long delta) => (pts + delta) & (MpegTime.Wrap - 1);

    /// <summary>Wraps one PSI section into TS packets (pointer field 0, 0xFF stuffing).</summary>
    private static byte[] Packetize(int pid, ReadOnlySpan<byte> section)
    {
        var count = (section.Length + 1 + 183) / 184;
        var packets = new byte[count * Size];
        packets.AsSpan().Fill(0xFF);
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var p = packets.AsSpan(i * Size, Size);
            p[0] = TsConstants.SyncByte;
            p[1] = (byte)((i == 0 ? 0x40 : 0) | ((pid >> 8) & 0x1F));
            p[2] = (byte)pid;
            p[3] = 0x10;
            var start = 4;
            if (i == 0) p[start++] = 0;
            var take = Math.Min(Size - start, section.Length - offset);
            section.Slice(offset, take).CopyTo(p[start..]);
            offset += take;
        }

        return packets;
    }
}
