using System.Net;
using System.Text;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Every kind of source a channel can have, fed by real ffmpeg senders: a primary with a backup (switch on silence and
/// back once the primary is steady), HTTP pull, a looping file, SRT, and a file that is not there.
/// </summary>
public sealed class ChannelSourceSpecs
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static bool HasAlarm(JsonElement channel, string kind) =>
        channel.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("kind").GetString() == kind);

    private static string? ActiveSource(JsonElement channel) =>
        channel.GetProperty("live").ValueKind == JsonValueKind.Object ? channel.GetProperty("live").GetProperty("activeSource").GetString() : null;

    private static async Task<JsonElement> Eventually(HostProcess node, string id, Func<JsonElement, bool> condition, string what, int seconds = 60) =>
        (await node.EventuallyAsync(async () =>
        {
            var channel = await node.GetJsonAsync($"/api/v1/channels/{id}");
            return condition(channel) ? (JsonElement?)channel : null;
        }, TimeSpan.FromSeconds(seconds), what)) ?? throw new InvalidOperationException(what);

    private static async Task<MediaPlaylist> Segments(HostProcess node, string id, Func<MediaPlaylist, bool> condition, string what) =>
        await node.EventuallyAsync(async () =>
        {
            using var response = await node.Http.GetAsync($"/live/{id}/main/index.m3u8");
            if (!response.IsSuccessStatusCode) return null;
            var playlist = PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
            return condition(playlist) ? playlist : null;
        }, TimeSpan.FromSeconds(60), what);

    private static async Task CreateAndStart(HostProcess node, string json, string id)
    {
        var created = await node.Http.PostAsync("/api/v1/channels", Json(json));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await node.Http.PostAsync($"/api/v1/channels/{id}/start", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_silent_primary_hands_over_to_the_backup_and_takes_over_again_once_steady()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("source-backup") });
        int primaryPort = Repo.FreeUdpPort(), backupPort = Repo.FreeUdpPort();
        var primary = new TsSender(primaryPort);
        using var backup = new TsSender(backupPort);
        await CreateAndStart(node, $$"""{"id":"dual","name":"Dual","number":2,"source":"udp://127.0.0.1:{{primaryPort}}","backupSource":"udp://127.0.0.1:{{backupPort}}"}""", "dual");
        await Eventually(node, "dual", c => c.GetProperty("phase").GetString() == "Live" && ActiveSource(c) == "primary", "dual live on its primary");
        var before = await Segments(node, "dual", p => p.Segments.Count >= 2, "two segments");

        primary.Dispose();
        var onBackup = await Eventually(node, "dual", c => HasAlarm(c, "on-backup") && ActiveSource(c) == "backup", "the switch to the backup");
        Assert.Equal("Degraded", onBackup.GetProperty("phase").GetString());
        Assert.False(HasAlarm(onBackup, "no-input"));
        var switched = await Segments(node, "dual", p => p.Segments.Select((s, i) => (Sequence: p.MediaSequence + i, s.Discontinuity))
                .Any(s => s.Sequence >= before.MediaSequence + before.Segments.Count && s.Discontinuity),
            "backup segments after a discontinuity");
        Assert.True(switched.DiscontinuitySequence >= 0);

        using var again = new TsSender(primaryPort);
        var back = await Eventually(node, "dual", c => !HasAlarm(c, "on-backup") && ActiveSource(c) == "primary", "the return to the primary", 90);
        Assert.Equal("primary", ActiveSource(back));
        await Eventually(node, "dual", c => c.GetProperty("phase").GetString() == "Live", "dual live again");
    }

    [Fact]
    public async Task Http_pull_a_looping_file_and_srt_each_go_live()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("source-kinds") });
        var dir = Repo.TempDir("source-files");
        var file = Path.Combine(dir, "loop.ts");
        using (var writer = new TsSender(file, seconds: 6)) await writer.WaitForExitAsync();
        Assert.True(new FileInfo(file).Length > 0);

        var httpPort = Repo.FreePort();
        using var http = new TsSender($"http://127.0.0.1:{httpPort}/live.ts");
        var srtPort = Repo.FreeUdpPort();
        using var srt = new TsSender($"srt://127.0.0.1:{srtPort}?mode=listener");

        await CreateAndStart(node, $$"""{"id":"pulled","name":"Pulled","number":10,"source":"http://127.0.0.1:{{httpPort}}/live.ts"}""", "pulled");
        await CreateAndStart(node, $$"""{"id":"looped","name":"Looped","number":11,"source":"file://{{file}}"}""", "looped");
        await CreateAndStart(node, $$"""{"id":"secure","name":"Secure","number":12,"source":"srt://127.0.0.1:{{srtPort}}?mode=caller"}""", "secure");

        var first = new Dictionary<string, MediaPlaylist>();
        foreach (var id in new[] { "pulled", "looped", "secure" })
        {
            first[id] = await Segments(node, id, p => p.Segments.Count >= 2, $"two segments of {id}");
            await Eventually(node, id, c => c.GetProperty("phase").GetString() == "Live", $"{id} live");
        }

        // The 6 s file keeps looping past its length: five more 2 s segments after the first two.
        var start = first["looped"].MediaSequence + first["looped"].Segments.Count;
        await Segments(node, "looped", p => p.MediaSequence + p.Segments.Count >= start + 5, "the loop past the file's end");
    }

    [Fact]
    public async Task A_missing_file_fails_the_channel_with_the_reason_and_no_crash()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("source-missing") });
        var missing = Path.Combine(Repo.TempDir("source-none"), "nothing-here.ts");
        await CreateAndStart(node, $$"""{"id":"ghost","name":"Ghost","number":13,"source":"file://{{missing}}"}""", "ghost");

        var failed = await Eventually(node, "ghost", c => c.GetProperty("phase").GetString() == "Failed" && HasAlarm(c, "no-input"), "ghost failed with no input");
        var alarm = failed.GetProperty("alarms").EnumerateArray().First(a => a.GetProperty("kind").GetString() == "no-input").GetProperty("detail").GetString();
        Assert.Contains("nothing-here.ts", alarm);
        Assert.Contains("no input", failed.GetProperty("phaseReason").GetString());
        Assert.False(node.HasExited);
        (await node.Http.GetAsync("/readyz")).EnsureSuccessStatusCode();
    }
}
