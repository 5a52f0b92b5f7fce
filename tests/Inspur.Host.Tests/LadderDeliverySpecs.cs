using System.Diagnostics;
using System.Globalization;
using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>The MPEG-2 demo channel: transcoded by a supervised ffmpeg into a 3-rung H.264 ladder and delivered live.</summary>
public sealed class LadderNodeFixture : IAsyncLifetime
{
    public static readonly string[] Rungs = ["360p", "270p", "180p"];

    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Repo.TempDir("ladder-specs"),
            DemoChannels = 1,
            Settings = new Dictionary<string, string> { ["Inspur:Demo:LowLatencyChannels"] = "0", ["Inspur:Demo:LadderChannels"] = "1" },
        }, async node =>
        {
            foreach (var rung in Rungs)
            {
                await node.EventuallyAsync(async () =>
                {
                    using var response = await node.Http.GetAsync($"/live/demo-1/{rung}/index.m3u8");
                    if (!response.IsSuccessStatusCode) return null;
                    return PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync()).Segments.Count >= 3 ? (bool?)true : null;
                }, TimeSpan.FromSeconds(90), $"three {rung} segments");
            }
        });
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class LadderDeliverySpecs(LadderNodeFixture fixture) : IClassFixture<LadderNodeFixture>
{
    private HttpClient Http => fixture.Node.Http;

    [Fact]
    public async Task The_master_lists_three_h264_variants_from_highest_to_lowest()
    {
        var master = PlaylistParser.ParseMaster(await Http.GetStringAsync("/live/demo-1/master.m3u8"));

        Assert.Equal(LadderNodeFixture.Rungs.Select(r => $"{r}/index.m3u8"), master.Variants.Select(v => v.Uri));
        Assert.Equal([(640, 360), (480, 270), (320, 180)], master.Variants.Select(v => v.Resolution!.Value));
        Assert.All(master.Variants, v => Assert.Matches(@"^avc1\.[0-9a-f]{6},mp4a\.40\.2$", v.Codecs));
        var bandwidths = master.Variants.Select(v => v.Bandwidth).ToList();
        Assert.Equal(bandwidths.OrderDescending(), bandwidths);
    }

    [Fact]
    public async Task Rungs_carry_the_same_numbers_and_their_segments_start_on_the_same_keyframe()
    {
        var playlists = new List<MediaPlaylist>();
        foreach (var rung in LadderNodeFixture.Rungs)
            playlists.Add(PlaylistParser.ParseMedia(await Http.GetStringAsync($"/live/demo-1/{rung}/index.m3u8")));
        var common = playlists.Select(p => Enumerable.Range(0, p.Segments.Count).Select(i => p.MediaSequence + i).ToHashSet())
            .Aggregate((a, b) => a.Intersect(b).ToHashSet());
        Assert.NotEmpty(common);
        var msn = common.Max();

        var firstFrames = new List<(bool Key, string Pts)>();
        foreach (var rung in LadderNodeFixture.Rungs)
        {
            var path = Path.Combine(Repo.TempDir("ladder-seg"), $"{rung}.ts");
            await File.WriteAllBytesAsync(path, await Http.GetByteArrayAsync($"/live/demo-1/{rung}/{msn}.ts"));
            firstFrames.Add(await FirstVideoFrame(path));
        }

        Assert.All(firstFrames, f => Assert.True(f.Key, "segment does not start with a keyframe"));
        Assert.All(firstFrames, f => Assert.Equal(firstFrames[0].Pts, f.Pts));
    }

    private static async Task<(bool Key, string Pts)> FirstVideoFrame(string path)
    {
        var probe = Process.Start(new ProcessStartInfo("ffprobe",
            $"-v error -select_streams v:0 -read_intervals %+#1 -show_entries frame=key_frame,pts_time -of csv=p=0 {path}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var line = (await probe.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Split(',');
        await probe.WaitForExitAsync();
        return (line[0] == "1", double.Parse(line[1], CultureInfo.InvariantCulture).ToString("0.000", CultureInfo.InvariantCulture));
    }
}
