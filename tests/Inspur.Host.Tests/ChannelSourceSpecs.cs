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
        await node.ChannelAsync("dual", c => c.Phase() == "Live" && c.ActiveSource() == "primary", "dual live on its primary");
        var before = await node.SegmentsAsync("dual", 2);

        primary.Dispose();
        var onBackup = await node.ChannelAsync("dual", c => c.HasAlarm("on-backup") && c.ActiveSource() == "backup", "the switch to the backup");
        Assert.Equal("Degraded", onBackup.GetProperty("phase").GetString());
        Assert.False(onBackup.HasAlarm("no-input"));
        var switched = await node.PlaylistAsync("/live/dual/main/index.m3u8", p => p.Segments.Select((s, i) => (Sequence: p.MediaSequence + i, s.Discontinuity))
                .Any(s => s.Sequence >= before.MediaSequence + before.Segments.Count && s.Discontinuity),
            "backup segments after a discontinuity");
        Assert.True(switched.DiscontinuitySequence >= 0);

        using var again = new TsSender(primaryPort);
        var back = await node.ChannelAsync("dual", c => !c.HasAlarm("on-backup") && c.ActiveSource() == "primary", "the return to the primary", 90);
        Assert.Equal("primary", back.ActiveSource());
        await node.ChannelAsync("dual", c => c.Phase() == "Live", "dual live again");
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
            first[id] = await node.SegmentsAsync(id, 2);
            await node.ChannelAsync(id, c => c.Phase() == "Live", $"{id} live");
        }

        // The 6 s file keeps looping past its length: five more 2 s segments after the first two.
        var start = first["looped"].MediaSequence + first["looped"].Segments.Count;
        await node.PlaylistAsync("/live/looped/main/index.m3u8", p => p.MediaSequence + p.Segments.Count >= start + 5, "the loop past the file's end");
    }

    [Fact]
    public async Task A_missing_file_fails_the_channel_with_the_reason_and_no_crash()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("source-missing") });
        var missing = Path.Combine(Repo.TempDir("source-none"), "nothing-here.ts");
        await CreateAndStart(node, $$"""{"id":"ghost","name":"Ghost","number":13,"source":"file://{{missing}}"}""", "ghost");

        var failed = await node.ChannelAsync("ghost", c => c.Phase() == "Failed" && c.HasAlarm("no-input"), "ghost failed with no input");
        var alarm = failed.AlarmDetail("no-input");
        Assert.Contains("nothing-here.ts", alarm);
        Assert.Contains("no input", failed.GetProperty("phaseReason").GetString());
        Assert.False(node.HasExited);
        (await node.Http.GetAsync("/readyz")).EnsureSuccessStatusCode();
    }
}
