using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Inspur.Domain.Channels;
using Inspur.Domain.Security;
using Inspur.Domain.Sessions;

namespace Inspur.Domain.Tests;

/// <summary>Signed playback tokens: what is signed verifies, and every change to it, to its key or to the clock is caught.</summary>
public sealed class PlaybackTokenSpecs
{
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private static readonly PlaybackClaims Claims = new(new SessionId("ses-0123456789abcdef0123"), "acct-1001", "00:1A:2B:3C:4D:5E",
        PlaybackContent.Live(new ChannelId("cctv-1")), Issued, Issued.AddHours(4));

    private static readonly TokenKeyRing Keys = Ring(("k2", 2), ("k1", 1));

    private static TokenKeyRing Ring(params (string Id, byte Seed)[] keys) => Ring(keys[0].Id, keys);

    private static TokenKeyRing Ring(string active, params (string Id, byte Seed)[] keys) =>
        new(keys.ToDictionary(k => k.Id, k => Enumerable.Repeat(k.Seed, 32).ToArray()), active);

    private static PlaybackVerification Verify(string token, DateTimeOffset? now = null, TokenKeyRing? keys = null) =>
        PlaybackToken.Verify(token, keys ?? Keys, now ?? Issued.AddMinutes(1));

    [Fact]
    public void A_signed_token_verifies_with_every_claim_back()
    {
        var token = PlaybackToken.Sign(Claims, Keys);

        var verdict = Verify(token);

        Assert.Equal(TokenStatus.Valid, verdict.Status);
        Assert.Equal(Claims, verdict.Claims);
        Assert.StartsWith("k2.", token);
        Assert.Matches("^[A-Za-z0-9_.-]+$", token);
        Assert.InRange(token.Length, 100, 200);
    }

    [Fact]
    public void Every_content_kind_and_long_ids_round_trip()
    {
        foreach (var content in new[] { PlaybackContent.Archive(new ChannelId("c")), new PlaybackContent(ContentKind.Vod, "title-42") })
        {
            var claims = Claims with { Content = content, SubscriberId = new string('s', PartyId.MaxLength), DeviceId = "dev@home.example:1" };
            var verdict = Verify(PlaybackToken.Sign(claims, Keys));
            Assert.Equal((TokenStatus.Valid, claims), (verdict.Status, verdict.Claims));
        }
    }

    [Fact]
    public void Changing_any_character_of_a_token_makes_it_tampered()
    {
        var token = PlaybackToken.Sign(Claims, Keys);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.') continue;
            // Two replacements per position: the neighbour in the alphabet and one far away, so low unused bits are covered too.
            var at = alphabet.IndexOf(token[i]);
            foreach (var replacement in new[] { alphabet[(at + 1) % 64], alphabet[(at + 33) % 64] })
            {
                var changed = token[..i] + replacement + token[(i + 1)..];
                Assert.True(Verify(changed).Status == TokenStatus.Tampered, $"position {i}: '{token[i]}' → '{replacement}' was accepted");
            }
        }
    }

    [Theory]
    [InlineData("session")]
    [InlineData("subscriber")]
    [InlineData("device")]
    [InlineData("kind")]
    [InlineData("content")]
    [InlineData("issued")]
    [InlineData("expires")]
    public void Re_encoding_a_payload_with_one_field_changed_is_tampered(string field)
    {
        var token = PlaybackToken.Sign(Claims, Keys);
        var parts = token.Split('.');
        var fields = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Split('|');
        var index = Array.IndexOf(new[] { "version", "session", "subscriber", "device", "kind", "content", "issued", "expires" }, field);
        fields[index] = field switch
        {
            "kind" => "archive",
            "issued" => (Issued.ToUnixTimeSeconds() - 3600).ToString(),
            "expires" => (Issued.ToUnixTimeSeconds() + 86_400 * 365).ToString(),
            _ => fields[index] + "x",
        };
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', fields)))}.{parts[2]}";

        var verdict = Verify(forged);

        Assert.Equal(TokenStatus.Tampered, verdict.Status);
        Assert.Null(verdict.Claims);
    }

    [Fact]
    public void A_truncated_token_is_tampered_at_every_length()
    {
        var token = PlaybackToken.Sign(Claims, Keys);

        for (var length = 0; length < token.Length; length++)
            Assert.Equal(TokenStatus.Tampered, Verify(token[..length]).Status);
        Assert.Equal(TokenStatus.Tampered, Verify(token + "A").Status);
        Assert.Equal(TokenStatus.Tampered, Verify(token + ".").Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("...")]
    [InlineData("k2..")]
    [InlineData("k2.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not a token at all")]
    [InlineData("k2.%2e%2e.x")]
    [InlineData("k2.a.b.c")]
    [InlineData("../../etc/passwd")]
    public void Garbage_is_tampered(string token)
    {
        Assert.Equal(TokenStatus.Tampered, Verify(token).Status);
    }

    [Fact]
    public void A_very_long_token_is_refused_without_work()
    {
        Assert.Equal(TokenStatus.Tampered, Verify(new string('a', PlaybackToken.MaxLength + 1)).Status);
    }

    [Fact]
    public void The_same_key_id_with_other_bytes_or_an_unknown_key_id_is_tampered()
    {
        var token = PlaybackToken.Sign(Claims, Keys);

        Assert.Equal(TokenStatus.Tampered, Verify(token, keys: Ring(("k2", 9))).Status);
        Assert.Equal(TokenStatus.Tampered, Verify(token, keys: Ring(("k3", 2))).Status);
        var relabelled = "k1" + token[2..];
        Assert.Equal(TokenStatus.Tampered, Verify(relabelled).Status);
    }

    [Fact]
    public void A_rotated_out_signing_key_still_verifies_while_it_is_in_the_ring()
    {
        var old = PlaybackToken.Sign(Claims, Ring("k1", ("k1", 1)));
        var rotated = Ring("k2", ("k1", 1), ("k2", 2));

        Assert.Equal(TokenStatus.Valid, Verify(old, keys: rotated).Status);
        Assert.StartsWith("k2.", PlaybackToken.Sign(Claims, rotated));
        Assert.Equal(TokenStatus.Tampered, Verify(old, keys: Ring(("k2", 2))).Status);
    }

    [Fact]
    public void A_token_is_valid_until_the_second_before_its_expiry_and_expired_from_it()
    {
        var token = PlaybackToken.Sign(Claims, Keys);

        Assert.Equal(TokenStatus.Valid, Verify(token, Claims.ExpiresAt.AddTicks(-1)).Status);
        var expired = Verify(token, Claims.ExpiresAt);
        Assert.Equal(TokenStatus.Expired, expired.Status);
        Assert.Equal(Claims, expired.Claims);
        Assert.Equal(TokenStatus.Expired, Verify(token, Claims.ExpiresAt.AddYears(1)).Status);
    }

    [Fact]
    public void An_expired_token_with_a_bad_signature_is_tampered_not_expired()
    {
        var token = PlaybackToken.Sign(Claims, Keys);
        var bad = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');

        Assert.Equal(TokenStatus.Tampered, Verify(bad, Claims.ExpiresAt.AddDays(1)).Status);
    }

    [Fact]
    public void Claims_that_cannot_be_signed_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PlaybackToken.Sign(Claims with { SubscriberId = "a|b" }, Keys));
        Assert.Throws<ArgumentException>(() => PlaybackToken.Sign(Claims with { DeviceId = "" }, Keys));
        Assert.Throws<ArgumentException>(() => PlaybackToken.Sign(Claims with { Content = new PlaybackContent(ContentKind.Live, "../x") }, Keys));
        Assert.Throws<ArgumentException>(() => PlaybackToken.Sign(Claims with { ExpiresAt = Claims.IssuedAt }, Keys));
    }

    [Fact]
    public void Key_rings_refuse_short_keys_bad_ids_and_an_unknown_active_key()
    {
        var good = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        Assert.Equal("only", TokenKeyRing.FromBase64(new Dictionary<string, string> { ["only"] = good }, null).ActiveKeyId);
        Assert.Contains("bytes", Assert.Throws<ArgumentException>(() =>
            TokenKeyRing.FromBase64(new Dictionary<string, string> { ["k"] = Convert.ToBase64String(new byte[16]) }, null)).Message);
        Assert.Contains("base64", Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64(new Dictionary<string, string> { ["k"] = "not base64!" }, null)).Message);
        Assert.Contains("SigningKey", Assert.Throws<ArgumentException>(() =>
            TokenKeyRing.FromBase64(new Dictionary<string, string> { ["a"] = good, ["b"] = good }, null)).Message);
        Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64(new Dictionary<string, string> { ["a"] = good }, "b"));
        Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64(new Dictionary<string, string> { ["a.b"] = good }, null));
        Assert.Throws<ArgumentException>(() => TokenKeyRing.FromBase64(new Dictionary<string, string>(), null));
    }
}
