using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One real node archiving one channel fed by ffmpeg, shared by the recording specs.</summary>
public sealed class RecordingNodeFixture : IAsyncLifetime
{
    public const string Channel = "rec";

    public string DataDir { get; } = Repo.TempDir("recordings");

    public HostProcess Node { get; private set; } = null!;

    private TsSender? _sender;

    public async Task InitializeAsync()
    {
        var port = Repo.FreeUdpPort();
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = DataDir });
        _sender = new TsSender(port, seconds: 900);
        (await Node.Http.PostAsync("/api/v1/channels", RecordingSpecs.Json($$"""{"id":"{{Channel}}","name":"Rec","number":7,"source":"udp://127.0.0.1:{{port}}"}"""))).EnsureSuccessStatusCode();
        (await Node.Http.PostAsync($"/api/v1/channels/{Channel}/start", null)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        _sender?.Dispose();
        await Node.DisposeAsync();
    }

    /// <summary>Waits until the archive holds at least <paramref name="atLeast"/> of the channel; answers its extent.</summary>
    public async Task<(DateTimeOffset From, DateTimeOffset To)> ArchivedAsync(TimeSpan atLeast) =>
        (await Node.EventuallyAsync<(DateTimeOffset, DateTimeOffset)?>(async () =>
        {
            var archive = await Node.GetJsonAsync($"/api/v1/channels/{Channel}/archive");
            var main = archive.GetProperty("renditions").EnumerateArray().FirstOrDefault(r => r.GetProperty("name").GetString() == "main");
            if (main.ValueKind != JsonValueKind.Object || main.GetProperty("earliest").ValueKind == JsonValueKind.Null) return null;
            var from = main.GetProperty("earliest").GetDateTimeOffset();
            var to = main.GetProperty("latest").GetDateTimeOffset();
            return to - from >= atLeast ? (from, to) : null;
        }, TimeSpan.FromSeconds(120), $"{atLeast.TotalSeconds} s archived")) ?? throw new InvalidOperationException();
}

/// <summary>
/// Recordings on a real node: an interval of the archive becomes an MP4 and an HLS package that ffmpeg plays, whose length
/// matches the interval and which outlive the archive's files; a future interval and an EPG programme with padding record by
/// themselves; bad input and path tricks are problems.
/// </summary>
public sealed class RecordingSpecs(RecordingNodeFixture fixture) : IClassFixture<RecordingNodeFixture>
{
    private HostProcess Node => fixture.Node;

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private async Task<JsonElement> PostAsync(string body)
    {
        using var response = await Node.Http.PostAsync("/api/v1/recordings", Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var recording = JsonDocument.Parse(text).RootElement;
        Assert.Equal($"/api/v1/recordings/{recording.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        return recording;
    }

    private async Task<JsonElement> FinishedAsync(string id, int seconds = 90) =>
        await Node.EventuallyAsync<JsonElement?>(async () =>
        {
            var r = await Node.GetJsonAsync($"/api/v1/recordings/{id}");
            return r.GetProperty("phase").GetString() is "Completed" or "Failed" ? r : null;
        }, TimeSpan.FromSeconds(seconds), $"recording {id} finished") ?? throw new InvalidOperationException();

    /// <summary>The start of an archived segment at least <paramref name="back"/> before the archive's latest time.</summary>
    private async Task<DateTimeOffset> SegmentStartAsync(TimeSpan back)
    {
        var (_, latest) = await fixture.ArchivedAsync(back + TimeSpan.FromSeconds(4));
        var at = (latest - back).ToUnixTimeSeconds();
        var playlist = PlaylistParser.ParseMedia(await Node.Http.GetStringAsync($"/archive/{RecordingNodeFixture.Channel}/main/index-{at}-6.m3u8"));
        return playlist.Segments[1].ProgramDateTime!.Value;
    }

    private static async Task<string> PlayAsync(string input)
    {
        var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-i", input, "-f", "null", "-"]) { RedirectStandardError = true })!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, errors);
        return errors;
    }

    private static async Task<double> ProbedSecondsAsync(string file)
    {
        var ffprobe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]) { RedirectStandardOutput = true })!;
        var text = await ffprobe.StandardOutput.ReadToEndAsync();
        await ffprobe.WaitForExitAsync();
        return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_past_interval_is_an_mp4_and_an_hls_package_that_play_match_the_interval_and_outlive_the_archive()
    {
        var from = await SegmentStartAsync(TimeSpan.FromSeconds(14));
        var to = from + TimeSpan.FromSeconds(10);

        var created = await PostAsync($$"""{"channel":"rec","from":"{{Iso(from)}}","to":"{{Iso(to)}}","title":"Ten seconds"}""");
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("rec-", id);
        var done = await FinishedAsync(id);
        Assert.Equal("Completed", done.GetProperty("phase").GetString());
        var files = done.GetProperty("files");
        Assert.Empty(files.GetProperty("gaps").EnumerateArray());
        Assert.InRange(files.GetProperty("durationSeconds").GetDouble(), 9.9, 12.1);
        Assert.Equal(from, files.GetProperty("firstSegment").GetDateTimeOffset());
        Assert.Contains((await Node.GetJsonAsync("/api/v1/recordings")).EnumerateArray(), r => r.GetProperty("id").GetString() == id);

        // The HLS package: relative URIs, a program-date-time per segment, VOD with an end; ffmpeg plays it from HTTP.
        var playlistUrl = files.GetProperty("playlist").GetString()!;
        using var playlistResponse = await Node.Http.GetAsync(playlistUrl);
        Assert.Equal("application/vnd.apple.mpegurl", playlistResponse.Content.Headers.ContentType?.MediaType);
        var text = await playlistResponse.Content.ReadAsStringAsync();
        var playlist = PlaylistParser.ParseMedia(text);
        Assert.True(playlist.EndList, text);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", text);
        Assert.All(playlist.Segments, s => Assert.True(s.ProgramDateTime is not null && !s.Uri.Contains('/'), s.Uri));
        Assert.Equal(files.GetProperty("segments").GetInt32(), playlist.Segments.Count);
        Assert.Empty(await PlayAsync(Node.HttpUrl + playlistUrl));

        // The MP4: served with ranges, plays without an error, lasts the interval within one segment.
        var mp4Url = files.GetProperty("mp4").GetString()!;
        var mp4 = Path.Combine(Repo.TempDir("recording-download"), "recording.mp4");
        await File.WriteAllBytesAsync(mp4, await Node.Http.GetByteArrayAsync(mp4Url));
        Assert.Empty(await PlayAsync(mp4));
        Assert.InRange(await ProbedSecondsAsync(mp4), 8, 12);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, mp4Url) { Headers = { Range = new RangeHeaderValue(0, 99) } };
        using var partial = await Node.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("video/mp4", partial.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);
        using var segment = await Node.Http.GetAsync($"/recordings/{id}/{playlist.Segments[0].Uri}");
        Assert.Equal("video/mp2t", segment.Content.Headers.ContentType?.MediaType);

        // Retention removes the channel's archive: the recording is a copy and still plays.
        Directory.Delete(Path.Combine(fixture.DataDir, "archive", RecordingNodeFixture.Channel), recursive: true);
        Assert.Equal(new FileInfo(mp4).Length, (await Node.Http.GetByteArrayAsync(mp4Url)).Length);
        Assert.Empty(await PlayAsync(Node.HttpUrl + playlistUrl));

        // Delete removes it and its files.
        Assert.Equal(HttpStatusCode.NoContent, (await Node.Http.DeleteAsync($"/api/v1/recordings/{id}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await Node.Http.GetAsync($"/api/v1/recordings/{id}"), HttpStatusCode.NotFound);
        // The files go first, then their folder: both are awaited.
        var folder = Path.Combine(fixture.DataDir, "recordings", id);
        await Node.EventuallyAsync<object>(async () =>
                (await Node.Http.GetAsync(mp4Url)).StatusCode == HttpStatusCode.NotFound && !Directory.Exists(folder) ? new object() : null,
            TimeSpan.FromSeconds(30), "the files and their folder removed");
        await ProblemAssert.IsProblemAsync(await Node.Http.DeleteAsync($"/api/v1/recordings/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_future_interval_records_by_itself()
    {
        await fixture.ArchivedAsync(TimeSpan.FromSeconds(2));
        var from = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
        var to = from + TimeSpan.FromSeconds(6);

        var created = await PostAsync($$"""{"id":"future-one","channel":"rec","from":{{from.ToUnixTimeSeconds()}},"to":{{to.ToUnixTimeSeconds()}}}""");
        Assert.Equal("Scheduled", created.GetProperty("phase").GetString());
        var done = await FinishedAsync("future-one");

        Assert.Equal("Completed", done.GetProperty("phase").GetString());
        Assert.InRange(done.GetProperty("files").GetProperty("durationSeconds").GetDouble(), 5, 10.1);
        await ProblemAssert.IsProblemAsync(await Node.Http.PostAsync("/api/v1/recordings",
            Json($$"""{"id":"future-one","channel":"rec","from":{{from.ToUnixTimeSeconds()}},"to":{{to.ToUnixTimeSeconds()}}}""")), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_epg_programme_is_recorded_with_its_padding()
    {
        var (_, latest) = await fixture.ArchivedAsync(TimeSpan.FromSeconds(12));
        var start = DateTimeOffset.FromUnixTimeSeconds((latest - TimeSpan.FromSeconds(8)).ToUnixTimeSeconds());
        var stop = start + TimeSpan.FromSeconds(4);
        static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + " +0000";
        var xml = $"""<?xml version="1.0"?><tv><programme start="{T(start)}" stop="{T(stop)}" channel="rec"><title>Short news</title></programme></tv>""";
        (await Node.Http.PostAsync("/api/v1/epg/import", new StringContent(xml, Encoding.UTF8, "application/xml"))).EnsureSuccessStatusCode();
        var programmeId = $"rec-{start.ToUnixTimeSeconds()}";

        var created = await PostAsync($$"""{"programmeId":"{{programmeId}}","paddingBefore":2,"paddingAfter":2}""");

        Assert.Equal((start - TimeSpan.FromSeconds(2), stop + TimeSpan.FromSeconds(2)), (created.GetProperty("from").GetDateTimeOffset(), created.GetProperty("to").GetDateTimeOffset()));
        Assert.Equal(("Short news", programmeId), (created.GetProperty("title").GetString(), created.GetProperty("programmeId").GetString()));
        var done = await FinishedAsync(created.GetProperty("id").GetString()!);
        Assert.Equal("Completed", done.GetProperty("phase").GetString());
        Assert.InRange(done.GetProperty("files").GetProperty("durationSeconds").GetDouble(), 7.9, 12.1);
    }

    [Fact]
    public async Task An_interval_partly_archived_lists_its_gap_and_one_not_archived_fails()
    {
        var (earliest, _) = await fixture.ArchivedAsync(TimeSpan.FromSeconds(6));

        var partly = await PostAsync($$"""{"channel":"rec","from":"{{Iso(earliest - TimeSpan.FromSeconds(20))}}","to":"{{Iso(earliest + TimeSpan.FromSeconds(4))}}"}""");
        var none = await PostAsync($$"""{"channel":"rec","from":"{{Iso(earliest - TimeSpan.FromHours(2))}}","to":"{{Iso(earliest - TimeSpan.FromHours(1))}}"}""");

        var done = await FinishedAsync(partly.GetProperty("id").GetString()!);
        Assert.Equal("Completed", done.GetProperty("phase").GetString());
        var gap = Assert.Single(done.GetProperty("files").GetProperty("gaps").EnumerateArray());
        Assert.Equal(earliest - TimeSpan.FromSeconds(20), gap.GetProperty("from").GetDateTimeOffset());
        var failed = await FinishedAsync(none.GetProperty("id").GetString()!);
        Assert.Equal("Failed", failed.GetProperty("phase").GetString());
        Assert.StartsWith("nothing archived in", failed.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Bad_input_and_path_tricks_are_problems()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var bad in new[]
                 {
                     $$"""{"channel":"rec","from":{{now}},"to":{{now}}}""",
                     $$"""{"channel":"rec","from":{{now}},"to":{{now - 10}}}""",
                     $$"""{"channel":"rec","from":{{now}},"to":{{now + 13 * 3600}}}""",
                     """{"channel":"rec","from":"yesterday","to":"2026-12-01T10:00:00Z"}""",
                     """{"channel":"rec","from":"2026-12-01T10:00:00","to":"2026-12-01T10:10:00"}""",
                     $$"""{"channel":"rec","from":{{now}},"to":{{now + 60}},"colour":"red"}""",
                     $$"""{"channel":"rec","from":{{now}}}""",
                     $$"""{"id":"../x","channel":"rec","from":{{now}},"to":{{now + 60}}}""",
                     $$"""{"id":"REC","channel":"rec","from":{{now}},"to":{{now + 60}}}""",
                     $$"""{"channel":"../etc","from":{{now}},"to":{{now + 60}}}""",
                     $$"""{"channel":"rec","rendition":"../../x","from":{{now}},"to":{{now + 60}}}""",
                     """{"programmeId":"rec-1","paddingBefore":3601}""",
                     """{"programmeId":"rec-1","paddingAfter":-1}""",
                     """{"programmeId":"rec-1","channel":"rec"}""",
                     $$"""{"channel":"rec","from":{{now}},"to":{{now + 60}},"paddingBefore":60}""",
                     "[1,2]",
                     "{",
                 })
        {
            using var answer = await Node.Http.PostAsync("/api/v1/recordings", Json(bad));
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest);
        }

        await ProblemAssert.IsProblemAsync(await Node.Http.PostAsync("/api/v1/recordings", Json($$"""{"channel":"nobody","from":{{now - 60}},"to":{{now}}}""")), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Node.Http.PostAsync("/api/v1/recordings", Json("""{"programmeId":"rec-1"}""")), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Node.Http.GetAsync("/api/v1/recordings/rec-nothing"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Node.Http.DeleteAsync("/api/v1/recordings/rec-nothing"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Node.Http.GetAsync("/recordings/rec-nothing/recording.mp4"), HttpStatusCode.NotFound);

        foreach (var bad in new[]
                 {
                     "/api/v1/recordings/..%2f..%2fetc",
                     "/api/v1/recordings/REC-1",
                     "/recordings/..%2f..%2farchive/index.m3u8",
                     "/recordings/rec-1/..%2f..%2fjournal.db",
                     "/recordings/rec-1/passwd",
                     "/recordings/rec-1/index.m3u8.bak",
                     "/recordings/rec-1/1-2.ts.mp4",
                     "/recordings/rec-1/0012-2000.ts",
                 })
        {
            using var answer = await Node.Http.GetAsync(bad);
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest);
        }

        await ProblemAssert.IsProblemAsync(await Node.Http.DeleteAsync("/api/v1/recordings/..%2fx"), HttpStatusCode.BadRequest);
    }
}
