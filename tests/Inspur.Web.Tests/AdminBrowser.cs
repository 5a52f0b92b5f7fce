using Inspur.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Inspur.Web.Tests;

/// <summary>One spec's browser context on the admin of a node: opens pages that record script and console errors and checks none occurred.</summary>
public sealed class AdminBrowser : IAsyncDisposable
{
    private readonly List<string> _errors = [];
    private readonly IBrowserContext _context;
    private readonly HostProcess _node;

    private AdminBrowser(IBrowserContext context, HostProcess node)
    {
        _context = context;
        _node = node;
    }

    public static async Task<AdminBrowser> StartAsync(DemoBrowserFixture fixture) => new(await fixture.Browser.NewContextAsync(), fixture.Node);

    /// <summary>Opens a page that records script errors and console errors (Blazor logs a broken circuit there).</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await _context.NewPageAsync();
        page.PageError += (_, e) => _errors.Add(e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error") _errors.Add(m.Text);
        };
        await page.GotoAsync(_node.HttpUrl + path);
        return page;
    }

    public async Task AssertHealthyAsync(IPage page)
    {
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.Empty(_errors);
    }

    /// <summary>Closing the pages ends their circuits, so no refresh loop outlives its spec.</summary>
    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
