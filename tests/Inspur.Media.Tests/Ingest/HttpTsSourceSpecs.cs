using System.Net;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Inspur.Media.Ingest;
using Inspur.Media.Tests.Segmenting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Inspur.Media.Tests.Ingest.IngestTesting;

namespace Inspur.Media.Tests.Ingest;

/// <summary>A real Kestrel on loopback serving real ffmpeg TS to the HTTP source: order, reconnects, cancel and bad input.</summary>
public sealed class HttpTsSourceSpecs : IAsyncLifetime
{
    private ActorSystem _system = null!;
    private readonly List<WebApplication> _servers = [];

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("http-source-specs", "akka.loglevel = WARNING");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await _system.Terminate();
    }

    /// <summary>Starts Kestrel on a free loopback port; <paramref name="handle"/> gets each request with its 1-based number.</summary>
    private async Task<Uri> Serve(Func<HttpContext, int, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = 0;
        app.Run(context => handle(context, Interlocked.Increment(ref requests)));
        await app.StartAsync();
        _servers.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(new Uri(address), "/live/channel1.ts?token=secret");
    }

    /// <summary>Writes <paramref name="ts"/> as a TS response in 32 KiB writes.</summary>
    private static async Task Write(HttpContext context, byte[] ts, int? length = null)
    {
        context.Response.ContentType = "video/mp2t";
        var end = length ?? ts.Length;
        for (var i = 0; i < end; i += 32 * 1024)
        {
            await context.Response.Body.WriteAsync(ts.AsMemory(i, Math.Min(32 * 1024, end - i)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Serves <paramref name="ts"/> and then keeps the response open, as a live server does, until the client goes.</summary>
    private static async Task WriteAndHold(HttpContext context, byte[] ts)
    {
        await Write(context, ts);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private (IngestStats Stats, UniqueKillSwitch Kill, Task<Akka.Done> Done) Run(HttpIngestOptions options, Collected collected, TimeProvider? clock = null)
    {
        var ((stats, kill), done) = Source.FromGraph(new HttpTsSource(options, clock))
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .ToMaterialized(collected.Sink, Keep.Both)
            .Run(_system.Materializer());
        return (stats, kill, done);
    }

    private static HttpIngestOptions Quick(Uri url) => new(url)
    {
        ReconnectInitial = TimeSpan.FromMilliseconds(100),
        ReconnectMax = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public async Task The_body_arrives_intact_and_in_order()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var url = await Serve((context, _) => WriteAndHold(context, ts));
        var collected = new Collected();

        var (stats, kill, _) = Run(new HttpIngestOptions(url), collected);
        await Until(() => collected.Length >= ts.Length, () => $"{collected.Length} of {ts.Length} bytes; {stats.LastError}");
        kill.Shutdown();

        Assert.Equal(ts, collected.Bytes());
        Assert.Equal(ts.Length, stats.Bytes);
        Assert.Equal(0, stats.Reconnects);
        Assert.Null(stats.LastError);
        Assert.Equal((ts.Length / 188, 0L, 0L), collected.Framing());
    }

    [Fact]
    public async Task A_404_is_named_and_retried_until_the_stream_is_there()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var url = await Serve((context, n) =>
        {
            if (n > 1) return WriteAndHold(context, ts);
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var collected = new Collected();

        var (stats, kill, _) = Run(Quick(url), collected);
        await Until(() => collected.Length >= ts.Length, () => $"{collected.Length} of {ts.Length} bytes; {stats.LastError}");
        kill.Shutdown();

        Assert.Equal(1, stats.Reconnects);
        Assert.Contains("404", stats.LastError);
        Assert.Contains($"{url.Host}:{url.Port}/live/channel1.ts", stats.LastError);
        Assert.DoesNotContain("secret", stats.LastError);
        Assert.Equal(ts, collected.Bytes());
    }

    [Theory]
    [InlineData(true, "broke after")]
    [InlineData(false, "ended the response after")]
    public async Task A_body_that_breaks_or_ends_is_replaced_and_the_stream_goes_on(bool abort, string error)
    {
        var first = await MediaSamples.Mpeg2(seconds: 6);
        var second = await MediaSamples.H264Aac(seconds: 4);
        var url = await Serve(async (context, n) =>
        {
            if (n > 1)
            {
                await WriteAndHold(context, second);
                return;
            }

            if (!abort) context.Response.ContentLength = first.Length / 2;
            await Write(context, first, first.Length / 2);
            if (abort) context.Abort();
        });
        var collected = new Collected();

        var (stats, kill, done) = Run(Quick(url), collected);
        await Until(() => collected.Length >= second.Length && collected.Bytes().AsSpan()[^second.Length..].SequenceEqual(second),
            () => $"{collected.Length} bytes, the second response not complete at the end; {stats.LastError}");
        Assert.False(done.IsCompleted);
        kill.Shutdown();

        var all = collected.Bytes();
        var before = all.Length - second.Length;
        Assert.True(before <= first.Length / 2, $"{before} bytes before the second response");
        Assert.Equal(first.AsSpan(0, before).ToArray(), all.AsSpan(0, before).ToArray());
        Assert.Equal(1, stats.Reconnects);
        Assert.Contains(error, stats.LastError);
    }

    [Fact]
    public async Task Cancelling_downstream_closes_the_connection()
    {
        var ts = await MediaSamples.H264Aac(seconds: 4);
        var closed = new TaskCompletionSource();
        var requests = 0;
        var url = await Serve(async (context, n) =>
        {
            requests = n;
            try
            {
                await WriteAndHold(context, ts);
            }
            finally
            {
                closed.TrySetResult();
            }
        });
        var collected = new Collected();

        var (stats, kill, done) = Run(Quick(url), collected);
        await Until(() => collected.Length > 0, () => $"no bytes; {stats.LastError}");
        kill.Shutdown();

        await closed.Task.WaitAsync(Patience);
        await done.WaitAsync(Patience);
        Assert.Equal(1, requests);
        Assert.Equal(0, stats.Reconnects);
    }

    [Fact]
    public async Task Failures_back_off_doubling_to_the_max_and_data_resets_the_wait()
    {
        Assert.Equal([1.0, 2, 4, 8, 10, 10], Enumerable.Range(1, 6).Select(f => new HttpIngestOptions(new Uri("http://x/")).ReconnectDelay(f).TotalSeconds));

        var ts = await MediaSamples.H264Aac(seconds: 4);
        var url = await Serve((context, n) =>
        {
            if (n <= 4 || n == 6) context.Response.StatusCode = 503;
            else return Write(context, ts, 188 * 10); // data flows, then the body ends
            return Task.CompletedTask;
        });
        var clock = new ImpatientClock();
        var collected = new Collected();

        var (stats, kill, _) = Run(new HttpIngestOptions(url), collected, clock);
        await Until(() => stats.Reconnects >= 7, () => $"{stats.Reconnects} reconnects; {stats.LastError}");
        kill.Shutdown();

        // 4 refusals, data, a refusal, data: 1 2 4 8, then 1 (data), 2, then 1 (data).
        Assert.Equal([1.0, 2, 4, 8, 1, 2, 1], clock.Delays.Take(7).Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task An_unreachable_server_is_named_retried_and_never_ends_the_stream()
    {
        var port = FreeTcpPort();
        var collected = new Collected();

        var (refused, kill, done) = Run(Quick(new Uri($"http://127.0.0.1:{port}/live.ts")), collected);
        await Until(() => refused.Reconnects >= 2, () => $"{refused.Reconnects} reconnects; {refused.LastError}");

        Assert.Contains($"cannot connect to http://127.0.0.1:{port}/live.ts", refused.LastError);
        Assert.False(done.IsCompleted);
        kill.Shutdown();

        var (unknown, kill2, done2) = Run(Quick(new Uri("http://no-such-host.invalid/live.ts")), new Collected());
        await Until(() => unknown.LastError is not null, () => "no error for an unknown host");
        Assert.Contains("cannot connect to http://no-such-host.invalid/live.ts", unknown.LastError);
        Assert.False(done2.IsCompleted);
        kill2.Shutdown();
    }

    public static TheoryData<string, string> BadUrls() => new()
    {
        { "/live/channel1.ts", "absolute" },
        { "ftp://head-end/live.ts", "scheme ftp" },
        { "file:///srv/live.ts", "scheme file" },
        { "udp://239.1.1.1:5000", "scheme udp" },
    };

    [Theory]
    [MemberData(nameof(BadUrls))]
    public void Urls_other_than_absolute_http_are_refused(string url, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new HttpTsSource(new HttpIngestOptions(new Uri(url, UriKind.RelativeOrAbsolute))));
        Assert.Contains(expected, error.Message);
        Assert.Contains("http", error.Message);
    }

    [Fact]
    public void Other_options_are_validated()
    {
        var ok = new HttpIngestOptions(new Uri("https://head-end.example/live.ts"));
        ok.Validate();
        Assert.Throws<ArgumentNullException>(() => new HttpIngestOptions(null!).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { BufferChunks = 1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { ReadBytes = 100 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { IdleTimeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { ConnectTimeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (ok with { ReconnectMax = TimeSpan.FromMilliseconds(10) }).Validate());
    }
}
