using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Inspur.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Inspur.Web.Tests;

/// <summary>
/// An operator's view of the Blazor admin at <c>/admin</c> on a real node, in Debian's Chromium: demo-1 is listed live
/// with its input bitrate, previews in the page, stops and starts from its row, and the create form shows the server's
/// refusal without creating anything.
/// </summary>
public sealed partial class AdminPageSpecs(DemoBrowserFixture fixture) : IClassFixture<DemoBrowserFixture>, IAsyncLifetime
{
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(60);

    private AdminBrowser _browser = null!;

    private HostProcess Node => fixture.Node;

    public async Task InitializeAsync() => _browser = await AdminBrowser.StartAsync(fixture);

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    private Task<IPage> OpenAsync(string path) => _browser.OpenAsync(path);

    private Task AssertHealthyAsync(IPage page) => _browser.AssertHealthyAsync(page);

    /// <summary>Fills the form once the circuit is up (its fields are disabled until then) and submits it.</summary>
    private static async Task SubmitNewChannelAsync(ILocator form, string id, string name, int number, string source)
    {
        await form.Locator("input[name=id]").FillAsync(id, new() { Timeout = 30_000 });
        await form.Locator("input[name=name]").FillAsync(name);
        await form.Locator("input[name=number]").FillAsync(number.ToString(CultureInfo.InvariantCulture));
        await form.Locator("input[name=source]").FillAsync(source);
        await form.Locator("button[type=submit]").ClickAsync();
    }

    private static ILocator Row(IPage page, string channel) => page.Locator($"table.channels tr[data-channel='{channel}']");

    private static async Task WaitForPhaseAsync(IPage page, string channel, TimeSpan within, params string[] phases) =>
        await page.Locator(string.Join(", ", phases.Select(p => $"table.channels tr[data-channel='{channel}'][data-phase='{p}']")))
            .WaitForAsync(new() { Timeout = (float)within.TotalMilliseconds });

    [Fact]
    public async Task Lists_demo_1_live_with_a_non_zero_input_bitrate_and_its_output_rendition()
    {
        var page = await OpenAsync("/admin");

        await WaitForPhaseAsync(page, "demo-1", LiveWithin, "Live", "Degraded");
        var row = Row(page, "demo-1");
        await Expect(row.Locator("td.input .rate")).ToHaveTextAsync(NonZeroRate(), new() { Timeout = 30_000 });
        await Expect(row.Locator("td.input .source")).ToHaveTextAsync("primary");
        await Expect(row.Locator("td.output li[data-rendition='main'] .rate")).ToHaveTextAsync(NonZeroRate(), new() { Timeout = 30_000 });
        await Expect(row.Locator("td.output li[data-rendition='main'] .codecs")).ToHaveTextAsync(new Regex(@"^avc1\.[0-9a-f]{6},mp4a\.40\.2$"));
        await Expect(row.Locator("td.name")).ToContainTextAsync("Demo 1");
        await Expect(row.Locator("td.num")).ToHaveTextAsync("901");
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task Preview_plays_demo_1_in_the_page()
    {
        var page = await OpenAsync("/admin");
        await WaitForPhaseAsync(page, "demo-1", LiveWithin, "Live", "Degraded");

        await Row(page, "demo-1").Locator("button.preview-button").ClickAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('preview').currentTime > 2", null, new() { Timeout = 60_000 });
        // A live stream may start late in its timeline: the clock must also move on 2 s from where it was first seen.
        var seen = await page.EvaluateAsync<double>("() => document.getElementById('preview').currentTime");
        await page.WaitForFunctionAsync($"() => document.getElementById('preview').currentTime > {seen.ToString(CultureInfo.InvariantCulture)} + 2", null,
            new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<int>("() => document.getElementById('preview').videoWidth") > 0);

        await Expect(page.Locator(".preview .preview-channel")).ToHaveTextAsync("demo-1");
        await Expect(page.Locator(".preview .preview-state")).ToHaveTextAsync("playing");
        await AssertHealthyAsync(page);
        var shot = Path.Combine(Repo.TempDir("admin-shot"), "admin.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Console.WriteLine($"screenshot: {shot}");
    }

    [Fact]
    public async Task Stop_from_the_admin_stops_the_channel_with_the_operators_reason_and_start_brings_it_back()
    {
        var page = await OpenAsync("/admin");
        await WaitForPhaseAsync(page, "demo-1", LiveWithin, "Live", "Degraded");
        var row = Row(page, "demo-1");

        try
        {
            await row.Locator("button.stop").ClickAsync(new() { Timeout = 30_000 });
            var reason = row.Locator(".stop-reason input[name=reason]");
            await Expect(reason).ToHaveValueAsync("stopped by operator (admin)");
            await row.Locator(".stop-reason button[type=submit]").ClickAsync();

            await WaitForPhaseAsync(page, "demo-1", TimeSpan.FromSeconds(15), "Stopped");
            await Expect(row.Locator("td.phase .reason")).ToHaveTextAsync("stopped by operator (admin)");
            var stopped = await Node.GetJsonAsync("/api/v1/channels/demo-1");
            Assert.False(stopped.GetProperty("running").GetBoolean(), stopped.ToString());
            Assert.Equal("stopped by operator (admin)", stopped.GetProperty("phaseReason").GetString());
        }
        finally
        {
            // Whatever failed above, leave demo-1 running for the other specs.
            await row.Locator("button.start").ClickAsync(new() { Timeout = 30_000 });
        }

        await WaitForPhaseAsync(page, "demo-1", TimeSpan.FromSeconds(15), "Starting", "Live", "Degraded");
        var started = await Node.GetJsonAsync("/api/v1/channels/demo-1");
        Assert.True(started.GetProperty("running").GetBoolean(), started.ToString());
        await WaitForPhaseAsync(page, "demo-1", LiveWithin, "Live", "Degraded");
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task Creating_a_channel_with_a_bad_source_shows_the_servers_message_and_creates_nothing()
    {
        var page = await OpenAsync("/admin");
        var form = page.Locator("form#new-channel");

        await SubmitNewChannelAsync(form, "admin-bad", "Bad Source", 501, "udp://example.com:5000");

        await Expect(form.Locator(".form-result.error")).ToHaveTextAsync("source: 'example.com' is not an IP address", new() { Timeout = 15_000 });
        using var one = await Node.Http.GetAsync("/api/v1/channels/admin-bad");
        Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        var list = await Node.GetJsonAsync("/api/v1/channels");
        Assert.DoesNotContain(list.EnumerateArray(), c => c.GetProperty("id").GetString() == "admin-bad");
        await Expect(Row(page, "admin-bad")).ToHaveCountAsync(0);
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task A_channel_created_and_started_on_a_silent_source_shows_failed_with_the_no_input_alarm()
    {
        var page = await OpenAsync("/admin");
        var form = page.Locator("form#new-channel");
        var port = Repo.FreeUdpPort();

        await SubmitNewChannelAsync(form, "admin-silent", "Silent", 502, $"udp://127.0.0.1:{port}");

        await Expect(form.Locator(".form-result.ok")).ToHaveTextAsync("admin-silent created and started", new() { Timeout = 15_000 });
        var row = Row(page, "admin-silent");
        await Expect(row.Locator("td.num")).ToHaveTextAsync("502", new() { Timeout = 5_000 });
        await WaitForPhaseAsync(page, "admin-silent", TimeSpan.FromSeconds(30), "Failed");
        await Expect(row.Locator("td.alarm-cell .alarm-kind")).ToHaveTextAsync("no-input", new() { Timeout = 15_000 });
        await Expect(row.Locator("td.alarm-cell .since")).ToHaveTextAsync(new Regex(@"^since \d\d:\d\d:\d\d \("));
        var created = await Node.GetJsonAsync("/api/v1/channels/admin-silent");
        Assert.True(created.GetProperty("running").GetBoolean(), created.ToString());
        Assert.Contains(created.GetProperty("alarms").EnumerateArray(), a => a.GetProperty("kind").GetString() == "no-input");
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task The_channel_page_shows_demo_1s_configuration_and_live_status()
    {
        var page = await OpenAsync("/admin");
        await Row(page, "demo-1").Locator("td.id a").ClickAsync(new() { Timeout = 30_000 });

        await Expect(page).ToHaveURLAsync(Node.HttpUrl + "/admin/channels/demo-1", new() { Timeout = 15_000 });
        var head = page.Locator(".page-head[data-channel='demo-1']");
        await Expect(head.Locator("h1")).ToContainTextAsync("Demo 1");
        await page.Locator(".page-head[data-channel='demo-1'][data-phase='Live'], .page-head[data-channel='demo-1'][data-phase='Degraded']")
            .WaitForAsync(new() { Timeout = (float)LiveWithin.TotalMilliseconds });
        await Expect(page.Locator("dd.input .rate")).ToHaveTextAsync(NonZeroRate(), new() { Timeout = 30_000 });
        await Expect(page.Locator(".card", new() { HasText = "Configuration" })).ToContainTextAsync("passthrough");
        var source = (await Node.GetJsonAsync("/api/v1/channels/demo-1")).GetProperty("source").GetString()!;
        await Expect(page.Locator(".card", new() { HasText = "Configuration" })).ToContainTextAsync(source);
        await Expect(page.Locator("li[data-rendition='main']")).ToContainTextAsync("#");
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task The_landing_page_links_to_the_admin()
    {
        var page = await OpenAsync("/");
        await page.Locator("a[href='/admin']").ClickAsync();
        await Expect(page).ToHaveURLAsync(Node.HttpUrl + "/admin", new() { Timeout = 15_000 });
        await Expect(page.Locator("h1")).ToHaveTextAsync("Channels");
        await AssertHealthyAsync(page);
    }

    [GeneratedRegex(@"^[1-9][0-9.]* (kb|Mb)/s$")]
    private static partial Regex NonZeroRate();
}
