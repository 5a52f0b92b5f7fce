using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Time shift over HTTP on a real node: a channel fed by ffmpeg is archived as it plays; a range addressed by time comes
/// back as a VOD playlist positioned at the asked time that ffmpeg plays through; live-with-offset slides; the archive
/// survives a restart; and every bad request is a problem, never a file outside the archive.
/// </summary>
public sealed class TimeShiftSpecs
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(DateTimeOffset From, DateTimeOffset To)> ArchivedAsync(HostProcess node, string id, TimeSpan atLeast) =>
        (await node.EventuallyAsync<(DateTimeOffset, DateTimeOffset)?>(async () =>
        {
            var archive = await node.GetJsonAsync($"/api/v1/channels/{id}/archive");
            var main = archive.GetProperty("renditions").EnumerateArray().FirstOrDefault(r => r.GetProperty("name").GetString() == "main");
            if (main.ValueKind != JsonValueKind.Object || main.GetProperty("earliest").ValueKind == JsonValueKind.Null) return null;
            var from = main.GetProperty("earliest").GetDateTimeOffset();
            var to = main.GetProperty("latest").GetDateTimeOffset();
            return to - from >= atLeast ? (from, to) : null;
        }, TimeSpan.FromSeconds(90), $"{atLeast.TotalSeconds} s archived of {id}")) ?? throw new InvalidOperationException();

    [Fact]
    public async Task A_range_by_time_is_a_positioned_vod_that_plays_and_the_archive_outlives_a_restart()
    {
        var dir = Repo.TempDir("timeshift");
        var port = Repo.FreeUdpPort();
        DateTimeOffset from, to;
        await using (var node = await HostProcess.StartAsync(new HostOptions { DataDir = dir }))
        {
            using var sender = new TsSender(port);
            (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"shift","name":"Shift","number":1,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
            (await node.Http.PostAsync("/api/v1/channels/shift/start", null)).EnsureSuccessStatusCode();
            (from, to) = await ArchivedAsync(node, "shift", TimeSpan.FromSeconds(12));

            // Pause-live: a live playlist a few seconds behind the edge.
            var offset = PlaylistParser.ParseMedia(await node.Http.GetStringAsync("/archive/shift/main/timeshift.m3u8?offset=4"));
            Assert.False(offset.EndList);
            Assert.NotEmpty(offset.Segments);
            await node.StopAsync();
        }

        // Restarted without a source: the archive is rediscovered from disk and still served.
        await using var again = await HostProcess.StartAsync(new HostOptions { DataDir = dir });
        var asked = from + TimeSpan.FromSeconds(3.3);
        var url = $"/archive/shift/main/index-{asked.ToUnixTimeSeconds()}-8.m3u8";
        using var response = await again.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var playlist = PlaylistParser.ParseMedia(text);
        Assert.True(playlist.EndList, text);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", text);
        var first = playlist.Segments[0].ProgramDateTime!.Value;
        var wanted = DateTimeOffset.FromUnixTimeSeconds(asked.ToUnixTimeSeconds());
        Assert.True((wanted - first).Duration() <= TimeSpan.FromSeconds(2.1), $"first segment at {first:O} for {wanted:O}");
        Assert.Contains("#EXT-X-START:TIME-OFFSET=", text);

        // The same range as ?start=&duration= (ISO 8601), and a segment by its path.
        var iso = wanted.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        Assert.Equal(text, await again.Http.GetStringAsync($"/archive/shift/main/index.m3u8?start={iso}&duration=8"));
        using var segment = await again.Http.GetAsync("/archive/shift/main/" + playlist.Segments[0].Uri);
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal("public, max-age=86400, immutable", segment.Headers.CacheControl?.ToString());
        var bytes = await segment.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 188 && bytes[0] == 0x47 && bytes[188] == 0x47);

        // ffmpeg plays it through from HTTP with no error.
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", again.HttpUrl + url, "-f", "null", "-"]) { RedirectStandardError = true })!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0 && errors.Length == 0, errors);

        // The availability map for the day shows one range covering it.
        var archive = await again.GetJsonAsync($"/api/v1/channels/shift/archive?day={from.UtcDateTime:yyyy-MM-dd}");
        Assert.True(archive.GetProperty("usageBytes").GetInt64() > 0);
        var ranges = archive.GetProperty("renditions")[0].GetProperty("ranges");
        Assert.Contains(ranges.EnumerateArray(), r => r.GetProperty("from").GetDateTimeOffset() <= first && r.GetProperty("to").GetDateTimeOffset() > first);
    }

    [Fact]
    public async Task Bad_time_shift_requests_are_problems_naming_what_exists()
    {
        var dir = Repo.TempDir("timeshift-bad");
        var port = Repo.FreeUdpPort();
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = dir });
        using var sender = new TsSender(port);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"edge","name":"Edge","number":2,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/edge/start", null)).EnsureSuccessStatusCode();
        var (from, _) = await ArchivedAsync(node, "edge", TimeSpan.FromSeconds(4));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var future = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/edge/main/index-{now + 3600}-60.m3u8"), HttpStatusCode.NotFound);
        Assert.Contains("future", future.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.String, future.GetProperty("availableFrom").ValueKind);
        var old = await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/archive/edge/main/index-1577836800-60.m3u8"), HttpStatusCode.NotFound);
        Assert.Contains("the archive has [", old.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/nobody/main/index-{from.ToUnixTimeSeconds()}-60.m3u8"), HttpStatusCode.NotFound);

        foreach (var bad in new[]
                 {
                     $"/archive/edge/main/index.m3u8?start={now}&end={now - 10}",
                     $"/archive/edge/main/index.m3u8?start={now - 100}&duration=0",
                     $"/archive/edge/main/index.m3u8?start={now - 100}&duration=-5",
                     $"/archive/edge/main/index.m3u8?start={now - 100000}&duration=90000",
                     $"/archive/edge/main/index.m3u8?start={now - 100}&duration=10&end={now}",
                     "/archive/edge/main/index.m3u8?start=yesterday&duration=10",
                     "/archive/edge/main/index.m3u8",
                     "/archive/edge/main/index-abc-10.m3u8",
                     "/archive/edge/main/timeshift.m3u8?offset=1801",
                     "/archive/edge/main/timeshift.m3u8?offset=-3",
                     "/archive/edge/main/timeshift.m3u8",
                     "/archive/EDGE/main/timeshift.m3u8?offset=5",
                     "/archive/edge/main/20261201/10/..%2f..%2f..%2fetc%2fpasswd",
                     "/archive/edge/main/..%2f..%2f/10/1.ts",
                     "/archive/edge/main/20261201/25/1764583200000-2000.ts",
                     "/api/v1/channels/edge/archive?day=1.12.2026",
                 })
        {
            using var answer = await node.Http.GetAsync(bad);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest);
        }

        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/archive/edge/main/20261201/10/1764583200000-2000.ts"), HttpStatusCode.NotFound);
        // Dot segments are resolved by the server before routing: what is left matches no archive route.
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/archive/edge/%2e%2e/timeshift.m3u8?offset=5"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_archive_that_cannot_write_raises_an_alarm_while_live_goes_on()
    {
        var dir = Repo.TempDir("timeshift-broken");
        // Where the channel's archive folder belongs sits a plain file: every write fails for real, as on a broken disk.
        Directory.CreateDirectory(Path.Combine(dir, "archive"));
        await File.WriteAllTextAsync(Path.Combine(dir, "archive", "broken"), "not a folder");
        var port = Repo.FreeUdpPort();
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = dir });
        using var sender = new TsSender(port);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"broken","name":"Broken","number":3,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/broken/start", null)).EnsureSuccessStatusCode();

        var alarmed = await node.ChannelAsync("broken", c => c.HasAlarm("archive"), "the archive alarm");
        Assert.Contains("could not store", alarmed.AlarmDetail("archive"));
        Assert.Equal("Degraded", (await node.ChannelAsync("broken", c => c.Phase() == "Degraded", "degraded, still live")).Phase());
        await node.SegmentsAsync("broken", 2);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "archive"), "*.ts", SearchOption.AllDirectories));
    }
}
