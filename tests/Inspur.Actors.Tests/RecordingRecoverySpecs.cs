using Akka.Hosting;
using Inspur.Actors.Channels;
using Inspur.Actors.Configuration;
using Inspur.Actors.Recordings;
using Inspur.Domain.Channels;
using Inspur.Domain.Recordings;
using Inspur.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Inspur.Domain.Recordings.RecordingReplies;

namespace Inspur.Actors.Tests;

/// <summary>
/// The production wiring on a state-only node (no archive, so no exporter): recordings reach their phases by the entity's own
/// timers; that system stops; a second one on the same database recovers every recording, its phase and request, and the
/// directory re-projects them.
/// </summary>
public sealed class RecordingRecoverySpecs
{
    private static readonly ChannelId Channel = new("cctv-1");

    [Fact]
    public Task Recovers_on_sqlite() => WriteStopRecover(Repo.TempDir("recording-recovery-sqlite"), null);

    [Fact]
    public async Task Recovers_on_postgres()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await WriteStopRecover(Repo.TempDir("recording-recovery-pg"), db.ConnectionString);
    }

    private static async Task WriteStopRecover(string dataDir, string? postgres)
    {
        var now = DateTimeOffset.UtcNow;
        var past = new RecordingRequest(Channel, "main", now.AddMinutes(-10), now.AddMinutes(-5)) { Title = "Past" };
        var future = new RecordingRequest(Channel, "720p", now.AddDays(1), now.AddDays(1).AddHours(1)) { Title = "Tomorrow", ProgrammeId = "cctv-1-1" };
        var (exporting, scheduled, cancelled) = (new RecordingId("rec-past"), new RecordingId("rec-future"), new RecordingId("rec-cancelled"));
        using (var first = await StartAsync(dataDir, postgres))
        {
            var recordings = first.Services.GetRequiredService<IRecordingService>();
            Assert.IsType<RecordingView>(await recordings.ScheduleAsync(exporting, past));
            Assert.IsType<RecordingView>(await recordings.ScheduleAsync(scheduled, future));
            Assert.IsType<RecordingView>(await recordings.ScheduleAsync(cancelled, future));
            Assert.Equal(RecordingPhase.Cancelled, Assert.IsType<RecordingView>(await recordings.CancelAsync(cancelled)).Phase);
            var taken = Assert.IsType<RecordingRejected>(await recordings.ScheduleAsync(exporting, past));
            Assert.Equal(RecordingRejection.AlreadyExists, taken.Reason);
            await Eventually(async () => (await recordings.GetAsync(exporting)) is RecordingView { Phase: RecordingPhase.Exporting }, "the past interval exporting");
            await first.StopAsync();
        }

        using var second = await StartAsync(dataDir, postgres);
        var again = second.Services.GetRequiredService<IRecordingService>();
        var recovered = Assert.IsType<RecordingView>(await again.GetAsync(exporting));
        Assert.Equal((RecordingPhase.Exporting, past, 3L), (recovered.Phase, recovered.Request, recovered.Version));
        Assert.Equal(RecordingPhase.Scheduled, Assert.IsType<RecordingView>(await again.GetAsync(scheduled)).Phase);
        Assert.Equal(future, Assert.IsType<RecordingView>(await again.GetAsync(scheduled)).Request);
        Assert.Equal(RecordingPhase.Cancelled, Assert.IsType<RecordingView>(await again.GetAsync(cancelled)).Phase);

        var listed = await again.ListAsync();
        // Newest interval first, then by id.
        Assert.Equal([(cancelled, RecordingPhase.Cancelled), (scheduled, RecordingPhase.Scheduled), (exporting, RecordingPhase.Exporting)],
            listed.Select(r => (r.RecordingId, r.Phase)));

        Assert.Equal(RecordingPhase.Deleted, Assert.IsType<RecordingView>(await again.DeleteAsync(exporting)).Phase);
        Assert.Equal(RecordingRejection.NotFound, Assert.IsType<RecordingRejected>(await again.GetAsync(exporting)).Reason);
        Assert.DoesNotContain(await again.ListAsync(), r => r.RecordingId == exporting);
        Assert.Equal(RecordingRejection.AlreadyExists, Assert.IsType<RecordingRejected>(await again.ScheduleAsync(exporting, past)).Reason);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (limit.IsCancellationRequested) throw new TimeoutException($"{what} did not happen within 30 s");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static async Task<IHost> StartAsync(string dataDir, string? postgres)
    {
        var config = TestConfig.Node(dataDir, postgres);
        var roles = InspurAkkaConfig.Roles(config);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("inspur", (akka, _) => akka.WithInspurNode(config).WithChannelActors(roles).WithRecordingActors(roles));
        builder.Services.AddSingleton<IChannelService, ChannelService>();
        builder.Services.AddInspurRecordings();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
