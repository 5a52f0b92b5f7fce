using Inspur.Domain.Security;
using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.ActivationProtocol;

namespace Inspur.Domain.Tests;

/// <summary>The pure rules of device activation by code: codes, poll tokens, the state of one code, and the failure window of the throttles.</summary>
public sealed class DeviceActivationSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly SubscriberId Sub = new("acct-1");
    private static readonly ActivationDevice Box = new("stb-9", DeviceKind.Stb, "00:1a:2b:3c:4d:5e", null, null);
    private static readonly BeginActivation Begin = new("K7PMQ4XD", new string('n', 32), Box, T0.AddMinutes(10), TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData("K7PM-Q4XD", "K7PMQ4XD")]
    [InlineData("k7pmq4xd", "K7PMQ4XD")]
    [InlineData(" k7pm q4xd ", "K7PMQ4XD")]
    [InlineData("K7PM-Q4X0", null)]
    [InlineData("K7PM-Q4XO", null)]
    [InlineData("K7PM-Q4XI", null)]
    [InlineData("K7PM-Q4X1", null)]
    [InlineData("K7PM-Q4X", null)]
    [InlineData("K7PM-Q4XDD", null)]
    [InlineData("", null)]
    public void A_code_is_read_case_insensitively_with_the_dash_optional_and_look_alikes_refused(string text, string? code) =>
        Assert.Equal(code, ActivationCode.Normalize(text));

    [Fact]
    public void New_codes_use_the_alphabet_and_show_in_two_groups()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => ActivationCode.New()).ToList();
        Assert.All(codes, c => Assert.Equal(c, ActivationCode.Normalize(c)));
        Assert.True(codes.Distinct().Count() > 190);
        Assert.Matches("^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$", ActivationCode.Display(codes[0]));
    }

    [Fact]
    public void A_poll_token_carries_code_nonce_and_expiry_and_refuses_tampering_and_access_tokens()
    {
        var keys = TokenKeyRing.Ephemeral("access");
        var claims = new ActivationPollClaims("K7PMQ4XD", ActivationPollToken.NewNonce(), DateTimeOffset.FromUnixTimeSeconds(T0.ToUnixTimeSeconds()));
        var token = ActivationPollToken.Sign(claims, keys);
        Assert.Equal(claims, ActivationPollToken.Verify(token, keys, out _));
        Assert.Null(ActivationPollToken.Verify(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1], keys, out var reason));
        Assert.Contains("signature", reason);
        Assert.Null(ActivationPollToken.Verify(token, TokenKeyRing.Ephemeral("access"), out _));
        var access = SubscriberToken.Sign(new SubscriberClaims(Sub, "stb-9", T0, T0.AddHours(1)), keys);
        Assert.Null(ActivationPollToken.Verify(access, keys, out reason));
        Assert.Equal("the token is not a poll token", reason);
    }

    [Fact]
    public void A_code_is_confirmed_once_then_redeemed_by_one_poll()
    {
        var (state, begun) = DeviceActivationState.Empty(Begin.Code).Begin(Begin, T0);
        Assert.IsType<ActivationBegun>(begun);
        Assert.IsType<ActivationPending>(state.Poll(new PollActivation(Begin.Code, Begin.Nonce), T0).Reply);

        var (confirming, none) = state.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0.AddSeconds(1));
        Assert.Null(none);
        Assert.Equal(ActivationPhase.Confirming, confirming.Phase);
        Assert.Equal(ActivationRefusal.Busy, Refusal(confirming.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0.AddSeconds(1)).Reply));

        var (approved, confirmed) = confirming.Registered(new ConfirmActivation(Begin.Code, Sub, null));
        Assert.Equal(new ActivationConfirmed(Begin.Code, Sub, "stb-9", false), confirmed);
        Assert.Equal(ActivationRefusal.AlreadyUsed, Refusal(approved.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0.AddSeconds(2)).Reply));

        var (redeemed, reply) = approved.Poll(new PollActivation(Begin.Code, Begin.Nonce), T0.AddSeconds(10));
        Assert.Equal(new ActivationRedeemed(Begin.Code, Sub, Box), reply);
        Assert.Equal(ActivationRefusal.AlreadyUsed, Refusal(redeemed.Poll(new PollActivation(Begin.Code, Begin.Nonce), T0.AddSeconds(20)).Reply));
    }

    [Fact]
    public void A_failed_registration_lets_the_code_be_confirmed_again()
    {
        var (state, _) = DeviceActivationState.Empty(Begin.Code).Begin(Begin, T0);
        var (confirming, _) = state.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0);
        var again = confirming.RegistrationFailed();
        Assert.Equal(ActivationPhase.Pending, again.Phase);
        Assert.Null(again.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0).Reply);
    }

    [Fact]
    public void A_boss_retry_with_the_same_key_replays_and_any_other_confirm_is_refused()
    {
        var (state, _) = DeviceActivationState.Empty(Begin.Code).Begin(Begin, T0);
        var boss = new ConfirmActivation(Begin.Code, Sub, "k-1");
        var (approved, _) = state.Confirm(boss, T0).State.Registered(boss);
        Assert.Equal(new ActivationConfirmed(Begin.Code, Sub, "stb-9", true), approved.Confirm(boss, T0).Reply);
        Assert.Equal(ActivationRefusal.AlreadyUsed, Refusal(approved.Confirm(boss with { IdempotencyKey = "k-2" }, T0).Reply));
        Assert.Equal(ActivationRefusal.AlreadyUsed, Refusal(approved.Confirm(boss with { SubscriberId = new SubscriberId("acct-2") }, T0).Reply));
    }

    [Fact]
    public void Polling_faster_than_the_interval_slows_down_and_counts_from_the_last_accepted_poll()
    {
        var (state, _) = DeviceActivationState.Empty(Begin.Code).Begin(Begin, T0);
        var poll = new PollActivation(Begin.Code, Begin.Nonce);
        state = state.Poll(poll, T0).State;
        var (after, slow) = state.Poll(poll, T0.AddSeconds(2));
        Assert.Equal(new ActivationSlowDown(Begin.Code, TimeSpan.FromSeconds(3)), slow);
        Assert.Equal(new ActivationSlowDown(Begin.Code, TimeSpan.FromSeconds(1)), after.Poll(poll, T0.AddSeconds(4)).Reply);
        Assert.IsType<ActivationPending>(after.Poll(poll, T0.AddSeconds(5)).Reply);
    }

    [Fact]
    public void A_live_code_is_taken_an_expired_one_is_not_and_a_wrong_nonce_is_unknown()
    {
        var (state, _) = DeviceActivationState.Empty(Begin.Code).Begin(Begin, T0);
        Assert.Equal(ActivationRefusal.CodeTaken, Refusal(state.Begin(Begin with { Nonce = new string('m', 32) }, T0.AddMinutes(9)).Reply));
        Assert.Equal(ActivationRefusal.Unknown, Refusal(state.Poll(new PollActivation(Begin.Code, new string('m', 32)), T0).Reply));
        Assert.Equal(ActivationRefusal.Expired, Refusal(state.Poll(new PollActivation(Begin.Code, Begin.Nonce), T0.AddMinutes(10)).Reply));
        Assert.Equal(ActivationRefusal.Expired, Refusal(state.Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0.AddMinutes(10)).Reply));
        Assert.IsType<ActivationBegun>(state.Begin(Begin with { Nonce = new string('m', 32), ExpiresAt = T0.AddMinutes(20) }, T0.AddMinutes(10)).Reply);
        Assert.Equal(ActivationRefusal.Unknown, Refusal(DeviceActivationState.Empty(Begin.Code).Confirm(new ConfirmActivation(Begin.Code, Sub, null), T0).Reply));
    }

    [Fact]
    public void The_failure_window_refuses_at_the_limit_until_the_oldest_failure_leaves_it()
    {
        var limit = new ThrottleLimit(3, TimeSpan.FromMinutes(15));
        var window = FailureWindow.Empty;
        for (var i = 0; i < 2; i++) window = window.Add(T0.AddMinutes(i), limit);
        Assert.Null(window.RetryAfter(T0.AddMinutes(2), limit));
        window = window.Add(T0.AddMinutes(2), limit);
        Assert.Equal(TimeSpan.FromMinutes(12), window.RetryAfter(T0.AddMinutes(3), limit));
        Assert.Null(window.RetryAfter(T0.AddMinutes(15), limit));
        Assert.Equal(2, window.Current(T0.AddMinutes(15), limit).Failures.Count);
        window = window.Add(T0.AddMinutes(4), limit).Add(T0.AddMinutes(5), limit);
        Assert.Equal(3, window.Failures.Count);
        Assert.Equal(T0.AddMinutes(20), window.EmptyAt(limit));
    }

    private static ActivationRefusal? Refusal(IActivationReply? reply) => (reply as ActivationRefused)?.Reason;
}
