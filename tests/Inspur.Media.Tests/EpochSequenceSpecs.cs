namespace Inspur.Media.Tests;

public sealed class EpochSequenceSpecs
{
    private static readonly TimeSpan Two = TimeSpan.FromSeconds(2);

    [Fact]
    public void Sequence_is_the_number_of_whole_target_durations_since_the_epoch()
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_999);

        Assert.Equal(850_000_000, EpochSequence.For(t, Two));
        Assert.Equal(850_000_001, EpochSequence.For(t.AddMilliseconds(1), Two));
    }

    [Fact]
    public void Two_packagers_starting_at_different_times_agree_on_shared_slots()
    {
        var early = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var late = early.AddSeconds(37.4);
        var slot = early.AddSeconds(40.5);

        Assert.Equal(EpochSequence.For(slot, Two), EpochSequence.For(late.AddSeconds(3.1), Two));
    }

    [Fact]
    public void Slot_start_inverts_the_sequence()
    {
        var t = new DateTimeOffset(2026, 11, 24, 23, 59, 59, 999, TimeSpan.Zero);
        var seq = EpochSequence.For(t, Two);

        var start = EpochSequence.SlotStart(seq, Two);

        Assert.True(start <= t && t < start + Two);
        Assert.Equal(seq, EpochSequence.For(start, Two));
    }

    [Fact]
    public void Sequence_never_decreases_as_time_advances()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var last = long.MinValue;
        for (var i = 0; i < 10_000; i++)
        {
            var seq = EpochSequence.For(t.AddMilliseconds(i * 7), TimeSpan.FromMilliseconds(333));
            Assert.True(seq >= last);
            last = seq;
        }
    }

    [Fact]
    public void Non_positive_targets_and_pre_epoch_times_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EpochSequence.For(DateTimeOffset.UtcNow, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpochSequence.For(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => EpochSequence.For(new DateTimeOffset(1969, 12, 31, 0, 0, 0, TimeSpan.Zero), Two));
    }
}
