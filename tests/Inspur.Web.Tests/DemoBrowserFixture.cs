using Inspur.Media.Hls;
using Inspur.Testing;
using Microsoft.Playwright;

namespace Inspur.Web.Tests;

/// <summary>One node with demo-1 publishing, and Debian's Chromium, shared by a class's browser specs (a node start costs seconds of CPU).</summary>
public class DemoBrowserFixture : IAsyncLifetime
{
    public HostProcess Node { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    private IPlaywright _playwright = null!;

    /// <summary>Further node settings a derived fixture needs (keys, say).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("web-specs"), DemoChannels = 1, Settings = Settings }, node =>
            node.EventuallyAsync(async () =>
            {
                using var response = await node.Http.GetAsync("/live/demo-1/main/index.m3u8");
                if (!response.IsSuccessStatusCode) return null;
                return PlaylistParser.ParseMedia(await response.Content.ReadAsStringAsync()).Segments.Count >= 3 ? (bool?)true : null;
            }, TimeSpan.FromSeconds(60), "three segments on demo-1"));
        try
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await DebianChromium.LaunchAsync(_playwright);
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: never leave the node (and its ffmpeg) behind.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
    }
}
