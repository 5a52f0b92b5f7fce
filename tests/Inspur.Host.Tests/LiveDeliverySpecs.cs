using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>A real node with one LL-HLS demo channel (ffmpeg → UDP → segmenter → hot window → HTTP).</summary>
public sealed class DemoNodeFixture : IAsyncLifetime
{
    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("live-specs"), DemoChannels = 1 }, node =>
            node.EventuallyAsync(async () =>
            {
                using var response = await node.Http.GetAsync("/live/demo-1/main/index.m3u8");
                if (!response.IsSuccessStatusCode) return null;
                var playlist = PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
                return playlist.Segments.Count >= 3 ? (bool?)true : null;
            }, TimeSpan.FromSeconds(60), "three segments on demo-1"));
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class LiveDeliverySpecs(DemoNodeFixture fixture) : IClassFixture<DemoNodeFixture>
{
    private const string Media = "/live/demo-1/main/index.m3u8";
    private HttpClient Http => fixture.Node.Http;

    private async Task<MediaPlaylist> Get(string query = "")
    {
        using var response = await Http.GetAsync(Media + query);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        return PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
    }

    private static Task AssertProblem(HttpResponseMessage response, HttpStatusCode status) => ProblemAssert.IsProblemAsync(response, status);

    [Fact]
    public async Task The_master_playlist_describes_the_stream()
    {
        var master = PlaylistParser.ParseMaster(await Http.GetStringAsync("/live/demo-1/master.m3u8"));

        var variant = Assert.Single(master.Variants);
        Assert.Equal("main/index.m3u8", variant.Uri);
        Assert.Matches(@"^avc1\.4d40[0-9a-f]{2},mp4a\.40\.2$", variant.Codecs);
        Assert.Equal((640, 360), variant.Resolution);
        Assert.Equal(25.0, variant.FrameRate);
        Assert.True(variant.Bandwidth >= variant.AverageBandwidth && variant.AverageBandwidth > 300_000);
    }

    [Fact]
    public async Task Blocking_reloads_follow_the_live_edge_and_obey_rfc_8216()
    {
        var reloads = new List<MediaPlaylist> { await Get() };
        for (var i = 0; i < 6; i++)
        {
            var last = reloads[^1];
            var nextMsn = last.MediaSequence + last.Segments.Count;
            var nextPart = last.TrailingParts.Count;
            reloads.Add(await Get($"?_HLS_msn={nextMsn}&_HLS_part={nextPart}"));
            Assert.True(reloads[^1].MediaSequence + reloads[^1].Segments.Count > nextMsn || reloads[^1].TrailingParts.Count > nextPart,
                "a blocking reload returned before the awaited part existed");
        }

        Assert.Empty(PlaylistRules.CheckReloads(reloads));
        Assert.All(reloads, r => Assert.NotNull(r.PreloadHintUri));
    }

    [Fact]
    public async Task A_preload_hinted_part_is_served_once_it_exists()
    {
        var playlist = await Get();

        using var response = await Http.GetAsync($"/live/demo-1/main/{playlist.PreloadHintUri}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 0 && bytes.Length % 188 == 0 && bytes[0] == 0x47);
    }

    [Fact]
    public async Task Segments_decode_start_on_a_keyframe_and_are_cacheable()
    {
        var playlist = await Get();
        var segment = playlist.Segments[^1];

        using var response = await Http.GetAsync($"/live/demo-1/main/{segment.Uri}");
        var path = Path.Combine(Repo.TempDir("live-seg"), "seg.ts");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("public, max-age=3600, immutable", response.Headers.CacheControl?.ToString());
        var probe = Process.Start(new ProcessStartInfo("ffprobe", $"-v error -select_streams v:0 -show_entries frame=key_frame -of csv=p=0 {path}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var frames = (await probe.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await probe.WaitForExitAsync();
        Assert.Equal(0, probe.ExitCode);
        Assert.Equal("1", frames[0].Trim(','));
        Assert.InRange(frames.Length, 49, 51); // 2 s at 25 fps
    }

    [Fact]
    public async Task Head_and_byte_ranges_work_on_segments()
    {
        var segment = (await Get()).Segments[^1].Uri;

        using var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/live/demo-1/main/{segment}"));
        var range = new HttpRequestMessage(HttpMethod.Get, $"/live/demo-1/main/{segment}");
        range.Headers.Range = new RangeHeaderValue(188, 375);
        using var partial = await Http.SendAsync(range);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 188 * 3);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        var bytes = await partial.Content.ReadAsByteArrayAsync();
        Assert.Equal(188, bytes.Length);
        Assert.Equal(0x47, bytes[0]);
    }

    [Theory]
    [InlineData("?_HLS_msn=abc")]
    [InlineData("?_HLS_msn=-1")]
    [InlineData("?_HLS_part=1")]
    [InlineData("?_HLS_msn=1&_HLS_part=x")]
    [InlineData("?_HLS_skip=maybe")]
    [InlineData("?_HLS_msn=99999999999999")]
    public async Task Nonsense_blocking_parameters_are_400(string query)
    {
        await AssertProblem(await Http.GetAsync(Media + query), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/live/no-such-channel/main/index.m3u8", HttpStatusCode.NotFound)]
    [InlineData("/live/no-such-channel/master.m3u8", HttpStatusCode.NotFound)]
    [InlineData("/live/demo-1/other/index.m3u8", HttpStatusCode.NotFound)]
    [InlineData("/live/demo-1/main/1.ts", HttpStatusCode.NotFound)]
    [InlineData("/live/demo-1/main/evil.ts", HttpStatusCode.BadRequest)]
    [InlineData("/live/demo-1/main/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    public async Task Unknown_channels_and_objects_and_path_tricks_are_problems(string path, HttpStatusCode status)
    {
        await AssertProblem(await Http.GetAsync(path), status);
    }

    [Fact]
    public async Task A_nul_byte_in_the_path_is_refused_by_the_server_before_routing()
    {
        using var response = await Http.GetAsync("/live/demo-1/main/1.ts%00.m3u8");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_demo_channel_is_a_channel_entity_too()
    {
        var channel = await fixture.Node.EventuallyAsync(async () =>
        {
            using var response = await Http.GetAsync("/api/v1/channels/demo-1");
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }, TimeSpan.FromSeconds(30), "the demo-1 channel entity");

        Assert.Contains("\"name\":\"Demo 1\"", channel);
    }
}
