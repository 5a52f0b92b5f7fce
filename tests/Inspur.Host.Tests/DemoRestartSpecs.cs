using Inspur.Media.Hls;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>The README's run command run twice on the same data: the demo channel must be back on the air.</summary>
public sealed class DemoRestartSpecs
{
    private static Task<(MediaPlaylist Playlist, string Text)> Live(HostProcess node, string query = "") =>
        node.EventuallyAsync<(MediaPlaylist, string)?>(async () =>
        {
            using var response = await node.Http.GetAsync("/live/demo-1/main/index.m3u8" + query);
            if (!response.IsSuccessStatusCode) return null;
            var text = await response.Content.ReadAsStringAsync();
            var playlist = PlaylistParser.ParseMedia(text);
            return playlist.Segments.Count >= 2 ? (playlist, text) : null;
        }, TimeSpan.FromSeconds(60), $"demo-1 on the air{query}").ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    [Fact]
    public async Task A_second_run_on_the_same_data_brings_the_demo_channel_back()
    {
        var dir = Repo.TempDir("demo-restart");
        long lastFirstRun;
        await using (var first = await HostProcess.StartAsync(new HostOptions { DataDir = dir, DemoChannels = 1 }))
        {
            var (playlist, _) = await Live(first);
            lastFirstRun = playlist.MediaSequence + playlist.Segments.Count - 1;
            await first.StopAsync();
        }

        await using var second = await HostProcess.StartAsync(new HostOptions { DataDir = dir, DemoChannels = 1 });
        var (again, againText) = await Live(second);

        Assert.True(again.MediaSequence > lastFirstRun, $"first run ended at {lastFirstRun}; the second run's playlist:\n{againText}");
        // Still on the air a keeper round later, once the re-configured pipeline has replaced the recovered one.
        var (later, laterText) = await Live(second, $"?_HLS_msn={again.MediaSequence + again.Segments.Count + 5}");
        Assert.True(later.MediaSequence + later.Segments.Count > again.MediaSequence + again.Segments.Count,
            $"asked for _HLS_msn={again.MediaSequence + again.Segments.Count + 5} after\n{againText}\nand got\n{laterText}\nnode output:\n{second.Output}");
    }
}
