using System.Globalization;
using System.Text;
using Inspur.Host.Boss;
using Microsoft.AspNetCore.Http;

namespace Inspur.Host.Tests;

/// <summary>The replay cache stays bounded: full of live signatures it refuses new mutations (503) rather than forget one, and frees them once stale.</summary>
public sealed class BossAuthenticatorSpecs
{
    private const string Target = "/api/boss/v1/subscribers";

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_full_replay_cache_refuses_new_mutations_until_its_signatures_are_stale()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var boss = new BossAuthenticator(new BossSettings(new Dictionary<string, string> { ["k1"] = "secret" }, 300), clock);

        int? Post(int n, string method = "POST")
        {
            var timestamp = clock.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var body = Encoding.UTF8.GetBytes($$"""{"n":{{n}}}""");
            var result = boss.Verify(method, Target, "k1", timestamp, BossSignature.Compute("secret", method, Target, timestamp, body), body);
            return (result as IStatusCodeHttpResult)?.StatusCode;
        }

        for (var n = 0; n < BossAuthenticator.ReplayCapacity; n++) Assert.Null(Post(n));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, Post(BossAuthenticator.ReplayCapacity));
        Assert.Equal(StatusCodes.Status409Conflict, Post(0));
        Assert.Null(Post(0, "GET"));

        // Past the skew window every cached signature is stale; the next mutation frees them and is accepted.
        clock.Now += TimeSpan.FromSeconds(301);
        Assert.Null(Post(BossAuthenticator.ReplayCapacity));
        Assert.Equal(StatusCodes.Status409Conflict, Post(BossAuthenticator.ReplayCapacity));
        Assert.Null(Post(0));
    }
}
