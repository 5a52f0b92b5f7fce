using System.Net;
using System.Net.Sockets;
using System.Text;
using Inspur.Domain.Ops;

namespace Inspur.Host.Ops;

/// <summary>Where this node's ops endpoint listens: <c>petabridge.cmd.hocon</c>, overridden by <c>Inspur:Ops:Host</c> / <c>Inspur:Ops:Port</c>.</summary>
public sealed record OpsEndpointSettings(string Host, int Port)
{
    public static OpsEndpointSettings Read(IConfiguration configuration)
    {
        var file = configuration["Inspur:Ops:ConfigFile"] ?? Path.Combine(AppContext.BaseDirectory, OpsEndpointAddress.FileName);
        var fromFile = OpsEndpointAddress.FromFile(file);
        var port = configuration["Inspur:Ops:Port"] is { } p
            ? int.TryParse(p, out var parsed) && parsed is >= 0 and <= 65535 ? parsed : throw new InvalidOperationException($"Inspur:Ops:Port '{p}' is not a port number")
            : fromFile.Port;
        return new OpsEndpointSettings(configuration["Inspur:Ops:Host"] ?? fromFile.Host, port);
    }
}

/// <summary>The TCP endpoint <c>pbm</c> talks to: one JSON request per line, one JSON response per line, many per connection.</summary>
public sealed class OpsEndpoint(OpsEndpointSettings settings, OpsCommands commands, ILogger<OpsEndpoint> log) : BackgroundService
{
    public const int MaxLineLength = 16 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = IPAddress.TryParse(settings.Host, out var ip) ? ip : (await Dns.GetHostAddressesAsync(settings.Host, stoppingToken))[0];
        var listener = new TcpListener(address, settings.Port);
        listener.Start();
        log.LogInformation("ops endpoint (pbm) listening on {Endpoint}", listener.LocalEndpoint);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = ServeAsync(client, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var response = line.Length > MaxLineLength
                    ? new OpsWire.Response(OpsWire.ExitCodes.Usage, $"request longer than {MaxLineLength} characters")
                    : await HandleAsync(line, ct);
                await writer.WriteLineAsync(OpsWire.Encode(response));
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            log.LogDebug(ex, "ops connection closed");
        }
    }

    private async Task<OpsWire.Response> HandleAsync(string line, CancellationToken ct)
    {
        OpsWire.Request? request;
        try
        {
            request = OpsWire.Decode<OpsWire.Request>(line);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return new OpsWire.Response(OpsWire.ExitCodes.Usage, $"malformed request: {ex.Message}");
        }

        if (request?.Command is not { Count: > 0 } words)
            return new OpsWire.Response(OpsWire.ExitCodes.Usage, "empty command; try 'help'");
        try
        {
            return await commands.ExecuteAsync(words, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "ops command {Command} failed", string.Join(' ', words));
            return new OpsWire.Response(OpsWire.ExitCodes.Failed, $"{string.Join(' ', words)} failed: {ex.Message}");
        }
    }
}
