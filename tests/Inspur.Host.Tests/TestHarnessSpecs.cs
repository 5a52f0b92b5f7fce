using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>The test harness itself: a node whose start fails must not outlive it (xUnit never disposes such a fixture).</summary>
public sealed class TestHarnessSpecs
{
    [Fact]
    public async Task A_node_whose_readiness_wait_fails_is_killed_with_its_children()
    {
        var pid = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("harness") }, node =>
        {
            pid = node.Pid;
            throw new TimeoutException("pretend the channel never came up");
        }));

        Assert.NotEqual(0, pid);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"node {pid} is still running");
    }
}
