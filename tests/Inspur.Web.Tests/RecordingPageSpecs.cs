using System.Text.RegularExpressions;
using Inspur.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Inspur.Web.Tests;

/// <summary>The recordings page at <c>/admin/recordings</c> in Debian's Chromium: record the last minute of demo-1, see it complete with its files, delete it.</summary>
public sealed class RecordingPageSpecs(DemoBrowserFixture fixture) : IClassFixture<DemoBrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;

    public async Task InitializeAsync() => _context = await fixture.Browser.NewContextAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Records_the_last_minute_of_a_channel_shows_it_completed_and_deletes_it()
    {
        var errors = new List<string>();
        var page = await _context.NewPageAsync();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(fixture.Node.HttpUrl + "/admin/recordings");
        await Expect(page.Locator("header nav a[href='/admin/recordings']")).ToHaveCountAsync(1);
        var form = page.Locator("form#new-recording");
        await form.Locator("select[name=channel] option[value='demo-1']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        await Expect(form.Locator("fieldset")).ToBeEnabledAsync(new() { Timeout = 30_000 });

        await form.Locator("select[name=channel]").SelectOptionAsync("demo-1");
        await form.Locator("input[name=minutes]").FillAsync("1");
        await form.Locator("input[name=title]").FillAsync("From the admin");
        await form.Locator("button[type=submit]").ClickAsync();

        await Expect(page.Locator("#notice")).ToHaveTextAsync(new Regex("^recording rec-[0-9a-f]+ of the last 1 min of demo-1 scheduled$"), new() { Timeout = 15_000 });
        var row = page.Locator("table.recordings tr[data-recording]", new() { HasText = "From the admin" });
        await page.Locator("table.recordings tr[data-phase='Completed']", new() { HasText = "From the admin" }).WaitForAsync(new() { Timeout = 60_000 });
        await Expect(row.Locator("a[href$='/recording.mp4']")).ToHaveCountAsync(1);
        await Expect(row.Locator("td.num")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? (KB|MB|GB)$"));

        await row.Locator("button.delete").ClickAsync();
        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }
}
