using Inspur.Testing;
using Microsoft.Playwright;

namespace Inspur.Web.Tests;

/// <summary>
/// A person's view: Debian's Chromium opens a node's landing page, sees the demo channel live, presses Watch, and the
/// hls.js player bundled with the host plays it (the video's clock advances).
/// </summary>
public sealed class LandingPageSpecs(DemoBrowserFixture fixture) : IClassFixture<DemoBrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;

    private HostProcess Node => fixture.Node;

    public async Task InitializeAsync() => _context = await fixture.Browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task The_demo_channel_plays_in_the_browser()
    {
        var page = await _context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        await page.GotoAsync(Node.HttpUrl + "/");
        var watch = page.Locator("button[data-channel='demo-1']");
        await watch.WaitForAsync(new() { Timeout = 30_000 });
        await watch.ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('player').currentTime > 2", null, new() { Timeout = 60_000 });

        var size = await page.EvaluateAsync<int[]>("() => { const v = document.getElementById('player'); return [v.videoWidth, v.videoHeight]; }");
        Assert.Equal([640, 360], size);
        Assert.Empty(errors);
        var shot = Path.Combine(Repo.TempDir("web-shot"), "landing.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Console.WriteLine($"screenshot: {shot}");
    }

    [Fact]
    public async Task The_channel_list_shows_the_demo_channel_and_creating_one_reports_errors_from_the_api()
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(Node.HttpUrl + "/");

        await page.Locator("#channels td", new() { HasText = "demo-1" }).WaitForAsync(new() { Timeout = 30_000 });
        await page.FillAsync("input[name=id]", "web-1");
        await page.FillAsync("input[name=name]", "Web One");
        await page.FillAsync("input[name=number]", "77");
        await page.ClickAsync("#create button");
        await page.Locator("#channels td", new() { HasText = "web-1" }).WaitForAsync(new() { Timeout = 30_000 });

        await page.FillAsync("input[name=id]", "web-1");
        await page.FillAsync("input[name=name]", "Again");
        await page.FillAsync("input[name=number]", "78");
        await page.ClickAsync("#create button");
        await page.Locator("#message.error", new() { HasText = "already exists" }).WaitForAsync(new() { Timeout = 30_000 });
    }
}
