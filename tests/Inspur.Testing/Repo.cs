using System.Net;
using System.Net.Sockets;

namespace Inspur.Testing;

/// <summary>Paths in the repository the tests run from, and free loopback ports.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, as the test assembly was built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string HostDll => Output("Inspur.Host", "Inspur.Host.dll");

    public static string PbmDll => Output("Inspur.Cmd", "pbm.dll");

    public static string Output(string project, string file)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; build the solution first", path);
    }

    /// <summary>
    /// A TCP port nobody listens on right now (the OS picks it), and never one this process handed out before: a port is
    /// only bound later by the node it is for, so the OS may offer it again meanwhile (a node's HTTP and Akka ports once
    /// came out the same, and the second bind failed).
    /// </summary>
    public static int FreePort() => Unique(HandedOutTcp, () =>
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    });

    /// <summary>A UDP port on loopback nobody is bound to right now (the OS picks it), never one handed out before.</summary>
    public static int FreeUdpPort() => Unique(HandedOutUdp, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    });

    private static readonly HashSet<int> HandedOutTcp = [];
    private static readonly HashSet<int> HandedOutUdp = [];

    private static int Unique(HashSet<int> handedOut, Func<int> pick)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = pick();
            lock (handedOut)
            {
                if (handedOut.Add(port)) return port;
            }
        }

        throw new InvalidOperationException("the OS kept offering ports this process already handed out");
    }

    /// <summary>A fresh folder under the system temp folder, deleted by the caller.</summary>
    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Inspur.Akka.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException($"no Inspur.Akka.sln above {AppContext.BaseDirectory}");
    }
}
