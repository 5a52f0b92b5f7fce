using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Inspur.Host.Delivery;
using Inspur.Testing;
using Microsoft.Extensions.Configuration;

namespace Inspur.Host.Tests;

/// <summary>One node with request limits set low (1 a second, bursts of 2), shared by the rate limit specs: each spec floods its own tokens.</summary>
public sealed class RateLimitNodeFixture : IAsyncLifetime
{
    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await HostProcess.StartAsync(new HostOptions
    {
        DataDir = Repo.TempDir("rate-limits"),
        Settings = new Dictionary<string, string>
        {
            ["Inspur:RateLimits:Media:PerSecond"] = "1",
            ["Inspur:RateLimits:Media:Burst"] = "2",
            ["Inspur:RateLimits:Grant:PerSecond"] = "1",
            ["Inspur:RateLimits:Grant:Burst"] = "2",
            ["Inspur:RateLimits:Activation:PerSecond"] = "1",
            ["Inspur:RateLimits:Activation:Burst"] = "2",
        },
    });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// Request limits on a real node set low (1 a second, bursts of 2): a client looping on one playback token, one access
/// token or the activation route gets 429 with Retry-After as problem+json, while other tokens and the open routes are not held back.
/// </summary>
public sealed class RateLimitSpecs(RateLimitNodeFixture fixture) : IClassFixture<RateLimitNodeFixture>
{
    private HostProcess Node => fixture.Node;

    /// <summary>Twenty requests at once: two pass the burst and at most one more per second; the statuses they got.</summary>
    private async Task<List<HttpResponseMessage>> FloodAsync(Func<HttpRequestMessage> request) =>
        [.. await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Node.Http.SendAsync(request())))];

    private static async Task AssertRefusedAsync(IEnumerable<HttpResponseMessage> responses, HttpStatusCode passed)
    {
        var all = responses.ToList();
        Assert.All(all, r => Assert.Contains(r.StatusCode, new[] { passed, HttpStatusCode.TooManyRequests }));
        var refused = all.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(all, r => r.StatusCode == passed);
        foreach (var response in refused)
        {
            Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) >= 1);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests);
            Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task A_client_looping_on_one_playback_token_gets_429_and_another_token_does_not()
    {
        const string media = "/live/news/main/index.m3u8";

        await AssertRefusedAsync(await FloodAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/p/looping-token{media}")), HttpStatusCode.Forbidden);

        // The gate still judges other tokens: this one is not held back by the first one's bucket.
        await ProblemAssert.IsProblemAsync(await Node.Http.GetAsync($"/p/another-token{media}"), HttpStatusCode.Forbidden);
        // What is not fetched through a token is not limited here.
        Assert.All(await FloodAsync(() => new HttpRequestMessage(HttpMethod.Get, "/live")), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task A_device_asking_for_playback_in_a_loop_gets_429()
    {
        await AssertRefusedAsync(await FloodAsync(() => new HttpRequestMessage(HttpMethod.Post, RateLimits.GrantRoute)
        {
            Content = new StringContent("""{"channel":"news"}""", Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "looping-device") },
        }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_client_asking_for_activation_codes_in_a_loop_gets_429()
    {
        await AssertRefusedAsync(await FloodAsync(() => new HttpRequestMessage(HttpMethod.Post, RateLimits.ActivationRoute)
        {
            Content = new StringContent(ActivationClient.Box, Encoding.UTF8, "application/json"),
        }), HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("Media:PerSecond", "-1")]
    [InlineData("Activation:Burst", "x")]
    [InlineData("Media:PerSecond", "many")]
    [InlineData("Grant:Burst", "1.5")]
    [InlineData("Grant:PerSecond", "2000000")]
    public void A_bad_setting_stops_the_node_with_its_name(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Inspur:RateLimits:{key}"] = value }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => RateLimitSettings.Read(configuration));
        Assert.Contains($"Inspur:RateLimits:{key}", error.Message);
    }

    [Fact]
    public void A_burst_below_the_rate_is_refused_and_zero_turns_a_limit_off()
    {
        var low = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inspur:RateLimits:Media:PerSecond"] = "10",
            ["Inspur:RateLimits:Media:Burst"] = "5",
        }).Build();
        Assert.Contains("Burst", Assert.Throws<InvalidOperationException>(() => RateLimitSettings.Read(low)).Message);

        var off = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Inspur:RateLimits:Grant:PerSecond"] = "0" }).Build();
        Assert.False(RateLimitSettings.Read(off).Grant.Enabled);
        Assert.True(RateLimitSettings.Read(off).Media.Enabled);
    }
}
