namespace Inspur.Media;

/// <summary>
/// Media sequence numbers derived from UTC time and the target duration (ARCHITECTURE principle 3), so a restarted or
/// standby packager on the same input continues the same numbering instead of starting again at 0.
/// </summary>
public static class EpochSequence
{
    /// <summary>The sequence number of the segment slot that contains <paramref name="utc"/>.</summary>
    public static long For(DateTimeOffset utc, TimeSpan targetDuration)
    {
        if (targetDuration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(targetDuration), targetDuration, "target duration must be positive");
        var ms = utc.ToUnixTimeMilliseconds();
        if (ms < 0) throw new ArgumentOutOfRangeException(nameof(utc), utc, "times before 1970 have no sequence number");
        return ms / (long)targetDuration.TotalMilliseconds;
    }

    /// <summary>The UTC start of the slot numbered <paramref name="sequence"/>.</summary>
    public static DateTimeOffset SlotStart(long sequence, TimeSpan targetDuration) =>
        DateTimeOffset.FromUnixTimeMilliseconds(checked(sequence * (long)targetDuration.TotalMilliseconds));
}
