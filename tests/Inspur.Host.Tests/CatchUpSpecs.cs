using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>EPG-driven playback from the archive: catch-up of a past programme as VOD, start-over of the one on now.</summary>
public sealed class CatchUpSpecs
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Xmltv(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + " +0000";

    [Fact]
    public async Task A_past_programme_plays_as_vod_of_its_length_and_the_current_one_starts_over()
    {
        await using var node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("catchup") });
        var port = Repo.FreeUdpPort();
        using var sender = new TsSender(port);
        (await node.Http.PostAsync("/api/v1/channels", Json($$"""{"id":"cu","name":"Catch-up","number":1,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await node.Http.PostAsync("/api/v1/channels/cu/start", null)).EnsureSuccessStatusCode();
        var earliest = (await node.EventuallyAsync<DateTimeOffset?>(async () =>
        {
            var main = (await node.GetJsonAsync("/api/v1/channels/cu/archive")).GetProperty("renditions").EnumerateArray().FirstOrDefault();
            if (main.ValueKind == System.Text.Json.JsonValueKind.Undefined || main.GetProperty("earliest").ValueKind == System.Text.Json.JsonValueKind.Null) return null;
            var from = main.GetProperty("earliest").GetDateTimeOffset();
            return main.GetProperty("latest").GetDateTimeOffset() - from >= TimeSpan.FromSeconds(12) ? from : null;
        }, TimeSpan.FromSeconds(90), "12 s archived"))!.Value;

        var pastStart = DateTimeOffset.FromUnixTimeSeconds(earliest.ToUnixTimeSeconds() + 3);
        var pastStop = pastStart.AddSeconds(6);
        var nowStop = DateTimeOffset.UtcNow.AddHours(1);
        var xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <tv>
              <channel id="cu"><display-name>Catch-up</display-name></channel>
              <programme start="{Xmltv(pastStart)}" stop="{Xmltv(pastStop)}" channel="cu"><title>News at six</title></programme>
              <programme start="{Xmltv(pastStop)}" stop="{Xmltv(nowStop)}" channel="cu"><title>Film</title></programme>
            </tv>
            """;
        (await node.Http.PostAsync("/api/v1/epg/import", new StringContent(xml, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();

        var url = $"/archive/cu/main/catchup/cu-{pastStart.ToUnixTimeSeconds()}.m3u8";
        var text = await node.Http.GetStringAsync(url);
        var vod = PlaylistParser.ParseMedia(text);
        Assert.True(vod.EndList, text);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", text);
        // From EXT-X-START to the end, the playlist is the programme, to within one segment.
        var startOffset = double.Parse(text.Split('\n').First(l => l.StartsWith("#EXT-X-START:", StringComparison.Ordinal)).Split('=')[1].Split(',')[0], CultureInfo.InvariantCulture);
        var playable = vod.Segments.Sum(s => s.Duration.TotalSeconds) - startOffset;
        Assert.InRange(playable, 6 - 2, 6 + 2);
        Assert.True((vod.Segments[0].ProgramDateTime!.Value.AddSeconds(startOffset) - pastStart).Duration() < TimeSpan.FromMilliseconds(50), text);

        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", node.HttpUrl + url, "-f", "null", "-"]) { RedirectStandardError = true })!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0 && errors.Length == 0, errors);

        var startOver = await node.Http.GetStringAsync("/archive/cu/main/startover.m3u8");
        var live = PlaylistParser.ParseMedia(startOver);
        Assert.False(live.EndList, startOver);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", startOver);
        Assert.True((live.Segments[0].ProgramDateTime!.Value - pastStop).Duration() <= TimeSpan.FromSeconds(2.1), startOver);

        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/cu/main/catchup/cu-{pastStart.ToUnixTimeSeconds() + 1}.m3u8"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/cu/main/catchup/other-{pastStart.ToUnixTimeSeconds()}.m3u8"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync("/archive/cu/main/catchup/news.m3u8"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await node.Http.GetAsync($"/archive/cu/main/catchup/cu-{nowStop.ToUnixTimeSeconds()}.m3u8"), HttpStatusCode.NotFound);
    }
}
