using Inspur.Actors.Sessions;
using Inspur.Domain.Serialization;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.PlaybackRevocations;

namespace Inspur.Actors.Tests;

/// <summary>What a node hands a node that joined later: everything it holds, in batches small enough for one remoting frame.</summary>
public sealed class PlaybackRevocationListSpecs
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static PlaybackClaims Claims(string session, string subscriber, DateTimeOffset issued) =>
        new(new SessionId(session), subscriber, "stb-1", new PlaybackContent(ContentKind.Live, "news"), issued, issued.AddHours(1));

    [Fact]
    public void Its_batches_carry_every_revocation_and_a_list_fed_with_them_refuses_the_same_tokens()
    {
        var known = new PlaybackRevocationList(new SessionSettings());
        for (var i = 0; i < 1_201; i++) known.Apply(new SessionRevoked(new SessionId($"ses-{i}"), Now));
        known.Apply(new SubscriberRevoked("acct-1", Now));
        known.Apply(new SubscriberRevoked("acct-2", Now.AddSeconds(-30)));

        var batches = known.Batches().ToList();
        Assert.All(batches, b => Assert.InRange(b.Sessions.Count + b.Subscribers.Count, 1, RevocationBatch.MaxBatch));
        Assert.Equal(1_201, batches.Sum(b => b.Sessions.Count));
        Assert.Equal(2, batches.Sum(b => b.Subscribers.Count));

        var late = new PlaybackRevocationList(new SessionSettings());
        var serializer = new InspurSerializer(null!);
        foreach (var batch in batches)
        {
            // As it crosses the wire.
            var copy = (RevocationBatch)serializer.FromBinary(serializer.ToBinary(batch), serializer.Manifest(batch));
            foreach (var s in copy.Sessions) late.Apply(s);
            foreach (var s in copy.Subscribers) late.Apply(s);
        }

        Assert.Equal(known.Count, late.Count);
        Assert.Equal(RevokedBy.Session, late.Check(Claims("ses-1200", "acct-9", Now)));
        Assert.Equal(RevokedBy.Subscriber, late.Check(Claims("ses-new", "acct-1", Now.AddSeconds(-1))));
        Assert.Equal(RevokedBy.None, late.Check(Claims("ses-new", "acct-2", Now)));
        Assert.Equal(RevokedBy.None, late.Check(Claims("ses-new", "acct-3", Now)));
    }

    [Fact]
    public void An_empty_list_sends_nothing()
    {
        Assert.Empty(new PlaybackRevocationList(new SessionSettings()).Batches());
    }
}
