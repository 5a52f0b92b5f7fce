using System.Diagnostics;

namespace Inspur.Testing;

/// <summary>A real-time ffmpeg test source (pattern and tone) as MPEG-TS to a UDP port on loopback, killed when disposed.</summary>
public sealed class TsSender : IDisposable
{
    private readonly Process _process;

    /// <param name="port">UDP port on 127.0.0.1.</param>
    /// <param name="mpeg2">MPEG-2 video with MP2 audio (as broadcast feeds) instead of H.264/AAC.</param>
    /// <param name="seconds">How long it sends before it ends by itself.</param>
    public TsSender(int port, bool mpeg2 = false, int seconds = 120)
        : this($"udp://127.0.0.1:{port}?pkt_size=1316", mpeg2, seconds)
    {
    }

    /// <param name="output">Where ffmpeg writes the TS: a UDP URL, <c>http://127.0.0.1:N/x.ts</c> with <c>-listen 1</c> added, an SRT listener, a file.</param>
    public TsSender(string output, bool mpeg2 = false, int seconds = 120)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var arg in new[] { "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine", "-t", $"{seconds}" })
            info.ArgumentList.Add(arg);
        var codecs = mpeg2
            ? new[] { "-c:v", "mpeg2video", "-b:v", "1M", "-g", "12", "-c:a", "mp2" }
            : ["-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac"];
        foreach (var arg in codecs) info.ArgumentList.Add(arg);
        if (output.StartsWith("http://", StringComparison.Ordinal)) info.ArgumentList.Add("-listen");
        if (output.StartsWith("http://", StringComparison.Ordinal)) info.ArgumentList.Add("1");
        if (!output.Contains("://", StringComparison.Ordinal)) info.ArgumentList.Remove("-re");
        foreach (var arg in new[] { "-y", "-f", "mpegts", output }) info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for a sender that ends by itself (e.g. one writing a file).</summary>
    public Task WaitForExitAsync(CancellationToken ct = default) => _process.WaitForExitAsync(ct);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    /// <summary>The pids of the live child processes of <paramref name="parent"/> whose command line contains <paramref name="containing"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int parent, string containing)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Fields after the ")" that closes the command name: state, ppid, …
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) != parent || fields[0] == "Z") continue;
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(containing, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
            }
        }

        return found;
    }
}
