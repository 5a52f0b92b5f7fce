using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>Channels accepted by one node process are there after that process stops (or is killed) and a new one starts.</summary>
public sealed class RestartRecoverySpecs
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recovers_on_sqlite(bool kill)
    {
        var dir = Repo.TempDir("restart-sqlite");
        await WriteRestartRead(new HostOptions { DataDir = dir }, () => new HostOptions { DataDir = dir }, kill);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Recovers_on_postgres(bool kill)
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteRestartRead(new HostOptions { DataDir = Repo.TempDir("restart-pg"), Postgres = db.ConnectionString },
            () => new HostOptions { DataDir = Repo.TempDir("restart-pg"), Postgres = db.ConnectionString }, kill);
    }

    private static async Task WriteRestartRead(HostOptions first, Func<HostOptions> second, bool kill)
    {
        await using (var node = await HostProcess.StartAsync(first))
        {
            Assert.Equal(HttpStatusCode.Created, (await node.Http.PostAsJsonAsync("/api/v1/channels", new { id = "cctv-1", name = "CCTV 1", number = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await node.Http.PostAsJsonAsync("/api/v1/channels", new { id = "cctv-5", name = "CCTV 5", number = 5 })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await node.Http.PutAsJsonAsync("/api/v1/channels/cctv-5", new { name = "CCTV 5+ Sports", number = 5 })).StatusCode);
            if (kill) await node.KillAsync();
            else await node.StopAsync();
        }

        await using var again = await HostProcess.StartAsync(second());
        var channel = await again.GetJsonAsync("/api/v1/channels/cctv-5");
        Assert.Equal("CCTV 5+ Sports", channel.GetProperty("name").GetString());
        Assert.Equal(2, channel.GetProperty("version").GetInt64());

        var list = await again.GetJsonAsync("/api/v1/channels");
        Assert.Equal(["cctv-1", "cctv-5"], list.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
    }
}
