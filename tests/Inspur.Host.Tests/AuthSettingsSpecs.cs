using Inspur.Host.Auth;

namespace Inspur.Host.Tests;

/// <summary>The activation settings of <c>Inspur:Auth</c>: defaults, and a node that refuses to start on a bad value, naming it.</summary>
public sealed class AuthSettingsSpecs
{
    private static AuthSettings Read(params (string Key, string Value)[] settings) =>
        AuthSettings.Read(InMemorySettings.Of(settings));

    [Fact]
    public void Codes_live_ten_minutes_and_boxes_poll_every_five_seconds_by_default()
    {
        var settings = Read();
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5)), (settings.ActivationLifetime, settings.ActivationInterval));
        settings = Read(("Inspur:Auth:ActivationLifetime", "00:00:15"), ("Inspur:Auth:ActivationInterval", "00:00:01"));
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1)), (settings.ActivationLifetime, settings.ActivationInterval));
    }

    [Theory]
    [InlineData("ActivationLifetime", "ten minutes", "ActivationLifetime")]
    [InlineData("ActivationLifetime", "00:00:00", "ActivationLifetime")]
    [InlineData("ActivationLifetime", "02:00:00", "ActivationLifetime")]
    [InlineData("ActivationInterval", "-00:00:05", "ActivationInterval")]
    [InlineData("ActivationInterval", "00:05:00", "ActivationInterval")]
    [InlineData("ActivationInterval", "00:00:30", "ActivationInterval")]
    [InlineData("TokenLifetime", "00:00:00.5", "TokenLifetime")]
    [InlineData("TokenLifetime", "91.00:00:00", "TokenLifetime")]
    public void A_bad_lifetime_or_interval_stops_the_node_naming_it(string key, string value, string named)
    {
        var settings = new List<(string, string)> { ($"Inspur:Auth:{key}", value) };
        if (key == "ActivationInterval") settings.Add(("Inspur:Auth:ActivationLifetime", "00:00:20"));
        var error = Assert.Throws<InvalidOperationException>(() => Read([.. settings]));
        Assert.Contains($"Inspur:Auth:{named}", error.Message);
    }
}
