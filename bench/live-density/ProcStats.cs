using System.Globalization;
using System.Runtime.InteropServices;

namespace Inspur.Bench.LiveDensity;

/// <summary>What the bench reads from /proc: CPU time of processes and of the machine, and UDP sockets' bindings and drops.</summary>
internal static class ProcStats
{
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>utime + stime of a process (all its threads, live and exited), in seconds; NaN when it is gone.</summary>
    public static double ProcessCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// CPU seconds of the .NET tiered-compilation background thread of a process, or null when it is not running (it
    /// exits when it has had nothing to recompile for a while).
    /// </summary>
    public static double? TieredJitSeconds(int pid)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered", StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>The machine's CPU counters from /proc/stat, in seconds summed over all cores.</summary>
    public static MachineCpu Machine()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(x => long.Parse(x, CultureInfo.InvariantCulture) / TicksPerSecond).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var idle = v[3] + v[4];
        var steal = v.Length > 7 ? v[7] : 0;
        var total = v.Take(8).Sum();
        return new MachineCpu(total - idle - steal, idle, steal, total);
    }

    /// <summary>Drops counted by the kernel on the UDP sockets bound to these local ports (/proc/net/udp, udp6), by port.</summary>
    public static Dictionary<int, long> UdpSockets(IReadOnlyCollection<int> ports)
    {
        var wanted = ports.ToHashSet();
        var result = new Dictionary<int, long>();
        foreach (var file in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length < 13) continue;
                var local = cols[1];
                var port = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (!wanted.Contains(port)) continue;
                result[port] = result.GetValueOrDefault(port) + long.Parse(cols[^1], CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    private static double ClockTicks()
    {
        const int scClkTck = 2;
        var ticks = Sysconf(scClkTck);
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long Sysconf(int name);
}

/// <summary>Machine CPU seconds (all cores): busy, idle (with iowait), stolen by the hypervisor, total.</summary>
internal readonly record struct MachineCpu(double Busy, double Idle, double Steal, double Total)
{
    public static MachineCpu operator -(MachineCpu a, MachineCpu b) => new(a.Busy - b.Busy, a.Idle - b.Idle, a.Steal - b.Steal, a.Total - b.Total);

    public double BusyPercent => Total > 0 ? 100 * Busy / Total : 0;

    public double StealPercent => Total > 0 ? 100 * Steal / Total : 0;
}
