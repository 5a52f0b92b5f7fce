using System.Text.Json;

namespace Inspur.Domain.Ops;

/// <summary>
/// The wire format between <c>pbm</c> and a node's ops endpoint: one JSON object per line each way over TCP.
/// A request names the command words; a response carries the text to print and the exit code for the CLI.
/// </summary>
public static class OpsWire
{
    public const int DefaultPort = 9110;

    /// <summary>Exit codes shared by the endpoint and the CLI.</summary>
    public static class ExitCodes
    {
        public const int Ok = 0;
        public const int Failed = 1;
        public const int Usage = 2;
        public const int Unreachable = 3;
    }

    public sealed record Request(IReadOnlyList<string> Command);

    public sealed record Response(int ExitCode, string Output);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Encode<T>(T message) => JsonSerializer.Serialize(message, Options);

    public static T? Decode<T>(string line) => JsonSerializer.Deserialize<T>(line, Options);
}

/// <summary>Where a node's ops endpoint listens, as <c>petabridge.cmd { host, port }</c> in <c>petabridge.cmd.hocon</c> says.</summary>
public sealed record OpsEndpointAddress(string Host, int Port)
{
    public const string FileName = "petabridge.cmd.hocon";

    public static readonly OpsEndpointAddress Default = new("127.0.0.1", OpsWire.DefaultPort);

    /// <summary>Reads the file; a missing file gives the default, a malformed one is an error naming the file.</summary>
    public static OpsEndpointAddress FromFile(string path)
    {
        if (!File.Exists(path)) return Default;
        string host;
        int port;
        try
        {
            var config = Akka.Configuration.ConfigurationFactory.ParseString(File.ReadAllText(path));
            host = config.GetString("petabridge.cmd.host", Default.Host);
            port = config.GetInt("petabridge.cmd.port", Default.Port);
        }
        catch (Exception ex) when (ex is not IOException)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(host)) throw new FormatException($"{path}: petabridge.cmd.host is empty");
        if (port is < 1 or > 65535) throw new FormatException($"{path}: petabridge.cmd.port {port} is not a port (1-65535)");
        return new OpsEndpointAddress(host, port);
    }

    /// <summary>Parses <c>host:port</c> (IPv6 as <c>[::1]:9110</c>).</summary>
    public static bool TryParse(string text, out OpsEndpointAddress address)
    {
        address = Default;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535) return false;
        if (host.Contains(':') && !text.StartsWith('[')) return false;
        address = new OpsEndpointAddress(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
