using Inspur.Domain.Sessions;

namespace Inspur.Domain.Tests;

public sealed class StreamLeasesSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);
    private static readonly SessionId A = new("ses-0000000000000000000a"), B = new("ses-0000000000000000000b"), C = new("ses-0000000000000000000c");

    [Fact]
    public void The_stream_beyond_the_limit_is_refused_and_the_holders_are_named()
    {
        var two = StreamLeases.Empty.TryReserve(A, 2, At, At.AddMinutes(1))!.TryReserve(B, 2, At, At.AddMinutes(2))!;

        Assert.Null(two.TryReserve(C, 2, At, At.AddMinutes(1)));
        Assert.Equal([A, B], two.Active(At));
    }

    [Fact]
    public void A_session_reserving_again_does_not_count_twice()
    {
        var two = StreamLeases.Empty.TryReserve(A, 2, At, At.AddMinutes(1))!.TryReserve(B, 2, At, At.AddMinutes(1))!;

        Assert.NotNull(two.TryReserve(A, 2, At, At.AddMinutes(3)));
    }

    [Fact]
    public void A_release_or_a_lease_that_ran_out_frees_a_stream()
    {
        var two = StreamLeases.Empty.TryReserve(A, 2, At, At.AddMinutes(1))!.TryReserve(B, 2, At, At.AddMinutes(5))!;

        Assert.NotNull(two.Release(A).TryReserve(C, 2, At, At.AddMinutes(1)));
        Assert.Null(two.TryReserve(C, 2, At.AddSeconds(59), At.AddMinutes(2)));
        Assert.NotNull(two.TryReserve(C, 2, At.AddMinutes(1), At.AddMinutes(2)));
    }

    [Fact]
    public void Renewing_keeps_a_lease_and_brings_back_one_a_restart_forgot()
    {
        var one = StreamLeases.Empty.TryReserve(A, 1, At, At.AddMinutes(1))!.Renew(A, At.AddSeconds(50), At.AddMinutes(2));
        Assert.Null(one.TryReserve(B, 1, At.AddSeconds(90), At.AddMinutes(3)));
        Assert.Same(one, one.Renew(A, At.AddSeconds(60), At.AddMinutes(1.5)));

        var forgotten = StreamLeases.Empty.Renew(A, At, At.AddMinutes(1));
        Assert.Null(forgotten.TryReserve(B, 1, At, At.AddMinutes(1)));
    }
}
