using System.Text.RegularExpressions;
using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>Polls for a condition with a bounded timeout; the failure message carries the last observed value.</summary>
public static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"{what} did not happen within {timeout}; last seen:\n{last}\n{context?.Invoke()}");
            await Task.Delay(Interval);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? context = null) =>
        UntilAsync(() => Task.FromResult(condition()), done => done, timeout, what, context);
}

/// <summary>One row of the member table <c>cluster show</c> prints: address, status, reachable, roles.</summary>
public sealed record MemberRow(string Address, string Status, string Reachable, string Roles)
{
    public static IReadOnlyList<MemberRow> Parse(string output) =>
        output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 3 && cells[0].StartsWith("akka.tcp://", StringComparison.Ordinal))
            .Select(cells => new MemberRow(cells[0], cells[1], cells[2], cells.Length > 3 ? cells[3] : ""))
            .ToList();

    public static MemberRow? Find(string output, string address) => Parse(output).FirstOrDefault(r => r.Address == address);
}

public static class PbmAssert
{
    public static void Exit(int expected, PbmResult result) =>
        Assert.True(result.ExitCode == expected, $"expected exit {expected}, got:\n{result}");

    /// <summary>Every <c>shard N: M entities</c> line of a stats output, summed.</summary>
    public static int SumOfShardLines(string output) =>
        Regex.Matches(output, @"^\s*shard \S+: (\d+) entities\s*$", RegexOptions.Multiline).Sum(m => int.Parse(m.Groups[1].Value));

    /// <summary>Every <c>shards: N, entities: M</c> summary line of a stats output, as (shards, entities).</summary>
    public static IReadOnlyList<(int Shards, int Entities)> Summaries(string output) =>
        Regex.Matches(output, @"^\s*shards: (\d+), entities: (\d+)\s*$", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value)))
            .ToList();
}
