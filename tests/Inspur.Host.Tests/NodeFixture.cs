using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One real single-node Inspur.Host process on SQLite in a temp folder, shared by the <see cref="NodeCollection"/>.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("host-specs") });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

/// <summary>
/// The specs of a plain node (channels, EPG, ops surface): each works on ids of its own and none counts everything the
/// node holds, so one node serves them all.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    public const string Name = "plain node";
}
