using System.Globalization;
using Inspur.Media.Tests.Segmenting;

namespace Inspur.Media.Tests.Codecs;

/// <summary>Small elementary streams made by ffmpeg once per test run, and ffprobe's / ffmpeg's own reading of them.</summary>
public static class CodecSamples
{
    private static readonly string Dir = MakeDir();
    private static readonly Dictionary<string, Task<Sample>> Cache = new();

    private static string MakeDir()
    {
        var dir = Directory.CreateTempSubdirectory("inspur-codec-samples-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    }

    /// <summary>Encodes <paramref name="args"/> (input and codec options, no output) to <c>{name}.{extension}</c>.</summary>
    public static Task<Sample> Encode(string name, string extension, string args)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var task))
            {
                var path = Path.Combine(Dir, $"{name}.{extension}");
                task = Task.Run(async () =>
                {
                    var (code, _, err) = await MediaSamples.Run("ffmpeg", $"-hide_banner -loglevel error -y {args} {path}");
                    if (code != 0) throw new InvalidOperationException($"ffmpeg failed for {name}: {err}");
                    return new Sample(path, await File.ReadAllBytesAsync(path));
                });
                Cache[name] = task;
            }

            return task;
        }
    }

    /// <summary>A path in the run's sample folder (removed when the test process exits).</summary>
    public static string PathFor(string fileName) => Path.Combine(Dir, fileName);

    /// <summary>H.264 from testsrc2; <paramref name="options"/> are libx264 options such as <c>-profile:v high</c>.</summary>
    public static Task<Sample> H264(string name, string size, string rate, string options, double seconds = 1) =>
        Encode(name, "h264", $"-f lavfi -i testsrc2=size={size}:rate={rate} -t {Invariant(seconds)} -c:v libx264 {options} -f h264");

    /// <summary>H.265 from testsrc2; <paramref name="x265Params"/> go to <c>-x265-params</c>.</summary>
    public static Task<Sample> H265(string name, string size, string rate, string x265Params, string options = "", double seconds = 1) =>
        Encode(name, "hevc", $"-f lavfi -i testsrc2=size={size}:rate={rate} -t {Invariant(seconds)} -c:v libx265 -preset ultrafast {options} " +
                             $"-x265-params log-level=error:{x265Params} -f hevc");

    /// <summary>The first stream's fields as <c>ffprobe -of flat</c> names them without the prefix (width, level, ...).</summary>
    public static async Task<Dictionary<string, string>> Stream(string path, string entries)
    {
        var output = await Probe($"-show_entries stream={entries} -of flat {path}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2 && p[0].StartsWith("streams.stream.0.", StringComparison.Ordinal))
            .ToDictionary(p => p[0]["streams.stream.0.".Length..], p => p[1].Trim('"'));
    }

    /// <summary>ffprobe's decoded frames in decode order (sorted by packet position): where each starts, key_frame, pict_type.</summary>
    public static async Task<List<(long Pos, bool Key, string PictType)>> FramesInDecodeOrder(string path)
    {
        var output = await Probe($"-show_entries frame=pkt_pos,key_frame,pict_type -of csv=p=0 {path}");
        return Rows(output, 3)
            .Select(f => (long.Parse(f[1], CultureInfo.InvariantCulture), f[0] == "1", f[2]))
            .OrderBy(f => f.Item1)
            .ToList();
    }

    /// <summary>ffprobe's packets (access units) of an elementary stream: start position and key flag.</summary>
    public static async Task<List<(long Pos, bool Key)>> Packets(string path, string select = "")
    {
        var output = await Probe($"{select} -show_entries packet=pos,flags -of csv=p=0 {path}");
        return Rows(output, 2)
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), f[1].Contains('K', StringComparison.Ordinal)))
            .ToList();
    }

    /// <summary>
    /// Runs ffmpeg's own bitstream parser (the <c>trace_headers</c> filter) over an Annex-B buffer and returns each
    /// syntax element's first value, e.g. <c>pic_width_in_luma_samples</c> → 648; <c>errors</c> lists its complaints.
    /// </summary>
    public static async Task<(Dictionary<string, long> Fields, List<string> Errors)> TraceHeaders(byte[] annexB, string format)
    {
        var path = Path.Combine(Dir, $"trace-{Guid.NewGuid():N}.{format}");
        await File.WriteAllBytesAsync(path, annexB);
        var (_, _, err) = await MediaSamples.Run("ffmpeg", $"-hide_banner -loglevel verbose -f {format} -i {path} -c copy -bsf:v trace_headers -f null -");
        var fields = new Dictionary<string, long>();
        var errors = new List<string>();
        foreach (var line in err.Split('\n'))
        {
            if (!line.StartsWith("[trace_headers", StringComparison.Ordinal)) continue;
            var parts = line[(line.IndexOf(']') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[^2] == "=" && long.TryParse(parts[^1], out var value) && int.TryParse(parts[0], out _))
                fields.TryAdd(parts[1], value);
            else if (line.Contains("rror", StringComparison.Ordinal) || line.Contains("nvalid", StringComparison.Ordinal) || line.Contains("ailed", StringComparison.Ordinal))
                errors.Add(line);
        }

        return (fields, errors);
    }

    /// <summary>The first NAL unit (header byte on, trailing zeros removed) whose header byte satisfies <paramref name="match"/>.</summary>
    public static byte[] FirstNal(byte[] es, Func<byte, bool> match)
    {
        for (var i = 0; i + 3 < es.Length; i++)
        {
            if (es[i] != 0 || es[i + 1] != 0 || es[i + 2] != 1 || !match(es[i + 3])) continue;
            var end = i + 3;
            while (end + 2 < es.Length && !(es[end] == 0 && es[end + 1] == 0 && es[end + 2] is 0 or 1)) end++;
            if (end + 2 >= es.Length) end = es.Length;
            return es[(i + 3)..end];
        }

        throw new InvalidOperationException("no such NAL unit");
    }

    /// <summary>Removes emulation-prevention bytes the slow, obvious way (an independent check of the product's code).</summary>
    public static byte[] Unescape(byte[] nal)
    {
        var output = new List<byte>(nal.Length);
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }

            output.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return output.ToArray();
    }

    /// <summary>The access units of an elementary stream cut at ffprobe's packet positions.</summary>
    public static List<byte[]> CutAt(byte[] es, IReadOnlyList<long> positions)
    {
        var units = new List<byte[]>(positions.Count);
        for (var i = 0; i < positions.Count; i++)
        {
            var end = i + 1 < positions.Count ? positions[i + 1] : es.Length;
            units.Add(es[(int)positions[i]..(int)end]);
        }

        return units;
    }

    /// <summary>CSV rows with at least <paramref name="fields"/> non-empty leading fields (ffprobe adds blank side-data columns).</summary>
    private static IEnumerable<string[]> Rows(string csv, int fields) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(','))
            .Where(f => f.Length >= fields && f.Take(fields).All(x => x.Length > 0));

    private static async Task<string> Probe(string args)
    {
        var (code, output, err) = await MediaSamples.Run("ffprobe", $"-v error {args}");
        if (code != 0) throw new InvalidOperationException($"ffprobe {args}: {err}");
        return output;
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A generated sample: its file and bytes.</summary>
public sealed record Sample(string Path, byte[] Bytes);
