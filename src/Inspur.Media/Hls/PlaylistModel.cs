namespace Inspur.Media.Hls;

/// <summary>Kinds of media playlist (RFC 8216 §4.3.3.5): a sliding live window, a growing event, or a finished VOD.</summary>
public enum PlaylistType
{
    Live,
    Event,
    Vod,
}

/// <summary>An LL-HLS partial segment (EXT-X-PART).</summary>
public sealed record HlsPart(string Uri, TimeSpan Duration, bool Independent = false, bool Gap = false);

/// <summary>AES-128 encryption of the segments that follow (EXT-X-KEY).</summary>
public sealed record HlsKey(string Uri, byte[]? Iv = null);

/// <summary>One media segment with everything that may precede its URI line.</summary>
public sealed record HlsSegment(string Uri, TimeSpan Duration)
{
    public DateTimeOffset? ProgramDateTime { get; init; }
    public bool Discontinuity { get; init; }
    public bool Gap { get; init; }
    public (long Length, long? Offset)? ByteRange { get; init; }
    public HlsKey? Key { get; init; }
    public IReadOnlyList<HlsPart> Parts { get; init; } = [];
}

/// <summary>LL-HLS server control (EXT-X-SERVER-CONTROL).</summary>
public sealed record HlsServerControl(bool CanBlockReload, TimeSpan? PartHoldBack, TimeSpan? CanSkipUntil = null, TimeSpan? HoldBack = null);

/// <summary>EXT-X-RENDITION-REPORT: where a sibling rendition's live edge is.</summary>
public sealed record HlsRenditionReport(string Uri, long LastMsn, int? LastPart);

/// <summary>A media playlist (RFC 8216 §4.3.3, LL-HLS additions from draft-pantos-hls-rfc8216bis).</summary>
public sealed record MediaPlaylist
{
    public required int TargetDuration { get; init; }
    public long MediaSequence { get; init; }
    public long DiscontinuitySequence { get; init; }
    public PlaylistType Type { get; init; } = PlaylistType.Live;
    public bool EndList { get; init; }
    public bool IndependentSegments { get; init; }
    public (TimeSpan Offset, bool Precise)? Start { get; init; }
    public HlsServerControl? ServerControl { get; init; }
    public TimeSpan? PartTarget { get; init; }

    /// <summary>Segments removed from the front by a delta update (EXT-X-SKIP); MEDIA-SEQUENCE still names the first of them.</summary>
    public int SkippedSegments { get; init; }

    public IReadOnlyList<HlsSegment> Segments { get; init; } = [];

    /// <summary>Parts of the segment still in progress (listed after the last complete segment).</summary>
    public IReadOnlyList<HlsPart> TrailingParts { get; init; } = [];

    public string? PreloadHintUri { get; init; }
    public IReadOnlyList<HlsRenditionReport> RenditionReports { get; init; } = [];
}

/// <summary>An EXT-X-MEDIA rendition (alternative audio).</summary>
public sealed record HlsMedia(string Type, string GroupId, string Name, string? Uri, string? Language = null, bool Default = false, bool Autoselect = true);

/// <summary>An EXT-X-STREAM-INF variant.</summary>
public sealed record HlsVariant(string Uri, long Bandwidth)
{
    public long? AverageBandwidth { get; init; }
    public string? Codecs { get; init; }
    public (int Width, int Height)? Resolution { get; init; }
    public double? FrameRate { get; init; }
    public string? AudioGroup { get; init; }
}

/// <summary>A master (multivariant) playlist.</summary>
public sealed record MasterPlaylist
{
    public bool IndependentSegments { get; init; } = true;
    public IReadOnlyList<HlsMedia> Media { get; init; } = [];
    public IReadOnlyList<HlsVariant> Variants { get; init; } = [];
}

/// <summary>A playlist that breaks an RFC 8216 rule we enforce at writing time.</summary>
public sealed class PlaylistException(string message) : Exception(message);
