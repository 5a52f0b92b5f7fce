using System.Net;
using System.Net.Http.Json;
using Inspur.Testing;

namespace Inspur.Cmd.Tests;

/// <summary>
/// One running cluster shared by every spec that needs a node: a seed node (all roles) on a temp SQLite data folder, plus
/// extra <c>edge</c> nodes that specs start, leave, down or kill. Every node uses a long split-brain-resolver
/// <c>stable-after</c>, so only the ops commands under test remove members.
/// </summary>
public sealed class PbmCluster : IAsyncLifetime
{
    public static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(60);
    public const int ChannelCount = 5;

    private readonly List<HostProcess> _extra = [];
    private readonly SemaphoreSlim _channelsLock = new(1, 1);
    private IReadOnlyList<string>? _channels;

    public string DataDir { get; } = Repo.TempDir("inspur-pbm");

    public HostProcess Seed { get; private set; } = null!;

    /// <summary>The seed node's ops endpoint as pbm's first argument.</summary>
    public string Target => Seed.OpsTarget;

    public async Task InitializeAsync()
    {
        Seed = await HostProcess.StartAsync(new HostOptions { DataDir = DataDir, StableAfter = "300s" });
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _extra) await node.DisposeAsync();
        if (Seed is not null) await Seed.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs pbm against the seed node.</summary>
    public Task<PbmResult> PbmAsync(params string[] words) => PbmProcess.RunAsync([Target, .. words]);

    /// <summary>Starts an <c>edge</c> node joining the seed and waits until the seed lists it as Up.</summary>
    public async Task<HostProcess> JoinAsync()
    {
        var node = HostProcess.Launch(new HostOptions
        {
            DataDir = DataDir,
            SeedNodes = [Seed.AkkaAddress],
            Roles = ["edge"],
            StableAfter = "300s",
        });
        lock (_extra) _extra.Add(node);
        await node.WaitReadyAsync();
        await UntilMemberAsync(node.AkkaAddress, row => row is { Status: "Up", Reachable: "yes" }, "Up and reachable");
        return node;
    }

    /// <summary>Polls <c>cluster show</c> on the seed until <paramref name="address"/>'s row satisfies <paramref name="condition"/>.</summary>
    public async Task<MemberRow> UntilMemberAsync(string address, Func<MemberRow?, bool> condition, string what)
    {
        var result = await Poll.UntilAsync(
            () => PbmAsync("cluster", "show"),
            r => r.ExitCode == 0 && condition(MemberRow.Find(r.Stdout, address)),
            MembershipTimeout,
            $"{address} {what} in 'cluster show' of the seed",
            SeedTail);
        return MemberRow.Find(result.Stdout, address)!;
    }

    /// <summary>Polls <c>cluster show</c> on the seed until <paramref name="address"/> is no longer listed.</summary>
    public Task UntilGoneAsync(string address) =>
        Poll.UntilAsync(
            () => PbmAsync("cluster", "show"),
            r => r.ExitCode == 0 && MemberRow.Find(r.Stdout, address) is null,
            MembershipTimeout,
            $"{address} gone from 'cluster show' of the seed",
            SeedTail);

    /// <summary>Best effort after a spec, pass or fail: the node is dead and not a member, so later specs see a clean cluster.</summary>
    public async Task ForgetAsync(HostProcess node)
    {
        await node.KillAsync();
        var show = await PbmAsync("cluster", "show");
        if (MemberRow.Find(show.Stdout, node.AkkaAddress) is not null)
        {
            await PbmAsync("cluster", "down", node.AkkaAddress);
            await UntilGoneAsync(node.AkkaAddress);
        }
    }

    /// <summary>Creates <see cref="ChannelCount"/> channels once, then asks each of them for its state so every entity is alive now.</summary>
    public async Task<IReadOnlyList<string>> LiveChannelsAsync()
    {
        await _channelsLock.WaitAsync();
        try
        {
            if (_channels is null)
            {
                var ids = Enumerable.Range(1, ChannelCount).Select(i => $"pbm-ch-{i}").ToList();
                foreach (var (id, i) in ids.Select((id, i) => (id, i)))
                {
                    using var response = await Seed.Http.PostAsJsonAsync("/api/v1/channels", new { id, name = $"Channel {i + 1}", number = i + 1 });
                    Assert.True(response.StatusCode == HttpStatusCode.Created,
                        $"creating {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                _channels = ids;
            }
        }
        finally
        {
            _channelsLock.Release();
        }

        // Entities passivate when idle; a read re-activates (or keeps alive) each one, so the counts are exact.
        foreach (var id in _channels)
        {
            using var response = await Seed.Http.GetAsync($"/api/v1/channels/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"reading {id}: {(int)response.StatusCode}");
        }

        return _channels;
    }

    public string SeedTail() => "seed node output (tail):\n" + string.Join('\n', Seed.Output.Split('\n').TakeLast(60));
}

[CollectionDefinition(Name)]
public sealed class PbmClusterCollection : ICollectionFixture<PbmCluster>
{
    public const string Name = "pbm against a running cluster";
}
