using System.Diagnostics;
using System.Net;
using System.Text;
using Inspur.Media.Protection;
using Inspur.Media.Ts;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// An AES-128 channel on a real node: its playlist names keys, its segments are ciphertext that the served key opens
/// (IV = media sequence), ffmpeg plays it over HTTP like a player would, and nonsense around keys gets a problem.
/// </summary>
public sealed class EncryptionSpecs
{
    private const string MasterKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_encrypted_channel_serves_ciphertext_its_key_opens_and_ffmpeg_plays_it()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Repo.TempDir("aes-node"),
            Settings = new Dictionary<string, string> { ["Inspur:Protection:MasterKey"] = MasterKey },
        });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);
        var created = await node.Http.PostAsync("/api/v1/channels",
            Json($$"""{"id":"locked","name":"Locked","number":30,"source":"udp://127.0.0.1:{{port}}","encrypted":true}"""));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.True((await node.GetJsonAsync("/api/v1/channels/locked")).GetProperty("encrypted").GetBoolean());
        (await node.Http.PostAsync("/api/v1/channels/locked/start", null)).EnsureSuccessStatusCode();
        var playlist = await node.SegmentsAsync("locked", 3);

        var segment = playlist.Segments[^1];
        var sequence = playlist.MediaSequence + playlist.Segments.Count - 1;
        var keyUri = Assert.IsType<string>(segment.Key?.Uri);
        Assert.Matches(@"^\.\./keys/\d+\.key$", keyUri);
        Assert.Null(segment.Key!.Iv);
        using var keyResponse = await node.Http.GetAsync($"/live/locked/main/{keyUri}");
        Assert.Equal(HttpStatusCode.OK, keyResponse.StatusCode);
        Assert.True(keyResponse.Headers.CacheControl?.NoStore, $"Cache-Control: {keyResponse.Headers.CacheControl}");
        var key = await keyResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(16, key.Length);

        var cipher = await node.Http.GetByteArrayAsync($"/live/locked/main/{segment.Uri}");
        Assert.Equal(0, cipher.Length % 16);
        Assert.False(cipher.Length >= 376 && cipher[0] == TsConstants.SyncByte && cipher[188] == TsConstants.SyncByte, "an encrypted segment looks like clear TS");
        var plain = SegmentCipher.Decrypt(cipher, key, SegmentCipher.SequenceIv(sequence));
        Assert.Equal(0, plain.Length % TsConstants.PacketSize);
        for (var i = 0; i < plain.Length; i += TsConstants.PacketSize) Assert.Equal(TsConstants.SyncByte, plain[i]);

        // A player's view: ffmpeg fetches playlist, key and segments over HTTP and decodes video.
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
            ["-v", "error", "-i", node.HttpUrl + "/live/locked/main/index.m3u8", "-t", "3", "-map", "0:v", "-f", "framecrc", "-"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        var frames = (await ffmpeg.StandardOutput.ReadToEndAsync()).Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, await stderr);
        Assert.True(frames >= 25, $"{frames} frames decoded: {await stderr}");

        // Its archive is encrypted as well, and stays so once the channel has stopped.
        var from = await node.EventuallyAsync(async () =>
        {
            var main = (await node.GetJsonAsync("/api/v1/channels/locked/archive")).GetProperty("renditions").EnumerateArray().FirstOrDefault();
            if (main.ValueKind != System.Text.Json.JsonValueKind.Object || main.GetProperty("earliest").ValueKind == System.Text.Json.JsonValueKind.Null) return null;
            var earliest = main.GetProperty("earliest").GetDateTimeOffset();
            return main.GetProperty("latest").GetDateTimeOffset() - earliest >= TimeSpan.FromSeconds(8) ? (DateTimeOffset?)earliest : null;
        }, TimeSpan.FromSeconds(90), "8 s archived of locked");
        (await node.Http.PostAsync("/api/v1/channels/locked/stop", null)).EnsureSuccessStatusCode();
        var archived = $"/archive/locked/main/index-{from!.Value.ToUnixTimeSeconds() + 1}-6.m3u8";
        var vod = Inspur.Media.Hls.PlaylistParser.ParseMedia(await node.Http.GetStringAsync(archived));
        Assert.All(vod.Segments, s => Assert.Matches(@"^\.\./keys/\d+\.key$", s.Key?.Uri ?? ""));
        Assert.All(vod.Segments, s => Assert.Equal(16, s.Key!.Iv?.Length));
        var first = vod.Segments[0];
        var archiveKey = await node.Http.GetByteArrayAsync($"/archive/locked/main/{first.Key!.Uri}");
        var archivedPlain = SegmentCipher.Decrypt(await node.Http.GetByteArrayAsync($"/archive/locked/main/{first.Uri}"), archiveKey, first.Key.Iv!);
        for (var i = 0; i < archivedPlain.Length; i += TsConstants.PacketSize) Assert.Equal(TsConstants.SyncByte, archivedPlain[i]);
        using var replay = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", node.HttpUrl + archived, "-map", "0:v", "-f", "framecrc", "-"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var replayErrors = replay.StandardError.ReadToEndAsync();
        var replayed = (await replay.StandardOutput.ReadToEndAsync()).Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
        await replay.WaitForExitAsync();
        Assert.True(replay.ExitCode == 0 && replayed >= 100, $"{replayed} frames of the archive decoded: {await replayErrors}");
    }

    [Fact]
    public async Task Keys_are_refused_for_bad_names_clear_channels_periods_outside_the_window_and_unknown_channels()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("aes-refusals"), DemoChannels = 1 });
        await node.SegmentsAsync("demo-1", 1);
        var keys = new ContentKeys(new byte[32], TimeSpan.FromHours(1));

        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/live/demo-1/keys/..%2fmaster.key"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/live/demo-1/keys/abc.key"), HttpStatusCode.BadRequest);
        var now = keys.Epoch(DateTimeOffset.UtcNow);
        var clear = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/live/demo-1/keys/{now}.key"), HttpStatusCode.NotFound);
        Assert.Contains("not encrypted", clear.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/live/nowhere/keys/{now}.key"), HttpStatusCode.NotFound);
        var clearArchive = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/demo-1/keys/{now}.key"), HttpStatusCode.NotFound);
        Assert.Contains("not encrypted", clearArchive.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/archive/demo-1/keys/1.2.key"), HttpStatusCode.BadRequest);
        var clearShift = await node.EventuallyAsync(async () =>
        {
            using var shifted = await node.Http.GetAsync("/archive/demo-1/main/timeshift.m3u8?offset=0");
            return shifted.IsSuccessStatusCode ? await shifted.Content.ReadAsStringAsync() : null;
        }, TimeSpan.FromSeconds(60), "demo-1 archived");
        Assert.DoesNotContain("#EXT-X-KEY", clearShift);

        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);
        (await node.Http.PostAsync("/api/v1/channels",
            Json($$"""{"id":"locked","name":"Locked","number":31,"source":"udp://127.0.0.1:{{port}}","encrypted":true}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/locked/start", null)).EnsureSuccessStatusCode();
        var playlist = await node.SegmentsAsync("locked", 1);
        var epoch = long.Parse(playlist.Segments[^1].Key!.Uri["../keys/".Length..^".key".Length]);
        (await node.Http.GetAsync($"/live/locked/keys/{epoch}.key")).EnsureSuccessStatusCode();
        var old = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/live/locked/keys/{epoch - 5}.key"), HttpStatusCode.NotFound);
        Assert.Contains("outside its live window", old.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/live/locked/keys/{epoch + 5}.key"), HttpStatusCode.NotFound);
        (await node.Http.GetAsync($"/archive/locked/keys/{epoch}.key")).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/locked/keys/{epoch + 5}.key"), HttpStatusCode.NotFound);
    }
}

/// <summary>
/// Channel configurations that cannot be encrypted as asked, refused on one plain node: none is created, so the node's
/// channel list stays empty whichever of them ran before.
/// </summary>
public sealed class EncryptionConfigSpecs(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"id":"ll-aes","name":"LL","number":32,"lowLatency":true,"encrypted":true}""", "encrypted")]
    [InlineData("""{"id":"bad-aes","name":"Bad","number":33,"encrypted":"yes"}""", "encrypted")]
    [InlineData("""{"id":"keys-rung","name":"Rung","number":34,"transcode":{"ladder":[{"name":"keys","width":640,"height":360,"videoKbps":800}]}}""", "transcode")]
    public async Task A_channel_that_cannot_be_encrypted_as_asked_is_refused_and_not_created(string body, string field)
    {
        var node = fixture.Node;
        var problem = await ProblemAssert.IsProblemAsync(await node.Http.PostAsync("/api/v1/channels", Json(body)), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var list = await node.GetJsonAsync("/api/v1/channels");
        Assert.Equal(0, list.GetArrayLength());
    }
}
