using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Inspur.Host.Boss;
using Inspur.Media.Hls;
using Inspur.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Inspur.Web.Tests;

/// <summary>A demo node with a BOSS key, so a spec opens accounts and orders packages through the signed BOSS API.</summary>
public sealed class SubscriberAdminFixture : DemoBrowserFixture
{
    public const string BossKey = "boss-web";
    public const string BossSecret = "web-specs-boss-secret";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { [$"Inspur:Boss:Keys:{BossKey}"] = BossSecret };

    /// <summary>A client that signs every request as a BOSS integrator's would; relative paths are below <c>/api/boss/v1/</c>.</summary>
    public HttpClient Boss() => new(new BossSigningHandler(BossKey, BossSecret)) { BaseAddress = new Uri(Node.HttpUrl + "/api/boss/v1/") };
}

/// <summary>
/// The subscriber pages at <c>/admin/subscribers</c> in Debian's Chromium on a real node: an account opened and given a package
/// through the BOSS API signs in and plays demo-1; the operator finds it, sees its product, device and session, kicks the
/// session, and the player's next playlist request is refused. A search without a match and an unknown or malformed account
/// are clear page states.
/// </summary>
public sealed class SubscriberAdminSpecs(SubscriberAdminFixture fixture) : IClassFixture<SubscriberAdminFixture>, IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private AdminBrowser _browser = null!;

    private HttpClient Http => fixture.Node.Http;

    public async Task InitializeAsync() => _browser = await AdminBrowser.StartAsync(fixture);

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    private static async Task SendAsync(HttpClient boss, HttpMethod method, string path, string json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(BossSignature.IdempotencyHeader, Guid.NewGuid().ToString("N"));
        using var response = await boss.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {expected}, got {response.StatusCode}: {text}");
    }

    /// <summary>Opens the account with the demo package through the BOSS and signs its set-top box in; answers its access token.</summary>
    private async Task<string> AccountAsync(string id, string name)
    {
        using var boss = fixture.Boss();
        await SendAsync(boss, HttpMethod.Put, "products/demo-pkg", """{"kind":"package","name":"Demo package","price":1000,"currency":"CNY","channels":["demo-1"]}""",
            HttpStatusCode.OK);
        await SendAsync(boss, HttpMethod.Post, "subscribers", $$"""{"id":"{{id}}","name":"{{name}}","deviceLimit":3,"streamLimit":2,"password":"{{Password}}"}""",
            HttpStatusCode.Created);
        await SendAsync(boss, HttpMethod.Post, $"subscribers/{id}/orders", """{"productId":"demo-pkg"}""", HttpStatusCode.OK);
        using var signIn = await Http.PostAsJsonAsync("/api/v1/auth/sign-in",
            new { account = id, password = Password, device = new { id = "stb-1", kind = "stb", serial = $"SN-{id}" } });
        var text = await signIn.Content.ReadAsStringAsync();
        Assert.True(signIn.StatusCode == HttpStatusCode.OK, $"sign-in: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The playback API grants demo-1; answers the session and its media playlist URL, which answers 200 now.</summary>
    private async Task<(string Session, string Master, string Media)> PlayAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/playback") { Content = new StringContent("""{"channel":"demo-1"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"playback: {text}");
        var grant = JsonDocument.Parse(text).RootElement;
        var url = grant.GetProperty("url").GetString()!;
        var master = PlaylistParser.ParseMaster(await Http.GetStringAsync(url));
        var media = url[..(url.LastIndexOf('/') + 1)] + master.Variants[0].Uri;
        using var playlist = await Http.GetAsync(media);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        return (grant.GetProperty("session").GetString()!, url, media);
    }

    [Fact]
    public async Task The_operator_finds_a_playing_subscriber_kicks_its_session_and_the_next_playlist_request_is_refused()
    {
        var id = $"web-{Guid.NewGuid():N}"[..16];
        var token = await AccountAsync(id, "Han Meimei");
        var (session, master, media) = await PlayAsync(token);

        var page = await _browser.OpenAsync("/admin/subscribers");
        await Expect(page.Locator("header nav a[href='/admin/subscribers']")).ToHaveCountAsync(1);
        await page.Locator("form#subscriber-search input[name=q]").FillAsync(id, new() { Timeout = 30_000 });
        await page.Locator("form#subscriber-search button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.Node.HttpUrl}/admin/subscribers?q={id}", new() { Timeout = 15_000 });
        var row = page.Locator($"table.subscribers tr[data-subscriber='{id}']");
        await Expect(row.Locator("td.name")).ToHaveTextAsync("Han Meimei", new() { Timeout = 30_000 });
        await Expect(row.Locator("td.status")).ToHaveTextAsync("active");
        await Expect(row.Locator("td.products")).ToHaveTextAsync("demo-pkg");
        await Expect(row.Locator("td.devices")).ToHaveTextAsync("stb stb-1");
        await Expect(page.Locator("table.subscribers tr[data-subscriber]")).ToHaveCountAsync(1);

        await row.Locator("td.id a").ClickAsync();
        await Expect(page).ToHaveURLAsync($"{fixture.Node.HttpUrl}/admin/subscribers/{id}", new() { Timeout = 15_000 });
        await Expect(page.Locator($".page-head[data-subscriber='{id}'] h1")).ToContainTextAsync("Han Meimei", new() { Timeout = 30_000 });
        await Expect(page.Locator(".card.account dd.status")).ToHaveTextAsync("active");
        await Expect(page.Locator(".card.account dd.limits")).ToHaveTextAsync("3 devices, 2 concurrent streams");
        var order = page.Locator("table.orders tr[data-product='demo-pkg']");
        await Expect(order).ToContainTextAsync("Demo package");
        await Expect(order.Locator("td.active")).ToHaveTextAsync("yes");
        await Expect(page.Locator("table.devices tr[data-device='stb-1'] td.serial")).ToHaveTextAsync($"SN-{id}");
        var playing = page.Locator($"table.sessions tr[data-session='{session}']");
        await Expect(playing.Locator("td.content")).ToHaveTextAsync("live:demo-1", new() { Timeout = 30_000 });
        await Expect(playing.Locator("td.device")).ToHaveTextAsync("stb-1");
        await Expect(playing.Locator("td.state")).ToHaveTextAsync("playing");
        await Expect(playing.Locator("td.last-seen")).ToHaveTextAsync(new Regex(@"^\d\d:\d\d:\d\d \(\d+ s ago\)$"), new() { Timeout = 30_000 });

        await playing.Locator("button.kick").ClickAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#notice")).ToHaveTextAsync($"session {session} kicked: its playback is refused from now on", new() { Timeout = 15_000 });
        await Expect(playing).ToHaveCountAsync(0);
        await Expect(page.Locator("#no-sessions")).ToHaveTextAsync("no active sessions");

        using var refused = await Http.GetAsync(media);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.Equal("Playback revoked", problem.GetProperty("title").GetString());
        await ProblemAssert.IsProblemAsync(await Http.GetAsync(master), HttpStatusCode.Forbidden);
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sessions/{session}") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var readResponse = await Http.SendAsync(read);
        readResponse.EnsureSuccessStatusCode();
        var ended = JsonDocument.Parse(await readResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Ended", "Kicked"), (ended.GetProperty("phase").GetString(), ended.GetProperty("endReason").GetString()));
        await _browser.AssertHealthyAsync(page);
    }

    [Fact]
    public async Task Suspend_with_a_reason_refuses_playback_resume_restores_it_and_a_removed_device_is_gone_from_the_account()
    {
        var id = $"web-{Guid.NewGuid():N}"[..16];
        var token = await AccountAsync(id, "Li Lei");
        using var boss = fixture.Boss();
        var page = await _browser.OpenAsync($"/admin/subscribers/{id}");
        var account = page.Locator(".card.account");

        await account.Locator("form.suspend input[name=reason]").FillAsync("unpaid (admin spec)", new() { Timeout = 30_000 });
        await account.Locator("form.suspend button[type=submit]").ClickAsync();
        await Expect(page.Locator("#notice")).ToHaveTextAsync($"{id} suspended: unpaid (admin spec)", new() { Timeout = 15_000 });
        await Expect(account.Locator("dd.status")).ToHaveTextAsync("suspended: unpaid (admin spec)");
        var suspended = await boss.GetFromJsonAsync<JsonElement>($"subscribers/{id}");
        Assert.Equal(("suspended", "unpaid (admin spec)"), (suspended.GetProperty("status").GetString(), suspended.GetProperty("statusReason").GetString()));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/playback") { Content = new StringContent("""{"channel":"demo-1"}""", Encoding.UTF8, "application/json") })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var refused = await ProblemAssert.IsProblemAsync(await Http.SendAsync(request), HttpStatusCode.Forbidden);
            Assert.Equal("Account suspended", refused.GetProperty("title").GetString());
        }

        await account.Locator("button.resume").ClickAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#notice")).ToHaveTextAsync($"{id} resumed", new() { Timeout = 15_000 });
        await Expect(account.Locator("dd.status")).ToHaveTextAsync("active");
        await PlayAsync(token);

        await page.Locator("table.devices tr[data-device='stb-1'] button.remove-device").ClickAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#notice")).ToHaveTextAsync("device stb-1 removed", new() { Timeout = 15_000 });
        await Expect(page.Locator("#no-devices")).ToHaveTextAsync("no devices");
        var removed = await boss.GetFromJsonAsync<JsonElement>($"subscribers/{id}");
        Assert.Equal(0, removed.GetProperty("devices").GetArrayLength());
        await _browser.AssertHealthyAsync(page);
    }

    [Fact]
    public async Task A_search_without_a_match_says_so()
    {
        var page = await _browser.OpenAsync("/admin/subscribers");
        await page.Locator("form#subscriber-search input[name=q]").FillAsync("no-such-subscriber-zz", new() { Timeout = 30_000 });
        await page.Locator("form#subscriber-search button[type=submit]").ClickAsync();

        await Expect(page.Locator("#no-subscribers")).ToHaveTextAsync("no subscriber matches 'no-such-subscriber-zz'", new() { Timeout = 30_000 });
        await Expect(page.Locator("table.subscribers tr[data-subscriber]")).ToHaveCountAsync(0);
        await Expect(page.Locator("form#subscriber-search input[name=q]")).ToHaveValueAsync("no-such-subscriber-zz");
        await _browser.AssertHealthyAsync(page);
    }

    [Theory]
    [InlineData("nobody-here", "No subscriber 'nobody-here' exists.", "yes")]
    [InlineData("Not_An_Id", "'Not_An_Id' is not a subscriber id: 1-64 lower-case letters, digits or dashes.", "no")]
    public async Task An_unknown_or_malformed_account_is_a_clear_message_not_an_error(string id, string message, string notFound)
    {
        var page = await _browser.OpenAsync($"/admin/subscribers/{id}");

        var problem = page.Locator("#subscriber-problem");
        await Expect(problem).ToHaveTextAsync(message, new() { Timeout = 30_000 });
        await Expect(problem).ToHaveAttributeAsync("data-not-found", notFound);
        await Expect(page.Locator(".page-head[data-subscriber]")).ToHaveCountAsync(0);
        await Expect(page.Locator("p.crumbs a[href='/admin/subscribers']")).ToHaveCountAsync(1);
        await _browser.AssertHealthyAsync(page);
    }
}
