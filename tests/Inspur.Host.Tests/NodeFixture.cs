using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>One real single-node Inspur.Host process on SQLite in a temp folder, shared by a test class.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public HostProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("host-specs") });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
