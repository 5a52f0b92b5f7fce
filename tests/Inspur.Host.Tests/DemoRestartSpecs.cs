using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>The README's run command run twice on the same data: the demo channel must be back on the air.</summary>
public sealed class DemoRestartSpecs
{
    private static Task<MediaPlaylist> Live(HostProcess node) =>
        node.EventuallyAsync(async () =>
        {
            using var response = await node.Http.GetAsync("/live/demo-1/main/index.m3u8");
            if (!response.IsSuccessStatusCode) return null;
            var playlist = PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync());
            return playlist.Segments.Count >= 2 ? playlist : null;
        }, TimeSpan.FromSeconds(60), "demo-1 on the air");

    [Fact]
    public async Task A_second_run_on_the_same_data_brings_the_demo_channel_back()
    {
        var dir = Repo.TempDir("demo-restart");
        long lastFirstRun;
        await using (var first = await HostProcess.StartAsync(new HostOptions { DataDir = dir, DemoChannels = 1 }))
        {
            var playlist = await Live(first);
            lastFirstRun = playlist.MediaSequence + playlist.Segments.Count - 1;
            await first.StopAsync();
        }

        await using var second = await HostProcess.StartAsync(new HostOptions { DataDir = dir, DemoChannels = 1 });
        var again = await Live(second);

        Assert.True(again.MediaSequence > lastFirstRun);
        // Still on the air a keeper round later, once the re-configured pipeline has replaced the recovered one.
        var later = await second.EventuallyAsync(async () =>
        {
            using var response = await second.Http.GetAsync($"/live/demo-1/main/index.m3u8?_HLS_msn={again.MediaSequence + again.Segments.Count + 5}");
            return response.IsSuccessStatusCode ? PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync()) : null;
        }, TimeSpan.FromSeconds(60), "demo-1 still on the air ten seconds later");
        Assert.True(later.MediaSequence + later.Segments.Count > again.MediaSequence + again.Segments.Count);
    }
}
