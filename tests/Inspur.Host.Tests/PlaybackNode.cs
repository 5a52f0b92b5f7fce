using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// One real node for the playback specs: two playback keys (<c>k1</c> rotated out, <c>k2</c> signing), a 4 s idle timeout
/// and 1 s heartbeats, a live channel <c>gate</c> fed by ffmpeg and archived as it plays, a package of it that viewers'
/// accounts order, and a sentinel file in the data folder, outside every media root.
/// </summary>
public sealed class PlaybackNodeFixture : IAsyncLifetime
{
    public const string Channel = "gate";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);
    public static readonly byte[] OldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] SigningKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private TsSender? _sender;

    public HostProcess Node { get; private set; } = null!;

    /// <summary>Accounts with the <c>gate-pkg</c> package; sessions are started by the playback API.</summary>
    public Viewers Viewers { get; private set; } = null!;
    public string DataDir { get; } = Repo.TempDir("playback-specs");
    public string SentinelPath => Path.Combine(DataDir, "sentinel-secret.txt");
    public string Sentinel { get; } = $"SENTINEL-{Guid.NewGuid():N}";
    public TokenKeyRing Keys { get; } = new(new Dictionary<string, byte[]> { ["k1"] = OldKey, ["k2"] = SigningKey }, "k2");

    public static Dictionary<string, string> KeySettings() => new()
    {
        ["Inspur:Playback:Keys:k1"] = Convert.ToBase64String(OldKey),
        ["Inspur:Playback:Keys:k2"] = Convert.ToBase64String(SigningKey),
        ["Inspur:Playback:SigningKey"] = "k2",
    };

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(SentinelPath, Sentinel);
        var settings = KeySettings();
        foreach (var (key, value) in Viewers.Settings()) settings[key] = value;
        // acct-1 stands for many players here and asks for dozens of playbacks in a row, and the traversal corpus sends
        // thousands of requests through one token: both limits are off on this node; RateLimitSpecs covers them.
        settings["Inspur:RateLimits:Grant:PerSecond"] = "0";
        settings["Inspur:RateLimits:Media:PerSecond"] = "0";
        settings["Inspur:Playback:IdleTimeout"] = IdleTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Inspur:Playback:HeartbeatInterval"] = "1";
        var port = Repo.FreeUdpPort();
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = DataDir, Settings = settings }, async node =>
        {
            _sender = new TsSender(port, seconds: 900);
            (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"{{Channel}}","name":"Gate","number":7,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
            (await node.Http.PostAsync($"/api/v1/channels/{Channel}/start", null)).EnsureSuccessStatusCode();
            await node.SegmentsAsync(Channel, 3);
            await ArchivedSegmentAsync(node);
        });
        Viewers = new Viewers(Node, new BossClient(Node));
        await Viewers.PackageAsync("gate-pkg", Channel);
    }

    public async Task DisposeAsync()
    {
        _sender?.Dispose();
        await Node.DisposeAsync();
    }

    public HttpClient Http => Node.Http;

    /// <summary>A token as the playback API will issue it, signed by the test with the node's key (k2 unless told).</summary>
    public string Token(string session, ContentKind kind = ContentKind.Live, string channel = Channel, string subscriber = "acct-1", TimeSpan? life = null,
        DateTimeOffset? issued = null, string key = "k2")
    {
        var at = issued ?? DateTimeOffset.UtcNow;
        var ring = new TokenKeyRing(new Dictionary<string, byte[]> { ["k1"] = OldKey, ["k2"] = SigningKey }, key);
        return PlaybackToken.Sign(new PlaybackClaims(new SessionId(session), subscriber, "stb-1", new PlaybackContent(kind, channel), at, at + (life ?? TimeSpan.FromHours(1))), ring);
    }

    /// <summary>
    /// Starts a session as a viewer does: the account (opened with the package on first use, up to 100 streams) asks
    /// <c>POST /api/v1/playback</c>; answers the session id. <paramref name="position"/> is extra JSON for an archive start.
    /// </summary>
    public async Task<string> StartSessionAsync(string content = "live", string subscriber = "acct-1", string position = "")
    {
        await Viewers.EnsureAccountAsync(subscriber, "gate-pkg", streams: 100);
        var grant = await Viewers.GrantedAsync(subscriber, content == "live"
            ? $$"""{"channel":"{{Channel}}"}"""
            : $$"""{"channel":"{{Channel}}","kind":"{{content}}"{{position}}}""");
        return grant.GetProperty("session").GetString()!;
    }

    public Task<JsonElement> SessionAsync(string id) => Viewers.SessionAsync(id);

    /// <summary>The session once <paramref name="until"/> holds.</summary>
    public async Task<JsonElement> SessionAsync(string id, Func<JsonElement, bool> until, string what) =>
        (await Node.EventuallyAsync(async () =>
        {
            var session = await SessionAsync(id);
            return until(session) ? (JsonElement?)session : null;
        }, TimeSpan.FromSeconds(30), what)) ?? throw new InvalidOperationException(what);

    /// <summary>The path (below <c>/archive/gate/main/</c>) of an archived segment.</summary>
    public string ArchivedSegment { get; private set; } = "";

    private async Task ArchivedSegmentAsync(HostProcess node)
    {
        ArchivedSegment = await node.EventuallyAsync(async () =>
        {
            var from = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
            using var response = await node.Http.GetAsync($"/archive/{Channel}/main/index-{from}-900.m3u8");
            if (!response.IsSuccessStatusCode) return null;
            var playlist = Inspur.Media.Hls.PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
            return playlist.Segments.Count >= 2 ? playlist.Segments[0].Uri : null;
        }, TimeSpan.FromSeconds(90), "two archived segments of gate");
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

[CollectionDefinition(Name)]
public sealed class PlaybackNodeCollection : ICollectionFixture<PlaybackNodeFixture>
{
    public const string Name = "playback node";
}

/// <summary>
/// HTTP/1.1 over a plain socket, so a request target reaches the server byte for byte: HttpClient would resolve
/// <c>../</c> and re-encode before sending, which would test the client rather than the node.
/// </summary>
public static class RawHttp
{
    public static async Task<(int Status, string ContentType, byte[] Body)> GetAsync(string host, int port, string target)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"));
        using var buffer = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(buffer, limit.Token);
        var bytes = buffer.ToArray();
        var head = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var status = int.Parse(head.Split(' ')[1]);
        var type = head[..Math.Max(end, 0)].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim() ?? "";
        return (status, type, end < 0 ? [] : bytes[(end + 4)..]);
    }
}
