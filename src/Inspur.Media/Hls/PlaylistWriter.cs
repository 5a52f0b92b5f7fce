using System.Globalization;
using System.Text;

namespace Inspur.Media.Hls;

/// <summary>
/// Writes media and master playlists as RFC 8216 (and LL-HLS) text into a <see cref="StringBuilder"/>, refusing what a
/// player would reject: EXTINF over the target, short hold-backs, quoted values that break the syntax.
/// </summary>
public static class PlaylistWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(MediaPlaylist playlist)
    {
        var text = new StringBuilder(256 + playlist.Segments.Count * 96);
        Write(playlist, text);
        return text.ToString();
    }

    public static string Write(MasterPlaylist playlist)
    {
        var text = new StringBuilder(256);
        Write(playlist, text);
        return text.ToString();
    }

    /// <summary>EXT-X-VERSION needed by the features used (RFC 8216 §7; 6 for LL-HLS parts, 9 for EXT-X-SKIP).</summary>
    public static int Version(MediaPlaylist p)
    {
        var version = 3; // floating-point EXTINF
        foreach (var s in p.Segments)
        {
            if (s.ByteRange is not null || s.Key?.Iv is not null) version = Math.Max(version, 4);
        }

        if (p.PartTarget is not null || p.ServerControl is not null) version = Math.Max(version, 6);
        if (p.SkippedSegments > 0) version = Math.Max(version, 9);
        return version;
    }

    public static void Write(MediaPlaylist p, StringBuilder text)
    {
        Validate(p);
        text.Append("#EXTM3U\n#EXT-X-VERSION:").Append(Version(p)).Append('\n');
        text.Append("#EXT-X-TARGETDURATION:").Append(p.TargetDuration).Append('\n');
        if (p.ServerControl is { } sc)
        {
            text.Append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=").Append(sc.CanBlockReload ? "YES" : "NO");
            if (sc.PartHoldBack is { } phb) text.Append(",PART-HOLD-BACK=").Append(Seconds(phb));
            if (sc.CanSkipUntil is { } skip) text.Append(",CAN-SKIP-UNTIL=").Append(Seconds(skip));
            if (sc.HoldBack is { } hb) text.Append(",HOLD-BACK=").Append(Seconds(hb));
            text.Append('\n');
        }

        if (p.PartTarget is { } pt) text.Append("#EXT-X-PART-INF:PART-TARGET=").Append(Seconds(pt)).Append('\n');
        text.Append("#EXT-X-MEDIA-SEQUENCE:").Append(p.MediaSequence).Append('\n');
        if (p.DiscontinuitySequence > 0) text.Append("#EXT-X-DISCONTINUITY-SEQUENCE:").Append(p.DiscontinuitySequence).Append('\n');
        if (p.Type != PlaylistType.Live) text.Append("#EXT-X-PLAYLIST-TYPE:").Append(p.Type == PlaylistType.Vod ? "VOD" : "EVENT").Append('\n');
        if (p.IndependentSegments) text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (p.Start is { } start)
            text.Append("#EXT-X-START:TIME-OFFSET=").Append(Seconds(start.Offset)).Append(start.Precise ? ",PRECISE=YES\n" : "\n");
        if (p.SkippedSegments > 0) text.Append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").Append(p.SkippedSegments).Append('\n');

        HlsKey? key = null;
        foreach (var s in p.Segments)
        {
            if (s.Discontinuity) text.Append("#EXT-X-DISCONTINUITY\n");
            if (s.Key is not null && s.Key != key)
            {
                key = s.Key;
                text.Append("#EXT-X-KEY:METHOD=AES-128,URI=").Append(Quoted(key.Uri));
                if (key.Iv is { } iv) text.Append(",IV=0x").Append(Convert.ToHexString(iv));
                text.Append('\n');
            }

            if (s.ProgramDateTime is { } pdt)
                text.Append("#EXT-X-PROGRAM-DATE-TIME:").Append(pdt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Inv)).Append('\n');
            foreach (var part in s.Parts) WritePart(text, part);
            if (s.Gap) text.Append("#EXT-X-GAP\n");
            text.Append("#EXTINF:").Append(Seconds(s.Duration)).Append(",\n");
            if (s.ByteRange is { } br)
            {
                text.Append("#EXT-X-BYTERANGE:").Append(br.Length);
                if (br.Offset is { } offset) text.Append('@').Append(offset);
                text.Append('\n');
            }

            text.Append(Line(s.Uri)).Append('\n');
        }

        foreach (var part in p.TrailingParts) WritePart(text, part);
        if (p.PreloadHintUri is { } hint) text.Append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=").Append(Quoted(hint)).Append('\n');
        foreach (var r in p.RenditionReports)
        {
            text.Append("#EXT-X-RENDITION-REPORT:URI=").Append(Quoted(r.Uri)).Append(",LAST-MSN=").Append(r.LastMsn);
            if (r.LastPart is { } lp) text.Append(",LAST-PART=").Append(lp);
            text.Append('\n');
        }

        if (p.EndList) text.Append("#EXT-X-ENDLIST\n");
    }

    public static void Write(MasterPlaylist p, StringBuilder text)
    {
        if (p.Variants.Count == 0) throw new PlaylistException("a master playlist needs at least one variant");
        text.Append("#EXTM3U\n#EXT-X-VERSION:").Append(p.Variants.Any(v => v.FrameRate is not null) ? 7 : 4).Append('\n');
        if (p.IndependentSegments) text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        foreach (var m in p.Media)
        {
            text.Append("#EXT-X-MEDIA:TYPE=").Append(m.Type).Append(",GROUP-ID=").Append(Quoted(m.GroupId)).Append(",NAME=").Append(Quoted(m.Name));
            if (m.Language is { } lang) text.Append(",LANGUAGE=").Append(Quoted(lang));
            text.Append(",DEFAULT=").Append(m.Default ? "YES" : "NO").Append(",AUTOSELECT=").Append(m.Autoselect ? "YES" : "NO");
            if (m.Uri is { } uri) text.Append(",URI=").Append(Quoted(uri));
            text.Append('\n');
        }

        foreach (var v in p.Variants)
        {
            if (v.Bandwidth <= 0) throw new PlaylistException($"variant {v.Uri}: BANDWIDTH must be positive");
            if (v.AudioGroup is { } group && !p.Media.Any(m => m.Type == "AUDIO" && m.GroupId == group))
                throw new PlaylistException($"variant {v.Uri}: AUDIO group '{group}' has no EXT-X-MEDIA");
            text.Append("#EXT-X-STREAM-INF:BANDWIDTH=").Append(v.Bandwidth);
            if (v.AverageBandwidth is { } avg) text.Append(",AVERAGE-BANDWIDTH=").Append(avg);
            if (v.Codecs is { } codecs) text.Append(",CODECS=").Append(Quoted(codecs));
            if (v.Resolution is { } res) text.Append(",RESOLUTION=").Append(res.Width).Append('x').Append(res.Height);
            if (v.FrameRate is { } fps) text.Append(",FRAME-RATE=").Append(fps.ToString("0.000", Inv));
            if (v.AudioGroup is { } audio) text.Append(",AUDIO=").Append(Quoted(audio));
            text.Append('\n').Append(Line(v.Uri)).Append('\n');
        }
    }

    private static void WritePart(StringBuilder text, HlsPart part)
    {
        text.Append("#EXT-X-PART:DURATION=").Append(Seconds(part.Duration)).Append(",URI=").Append(Quoted(part.Uri));
        if (part.Independent) text.Append(",INDEPENDENT=YES");
        if (part.Gap) text.Append(",GAP=YES");
        text.Append('\n');
    }

    private static void Validate(MediaPlaylist p)
    {
        if (p.TargetDuration <= 0) throw new PlaylistException("EXT-X-TARGETDURATION must be positive");
        if (p.MediaSequence < 0 || p.DiscontinuitySequence < 0) throw new PlaylistException("sequence numbers must not be negative");
        foreach (var s in p.Segments)
        {
            if (s.Duration <= TimeSpan.Zero) throw new PlaylistException($"segment {s.Uri}: duration must be positive");
            if (Math.Round(s.Duration.TotalSeconds, MidpointRounding.AwayFromZero) > p.TargetDuration)
                throw new PlaylistException($"segment {s.Uri}: EXTINF {s.Duration.TotalSeconds:0.000} rounds above EXT-X-TARGETDURATION {p.TargetDuration} (RFC 8216 §4.3.3.1)");
            foreach (var part in s.Parts) CheckPart(p, part);
        }

        foreach (var part in p.TrailingParts) CheckPart(p, part);
        if (p.ServerControl is { PartHoldBack: { } phb } && p.PartTarget is { } target && phb < target * 3)
            throw new PlaylistException($"PART-HOLD-BACK {phb.TotalSeconds:0.000} must be at least 3 × PART-TARGET {target.TotalSeconds:0.000}");
        if (p.ServerControl is { CanSkipUntil: { } skip } && skip < TimeSpan.FromSeconds(p.TargetDuration * 6))
            throw new PlaylistException($"CAN-SKIP-UNTIL {skip.TotalSeconds:0.000} must be at least 6 × the target duration");
        if (p.SkippedSegments > 0 && p.ServerControl?.CanSkipUntil is null)
            throw new PlaylistException("EXT-X-SKIP needs CAN-SKIP-UNTIL in EXT-X-SERVER-CONTROL");
        if ((p.TrailingParts.Count > 0 || p.Segments.Any(s => s.Parts.Count > 0)) && p.PartTarget is null)
            throw new PlaylistException("EXT-X-PART needs EXT-X-PART-INF");
        if (p.EndList && p.PreloadHintUri is not null) throw new PlaylistException("a finished playlist has no preload hint");
    }

    private static void CheckPart(MediaPlaylist p, HlsPart part)
    {
        if (part.Duration <= TimeSpan.Zero) throw new PlaylistException($"part {part.Uri}: duration must be positive");
        if (p.PartTarget is { } target && part.Duration > target + TimeSpan.FromMilliseconds(0.5))
            throw new PlaylistException($"part {part.Uri}: {part.Duration.TotalSeconds:0.000} exceeds PART-TARGET {target.TotalSeconds:0.000}");
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", Inv);

    /// <summary>A quoted-string attribute value (RFC 8216 §4.2): no double quote, CR or LF inside.</summary>
    private static string Quoted(string value)
    {
        if (value.AsSpan().IndexOfAny('"', '\r', '\n') >= 0) throw new PlaylistException($"'{value}' cannot be a quoted-string (quote or line break)");
        return $"\"{value}\"";
    }

    private static string Line(string uri)
    {
        if (uri.Length == 0 || uri.AsSpan().IndexOfAny('\r', '\n') >= 0 || uri[0] == '#')
            throw new PlaylistException($"'{uri}' cannot be a URI line");
        return uri;
    }
}
