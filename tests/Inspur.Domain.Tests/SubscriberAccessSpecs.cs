using Inspur.Domain.Subscribers;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberEvents;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Domain.Tests;

/// <summary>Credentials as salted hashes, token revocation and the access check, on the pure subscriber state.</summary>
public sealed class SubscriberAccessSpecs
{
    private static readonly SubscriberId Id = new("boss-2");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static int _keys;

    private static string Key() => $"key-{Interlocked.Increment(ref _keys)}";

    private static CredentialHash Hash(string secret) => CredentialHash.Create(secret, 1_000);

    private static SubscriberState Run(SubscriberState state, DateTimeOffset at, params ISubscriberCommand[] commands)
    {
        foreach (var command in commands)
        {
            var decision = state.Process(command, at);
            Assert.True(decision.Reply is null, $"{command.GetType().Name} refused: {decision.Reply}");
            state = decision.Events.Aggregate(state, (s, e) => s.Apply(e));
        }

        return state;
    }

    private static SubscriberState WithStb(SubscriberState state) =>
        Run(state, Now, new RegisterDevice(Id, Key(), "stb-1", DeviceKind.Stb, "00:1a:2b:3c:4d:5e", null, null));

    [Fact]
    public void A_credential_hash_matches_its_secret_only_and_never_holds_it()
    {
        var hash = CredentialHash.Create("correct horse", 2_000);

        Assert.True(hash.Matches("correct horse"));
        Assert.False(hash.Matches("correct horsE"));
        Assert.False(hash.Matches(""));
        Assert.DoesNotContain("correct horse", hash.Hash + hash.Salt + hash);
        Assert.NotEqual(hash.Hash, CredentialHash.Create("correct horse", 2_000).Hash); // salted afresh
        Assert.False((hash with { Hash = "not base64!" }).Matches("correct horse"));
        Assert.Equal(CredentialHash.DefaultIterations, CredentialHash.Create("x").Iterations);
    }

    [Theory]
    [InlineData("short", false)]
    [InlineData("eight888", true)]
    [InlineData("tab\there8", false)]
    public void A_password_is_8_to_128_characters(string password, bool valid) =>
        Assert.Equal(valid, CredentialHash.PasswordProblem(password) is null);

    [Theory]
    [InlineData("123", false)]
    [InlineData("1234", true)]
    [InlineData("12345678", true)]
    [InlineData("123456789", false)]
    [InlineData("12a4", false)]
    [InlineData("١٢٣٤", false)]
    public void A_pin_is_4_to_8_ascii_digits(string pin, bool valid) => Assert.Equal(valid, CredentialHash.PinProblem(pin) is null);

    [Fact]
    public void Credentials_come_with_the_open_and_are_replaced_one_at_a_time()
    {
        var password = Hash("password-1");
        var pin = Hash("1234");
        var state = Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Han Meimei", new SubscriberLimits(2, 1)) { Password = password });
        Assert.Equal((password, (CredentialHash?)null), (state.Password, state.Pin));

        state = Run(state, Now, new SetCredentials(Id, Key(), null, pin));
        Assert.Equal((password, pin), (state.Password, state.Pin));
        Assert.True(state.SignIn().Pin!.Matches("1234"));

        var decision = state.Process(new SetCredentials(Id, Key(), null, null), Now);
        Assert.Empty(decision.Events);
        Assert.Equal(SubscriberRejection.Invalid, Assert.IsType<SubscriberRejected>(decision.Reply).Reason);
    }

    [Fact]
    public void A_retried_credentials_request_is_replayed_though_its_hash_is_salted_anew()
    {
        var state = Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Han Meimei", new SubscriberLimits(2, 1)));
        var key = Key();
        state = Run(state, Now, new SetCredentials(Id, key, Hash("password-1"), null));

        var retry = state.Process(new SetCredentials(Id, key, Hash("password-1"), null), Now);
        Assert.Empty(retry.Events);
        Assert.True(Assert.IsType<SubscriberReceipt>(retry.Reply).Replayed);
        var other = state.Process(new SetCredentials(Id, key, null, Hash("1234")), Now);
        Assert.Equal(SubscriberRejection.IdempotencyMismatch, Assert.IsType<SubscriberRejected>(other.Reply).Reason);
    }

    [Fact]
    public void An_open_without_credentials_keeps_the_fingerprint_it_always_had()
    {
        var open = new OpenAccount(Id, "k", "Li Lei", new SubscriberLimits(2, 1));
        Assert.Equal(IdempotencyLog.Fingerprint("open", Id.Value, "Li Lei", "2", "1"), SubscriberState.Fingerprint(open));
        Assert.NotEqual(SubscriberState.Fingerprint(open), SubscriberState.Fingerprint(open with { Pin = Hash("1234") }));
    }

    [Fact]
    public void Access_needs_an_existing_active_account_that_still_has_the_device()
    {
        Assert.Equal(AccessDenial.UnknownSubscriber, SubscriberState.Empty(Id).CheckAccess("stb-1", Now));
        var state = WithStb(Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Li Lei", new SubscriberLimits(2, 1))));
        Assert.Null(state.CheckAccess("stb-1", Now));
        Assert.Equal(AccessDenial.DeviceRemoved, state.CheckAccess("phone-9", Now));

        var suspended = Run(state, Now, new SuspendAccount(Id, Key(), "unpaid"));
        Assert.Equal(AccessDenial.Suspended, suspended.CheckAccess("stb-1", Now));
        Assert.Null(Run(suspended, Now, new ResumeAccount(Id, Key())).CheckAccess("stb-1", Now));
        Assert.Equal(AccessDenial.Closed, Run(state, Now, new CloseAccount(Id, Key(), null)).CheckAccess("stb-1", Now));
        Assert.Equal(AccessDenial.DeviceRemoved, Run(state, Now, new RemoveDevice(Id, Key(), "stb-1")).CheckAccess("stb-1", Now));
    }

    [Fact]
    public void Revocation_refuses_tokens_issued_before_it_in_whole_seconds_including_its_own_second_and_always_advance()
    {
        var state = WithStb(Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Li Lei", new SubscriberLimits(2, 1))));
        var revokedAt = Now.AddSeconds(30).AddMilliseconds(400);
        state = Run(state, revokedAt, new RevokeTokens(Id, Key(), "lost phone"));

        Assert.Equal(Now.AddSeconds(31), state.TokensValidFrom);
        Assert.Equal(AccessDenial.TokenRevoked, state.CheckAccess("stb-1", Now));
        Assert.Equal(AccessDenial.TokenRevoked, state.CheckAccess("stb-1", Now.AddSeconds(30))); // the token says :30, the revocation came at :30.4
        Assert.Null(state.CheckAccess("stb-1", Now.AddSeconds(31)));
        Assert.Equal(state.TokensValidFrom, state.SignIn().TokensValidFrom);
        Assert.Equal(Now.AddSeconds(1), SubscriberState.Empty(Id).ValidFromAfter(Now));

        // A token issued at :31 (no earlier than the revocation) dies with a second revocation within that same second.
        var twice = Run(state, revokedAt.AddMilliseconds(100), new RevokeTokens(Id, Key(), "signed out"));
        Assert.Equal(Now.AddSeconds(32), twice.TokensValidFrom);
        Assert.Equal(AccessDenial.TokenRevoked, twice.CheckAccess("stb-1", Now.AddSeconds(31)));

        var revoked = Assert.IsType<TokensRevoked>(state.Process(new RevokeTokens(Id, Key(), "again"), revokedAt).Events.Single());
        Assert.Equal("again", revoked.Reason);
        Assert.Equal(SubscriberRejection.Invalid,
            Assert.IsType<SubscriberRejected>(state.Process(new RevokeTokens(Id, Key(), ""), Now).Reply).Reason);
    }

    [Fact]
    public void A_closed_account_takes_no_new_credentials_or_revocations()
    {
        var state = Run(SubscriberState.Empty(Id), Now, new OpenAccount(Id, Key(), "Li Lei", new SubscriberLimits(2, 1)), new CloseAccount(Id, Key(), null));
        Assert.Equal(SubscriberRejection.Conflict, Assert.IsType<SubscriberRejected>(state.Process(new SetCredentials(Id, Key(), Hash("password-1"), null), Now).Reply).Reason);
        Assert.Equal(SubscriberRejection.Conflict, Assert.IsType<SubscriberRejected>(state.Process(new RevokeTokens(Id, Key(), "x"), Now).Reply).Reason);
    }
}
