using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Inspur.Bench.LiveDensity;

/// <summary>
/// Every process the bench starts (nodes, ffmpeg), so none outlives it: each is killed when its side ends, all are
/// killed on exit or SIGINT/SIGTERM/SIGHUP, and each pid goes to a pid file that run.sh's trap cleans up from should
/// this process itself be killed.
/// </summary>
internal sealed class Children : IDisposable
{
    private readonly string _pidFile;
    private readonly List<Process> _running = [];
    private readonly object _gate = new();

    private readonly List<PosixSignalRegistration> _signals;

    public Children(string pidFile)
    {
        _pidFile = pidFile;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, _ => KillAll()))];
    }

    /// <summary>Starts <paramref name="file"/> with its stdout and stderr in <paramref name="log"/>.</summary>
    public Process Start(string file, IEnumerable<string> args, string log, string workingDirectory)
    {
        // sh execs the program, so the pid is the program's own; the shell only sets up the redirection.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >\"$INSPUR_BENCH_LOG\" 2>&1");
        info.ArgumentList.Add(file);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["INSPUR_BENCH_LOG"] = log;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        lock (_gate)
        {
            var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
            _running.Add(process);
            File.AppendAllText(_pidFile, $"{process.Id}\n");
            return process;
        }
    }

    public void Kill(Process process)
    {
        lock (_gate) _running.Remove(process);
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    public void KillAll()
    {
        Process[] all;
        lock (_gate) all = [.. _running];
        foreach (var p in all) Kill(p);
    }

    public void Dispose()
    {
        foreach (var s in _signals) s.Dispose();
        KillAll();
    }

    /// <summary>Free TCP or UDP ports on 127.0.0.1, distinct within this run.</summary>
    public static int FreePort(SocketType type)
    {
        lock (Used)
        {
            while (true)
            {
                using var s = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Dgram ? ProtocolType.Udp : ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)s.LocalEndPoint!).Port;
                if (Used.Add(port)) return port;
            }
        }
    }

    private static readonly HashSet<int> Used = [];
}
