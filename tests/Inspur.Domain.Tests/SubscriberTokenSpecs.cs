using Inspur.Domain.Security;
using Inspur.Domain.Subscribers;

namespace Inspur.Domain.Tests;

public sealed class SubscriberTokenSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TokenKeyRing Keys = new(new Dictionary<string, byte[]> { ["a1"] = Enumerable.Repeat((byte)7, 32).ToArray() }, "a1", "access");
    private static readonly SubscriberClaims Claims = new(new SubscriberId("acct-1001"), "stb-1", At, At.AddHours(12));

    [Fact]
    public void A_signed_token_verifies_to_its_claims_until_it_expires()
    {
        var token = SubscriberToken.Sign(Claims, Keys);

        var now = SubscriberToken.Verify(token, Keys, At.AddHours(1));
        Assert.True(now.IsValid, now.Reason);
        Assert.Equal(Claims, now.Claims);
        var late = SubscriberToken.Verify(token, Keys, At.AddHours(12));
        Assert.Equal(TokenStatus.Expired, late.Status);
        Assert.Equal(Claims, late.Claims);
    }

    [Fact]
    public void Every_changed_character_or_truncation_is_tampered()
    {
        var token = SubscriberToken.Sign(Claims, Keys);
        for (var i = 0; i < token.Length; i++)
        {
            var changed = token.ToCharArray();
            changed[i] = changed[i] == 'A' ? 'B' : 'A';
            Assert.Equal(TokenStatus.Tampered, SubscriberToken.Verify(new string(changed), Keys, At).Status);
            Assert.Equal(TokenStatus.Tampered, SubscriberToken.Verify(token.AsSpan(0, i), Keys, At).Status);
        }
    }

    [Fact]
    public void Another_key_or_a_playback_token_is_not_a_subscriber_token()
    {
        var other = new TokenKeyRing(new Dictionary<string, byte[]> { ["a1"] = Enumerable.Repeat((byte)8, 32).ToArray() }, "a1", "access");
        Assert.Equal(TokenStatus.Tampered, SubscriberToken.Verify(SubscriberToken.Sign(Claims, other), Keys, At).Status);

        var playback = Sessions.PlaybackToken.Sign(new Sessions.PlaybackClaims(Sessions.SessionId.New(), "acct-1001", "stb-1",
            Sessions.PlaybackContent.Live(new Channels.ChannelId("news")), At, At.AddHours(1)), Keys);
        var verdict = SubscriberToken.Verify(playback, Keys, At);
        Assert.Equal(TokenStatus.Tampered, verdict.Status);
        Assert.Equal("the payload is garbled", verdict.Reason);
    }

    [Fact]
    public void Claims_that_cannot_be_signed_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SubscriberToken.Sign(Claims with { DeviceId = "bad device|id" }, Keys));
        Assert.Throws<ArgumentException>(() => SubscriberToken.Sign(Claims with { ExpiresAt = At }, Keys));
    }

    [Fact]
    public void A_key_ring_names_its_kind_in_its_errors()
    {
        var error = Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64(new Dictionary<string, string> { ["a1"] = "AAAA" }, null, "access", "Inspur:Auth:SigningKey"));
        Assert.Contains("access key 'a1' has 3 bytes", error.Message);
    }
}
