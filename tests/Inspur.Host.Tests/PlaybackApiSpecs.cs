using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Inspur.Domain.Security;
using Inspur.Domain.Subscribers;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// A real node with the BOSS, access and playback keys configured and one encrypted channel <c>news</c> fed by ffmpeg:
/// accounts and a package made through the signed BOSS API, access tokens as sign-in issues them.
/// </summary>
public sealed class PlaybackApiFixture : IAsyncLifetime
{
    public const string Channel = "news";

    private TsSender? _sender;

    public HostProcess Node { get; private set; } = null!;

    public BossClient Boss => Viewers.Boss;

    public Viewers Viewers { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = Viewers.Settings();
        foreach (var (key, value) in PlaybackNodeFixture.KeySettings()) settings[key] = value;
        settings["Inspur:Playback:IdleTimeout"] = "30";
        settings["Inspur:Protection:MasterKey"] = Convert.ToBase64String(new byte[32]);
        var port = Repo.FreeUdpPort();
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("playback-api"), Settings = settings }, async node =>
        {
            _sender = new TsSender(port, seconds: 900);
            using var created = await node.Http.PostAsync("/api/v1/channels",
                new StringContent($$"""{"id":"{{Channel}}","name":"News","number":8,"source":"udp://127.0.0.1:{{port}}","encrypted":true}""", Encoding.UTF8, "application/json"));
            created.EnsureSuccessStatusCode();
            (await node.Http.PostAsync($"/api/v1/channels/{Channel}/start", null)).EnsureSuccessStatusCode();
            await node.SegmentsAsync(Channel, 3);
        });
        Viewers = new Viewers(Node, new BossClient(Node));
        await Viewers.PackageAsync("news-pkg", Channel);
    }

    public async Task DisposeAsync()
    {
        _sender?.Dispose();
        await Node.DisposeAsync();
    }

    /// <summary>An account with the news package and the given stream limit, its set-top box signed in (its token kept).</summary>
    public Task<string> AccountAsync(string id, int streams = 2, bool entitled = true) => Viewers.AccountAsync(id, entitled ? "news-pkg" : null, streams);

    /// <summary>The access token the account's set-top box got at sign-in.</summary>
    public string SignedIn(string subscriber) => Viewers.SignedIn(subscriber);

    /// <summary>A token minted with the node's access key, for the cases sign-in never issues (expired, unknown account).</summary>
    public static string Token(string subscriber, string device = Viewers.Device, TimeSpan? life = null, DateTimeOffset? issued = null) =>
        Viewers.Token(subscriber, device, life, issued);

    public Task<HttpResponseMessage> PlayAsync(string? token, string json) => Viewers.PlayAsync(token, json);

    public Task<JsonElement> GrantedAsync(string subscriber, string json = """{"channel":"news"}""") => Viewers.GrantedAsync(subscriber, json);

    public static string Key() => Viewers.Key();
}

/// <summary>The playback API and session kick specs: accounts of their own ids on one node with the encrypted channel.</summary>
[CollectionDefinition(Name)]
public sealed class PlaybackApiCollection : ICollectionFixture<PlaybackApiFixture>
{
    public const string Name = "playback api node";
}

[Collection(PlaybackApiCollection.Name)]
public sealed class PlaybackApiSpecs(PlaybackApiFixture fixture)
{
    private HttpClient Http => fixture.Node.Http;

    private async Task<string> TextAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode} {text}");
        return text;
    }

    /// <summary>The master, media playlist, newest segment and its key, all through the granted URL's gate.</summary>
    private async Task<(string Segment, string Key)> ObjectsAsync(string url)
    {
        var master = PlaylistParser.ParseMaster(await TextAsync(url));
        var media = url[..(url.LastIndexOf('/') + 1)] + master.Variants[0].Uri;
        var playlist = PlaylistParser.ParseMedia(await TextAsync(media));
        var folder = media[..(media.LastIndexOf('/') + 1)];
        return (folder + playlist.Segments[^1].Uri, new Uri(new Uri("http://x" + folder), playlist.Segments[^1].Key!.Uri).AbsolutePath);
    }

    [Fact]
    public async Task An_entitled_subscriber_plays_its_granted_url_and_a_suspend_refuses_the_next_segment_and_key()
    {
        var id = await fixture.AccountAsync("viewer-1");
        var grant = await fixture.GrantedAsync(id);
        var url = grant.GetProperty("url").GetString()!;
        Assert.StartsWith("/p/", url);
        Assert.Equal("news-pkg", grant.GetProperty("via").GetString());
        var session = await fixture.Viewers.SessionAsync(grant.GetProperty("session").GetString()!);
        Assert.Equal("viewer-1", session.GetProperty("subscriber").GetString());

        var (segment, key) = await ObjectsAsync(url);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(segment)).StatusCode);
        Assert.Equal(16, (await Http.GetByteArrayAsync(key)).Length);
        Assert.StartsWith("/p/", key);

        var suspendKey = PlaybackApiFixture.Key();
        await fixture.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/suspend", """{"reason":"unpaid"}""", suspendKey);

        // Revoked on this node as the suspend answered: the very next requests are refused.
        var refused = await ProblemAssert.IsProblemAsync(await Http.GetAsync(segment), HttpStatusCode.Forbidden);
        Assert.Equal("Playback revoked", refused.GetProperty("title").GetString());
        await ProblemAssert.IsProblemAsync(await Http.GetAsync(key), HttpStatusCode.Forbidden);
        var again = await ProblemAssert.IsProblemAsync(await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}"""), HttpStatusCode.Forbidden);
        Assert.Equal("Account suspended", again.GetProperty("title").GetString());

        await fixture.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/resume", null, PlaybackApiFixture.Key());
        // Granted right after the resume, the new URL plays (its token is issued after the revocation).
        var resumed = (await fixture.GrantedAsync(id)).GetProperty("url").GetString()!;
        var (segmentAgain, _) = await ObjectsAsync(resumed);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(segmentAgain)).StatusCode);

        // The BOSS retries the old suspend (same idempotency key): the same receipt, and the revocation is the old one's,
        // so the playback granted after the resume goes on.
        await fixture.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{id}/suspend", """{"reason":"unpaid"}""", suspendKey);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(segmentAgain)).StatusCode);
    }

    [Fact]
    public async Task The_third_stream_with_a_limit_of_two_is_refused_until_one_stops()
    {
        var id = await fixture.AccountAsync("viewer-2", streams: 2);
        var first = (await fixture.GrantedAsync(id)).GetProperty("session").GetString()!;
        var second = (await fixture.GrantedAsync(id)).GetProperty("session").GetString()!;

        var third = await ProblemAssert.IsProblemAsync(await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}"""), HttpStatusCode.Conflict);
        Assert.Equal("Stream limit reached", third.GetProperty("title").GetString());
        Assert.Equal(2, third.GetProperty("limit").GetInt32());
        Assert.Equal(new[] { first, second }.Order(), third.GetProperty("activeSessions").EnumerateArray().Select(s => s.GetString()).Order());

        (await fixture.Viewers.SessionRequestAsync(first, HttpMethod.Post, $"/api/v1/sessions/{first}/stop")).EnsureSuccessStatusCode();
        var freed = await fixture.Node.EventuallyAsync(async () =>
        {
            using var response = await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}""");
            return response.StatusCode == HttpStatusCode.Created ? (bool?)true : null;
        }, TimeSpan.FromSeconds(30), "a stream freed by the stop");
        Assert.True(freed);
        await ProblemAssert.IsProblemAsync(await fixture.PlayAsync(fixture.SignedIn(id), """{"channel":"news"}"""), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Archive_playback_behind_live_gets_an_archive_url_the_gate_serves()
    {
        var id = await fixture.AccountAsync("viewer-3");
        var url = await fixture.Node.EventuallyAsync(async () =>
        {
            var grant = await fixture.GrantedAsync(id, """{"channel":"news","kind":"archive","behindLive":4}""");
            var granted = grant.GetProperty("url").GetString()!;
            using var playlist = await Http.GetAsync(granted);
            if (playlist.StatusCode == HttpStatusCode.OK) return granted;
            var session = grant.GetProperty("session").GetString()!;
            await fixture.Viewers.SessionRequestAsync(session, HttpMethod.Post, $"/api/v1/sessions/{session}/stop");
            return null;
        }, TimeSpan.FromSeconds(60), "an archive playlist 4 s behind live");

        Assert.Contains("/archive/news/main/timeshift.m3u8?offset=4", url);
        Assert.Contains("#EXT-X-KEY:METHOD=AES-128", await Http.GetStringAsync(url));
    }

    [Theory]
    [InlineData(null, 401, "Sign-in required")]
    [InlineData("Basic dXNlcjpwYXNz", 401, "Invalid access token")]
    [InlineData("Bearer a1.garbage.sig", 401, "Invalid access token")]
    [InlineData("expired", 401, "Access token expired")]
    [InlineData("tampered", 401, "Invalid access token")]
    [InlineData("unknown-account", 401, "Access token no longer valid")]
    [InlineData("revoked", 401, "Access token no longer valid")]
    [InlineData("not-entitled", 403, "Not entitled")]
    public async Task A_request_without_a_valid_sign_in_or_entitlement_starts_nothing(string? who, int status, string title)
    {
        var viewer = await fixture.AccountAsync($"viewer-{Guid.NewGuid():N}"[..20], streams: 1);
        var token = fixture.SignedIn(viewer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/playback") { Content = new StringContent("""{"channel":"news"}""", Encoding.UTF8, "application/json") };
        switch (who)
        {
            case null:
                break;
            case "expired":
                request.Headers.Authorization = new("Bearer", PlaybackApiFixture.Token(viewer, issued: DateTimeOffset.UtcNow.AddHours(-2)));
                break;
            case "tampered":
                request.Headers.Authorization = new("Bearer", token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1]);
                break;
            case "unknown-account":
                request.Headers.Authorization = new("Bearer", PlaybackApiFixture.Token("nobody-here"));
                break;
            case "revoked":
                var signedOut = await fixture.AccountAsync($"out-{Guid.NewGuid():N}"[..20]);
                await fixture.Boss.JsonAsync(HttpMethod.Post, $"/subscribers/{signedOut}/revoke-tokens", null, PlaybackApiFixture.Key());
                request.Headers.Authorization = new("Bearer", fixture.SignedIn(signedOut));
                break;
            case "not-entitled":
                var bare = $"bare-{Guid.NewGuid():N}"[..20];
                await fixture.AccountAsync(bare, entitled: false);
                request.Headers.Authorization = new("Bearer", fixture.SignedIn(bare));
                break;
            default:
                request.Headers.TryAddWithoutValidation("Authorization", who);
                break;
        }

        using var response = await Http.SendAsync(request);
        var problem = await ProblemAssert.IsProblemAsync(response, (HttpStatusCode)status);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        if (status == 401) Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());

        // The viewer's single stream is still free: nothing above took it.
        var granted = await fixture.GrantedAsync(viewer);
        var stopped = granted.GetProperty("session").GetString()!;
        (await fixture.Viewers.SessionRequestAsync(stopped, HttpMethod.Post, $"/api/v1/sessions/{stopped}/stop")).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("""{"channel":"news","speed":2}""", "speed")]
    [InlineData("""{"channel":"Not A Channel"}""", "channel")]
    [InlineData("""{}""", "channel")]
    [InlineData("""{"channel":"news","kind":"vod"}""", "kind")]
    [InlineData("""{"channel":"news","behindLive":10}""", "kind")]
    [InlineData("""{"channel":"news","kind":"archive"}""", "position")]
    [InlineData("""{"channel":"news","kind":"archive","behindLive":0}""", "behindLive")]
    [InlineData("""{"channel":"news","kind":"archive","behindLive":5,"position":"2026-12-01T10:00:00Z"}""", "position")]
    [InlineData("""{"channel":"news","kind":"archive","position":"2999-01-01T00:00:00Z"}""", "position")]
    [InlineData("""{"channel":"news","kind":"archive","position":"yesterday"}""", "position")]
    public async Task Bad_playback_requests_are_refused_naming_the_field(string json, string field)
    {
        var id = await fixture.AccountAsync($"bad-{Guid.NewGuid():N}"[..20], streams: 1);
        var problem = await ProblemAssert.IsProblemAsync(await fixture.PlayAsync(fixture.SignedIn(id), json), HttpStatusCode.BadRequest);
        if (field != "body") Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await fixture.GrantedAsync(id);
    }
}
