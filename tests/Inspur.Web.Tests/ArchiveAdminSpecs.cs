using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Inspur.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Inspur.Web.Tests;

/// <summary>
/// An operator's view of the archive and the EPG in the Blazor admin on a real node with demo-1 publishing, in Debian's
/// Chromium: demo-1's archive grows and fills today's bar and plays from a range, retention is edited inline with the
/// server's refusal shown, and an uploaded XMLTV file shows in today's grid or, malformed, as a report naming its line.
/// </summary>
public sealed partial class ArchiveAdminSpecs(DemoBrowserFixture fixture) : IClassFixture<DemoBrowserFixture>, IAsyncLifetime
{
    private static readonly PageWaitForSelectorOptions Within60S = new() { Timeout = 60_000 };

    private AdminBrowser _browser = null!;

    private HostProcess Node => fixture.Node;

    public async Task InitializeAsync() => _browser = await AdminBrowser.StartAsync(fixture);

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    private Task<IPage> OpenAsync(string path) => _browser.OpenAsync(path);

    private Task AssertHealthyAsync(IPage page) => _browser.AssertHealthyAsync(page);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var shot = Path.Combine(Repo.TempDir("admin-archive-shot"), name);
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Console.WriteLine($"screenshot: {shot}");
    }

    private async Task<int> ArchiveHoursAsync() => (await Node.GetJsonAsync("/api/v1/channels/demo-1")).GetProperty("archiveHours").GetInt32();

    private static ILocator Row(IPage page) => page.Locator("table.archive tr[data-channel='demo-1']");

    [Fact]
    public async Task The_archive_page_shows_demo_1s_usage_and_a_filled_range_in_todays_bar_that_plays_from_here()
    {
        var page = await OpenAsync("/admin/archive");

        await page.WaitForSelectorAsync("table.archive tr[data-channel='demo-1'] .timebar-wrap[data-rendition='main'] .timebar .range", Within60S);
        var row = Row(page);
        await Expect(row.Locator("td.usage")).ToHaveTextAsync(NonZeroBytes(), new() { Timeout = 30_000 });
        Assert.True(long.Parse((await row.Locator("td.usage").GetAttributeAsync("data-bytes"))!, CultureInfo.InvariantCulture) > 0);
        await Expect(row.Locator("td.extent [data-rendition='main'] .earliest")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"));
        await Expect(page.Locator("#node-usage")).ToContainTextAsync("node usage");
        // Measured in the page until it holds: the board re-renders every 2 s, and an element it just replaced is detached (0 px).
        await page.WaitForFunctionAsync("""
            () => {
              const ranges = document.querySelectorAll("table.archive tr[data-channel='demo-1'] .timebar .range");
              return ranges.length > 0 && ranges[ranges.length - 1].isConnected && ranges[ranges.length - 1].getBoundingClientRect().width >= 1;
            }
            """, null, new() { Timeout = 30_000 });

        var playlist = await row.Locator("ul.ranges a.playlist").Last.GetAttributeAsync("href");
        Assert.Matches(@"^/archive/demo-1/main/index-\d{10}-\d+\.m3u8$", playlist);
        using (var response = await Node.Http.GetAsync(playlist))
        {
            Assert.True(response.IsSuccessStatusCode, $"{playlist}: {(int)response.StatusCode}");
            Assert.StartsWith("#EXTM3U", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await row.Locator("ul.ranges button.watch").Last.ClickAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('preview').currentTime > 1", null, new() { Timeout = 60_000 });
        await Expect(page.Locator(".preview .preview-channel")).ToHaveTextAsync(new Regex(@"^demo-1/main from \d\d:\d\d:\d\d$"));
        await AssertHealthyAsync(page);
        await ScreenshotAsync(page, "archive.png");
    }

    [Fact]
    public async Task A_bad_retention_shows_the_servers_message_and_changes_nothing_and_a_good_one_is_saved()
    {
        var before = await ArchiveHoursAsync();
        var good = before == 48 ? 96 : 48;
        var page = await OpenAsync("/admin/archive");
        var retention = Row(page).Locator("td.retention");
        await Expect(retention.Locator("input[name=archiveHours]")).ToHaveValueAsync(before.ToString(CultureInfo.InvariantCulture), new() { Timeout = 30_000 });

        await retention.Locator("input[name=archiveHours]").FillAsync("100000", new() { Timeout = 30_000 });
        await retention.Locator("button[type=submit]").ClickAsync();

        await Expect(retention.Locator(".form-result.error")).ToHaveTextAsync("archiveHours must be between 0 and 744", new() { Timeout = 15_000 });
        Assert.Equal(before, await ArchiveHoursAsync());

        try
        {
            await retention.Locator("input[name=archiveHours]").FillAsync(good.ToString(CultureInfo.InvariantCulture));
            await retention.Locator("button[type=submit]").ClickAsync();

            await Expect(retention.Locator(".form-result.ok")).ToHaveTextAsync($"demo-1 keeps {good} h of archive", new() { Timeout = 15_000 });
            Assert.Equal(good, await ArchiveHoursAsync());
            await Expect(retention.Locator("input[name=archiveHours]")).ToHaveValueAsync(good.ToString(CultureInfo.InvariantCulture));
            await AssertHealthyAsync(page);
        }
        finally
        {
            // Leave demo-1 as the other specs expect it.
            await retention.Locator("input[name=archiveHours]").FillAsync(before.ToString(CultureInfo.InvariantCulture));
            await retention.Locator("button[type=submit]").ClickAsync();
            await Expect(retention.Locator(".form-result.ok")).ToHaveTextAsync($"demo-1 keeps {before} h of archive", new() { Timeout = 15_000 });
        }
    }

    [Fact]
    public async Task An_uploaded_xmltv_file_shows_in_todays_grid_with_now_highlighted_and_catch_up_for_the_past()
    {
        var now = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var tag = Guid.NewGuid().ToString("N")[..6];
        (string Title, DateTimeOffset Start, DateTimeOffset Stop)[] programmes =
        [
            ($"Past {tag}", minute.AddMinutes(-40), minute.AddMinutes(-10)),
            ($"Now {tag}", minute.AddMinutes(-10), minute.AddMinutes(20)),
            ($"Next {tag}", minute.AddMinutes(20), minute.AddMinutes(50)),
        ];
        var xml = Xml([.. programmes.Select(p => Programme(p.Title, p.Start, p.Stop))]);
        var page = await OpenAsync("/admin/epg");

        await UploadAsync(page, "guide.xml", xml);

        var report = page.Locator("#upload-report");
        await Expect(report.Locator(".import-report .kept")).ToHaveTextAsync("3 kept", new() { Timeout = 15_000 });
        await Expect(report.Locator(".channel-imports li[data-channel='demo-1']")).ToContainTextAsync("3 programmes");
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var dayStart = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var row = page.Locator("table.grid tr[data-channel='demo-1']");
        // Near midnight a programme may fall on another day's grid: only those that touch today are on this one.
        foreach (var (title, start, stop) in programmes.Where(p => p.Stop > dayStart && p.Start < dayStart.AddDays(1)))
            await Expect(row.Locator(".programme .title", new() { HasText = title })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(row.Locator(".programme.now .title")).ToHaveTextAsync($"Now {tag}");
        var past = programmes[0];
        if (past.Stop > dayStart)
        {
            await Expect(row.Locator(".programme.past", new() { HasText = past.Title }).Locator("a.catch-up")).ToHaveAttributeAsync("href",
                $"/archive/demo-1/main/index-{past.Start.ToUnixTimeSeconds()}-{(long)(past.Stop - past.Start).TotalSeconds}.m3u8");
        }

        await AssertHealthyAsync(page);
        await ScreenshotAsync(page, "epg.png");
    }

    [Fact]
    public async Task A_malformed_xmltv_file_shows_the_report_with_its_line_and_imports_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var title = $"Never {Guid.NewGuid():N}"[..12];
        var xml = Xml(Programme(title, now.AddMinutes(-5), now.AddMinutes(5)), "  <programme><title>broken</programme>");
        var page = await OpenAsync("/admin/epg");

        await UploadAsync(page, "broken.xml", xml);

        var report = page.Locator("#upload-report .import-report.malformed");
        await Expect(report.Locator(".summary")).ToContainTextAsync("malformed: nothing imported", new() { Timeout = 15_000 });
        await Expect(report.Locator(".issue[data-kind='malformed'] .line")).ToHaveTextAsync(new Regex(@"^line 4(:\d+)?$"));
        await Expect(page.Locator("#upload-report")).ToContainTextAsync("broken.xml");
        var grid = await Node.GetJsonAsync($"/api/v1/epg/grid?day={now.UtcDateTime:yyyy-MM-dd}");
        Assert.DoesNotContain(title, grid.ToString(), StringComparison.Ordinal);
        await Expect(page.Locator("table.grid")).Not.ToContainTextAsync(title);
        await AssertHealthyAsync(page);
    }

    [Fact]
    public async Task Scheduled_sources_show_their_interval_last_fetch_and_what_it_came_to()
    {
        var missing = $"{Node.HttpUrl}/no-such-guide-{Guid.NewGuid():N}.xml";
        var notXml = $"{Node.HttpUrl}/readyz";
        foreach (var url in new[] { missing, notXml })
        {
            using var registered = await Node.Http.PostAsync("/api/v1/epg/sources",
                new StringContent($$"""{"url":"{{url}}","everyMinutes":60}""", Encoding.UTF8, "application/json"));
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        }

        var page = await OpenAsync("/admin/epg");

        var failed = page.Locator("table.sources tbody tr", new() { HasText = missing });
        await Expect(failed.Locator("td.num")).ToHaveTextAsync("60 min", new() { Timeout = 30_000 });
        await Expect(failed).ToContainTextAsync(" UTC");
        await Expect(failed.Locator("td.last-error")).ToContainTextAsync("404");
        var malformed = page.Locator("table.sources tbody tr", new() { HasText = notXml });
        await Expect(malformed.Locator(".import-report.malformed .summary")).ToContainTextAsync("malformed: nothing imported");
        await Expect(malformed.Locator(".issue[data-kind='malformed'] .line")).ToHaveTextAsync(new Regex(@"^line 1(:\d+)?$"));
        await AssertHealthyAsync(page);
        await ScreenshotAsync(page, "epg-sources.png");
    }

    /// <summary>Chooses the file once the circuit is up (the form is disabled until then) and presses Import.</summary>
    private static async Task UploadAsync(IPage page, string name, string xml)
    {
        var form = page.Locator("#upload form");
        await Expect(form.Locator("input[type=file]")).ToBeEnabledAsync(new() { Timeout = 30_000 });
        // A file chosen while the circuit is still wiring up the input is not seen (the button stays disabled): choose it
        // again until the page has it, as a user would.
        var submit = form.Locator("button[type=submit]");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await form.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "application/xml", Buffer = Encoding.UTF8.GetBytes(xml) });
            try
            {
                await Expect(submit).ToBeEnabledAsync(new() { Timeout = 5_000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
            }
        }

        await submit.ClickAsync(new() { Timeout = 15_000 });
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + " +0000";

    private static string Programme(string title, DateTimeOffset start, DateTimeOffset stop) =>
        $"""  <programme start="{Time(start)}" stop="{Time(stop)}" channel="demo-1"><title>{title}</title></programme>""";

    private static string Xml(params string[] lines) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tv>\n{string.Join('\n', lines)}\n</tv>\n";

    [GeneratedRegex(@"^[1-9][0-9.]* (B|KiB|MiB|GiB|TiB)$")]
    private static partial Regex NonZeroBytes();
}
